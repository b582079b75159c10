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
import { constants as fsConstants, type Dirent, type Stats } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { isAscii } from 'node:buffer';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, gunzipSync } from 'node:zlib';
import { normaliseCidr } from '../locate/address';
import { BotMapError } from '../errors';
import { displayPath } from '../project';
import { printable } from '../html';
import { detached } from './detached';
import { EventStore, storeWriters } from './events';
import { READ_CHUNK, readChunks } from './read-chunks';
import { authLog } from './formats/auth-log';
import { csv } from './formats/csv';
import { fail2banBanip } from './formats/fail2ban-banip';
import { fail2banBanned } from './formats/fail2ban-banned';
import { NO_BANS_TABLE, isSqlite, readFail2banDatabase } from './formats/fail2ban-db';
import { fail2banLog } from './formats/fail2ban-log';
import { fail2banStatus } from './formats/fail2ban-status';
import { ipList } from './formats/ip-list';
import { journalJson } from './formats/journal-json';
import { BLANK_LINE, LINE_TOO_LONG, NO_RECORD, isBlank, type FormatParser, type LineParser, type LineResult, type ParseContext } from './formats/parser';
import type { EventKind, GivenLocation, InputFormat, InputReport, Location, RangeRecord } from '../types';

/** Kept here too: where callers have always found it. */
export { normaliseCidr, LINE_TOO_LONG };

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
  /**
   * Lines longer than this many characters are skipped with the reason "line too long" (and a
   * warning on the file's report); reading goes on at the next line. Default 1 MiB.
   */
  maxLineLength?: number;
  /**
   * A .gz file whose content grows past this many bytes is not read further (a decompression
   * bomb): its report gets an error and the lines read before are kept. Default:
   * `BOTMAP_MAX_GZ_BYTES` when set, else the larger of 1 GiB and 100 times the compressed size.
   */
  maxGzBytes?: number;
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
/** Lines longer than this (characters) are skipped as LINE_TOO_LONG. */
export const MAX_LINE_LENGTH = 1024 * 1024;
/** Detection also decides once the lines held back for it reach this many characters. */
const DETECT_MAX_CHARS = 4 * 1024 * 1024;
/** A .gz may always expand to this much; beyond it, to at most GZ_MAX_RATIO times its size. */
const GZ_MIN_LIMIT = 1024 * 1024 * 1024;
const GZ_MAX_RATIO = 100;
/** Bytes looked at to recognise a file (SQLite header, byte-order mark, binary data). */
const HEAD_BYTES = 4096;
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
 * entries (`.name`) and documentation (`README*`, `*.md`), and each folder once (a symbolic link
 * back up the tree is not followed round); files named explicitly are always read. A path named
 * twice is read once. The files of a rotation group (same folder and base name, see `rotationOf`)
 * are read oldest first, in the places the group's files take. A path that does not exist throws
 * a BotMapError before anything is read.
 *
 * Anything else that goes wrong with one file is reported on its `InputReport` and the run goes
 * on: `error` (it is listed in `summary.failed_inputs`) for a file that cannot be read (a broken
 * link, a file removed after the listing, a FIFO, socket or device — never opened, so never
 * waited on — a folder that cannot be listed), a .gz that is truncated, corrupt or expands past
 * `maxGzBytes`, an unrecognised format (said to look binary or UTF-16 when it does), an SQLite
 * file that is not a fail2ban database, a file whose every line is too long; `warnings` for an
 * empty file, a file of blank lines, lines over `maxLineLength` (each skipped as "line too
 * long", reading going on at the next line) and a UTF-16 file (decoded from its byte-order
 * mark). Messages name the file, and the line where there is one. Names taken from the input
 * (user, jail, server and file names, CSV places) are made `printable`.
 */
