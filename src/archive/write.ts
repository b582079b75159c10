/**
 * Writing one ingest: its file records and its new events, in one transaction.
 */
import type { DuckDBAppender, DuckDBTimestampValue } from '@duckdb/node-api';
import { EVENT_KINDS } from '../load/events';
import type { ProgressSink } from '../notebook/progress';
import type { Matched } from './matching';
import { type OpenArchive, duckdb, inTransaction } from './open';
import type { ArchivedFile } from './read';

/** A file record before it is written: the archive gives it its id and the time of the ingest. */
export type FileRecord = Omit<ArchivedFile, 'id' | 'ingestedAt'>;

/** Events appended between progress reports (and appender flushes). */
const WRITE_BATCH = 16_384;

/**
 * Writes `records` (one per input of the run, in input order) and the events of `matched` that
 * are new (inputs 1 …, not duplicates), each with the id of its file. Returns the records written.
 */
export async function writeIngest(archive: OpenArchive, matched: Matched, records: FileRecord[], onProgress?: ProgressSink): Promise<ArchivedFile[]> {
  const { connection } = archive;
  const { timestampValue } = await duckdb();
  // DuckDB's TIMESTAMP counts microseconds: a log's milliseconds are kept.
  const timestamp = (ms: number) => timestampValue(BigInt(Math.round(ms * 1000)));
  return inTransaction(connection, async () => {
    const next = (await connection.runAndReadAll('SELECT COALESCE(MAX(id), 0) + 1 FROM files')).getColumnsJS()[0][0];
    const ingestedAt = Date.now();
    const written = records.map((record, index) => ({ id: Number(next) + index, ...record, ingestedAt }));
    const files = await connection.createAppender('files');
    for (const record of written) appendFileRecord(files, record, timestamp);
    files.closeSync();
    const events = await connection.createAppender('events');
    appendNewEvents(events, matched, { fileId: (input) => written[input - 1].id, timestamp }, (done, total) => onProgress?.({ stage: 'Writing', done, total, message: `${archive.display}: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} new events` }));
    events.closeSync();
    return written;
  });
}

type Timestamp = (ms: number) => DuckDBTimestampValue;

function appendFileRecord(appender: DuckDBAppender, record: ArchivedFile, timestamp: Timestamp): void {
  const text = (value: string | null) => (value === null ? appender.appendNull() : appender.appendVarchar(value));
  const time = (ms: number | null) => (ms === null ? appender.appendNull() : appender.appendTimestamp(timestamp(ms)));
  appender.appendInteger(record.id);
  appender.appendVarchar(record.file);
  if (record.size === null) appender.appendNull();
  else appender.appendBigInt(BigInt(record.size));
  text(record.sha256);
  appender.appendBigInt(BigInt(record.lines));
  appender.appendVarchar(record.format);
  appender.appendVarchar(record.server);
  time(record.firstEvent);
  time(record.lastEvent);
  appender.appendBigInt(BigInt(record.newEvents));
  appender.appendBigInt(BigInt(record.duplicates));
  time(record.ingestedAt);
  text(record.error);
  appender.endRow();
}

/** Appends every new event of the run, reporting progress after each batch. */
function appendNewEvents(
  appender: DuckDBAppender,
  matched: Matched,
  how: { fileId: (input: number) => number; timestamp: Timestamp },
  progress: (done: number, total: number) => void,
): void {
  const { store, duplicate } = matched;
  const columns = store.columns();
  const { ip, kind, time, jail, line } = columns;
  const [user, server, input] = [columns.user, columns.server, columns.input];
  let total = 0;
  for (let i = 0; i < store.length; i++) if (input[i] > 0 && duplicate[i] === 0) total++;
  let done = 0;
  progress(done, total);
  for (let i = 0; i < store.length; i++) {
    if (input[i] === 0 || duplicate[i] === 1) continue;
    appender.appendVarchar(store.servers.values[server[i]]);
    if (jail[i] === 0) appender.appendNull();
    else appender.appendVarchar(store.jails.values[jail[i]]);
    appender.appendVarchar(store.addresses[ip[i]].ip);
    appender.appendVarchar(EVENT_KINDS[kind[i]]);
    if (Number.isNaN(time[i])) appender.appendNull();
    else appender.appendTimestamp(how.timestamp(time[i]));
    if (user[i] === 0) appender.appendNull();
    else appender.appendVarchar(store.users.values[user[i] - 1]);
    appender.appendInteger(how.fileId(input[i]));
    if (line[i] === 0) appender.appendNull();
    else appender.appendInteger(line[i]);
    appender.endRow();
    if (++done % WRITE_BATCH === 0) {
      appender.flushSync();
      progress(done, total);
    }
  }
  progress(done, total);
}
