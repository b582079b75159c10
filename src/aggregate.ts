import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { ATTACK_KINDS } from './types';
import { EVENT_KINDS, type EventStore } from './events';
import type { Location, PlaceCluster } from './types';
import { ipv6Network64, type Network } from './networks';
import { clusterPlaces, comparePlaces, type ClusterInput } from './places';

const op = aq.op;

/** How the rankings count attackers. */
export interface AggregateOptions {
  /** The network of each address, aligned with `store.addresses` (see `lookupNetworks`). */
  networks?: readonly (Network | null)[];
  /** Count every IPv6 /64 as one attacker in the rankings (`ips` columns). Default false. */
  ipv6Prefix64?: boolean;
  /** Cities within this distance (km) of a place's largest city join that place. Default 100. */
  clusterRadiusKm?: number;
}

/** The tables every chart and export is drawn from. */
export interface Aggregates {
  /**
   * One row per distinct address: `ip, version, events, records, first_seen, last_seen, country, country_name, city, subdivision, latitude, longitude, accuracy_radius, precision, asn, org, attacker`
   * (times in epoch ms, null when unknown; `asn`/`org` null when unknown or not public; `attacker`
   * is what rankings count: the address, or its `/64` network when `ipv6Prefix64` is on).
   */
  ips: ColumnTable;
  /** City-located addresses grouped by city: `city, subdivision, country, country_name, latitude, longitude, ips, events`, largest first. */
  cities: ColumnTable;
  /** Addresses with a known country, grouped by country: `country, name, ips, events, ips_city, ips_country_only`, largest first. */
  countries: ColumnTable;
  /** Addresses with a known network, grouped by ASN: `asn, org, ips, events`, largest first (ties: lower ASN first). */
  asns: ColumnTable;
  /** Cities within `clusterRadiusKm` of each other as places, largest first. */
  places: PlaceCluster[];
  /** What the `ips` counts of the rankings count. */
  counting: {
    ipv6Prefix64: boolean;
    clusterRadiusKm: number;
    /** Distinct attackers: addresses, with each IPv6 /64 counted once when `ipv6Prefix64` is on. */
    attackers: number;
    /** Distinct IPv6 /64 networks among the addresses. */
    ipv6Networks64: number;
  };
  /** First and last event time (epoch ms), null when no event has a time. */
  window: { first: number | null; last: number | null };
}

/**
 * Builds the per-address, per-city, per-country, per-network and per-place tables from the
 * loaded events, their locations and (optionally) their networks.
 */
export function aggregate(store: EventStore, locations: readonly Location[], options: AggregateOptions = {}): Aggregates {
  const ipv6Prefix64 = options.ipv6Prefix64 ?? false;
  const clusterRadiusKm = options.clusterRadiusKm ?? 100;
  const networks = options.networks;
  const columns = store.columns();
  const addresses = store.addresses;
  // The per-address pass runs over every event (millions): one loop over the typed columns is
  // ~20× faster than an Arquero groupby on a table that size. The tables from here on have one
  // row per address or fewer, and Arquero builds them.
  const perAddress = perAddressTotals(columns, addresses.length);
  const network64 = addresses.map((a) => (a.version === 6 ? ipv6Network64(a.ip) : null));
  const attackerOf = addresses.map((a, i) => (ipv6Prefix64 && a.version === 6 ? network64[i]! : a.ip));
  const located = aq.table({
    ip: addresses.map((a) => a.ip),
    version: addresses.map((a) => a.version),
    country: locations.map((l) => l.country),
    country_name: locations.map((l) => l.countryName),
    city: locations.map((l) => l.city),
    subdivision: locations.map((l) => l.subdivision),
    latitude: locations.map((l) => l.latitude),
    longitude: locations.map((l) => l.longitude),
    accuracy_radius: locations.map((l) => l.accuracyRadius),
    precision: locations.map((l) => l.precision),
    asn: addresses.map((_, i) => networks?.[i]?.asn ?? null),
    org: addresses.map((_, i) => networks?.[i]?.org ?? null),
    attacker: attackerOf,
  });

  const ips = located
    .assign(perAddress)
    .select('ip', 'version', 'events', 'records', 'first_seen', 'last_seen', 'country', 'country_name', 'city', 'subdivision', 'latitude', 'longitude', 'accuracy_radius', 'precision', 'asn', 'org', 'attacker')
    .orderby(aq.desc('events'), 'ip');

  const cities = ips
    .filter((d: any) => d.precision === 'city')
    .groupby('country', 'country_name', 'subdivision', 'city')
    .rollup({ latitude: op.mean('latitude'), longitude: op.mean('longitude'), ips: ipv6Prefix64 ? op.distinct('attacker') : op.count(), events: op.sum('events') })
    .select('city', 'subdivision', 'country', 'country_name', 'latitude', 'longitude', 'ips', 'events')
    .orderby(aq.desc('ips'), aq.desc('events'), 'city', 'country');

  const countries = ips
    .filter((d: any) => d.country != null)
    .derive(
      ipv6Prefix64
        ? {
            attacker_city: (d: any) => (d.precision === 'city' ? d.attacker : null),
            attacker_country_only: (d: any) => (d.precision === 'country_only' ? d.attacker : null),
          }
        : {},
    )
    .groupby('country', 'country_name')
    .rollup(
      // Counting distinct attackers is slower than counting rows: only when /64s are counted once.
      ipv6Prefix64
        ? {
            ips: op.distinct('attacker'),
            events: op.sum('events'),
            // Distinct non-null values (distinct counts null as a value).
            ips_city: (d: any) => op.distinct(d.attacker_city) - (op.valid(d.attacker_city) < (op.count() as any) ? 1 : 0),
            ips_country_only: (d: any) => op.distinct(d.attacker_country_only) - (op.valid(d.attacker_country_only) < (op.count() as any) ? 1 : 0),
          }
        : {
            ips: op.count(),
            events: op.sum('events'),
            ips_city: (d: any) => op.sum(d.precision === 'city' ? 1 : 0),
            ips_country_only: (d: any) => op.sum(d.precision === 'country_only' ? 1 : 0),
          },
    )
    .rename({ country_name: 'name' })
    .select('country', 'name', 'ips', 'events', 'ips_city', 'ips_country_only')
    .orderby(aq.desc('ips'), aq.desc('events'), 'country');

  const asns = networkTable(ips);
  const places = placesOf(ips, cities, clusterRadiusKm, ipv6Prefix64);

  let first = Infinity;
  let last = -Infinity;
  for (const t of columns.time) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  return {
    ips,
    cities,
    countries,
    asns,
    places,
    counting: {
      ipv6Prefix64,
      clusterRadiusKm,
      attackers: new Set(attackerOf).size,
      ipv6Networks64: new Set(network64.filter((n) => n !== null)).size,
    },
    window: { first: Number.isFinite(first) ? first : null, last: Number.isFinite(last) ? last : null },
  };
}