export async function loadPaths(paths: string[], options: LoadOptions = {}): Promise<LoadResult> {
  const files: FileEntry[] = [];
  const seen = new Set<string>();
  const folders: string[] = [];
  const visited = new Set<string>();
  for (const given of paths) {
    const abs = path.resolve(given);
    let info;
    try {
      info = await stat(abs);
    } catch (err) {
      throw new BotMapError(`${printable(given)}: cannot read it (${fsErrorText(err)}); give existing files or folders of fail2ban exports.`);
    }
    if (info.isDirectory()) {
      folders.push(abs);
      await walk(abs, files, seen, visited);
    } else {
      folders.push(path.dirname(abs));
      addFile(abs, info, files, seen);
    }
  }
  if (options.format !== undefined && !INPUT_FORMATS.includes(options.format)) {
    throw new BotMapError(`Unknown input format "${printable(String(options.format))}"; supported formats: ${supportedFormats()}.`);
  }
  orderRotations(files);
  const root = options.root !== undefined ? path.resolve(options.root) : commonParent(folders);
  const store = new EventStore();
  const inputs: InputReport[] = [];
  const ranges: RangeRecord[] = [];
  const givenLocations = new Map<number, GivenLocation>();
  const progress = new Progress(options.onProgress, files.reduce((sum, f) => sum + f.size, 0));
  const maxLineLength = options.maxLineLength ?? MAX_LINE_LENGTH;
  if (!(maxLineLength >= 1)) throw new BotMapError(`The maximum line length must be at least 1 character, got ${maxLineLength}.`);
  const context: LoadContext = {
    store,
    progress,
    forced: options.format,
    ranges,
    givenLocations,
    tails: new Map(),
    maxLineLength,
    maxGzBytes: options.maxGzBytes ?? gzLimitFromEnvironment(),
  };
  for (const file of files) {
    inputs.push(await loadFile(file, printable(serverName(file.path, root)), inputs.length, context));
  }
  progress.end();
  return { store, inputs, ranges, givenLocations };
}

/** `BOTMAP_MAX_GZ_BYTES` as a number of bytes, or undefined when not set. */
function gzLimitFromEnvironment(): number | undefined {
  const text = process.env.BOTMAP_MAX_GZ_BYTES;
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 1) throw new BotMapError(`BOTMAP_MAX_GZ_BYTES must be a number of bytes (at least 1), got "${printable(text)}".`);
  return Math.floor(n);
}

/** The most a .gz file of `compressedSize` bytes may expand to. */
export function gzExpansionLimit(compressedSize: number, configured?: number): number {
  return configured ?? Math.max(GZ_MIN_LIMIT, GZ_MAX_RATIO * compressedSize);
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
  /** Why the entry cannot be read as a file (a FIFO, a socket, a device; a folder that could not be listed). */
  problem?: string;
  /** A newer file of the same rotation group is read after this one (so keep this one's tail). */
  rotatedInto?: boolean;
}

interface LoadContext {
  maxLineLength: number;
  maxGzBytes: number | undefined;
  store: EventStore;
  progress: Progress;
  forced: InputFormat | undefined;
  ranges: RangeRecord[];
  givenLocations: Map<number, GivenLocation>;
  /** The last lines of the last file read of each rotation group (folder + base name); null for a line too long to keep. */
  tails: Map<string, (string | null)[]>;
}

function addFile(abs: string, info: Stats | null, files: FileEntry[], seen: Set<string>, problem?: string): void {
  if (seen.has(abs)) return;
  seen.add(abs);
  const kind = info === null || info.isFile() ? undefined : specialKind(info);
  const reason = problem ?? (kind === undefined ? undefined : `${kind}, not a regular file: not read`);
  files.push({ path: abs, size: info !== null && info.isFile() ? info.size : 0, mtime: info?.mtimeMs ?? null, ...(reason === undefined ? {} : { problem: reason }) });
}

/** What a file-system entry that is neither a regular file nor a folder is. */
function specialKind(info: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean }): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isDirectory()) return 'a folder';
  return 'not a file';
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

