import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { ATTACK_KINDS } from './types';
import { EVENT_KINDS, type EventStore } from './events';
import type { Location, PlaceCluster } from './types';
import type { NormalisedAddress } from './address';
import { ipv6Network64, ipv6ToWords, type Network } from './networks';
import { clusterPlaces, comparePlaces, type ClusterInput } from './places';

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
 *
 * Every table is computed by loops over typed arrays, sized by distinct addresses or groups,
 * and handed to Arquero as finished columns. The filter → groupby → rollup → orderby chain that
 * says the same costs several times more even over one row per address, and most on a process's
 * first call, when Arquero generates and compiles its expression code. The tables are exactly
 * what that chain gives, tie order and nulls included: test/aggregate-equivalence.test.ts keeps
 * the chain as a reference and compares the two on random inputs.
 */
export function aggregate(store: EventStore, locations: readonly Location[], options: AggregateOptions = {}): Aggregates {
  const ipv6Prefix64 = options.ipv6Prefix64 ?? false;
  const clusterRadiusKm = options.clusterRadiusKm ?? 100;
  const addresses = store.addresses;
  const totals = perAddressTotals(store.columns(), addresses.length);
  const ipText = addresses.map((a) => a.ip);
  const attackers = attackersOf(addresses, ipText, ipv6Prefix64);
  const ranked = rankAddresses(ipText, totals.events);
  const groups = locationGroups(locations);
  const ips = addressTable(ranked, addresses, locations, options.networks, totals, attackers);
  const cities = cityTable(ranked, groups, locations, totals.events, attackers);
  const countries = countryTable(groups, locations, totals.events, attackers);
  const asns = networkTable(options.networks, totals.events, attackers);
  const places = placesOf(cities.rows as ClusterInput[], groups, locations, clusterRadiusKm, ipv6Prefix64 ? attackers : null);
  return {
    ips,
    cities: cities.table,
    countries,
    asns,
    places,
    counting: { ipv6Prefix64, clusterRadiusKm, attackers: attackers.count, ipv6Networks64: attackers.networks64 },
    window: eventWindow(totals),
  };
}

/** Attack events, records and first/last time (±Infinity when none) per address index, in one pass over the event columns. */
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
  return { events, records, first, last };
}

type Totals = ReturnType<typeof perAddressTotals>;

/** The first and last event time: the extremes of the per-address extremes. */
function eventWindow({ first, last }: Totals): Aggregates['window'] {
  let earliest = Infinity;
  let latest = -Infinity;
  for (let a = 0; a < first.length; a++) {
    if (first[a] < earliest) earliest = first[a];
    if (last[a] > latest) latest = last[a];
  }
  return { first: Number.isFinite(earliest) ? earliest : null, last: Number.isFinite(latest) ? latest : null };
}

/** What the rankings count for each address: its attacker's text and a dense code for counting distinct ones. */
interface Attackers {
  text: string[];
  code: Int32Array;
  /** Distinct attackers (codes run from 0 to count - 1). */
  count: number;
  /** Distinct IPv6 /64 networks among the addresses. */
  networks64: number;
}

function attackersOf(addresses: readonly NormalisedAddress[], ipText: string[], ipv6Prefix64: boolean): Attackers {
  const text = ipv6Prefix64 ? ipText.slice() : ipText;
  const code = new Int32Array(addresses.length);
  // A /64 is identified by the leading two 32-bit words of its addresses: its text (which
  // ipv6Network64 builds from those words alone) is only needed when /64s are counted as one.
  const words = new Uint32Array(4);
  const networkOfWords = new Map<number, Map<number, number>>();
  const attackerOfNetwork: number[] = [];
  const textOfNetwork: string[] = [];
  let networks64 = 0;
  let count = 0;
  for (let i = 0; i < addresses.length; i++) {
    const address = addresses[i];
    // The store holds each address once, so an address counted alone is an attacker of its own.
    if (address.version !== 6) {
      code[i] = count++;
      continue;
    }
    if (!ipv6ToWords(address.ip, words)) {
      // ipv6Network64 gives such an address back as it is: a network of its own.
      networks64++;
      code[i] = count++;
      continue;
    }
    let byLowWord = networkOfWords.get(words[0]);
    if (byLowWord === undefined) networkOfWords.set(words[0], (byLowWord = new Map()));
    let network = byLowWord.get(words[1]);
    if (network === undefined) {
      byLowWord.set(words[1], (network = networks64++));
      if (ipv6Prefix64) {
        attackerOfNetwork[network] = count++;
        textOfNetwork[network] = ipv6Network64(address.ip);
      }
    }
    if (ipv6Prefix64) {
      code[i] = attackerOfNetwork[network];
      text[i] = textOfNetwork[network];
    } else {
      code[i] = count++;
    }
  }
  return { text, code, count, networks64 };
}

