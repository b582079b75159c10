/**
 * Each attacker's events by where, jail, server and day (or week): the cells map.html recounts
 * when a reader filters it by jail, server and time window, so that every count it shows under a
 * filter is the count the run would give for those events alone, with no attacker counted twice.
 *
 * A loop over the events' codes, as the timelines are (see `timeline.ts` for what Arquero's
 * derive and groupby cost on the bench's events), keyed by number.
 */
import { UTC, type TimeZone } from '../time-zone';
import { EVENT_KINDS } from '../load/events';
import { ATTACK_KINDS } from '../types';
import { chooseBin, DAY_MS, WEEK_MS, weekStart, type TimeBin, type TimeSource } from './timeline';

/** Where each address counts: its attacker and its location, by address code; -1 where it counts nowhere. */
export interface AddressPlaces {
  attacker: Int32Array;
  location: Int32Array;
}

/** One row per attacker, location, jail, server and bin with any event, in that order. */
export interface ActivityCells {
  attacker: Int32Array;
  location: Int32Array;
  /** Jail and server codes of the time source (`TimeSource.jails`, `.servers`). */
  jail: Int32Array;
  server: Int32Array;
  /** Index into `starts`; -1 for events without a time. */
  bin: Int32Array;
  /** Attack events (0 where the attacker left only other records there, such as an accepted login). */
  events: Int32Array;
}

export interface Activity {
  bin: TimeBin;
  /** Start of each bin, oldest first and without gaps: UTC midnight of the local date (epoch ms), as the timelines key them. */
  starts: number[];
  jails: readonly string[];
  servers: readonly string[];
  cells: ActivityCells;
}

const IS_ATTACK = Uint8Array.from(EVENT_KINDS, (kind) => (ATTACK_KINDS.has(kind) ? 1 : 0));

/** The events' time bins: days up to 120 days of data, weeks beyond (`chooseBin`), in `zone`. */
function timeBins(source: TimeSource, zone: TimeZone): { bin: TimeBin; starts: number[]; binOf: (time: number) => number } {
  const { columns, rows } = source;
  const n = rows ? rows.length : columns.time.length;
  let first = Infinity;
  let last = -Infinity;
  for (let k = 0; k < n; k++) {
    const t = columns.time[rows ? rows[k] : k];
    if (t < first) first = t;
    if (t > last) last = t;
  }
  if (first > last) return { bin: 'day', starts: [], binOf: () => -1 };
  const bin = chooseBin(first, last);
  const [startOf, step] = bin === 'day' ? [(t: number) => zone.dayStart(t), DAY_MS] : [(t: number) => weekStart(zone.dayStart(t)), WEEK_MS];
  const origin = startOf(first);
  const starts = Array.from({ length: Math.round((startOf(last) - origin) / step) + 1 }, (_, i) => origin + i * step);
  return { bin, starts, binOf: (t) => (Number.isFinite(t) ? Math.round((startOf(t) - origin) / step) : -1) };
}

/** The events (all kinds, timed or not) of the source's rows by attacker, location, jail, server and bin. */
export function activity(source: TimeSource, places: AddressPlaces, options: { timeZone?: TimeZone } = {}): Activity {
  const { columns, rows } = source;
  const { bin, starts, binOf } = timeBins(source, options.timeZone ?? UTC);
  // Cell key: bin + 1 (0: no time) fastest, then server, jail, location, attacker; doubled, below 2^53 for any real run.
  const [nBins, nServers, nJails] = [starts.length + 1, Math.max(1, source.servers.length), Math.max(1, source.jails.length)];
  let nLocations = 1;
  for (const l of places.location) nLocations = Math.max(nLocations, l + 1);
  let nAttackers = 1;
  for (const a of places.attacker) nAttackers = Math.max(nAttackers, a + 1);
  if (2 * nAttackers * nLocations * nJails * nServers * nBins > Number.MAX_SAFE_INTEGER) {
    throw new Error(`activity: ${nAttackers} attackers × ${nLocations} locations × ${nJails} jails × ${nServers} servers × ${nBins} bins is too many cells to key`);
  }
  // Each event's cell key, doubled, plus 1 for an attack event: sorted, equal cells lie together
  // and their attack events are the odd keys. A Map of cell counts took ~3 s on the bench's events, this ~0.2 s.
  const n = rows ? rows.length : columns.ip.length;
  const keys = new Float64Array(n);
  let kept = 0;
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k] : k;
    const attacker = places.attacker[columns.ip[i]];
    const location = places.location[columns.ip[i]];
    if (attacker < 0 || location < 0) continue;
    const cell = (((attacker * nLocations + location) * nJails + columns.jail[i]) * nServers + columns.server[i]) * nBins + binOf(columns.time[i]) + 1;
    keys[kept++] = cell * 2 + IS_ATTACK[columns.kind[i]];
  }
  const sorted = keys.subarray(0, kept).sort();
  const columnsOf = () => new Int32Array(kept);
  const cells: ActivityCells = { attacker: columnsOf(), location: columnsOf(), jail: columnsOf(), server: columnsOf(), bin: columnsOf(), events: columnsOf() };
  let count = 0;
  for (let k = 0; k < kept; count++) {
    const cell = Math.floor(sorted[k] / 2);
    let attacks = 0;
    for (; k < kept && Math.floor(sorted[k] / 2) === cell; k++) attacks += sorted[k] % 2;
    // The key's digits, fastest first.
    let rest = cell;
    cells.bin[count] = (rest % nBins) - 1;
    rest = Math.floor(rest / nBins);
    cells.server[count] = rest % nServers;
    rest = Math.floor(rest / nServers);
    cells.jail[count] = rest % nJails;
    rest = Math.floor(rest / nJails);
    cells.location[count] = rest % nLocations;
    cells.attacker[count] = Math.floor(rest / nLocations);
    cells.events[count] = attacks;
  }
  for (const name of Object.keys(cells) as (keyof ActivityCells)[]) cells[name] = cells[name].slice(0, count);
  return { bin, starts, jails: source.jails, servers: source.servers, cells };
}
