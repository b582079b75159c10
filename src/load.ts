/**
 * LOAD: reads fail2ban exports (files and folders, plain or .gz) line by line into an
 * EventStore, with an InputReport per file accounting for every line:
 * `records + sum(skipped) === lines`.
 */
import { createReadStream, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BotMapError } from './errors';
import { EventStore } from './events';
import { fail2banLog } from './formats/fail2ban-log';
import { fail2banStatus } from './formats/fail2ban-status';
import { ipList } from './formats/ip-list';
import { BLANK_LINE, NO_RECORD, isBlank, type Emit, type FormatParser, type LineParser } from './formats/parser';
import type { AttackEvent, InputFormat, InputReport } from './types';

export type { Emit, FormatParser, LineParser, LineResult } from './formats/parser';

/** The formats, in the order detection tries them: the most distinctive first. */
export const FORMATS: readonly FormatParser[] = [fail2banStatus, fail2banLog, ipList];

/** The skip reason of every line of a file whose format was not recognised. */
export const UNRECOGNISED_FORMAT = 'unrecognised format';

export interface LoadProgress {
  /** The file being read (as in its report). */
  file: string;
  /** Bytes read so far over the whole run (compressed bytes for .gz files). */
  bytes: number;
  /** Size of all the files of the run. */
  totalBytes: number;
  /** Lines read so far from `file`. */
  lines: number;
}

export interface LoadOptions {
  /** Read every file as this format instead of detecting each file's format. */
  format?: InputFormat;
  /** Called at most every ~100 ms or every 64k lines, and once at the end. */
  onProgress?: (p: LoadProgress) => void;
  /** Data root used to derive server names (see `serverName`); default: the common parent folder of `paths`. */
  root?: string;
}

export interface LoadResult {
  store: EventStore;
  /** One report per file read, in reading order; an event's `input` indexes this array. */
  inputs: InputReport[];
}

const DETECT_LINES = 50;
/** Detection decides after this many lines even when fewer than DETECT_LINES were non-blank. */
const DETECT_MAX_BUFFERED = 10_000;
const MAX_LINE_LENGTH = 64 * 1024 * 1024;
const EXAMPLES_PER_REASON = 5;
const PROGRESS_MS = 100;
const PROGRESS_LINES = 65_536;

/**
 * The format of a file from its first lines (line breaks removed), or null when no parser
 * recognises them. Only the first 50 non-blank lines are looked at.
 */
export function detectFormat(firstLines: string[]): InputFormat | null {
  const lines: string[] = [];
  for (let line of firstLines) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (lines.length === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (isBlank(line)) continue;
    lines.push(line);
    if (lines.length === DETECT_LINES) break;
  }
  if (lines.length === 0) return null;
  for (const parser of FORMATS) if (parser.detect(lines)) return parser.format;
  return null;
}

/**
 * Reads files and folders. Folders are walked recursively in name order, skipping hidden
 * entries (`.name`) and documentation (`README*`, `*.md`); files named explicitly are always
 * read. A path named twice is read once. A path that does not exist throws a BotMapError
 * before anything is read; a file that cannot be read or whose format is not recognised gets
 * an `error` on its report and the run goes on.
 */
export async function loadPaths(paths: string[], options: LoadOptions = {}): Promise<LoadResult> {
  const files: FileEntry[] = [];
  const seen = new Set<string>();
  const folders: string[] = [];
  for (const given of paths) {
    const abs = path.resolve(given);
    let info;
    try {
      info = await stat(abs);
    } catch (err) {
      throw new BotMapError(`${given}: cannot read it (${errorText(err)}); give existing files or folders of fail2ban exports.`);
    }
    if (info.isDirectory()) {
      folders.push(abs);
      await walk(abs, files, seen);
    } else {
      folders.push(path.dirname(abs));
      addFile(abs, info.size, files, seen);
    }
  }
  const root = options.root !== undefined ? path.resolve(options.root) : commonParent(folders);
  const store = new EventStore();
  const inputs: InputReport[] = [];
  const progress = new Progress(options.onProgress, files.reduce((sum, f) => sum + f.size, 0));
  const context: LoadContext = { store, progress, forced: options.format, flat: new Flattener() };
  for (const file of files) {
    inputs.push(await loadFile(file, serverName(file.path, root), inputs.length, context));
  }
  progress.end();
  return { store, inputs };
}

/**
 * The server a file's events are attributed to: the first folder under the data root
 * (`data/web1/fail2ban.log` with root `data` → `web1`, also for `data/web1/old/fail2ban.log`).
 * A file directly in the root takes the root folder's own name (`data/sample/fail2ban.log`
 * with root `data/sample` → `sample`). A file outside the root takes its own folder's name.
 */
