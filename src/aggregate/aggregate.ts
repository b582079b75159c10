import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { PlaceCluster } from '../types';
import { eventsByAddress } from './addresses';
import { cityKey, clusterPlaces, comparePlaces, type ClusterInput } from './places';
import { gazetteer } from './gazetteer';
import { rankOrder } from './ranking';

const op = aq.op;

/** How the rankings count attackers. */
export interface AggregateOptions {
  /** Count every IPv6 /64 as one attacker in the rankings (`ips` columns). Default false. */
  ipv6Prefix64?: boolean;
  /** Cities within this distance (km) of a place's largest city join that place. Default 100. */
  clusterRadiusKm?: number;
  /** A place is named after the most populous gazetteer city within this distance (km) of its largest city. Default 40; 0 keeps the database's names. */
  placeNamingKm?: number;
}

/** The default naming radius: a suburb lies within it of its metropolis, a town 60 km away does not. */
export const PLACE_NAMING_KM = 40;

/**
 * The tables every chart and export is drawn from. Every column's meaning, unit and type: the
 * README's "The tables you explore". Times here are epoch ms (as `ips.csv` writes them); the
 * events table they come from holds Dates.
 */
export interface Aggregates {
  /**
   * One row per distinct address: `ip, version, events, records, first_seen, last_seen, country, country_name, city, subdivision, latitude, longitude, accuracy_radius, precision, asn, org, trusted, attacker`
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
  /** Cities within `clusterRadiusKm` of each other as places, largest first: `name, country, country_name, latitude, longitude` (the address-weighted centre, degrees), `radius_km` (centre to farthest member), `ips, events, cities`. */
  places: PlaceCluster[];
  /** What the `ips` counts of the rankings count. */
  counting: {
    ipv6Prefix64: boolean;
    clusterRadiusKm: number;
    placeNamingKm: number;
    /** Distinct attackers: addresses, with each IPv6 /64 counted once when `ipv6Prefix64` is on. */
    attackers: number;
    /** Distinct IPv6 /64 networks among the addresses. */
    ipv6Networks64: number;
  };
  /** First and last event time (epoch ms), null when no event has a time. */
  window: { first: number | null; last: number | null };
}

/**
 * The per-address, per-city, per-country, per-network and per-place tables of an events table
 * (`eventsTable`, whole or filtered with Arquero verbs) and the located addresses
 * (`locatedAddresses`): the rankings of exactly the events given.
 */
export function aggregate(events: ColumnTable, addresses: ColumnTable, options: AggregateOptions = {}): Aggregates {
  const ipv6Prefix64 = options.ipv6Prefix64 ?? false;
  const clusterRadiusKm = options.clusterRadiusKm ?? 100;
  const placeNamingKm = options.placeNamingKm ?? PLACE_NAMING_KM;
  const count = attackerCount(ipv6Prefix64);
  const ips = perAddress(events, addresses, ipv6Prefix64);
  const cities = cityTable(ips, count);
  const { attackers, first, last } = ips.rollup({ attackers: count('attacker'), first: op.min('first_seen'), last: op.max('last_seen') }).object() as Record<string, number | undefined>;
  const ipv6Networks64 = ips.filter((d: any) => d.network64 != null).rollup({ n: op.distinct('network64') }).get('n') as number;
  return {
    ips: ips.select(IPS_COLUMNS),
    cities,
    countries: countryTable(ips, count),
    asns: networkTable(ips, count),
    places: placesOf(ips, cities, { clusterRadiusKm, placeNamingKm, ipv6Prefix64 }),
    counting: { ipv6Prefix64, clusterRadiusKm, placeNamingKm, attackers: attackers ?? 0, ipv6Networks64 },
    window: { first: first ?? null, last: last ?? null },
  };
}

const IPS_COLUMNS = ['ip', 'version', 'events', 'records', 'first_seen', 'last_seen', 'country', 'country_name', 'city', 'subdivision', 'latitude', 'longitude', 'accuracy_radius', 'precision', 'asn', 'org', 'trusted', 'attacker'];

/**
 * The rollup expression counting a group's attackers in a column of them (null where a row
 * counts none): its values, or with /64 counting its distinct values (a distinct count counts
 * null as a value: it is taken off where it occurs).
 */
function attackerCount(ipv6Prefix64: boolean) {
  return (column: string) => (ipv6Prefix64 ? `d => op.distinct(d.${column}) - (op.invalid(d.${column}) ? 1 : 0)` : `d => op.valid(d.${column})`);
}

type Count = ReturnType<typeof attackerCount>;

/**
 * The addresses of the events, located, with what rankings count (`attacker`), most attack
 * events first (then by address). Its rows are laid out in that order, so that the group tables
 * drawn from it (means included) read them in it without sorting each again.
 */
function perAddress(events: ColumnTable, addresses: ColumnTable, ipv6Prefix64: boolean): ColumnTable {
  return eventsByAddress(events, addresses).derive({ attacker: ipv6Prefix64 ? (d: any) => d.network64 ?? d.ip : (d: any) => d.ip });
}

