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
import { chooseBin, DAY_MS, weekStart, type TimeBin, type TimeSource } from './timeline';

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
  bin: ActivityBin;
  /** Start of each bin, oldest first and without gaps: UTC midnight of the local date (epoch ms), as the timelines key them. */
  starts: number[];
  jails: readonly string[];
  servers: readonly string[];
  cells: ActivityCells;
}

/** Room for `n` cells. */
function emptyCells(n: number): ActivityCells {
  return { attacker: new Int32Array(n), location: new Int32Array(n), jail: new Int32Array(n), server: new Int32Array(n), bin: new Int32Array(n), events: new Int32Array(n) };
}

/** The first `count` cells. */
function firstCells(cells: ActivityCells, count: number): ActivityCells {
  const [attacker, location, jail, server, bin, events] = [cells.attacker, cells.location, cells.jail, cells.server, cells.bin, cells.events].map((column) => column.slice(0, count));
  return { attacker, location, jail, server, bin, events };
}

const IS_ATTACK = Uint8Array.from(EVENT_KINDS, (kind) => (ATTACK_KINDS.has(kind) ? 1 : 0));

/**
 * How long a bin is: a day up to 120 days of data (as the timelines, `chooseBin`), a week (from
 * Monday) up to a year, a month beyond; `whole` is one bin for the whole window (`wholeWindow`), starting with the first bin.
 */
export type ActivityBin = TimeBin | 'month' | 'whole';

function chooseActivityBin(first: number, last: number): Exclude<ActivityBin, 'whole'> {
  return chooseBin(first, last) === 'day' ? 'day' : last - first <= 366 * DAY_MS ? 'week' : 'month';
}

