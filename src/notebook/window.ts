import type { ColumnTable } from 'arquero';
import { timeZone } from '../time-zone';

/** Instants from `from` to `to`, both inclusive. */
export interface TimeWindow {
  from: Date;
  to: Date;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for `YYYY-MM-DD` text naming a real day. */
export function isDay(text: string): boolean {
  const match = DAY.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The first millisecond of a day (`YYYY-MM-DD`) in the zone `zoneName` (see `timeZone`), or with
 * `end` its last: "to the 31st" takes in the whole 31st, in the zone the timelines count days in.
 */
export function dayInstant(day: string, zoneName: string | null, end = false): Date {
  const [year, month, date] = day.split('-').map(Number);
  const daysAfter = end ? 1 : 0;
  return new Date(timeZone(zoneName).wallClockToEpoch(year, month, date + daysAfter, 0, 0, 0, 0) - daysAfter);
}

/**
 * The window of the run's `FROM` and `TO` parameters (days, `YYYY-MM-DD`, both inclusive, in the
 * run's zone); null when neither is set. Either may be null for "no bound".
 */
export function daysWindow(from: string | null, to: string | null, zoneName: string | null): TimeWindow | null {
  if (from == null && to == null) return null;
  const window = {
    from: from == null ? new Date(-8.64e15) : dayInstant(from, zoneName),
    to: to == null ? new Date(8.64e15) : dayInstant(to, zoneName, true),
  };
  if (window.from > window.to) throw new Error(`FROM (${from}) is after TO (${to}).`);
  return window;
}

/** The events with a time inside `window`: events without one (ban lists, status dumps) cannot be placed in it. */
export function eventsInWindow(events: ColumnTable, window: TimeWindow): ColumnTable {
  return events.params({ from: window.from, to: window.to }).filter((d: any, $: any) => d.time != null && d.time >= $.from && d.time <= $.to);
}

/** "2026-10-01 to 2026-10-31", "from 2026-10-01", "to 2026-10-31". */
export function windowText(from: string | null, to: string | null): string {
  if (from != null && to != null) return `${from} to ${to}`;
  return from != null ? `from ${from}` : `to ${to}`;
}
