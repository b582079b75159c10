/**
 * Time aggregations for the time charts, from the events table (`analysis.events`, whole or
 * filtered): events per day or week by jail and server, events by hour of day and weekday, and
 * each address's first and last attack feeding new attackers per week. Only attack events count
 * (Found, Ban, listed bans, failed logins); events without a time are counted apart. Days, weeks
 * and hours are those of a `TimeZone` (UTC by default here; the chart builders pass the run's).
 *
 * They are loops over the events' codes rather than Arquero verbs: binning the bench's 969,875
 * events by day, jail and server took 621–827 ms of CPU with filter, derive and groupby, and
 * 209–217 ms with `eventsOverTime` keyed by text, 41–52 ms keyed by number (shared machine).
 */
import type { ColumnTable } from 'arquero';
import { EVENT_KINDS } from '../load/events';
import { CodedColumn, DictionaryColumn } from '../load/events-table';
import { ATTACK_KINDS } from '../types';
import { UTC, type TimeZone } from '../time-zone';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** The event columns the aggregations read, as codes. */
export interface EventColumns {
  ip: ArrayLike<number>;
  kind: ArrayLike<number>;
  /** Epoch ms, NaN when unknown. */
  time: ArrayLike<number>;
  jail: ArrayLike<number>;
  server: ArrayLike<number>;
}

/** Events as codes and the names behind them. */
export interface TimeSource {
  columns: EventColumns;
  /** Jail names by code (code 0: none). */
  jails: readonly string[];
  /** Server names by code. */
  servers: readonly string[];
  /** Addresses by code (absent from a source made by hand). */
  ips?: readonly string[];
  /** The rows to read (those a filter kept); all when absent. */
  rows?: ArrayLike<number>;
}

/** The time source of an events table (`eventsTable`), filtered or not, or of any table with its columns. */
export function timeSource(events: ColumnTable): TimeSource {
  const [ip, kind, time, jail, server] = ['ip', 'kind', 'time', 'jail', 'server'].map((name) => events.column(name));
  if (ip instanceof DictionaryColumn && kind instanceof DictionaryColumn && time instanceof CodedColumn && jail instanceof DictionaryColumn && server instanceof DictionaryColumn) {
    const names = (column: DictionaryColumn<string | null>) => Array.from({ length: column.size }, (_, code) => column.value(code) ?? '');
    const columns = { ip: ip.codes, kind: kind.codes, time: time.codes, jail: jail.codes, server: server.codes };
    return { columns, jails: names(jail), servers: names(server), ips: names(ip), rows: events.isFiltered() ? events.indices(false) : undefined };
  }
  // Another table: its values coded here, in its rows' order.
  const coder = (first: string[] = []) => {
    const codes = new Map(first.map((value, code) => [value, code]));
    return { values: first, code: (value: string) => codes.get(value) ?? (codes.set(value, first.length), first.push(value) - 1) };
  };
  const [ips, jails, servers] = [coder(), coder(['']), coder()];
  const column = <T>(name: string, code: (value: T) => number) => Float64Array.from(events.array(name) as T[], code);
  return {
    columns: {
      ip: column('ip', ips.code),
      kind: column('kind', (value: string) => EVENT_KINDS.indexOf(value as never)),
      time: column('time', (value: Date | null) => (value == null ? Number.NaN : +value)),
      jail: column('jail', (value: string | null) => jails.code(value ?? '')),
      server: column('server', servers.code),
    },
    jails: jails.values,
    servers: servers.values,
    ips: ips.values,
  };
}

/** Calls `visit` with the row and time of each attack event that has a time; returns how many have none. */
function eachTimedAttack({ columns, rows }: TimeSource, visit: (row: number, time: number) => void): number {
  const n = rows ? rows.length : columns.kind.length;
  let untimed = 0;
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k] : k;
    if (!ATTACK_CODES[columns.kind[i]]) continue;
    const t = columns.time[i];
    if (Number.isFinite(t)) visit(i, t);
    else untimed++;
  }
  return untimed;
}

export type TimeBin = 'day' | 'week';

export interface TimeOptions {
  /** The zone of days, weeks and hours (see `timeZone`); UTC when absent. */
  timeZone?: TimeZone;
}

const ATTACK_CODES = new Uint8Array(EVENT_KINDS.length);
EVENT_KINDS.forEach((kind, code) => (ATTACK_CODES[code] = ATTACK_KINDS.has(kind) ? 1 : 0));