/** Address indices in the `ips` table's order: most attack events first, then by address text. */
function rankAddresses(ipText: readonly string[], events: Float64Array): Uint32Array {
  // Attack counts are small integers: a counting sort orders by them, and only addresses with
  // equal counts are compared by text, which is most of a comparison sort's cost.
  let most = 0;
  for (let a = 0; a < events.length; a++) if (events[a] > most) most = events[a];
  const start = new Int32Array(most + 2);
  for (let a = 0; a < events.length; a++) start[most - events[a] + 1]++;
  for (let k = 0; k <= most; k++) start[k + 1] += start[k];
  const next = start.slice(0, most + 1);
  const order = new Uint32Array(events.length);
  for (let a = 0; a < events.length; a++) order[next[most - events[a]]++] = a;
  const byText = (a: number, b: number) => compareText(ipText[a], ipText[b]) || a - b;
  for (let k = 0; k <= most; k++) if (start[k + 1] - start[k] > 1) order.subarray(start[k], start[k + 1]).sort(byText);
  return order;
}

/**
 * Arquero's ascending order of text values: null (or undefined) before any text, text by code
 * units. The rankings break ties with it, as the Arquero tables they replace did.
 */
function compareText(a: string | null | undefined, b: string | null | undefined): number {
  if (a == null) return b == null ? 0 : -1;
  if (b == null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Group numbers 0 … size - 1 ordered by `compare`, ties in group number order (groups are numbered by first appearance). */
function sortGroups(size: number, compare: (x: number, y: number) => number): Uint32Array {
  const order = new Uint32Array(size);
  for (let g = 0; g < size; g++) order[g] = g;
  return order.sort((x, y) => compare(x, y) || x - y);
}

function addressTable(ranked: Uint32Array, addresses: readonly NormalisedAddress[], locations: readonly Location[], networks: AggregateOptions['networks'], totals: Totals, attackers: Attackers): ColumnTable {
  const n = ranked.length;
  const ip = new Array<string>(n);
  const version = new Array<4 | 6>(n);
  const events = new Float64Array(n);
  const records = new Float64Array(n);
  const firstSeen = new Array<number | null>(n);
  const lastSeen = new Array<number | null>(n);
  const country = new Array<string | null>(n);
  const countryName = new Array<string | null>(n);
  const city = new Array<string | null>(n);
  const subdivision = new Array<string | null>(n);
  const latitude = new Array<number | null>(n);
  const longitude = new Array<number | null>(n);
  const accuracyRadius = new Array<number | null>(n);
  const precision = new Array<Location['precision']>(n);
  const asn = new Array<number | null>(n);
  const org = new Array<string | null>(n);
  const attacker = new Array<string>(n);
  for (let row = 0; row < n; row++) {
    const a = ranked[row];
    const address = addresses[a];
    const location = locations[a];
    const network = networks?.[a];
    ip[row] = address.ip;
    version[row] = address.version;
    events[row] = totals.events[a];
    records[row] = totals.records[a];
    firstSeen[row] = Number.isFinite(totals.first[a]) ? totals.first[a] : null;
    lastSeen[row] = Number.isFinite(totals.last[a]) ? totals.last[a] : null;
    country[row] = location.country;
    countryName[row] = location.countryName;
    city[row] = location.city;
    subdivision[row] = location.subdivision;
    latitude[row] = location.latitude;
    longitude[row] = location.longitude;
    accuracyRadius[row] = location.accuracyRadius;
    precision[row] = location.precision;
    asn[row] = network?.asn ?? null;
    org[row] = network?.org ?? null;
    attacker[row] = attackers.text[a];
  }
  return aq.table({
    ip,
    version,
    events,
    records,
    first_seen: firstSeen,
    last_seen: lastSeen,
    country,
    country_name: countryName,
    city,
    subdivision,
    latitude,
    longitude,
    accuracy_radius: accuracyRadius,
    precision,
    asn,
    org,
    attacker,
  });
}

/**
 * The city and country group of each address, -1 for none, groups numbered in order of first
 * appearance: cities group the city-located addresses by country, country name, subdivision and
 * city; countries group the addresses with a country by country and country name.
 */
interface LocationGroups {
  city: Int32Array;
  /** The first address of each city group (its values are the group's). */
  cityFirst: number[];
  country: Int32Array;
  countryFirst: number[];
}

function locationGroups(locations: readonly Location[]): LocationGroups {
  const city = new Int32Array(locations.length);
  const country = new Int32Array(locations.length);
  const cityCodes = new TupleCodes();
  const countryCodes = new TupleCodes();
  const cityFirst: number[] = [];
  const countryFirst: number[] = [];
  // The geolocation lookup shares one Location object among all the addresses of a database
  // record: keying each object once spares most of the four-level key lookups.
  const firstWith = new Map<Location, number>();
  for (let i = 0; i < locations.length; i++) {
    const location = locations[i];
    const first = firstWith.get(location);
    if (first !== undefined) {
      city[i] = city[first];
      country[i] = country[first];
      continue;
    }
    firstWith.set(location, i);
    city[i] = location.precision === 'city' ? cityCodes.code(location.country, location.countryName, location.subdivision, location.city) : -1;
    if (city[i] === cityFirst.length) cityFirst.push(i);
    country[i] = location.country != null ? countryCodes.code(location.country, location.countryName) : -1;
    if (country[i] === countryFirst.length) countryFirst.push(i);
  }
  return { city, cityFirst, country, countryFirst };
}

/** Numbers distinct tuples of values 0, 1, 2 … in order of first appearance; values are equal as Map keys are. */
class TupleCodes {
  private readonly root = new Map<unknown, unknown>();
  private size = 0;

  code(...values: unknown[]): number {
    let level = this.root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = level.get(values[i]) as Map<unknown, unknown> | undefined;
      if (next === undefined) level.set(values[i], (next = new Map()));
      level = next;
    }
    const last = values[values.length - 1];
    let code = level.get(last) as number | undefined;
    if (code === undefined) level.set(last, (code = this.size++));
    return code;
  }
}

/** Row indices ordered by group: group g's rows are `rows[start[g]]` to `rows[start[g + 1] - 1]`. Rows in group -1 are left out. */
interface GroupedRows {
  start: Int32Array;
  rows: Int32Array;
}

function rowsByGroup(groupOf: Int32Array, groups: number): GroupedRows {
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < groupOf.length; i++) if (groupOf[i] >= 0) start[groupOf[i] + 1]++;
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  const next = start.slice(0, groups);
  const rows = new Int32Array(start[groups]);
  for (let i = 0; i < groupOf.length; i++) if (groupOf[i] >= 0) rows[next[groupOf[i]]++] = i;
  return { start, rows };
}