/**
 * Addresses grouped by ASN. An ASN whose ranges carry different organisation names is named
 * after the one most of its addresses carry (ties: the alphabetically first).
 */
function networkTable(ips: ColumnTable): ColumnTable {
  const asn = ips.array('asn') as (number | null)[];
  const org = ips.array('org') as (string | null)[];
  const attacker = ips.array('attacker') as string[];
  const events = ips.array('events') as number[];
  const groups = new Map<number, { orgs: Map<string, number>; attackers: Set<string>; events: number }>();
  for (let i = 0; i < asn.length; i++) {
    const a = asn[i];
    if (a == null) continue;
    let g = groups.get(a);
    if (!g) groups.set(a, (g = { orgs: new Map(), attackers: new Set(), events: 0 }));
    const o = org[i] ?? '';
    g.orgs.set(o, (g.orgs.get(o) ?? 0) + 1);
    g.attackers.add(attacker[i]);
    g.events += events[i];
  }
  const rows = [...groups].map(([a, g]) => {
    let best = '';
    let count = -1;
    for (const [o, n] of g.orgs) if (n > count || (n === count && o < best)) [best, count] = [o, n];
    return { asn: a, org: best || null, ips: g.attackers.size, events: g.events };
  });
  rows.sort((x, y) => y.ips - x.ips || y.events - x.events || x.asn - y.asn);
  return aq.table({
    asn: rows.map((r) => r.asn),
    org: rows.map((r) => r.org),
    ips: rows.map((r) => r.ips),
    events: rows.map((r) => r.events),
  });
}

const cityKey = (country: unknown, subdivision: unknown, city: unknown) => `${country ?? ''}\u0000${subdivision ?? ''}\u0000${city ?? ''}`;

/** Places from the cities table; with /64 counting, each place counts its distinct attackers. */
function placesOf(ips: ColumnTable, cities: ColumnTable, radiusKm: number, ipv6Prefix64: boolean): PlaceCluster[] {
  const places = clusterPlaces(cities.objects() as ClusterInput[], radiusKm);
  if (!ipv6Prefix64) return places;
  // A /64 whose addresses sit in two cities of one place is one attacker there.
  const placeOfCity = new Map<string, number>();
  places.forEach((p, i) => p.cities.forEach((c) => placeOfCity.set(cityKey(c.country, c.subdivision, c.city), i)));
  const attackers = places.map(() => new Set<string>());
  const precision = ips.array('precision') as string[];
  const country = ips.array('country') as (string | null)[];
  const subdivision = ips.array('subdivision') as (string | null)[];
  const city = ips.array('city') as (string | null)[];
  const attacker = ips.array('attacker') as string[];
  for (let i = 0; i < precision.length; i++) {
    if (precision[i] !== 'city') continue;
    const p = placeOfCity.get(cityKey(country[i], subdivision[i], city[i]));
    if (p !== undefined) attackers[p].add(attacker[i]);
  }
  places.forEach((p, i) => (p.ips = attackers[i].size));
  return places.sort(comparePlaces);
}

/** Attack events, records and first/last time per address index, in one pass over the event columns. */
function perAddressTotals(columns: ReturnType<EventStore['columns']>, addresses: number) {
  const isAttack = Uint8Array.from(EVENT_KINDS, (kind) => (ATTACK_KINDS.has(kind) ? 1 : 0));
  const events = new Float64Array(addresses);
  const records = new Float64Array(addresses);
  const first = new Float64Array(addresses).fill(Infinity);
  const last = new Float64Array(addresses).fill(-Infinity);
  const { ip, kind, time } = columns;
  for (let i = 0; i < ip.length; i++) {
    const a = ip[i];
    records[a]++;
    events[a] += isAttack[kind[i]];
    const t = time[i];
    // NaN (no time) fails both comparisons.
    if (t < first[a]) first[a] = t;
    if (t > last[a]) last[a] = t;
  }
  const orNull = (values: Float64Array) => Array.from(values, (v) => (Number.isFinite(v) ? v : null));
  return aq.table({ events, records, first_seen: orNull(first), last_seen: orNull(last) });
}
