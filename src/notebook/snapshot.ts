import fs from 'node:fs';
import v8 from 'node:v8';
import { EventStore, type EventStoreSnapshot } from '../load/events';
import type { LoadResult } from '../load/load';
import type { GeoDatabase } from '../locate/database';
import type { AsnDatabase, Network } from '../locate/networks';
import type { GivenLocation, InputReport, Location, RangeRecord, TrustedEntry } from '../types';

/**
 * What a run has read, located and looked up, kept in a file so that the next notebook of the
 * same `npm start` run takes it instead of doing that work again: `npm start` analyses once, and
 * each notebook kernel only aggregates and draws. The file is V8's serialisation (typed arrays
 * and shared objects kept as they are); it lives for one run, in a temporary folder.
 */

/** What decides what was read and how it was located: a notebook whose parameters differ here analyses itself. */
export interface SnapshotKey {
  /** The paths read (see `inputPaths`). */
  data: string[];
  mmdb: string | null;
  asnMmdb: string | null;
  timeZone: string | null;
  /** The FROM/TO window: an archive reads only its events inside it. */
  from: string | null;
  to: string | null;
  /** How sshd's lines were read (see `Parameters.sshdMode`). */
  sshdMode: string;
}

/** A database as the analysis describes it, without its lookups. */
type DatabaseDescription<T> = Omit<T, 'lookup'>;

export interface AnalysisSnapshot {
  format: typeof FORMAT;
  key: SnapshotKey;
  store: EventStoreSnapshot;
  /** The load's `duplicate` mask: found once, when the inputs were read. */
  duplicate: Uint8Array;
  inputs: InputReport[];
  ranges: RangeRecord[];
  givenLocations: Map<number, GivenLocation>;
  trusted: TrustedEntry[];
  database: DatabaseDescription<GeoDatabase>;
  asnDatabase: DatabaseDescription<AsnDatabase>;
  locations: Location[];
  networks: (Network | null)[];
}

const FORMAT = 'botmap-analysis-5';

export interface SnapshotParts {
  key: SnapshotKey;
  load: LoadResult;
  database: GeoDatabase;
  asnDatabase: AsnDatabase;
  locations: Location[];
  networks: (Network | null)[];
}

export function writeAnalysisSnapshot(file: string, parts: SnapshotParts): void {
  const { lookup: _geo, ...database } = parts.database;
  const { lookup: _asn, ...asnDatabase } = parts.asnDatabase;
  const snapshot: AnalysisSnapshot = {
    format: FORMAT,
    key: parts.key,
    store: parts.load.store.snapshot(),
    duplicate: parts.load.duplicate,
    inputs: parts.load.inputs,
    ranges: parts.load.ranges,
    givenLocations: parts.load.givenLocations,
    trusted: parts.load.trusted,
    database,
    asnDatabase,
    locations: parts.locations,
    networks: parts.networks,
  };
  fs.writeFileSync(file, v8.serialize(snapshot));
}

/** The parts of an analysis with its databases described, without their lookups. */
export type DescribedParts = Omit<SnapshotParts, 'database' | 'asnDatabase'> & Pick<AnalysisSnapshot, 'database' | 'asnDatabase'>;

/** The parts of the analysis in `file` when it was made with `key`; null when it was not, or cannot be read. */
export function readAnalysisSnapshot(file: string, key: SnapshotKey): DescribedParts | null {
  let snapshot: AnalysisSnapshot;
  try {
    snapshot = v8.deserialize(fs.readFileSync(file)) as AnalysisSnapshot;
  } catch {
    return null;
  }
  if (snapshot?.format !== FORMAT || !sameKey(snapshot.key, key)) return null;
  return {
    key: snapshot.key,
    load: { store: EventStore.restore(snapshot.store), duplicate: snapshot.duplicate, inputs: snapshot.inputs, ranges: snapshot.ranges, givenLocations: snapshot.givenLocations, trusted: snapshot.trusted },
    database: snapshot.database,
    asnDatabase: snapshot.asnDatabase,
    locations: snapshot.locations,
    networks: snapshot.networks,
  };
}

function sameKey(a: SnapshotKey, b: SnapshotKey): boolean {
  const same = (key: 'mmdb' | 'asnMmdb' | 'timeZone' | 'from' | 'to') => a[key] === b[key];
  return same('mmdb') && same('asnMmdb') && same('timeZone') && same('from') && same('to') && a.data.length === b.data.length && a.data.every((d, i) => d === b.data[i]);
}
