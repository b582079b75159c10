import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { ATTACK_KINDS, type PlaceCluster } from '../types';
import type { Analysis } from '../notebook/pipeline';
import { isoDay } from './summary';
import { cityKey } from './places';

/** How one place, network or country changed between the two periods. */
export interface ChangeRow {
  key: string;
  label: string;
  /** Distinct addresses active in each period. */
  before: number;
  after: number;
  change: number;
  status: 'appeared' | 'gone' | 'rose' | 'fell' | 'steady';
}

export interface PeriodFigures {
  from: number | null;
  to: number | null;
  ips: number;
  events: number;
}

/** Two periods of one data set side by side. */
export interface Comparison {
  /** Epoch ms where the second period starts. */
  split: number;
  before: PeriodFigures;
  after: PeriodFigures;
  /** Attack events without a time, which belong to neither period. */
  untimed: number;
  places: ChangeRow[];
  networks: ChangeRow[];
  countries: ChangeRow[];
}

const DAY = 86_400_000;
const op = aq.op;

/**
 * Where to split: `YYYY-MM-DD` (midnight UTC) when given, else the middle of the data's window
 * rounded down to a day. Null when the events carry no time.
 */
export function splitPoint(analysis: Analysis, splitDate: string | null = analysis.parameters.splitDate): number | null {
  if (splitDate) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(splitDate);
    const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
    if (!Number.isFinite(time)) throw new Error(`The split date must look like 2026-10-01; got "${splitDate}".`);
    return time;
  }
  const { first, last } = analysis.aggregates.window;
  if (first == null || last == null) return null;
  return Math.floor((first + (last - first) / 2) / DAY) * DAY;
}

function status(before: number, after: number): ChangeRow['status'] {
  if (before === 0 && after > 0) return 'appeared';
  if (after === 0 && before > 0) return 'gone';
  return after > before ? 'rose' : after < before ? 'fell' : 'steady';
}

/** Per key (a place, network or country), the distinct addresses active before and after the split, as change rows. */
function changes(active: ColumnTable, key: string, label: string): ChangeRow[] {
  const rows = active
    .filter(`d => d.${key} != null`)
    .groupby(key, label)
    .rollup({ before: op.sum('before'), after: op.sum('after') })
    .objects() as Record<string, any>[];
  return rows
    .map((c) => ({ key: c[key], label: c[label] ?? c[key], before: c.before, after: c.after, change: c.after - c.before, status: status(c.before, c.after) }))
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || b.after + b.before - (a.after + a.before) || a.label.localeCompare(b.label));
}

/** The figures of one period's events. */
function periodFigures(events: ColumnTable): PeriodFigures {
  if (events.numRows() === 0) return { from: null, to: null, ips: 0, events: 0 };
  const { from, to, ips } = events.rollup({ from: op.min('time'), to: op.max('time'), ips: op.distinct('ip') }).object() as { from: Date; to: Date; ips: number };
  return { from: +from, to: +to, ips, events: events.numRows() };
}

/**
 * Each place's label in a comparison: its name and country, told apart by its largest city (else
 * its rank) where two places share both. Two places can take one name, a big city's, when
 * CLUSTER_KM is less than twice PLACE_NAMING_KM; counted under one label they would be one place.
 */
export function placeLabels(places: readonly Pick<PlaceCluster, 'name' | 'country' | 'largest_city'>[]): string[] {
  const plain = places.map((place) => (place.country ? `${place.name}, ${place.country}` : place.name));
  const seen = new Map<string, number>();
  for (const label of plain) seen.set(label, (seen.get(label) ?? 0) + 1);
  const told = plain.map((label, i) => (seen.get(label)! > 1 ? `${label} (${places[i].largest_city ?? `place ${i + 1}`})` : label));
  return told.map((label, i) => (told.indexOf(label) !== i ? `${label} #${i + 1}` : label));
}

/**
 * Splits the attack events at `split` and counts, per place, network and country, the distinct
 * addresses active before and after: what rose, fell, appeared and went quiet.
 */
export function comparePeriods(analysis: Analysis, splitDate: string | null = analysis.parameters.splitDate): Comparison | null {
  const split = splitPoint(analysis, splitDate);
  if (split == null) return null;
  const attacks = analysis.events.params({ attack: [...ATTACK_KINDS], split }).filter((d: any, $: any) => op.includes($.attack, d.kind));
  const timed = attacks.filter((d: any) => d.time != null);
  const before = timed.filter((d: any, $: any) => d.time < $.split);
  const after = timed.filter((d: any, $: any) => d.time >= $.split);
  const placeOf = new Map<string, string>();
  const labels = placeLabels(analysis.aggregates.places);
  analysis.aggregates.places.forEach((place, i) => {
    for (const city of place.cities) placeOf.set(cityKey(city), labels[i]);
  });
  const keys = aq.escape((d: any) => (d.precision === 'city' ? placeOf.get(cityKey(d)) ?? null : null));
  // Per address: active before, after (1 or 0), and its place, network and country.
  const active = before
    .select('ip')
    .dedupe()
    .derive({ before: () => 1 })
    .join_full(after.select('ip').dedupe().derive({ after: () => 1 }), 'ip')
    .lookup(analysis.aggregates.ips, 'ip', 'country', 'country_name', 'subdivision', 'city', 'latitude', 'longitude', 'precision', 'asn', 'org')
    .derive({
      before: (d: any) => d.before || 0,
      after: (d: any) => d.after || 0,
      place: keys,
      network: (d: any) => (d.asn != null ? 'AS' + d.asn : null),
      network_label: (d: any) => (d.asn != null ? op.trim('AS' + d.asn + ' ' + (d.org ?? '')) : null),
      country_label: (d: any) => d.country_name ?? d.country,
    });
  return {
    split,
    before: periodFigures(before),
    after: periodFigures(after),
    untimed: attacks.numRows() - timed.numRows(),
    places: changes(active, 'place', 'place'),
    networks: changes(active, 'network', 'network_label'),
    countries: changes(active, 'country', 'country_label'),
  };
}
