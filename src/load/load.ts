/**
 * LOAD: reads fail2ban and sshd exports (files and folders, plain or .gz) line by line into an
 * EventStore, with an InputReport per file accounting for every line:
 * `records + sum(skipped) === lines`. fail2ban's sqlite database is read by rows instead
 * (recognised by its header; its "lines" are rows).
 *
 * The pieces, in the order a file meets them: `files.ts` lists the files, `rotation.ts` orders
 * rotated ones and finds their seams, `gz.ts` bounds .gz files, `line-splitter.ts` cuts bytes
 * into lines, `format-detection.ts` chooses the parser, `line-router.ts` takes each line to it,
 * `file-report.ts` counts what became of each line. A BotMap archive among the files is read by
 * `archive-input.ts`, as one input, before the others.
 */
import { constants as fsConstants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { normaliseCidr, parseNetwork } from '../locate/address';
import { BotMapError } from '../errors';
import { timeZone, type TimeZone } from '../time-zone';
import { displayPath } from '../project';
import { printable } from '../html';
import type { TimeWindow } from '../notebook/window';
import { archivesFirst, loadArchive } from './archive-input';
import { findDuplicates } from './duplicates';
import { EventStore, storeWriters } from './events';
import { FileReport, formatChars } from './file-report';
import { commonParent, fsErrorText, listFiles, readErrorText, serverName, specialKind, type FileEntry } from './files';
import { INPUT_FORMATS, lineFormat, supportedFormats, type HeldLines } from './format-detection';
import { NO_BANS_TABLE, isSqlite, readFail2banDatabase } from './formats/fail2ban-db';
import { DEFAULT_SSHD_MODE, type SshdMode } from './formats/grammar/sshd-modes';
import { LINE_TOO_LONG, type Emit, type EventSink, type FormatParser, type LineParser, type ParseContext } from './formats/parser';
import { GzLimitError, fileHead, gzBombMessage, gzExpansionLimit, gzLimitFromEnvironment, readGzChunks } from './gz';
import { LineRouter } from './line-router';
import { LineSplitter, encodingOf } from './line-splitter';
import { Progress, type LoadProgress } from './progress';
import { READ_CHUNK, readChunks } from './read-chunks';
import { RotationTail, SeamFilter, orderRotations, rotationKey } from './rotation';
import type { EventKind, GivenLocation, InputFormat, InputReport, Location, RangeRecord, TrustedEntry } from '../types';

export { FORMATS, INPUT_FORMATS, detectFormat } from './format-detection';

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
  /** The zone times without an offset are wall clock in (see `timeZone`). Default: this machine's. */
  timeZone?: TimeZone;
  /** How sshd's messages are read: fail2ban's `sshd` filter mode (see `SSHD_MODES`). Default: `normal`, fail2ban's. */
  sshdMode?: SshdMode;
  /**
   * Called with each file's absolute path just before it is read, and its index in `inputs`:
   * reports name files as people read them (relative to the project, printable), which is no
   * path to open again (the archive hashes each file it ingests).
   */
  onFile?: (file: string, input: number) => void;
  /**
   * The instants the run analyses (its FROM/TO window, see `daysWindow`). An archive among the
   * files then reads only its events inside it (see `readArchiveEvents`); other files are read whole.
   */
  window?: TimeWindow;
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
  /**
   * The addresses and networks the inputs say are the user's own (fail2ban's `ignoreip` in a
   * jail file), in reading order: their addresses are trusted (see `aggregate/trusted.ts`).
   */
  trusted: TrustedEntry[];
  /**
   * 1 for each event of `store` that repeats one of another input of its server (see
   * `findDuplicates`): kept in the store and in its input's `events`, counted in its input's
   * `duplicates`, left out of the events table and everything drawn from it.
   */
  duplicate: Uint8Array;
}

/** Lines longer than this (characters) are skipped as LINE_TOO_LONG. */
export const MAX_LINE_LENGTH = 1024 * 1024;

