/**
 * Reading the archive back: its rows into an `EventStore` (what ingest compares new events with,
 * and what an analysis of the archive starts from), and its file records.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { BotMapError } from '../errors';
import { EventStore, KIND_CODES } from '../load/events';
import type { EventKind, InputReport } from '../types';
import { findDuplicates } from '../load/duplicates';
import { duckdb, openArchive, type OpenArchive } from './open';
import { scanEvents, type EventRows, type ScanTarget } from './scan';
import type { TimeWindow } from '../notebook/window';

/** One ingested file, as the archive's `files` table records it. Times are epoch ms (UTC). */
export interface ArchivedFile {
  id: number;
  /** The file's absolute path when it was ingested. */
  file: string;
  /** Bytes on disk; null for a file that could not be read. */
  size: number | null;
  /** SHA-256 of its bytes on disk (hex); null for a file that could not be read. */
  sha256: string | null;
  lines: number;
  format: InputReport['format'];
  server: string;
  firstEvent: number | null;
  lastEvent: number | null;
  /** Its events the archive did not hold yet, and those it did. */
  newEvents: number;
  duplicates: number;
  ingestedAt: number;
  /** Why it could not be read to its end (see `InputReport.error`); null when it was. */
  error: string | null;
}

/**
 * The archive's events and its file records, shaped as a load's result: the store's input `i` is
 * `inputs[i]`, so `eventsTable(contents)` names each event's file and line.
 */
export interface ArchiveContents {
  store: EventStore;
  /** Every file record, in ingest order (records of files none of whose events were new included). */
  inputs: ArchivedFile[];
}

/** The archived columns of an event, in the order `EVENT_COLUMNS` selects them. */
export const EVENT_COLUMNS = `server, jail, address, kind, CAST(epoch_us(time) AS DOUBLE) / 1000 AS time_ms, "user", file_id, line`;

/**
 * Every event of the archive in `file`, with `findDuplicates`'s rule for timeless listed bans
 * applied: a ban listed without a time counts once per server, jail and address, and not at all
 * where the archive has a timed ban of it (which a later ingest may have brought).
 */
export async function readArchive(file: string, options: { waitMs?: number } = {}): Promise<ArchiveContents> {
  const archive = await openArchive(file, { mode: 'read', waitMs: options.waitMs });
  try {
    const inputs = await readFileRecords(archive.connection);
    const whole: ScanTarget = { store: new EventStore(), input: 0, lines: true, fileIds: [] };
    await scanEvents(archive.connection, { values: [] }, archive.display, whole);
    // The archive is one input to the rule: its rows are distinct events already (ingest kept only new ones).
    const { duplicate } = findDuplicates(whole.store, 1);
    const inputOfId = new Map(inputs.map((f, index) => [f.id, index]));
    const fileIds = whole.fileIds!;
    const store = new EventStore();
    appendEvents(store, whole.store, { input: (i) => inputOfId.get(fileIds[i]) ?? 0, keep: (i) => duplicate[i] === 0 });
    return { store, inputs };
  } finally {
    archive.close();
  }
}

/** The `files` table, in ingest order. */
export async function readFileRecords(connection: DuckDBConnection): Promise<ArchivedFile[]> {
  const reader = await connection.runAndReadAll(
    `SELECT id, path, size, sha256, lines, format, server, epoch_ms(first_event) AS first_event, epoch_ms(last_event) AS last_event,
       new_events, duplicates, epoch_ms(ingested_at) AS ingested_at, error FROM files ORDER BY id`,
  );
  const number = (value: unknown) => (value === null ? null : Number(value));
  return reader.getRowObjectsJS().map((row) => ({
    id: Number(row.id),
    file: String(row.path),
    size: number(row.size),
    sha256: row.sha256 === null ? null : String(row.sha256),
    lines: Number(row.lines),
    format: String(row.format) as ArchivedFile['format'],
    server: String(row.server),
    firstEvent: number(row.first_event),
    lastEvent: number(row.last_event),
    newEvents: Number(row.new_events),
    duplicates: Number(row.duplicates),
    ingestedAt: Number(row.ingested_at),
    error: row.error === null ? null : String(row.error),
  }));
}

