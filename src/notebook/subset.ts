import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { analysisOfEvents, type Analysis } from './pipeline';
import { dayInstant, eventsInWindow, isDay, type TimeWindow } from './window';

const op = aq.op;

/**
 * Which events a subset keeps. Each list, empty or absent, keeps every value; the conditions
 * given must all hold.
 */
export interface SubsetFilter {
  /** Jail names (`sshd`: auth-log events carry their service as their jail). */
  jails?: readonly string[];
  /** Server names (the folder each input was read from). */
  servers?: readonly string[];
  /** From this instant on (inclusive): a Date or ISO text; a day (`2026-10-01`) starts at its midnight in the run's time zone. */
  from?: Date | string | null;
  /** Up to this instant (inclusive): a Date or ISO text; a day (`2026-10-31`) includes the whole day. */
  to?: Date | string | null;
  /** ISO country codes of the addresses (`CN`, `US`). */
  countries?: readonly string[];
  /** Autonomous system numbers of the addresses. */
  asns?: readonly number[];
}

/**
 * The analysis of part of the events: those matching `filter`, or an events table already
 * filtered with Arquero verbs (`analysis.events.filter(...)`). Its tables, summary figures,
 * timelines and every chart and export are recomputed from those events alone, and its charts'
 * subtitles name the subset. Subsets chain: the subset of a subset keeps what matches both.
 *
 * A jail, server or country that no event of `analysis` has is an error naming the values
 * present: a typo does not quietly give an empty map.
 */
export function subset(analysis: Analysis, filter: SubsetFilter | ColumnTable): Analysis {
  if (isTable(filter)) return described(analysisOfEvents(analysis, filter), analysis, `${filter.numRows().toLocaleString('en-US')} of ${analysis.events.numRows().toLocaleString('en-US')} events`);
  let events = analysis.events;
  const parts: string[] = [];
  const jails = known(analysis, 'jail', filter.jails);
  if (jails) {
    events = events.params({ jails: new Set(jails) }).filter((d: any, $: any) => op.has($.jails, d.jail));
    parts.push(`${jails.length === 1 ? 'jail' : 'jails'} ${jails.join(', ')}`);
  }
  const servers = known(analysis, 'server', filter.servers);
  if (servers) {
    events = events.params({ servers: new Set(servers) }).filter((d: any, $: any) => op.has($.servers, d.server));
    parts.push(`${servers.length === 1 ? 'server' : 'servers'} ${servers.join(', ')}`);
  }
  const window = timeWindow(analysis, filter);
  if (window) {
    events = eventsInWindow(events, window);
    parts.push(windowText(filter));
  }
  const addresses = addressFilter(analysis, filter);
  if (addresses) {
    events = events.params({ ips: addresses.ips }).filter((d: any, $: any) => op.has($.ips, d.ip));
    parts.push(...addresses.parts);
  }
  if (parts.length === 0) return analysis;
  return described(analysisOfEvents(analysis, events), analysis, parts.join(' · '));
}

function isTable(filter: SubsetFilter | ColumnTable): filter is ColumnTable {
  return typeof (filter as ColumnTable).numRows === 'function';
}

/** The subset's description, after that of the analysis it was cut from, and in its summary's notes. */
function described(part: Analysis, whole: Analysis, text: string): Analysis {
  const subsetText = whole.subset ? `${whole.subset} · ${text}` : text;
  const notes = [...part.summary.notes.filter((n) => !n.startsWith('Subset: ')), `Subset: ${subsetText}.`];
  return { ...part, subset: subsetText, summary: { ...part.summary, notes } };
}

/** The values asked for, checked against those the events have; null for "no filter". */
function known(analysis: Analysis, column: 'jail' | 'server', asked: readonly string[] | undefined): string[] | null {
  if (!asked || asked.length === 0) return null;
  const present = distinctValues<string>(analysis.events, column);
  checkPresent(column, asked, present);
  return [...asked];
}

/** The values a column holds, nulls left out, in ascending order. */
function distinctValues<T extends string | number>(table: ColumnTable, column: string): T[] {
  return (table.rollup({ values: op.array_agg_distinct(column) }).get('values') as (T | null)[])
    .filter((v): v is T => v != null)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function checkPresent<T>(what: string, asked: readonly T[], present: readonly T[], whats = `${what}s`): void {
  const unknown = asked.filter((v) => !present.includes(v));
  if (unknown.length > 0) {
    const list = present.length === 0 ? 'none' : present.join(', ');
    throw new Error(`subset: no event has the ${what} ${unknown.map((v) => JSON.stringify(v)).join(', ')}; the ${whats} present are: ${list}.`);
  }
}

/** `from`/`to` as Dates; a day taken in the run's time zone, `to` to the end of its day. */
function timeWindow(analysis: Analysis, filter: SubsetFilter): TimeWindow | null {
  if (filter.from == null && filter.to == null) return null;
  const from = filter.from == null ? new Date(-8.64e15) : instant(analysis, 'from', filter.from, false);
  const to = filter.to == null ? new Date(8.64e15) : instant(analysis, 'to', filter.to, true);
  if (from > to) throw new Error(`subset: from (${from.toISOString()}) is after to (${to.toISOString()}).`);
  return { from, to };
}

/** A Date or ISO text as a Date; a day (`YYYY-MM-DD`) taken in the run's zone, its end when `end`. */
function instant(analysis: Analysis, name: string, value: Date | string, end: boolean): Date {
  if (typeof value === 'string' && isDay(value)) return dayInstant(value, analysis.parameters.timeZone, end);
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`subset: ${name} must be a Date or ISO text (2026-10-01, 2026-10-01T12:00:00Z); got ${JSON.stringify(String(value))}.`);
  return date;
}

function windowText(filter: SubsetFilter): string {
  const text = (v: Date | string) => (v instanceof Date ? v.toISOString().replace(/T00:00:00\.000Z$/, '') : v);
  if (filter.from != null && filter.to != null) return `${text(filter.from)} to ${text(filter.to)}`;
  return filter.from != null ? `from ${text(filter.from)}` : `to ${text(filter.to!)}`;
}

/** The addresses in the countries and networks asked for; null for "no filter". */
function addressFilter(analysis: Analysis, filter: SubsetFilter): { ips: Set<string>; parts: string[] } | null {
  const countries = filter.countries?.length ? [...filter.countries] : null;
  const asns = filter.asns?.length ? [...filter.asns] : null;
  if (!countries && !asns) return null;
  const located = analysis.aggregates.ips;
  const parts: string[] = [];
  if (countries) {
    checkPresent('country', countries, distinctValues<string>(located, 'country'), 'countries');
    parts.push(`${countries.length === 1 ? 'country' : 'countries'} ${countries.join(', ')}`);
  }
  if (asns) {
    checkPresent('asn', asns, distinctValues<number>(located, 'asn'));
    parts.push(`${asns.length === 1 ? 'AS' : 'ASes'} ${asns.join(', ')}`);
  }
  // Every located address, not only those with attack events: their unban lines go along too.
  const matching = analysis.addresses
    .params({ countries: new Set(countries ?? []), asns: new Set(asns ?? []), anyCountry: !countries, anyAsn: !asns })
    .filter((d: any, $: any) => ($.anyCountry || op.has($.countries, d.country)) && ($.anyAsn || op.has($.asns, d.asn)));
  return { ips: new Set(matching.array('ip') as string[]), parts };
}