/**
 * Reads files and folders. Folders are walked recursively in name order, skipping hidden
 * entries (`.name`) and documentation (`README*`, `*.md`), and each folder once (a symbolic link
 * back up the tree is not followed round); files named explicitly are always read. A path named
 * twice is read once. The files of a rotation group (same folder and base name, see `rotationOf`)
 * are read oldest first, in the places the group's files take. A path that does not exist throws
 * a BotMapError before anything is read. An event read from several inputs of one server counts
 * once: the others are its `duplicate`s (see `findDuplicates`). A BotMap archive (a DuckDB file
 * with BotMap's metadata table) is one input, read before the other files so that it is the
 * earlier one under that rule (see `archive-input.ts`); with `window`, only its rows inside it.
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
  const { files, folders } = await listFiles(paths);
  if (options.format !== undefined && !INPUT_FORMATS.includes(options.format)) {
    throw new BotMapError(`Unknown input format "${printable(String(options.format))}"; supported formats: ${supportedFormats()}.`);
  }
  orderRotations(files);
  // A forced format reads every file as that format, as it does an SQLite file.
  const { files: ordered, archives } = options.format === undefined ? await archivesFirst(files) : { files, archives: new Set<FileEntry>() };
  // Server names come from the folders of the exports: an archive's own folder is not one of them.
  const exportFolders = folders.filter((_, i) => ![...archives].some((archive) => archive.path === path.resolve(paths[i])));
  const root = options.root !== undefined ? path.resolve(options.root) : commonParent(exportFolders);
  const store = new EventStore();
  const inputs: InputReport[] = [];
  const ranges: RangeRecord[] = [];
  const givenLocations = new Map<number, GivenLocation>();
  const trusted: TrustedEntry[] = [];
  const progress = new Progress(options.onProgress, files.reduce((sum, f) => sum + f.size, 0));
  const maxLineLength = options.maxLineLength ?? MAX_LINE_LENGTH;
  if (!(maxLineLength >= 1)) throw new BotMapError(`The maximum line length must be at least 1 character, got ${maxLineLength}.`);
  const context: LoadContext = {
    store,
    progress,
    forced: options.format,
    ranges,
    givenLocations,
    trusted,
    tails: new Map(),
    maxLineLength,
    maxGzBytes: options.maxGzBytes ?? gzLimitFromEnvironment(),
    timeZone: options.timeZone ?? timeZone(null),
    sshdMode: options.sshdMode ?? DEFAULT_SSHD_MODE,
  };
  for (const file of ordered) {
    options.onFile?.(file.path, inputs.length);
    if (archives.has(file)) inputs.push(await loadArchive(file, inputs.length, { store, progress, window: options.window }));
    else inputs.push(await loadFile(file, printable(serverName(file.path, root)), inputs.length, context));
  }
  progress.end();
  const { duplicate, perInput } = findDuplicates(store, inputs.length);
  inputs.forEach((report, input) => (report.duplicates = perInput[input]));
  return { store, inputs, ranges, givenLocations, trusted, duplicate };
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

interface LoadContext {
  maxLineLength: number;
  maxGzBytes: number | undefined;
  timeZone: TimeZone;
  sshdMode: SshdMode;
  store: EventStore;
  progress: Progress;
  forced: InputFormat | undefined;
  ranges: RangeRecord[];
  givenLocations: Map<number, GivenLocation>;
  trusted: TrustedEntry[];
  /** The last lines of the last file read of each rotation group (folder + base name); null for a line too long to keep. */
  tails: Map<string, (string | null)[]>;
}

/** A file opened for reading, with what its first bytes and size tell. */
interface OpenFile {
  handle: FileHandle;
  gz: boolean;
  size: number;
  /** Its first bytes (of its content for .gz). */
  head: Buffer;
  /** The most its content may grow to when it is a .gz. */
  gzLimit: number;
  /** The error of a .gz grown to `decompressed` bytes, past `gzLimit`; `atLine` says where reading stopped. */
  tooBig(decompressed: number, atLine: string): GzLimitError;
}

/** Reads one file into the store; its report says what became of each line, and what went wrong. */
async function loadFile(file: FileEntry, server: string, index: number, context: LoadContext): Promise<InputReport> {
  const { progress, maxLineLength } = context;
  const account = new FileReport(printable(displayPath(file.path)), server);
  const { display, report } = account;
  context.store.setOrigin({ server, input: index });
  if (file.problem !== undefined) {
    report.error = `${display}: ${file.problem}.`;
    progress.fileDone(display, 0, 0);
    return account.finish(maxLineLength);
  }
  const opened = await openFile(file, display, context.maxGzBytes);
  if ('error' in opened) {
    report.error = opened.error;
    progress.fileDone(display, opened.bytes, 0);
    return account.finish(maxLineLength);
  }
  // Jail and user names are attacker-written: controls become visible `\uXXXX` (see `printable`).
  const { emit, sink } = storeWriters(context.store, printable);
  // fail2ban's sqlite database: recognised by its header, read by rows.
  const forced = context.forced === 'fail2ban-db' ? undefined : lineFormat(context.forced);
  if (forced === undefined && (isSqlite(opened.head) || context.forced === 'fail2ban-db')) {
    await readDatabase(opened, account, emit, context.timeZone);
    progress.fileDone(display, file.size, account.lines);
  } else {
    const bytesRead = await readLines(opened, file, account, { emit, sink, forced, parseContext: parseContext(file, server, index, context, account) }, context);
    progress.fileDone(display, bytesRead, account.lines);
  }
  return account.finish(maxLineLength);
}

