/**
 * LOAD: reads fail2ban and sshd exports (files and folders, plain or .gz) line by line into an
 * EventStore, with an InputReport per file accounting for every line:
 * `records + sum(skipped) === lines`. fail2ban's sqlite database is read by rows instead
 * (recognised by its header; its "lines" are rows).
 *
 * Rotated logs (`fail2ban.log.2.gz`, `fail2ban.log.1`, `fail2ban.log`; `auth.log-20261001.gz`)
 * are read oldest first, and lines at the head of a file that repeat the tail of the file
 * rotated before it are skipped as "duplicate of rotated file's line".
 */
import { createReadStream, type Dirent } from 'node:fs';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { normaliseAddress } from './address';
import { BotMapError } from './errors';
import { displayPath } from './project';
import { EventStore } from './events';
import { authLog } from './formats/auth-log';
import { csv } from './formats/csv';
import { fail2banBanip } from './formats/fail2ban-banip';
import { fail2banBanned } from './formats/fail2ban-banned';
import { isSqlite, readFail2banDatabase } from './formats/fail2ban-db';
import { fail2banLog } from './formats/fail2ban-log';
import { fail2banStatus } from './formats/fail2ban-status';
import { ipList } from './formats/ip-list';
import { journalJson } from './formats/journal-json';
import { BLANK_LINE, NO_RECORD, isBlank, type Emit, type FormatParser, type LineParser, type LineResult, type ParseContext } from './formats/parser';
import type { AttackEvent, EventKind, GivenLocation, InputFormat, InputReport, Location, RangeRecord } from './types';

export type { Emit, FormatParser, LineParser, LineResult, ParseContext } from './formats/parser';

/**
 * The line formats, in the order detection tries them: the most distinctive first.
 * (`fail2ban-db` is not among them: a database is recognised by its SQLite header.)
 */
export const FORMATS: readonly FormatParser[] = [fail2banStatus, fail2banBanned, fail2banLog, authLog, journalJson, csv, fail2banBanip, ipList];

/** Every format, as `LoadOptions.format` accepts them. */
export const INPUT_FORMATS: readonly InputFormat[] = [...FORMATS.map((parser) => parser.format), 'fail2ban-db'];

/** The skip reason of head lines that repeat the tail of the previous rotated file. */
export const DUPLICATE_OF_ROTATED = "duplicate of rotated file's line";

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
  /**
   * Bans of whole networks (`Ban 192.0.2.96/28`), in reading order. They are not events (a
   * range is not an address): each line is counted under the skip reason "network range ban"
   * and in its report's `ranges`.
   */
  ranges: RangeRecord[];
  /**
   * Where inputs said addresses are (CSV `latitude`, `longitude`, `city`, `country` …
   * columns), by index into `store.addresses`; the first place given for an address wins.
   * The locate stage should use these instead of the database (see `givenToLocation`).
   */
  givenLocations: Map<number, GivenLocation>;
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
 * read. A path named twice is read once. The files of a rotation group (same folder and base
 * name, see `rotationOf`) are read oldest first, in the places the group's files take. A path that does not exist throws a BotMapError
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
      addFile(abs, info.size, info.mtimeMs, files, seen);
    }
  }
  if (options.format !== undefined && !INPUT_FORMATS.includes(options.format)) {
    throw new BotMapError(`Unknown input format "${options.format}"; supported formats: ${supportedFormats()}.`);
  }
  orderRotations(files);
  const root = options.root !== undefined ? path.resolve(options.root) : commonParent(folders);
  const store = new EventStore();
  const inputs: InputReport[] = [];
  const ranges: RangeRecord[] = [];
  const givenLocations = new Map<number, GivenLocation>();
  const progress = new Progress(options.onProgress, files.reduce((sum, f) => sum + f.size, 0));
  const context: LoadContext = { store, progress, forced: options.format, flat: new Flattener(), ranges, givenLocations, tails: new Map() };
  for (const file of files) {
    inputs.push(await loadFile(file, serverName(file.path, root), inputs.length, context));
  }
  progress.end();
  return { store, inputs, ranges, givenLocations };
}

/**
 * A `Location` from what an input gave (for the locate stage): precision `city` when it gave
 * coordinates, `country_only` when only a country, else `not_found`.
 */
export function givenToLocation(given: GivenLocation): Location {
  const placed = given.latitude !== null && given.longitude !== null;
  return {
    precision: placed ? 'city' : given.country !== null || given.countryName !== null ? 'country_only' : 'not_found',
    country: given.country,
    countryName: given.countryName,
    city: given.city,
    subdivision: given.subdivision,
    latitude: given.latitude,
    longitude: given.longitude,
    accuracyRadius: null,
  };
}

