/**
 * Reading many archived events into a store: as numbers, not texts. DuckDB gives each distinct
 * server, jail, address, kind and user of the rows a code (their rank in a small table of
 * distinct values, joined in SQL), and JavaScript reads those small tables once and then only
 * integers and doubles per row.
 *
 * Why: rows read with their texts cost ~2 µs each, nearly all of it in making JavaScript strings of
 * every value and finding each address again by its text (22.2 s of the 31.2 s that `botmap`
 * took on the bench's 10.7M-event archive, profiled). Read as codes, the same rows take 3–4 s.
 */
import type { DuckDBConnection, DuckDBValue, DuckDBVector } from '@duckdb/node-api';
import { BotMapError } from '../errors';
import { KIND_CODES, type EventStore } from '../load/events';
import type { EventKind } from '../types';

/** Which rows of `events` to read: a condition on its columns (all rows without one) and the values of its `$1`, `$2` …. */
export interface EventRows {
  condition?: string;
  values: DuckDBValue[];
}

/** Where the rows go (see `readArchiveEvents`). */
export interface ScanTarget {
  store: EventStore;
  /** The input of the store the rows become. */
  input: number;
  /** Keep each row's `line` (of the file it was ingested from); false gives every event none. */
  lines: boolean;
  /** When given, receives the file id of each row. */
  fileIds?: number[];
}

/** The columns given codes: each is looked up in a table of its distinct values. */
const CODED = ['server', 'jail', 'address', 'kind', 'user'] as const;
type Coded = (typeof CODED)[number];

/** The distinct values of `column` among the rows, in text order: value k has code k in `codedRowsSql`. */
function distinctSql(column: Coded, rows: EventRows): string {
  const notNull = `"${column}" IS NOT NULL`;
  return `SELECT DISTINCT "${column}" AS value FROM events WHERE ${rows.condition === undefined ? notNull : `(${rows.condition}) AND ${notNull}`}`;
}

/**
 * The rows as codes, in the order they were appended (`rowid`: ingest by ingest, file by file, the
 * order a plain scan gives). The ORDER BY is needed: DuckDB's parallel joins return rows in an
 * order that changes from run to run, and a store's order is what a notebook shows. `file_id`
 * and `line` come only when `origins` asks: sorted and read, they cost 0.4 s at 10.7M rows.
 */
function codedRowsSql(rows: EventRows, origins: boolean): string {
  const tables = CODED.map((column) => `${column}_codes AS (SELECT value, CAST(row_number() OVER (ORDER BY value) - 1 AS INTEGER) AS code FROM (${distinctSql(column, rows)}))`);
  // A NULL jail or user (none) finds no code: LEFT JOIN keeps the row with a NULL code.
  const joins = CODED.map((column) => `${column === 'jail' || column === 'user' ? 'LEFT ' : ''}JOIN ${column}_codes ON ${column}_codes.value = e."${column}"`);
  return `WITH ${tables.join(', ')}
    SELECT server_codes.code, jail_codes.code, address_codes.code, kind_codes.code,
      CAST(epoch_us(e.time) AS DOUBLE) / 1000 AS time_ms, user_codes.code${origins ? ', e.file_id, e.line' : ''}
    FROM events e ${joins.join(' ')} ${rows.condition === undefined ? '' : `WHERE ${rows.condition}`}
    ORDER BY e.rowid`;
}

/** The distinct values of each coded column, in code order. */
async function readDictionaries(connection: DuckDBConnection, rows: EventRows): Promise<Record<Coded, string[]>> {
  const dictionaries = {} as Record<Coded, string[]>;
  for (const column of CODED) {
    const reader = await connection.runAndReadAll(`${distinctSql(column, rows)} ORDER BY value`, rows.values);
    dictionaries[column] = (reader.getColumnsJS()[0] ?? []).map(String);
  }
  return dictionaries;
}

/**
 * Each dictionary code's code in the store, found the first time a row has it, so that the
 * store's addresses, jails and users come in the order the rows first name them, as when reading texts.
 */
function storeCodes(store: EventStore, dictionaries: Record<Coded, string[]>, display: string) {
  const unknown = (what: string) => new BotMapError(`${display}: an event this BotMap cannot read (${what}): was it written by a newer BotMap?`);
  const lazy = (values: string[], find: (value: string) => number) => {
    const codes = new Int32Array(values.length).fill(-1);
    return (code: number) => (codes[code] >= 0 ? codes[code] : (codes[code] = find(values[code])));
  };
  return {
    server: (code: number) => dictionaries.server[code],
    jail: lazy(dictionaries.jail, (name) => store.jails.intern(name)),
    user: lazy(dictionaries.user, (name) => store.users.intern(name) + 1),
    address: lazy(dictionaries.address, (text) => {
      const ip = store.addressOf(text);
      if (ip < 0) throw unknown(`address "${text}"`);
      return ip;
    }),
    kind: lazy(dictionaries.kind, (kind) => {
      const code = KIND_CODES[kind as EventKind];
      if (code === undefined) throw unknown(`kind "${kind}"`);
      return code;
    }),
  };
}

/**
 * Appends the events `rows` selects to `target`, chunk by chunk. `onRows` hears the rows read so
 * far and how many there are. Returns the rows read.
 */
export async function scanEvents(connection: DuckDBConnection, rows: EventRows, display: string, target: ScanTarget, onRows?: (read: number, total: number) => void): Promise<number> {
  const { store, input, fileIds } = target;
  const counted = await connection.runAndReadAll(`SELECT COUNT(*) FROM events ${rows.condition === undefined ? '' : `WHERE ${rows.condition}`}`, rows.values);
  const total = Number(counted.getColumnsJS()[0][0]);
  onRows?.(0, total);
  store.reserve(total);
  const codes = storeCodes(store, await readDictionaries(connection, rows), display);
  const origins = target.lines || fileIds !== undefined;
  const result = await connection.stream(codedRowsSql(rows, origins), rows.values);
  let read = 0;
  let server = -1;
  // The next chunk is asked for before this one is read: DuckDB fetches it on another thread
  // meanwhile (each fetch waited on cost 0.8 s in all at 10.7M rows).
  let next = result.fetchChunk();
  try {
    for (let chunk = await next; chunk !== null && chunk.rowCount > 0; chunk = await next) {
      next = result.fetchChunk();
      const vectors = chunk;
      const [servers, jails, addresses, kinds, times, users, files, lines] = (origins ? [0, 1, 2, 3, 4, 5, 6, 7] : [0, 1, 2, 3, 4, 5]).map((index) => vectors.getColumnVector(index) as DuckDBVector<number>);
      // Read once: each read of `rowCount` asks DuckDB (0.8 s at 10.7M rows in the loop's condition).
      const chunkRows = chunk.rowCount;
      for (let row = 0; row < chunkRows; row++) {
        const serverCode = servers.getItem(row)!;
        if (serverCode !== server) store.setOrigin({ server: codes.server((server = serverCode)), input });
        if (target.lines) store.line = lines.getItem(row) ?? 0;
        const jail = jails.getItem(row);
        const user = users.getItem(row);
        store.push(codes.address(addresses.getItem(row)!), codes.kind(kinds.getItem(row)!), times.getItem(row) ?? Number.NaN, jail === null ? 0 : codes.jail(jail), user === null ? 0 : codes.user(user));
        fileIds?.push(files.getItem(row)!);
      }
      read += chunkRows;
      onRows?.(read, total);
    }
  } finally {
    // Not left pending when reading fails: the archive is closed next.
    await next.catch(() => null);
  }
  return read;
}