/** Distinct attackers among each group's rows (those `include` accepts). */
function distinctAttackers(grouped: GroupedRows, attackers: Attackers, include: (row: number) => boolean = () => true): Float64Array {
  const groups = grouped.start.length - 1;
  const distinct = new Float64Array(groups);
  const lastCountedIn = new Int32Array(attackers.count).fill(-1);
  for (let g = 0; g < groups; g++) {
    for (let k = grouped.start[g]; k < grouped.start[g + 1]; k++) {
      const row = grouped.rows[k];
      const attacker = attackers.code[row];
      if (lastCountedIn[attacker] !== g && include(row)) {
        lastCountedIn[attacker] = g;
        distinct[g]++;
      }
    }
  }
  return distinct;
}

/** Arquero's `op.mean` per group: a running mean of the valid (non-null, non-NaN) values, undefined when there are none. */
class RunningMeans {
  private readonly mean: Float64Array;
  private readonly valid: Float64Array;

  constructor(groups: number) {
    this.mean = new Float64Array(groups);
    this.valid = new Float64Array(groups);
  }

  add(group: number, value: number | null): void {
    if (value == null || value !== value) return;
    this.mean[group] += (value - this.mean[group]) / ++this.valid[group];
  }

  value(group: number): number | undefined {
    return this.valid[group] ? this.mean[group] : undefined;
  }
}