export function serverName(file: string, root: string): string {
  const abs = path.resolve(file);
  const rel = path.relative(path.resolve(root), abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return path.basename(path.dirname(abs)) || withoutExtensions(abs);
  const parts = rel.split(path.sep);
  if (parts.length > 1) return parts[0];
  return path.basename(path.resolve(root)) || withoutExtensions(abs);
}

function withoutExtensions(file: string): string {
  const name = path.basename(file);
  const dot = name.indexOf('.', 1);
  return dot > 0 ? name.slice(0, dot) : name;
}

interface FileEntry {
  path: string;
  size: number;
}

interface LoadContext {
  store: EventStore;
  progress: Progress;
  forced: InputFormat | undefined;
  flat: Flattener;
}

function addFile(abs: string, size: number, files: FileEntry[], seen: Set<string>): void {
  if (seen.has(abs)) return;
  seen.add(abs);
  files.push({ path: abs, size });
}

function skippedInFolder(name: string): boolean {
  return name.startsWith('.') || /^readme/i.test(name) || /\.md$/i.test(name);
}

async function walk(folder: string, files: FileEntry[], seen: Set<string>): Promise<void> {
  const entries: Dirent[] = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (skippedInFolder(entry.name)) continue;
    const full = path.join(folder, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    let size = 0;
    if (isFile || entry.isSymbolicLink()) {
      try {
        const info = await stat(full);
        isDirectory = info.isDirectory();
        isFile = info.isFile();
        size = info.size;
      } catch {
        // A broken link: reading it reports the error.
        isFile = true;
      }
    }
    if (isDirectory) await walk(full, files, seen);
    else if (isFile) addFile(full, size, files, seen);
  }
}

function commonParent(folders: string[]): string {
  if (folders.length === 0) return process.cwd();
  let common = folders[0].split(path.sep);
  for (const folder of folders.slice(1)) {
    const parts = folder.split(path.sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}

/** The path as reports show it: relative to the working folder when under it, else absolute. */
function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Parses every line as unrecognised (or, for a file of blank lines only, as blank). */
function constantParser(reason: string): LineParser {
  return { parseLine: () => reason };
}

function supportedFormats(): string {
  return FORMATS.map((parser) => parser.format).join(', ');
}

async function loadFile(file: FileEntry, server: string, index: number, context: LoadContext): Promise<InputReport> {
  const { store, progress, flat } = context;
  const display = displayPath(file.path);
  const report: InputReport = { file: display, format: 'unknown', server, lines: 0, records: 0, events: 0, skipped: {}, skipped_examples: {} };
  const skipped = new Map<string, number>();
  const examples = new Map<string, number[]>();
  let lines = 0;
  let records = 0;
  let events = 0;
  let parser: LineParser | null = null;
  let buffered: string[] = [];
  let nonBlank = 0;
  let nextProgressLine = PROGRESS_LINES;
  let formatError: string | undefined;
  let readError: string | undefined;

  const origin = { server, input: index };
  const scratch: AttackEvent = { ip: '', kind: 'ban', time: null, jail: null, user: null };
  const emit: Emit = (ip, kind, time, jail, user = null) => {
    scratch.ip = flat.ip(ip);
    scratch.kind = kind;
    scratch.time = time;
    scratch.jail = jail === null ? null : flat.jail(jail);
    scratch.user = user;
    return store.add(scratch, origin);
  };

  const skip = (reason: string, lineNo: number): void => {
    const count = skipped.get(reason);
    if (count === undefined) {
      skipped.set(reason, 1);
      examples.set(reason, [lineNo]);
    } else {
      skipped.set(reason, count + 1);
      if (count < EXAMPLES_PER_REASON) examples.get(reason)!.push(lineNo);
    }
  };

  const take = (active: LineParser, line: string, lineNo: number): void => {
    const result = active.parseLine(line, lineNo, emit);
    if (typeof result === 'number') {
      if (result > 0) {
        records++;
        events += result;
      } else {
        skip(NO_RECORD, lineNo);
      }
    } else {
      skip(result, lineNo);
    }
  };

  const decide = (): void => {
    if (parser !== null) return;
    let chosen: FormatParser | undefined;
    if (context.forced !== undefined) {
      chosen = FORMATS.find((candidate) => candidate.format === context.forced);
      if (chosen === undefined) throw new BotMapError(`Unknown input format "${context.forced}"; supported formats: ${supportedFormats()}.`);
    } else {
      const format = detectFormat(buffered);
      chosen = FORMATS.find((candidate) => candidate.format === format);
    }
    if (chosen !== undefined) {
      report.format = chosen.format;
      parser = chosen.begin();
    } else if (nonBlank === 0) {
      parser = constantParser(BLANK_LINE);
    } else {
      parser = constantParser(UNRECOGNISED_FORMAT);
      formatError =
        `${display}: unrecognised format: its first lines are not fail2ban-client status output, a fail2ban.log or a list of addresses ` +
        `(supported formats: ${supportedFormats()}).`;
    }
    const replay = buffered;
    buffered = [];
    for (let i = 0; i < replay.length; i++) take(parser, replay[i], i + 1);
  };

  const onLine = (line: string): void => {
    const lineNo = ++lines;
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (parser !== null) {
      take(parser, line, lineNo);
      if (lineNo >= nextProgressLine) {
        nextProgressLine += PROGRESS_LINES;
        progress.update(display, stream.bytesRead, lines);
      }
      return;
    }
    buffered.push(line);
    if (!isBlank(line)) nonBlank++;
    if (nonBlank >= DETECT_LINES || buffered.length >= DETECT_MAX_BUFFERED) decide();
  };

  if (context.forced !== undefined) decide();

  const stream = createReadStream(file.path, { highWaterMark: 1 << 20 });
  let source: Readable = stream;
  if (/\.gz$/i.test(file.path)) {
    const gunzip = createGunzip({ chunkSize: 1 << 16 });
    stream.on('error', (err) => gunzip.destroy(err));
    source = stream.pipe(gunzip);
  }
  source.setEncoding('utf8');
  let pending = '';
  try {
    for await (const chunk of source as AsyncIterable<string>) {
      const text = pending.length > 0 ? pending + chunk : chunk;
      let start = 0;
      for (;;) {
        const newline = text.indexOf('\n', start);
        if (newline < 0) break;
        onLine(text.slice(start, newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline));
        start = newline + 1;
      }
      pending = start === 0 ? text : text.slice(start);
      if (pending.length > MAX_LINE_LENGTH) throw new Error(`line ${lines + 1} is longer than ${MAX_LINE_LENGTH / 1024 / 1024} MiB`);
      progress.update(display, stream.bytesRead, lines);
    }
    if (pending.length > 0) onLine(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
  } catch (err) {
    const where = lines === 0 ? 'could not be read' : `could not be read past line ${lines}`;
    readError = `${display}: ${where}: ${errorText(err)}`;
  } finally {
    stream.destroy();
    if (source !== stream) source.destroy();
  }
  decide();
  const errors = [formatError, readError].filter((text): text is string => text !== undefined);
  if (errors.length > 0) report.error = errors.join(' ');

  (parser as LineParser | null)?.finish?.(report);
  report.lines = lines;
  report.records = records;
  report.events = events;
  for (const [reason, count] of skipped) report.skipped[reason] = count;
  for (const [reason, lineNos] of examples) report.skipped_examples[reason] = lineNos;
  progress.fileDone(display, stream.bytesRead, lines);
  return report;
}

/**
 * Keeps the address and jail strings handed to the store from being slices of a read chunk:
 * V8 keeps the whole (1 MiB) chunk alive for as long as a slice of it is a key in the
 * store's caches. Strings shorter than 13 characters are always copies already.
 */
class Flattener {
  private readonly ips = new Map<string, string>();
  private readonly jails = new Map<string, string>();

  ip(text: string): string {
    return text.length < 13 ? text : this.intern(this.ips, text, 5_000_000);
  }

  jail(text: string): string {
    return text.length < 13 ? text : this.intern(this.jails, text, 10_000);
  }

  private intern(map: Map<string, string>, text: string, limit: number): string {
    const known = map.get(text);
    if (known !== undefined) return known;
    const copy = Buffer.from(text, 'utf8').toString('utf8');
    if (map.size < limit) map.set(copy, copy);
    return copy;
  }
}

/** Throttles progress reports to one per ~100 ms or 64k lines; bytes count over the whole run. */
class Progress {
  private doneBytes = 0;
  private lastTime = Date.now();
  private lastFile = '';
  private lastLines = 0;
  private reportedLines = 0;

  constructor(
    private readonly callback: LoadOptions['onProgress'],
    private readonly totalBytes: number,
  ) {}

  update(file: string, fileBytes: number, fileLines: number): void {
    if (this.callback === undefined) return;
    this.lastFile = file;
    this.lastLines = fileLines;
    const now = Date.now();
    if (now - this.lastTime < PROGRESS_MS && Math.abs(fileLines - this.reportedLines) < PROGRESS_LINES) return;
    this.lastTime = now;
    this.reportedLines = fileLines;
    this.callback({ file, bytes: this.doneBytes + fileBytes, totalBytes: this.totalBytes, lines: fileLines });
  }

  fileDone(file: string, fileBytes: number, fileLines: number): void {
    this.update(file, fileBytes, fileLines);
    this.doneBytes += fileBytes;
    this.reportedLines = 0;
  }

  end(): void {
    this.callback?.({ file: this.lastFile, bytes: this.doneBytes, totalBytes: this.totalBytes, lines: this.lastLines });
  }
}