/** `192.0.2.100/28` → `192.0.2.96/28`: the network address with the prefix length; null when not a range. */
export function normaliseCidr(text: string): string | null {
  const slash = text.indexOf('/');
  if (slash <= 0 || !/^\d{1,3}$/.test(text.slice(slash + 1))) return null;
  const address = normaliseAddress(text.slice(0, slash));
  if (address === null) return null;
  const length = Number(text.slice(slash + 1));
  if (length > (address.version === 4 ? 32 : 128)) return null;
  try {
    if (address.version === 4) return `${ipaddr.IPv4.networkAddressFromCIDR(`${address.ip}/${length}`).toString()}/${length}`;
    return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.ip}/${length}`).toRFC5952String()}/${length}`;
  } catch {
    return null;
  }
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
  /** Modification time, epoch ms (null when unknown). */
  mtime: number | null;
  /** A newer file of the same rotation group is read after this one (so keep this one's tail). */
  rotatedInto?: boolean;
}

interface LoadContext {
  store: EventStore;
  progress: Progress;
  forced: InputFormat | undefined;
  flat: Flattener;
  ranges: RangeRecord[];
  givenLocations: Map<number, GivenLocation>;
  /** The last lines of the last file read of each rotation group (folder + base name). */
  tails: Map<string, string[]>;
}

function addFile(abs: string, size: number, mtime: number | null, files: FileEntry[], seen: Set<string>): void {
  if (seen.has(abs)) return;
  seen.add(abs);
  files.push({ path: abs, size, mtime });
}

/**
 * A file's place in its rotation group: `fail2ban.log.2.gz` is `{ base: 'fail2ban.log', age: 2 }`,
 * `auth.log-20261001.gz` is dated, `fail2ban.log` (and `fail2ban.log.gz`) is the live file.
 * Older files are read first: dated ones by date, then numbered ones from the highest number, then the live one.
 */
export function rotationOf(name: string): { base: string; order: number } {
  const numbered = /^(.+?)\.(\d{1,4})(?:\.(?:gz|bz2|xz|zst))?$/i.exec(name);
  if (numbered) return { base: numbered[1], order: 2_000_000_000 - Number(numbered[2]) };
  const dated = /^(.+?)-(\d{8})(?:\.(?:gz|bz2|xz|zst))?$/i.exec(name);
  if (dated) return { base: dated[1], order: Number(dated[2]) };
  const gz = /^(.+?)\.gz$/i.exec(name);
  return { base: gz ? gz[1] : name, order: 3_000_000_000 };
}

/** Orders the members of each rotation group (same folder, same base name) oldest first, in the group's positions. */
function orderRotations(files: FileEntry[]): void {
  const groups = new Map<string, number[]>();
  files.forEach((file, i) => {
    const key = rotationKey(file.path);
    const positions = groups.get(key);
    if (positions === undefined) groups.set(key, [i]);
    else positions.push(i);
  });
  for (const positions of groups.values()) {
    if (positions.length < 2) continue;
    const members = positions.map((i) => files[i]);
    members.sort((a, b) => rotationOf(path.basename(a.path)).order - rotationOf(path.basename(b.path)).order);
    positions.forEach((position, k) => {
      files[position] = members[k];
    });
    for (const member of members.slice(0, -1)) member.rotatedInto = true;
  }
}