/** The cities table, and its rows as objects for clustering into places. */
function cityTable(ranked: Uint32Array, groups: LocationGroups, locations: readonly Location[], events: Float64Array, attackers: Attackers) {
  const size = groups.cityFirst.length;
  const cityOf = groups.city;
  const eventSum = new Float64Array(size);
  const latitude = new RunningMeans(size);
  const longitude = new RunningMeans(size);
  // Means accumulate in the ips table's order, as Arquero's did, so that they agree to the last bit.
  for (let row = 0; row < ranked.length; row++) {
    const a = ranked[row];
    const g = cityOf[a];
    if (g < 0) continue;
    eventSum[g] += events[a];
    latitude.add(g, locations[a].latitude);
    longitude.add(g, locations[a].longitude);
  }
  const ips = distinctAttackers(rowsByGroup(cityOf, size), attackers);
  const where = groups.cityFirst.map((a) => locations[a]);
  const order = sortGroups(size, (x, y) => ips[y] - ips[x] || eventSum[y] - eventSum[x] || compareText(where[x].city, where[y].city) || compareText(where[x].country, where[y].country));
  const table = aq.table({
    city: Array.from(order, (g) => where[g].city),
    subdivision: Array.from(order, (g) => where[g].subdivision),
    country: Array.from(order, (g) => where[g].country),
    country_name: Array.from(order, (g) => where[g].countryName),
    // undefined (Arquero's missing value) for a city none of whose addresses has coordinates.
    latitude: Array.from(order, (g) => latitude.value(g)),
    longitude: Array.from(order, (g) => longitude.value(g)),
    ips: Array.from(order, (g) => ips[g]),
    events: Array.from(order, (g) => eventSum[g]),
  });
  // The rows as objects, as `table.objects()` would give them, without a second pass through Arquero.
  const rows = Array.from(order, (g) => ({
    city: where[g].city,
    subdivision: where[g].subdivision,
    country: where[g].country,
    country_name: where[g].countryName,
    latitude: latitude.value(g),
    longitude: longitude.value(g),
    ips: ips[g],
    events: eventSum[g],
  }));
  return { table, rows };
}

function countryTable(groups: LocationGroups, locations: readonly Location[], events: Float64Array, attackers: Attackers): ColumnTable {
  const size = groups.countryFirst.length;
  const countryOf = groups.country;
  const eventSum = new Float64Array(size);
  for (let a = 0; a < countryOf.length; a++) if (countryOf[a] >= 0) eventSum[countryOf[a]] += events[a];
  const grouped = rowsByGroup(countryOf, size);
  const ips = distinctAttackers(grouped, attackers);
  const ipsCity = distinctAttackers(grouped, attackers, (a) => locations[a].precision === 'city');
  const ipsCountryOnly = distinctAttackers(grouped, attackers, (a) => locations[a].precision === 'country_only');
  const where = groups.countryFirst.map((a) => locations[a]);
  const order = sortGroups(size, (x, y) => ips[y] - ips[x] || eventSum[y] - eventSum[x] || compareText(where[x].country, where[y].country));
  return aq.table({
    country: Array.from(order, (g) => where[g].country),
    name: Array.from(order, (g) => where[g].countryName),
    ips: Array.from(order, (g) => ips[g]),
    events: Array.from(order, (g) => eventSum[g]),
    ips_city: Array.from(order, (g) => ipsCity[g]),
    ips_country_only: Array.from(order, (g) => ipsCountryOnly[g]),
  });
}