/**
 * The events `sql` selects (`EVENT_COLUMNS`), as input 0 of a new store, read with their texts:
 * for the few rows an ingest compares new events with. Many rows (a run's analysis) are read
 * as codes instead (`scanEvents`), which `sql` of any shape (matching's UNION ALL) cannot be.
 */
export async function readEvents(connection: DuckDBConnection, sql: string, values: DuckDBValue[], display: string): Promise<EventStore> {
  const store = new EventStore();
  const result = await connection.stream(sql, values);
  for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const [server, jail, address, kind, time, user, , line] = chunk.getColumns() as [string[], (string | null)[], string[], string[], (number | null)[], (string | null)[], number[], (number | null)[]];
    for (let row = 0; row < server.length; row++) {
      const code = KIND_CODES[kind[row] as EventKind];
      const ip = store.addressOf(address[row]);
      if (code === undefined || ip < 0) throw new BotMapError(`${display}: an event this BotMap cannot read (kind "${kind[row]}", address "${address[row]}"): was it written by a newer BotMap?`);
      store.setOrigin({ server: server[row], input: 0 });
      store.line = line[row] ?? 0;
      const jailCode = jail[row] === null ? 0 : store.jails.intern(jail[row]!);
      store.push(ip, code, time[row] ?? Number.NaN, jailCode, user[row] === null ? 0 : store.users.intern(user[row]!) + 1);
    }
  }
  return store;
}

/**
 * The archive's events a run analyses, appended to `target` (see `load/archive-input.ts`): every
 * row or, given a FROM/TO `window`, only the rows with a time inside it. The window is pushed into
 * the SQL so that a year-long archive is not read whole for one month: DuckDB skips the row groups
 * whose smallest and largest time lie outside it, and the rows outside never reach JavaScript.
 * What the run then analyses is what reading every row and leaving out those outside the window
 * (`eventsInWindow`) gives:
 * - a row without a time (a ban listed by `fail2ban-client status`) is outside every window, and
 *   the duplicate rule leaves out such a listing for a timed ban, never a timed event for it;
 * - the window compares Dates, whole milliseconds: a time (stored in microseconds) is inside when
 *   its millisecond is, so the end bound is the millisecond after `to`, excluded;
 * - an event of a new file and the archived events it repeats share their second, and a window
 *   begins and ends on a whole second (days in a zone whose offset is whole minutes): they are
 *   all inside it or all outside, so the new file's events inside it are found to be duplicates
 *   as they would be with every row read.
 * `onRows` hears the rows read so far and how many there are. Returns the rows read.
 */
export async function readArchiveEvents(archive: OpenArchive, target: ScanTarget, options: { window?: TimeWindow; onRows?: (rows: number, total: number) => void } = {}): Promise<number> {
  return scanEvents(archive.connection, await windowRows(options.window), archive.display, target, options.onRows);
}

/** The rows whose millisecond is inside `window` (all rows without one). */
async function windowRows(window: TimeWindow | undefined): Promise<EventRows> {
  if (window === undefined) return { values: [] };
  const { timestampValue } = await duckdb();
  const microseconds = (ms: number) => timestampValue(BigInt(ms) * 1000n);
  return { condition: 'time >= $1 AND time < $2', values: [microseconds(window.from.getTime()), microseconds(window.to.getTime() + 1)] };
}

/**
 * Copies the events of `source` that `keep` into `target`, each into input `input(i)` (server,
 * line and names kept). Addresses, jails and users are found again by their texts in `target`.
 */
export function appendEvents(target: EventStore, source: EventStore, how: { input: (event: number) => number; keep?: (event: number) => boolean }): void {
  const columns = source.columns();
  const { ip, kind, time, jail, line } = columns;
  const [user, server] = [columns.user, columns.server];
  const addressCode = source.addresses.map((address) => target.addressOf(address.ip));
  const jailCode = source.jails.values.map((name, code) => (code === 0 ? 0 : target.jails.intern(name)));
  const userCode = source.users.values.map((name) => target.users.intern(name) + 1);
  for (let i = 0; i < source.length; i++) {
    if (how.keep !== undefined && !how.keep(i)) continue;
    target.setOrigin({ server: source.servers.values[server[i]], input: how.input(i) });
    target.line = line[i];
    target.push(addressCode[ip[i]], kind[i], time[i], jailCode[jail[i]], user[i] === 0 ? 0 : userCode[user[i] - 1]);
  }
}