/**
 * Opens a file without blocking, so a FIFO put in a file's place after the listing cannot hang
 * the run; or says why it cannot be read (and how many bytes of the run that accounts for).
 */
async function openFile(file: FileEntry, display: string, maxGzBytes: number | undefined): Promise<OpenFile | { error: string; bytes: number }> {
  const gz = /\.gz$/i.test(file.path);
  let handle: FileHandle;
  try {
    handle = await open(file.path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    return { error: `${display}: could not be read: ${fsErrorText(err)}.`, bytes: file.size };
  }
  let info: Stats;
  let head: Buffer;
  try {
    info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      return { error: `${display}: ${specialKind(info)}, not a regular file: not read.`, bytes: 0 };
    }
    head = await fileHead(handle, gz);
  } catch (err) {
    await handle.close().catch(() => undefined);
    return { error: `${display}: could not be read: ${fsErrorText(err)}.`, bytes: file.size };
  }
  const size = info.size;
  const gzLimit = gzExpansionLimit(size, maxGzBytes);
  const tooBig = (decompressed: number, atLine: string) => new GzLimitError(gzBombMessage(display, atLine, decompressed, gzLimit, size, maxGzBytes !== undefined));
  return { handle, gz, size, head, gzLimit, tooBig };
}

/** What a parser hands the load that is not an event: network ranges, places given for addresses, trusted networks, withdrawn lines. */
function parseContext(file: FileEntry, server: string, index: number, context: LoadContext, account: FileReport): ParseContext {
  const text = (value: string | null): string | null => (value === null ? null : printable(value));
  return {
    mtime: file.mtime,
    timeZone: context.timeZone,
    sshdMode: context.sshdMode,
    withdraw(line: number, reason: string): void {
      const events = context.store.withdraw(line);
      if (events > 0) account.withdraw(line, events, reason);
    },
    range(cidr: string, kind: EventKind, time: number | null, jail: string | null): boolean {
      const normal = normaliseCidr(cidr);
      if (normal === null) return false;
      context.ranges.push({ cidr: normal, kind, time, jail: text(jail), server, input: index });
      return true;
    },
    trust(entry: string, section: string | null, line: number): boolean {
      const network = parseNetwork(entry);
      if (network === null) return false;
      context.trusted.push({ network: network.text, file: printable(displayPath(file.path)), section: text(section), line });
      return true;
    },
    locate(ip: string, where: GivenLocation): void {
      const address = context.store.addressOf(ip);
      if (address >= 0 && !context.givenLocations.has(address)) {
        context.givenLocations.set(address, { ...where, city: text(where.city), subdivision: text(where.subdivision), country: text(where.country), countryName: text(where.countryName) });
      }
    },
  };
}

/** fail2ban's sqlite database, read by rows (each counted as a line). */
async function readDatabase(opened: OpenFile, account: FileReport, emit: Emit, zone: TimeZone): Promise<void> {
  const { handle, gz, gzLimit } = opened;
  account.report.format = 'fail2ban-db';
  let error: string | null;
  try {
    let bytes: Uint8Array = await handle.readFile();
    if (gz) {
      try {
        bytes = gunzipSync(bytes, { maxOutputLength: Math.min(gzLimit, 2 ** 31 - 1) });
      } catch (err) {
        if (err instanceof RangeError) throw opened.tooBig(gzLimit, 'not read');
        throw err;
      }
    }
    if (!isSqlite(bytes)) error = 'not an SQLite database (no SQLite header): BotMap reads fail2ban.sqlite3, the database of fail2ban 0.9 and later';
    else error = await readFail2banDatabase(bytes, emit, (result) => account.count(result, ++account.lines), zone);
  } catch (err) {
    error = err instanceof GzLimitError ? null : `could not be read: ${readErrorText(err, gz)}`;
    if (err instanceof GzLimitError) account.report.error = err.message;
  } finally {
    await handle.close().catch(() => undefined);
  }
  if (error !== null) {
    const where = account.lines > 0 ? ` (after row ${account.lines})` : '';
    account.report.error = `${account.display}${where}: ${error === NO_BANS_TABLE ? 'not a fail2ban database: an SQLite database without the "bans" table of fail2ban.sqlite3' : error}.`;
  }
}

