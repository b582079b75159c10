/**
 * Which of a run's events the archive holds already. The archive's events that could be the same
 * as new ones are read into a store as input 0, the run's inputs follow as 1 … n, and the one
 * duplicate rule (`findDuplicates`, the same for a run's own inputs) says which are new.
 */
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

/** Matches the run's events (`loaded`, `inputCount` inputs) against the archive's. */
export async function matchWithArchive(archive: OpenArchive, loaded: EventStore, inputCount: number): Promise<Matched> {
  await describeIncoming(archive, loaded);
  const { store } = await readEvents(archive.connection, COLLIDING_EVENTS, [], archive.display);
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
 * a time, at any time.
 */
const COLLIDING_EVENTS = `
  SELECT ${EVENT_COLUMNS} FROM events e
  WHERE e.server IN (SELECT server FROM incoming_servers) AND (
    e.time IS NULL
    OR EXISTS (SELECT 1 FROM incoming_servers s WHERE s.server = e.server AND e.time >= s.first AND e.time < s.after)
    OR (e.kind = 'ban' AND EXISTS (
      SELECT 1 FROM incoming_listed l WHERE l.server = e.server AND l.jail IS NOT DISTINCT FROM e.jail AND l.address = e.address)))
  ORDER BY e.server`;

/**
 * Temporary tables (this connection's, in memory) the query above joins: each server of the new
 * events with the whole seconds their times span, and the places listed without a time.
 */
async function describeIncoming(archive: OpenArchive, loaded: EventStore): Promise<void> {
  const { connection } = archive;
  const { timestampValue } = await duckdb();
  await connection.run('CREATE OR REPLACE TEMP TABLE incoming_servers (server VARCHAR, first TIMESTAMP, after TIMESTAMP)');
  await connection.run('CREATE OR REPLACE TEMP TABLE incoming_listed (server VARCHAR, jail VARCHAR, address VARCHAR)');
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
}
