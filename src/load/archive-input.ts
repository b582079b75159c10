/**
 * A BotMap archive among the paths a load reads (`npx botmap archive.duckdb`, the ARCHIVE
 * parameter, an archive beside new exports): recognised by its content, as fail2ban's database
 * is (DuckDB's file header, then the archive's metadata table when it is opened), and read as
 * ONE input of the run:
 * - `file` is the archive, `format` `botmap-archive`, `server` the servers its rows name;
 * - `lines` are the rows read, each one record and one event (a row is one event), none skipped:
 *   `records + sum(skipped) == lines`;
 * - `duplicates` are its bans listed without a time that the run counts elsewhere (a timed ban
 *   of the address, in the archive or a new file), as `readArchive` hides them;
 * - its events' `file` is the archive and their `line` null, as for rows of fail2ban's database:
 *   a row's line is of the export it was ingested from (`botmap.sql` finds it in `files`).
 * Not one input per archived file, for two reasons. The archive's rows are distinct events
 * already: an ingest keeps of each file only what the archive did not hold, so a failure logged
 * twice in a second may be one row of last week's file and one of this week's; as two inputs,
 * the duplicate rule (an event counts as often as the one input that has it most) would count it
 * once. And the archive keeps events, not what became of every line of a file (its skip
 * reasons), so a report per archived file could not account for its lines.
 *
 * Archives are read before the other files: the earlier input keeps its events under the
 * duplicate rule, so what a new file repeats of the archive is the new file's duplicate.
 */
import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';
import { ArchiveBusyError, isDuckDbHeader, openArchive } from '../archive/open';
import { readArchiveEvents } from '../archive/read';
import { BotMapError } from '../errors';
import { printable } from '../html';
import type { TimeWindow } from '../notebook/window';
import { displayPath } from '../project';
import type { InputReport } from '../types';
import type { EventStore } from './events';
import { FileReport } from './file-report';
import type { FileEntry } from './files';
import type { Progress } from './progress';

/** The report's format of an archive. */
export const ARCHIVE_FORMAT = 'botmap-archive';

/** The bytes a DuckDB file is recognised by: its header's checksum, then its magic. */
const HEAD_BYTES = 12;

/** The files in the order a load reads them: the archives among them first, each group in its order. */
export async function archivesFirst(files: FileEntry[]): Promise<{ files: FileEntry[]; archives: Set<FileEntry> }> {
  const archives = new Set<FileEntry>();
  for (const file of files) if (await startsAsDuckDb(file)) archives.add(file);
  return { files: [...files.filter((file) => archives.has(file)), ...files.filter((file) => !archives.has(file))], archives };
}

/**
 * Whether the file begins as a DuckDB database. Opened without blocking (a FIFO is never waited
 * on); a file that cannot be read is not an archive here, and reading it reports why.
 */
async function startsAsDuckDb(file: FileEntry): Promise<boolean> {
  if (file.problem !== undefined || file.size < HEAD_BYTES) return false;
  let handle;
  try {
    handle = await open(file.path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    if (!(await handle.stat()).isFile()) return false;
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return isDuckDbHeader(head.subarray(0, bytesRead));
  } catch {
    return false;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Where an archive's events go, and the run's window (an archive reads only its rows inside it). */
export interface ArchiveLoad {
  store: EventStore;
  progress: Progress;
  window?: TimeWindow;
}

/**
 * Reads the archive in `file` into the store as input `input`; returns its report. A DuckDB file
 * that is not a BotMap archive (or one from a newer BotMap) is reported on it, as a broken input
 * is, and the run goes on; an archive another BotMap keeps locked past the wait stops the run
 * (`ArchiveBusyError`): going on without it would draw the history as if it were not there.
 */
export async function loadArchive(file: FileEntry, input: number, into: ArchiveLoad): Promise<InputReport> {
  const account = new FileReport(printable(displayPath(file.path)), '');
  const { report, display } = account;
  const eventsBefore = into.store.length;
  try {
    const archive = await openArchive(file.path, { mode: 'read' });
    report.format = ARCHIVE_FORMAT;
    try {
      const onRows = (rows: number, total: number) => into.progress.update(display, total === 0 ? 0 : Math.round((file.size * rows) / total), rows);
      await readArchiveEvents(archive, { store: into.store, input, lines: false }, { window: into.window, onRows });
    } finally {
      archive.close();
    }
  } catch (error) {
    if (error instanceof ArchiveBusyError) throw error;
    report.error = error instanceof BotMapError ? error.message : `${display}: could not be read to its end: ${error instanceof Error ? error.message : String(error)}`;
  }
  // Each row read is one line, one record and one event, also of an archive that failed halfway.
  account.lines = account.records = account.events = into.store.length - eventsBefore;
  report.server = serversOf(into.store, input);
  into.progress.fileDone(display, file.size, account.lines);
  // No line of an archive is too long: the limit the report would name does not apply.
  return account.finish(Number.MAX_SAFE_INTEGER);
}

/** The servers of the input's events, in name order, joined by ", ". */
function serversOf(store: EventStore, input: number): string {
  const codes = new Set(store.runs().filter((run) => run.input === input && run.end > run.start).map((run) => run.server));
  return [...codes].map((code) => store.servers.values[code]).sort().join(', ');
}