/** How a file's lines become events: the store's writers, the format forced (if any), the parser's context. */
interface Parsing {
  emit: Emit;
  sink: EventSink;
  forced: FormatParser | undefined;
  parseContext: ParseContext;
}

/** A text file, line by line: its format chosen, its rotation seam found, its lines parsed. Returns the bytes read. */
async function readLines(opened: OpenFile, file: FileEntry, account: FileReport, parsing: Parsing, context: LoadContext): Promise<number> {
  const { display, report, warnings } = account;
  const encoding = encodingOf(opened.head);
  if (encoding !== 'utf-8') {
    report.encoding = encoding;
    warnings.push(`${display}: UTF-16 text (${encoding === 'utf-16le' ? 'little' : 'big'}-endian, from its byte-order mark), decoded.`);
  }
  // Rotation: the head of this file may repeat the tail of the file rotated before it.
  const group = rotationKey(file.path);
  const previousTail = context.tails.get(group);
  const seam = previousTail !== undefined && previousTail.length > 0 ? new SeamFilter(previousTail) : null;
  const tail = file.rotatedInto === true ? new RotationTail() : null;
  let formatError: string | undefined;
  const choose = (held: HeldLines): LineParser => {
    const choice = held.choose(parsing.forced, parsing.parseContext, opened.head);
    if (choice.format !== null) report.format = choice.format;
    if (choice.error !== undefined) formatError = `${display}: ${choice.error}`;
    return choice.parser;
  };
  const router = new LineRouter(account, context.store, parsing.emit, parsing.sink, choose, seam, tail);
  if (parsing.forced !== undefined) router.decide();
  const { bytesRead, error } = await readContent(opened, new LineSplitter(encoding, context.maxLineLength, router), account, context.progress);
  const parser = router.end();

  const errors = [formatError, error].filter((message): message is string => message !== undefined);
  if (errors.length === 0 && router.nonBlank === 0 && account.records === 0 && account.skippedFor(LINE_TOO_LONG) > 0) {
    // Nothing but lines too long to read (binary data, or a whole export on one line): nothing was used.
    const lines = account.lines;
    errors.push(`${display}: no line could be read: ${lines === 1 ? 'its only line is' : 'its lines are'} longer than ${formatChars(context.maxLineLength)} (binary data, or an export written as one line?).`);
  }
  if (errors.length > 0) report.error = errors.join(' ');
  if (errors.length === 0 && account.lines === 0) warnings.push(`${display}: empty file${opened.gz ? ' (no content once decompressed)' : ' (0 bytes)'}: nothing to read.`);
  if (tail !== null) context.tails.set(group, tail.lines());
  else context.tails.delete(group);
  parser.finish?.(report);
  return bytesRead;
}

/** Reads the file's content into the splitter: a .gz as a stream through gunzip, a plain file by `readChunks`. */
async function readContent(opened: OpenFile, splitter: LineSplitter, account: FileReport, progress: Progress): Promise<{ bytesRead: number; error?: string }> {
  const { handle, gz } = opened;
  const display = account.display;
  const stream = gz ? handle.createReadStream({ highWaterMark: READ_CHUNK, start: 0, autoClose: false }) : null;
  let plainBytesRead = 0;
  const bytesRead = (): number => stream?.bytesRead ?? plainBytesRead;
  let source: Readable | null = null;
  if (stream !== null) {
    const gunzip = createGunzip({ chunkSize: 1 << 16 });
    stream.on('error', (err) => gunzip.destroy(err));
    source = stream.pipe(gunzip);
  }
  const take = (chunk: Buffer): void => {
    splitter.chunk(chunk);
    progress.update(display, bytesRead(), account.lines);
  };
  let error: string | undefined;
  try {
    if (source === null) {
      await readChunks(handle, (chunk) => {
        plainBytesRead += chunk.length;
        take(chunk);
      });
    } else {
      const atLine = () => (account.lines === 0 ? 'reading stopped in line 1' : `reading stopped after line ${account.lines}`);
      await readGzChunks(source, opened.gzLimit, take, (decompressed) => opened.tooBig(decompressed, atLine()));
    }
    splitter.end();
  } catch (err) {
    if (err instanceof GzLimitError) {
      error = err.message;
    } else {
      const where = account.lines === 0 ? 'could not be read' : `could not be read past line ${account.lines}`;
      error = `${display}: ${where}: ${readErrorText(err, gz)}.`;
    }
  } finally {
    stream?.destroy();
    source?.destroy();
    await handle.close().catch(() => undefined);
  }
  return { bytesRead: bytesRead(), error };
}