/**
 * Per city. Points given without a city name (a CSV of points) are a city each, at their own
 * coordinates: averaged together, the nameless points of a country would be drawn as one dot
 * where none of them lies. `spot` holds those coordinates as text, which reads back exactly; it
 * is left out where every located address has a city name (a database's), as nearly always.
 */
function cityTable(ips: ColumnTable, count: Count): ColumnTable {
  const located = ips.filter((d: any) => d.precision === 'city');
  const nameless = (located.array('city') as (string | null)[]).includes(null);
  const cities = nameless
    ? located
        .derive({ spot: (d: any) => (d.city == null ? d.latitude + '|' + d.longitude : null) })
        .groupby('country', 'country_name', 'subdivision', 'city', 'spot')
        .rollup({ latitude: op.mean('latitude'), longitude: op.mean('longitude'), ips: count('attacker'), events: op.sum('events') })
        .derive({
          latitude: (d: any) => (d.spot == null ? d.latitude : op.parse_float(op.split(d.spot, '|')[0])),
          longitude: (d: any) => (d.spot == null ? d.longitude : op.parse_float(op.split(d.spot, '|')[1])),
        })
    : located
        .groupby('country', 'country_name', 'subdivision', 'city')
        .rollup({ latitude: op.mean('latitude'), longitude: op.mean('longitude'), ips: count('attacker'), events: op.sum('events') });
  return cities.select('city', 'subdivision', 'country', 'country_name', 'latitude', 'longitude', 'ips', 'events').orderby(...rankOrder('city', 'country', 'subdivision', 'latitude', 'longitude'));
}

/** Per country, with its city-located and country-only attackers apart. */
function countryTable(ips: ColumnTable, count: Count): ColumnTable {
  return ips
    .filter((d: any) => d.country != null)
    .derive({
      attacker_city: (d: any) => (d.precision === 'city' ? d.attacker : null),
      attacker_country_only: (d: any) => (d.precision === 'country_only' ? d.attacker : null),
    })
    .groupby('country', 'country_name')
    .rollup({ ips: count('attacker'), events: op.sum('events'), ips_city: count('attacker_city'), ips_country_only: count('attacker_country_only') })
    .rename({ country_name: 'name' })
    .select('country', 'name', 'ips', 'events', 'ips_city', 'ips_country_only')
    .orderby(...rankOrder('country', 'name'));
}

/**
 * Addresses grouped by ASN. An ASN whose ranges carry different organisation names is named
 * after the one most of its addresses carry (ties: the alphabetically first).
 */
function networkTable(ips: ColumnTable, count: Count): ColumnTable {
  const withAsn = ips.filter((d: any) => d.asn != null);
  const asns = withAsn
    .groupby('asn')
    .rollup({ ips: count('attacker'), events: op.sum('events'), names: op.distinct('org'), org: op.any('org') })
    .derive({ org: (d: any) => d.org || null });
  const names = asns.filter((d: any) => d.names > 1).numRows() === 0 ? asns : asns.select(aq.not('org')).join(mostCommonOrgs(withAsn), 'asn');
  return names.select('asn', 'org', 'ips', 'events').orderby(...rankOrder('asn'));
}

function mostCommonOrgs(withAsn: ColumnTable): ColumnTable {
  return withAsn
    .derive({ org: (d: any) => d.org || null })
    .groupby('asn', 'org').count({ as: 'addresses' }).orderby('asn', aq.desc('addresses'), 'org').dedupe('asn').select('asn', 'org');
}

/**
 * Places from the cities, named after the gazetteer (read only when there is a place to name);
 * with /64 counting, each place counts its distinct attackers (a /64 in two cities of one place
 * is one attacker there).
 */
function placesOf(ips: ColumnTable, cities: ColumnTable, options: { clusterRadiusKm: number; placeNamingKm: number; ipv6Prefix64: boolean }): PlaceCluster[] {
  const naming = cities.numRows() > 0 ? { gazetteer: gazetteer(), radiusKm: options.placeNamingKm } : undefined;
  const places = clusterPlaces(cities.objects() as ClusterInput[], options.clusterRadiusKm, naming);
  if (!options.ipv6Prefix64) return places;
  const placeOfCity = new Map<string, number>();
  places.forEach((p, i) => p.cities.forEach((c) => placeOfCity.set(cityKey(c), i)));
  const place = aq.escape((d: any) => placeOfCity.get(cityKey(d)) ?? -1);
  const attackers = ips
    .filter((d: any) => d.precision === 'city')
    .derive({ place })
    .filter((d: any) => d.place >= 0)
    .groupby('place')
    .rollup({ ips: op.distinct('attacker') });
  const count = attackers.array('ips') as number[];
  // A city that two places both claim (one name, subdivision and country under two country names) counts in the last.
  for (const p of places) p.ips = 0;
  (attackers.array('place') as number[]).forEach((p, i) => (places[p].ips = count[i]));
  return places.sort(comparePlaces);
}