function rotationKey(file: string): string {
  return path.join(path.dirname(file), rotationOf(path.basename(file)).base);
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
    let mtime: number | null = null;
    if (isFile || entry.isSymbolicLink()) {
      try {
        const info = await stat(full);
        isDirectory = info.isDirectory();
        isFile = info.isFile();
        size = info.size;
        mtime = info.mtimeMs;
      } catch {
        // A broken link: reading it reports the error.
        isFile = true;
      }
    }
    if (isDirectory) await walk(full, files, seen);
    else if (isFile) addFile(full, size, mtime, files, seen);
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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Parses every line as unrecognised (or, for a file of blank lines only, as blank). */
function constantParser(reason: string): LineParser {
  return { parseLine: () => reason };
}

function supportedFormats(): string {
  return INPUT_FORMATS.join(', ');
}

/** The first 16 bytes of the file (of its content for .gz), or fewer for a shorter file. */
async function fileHead(file: string): Promise<Uint8Array> {
  if (/\.gz$/i.test(file)) {
    return new Promise<Uint8Array>((resolve) => {
      const chunks: Buffer[] = [];
      let length = 0;
      const gunzip = createGunzip();
      const stream = createReadStream(file, { end: 65_535 });
      const done = () => {
        stream.destroy();
        gunzip.destroy();
        resolve(Buffer.concat(chunks).subarray(0, 16));
      };
      gunzip.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (length >= 16) done();
      });
      gunzip.on('error', done);
      gunzip.on('end', done);
      stream.on('error', done);
      stream.pipe(gunzip);
    });
  }
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(16);
    const { bytesRead } = await handle.read(buffer, 0, 16, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Lines of a file kept to find the next rotated file's repeated head. */
const TAIL_LINES = 2000;

/**
 * Finds the head of a file that repeats the tail of the file rotated before it: the longest
 * run of first lines equal to the last lines of the previous file (one non-blank line at least).
 * Lines are held back while a repeat is still possible, then released as duplicates or not.
 */
class SeamFilter {
  private candidates: number[] | null = null;
  private readonly held: string[] = [];
  private best = 0;
  done = false;

  constructor(private readonly tail: string[]) {}

  /** Takes the next line; returns the lines released, each with whether it is a duplicate. */
  push(line: string, out: (line: string, duplicate: boolean) => void): void {
    if (this.done) {
      out(line, false);
      return;
    }
    const k = this.held.length;
    const tail = this.tail;
    if (this.candidates === null) {
      this.candidates = [];
      for (let j = 0; j < tail.length; j++) if (tail[j] === line) this.candidates.push(j);
    } else {
      this.candidates = this.candidates.filter((j) => j + k < tail.length && tail[j + k] === line);
    }
    this.held.push(line);
    // A candidate that reached the tail's end is a complete repeat of k + 1 lines.
    for (const j of this.candidates) {
      if (j + k + 1 === tail.length && k + 1 > this.best && this.held.some((held) => !isBlank(held))) this.best = k + 1;
    }
    this.candidates = this.candidates.filter((j) => j + k + 1 < tail.length);
    if (this.candidates.length === 0) this.release(out);
  }

  /** Releases what is held (at the end of the file). */
  release(out: (line: string, duplicate: boolean) => void): void {
    if (this.done) return;
    this.done = true;
    for (let i = 0; i < this.held.length; i++) out(this.held[i], i < this.best);
    this.held.length = 0;
  }
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
  let bufferedNos: number[] = [];
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
    scratch.user = user === null || user === undefined ? null : flat.user(user);
    return store.add(scratch, origin);
  };
  const parseContext: ParseContext = {
    mtime: file.mtime,
    range(cidr: string, kind: EventKind, time: number | null, jail: string | null): boolean {
      const normal = normaliseCidr(cidr);
      if (normal === null) return false;
      context.ranges.push({ cidr: normal, kind, time, jail, server, input: index });
      return true;
    },
    locate(ip: string, where: GivenLocation): void {
      const address = store.addressOf(ip);
      if (address >= 0 && !context.givenLocations.has(address)) context.givenLocations.set(address, where);
    },
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

  const count = (result: LineResult, lineNo: number): void => {
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

  const take = (active: LineParser, line: string, lineNo: number): void => {
    count(active.parseLine(line, lineNo, emit), lineNo);
  };

  const finishReport = (): InputReport => {
    report.lines = lines;
    report.records = records;
    report.events = events;
    for (const [reason, n] of skipped) report.skipped[reason] = n;
    for (const [reason, lineNos] of examples) report.skipped_examples[reason] = lineNos;
    return report;
  };

  // fail2ban's sqlite database: recognised by its header, read by rows.
  const forcedParser = context.forced === undefined || context.forced === 'fail2ban-db' ? undefined : FORMATS.find((candidate) => candidate.format === context.forced);
  if (forcedParser === undefined) {
    let head: Uint8Array | null = null;
    try {
      head = await fileHead(file.path);
    } catch {
      head = null; // reading it below reports the error
    }
    if ((head !== null && isSqlite(head)) || context.forced === 'fail2ban-db') {
      report.format = 'fail2ban-db';
      let error: string | null;
      try {
        const bytes = /\.gz$/i.test(file.path) ? gunzipSync(await readFile(file.path)) : await readFile(file.path);
        if (!isSqlite(bytes)) error = 'not an SQLite database (no SQLite header)';
        else error = await readFail2banDatabase(bytes, emit, (result) => count(result, ++lines));
      } catch (err) {
        error = `could not be read: ${errorText(err)}`;
      }
      if (error !== null) report.error = `${display}: ${error}`;
      progress.fileDone(display, file.size, lines);
      return finishReport();
    }
  }

  const decide = (): void => {
    if (parser !== null) return;
    let chosen: FormatParser | undefined = forcedParser;
    if (chosen === undefined) {
      const format = detectFormat(buffered);
      chosen = FORMATS.find((candidate) => candidate.format === format);
    }
    if (chosen !== undefined) {
      report.format = chosen.format;
      parser = chosen.begin(parseContext);
    } else if (nonBlank === 0) {
      parser = constantParser(BLANK_LINE);
    } else {
      parser = constantParser(UNRECOGNISED_FORMAT);
      formatError =
        `${display}: unrecognised format: its first lines are not fail2ban-client output, a fail2ban.log, an auth log, ` +
        `a journal export, a CSV with an ip column or a list of addresses (supported formats: ${supportedFormats()}).`;
    }
    const replay = buffered;
    const replayNos = bufferedNos;
    buffered = [];
    bufferedNos = [];
    for (let i = 0; i < replay.length; i++) take(parser, replay[i], replayNos[i]);
  };

  // Rotation: the head of this file may repeat the tail of the file rotated before it.
  const group = rotationKey(file.path);
  const previousTail = context.tails.get(group);
  const seam = previousTail !== undefined && previousTail.length > 0 ? new SeamFilter(previousTail) : null;
  const tail: string[] = new Array(file.rotatedInto === true ? TAIL_LINES : 0);
  let tailNext = 0;
  let tailCount = 0;

  const keepTail = file.rotatedInto === true;
  const onLine = (line: string, duplicate: boolean): void => {
    const lineNo = ++lines;
    if (keepTail) {
      tail[tailNext] = line;
      tailNext = tailNext === TAIL_LINES - 1 ? 0 : tailNext + 1;
      if (tailCount < TAIL_LINES) tailCount++;
    }
    if (duplicate) {
      skip(DUPLICATE_OF_ROTATED, lineNo);
      return;
    }
    if (parser !== null) {
      take(parser, line, lineNo);
      if (lineNo >= nextProgressLine) {
        nextProgressLine += PROGRESS_LINES;
        progress.update(display, stream.bytesRead, lines);
      }
      return;
    }
    buffered.push(line);
    bufferedNos.push(lineNo);
    if (!isBlank(line)) nonBlank++;
    if (nonBlank >= DETECT_LINES || buffered.length >= DETECT_MAX_BUFFERED) decide();
  };

  let first = true;
  const onRawLine = (line: string): void => {
    if (first) {
      first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    if (seam === null || seam.done) onLine(line, false);
    else seam.push(line, onLine);
  };

  if (forcedParser !== undefined) decide();

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
        onRawLine(text.slice(start, newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline));
        start = newline + 1;
      }
      pending = start === 0 ? text : text.slice(start);
      if (pending.length > MAX_LINE_LENGTH) throw new Error(`line ${lines + 1} is longer than ${MAX_LINE_LENGTH / 1024 / 1024} MiB`);
      progress.update(display, stream.bytesRead, lines);
    }
    if (pending.length > 0) onRawLine(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
  } catch (err) {
    const where = lines === 0 ? 'could not be read' : `could not be read past line ${lines}`;
    readError = `${display}: ${where}: ${errorText(err)}`;
  } finally {
    stream.destroy();
    if (source !== stream) source.destroy();
  }
  seam?.release(onLine);
  decide();
  const errors = [formatError, readError].filter((text): text is string => text !== undefined);
  if (errors.length > 0) report.error = errors.join(' ');

  // Keep this file's last lines (as copies, not slices of a read chunk) for the next rotated file.
  const kept: string[] = [];
  for (let i = 0; i < tailCount; i++) {
    const at = (tailNext - tailCount + i + TAIL_LINES) % TAIL_LINES;
    kept.push(Buffer.from(tail[at], 'utf8').toString('utf8'));
  }
  if (keepTail) context.tails.set(group, kept);
  else context.tails.delete(group);

  (parser as LineParser | null)?.finish?.(report);
  progress.fileDone(display, stream.bytesRead, lines);
  return finishReport();
}

/**
 * Keeps the address and jail strings handed to the store from being slices of a read chunk:
 * V8 keeps the whole (1 MiB) chunk alive for as long as a slice of it is a key in the
 * store's caches. Strings shorter than 13 characters are always copies already.
 */
class Flattener {
  private readonly ips = new Map<string, string>();
  private readonly jails = new Map<string, string>();
  private readonly users = new Map<string, string>();

  ip(text: string): string {
    return text.length < 13 ? text : this.intern(this.ips, text, 5_000_000);
  }

  jail(text: string): string {
    return text.length < 13 ? text : this.intern(this.jails, text, 10_000);
  }

  user(text: string): string {
    return text.length < 13 ? text : this.intern(this.users, text, 1_000_000);
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