/** Monday 0 … Sunday 6 of `day` (a UTC midnight ms), by arithmetic: 1970-01-01 was a Thursday (3). */
function weekday(day: number): number {
  return (((Math.round(day / DAY_MS) + 3) % 7) + 7) % 7;
}

/** Monday (UTC midnight ms) of the week holding `day` (a UTC midnight ms). */
export function weekStart(day: number): number {
  return day - weekday(day) * DAY_MS;
}

/** Day bins up to 120 days of data, week bins beyond. */
export function chooseBin(first: number | null, last: number | null): TimeBin {
  if (first == null || last == null) return 'day';
  return last - first <= 120 * DAY_MS ? 'day' : 'week';
}

export interface TimelineRow {
  /** Start of the bin: UTC midnight of the local date. */
  start: number;
  /** End of the bin (exclusive). */
  end: number;
  jail: string;
  server: string;
  events: number;
}

export interface Timeline {
  bin: TimeBin;
  rows: TimelineRow[];
  /** Attack events with a time, and without. */
  timed: number;
  untimed: number;
  first: number | null;
  last: number | null;
  jails: string[];
  servers: string[];
  /** The name of the zone of the days and weeks (`TimeZone.name`). */
  timeZone: string;
}

export const NO_JAIL = '(no jail)';

/** Attack events per day or week (chosen from the span unless given), by jail and server. */
export function eventsOverTime(source: TimeSource, options: TimeOptions & { bin?: TimeBin | 'auto' } = {}): Timeline {
  const { columns } = source;
  const zone = options.timeZone ?? UTC;
  let first = Infinity;
  let last = -Infinity;
  let timed = 0;
  // One pass counts by day, and weeks are summed from the days once the span is known: the span
  // read in a pass of its own cost 0.3 s at 10.7M events.
  // Counted by number (day, jail code, server code): a text key per event cost 200 ms at 1M events.
  const jailCount = source.jails.length;
  const serverCount = source.servers.length;
  const days = new Map<number, TimelineRow>();
  const untimed = eachTimedAttack(source, (i, t) => {
    timed++;
    if (t < first) first = t;
    if (t > last) last = t;
    const start = zone.dayStart(t);
    const key = (Math.round(start / DAY_MS) * jailCount + columns.jail[i]) * serverCount + columns.server[i];
    const row = days.get(key);
    if (row) row.events++;
    else days.set(key, { start, end: start + DAY_MS, jail: source.jails[columns.jail[i]] || NO_JAIL, server: source.servers[columns.server[i]] ?? '', events: 1 });
  });
  const hasTimes = timed > 0;
  const bin = options.bin && options.bin !== 'auto' ? options.bin : chooseBin(hasTimes ? first : null, hasTimes ? last : null);
  const counts = bin === 'day' ? days : weeksOf(days);
  const jailTotals = new Map<string, number>();
  const serverTotals = new Map<string, number>();
  for (const row of counts.values()) {
    jailTotals.set(row.jail, (jailTotals.get(row.jail) ?? 0) + row.events);
    serverTotals.set(row.server, (serverTotals.get(row.server) ?? 0) + row.events);
  }
  const byTotal = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  const rows = [...counts.values()].sort((a, b) => a.start - b.start || (a.server < b.server ? -1 : a.server > b.server ? 1 : 0) || (a.jail < b.jail ? -1 : a.jail > b.jail ? 1 : 0));
  return {
    bin,
    rows,
    timed,
    untimed,
    first: hasTimes ? first : null,
    last: hasTimes ? last : null,
    jails: byTotal(jailTotals),
    servers: byTotal(serverTotals),
    timeZone: zone.name,
  };
}

/** The day rows of `eventsOverTime` summed by week (same jail and server). */
function weeksOf(days: Map<number, TimelineRow>): Map<string, TimelineRow> {
  const weeks = new Map<string, TimelineRow>();
  for (const day of days.values()) {
    const start = weekStart(day.start);
    const key = JSON.stringify([start, day.jail, day.server]);
    const week = weeks.get(key);
    if (week) week.events += day.events;
    else weeks.set(key, { ...day, start, end: start + WEEK_MS });
  }
  return weeks;
}

