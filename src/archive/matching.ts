/**
 * Which of a run's events the archive holds already. The archive's events that could be the same
 * as new ones are read into a store as input 0, the run's inputs follow as 1 … n, and the one
 * duplicate rule (`findDuplicates`, the same for a run's own inputs) says which are new.
 */
import type { DuckDBTimestampValue } from '@duckdb/node-api';
import { KIND_CODES, type EventStore } from '../load/events';
import { findDuplicates } from '../load/duplicates';
import { type OpenArchive, duckdb } from './open';
import { EVENT_COLUMNS, appendEvents, readEvents } from './read';

/** The run's events beside the archive's (input 0), and which of them are duplicates. */
export interface Matched {
  /** Input 0: archived events; input k + 1: the run's input k. */
  store: EventStore;
  duplicate: Uint8Array;
}

/** From the first whole second of some new events to the second after their last. */
interface TimeWindow {
  first: DuckDBTimestampValue | null;
  after: DuckDBTimestampValue | null;
}

/** Matches the run's events (`loaded`, `inputCount` inputs) against the archive's. */
export async function matchWithArchive(archive: OpenArchive, loaded: EventStore, inputCount: number): Promise<Matched> {
  const window = await describeIncoming(archive, loaded);
  const store = await readEvents(archive.connection, COLLIDING_EVENTS, [window.first, window.after], archive.display);
  await archive.connection.run('DROP TABLE incoming_servers');
  await archive.connection.run('DROP TABLE incoming_listed');
  const input = loaded.columns().input;
  appendEvents(store, loaded, { input: (i) => input[i] + 1 });
  const { duplicate } = findDuplicates(store, inputCount + 1);
  return { store, duplicate };
}

/**
 * Archived events that can be the same as a new one (the rule compares server, jail, address,
 * kind, the second and user, and hides a timeless listed ban behind a timed ban): those of the
 * new events' servers within their time window (whole seconds), every timeless event of those
 * servers, and the timed bans of the places (server, jail, address) the new events list without
 * a time, at any time (the third part gives only those the first does not).
 *
 * Plain joins on the small temporary tables, which DuckDB streams: written as EXISTS subqueries
 * joined by OR, the query materialised all 10.7M events of the bench's archive in mark joins
 * (8.5 s, 1.7 GB of the ingest's 1.9 GB peak). The window of all the new events, `$1` to `$2`
 * (NULL when none has a time), is given as values so that DuckDB skips the row groups outside
 * it by their min/max; joins alone read every event of the servers, and DuckDB kept the blocks
 * read: 0.7 s and +150 MB on the bench's 10.7M-event archive, 2 s and +370 MB on 32M; with the
 * window 0.35 s and +65 MB on both. No ORDER BY (it kept the sorted rows: +55 MB): servers
 * come in long stretches anyway, so the store has few runs.
 */
const COLLIDING_EVENTS = `
  SELECT ${EVENT_COLUMNS} FROM events JOIN incoming_servers ON server = incoming_server
  WHERE time >= $1 AND time < $2 AND time >= window_first AND time < window_after
  UNION ALL
  SELECT ${EVENT_COLUMNS} FROM events JOIN incoming_servers ON server = incoming_server
  WHERE time IS NULL
  UNION ALL
  SELECT ${EVENT_COLUMNS} FROM events JOIN incoming_servers ON server = incoming_server
  JOIN incoming_listed ON listed_server = server AND listed_jail IS NOT DISTINCT FROM jail AND listed_address = address
  WHERE kind = 'ban' AND time IS NOT NULL AND NOT COALESCE(time >= window_first AND time < window_after, false)`;

/**
 * Temporary tables (this connection's, in memory) the query above joins: each server of the new
 * events with the whole seconds their times span, and the places listed without a time. Returns
 * the window of all the servers (nulls when no new event has a time).
 */
async function describeIncoming(archive: OpenArchive, loaded: EventStore): Promise<TimeWindow> {
  const { connection } = archive;
  const { timestampValue } = await duckdb();
  // Columns named apart from the events' own, which the query above names unqualified.
  await connection.run('CREATE OR REPLACE TEMP TABLE incoming_servers (incoming_server VARCHAR, window_first TIMESTAMP, window_after TIMESTAMP)');
  await connection.run('CREATE OR REPLACE TEMP TABLE incoming_listed (listed_server VARCHAR, listed_jail VARCHAR, listed_address VARCHAR)');
  const columns = loaded.columns();
  const { ip, kind, time, jail } = columns;
  const server = columns.server;
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const listed = new Set<string>();
  const places = await connection.createAppender('incoming_listed');
  for (let i = 0; i < loaded.length; i++) {
    if (!Number.isNaN(time[i])) {
      first.set(server[i], Math.min(first.get(server[i]) ?? Infinity, time[i]));
      last.set(server[i], Math.max(last.get(server[i]) ?? -Infinity, time[i]));
    } else if (kind[i] === KIND_CODES.listed) {
      const place = `${server[i]} ${jail[i]} ${ip[i]}`;
      if (listed.has(place)) continue;
      listed.add(place);
      places.appendVarchar(loaded.servers.values[server[i]]);
      if (jail[i] === 0) places.appendNull();
      else places.appendVarchar(loaded.jails.values[jail[i]]);
      places.appendVarchar(loaded.addresses[ip[i]].ip);
      places.endRow();
    }
  }
  places.closeSync();
  const servers = await connection.createAppender('incoming_servers');
  const second = (ms: number) => timestampValue(BigInt(Math.floor(ms / 1000)) * 1_000_000n);
  for (const [code, name] of loaded.servers.values.entries()) {
    servers.appendVarchar(name);
    if (first.has(code)) {
      servers.appendTimestamp(second(first.get(code)!));
      servers.appendTimestamp(second(last.get(code)! + 1000));
    } else {
      servers.appendNull();
      servers.appendNull();
    }
    servers.endRow();
  }
  servers.closeSync();
  if (first.size === 0) return { first: null, after: null };
  return { first: second(Math.min(...first.values())), after: second(Math.max(...last.values()) + 1000) };
}
