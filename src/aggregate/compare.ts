import { ATTACK_KINDS } from '../types';
import { EVENT_KINDS } from '../load/events';
import type { Analysis } from '../notebook/pipeline';
import { isoDay } from './summary';

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

function changes(keys: readonly (string | null)[], labels: Map<string, string>, activeBefore: Uint8Array, activeAfter: Uint8Array): ChangeRow[] {
  const counts = new Map<string, { before: number; after: number }>();
  keys.forEach((key, i) => {
    if (key == null || (!activeBefore[i] && !activeAfter[i])) return;
    let c = counts.get(key);
    if (!c) counts.set(key, (c = { before: 0, after: 0 }));
    c.before += activeBefore[i];
    c.after += activeAfter[i];
  });
  return [...counts]
    .map(([key, c]) => ({ key, label: labels.get(key) ?? key, before: c.before, after: c.after, change: c.after - c.before, status: status(c.before, c.after) }))
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || b.after + b.before - (a.after + a.before) || a.label.localeCompare(b.label));
}

/**
 * Splits the attack events at `split` and counts, per place, network and country, the distinct
 * addresses active before and after: what rose, fell, appeared and went quiet.
 */
export function comparePeriods(analysis: Analysis, splitDate: string | null = analysis.parameters.splitDate): Comparison | null {
  const split = splitPoint(analysis, splitDate);
  if (split == null) return null;
  const store = analysis.load.store;
  const { ip, kind, time } = store.columns();
  const n = store.addresses.length;
  const activeBefore = new Uint8Array(n);
  const activeAfter = new Uint8Array(n);
  const attack = EVENT_KINDS.map((k) => ATTACK_KINDS.has(k));
  const before: PeriodFigures = { from: null, to: null, ips: 0, events: 0 };
  const after: PeriodFigures = { from: null, to: null, ips: 0, events: 0 };
  let untimed = 0;
  for (let i = 0; i < ip.length; i++) {
    if (!attack[kind[i]]) continue;
    const t = time[i];
    if (!Number.isFinite(t)) {
      untimed++;
      continue;
    }
    const period = t < split ? before : after;
    (t < split ? activeBefore : activeAfter)[ip[i]] = 1;
    period.events++;
    if (period.from === null || t < period.from) period.from = t;
    if (period.to === null || t > period.to) period.to = t;
  }
  before.ips = activeBefore.reduce((a, b) => a + b, 0);
  after.ips = activeAfter.reduce((a, b) => a + b, 0);

  // Per address (aligned with store.addresses): its place, network and country.
  const rows = new Map<string, Record<string, unknown>>();
  for (const row of analysis.aggregates.ips.objects() as Record<string, unknown>[]) rows.set(row.ip as string, row);
  const placeOfCity = new Map<string, string>();
  for (const place of analysis.aggregates.places) {
    for (const city of place.cities) placeOfCity.set(`${city.country}|${city.subdivision ?? ''}|${city.city}`, `${place.name}, ${place.country}`);
  }
  const placeKeys: (string | null)[] = [];
  const networkKeys: (string | null)[] = [];
  const countryKeys: (string | null)[] = [];
  const networkLabels = new Map<string, string>();
  const countryLabels = new Map<string, string>();
  for (const address of store.addresses) {
    const row = rows.get(address.ip) ?? {};
    placeKeys.push(row.precision === 'city' ? placeOfCity.get(`${row.country}|${row.subdivision ?? ''}|${row.city}`) ?? null : null);
    const asn = row.asn as number | null | undefined;
    networkKeys.push(asn != null ? `AS${asn}` : null);
    if (asn != null) networkLabels.set(`AS${asn}`, `AS${asn} ${(row.org as string | null) ?? ''}`.trim());
    countryKeys.push((row.country as string | null) ?? null);
    if (row.country) countryLabels.set(row.country as string, (row.country_name as string | null) ?? (row.country as string));
  }
  return {
    split,
    before,
    after,
    untimed,
    places: changes(placeKeys, new Map(), activeBefore, activeAfter),
    networks: changes(networkKeys, networkLabels, activeBefore, activeAfter),
    countries: changes(countryKeys, countryLabels, activeBefore, activeAfter),
  };
}