async function walk(folder: string, files: FileEntry[], seen: Set<string>, visited: Set<string>): Promise<void> {
  // A folder reached twice (a symbolic link to a parent, or to a folder already read) is read once.
  try {
    const info = await stat(folder);
    const key = `${info.dev}:${info.ino}`;
    if (visited.has(key)) return;
    visited.add(key);
  } catch {
    // Listing it below reports the error.
  }
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (err) {
    addFile(folder, null, files, seen, `this folder could not be listed: ${fsErrorText(err)}; its files were not read`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (skippedInFolder(entry.name)) continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      await walk(full, files, seen, visited);
      continue;
    }
    let info: Stats | null = null;
    try {
      // Follows symbolic links: a link to a folder is walked, a link to a file read.
      info = await stat(full);
    } catch {
      // A broken link, or removed since the listing: reading it reports the error.
      info = null;
    }
    if (info !== null && info.isDirectory()) await walk(full, files, seen, visited);
    else addFile(full, info, files, seen);
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

/** A file-system error in words, with its code: "it does not exist (ENOENT: …)". */
export function fsErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const message = errorText(err);
  switch (code) {
    case 'ENOENT':
      return `it does not exist: a broken link, or removed after it was listed (${message})`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${message})`;
    case 'EISDIR':
      return `it is a folder (${message})`;
    case 'ELOOP':
      return `a loop of symbolic links (${message})`;
    case 'ENAMETOOLONG':
      return `the path is too long (${message})`;
    case 'EIO':
      return `an input/output error, a failing disk? (${message})`;
    default:
      return message;
  }
}

/** A zlib or read error in words, for a file that stopped part way. */
function readErrorText(err: unknown, gz: boolean): string {
  if (err instanceof GzLimitError) return err.message;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const message = errorText(err);
  if (gz && code === 'Z_BUF_ERROR') return `the compressed data ends early (${message}): the .gz file is truncated; the lines before are counted, an incomplete last line is not`;
  if (gz && (code === 'Z_DATA_ERROR' || code === 'Z_NEED_DICT' || code === 'Z_STREAM_ERROR')) return `not valid gzip data (${message}): the .gz file is corrupt or not gzip-compressed`;
  if (code !== undefined && code.startsWith('E')) return fsErrorText(err);
  return message;
}

class GzLimitError extends Error {}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** The text encoding of a file from its first bytes: UTF-16 when it starts with a UTF-16 byte-order mark. */
function encodingOf(head: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

/** What a file that no format recognised looks like, to say in its error. */
function contentHint(head: Uint8Array): string {
  if (head.length === 0) return '';
  let nul = 0;
  let oddNul = 0;
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b === 0) {
      nul++;
      if (i % 2 === 1) oddNul++;
    } else if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) {
      control++;
    }
  }
  if (nul > 0 && oddNul >= head.length / 4 && oddNul >= nul * 0.9) return ' It looks like UTF-16 text without a byte-order mark: convert it to UTF-8 (iconv -f UTF-16LE -t UTF-8).';
  if (nul > 0 || control > head.length / 10) return ' It looks like binary data, not text.';
  return '';
}

/** Parses every line as unrecognised (or, for a file of blank lines only, as blank). */
function constantParser(reason: string): LineParser {
  return { parseLine: () => reason };
}

function supportedFormats(): string {
  return INPUT_FORMATS.join(', ');
}

/** The first HEAD_BYTES bytes of an open file (of its content for .gz), or fewer for a shorter file. */
async function fileHead(handle: FileHandle, gz: boolean): Promise<Buffer> {
  const raw = Buffer.alloc(gz ? 65_536 : HEAD_BYTES);
  const { bytesRead } = await handle.read(raw, 0, raw.length, 0);
  if (!gz) return raw.subarray(0, bytesRead);
  return new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let done = false;
    const gunzip = createGunzip();
    const finish = () => {
      if (done) return;
      done = true;
      gunzip.destroy();
      resolve(Buffer.concat(chunks).subarray(0, HEAD_BYTES));
    };
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= HEAD_BYTES) finish();
    });
    gunzip.on('error', finish);
    gunzip.on('end', finish);
    gunzip.on('close', finish);
    gunzip.end(raw.subarray(0, bytesRead));
  });
}

/** Swaps the bytes of each 16-bit unit (UTF-16BE → UTF-16LE), carrying an odd byte to the next chunk. */
function byteSwapper(): (chunk: Buffer) => Buffer {
  let carry: Buffer | null = null;
  return (chunk) => {
    let bytes: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
    carry = null;
    if (bytes.length % 2 === 1) {
      carry = Buffer.from(bytes.subarray(bytes.length - 1));
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    return Buffer.from(bytes).swap16();
  };
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

  constructor(private readonly tail: readonly (string | null)[]) {}

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
  const { store, progress, maxLineLength } = context;
  const display = printable(displayPath(file.path));
  const report: InputReport = { file: display, format: 'unknown', server, lines: 0, records: 0, events: 0, skipped: {}, skipped_examples: {} };
  const skipped = new Map<string, number>();
  const examples = new Map<string, number[]>();
  const warnings: string[] = [];
  let lines = 0;
  let records = 0;
  let events = 0;
  let parser: LineParser | null = null;
  let buffered: string[] = [];
  let bufferedNos: number[] = [];
  let bufferedChars = 0;
  let nonBlank = 0;
  let nextProgressLine = PROGRESS_LINES;
  let formatError: string | undefined;
  let readError: string | undefined;

  store.setOrigin({ server, input: index });
  // Jail and user names are attacker-written: controls become visible `\uXXXX` (see `printable`).
  const { emit, sink } = storeWriters(store, printable);
  const text = (value: string | null): string | null => (value === null ? null : printable(value));
  const parseContext: ParseContext = {
    mtime: file.mtime,
    range(cidr: string, kind: EventKind, time: number | null, jail: string | null): boolean {
      const normal = normaliseCidr(cidr);
      if (normal === null) return false;
      context.ranges.push({ cidr: normal, kind, time, jail: text(jail), server, input: index });
      return true;
    },
    locate(ip: string, where: GivenLocation): void {
      const address = store.addressOf(ip);
      if (address >= 0 && !context.givenLocations.has(address)) {
        context.givenLocations.set(address, { ...where, city: text(where.city), subdivision: text(where.subdivision), country: text(where.country), countryName: text(where.countryName) });
      }
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
    // Skip reasons and rejected words may quote the input: keep them printable too.
    for (const [reason, n] of skipped) report.skipped[printable(reason)] = (report.skipped[printable(reason)] ?? 0) + n;
    for (const [reason, lineNos] of examples) report.skipped_examples[printable(reason)] = lineNos;
    if (report.rejected_token_examples !== undefined) report.rejected_token_examples = report.rejected_token_examples.map(printable);
    const tooLong = skipped.get(LINE_TOO_LONG);
    if (tooLong !== undefined) {
      const at = examples.get(LINE_TOO_LONG)!;
      warnings.push(
        `${display}: ${tooLong === 1 ? `line ${at[0]} is` : `${tooLong.toLocaleString('en-US')} lines are`} longer than ${formatChars(maxLineLength)}: skipped as "${LINE_TOO_LONG}"${tooLong > 1 ? ` (lines ${at.join(', ')}${tooLong > at.length ? ', …' : ''})` : ''}.`,
      );
    }
    if (report.error === undefined && lines > 0 && records === 0 && (skipped.get(BLANK_LINE) ?? 0) === lines) warnings.push(`${display}: only blank lines (${lines.toLocaleString('en-US')}): nothing to read.`);
    if (warnings.length > 0) report.warnings = warnings;
    if (report.error !== undefined) report.error = printable(report.error);
    return report;
  };

  if (file.problem !== undefined) {
    report.error = `${display}: ${file.problem}.`;
    progress.fileDone(display, 0, 0);
    return finishReport();
  }

  // Opened without blocking, so a FIFO put in a file's place after the listing cannot hang the run.
  const gz = /\.gz$/i.test(file.path);
  let handle: FileHandle;
  try {
    handle = await open(file.path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    report.error = `${display}: could not be read: ${fsErrorText(err)}.`;
    progress.fileDone(display, file.size, 0);
    return finishReport();
  }
  let info: Stats;
  let head: Buffer;
  try {
    info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      report.error = `${display}: ${specialKind(info)}, not a regular file: not read.`;
      progress.fileDone(display, 0, 0);
      return finishReport();
    }
    head = await fileHead(handle, gz);
  } catch (err) {
    await handle.close().catch(() => undefined);
    report.error = `${display}: could not be read: ${fsErrorText(err)}.`;
    progress.fileDone(display, file.size, 0);
    return finishReport();
  }
  const gzLimit = gzExpansionLimit(info.size, context.maxGzBytes);
  const bombError = (decompressed: number, atLine: string): string =>
    `${display}: ${atLine}: its content grows past ${formatBytes(gzLimit)} (${formatBytes(decompressed)} so far from ${formatBytes(info.size)} compressed)` +
    `${context.maxGzBytes === undefined ? `, more than ${GZ_MAX_RATIO} times its compressed size` : ''}: a decompression bomb? The lines before are counted; ` +
    `set BOTMAP_MAX_GZ_BYTES to a larger number of bytes to read further.`;

  // fail2ban's sqlite database: recognised by its header, read by rows.
  const forcedParser = context.forced === undefined || context.forced === 'fail2ban-db' ? undefined : FORMATS.find((candidate) => candidate.format === context.forced);
  if (forcedParser === undefined && (isSqlite(head) || context.forced === 'fail2ban-db')) {
    report.format = 'fail2ban-db';
    let error: string | null;
    try {
      let bytes: Uint8Array = await handle.readFile();
      if (gz) {
        try {
          bytes = gunzipSync(bytes, { maxOutputLength: Math.min(gzLimit, 2 ** 31 - 1) });
        } catch (err) {
          if (err instanceof RangeError) throw new GzLimitError(bombError(gzLimit, 'not read'));
          throw err;
        }
      }
      if (!isSqlite(bytes)) error = 'not an SQLite database (no SQLite header): BotMap reads fail2ban.sqlite3, the database of fail2ban 0.9 and later';
      else error = await readFail2banDatabase(bytes, emit, (result) => count(result, ++lines));
    } catch (err) {
      error = err instanceof GzLimitError ? null : `could not be read: ${readErrorText(err, gz)}`;
      if (err instanceof GzLimitError) report.error = err.message;
    } finally {
      await handle.close().catch(() => undefined);
    }
    if (error !== null) {
      const where = lines > 0 ? ` (after row ${lines})` : '';
      report.error = `${display}${where}: ${error === NO_BANS_TABLE ? 'not a fail2ban database: an SQLite database without the "bans" table of fail2ban.sqlite3' : error}.`;
    }
    progress.fileDone(display, file.size, lines);
    return finishReport();
  }

  const encoding = encodingOf(head);
  if (encoding !== 'utf-8') {
    report.encoding = encoding;
    warnings.push(`${display}: UTF-16 text (${encoding === 'utf-16le' ? 'little' : 'big'}-endian, from its byte-order mark), decoded.`);
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
        `a journal export, a CSV with an ip column or a list of addresses (supported formats: ${supportedFormats()}).${contentHint(head)}`;
    }
    const replay = buffered;
    const replayNos = bufferedNos;
    buffered = [];
    bufferedNos = [];
    bufferedChars = 0;
    for (let i = 0; i < replay.length; i++) take(parser, replay[i], replayNos[i]);
  };

  // Rotation: the head of this file may repeat the tail of the file rotated before it.
  const group = rotationKey(file.path);
  const previousTail = context.tails.get(group);
  const seam = previousTail !== undefined && previousTail.length > 0 ? new SeamFilter(previousTail) : null;
  const tail: (string | null)[] = new Array(file.rotatedInto === true ? TAIL_LINES : 0);
  let tailNext = 0;
  let tailCount = 0;

  const keepTail = file.rotatedInto === true;
  /** One line; null stands for a line longer than the maximum, not kept. */
  const onLine = (line: string | null, duplicate: boolean): void => {
    const lineNo = ++lines;
    if (keepTail) {
      tail[tailNext] = line;
      tailNext = tailNext === TAIL_LINES - 1 ? 0 : tailNext + 1;
      if (tailCount < TAIL_LINES) tailCount++;
    }
    if (line === null) {
      skip(LINE_TOO_LONG, lineNo);
      return;
    }
    if (duplicate) {
      skip(DUPLICATE_OF_ROTATED, lineNo);
      return;
    }
    if (parser !== null) {
      take(parser, line, lineNo);
      if (lineNo >= nextProgressLine) {
        nextProgressLine += PROGRESS_LINES;
        progress.update(display, bytesRead(), lines);
      }
      return;
    }
    buffered.push(line);
    bufferedNos.push(lineNo);
    bufferedChars += line.length;
    if (!isBlank(line)) nonBlank++;
    if (nonBlank >= DETECT_LINES || buffered.length >= DETECT_MAX_BUFFERED || bufferedChars >= DETECT_MAX_CHARS) decide();
  };

  let first = true;
  const onRawLine = (line: string | null): void => {
    if (first) {
      first = false;
      if (line !== null && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    if (seam === null || seam.done) {
      onLine(line, false);
    } else if (line === null) {
      // A line too long to keep ends any repeat of the previous file's tail.
      seam.release(onLine);
      onLine(null, false);
    } else {
      seam.push(line, onLine);
    }
  };

  if (forcedParser !== undefined) decide();

  // A .gz is read as a stream through gunzip; a plain file by `readChunks`.
  const stream = gz ? handle.createReadStream({ highWaterMark: READ_CHUNK, start: 0, autoClose: false }) : null;
  let plainBytesRead = 0;
  const bytesRead = (): number => stream?.bytesRead ?? plainBytesRead;
  let source: Readable | null = null;
  if (stream !== null) {
    const gunzip = createGunzip({ chunkSize: 1 << 16 });
    stream.on('error', (err) => gunzip.destroy(err));
    source = stream.pipe(gunzip);
  }
  const decoder = new StringDecoder(encoding === 'utf-8' ? 'utf8' : 'utf16le');
  const swap = encoding === 'utf-16be' ? byteSwapper() : null;
  // Logs are mostly ASCII: such chunks are copied as one-byte strings, skipping UTF-8 decoding,
  // until the first chunk that is not (from then on the decoder may hold a split character).
  let asciiSoFar = encoding === 'utf-8';
  const decode = (chunk: Buffer): string => {
    if (asciiSoFar && isAscii(chunk)) return chunk.toString('latin1');
    asciiSoFar = false;
    return decoder.write(swap === null ? chunk : swap(chunk));
  };
  let pending = '';
  /** Inside a line already longer than the maximum: its text is dropped until its end. */
  let overlong = false;
  /** Reads the lines of `text` from `start` (each ended by a line break); returns where the unended rest begins. */
  const takeLines = (text: string, start: number): number => {
    for (;;) {
      // The common case (the format known, no rotation seam or tail to keep) skips the general line path,
      // and a parser with `parseSpan` reads each line where it lies in the read chunk.
      const active = parser as LineParser | null;
      if (active !== null && !first && !keepTail && (seam === null || seam.done)) {
        const spans = active.parseSpan !== undefined;
        for (;;) {
          const newline = text.indexOf('\n', start);
          if (newline < 0) break;
          const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
          const lineNo = ++lines;
          if (end - start > maxLineLength) skip(LINE_TOO_LONG, lineNo);
          else {
            const result = spans ? active.parseSpan!(text, start, end, lineNo, emit) : active.parseLine(text.slice(start, end), lineNo, emit);
            if (result === 1) {
              records++;
              events++;
            } else {
              count(result, lineNo);
            }
          }
          start = newline + 1;
        }
        if (lines >= nextProgressLine) {
          nextProgressLine = lines + PROGRESS_LINES;
          progress.update(display, bytesRead(), lines);
        }
        return start;
      }
      // Until then, line by line through the general path (format detection, rotation seam, tail).
      const newline = text.indexOf('\n', start);
      if (newline < 0) return start;
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      onRawLine(end - start > maxLineLength ? null : text.slice(start, end));
      start = newline + 1;
    }
  };
  /**
   * The whole lines of the ASCII `bytes` from `start`, by the parser's byte path (and its text
   * path where the byte path declines a line); returns where the unended rest begins.
   */
  const takeLineBytes = (active: LineParser, bytes: Buffer, start: number): number => {
    for (;;) {
      const newline = bytes.indexOf(10, start);
      if (newline < 0) break;
      const end = newline > start && bytes[newline - 1] === 13 ? newline - 1 : newline;
      const lineNo = ++lines;
      if (end - start > maxLineLength) {
        skip(LINE_TOO_LONG, lineNo);
      } else if (active.parseBytes!(bytes, start, end, sink) === 1) {
        records++;
        events++;
      } else {
        count(active.parseLine(bytes.toString('latin1', start, end), lineNo, emit), lineNo);
      }
      start = newline + 1;
    }
    if (lines >= nextProgressLine) {
      nextProgressLine = lines + PROGRESS_LINES;
      progress.update(display, bytesRead(), lines);
    }
    return start;
  };
  /** A read chunk: by the parser's byte path when it has one and the text so far is ASCII, else decoded to text. */
  const takeChunk = (chunk: Buffer): void => {
    const active = parser as LineParser | null;
    if (active === null || active.parseBytes === undefined || !asciiSoFar || first || keepTail || (seam !== null && !seam.done) || !isAscii(chunk)) {
      takeText(decode(chunk));
      return;
    }
    let start = 0;
    if (overlong || pending.length > 0) {
      // The line begun in the chunk before ends in this one: read as text, with its beginning.
      const newline = chunk.indexOf(10);
      if (newline < 0) {
        takeText(chunk.toString('latin1'));
        return;
      }
      takeText(chunk.toString('latin1', 0, newline + 1));
      start = newline + 1;
    }
    start = takeLineBytes(active, chunk, start);
    keepRest(chunk.toString('latin1', start));
  };
  const takeText = (chunk: string): void => {
    let start = 0;
    if (overlong) {
      const newline = chunk.indexOf('\n');
      if (newline < 0) return;
      overlong = false;
      onRawLine(null);
      start = newline + 1;
    }
    if (pending.length > 0) {
      // The line begun in the chunk before is joined on its own, so that the rest of the chunk is
      // read where it lies: a joined string or slices of one are slower to read.
      const newline = chunk.indexOf('\n', start);
      const joined = pending + (newline < 0 ? chunk.slice(start) : chunk.slice(start, newline + 1));
      pending = '';
      if (newline < 0) {
        keepRest(joined);
        return;
      }
      takeLines(joined, 0);
      start = newline + 1;
    }
    const after = takeLines(chunk, start);
    keepRest(after === 0 ? chunk : chunk.slice(after));
  };
  /** The unended end of the text read so far, kept for the next chunk, unless it is already too long a line. */
  const keepRest = (rest: string): void => {
    // A CR may end the text read so far and belong to a CRLF: it counts in the line's length only once the line ends.
    if (rest.length > maxLineLength + 1) overlong = true;
    else pending = rest;
  };
  let decompressed = 0;
  /** The decompressed chunks of a .gz. */
  const readGz = (source: Readable): Promise<void> => {
    // Each chunk is taken as it comes ('data' events, not an async iterator): a chunk that arrives
    // just before an error (a .gz with garbage after its data) is read, not dropped with the stream's buffer.
    return new Promise<void>((resolve, reject) => {
      let stopped = false;
      const stop = (err: unknown) => {
        if (stopped) return;
        stopped = true;
        reject(err);
      };
      source.on('data', (chunk: Buffer) => {
        if (stopped) return;
        try {
          decompressed += chunk.length;
          if (decompressed > gzLimit) throw new GzLimitError(bombError(decompressed, lines === 0 ? 'reading stopped in line 1' : `reading stopped after line ${lines}`));
          takeChunk(chunk);
          progress.update(display, bytesRead(), lines);
        } catch (err) {
          stop(err);
          source.destroy();
        }
      });
      source.on('error', stop);
      source.on('end', () => {
        if (!stopped) {
          stopped = true;
          resolve();
        }
      });
    });
  };
  try {
    if (source === null) {
      await readChunks(handle, (chunk) => {
        plainBytesRead += chunk.length;
        takeChunk(chunk);
        progress.update(display, plainBytesRead, lines);
      });
    } else {
      await readGz(source);
    }
    takeText(decoder.end());
    if (overlong) onRawLine(null);
    else if (pending.length > 0) onRawLine(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
    pending = '';
  } catch (err) {
    if (err instanceof GzLimitError) {
      readError = err.message;
    } else {
      const where = lines === 0 ? 'could not be read' : `could not be read past line ${lines}`;
      readError = `${display}: ${where}: ${readErrorText(err, gz)}.`;
    }
  } finally {
    stream?.destroy();
    source?.destroy();
    await handle.close().catch(() => undefined);
  }

  seam?.release(onLine);
  decide();
  const errors = [formatError, readError].filter((message): message is string => message !== undefined);
  if (errors.length === 0 && nonBlank === 0 && records === 0 && (skipped.get(LINE_TOO_LONG) ?? 0) > 0) {
    // Nothing but lines too long to read (binary data, or a whole export on one line): nothing was used.
    errors.push(`${display}: no line could be read: ${lines === 1 ? 'its only line is' : 'its lines are'} longer than ${formatChars(maxLineLength)} (binary data, or an export written as one line?).`);
  }
  if (errors.length > 0) report.error = errors.join(' ');
  if (errors.length === 0 && lines === 0) warnings.push(`${display}: empty file${gz ? ' (no content once decompressed)' : ' (0 bytes)'}: nothing to read.`);

  // Keep this file's last lines (as copies, not slices of a read chunk) for the next rotated file.
  const kept: (string | null)[] = [];
  for (let i = 0; i < tailCount; i++) {
    const at = (tailNext - tailCount + i + TAIL_LINES) % TAIL_LINES;
    const line = tail[at];
    // A line too long to keep (null) equals no line of the next file.
    kept.push(line === null ? null : detached(line));
  }
  if (keepTail) context.tails.set(group, kept);
  else context.tails.delete(group);

  (parser as LineParser | null)?.finish?.(report);
  progress.fileDone(display, bytesRead(), lines);
  return finishReport();
}

function formatChars(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / 1024 / 1024} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n.toLocaleString('en-US')} characters`;
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