/** The start of the bin holding `day` (UTC midnight of a local date, epoch ms). */
function binStart(bin: Exclude<ActivityBin, 'whole'>, day: number): number {
  if (bin === 'day') return day;
  if (bin === 'week') return weekStart(day);
  const date = new Date(day);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** The events' time bins in `zone`, and each local date's bin (a table of the window's days: no date is built per event). */
function timeBins(source: TimeSource, zone: TimeZone, chosen?: Exclude<ActivityBin, 'whole'>): { bin: Exclude<ActivityBin, 'whole'>; starts: number[]; binOf: (time: number) => number } {
  const { columns, rows } = source;
  const n = rows ? rows.length : columns.time.length;
  let first = Infinity;
  let last = -Infinity;
  for (let k = 0; k < n; k++) {
    const t = columns.time[rows ? rows[k] : k];
    if (t < first) first = t;
    if (t > last) last = t;
  }
  if (first > last) return { bin: chosen ?? 'day', starts: [], binOf: () => -1 };
  const bin = chosen ?? chooseActivityBin(first, last);
  const [firstDay, lastDay] = [zone.dayStart(first), zone.dayStart(last)];
  const starts: number[] = [];
  const binOfDay = new Int32Array(Math.round((lastDay - firstDay) / DAY_MS) + 1);
  for (let d = 0; d < binOfDay.length; d++) {
    const start = binStart(bin, firstDay + d * DAY_MS);
    if (start !== starts[starts.length - 1]) starts.push(start);
    binOfDay[d] = starts.length - 1;
  }
  return { bin, starts, binOf: (t) => (Number.isFinite(t) ? binOfDay[Math.round((zone.dayStart(t) - firstDay) / DAY_MS)] : -1) };
}

/** The events (all kinds, timed or not) of the source's rows by attacker, location, jail, server and bin. */
export function activity(source: TimeSource, places: AddressPlaces, options: { timeZone?: TimeZone; bin?: Exclude<ActivityBin, 'whole'> } = {}): Activity {
  const { columns, rows } = source;
  const { bin, starts, binOf } = timeBins(source, options.timeZone ?? UTC, options.bin);
  // An attacker's cell key: bin + 1 (0: no time) fastest, then server, jail, location; doubled, plus 1 for an attack event.
  const [nBins, nServers, nJails] = [starts.length + 1, Math.max(1, source.servers.length), Math.max(1, source.jails.length)];
  let nLocations = 1;
  for (const l of places.location) nLocations = Math.max(nLocations, l + 1);
  let nAttackers = 1;
  for (const a of places.attacker) nAttackers = Math.max(nAttackers, a + 1);
  const n = rows ? rows.length : columns.ip.length;
  const eventAt = (k: number) => (rows ? rows[k] : k);
  const attackerOfIp = places.attacker.map((attacker, ip) => (places.location[ip] < 0 ? -1 : attacker));
  const attackerOf = (i: number) => attackerOfIp[columns.ip[i]];
  // The events grouped by attacker (a counting sort), then each attacker's keys sorted on their
  // own: equal cells lie together and their attack events are the odd keys. On the ~10.7M events
  // of the bench's archive, sorting all the events' keys at once took 2.1 s, this 0.9 s.
  const offsets = new Int32Array(nAttackers + 1);
  for (let k = 0; k < n; k++) {
    const attacker = attackerOf(eventAt(k));
    if (attacker >= 0) offsets[attacker + 1]++;
  }
  for (let a = 0; a < nAttackers; a++) offsets[a + 1] += offsets[a];
  const keys = new Float64Array(offsets[nAttackers]);
  const next = offsets.slice(0, nAttackers);
  for (let k = 0; k < n; k++) {
    const i = eventAt(k);
    const attacker = attackerOf(i);
    if (attacker < 0) continue;
    const cell = ((places.location[columns.ip[i]] * nJails + columns.jail[i]) * nServers + columns.server[i]) * nBins + binOf(columns.time[i]) + 1;
    keys[next[attacker]++] = cell * 2 + IS_ATTACK[columns.kind[i]];
  }
  const cells = emptyCells(keys.length);
  let count = 0;
  for (let attacker = 0; attacker < nAttackers; attacker++) {
    const end = offsets[attacker + 1];
    const sorted = keys.subarray(offsets[attacker], end).sort();
    for (let k = 0; k < sorted.length; count++) {
      const cell = Math.floor(sorted[k] / 2);
      let attacks = 0;
      for (; k < sorted.length && Math.floor(sorted[k] / 2) === cell; k++) attacks += sorted[k] % 2;
      // The key's digits, fastest first.
      let rest = cell;
      cells.bin[count] = (rest % nBins) - 1;
      rest = Math.floor(rest / nBins);
      cells.server[count] = rest % nServers;
      rest = Math.floor(rest / nServers);
      cells.jail[count] = rest % nJails;
      cells.location[count] = Math.floor(rest / nJails);
      cells.attacker[count] = attacker;
      cells.events[count] = attacks;
    }
  }
  return { bin, starts, jails: source.jails, servers: source.servers, cells: firstCells(cells, count) };
}

/** The same cells with one bin for the whole window (events without a time kept apart): a pass over the cells, none over the events. */
export function wholeWindow(activity: Activity): Activity {
  const { cells } = activity;
  const out = emptyCells(cells.attacker.length);
  let count = 0;
  for (let c = 0; c < cells.attacker.length; c++) {
    const bin = cells.bin[c] < 0 ? -1 : 0;
    const last = count - 1;
    // Within an attacker, cells are ordered by location, jail, server, then bin: the timed ones of a place lie together.
    if (last >= 0 && out.bin[last] === bin && out.attacker[last] === cells.attacker[c] && out.location[last] === cells.location[c] && out.jail[last] === cells.jail[c] && out.server[last] === cells.server[c]) {
      out.events[last] += cells.events[c];
      continue;
    }
    out.attacker[count] = cells.attacker[c];
    out.location[count] = cells.location[c];
    out.jail[count] = cells.jail[c];
    out.server[count] = cells.server[c];
    out.bin[count] = bin;
    out.events[count] = cells.events[c];
    count++;
  }
  return { ...activity, bin: 'whole', starts: activity.starts.slice(0, 1), cells: firstCells(out, count) };
}
