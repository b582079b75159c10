import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { ATTACK_KINDS } from '../types';
import { EVENT_KINDS, type EventStore } from '../load/events';
import type { Location, PlaceCluster } from '../types';
import type { NormalisedAddress } from '../locate/address';
import { ipv6Network64, type Network } from '../locate/networks';
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
 *
 * On a process's first call most of these loops run before the engine has optimised them (it
 * compiles a long function late), so there are few passes over the addresses, each short and
 * without calls, objects or sorting callbacks per row where a native sort of numbers will do.
 */
export function aggregate(store: EventStore, locations: readonly Location[], options: AggregateOptions = {}): Aggregates {
  const ipv6Prefix64 = options.ipv6Prefix64 ?? false;
  const clusterRadiusKm = options.clusterRadiusKm ?? 100;
  const networks = options.networks;
  const addresses = store.addresses;
  const totals = perAddressTotals(store.columns(), addresses.length);
  const ipText = addresses.map((a) => a.ip);
  const attackers = attackersOf(addresses, ipText, ipv6Prefix64);
  const ranked = rankAddresses(ipText, totals.events);
  const groups = addressGroups(locations, networks);
  const ipColumns = addressColumns(ranked, addresses, ipText, locations, networks, totals, attackers);
  const sums = groupSums(ranked, groups, ipColumns);
  // Counted alone, each address is an attacker of its own: a group's attackers are its addresses.
  const distinct = ipv6Prefix64 ? distinctAttackerCounts(groups, locations, attackers) : sums.addresses;
  const ips = aq.table(ipColumns);
  const cities = cityTable(groups.city, sums, distinct.city, locations);
  const countries = countryTable(groups.country, sums, distinct, locations);
  const asns = networkTable(groups.network, sums, distinct.network, networks ?? []);
  const places = placesOf(cities.rows as ClusterInput[], groups.city, locations, clusterRadiusKm, ipv6Prefix64 ? attackers : null);
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
    const words = address.words;
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
  const n = events.length;
  // Attack counts are small integers: a counting sort orders by them, into one run of positions
  // per count.
  let most = 0;
  for (let a = 0; a < n; a++) if (events[a] > most) most = events[a];
  const start = new Int32Array(most + 2);
  for (let a = 0; a < n; a++) start[most - events[a] + 1]++;
  for (let k = 0; k <= most; k++) start[k + 1] += start[k];
  // Within a run, by text. Comparing texts through a function costs most of a sort: instead the
  // first characters of each text, as a number packed with the address index, are sorted
  // natively, and only texts that share those characters are compared in full. As many
  // characters as fit, with the index, in the 53 bits of a double's integers.
  let keyLength = TEXT_KEY_LENGTH;
  while (keyLength > 0 && TEXT_KEY_BASE ** keyLength * n > Number.MAX_SAFE_INTEGER) keyLength--;
  const keys = new Float64Array(n);
  const next = start.slice(0, most + 1);
  for (let a = 0; a < n; a++) {
    const key = textKey(ipText[a], keyLength);
    if (key < 0 && keyLength > 0) {
      // A text outside the alphabet of addresses: every text is compared in full.
      keyLength = 0;
      next.set(start.subarray(0, most + 1));
      a = -1;
      continue;
    }
    keys[next[most - events[a]]++] = key * n + a;
  }
  const order = new Uint32Array(n);
  for (let k = 0; k <= most; k++) if (start[k + 1] - start[k] > 1) keys.subarray(start[k], start[k + 1]).sort();
  for (let i = 0; i < n; i++) order[i] = keys[i] % n;
  const byText = (a: number, b: number) => compareText(ipText[a], ipText[b]) || a - b;
  for (let k = 0; k <= most; k++) {
    for (let from = start[k], to = from + 1; to <= start[k + 1]; to++) {
      if (to < start[k + 1] && keys[to] - order[to] === keys[from] - order[from]) continue;
      if (to - from > 1) order.subarray(from, to).sort(byText);
      from = to;
    }
  }
  return order;
}