/**
 * Addresses grouped by ASN. An ASN whose ranges carry different organisation names is named
 * after the one most of its addresses carry (ties: the alphabetically first).
 */
function networkTable(networks: AggregateOptions['networks'], events: Float64Array, attackers: Attackers): ColumnTable {
  const n = events.length;
  const groupOf = new Int32Array(n).fill(-1);
  const groupOfAsn = new Map<number, number>();
  const asns: number[] = [];
  const orgCode = new Int32Array(n);
  const codeOfOrg = new Map<string, number>();
  const orgs: string[] = [];
  for (let a = 0; a < n; a++) {
    const network = networks?.[a];
    if (network?.asn == null) continue;
    let g = groupOfAsn.get(network.asn);
    if (g === undefined) groupOfAsn.set(network.asn, (g = asns.push(network.asn) - 1));
    groupOf[a] = g;
    const org = network.org ?? '';
    let code = codeOfOrg.get(org);
    if (code === undefined) codeOfOrg.set(org, (code = orgs.push(org) - 1));
    orgCode[a] = code;
  }
  const size = asns.length;
  const grouped = rowsByGroup(groupOf, size);
  const eventSum = new Float64Array(size);
  const org = new Array<string | null>(size);
  const orgCount = new Float64Array(orgs.length);
  const orgCountedIn = new Int32Array(orgs.length).fill(-1);
  for (let g = 0; g < size; g++) {
    const from = grouped.start[g];
    const to = grouped.start[g + 1];
    for (let k = from; k < to; k++) {
      const a = grouped.rows[k];
      eventSum[g] += events[a];
      const o = orgCode[a];
      if (orgCountedIn[o] !== g) {
        orgCountedIn[o] = g;
        orgCount[o] = 0;
      }
      orgCount[o]++;
    }
    let best = orgCode[grouped.rows[from]];
    for (let k = from + 1; k < to; k++) {
      const o = orgCode[grouped.rows[k]];
      if (orgCount[o] > orgCount[best] || (orgCount[o] === orgCount[best] && orgs[o] < orgs[best])) best = o;
    }
    org[g] = orgs[best] || null;
  }
  const ips = distinctAttackers(grouped, attackers);
  const order = sortGroups(size, (x, y) => ips[y] - ips[x] || eventSum[y] - eventSum[x] || asns[x] - asns[y]);
  return aq.table({
    asn: Array.from(order, (g) => asns[g]),
    org: Array.from(order, (g) => org[g]),
    ips: Array.from(order, (g) => ips[g]),
    events: Array.from(order, (g) => eventSum[g]),
  });
}

const cityKey = (country: unknown, subdivision: unknown, city: unknown) => `${country ?? ''}\u0000${subdivision ?? ''}\u0000${city ?? ''}`;

/** Places from the cities; with /64 counting (`attackers` given), each place counts its distinct attackers. */
function placesOf(cities: ClusterInput[], groups: LocationGroups, locations: readonly Location[], radiusKm: number, attackers: Attackers | null): PlaceCluster[] {
  const places = clusterPlaces(cities, radiusKm);
  if (!attackers) return places;
  // A /64 whose addresses sit in two cities of one place is one attacker there.
  const placeOfCity = new Map<string, number>();
  places.forEach((p, i) => p.cities.forEach((c) => placeOfCity.set(cityKey(c.country, c.subdivision, c.city), i)));
  const placeOfGroup = groups.cityFirst.map((a) => placeOfCity.get(cityKey(locations[a].country, locations[a].subdivision, locations[a].city)) ?? -1);
  const placeOf = groups.city.map((g) => (g < 0 ? -1 : placeOfGroup[g]));
  const ips = distinctAttackers(rowsByGroup(placeOf, places.length), attackers);
  places.forEach((p, i) => (p.ips = ips[i]));
  return places.sort(comparePlaces);
}