export interface HourWeekdayCell {
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** 0–23, local. */
  hour: number;
  events: number;
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** Attack events by local hour of day and weekday: all 168 cells, zeros included. */
export function hourWeekday(source: TimeSource, options: TimeOptions = {}): { cells: HourWeekdayCell[]; timed: number; untimed: number; timeZone: string } {
  const zone = options.timeZone ?? UTC;
  const counts = new Float64Array(7 * 24);
  let timed = 0;
  const untimed = eachTimedAttack(source, (_, t) => {
    timed++;
    counts[weekday(zone.dayStart(t)) * 24 + zone.hour(t)]++;
  });
  const cells: HourWeekdayCell[] = [];
  for (let weekday = 0; weekday < 7; weekday++) for (let hour = 0; hour < 24; hour++) cells.push({ weekday, hour, events: counts[weekday * 24 + hour] });
  return { cells, timed, untimed, timeZone: zone.name };
}

/** Each address's first and last attack event (epoch ms; NaN for an address with no timed attack). */
export function firstLastSeen(source: TimeSource, addresses: number): { first: Float64Array; last: Float64Array } {
  const ips = source.columns.ip;
  const first = new Float64Array(addresses).fill(Number.NaN);
  const last = new Float64Array(addresses).fill(Number.NaN);
  eachTimedAttack(source, (i, t) => {
    if (!(first[ips[i]] <= t)) first[ips[i]] = t;
    if (!(last[ips[i]] >= t)) last[ips[i]] = t;
  });
  return { first, last };
}

export interface AttackerWeek {
  /** Monday of the week (UTC midnight of the local date). */
  start: number;
  end: number;
  /** Addresses whose first attack falls in this week. */
  new: number;
  /** Addresses active this week that were first seen in an earlier week. */
  returning: number;
  /** Addresses whose last attack falls in this week. */
  lastSeen: number;
}

/** New and returning attacking addresses per week, from each address's first and last attack. */
export function attackersPerWeek(source: TimeSource, addresses: number, options: TimeOptions = {}): { weeks: AttackerWeek[]; timeZone: string } {
  const { columns } = source;
  const zone = options.timeZone ?? UTC;
  const { first, last } = firstLastSeen(source, addresses);
  const weekOf = (t: number) => weekStart(zone.dayStart(t));
  const weeks = new Map<number, AttackerWeek>();
  const week = (start: number) => {
    let w = weeks.get(start);
    if (!w) {
      w = { start, end: start + WEEK_MS, new: 0, returning: 0, lastSeen: 0 };
      weeks.set(start, w);
    }
    return w;
  };
  const firstWeek = new Float64Array(addresses).fill(Number.NaN);
  for (let ip = 0; ip < addresses; ip++) {
    if (!Number.isFinite(first[ip])) continue;
    firstWeek[ip] = weekOf(first[ip]);
    week(firstWeek[ip]).new++;
    week(weekOf(last[ip])).lastSeen++;
  }
  const sorted = () => ({ weeks: [...weeks.values()].sort((a, b) => a.start - b.start), timeZone: zone.name });
  if (weeks.size === 0) return sorted();
  // Distinct (address, week) pairs for the returning count, as one bit per pair: a set of numbers cost
  // 200 ms at 1M events. Weeks are numbered from the first week with an attack. A span of weeks too
  // long for a bit per pair (stray stamps decades apart) falls back to the set.
  const firstMonday = Math.min(...weeks.keys());
  const weekCount = Math.round((Math.max(...weeks.keys()) - firstMonday) / WEEK_MS) + 1;
  const seen = weekCount * addresses <= MAX_PAIR_BITS ? bitSet(weekCount * addresses) : numberSet();
  eachTimedAttack(source, (i, t) => {
    const ip = columns.ip[i];
    const w = weekOf(t);
    const pair = Math.round((w - firstMonday) / WEEK_MS) * addresses + ip;
    if (w === firstWeek[ip] || !seen.add(pair)) return;
    week(w).returning++;
  });
  return sorted();
}

/** 32 MB of bits at the most; beyond that, distinct pairs are few compared with the span. */
const MAX_PAIR_BITS = 2 ** 28;

/** A set of the integers below `size`; `add` says whether the number was new. */
function bitSet(size: number): { add(n: number): boolean } {
  const bits = new Uint8Array(Math.ceil(size / 8));
  return {
    add(n) {
      const bit = 1 << n % 8;
      if (bits[n >> 3] & bit) return false;
      bits[n >> 3] |= bit;
      return true;
    },
  };
}

function numberSet(): { add(n: number): boolean } {
  const set = new Set<number>();
  return {
    add(n) {
      if (set.has(n)) return false;
      set.add(n);
      return true;
    },
  };
}