/** The characters a text key holds, at most, and how many digits a character has. */
const TEXT_KEY_LENGTH = 7;
const TEXT_KEY_BASE = 19;
/**
 * The digit of each code unit in text keys: the characters of addresses, in code unit order
 * ('.' < '0' … '9' < ':' < 'a' … 'f'), from 1 up; 0 is the end of a text (shorter first); -1 is
 * outside the alphabet.
 */
const TEXT_DIGIT = new Int8Array(65536).fill(-1);
TEXT_DIGIT[46] = 1;
for (let c = 48; c <= 58; c++) TEXT_DIGIT[c] = c - 46;
for (let c = 97; c <= 102; c++) TEXT_DIGIT[c] = c - 84;

/** A number that orders texts as their first `length` characters do; -1 for a text with other characters there than those of addresses. */
function textKey(text: string, length: number): number {
  let key = 0;
  for (let i = 0; i < length; i++) {
    // Past the end, charCodeAt gives NaN and the table undefined: the end digit, 0.
    const digit = TEXT_DIGIT[text.charCodeAt(i)] | 0;
    if (digit < 0) return -1;
    key = key * TEXT_KEY_BASE + digit;
  }
  return key;
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

/**
 * Group numbers in ranking order: most addresses (`ips`) first, then most attack events, then
 * by `compareTies`, then in group number order (groups are numbered by first appearance).
 */
function rankGroups(ips: ArrayLike<number>, events: ArrayLike<number>, compareTies: (x: number, y: number) => number): number[] {
  const size = ips.length;
  let mostIps = 0;
  let mostEvents = 0;
  for (let g = 0; g < size; g++) {
    if (ips[g] > mostIps) mostIps = ips[g];
    if (events[g] > mostEvents) mostEvents = events[g];
  }
  const byTies = (x: number, y: number) => compareTies(x, y) || x - y;
  // The two counts (integers) and the group number make one number, sorted natively: only
  // groups equal in both counts, a few at a time, are left to the comparison function.
  const keys = new Float64Array(size);
  const scale = (mostEvents + 1) * size;
  if ((mostIps + 1) * scale > Number.MAX_SAFE_INTEGER) {
    const order: number[] = [];
    for (let g = 0; g < size; g++) order.push(g);
    return order.sort((x, y) => ips[y] - ips[x] || events[y] - events[x] || byTies(x, y));
  }
  for (let g = 0; g < size; g++) keys[g] = (mostIps - ips[g]) * scale + (mostEvents - events[g]) * size + g;
  keys.sort();
  const order = new Array<number>(size);
  for (let k = 0; k < size; k++) order[k] = keys[k] % size;
  for (let from = 0, to = 1; to <= size; to++) {
    if (to < size && keys[to] - order[to] === keys[from] - order[from]) continue;
    if (to - from > 1) {
      const tied = order.slice(from, to).sort(byTies);
      for (let k = from; k < to; k++) order[k] = tied[k - from];
    }
    from = to;
  }
  return order;
}

/** The columns of the ips table: one row per address, in ranking order. */
function addressColumns(ranked: Uint32Array, addresses: readonly NormalisedAddress[], ipText: readonly string[], locations: readonly Location[], networks: AggregateOptions['networks'], totals: Totals, attackers: Attackers) {
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
  // Counted alone, each address is its own attacker: the attacker column is the ip column.
  const attacker = attackers.text === ipText ? ip : new Array<string>(n);
  for (let row = 0; row < n; row++) {
    const a = ranked[row];
    const address = addresses[a];
    const location = locations[a];
    const network = networks?.[a];
    ip[row] = address.ip;
    version[row] = address.version;
    events[row] = totals.events[a];
    records[row] = totals.records[a];
    const first = totals.first[a];
    const last = totals.last[a];
    firstSeen[row] = Number.isFinite(first) ? first : null;
    lastSeen[row] = Number.isFinite(last) ? last : null;
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
    if (attacker !== ip) attacker[row] = attackers.text[a];
  }
  return {
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
  };
}

/** Addresses grouped one way: each address's group (-1 for none), and each group's first address, whose values are the group's. Groups are numbered in order of first appearance. */
interface Grouping {
  of: Int32Array;
  first: number[];
}

/**
 * The groupings of the rankings: cities (city-located addresses by country, country name,
 * subdivision and city), countries (addresses with a country, by country and country name) and
 * networks (addresses with a known ASN, by ASN, with the organisation each network is named after).
 */
interface AddressGroups {
  city: Grouping;
  country: Grouping;
  network: Grouping & { org: (string | null)[] };
}

function addressGroups(locations: readonly Location[], networks: AggregateOptions['networks']): AddressGroups {
  const n = locations.length;
  const city: Grouping = { of: new Int32Array(n), first: [] };
  const country: Grouping = { of: new Int32Array(n), first: [] };
  const network: Grouping = { of: new Int32Array(n).fill(-1), first: [] };
  const cityCodes = new TupleCodes(city);
  const countryCodes = new TupleCodes(country);
  const networkOfAsn = new Map<number, number>();
  const firstOrg: string[] = [];
  let severalOrgs = false;
  // The geolocation lookup shares one Location object among all the addresses of a database
  // record: keying each object once spares most of the lookups by value.
  const firstWithLocation = new Map<Location, number>();
  for (let a = 0; a < n; a++) {
    const location = locations[a];
    const seen = firstWithLocation.get(location);
    if (seen !== undefined) {
      city.of[a] = city.of[seen];
      country.of[a] = country.of[seen];
    } else {
      firstWithLocation.set(location, a);
      city.of[a] = location.precision === 'city' ? cityCodes.code(a, location.city, location.country, location.countryName, location.subdivision) : -1;
      country.of[a] = location.country != null ? countryCodes.code(a, location.country, location.countryName) : -1;
    }
    const net = networks?.[a];
    if (net?.asn == null) continue;
    const org = net.org ?? '';
    let g = networkOfAsn.get(net.asn);
    if (g === undefined) {
      networkOfAsn.set(net.asn, (g = network.first.push(a) - 1));
      firstOrg.push(org);
    } else if (org !== firstOrg[g]) {
      severalOrgs = true;
    }
    network.of[a] = g;
  }
  // Each network's name is the one most of its addresses carry; with one name per network (the usual case), that is its first.
  const org = severalOrgs && networks ? mostCommonOrgs(network, networks) : firstOrg.map((name) => name || null);
  return { city, country, network: { ...network, org } };
}

/** Each network's organisation: the one most of its addresses carry (ties: the alphabetically first), null for none. */
function mostCommonOrgs(network: Grouping, networks: readonly (Network | null)[]): (string | null)[] {
  const grouped = rowsByGroup(network.of, network.first.length);
  return network.first.map((_, g) => {
    const count = new Map<string, number>();
    for (let k = grouped.start[g]; k < grouped.start[g + 1]; k++) {
      const org = networks[grouped.rows[k]]!.org ?? '';
      count.set(org, (count.get(org) ?? 0) + 1);
    }
    let best = '';
    let most = -1;
    for (const [org, n] of count) if (n > most || (n === most && org < best)) [best, most] = [org, n];
    return best || null;
  });
}

/**
 * Numbers distinct tuples of values 0, 1, 2 … in order of first appearance, noting each one's
 * first address in the grouping. Values are equal as Map keys are. A tuple is looked up by its
 * first value, the most telling, and told apart from the few sharing it by the others.
 */
class TupleCodes {
  private readonly byFirstValue = new Map<unknown, { b: unknown; c: unknown; d: unknown; code: number }[]>();

  constructor(private readonly grouping: Grouping) {}

  /** The code of the tuple (a, b, c, d), `address` being where it is seen. */
  code(address: number, a: unknown, b: unknown, c?: unknown, d?: unknown): number {
    let tuples = this.byFirstValue.get(a);
    if (tuples === undefined) this.byFirstValue.set(a, (tuples = []));
    for (let i = 0; i < tuples.length; i++) {
      const tuple = tuples[i];
      if (sameValueZero(tuple.b, b) && sameValueZero(tuple.c, c) && sameValueZero(tuple.d, d)) return tuple.code;
    }
    const code = this.grouping.first.push(address) - 1;
    tuples.push({ b, c, d, code });
    return code;
  }
}

/** The equality of Map keys. */
const sameValueZero = (a: unknown, b: unknown) => a === b || (a !== a && b !== b);

/** Addresses and attack events per group of each grouping, city coordinates, and each country's city-located and country-only addresses. */
interface GroupSums {
  addresses: { city: Float64Array; country: Float64Array; network: Float64Array; countryCity: Float64Array; countryOnly: Float64Array };
  events: { city: Float64Array; country: Float64Array; network: Float64Array };
  latitude: RunningMeans;
  longitude: RunningMeans;
}

function groupSums(ranked: Uint32Array, groups: AddressGroups, ips: ReturnType<typeof addressColumns>): GroupSums {
  const cities = groups.city.first.length;
  const countries = groups.country.first.length;
  const networks = groups.network.first.length;
  const sums: GroupSums = {
    addresses: { city: new Float64Array(cities), country: new Float64Array(countries), network: new Float64Array(networks), countryCity: new Float64Array(countries), countryOnly: new Float64Array(countries) },
    events: { city: new Float64Array(cities), country: new Float64Array(countries), network: new Float64Array(networks) },
    latitude: new RunningMeans(cities),
    longitude: new RunningMeans(cities),
  };
  const { addresses, events: eventSum, latitude, longitude } = sums;
  const cityOf = groups.city.of;
  const countryOf = groups.country.of;
  const networkOf = groups.network.of;
  // In the ips table's order, from its columns: the means accumulate as Arquero's did, so that
  // they agree to the last bit, and the rows are read in sequence.
  for (let row = 0; row < ranked.length; row++) {
    const a = ranked[row];
    const e = ips.events[row];
    const c = cityOf[a];
    if (c >= 0) {
      addresses.city[c]++;
      eventSum.city[c] += e;
      latitude.add(c, ips.latitude[row]);
      longitude.add(c, ips.longitude[row]);
    }
    const k = countryOf[a];
    if (k >= 0) {
      addresses.country[k]++;
      eventSum.country[k] += e;
      if (c >= 0) addresses.countryCity[k]++;
      else if (ips.precision[row] === 'country_only') addresses.countryOnly[k]++;
    }
    const w = networkOf[a];
    if (w >= 0) {
      addresses.network[w]++;
      eventSum.network[w] += e;
    }
  }
  return sums;
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

/** The distinct attackers of each group, in the shape of `GroupSums['addresses']`, for when /64s are counted as one. */
function distinctAttackerCounts(groups: AddressGroups, locations: readonly Location[], attackers: Attackers): GroupSums['addresses'] {
  const countries = rowsByGroup(groups.country.of, groups.country.first.length);
  return {
    city: distinctAttackers(rowsByGroup(groups.city.of, groups.city.first.length), attackers),
    country: distinctAttackers(countries, attackers),
    countryCity: distinctAttackers(countries, attackers, (a) => groups.city.of[a] >= 0),
    countryOnly: distinctAttackers(countries, attackers, (a) => locations[a].precision === 'country_only'),
    network: distinctAttackers(rowsByGroup(groups.network.of, groups.network.first.length), attackers),
  };
}

/** The cities table, and its rows as objects (as `table.objects()` gives them) for clustering into places. */
function cityTable(cities: Grouping, sums: GroupSums, ips: Float64Array, locations: readonly Location[]) {
  const events = sums.events.city;
  const where = cities.first.map((a) => locations[a]);
  const order = rankGroups(ips, events, (x, y) => compareText(where[x].city, where[y].city) || compareText(where[x].country, where[y].country));
  const n = order.length;
  const columns = {
    city: new Array<string | null>(n),
    subdivision: new Array<string | null>(n),
    country: new Array<string | null>(n),
    country_name: new Array<string | null>(n),
    // undefined (Arquero's missing value) for a city none of whose addresses has coordinates.
    latitude: new Array<number | undefined>(n),
    longitude: new Array<number | undefined>(n),
    ips: new Array<number>(n),
    events: new Array<number>(n),
  };
  const rows = new Array<{ [K in keyof typeof columns]: (typeof columns)[K][number] }>(n);
  for (let row = 0; row < n; row++) {
    const g = order[row];
    const location = where[g];
    const values = {
      city: location.city,
      subdivision: location.subdivision,
      country: location.country,
      country_name: location.countryName,
      latitude: sums.latitude.value(g),
      longitude: sums.longitude.value(g),
      ips: ips[g],
      events: events[g],
    };
    rows[row] = values;
    columns.city[row] = values.city;
    columns.subdivision[row] = values.subdivision;
    columns.country[row] = values.country;
    columns.country_name[row] = values.country_name;
    columns.latitude[row] = values.latitude;
    columns.longitude[row] = values.longitude;
    columns.ips[row] = values.ips;
    columns.events[row] = values.events;
  }
  return { table: aq.table(columns), rows };
}

function countryTable(countries: Grouping, sums: GroupSums, distinct: GroupSums['addresses'], locations: readonly Location[]): ColumnTable {
  const ips = distinct.country;
  const events = sums.events.country;
  const where = countries.first.map((a) => locations[a]);
  const order = rankGroups(ips, events, (x, y) => compareText(where[x].country, where[y].country));
  return aq.table({
    country: order.map((g) => where[g].country),
    name: order.map((g) => where[g].countryName),
    ips: order.map((g) => ips[g]),
    events: order.map((g) => events[g]),
    ips_city: order.map((g) => distinct.countryCity[g]),
    ips_country_only: order.map((g) => distinct.countryOnly[g]),
  });
}

/**
 * Addresses grouped by ASN. An ASN whose ranges carry different organisation names is named
 * after the one most of its addresses carry (ties: the alphabetically first).
 */
function networkTable(network: AddressGroups['network'], sums: GroupSums, ips: Float64Array, networks: readonly (Network | null)[]): ColumnTable {
  const events = sums.events.network;
  const asns = network.first.map((a) => networks[a]!.asn);
  const order = rankGroups(ips, events, (x, y) => asns[x] - asns[y]);
  return aq.table({
    asn: order.map((g) => asns[g]),
    org: order.map((g) => network.org[g]),
    ips: order.map((g) => ips[g]),
    events: order.map((g) => events[g]),
  });
}

const cityKey = (country: unknown, subdivision: unknown, city: unknown) => `${country ?? ''}\u0000${subdivision ?? ''}\u0000${city ?? ''}`;

/** Places from the cities; with /64 counting (`attackers` given), each place counts its distinct attackers. */
function placesOf(cities: ClusterInput[], cityGroups: Grouping, locations: readonly Location[], radiusKm: number, attackers: Attackers | null): PlaceCluster[] {
  const places = clusterPlaces(cities, radiusKm);
  if (!attackers) return places;
  // A /64 whose addresses sit in two cities of one place is one attacker there.
  const placeOfCity = new Map<string, number>();
  places.forEach((p, i) => p.cities.forEach((c) => placeOfCity.set(cityKey(c.country, c.subdivision, c.city), i)));
  const placeOfGroup = cityGroups.first.map((a) => placeOfCity.get(cityKey(locations[a].country, locations[a].subdivision, locations[a].city)) ?? -1);
  const placeOf = cityGroups.of.map((g) => (g < 0 ? -1 : placeOfGroup[g]));
  const ips = distinctAttackers(rowsByGroup(placeOf, places.length), attackers);
  places.forEach((p, i) => (p.ips = ips[i]));
  return places.sort(comparePlaces);
}
