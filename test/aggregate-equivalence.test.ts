/**
 * aggregate() builds its tables with Arquero verbs from the events table, and sums the events
 * per address in one pass over the store's codes when it can. The reference below is the
 * formulation aggregate() had before the events table (per address from the store's columns,
 * without the duplicates the events table leaves out, then filter, groupby, rollup, orderby in
 * the one ranking order), so that every table, value, tie order and null can be compared on
 * random inputs full of ties: for the events table as loaded (the pass over codes) and as a
 * plain table (Arquero verbs only).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { describe, expect, it } from 'vitest';
import type { aggregate, AggregateOptions } from '../src/aggregate/aggregate';
import { EVENT_KINDS, EventStore } from '../src/load/events';
import { findDuplicates } from '../src/load/duplicates';
import { ipv6Network64, type Network } from '../src/locate/networks';
import { clusterPlaces, comparePlaces, type ClusterInput } from '../src/aggregate/places';
import { gazetteer } from '../src/aggregate/gazetteer';
import { ATTACK_KINDS, type Location, type PlaceCluster } from '../src/types';
import { seededRandom } from './support/random';
import { aggregateStore, eventsOf, plainTable } from './support/aggregate-store';
import { locatedAddresses } from '../src/aggregate/addresses';
import { aggregate as aggregateTable } from '../src/aggregate/aggregate';
import { largestFirst, rankOrder } from '../src/aggregate/ranking';

type Options = AggregateOptions & { networks?: readonly (Network | null)[] };

const op = aq.op;

function referenceAggregate(store: EventStore, locations: readonly Location[], options: Options = {}) {
  const ipv6Prefix64 = options.ipv6Prefix64 ?? false;
  const clusterRadiusKm = options.clusterRadiusKm ?? 100;
  const placeNamingKm = options.placeNamingKm ?? 40;
  const networks = options.networks;
  const columns = store.columns();
  const addresses = store.addresses;
  // The events table leaves out duplicates (the random events list some addresses without a time beside their timed bans).
  const perAddress = referencePerAddressTotals(columns, addresses.length, findDuplicates(store, 1).duplicate);
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
    trusted: addresses.map(() => false),
    attacker: attackerOf,
  });

  const ips = located
    .assign(perAddress)
    .select('ip', 'version', 'events', 'records', 'first_seen', 'last_seen', 'country', 'country_name', 'city', 'subdivision', 'latitude', 'longitude', 'accuracy_radius', 'precision', 'asn', 'org', 'trusted', 'attacker')
    .orderby(aq.desc('events'), 'ip');

  const cities = ips
    .filter((d: any) => d.precision === 'city')
    // A point without a city name is a city of its own, at its own coordinates.
    .derive({ own_latitude: (d: any) => (d.city == null ? d.latitude : null), own_longitude: (d: any) => (d.city == null ? d.longitude : null) })
    .groupby('country', 'country_name', 'subdivision', 'city', 'own_latitude', 'own_longitude')
    .rollup({ latitude: op.mean('latitude'), longitude: op.mean('longitude'), ips: ipv6Prefix64 ? op.distinct('attacker') : op.count(), events: op.sum('events') })
    .derive({ latitude: (d: any) => (d.city == null ? d.own_latitude : d.latitude), longitude: (d: any) => (d.city == null ? d.own_longitude : d.longitude) })
    .select('city', 'subdivision', 'country', 'country_name', 'latitude', 'longitude', 'ips', 'events')
    .orderby(...rankOrder('city', 'country', 'subdivision', 'latitude', 'longitude'));

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
      ipv6Prefix64
        ? {
            ips: op.distinct('attacker'),
            events: op.sum('events'),
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
    .orderby(...rankOrder('country', 'name'));

  const asns = referenceNetworkTable(ips);
  const places = referencePlacesOf(ips, cities, clusterRadiusKm, placeNamingKm, ipv6Prefix64);

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
      placeNamingKm,
      attackers: new Set(attackerOf).size,
      ipv6Networks64: new Set(network64.filter((n) => n !== null)).size,
    },
    window: { first: Number.isFinite(first) ? first : null, last: Number.isFinite(last) ? last : null },
  };
}

function referenceNetworkTable(ips: ColumnTable): ColumnTable {
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
  const largest = largestFirst<(typeof rows)[number]>((r) => r.ips, (r) => r.events);
  rows.sort((x, y) => largest(x, y) || x.asn - y.asn);
  return aq.table({
    asn: rows.map((r) => r.asn),
    org: rows.map((r) => r.org),
    ips: rows.map((r) => r.ips),
    events: rows.map((r) => r.events),
  });
}

const cityKey = (country: unknown, subdivision: unknown, city: unknown, latitude: unknown, longitude: unknown) => JSON.stringify([country, subdivision, city, city == null ? [latitude, longitude] : null]);

function referencePlacesOf(ips: ColumnTable, cities: ColumnTable, radiusKm: number, namingKm: number, ipv6Prefix64: boolean): PlaceCluster[] {
  const places = clusterPlaces(cities.objects() as ClusterInput[], radiusKm, { gazetteer: gazetteer(), radiusKm: namingKm });
  if (!ipv6Prefix64) return places;
  const placeOfCity = new Map<string, number>();
  places.forEach((p, i) => p.cities.forEach((c) => placeOfCity.set(cityKey(c.country, c.subdivision, c.city, c.latitude, c.longitude), i)));
  const attackers = places.map(() => new Set<string>());
  const precision = ips.array('precision') as string[];
  const country = ips.array('country') as (string | null)[];
  const subdivision = ips.array('subdivision') as (string | null)[];
  const city = ips.array('city') as (string | null)[];
  const attacker = ips.array('attacker') as string[];
  const latitude = ips.array('latitude') as (number | null)[];
  const longitude = ips.array('longitude') as (number | null)[];
  for (let i = 0; i < precision.length; i++) {
    if (precision[i] !== 'city') continue;
    const p = placeOfCity.get(cityKey(country[i], subdivision[i], city[i], latitude[i], longitude[i]));
    if (p !== undefined) attackers[p].add(attacker[i]);
  }
  places.forEach((p, i) => (p.ips = attackers[i].size));
  return places.sort(comparePlaces);
}

function referencePerAddressTotals(columns: ReturnType<EventStore['columns']>, addresses: number, duplicate: Uint8Array) {
  const isAttack = Uint8Array.from(EVENT_KINDS, (kind) => (ATTACK_KINDS.has(kind) ? 1 : 0));
  const events = new Float64Array(addresses);
  const records = new Float64Array(addresses);
  const first = new Float64Array(addresses).fill(Infinity);
  const last = new Float64Array(addresses).fill(-Infinity);
  const { ip, kind, time } = columns;
  for (let i = 0; i < ip.length; i++) {
    if (duplicate[i] === 1) continue;
    const a = ip[i];
    records[a]++;
    events[a] += isAttack[kind[i]];
    const t = time[i];
    if (t < first[a]) first[a] = t;
    if (t > last[a]) last[a] = t;
  }
  const orNull = (values: Float64Array) => Array.from(values, (v) => (Number.isFinite(v) ? v : null));
  return aq.table({ events, records, first_seen: orNull(first), last_seen: orNull(last) });
}

/**
 * Random events over a small world built for ties: one attack per address and then `extraEvents`
 * more, cities of one name in several countries and subdivisions, one country under two names,
 * equal coordinates, shared and equal-but-separate Location and Network objects, IPv6 addresses
 * sharing /64s, and a few locations no geolocation database gives (a city-precise location
 * without a city name or without a country).
 */
function randomInputs(seed: number, addressCount: number, extraEvents: number) {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const countries = [
    ['AR', 'Argentina'],
    ['FR', 'France'],
    ['FR', 'French Republic'],
    ['US', 'United States'],
    ['BR', null],
  ] as const;
  const cityNames = ['Springfield', 'Paris', 'Rosario', 'San José', 'Zürich', 'paris', ''];
  const subdivisions = [null, 'North', 'South'];
  const coordinates = [-34.6, -34.7, 0, 45.25, 48.85, 48.9, 89.99];
  const pool: Location[] = [];
  for (let i = 0; i < 40; i++) {
    const [country, countryName] = pick(countries);
    const roll = random();
    if (roll < 0.03) {
      pool.push({ precision: 'city', country: random() < 0.5 ? null : country, countryName, city: random() < 0.5 ? null : pick(cityNames), subdivision: null, latitude: 1, longitude: 2, accuracyRadius: null });
    } else if (roll < 0.6) {
      const hasPoint = random() < 0.95;
      pool.push({
        precision: 'city',
        country,
        countryName,
        city: pick(cityNames),
        subdivision: pick(subdivisions),
        latitude: hasPoint ? pick(coordinates) + (random() < 0.5 ? 0 : random() / 10) : null,
        longitude: hasPoint ? pick(coordinates) * 2 + (random() < 0.5 ? 0 : random() / 10) : null,
        accuracyRadius: pick([null, 5, 20, 100]),
      });
    } else if (roll < 0.85) {
      pool.push({ precision: 'country_only', country, countryName, city: null, subdivision: null, latitude: 10, longitude: 20, accuracyRadius: 500 });
    } else if (roll < 0.95) {
      pool.push({ precision: 'not_found', country: null, countryName: null, city: null, subdivision: null, latitude: null, longitude: null, accuracyRadius: null });
    } else {
      pool.push({ precision: 'not_public', country: null, countryName: null, city: null, subdivision: null, latitude: null, longitude: null, accuracyRadius: null });
    }
  }
  const networkPool: (Network | null)[] = [null];
  for (let i = 0; i < 25; i++) networkPool.push({ asn: 64500 + Math.floor(random() * 8), org: pick(['Org A', 'Org B', 'org a', '', null]) });

  const store = new EventStore();
  const ips: string[] = [];
  for (let i = 0; ips.length < addressCount; i++) {
    const ip = random() < 0.7 ? `${1 + Math.floor(random() * 223)}.${Math.floor(random() * 4)}.0.${Math.floor(random() * 256)}` : `2001:db8:${Math.floor(random() * 3).toString(16)}:${Math.floor(random() * 2)}::${Math.floor(random() * 4096).toString(16)}`;
    if (store.addressOf(ip) === store.addresses.length - 1 && !ips.includes(ip)) ips.push(ip);
  }
  for (const ip of ips) store.add({ ip, kind: 'ban', time: Date.UTC(2026, 0, 1), jail: 'sshd' }, { server: 'web1', input: 0 });
  for (let i = 0; i < extraEvents; i++) {
    const time = random() < 0.1 ? null : Date.UTC(2026, 0, 1) + Math.floor(random() * 30) * 86_400_000;
    store.add({ ip: pick(ips), kind: pick(EVENT_KINDS), time, jail: 'sshd' }, { server: 'web1', input: 0 });
  }
  // Equal locations and networks are sometimes the same object (as the lookups return them) and sometimes copies.
  const locations = store.addresses.map(() => {
    const location = pick(pool);
    return random() < 0.5 ? location : { ...location };
  });
  const networks = store.addresses.map(() => {
    const network = pick(networkPool);
    return network && random() < 0.5 ? { ...network } : network;
  });
  return { store, locations, networks };
}

type Result = ReturnType<typeof aggregate>;

function expectSame(actual: Result, expected: Result) {
  for (const table of ['ips', 'cities', 'countries', 'asns'] as const) {
    expect(actual[table].columnNames(), table).toEqual(expected[table].columnNames());
    expect(actual[table].objects(), table).toStrictEqual(expected[table].objects());
  }
  expect(actual.places).toStrictEqual(expected.places);
  expect(actual.counting).toStrictEqual(expected.counting);
  expect(actual.window).toStrictEqual(expected.window);
}

describe('aggregate agrees with the plain Arquero formulation', () => {
  for (const [seed, addresses, events] of [
    [1, 5, 12],
    [2, 40, 0],
    [3, 40, 200],
    [4, 300, 0],
    [5, 300, 1500],
    [6, 2000, 0],
    [7, 2000, 6000],
  ] as const) {
    for (const ipv6Prefix64 of [false, true]) {
      for (const networkNames of ['several per ASN', 'one per ASN', 'no networks'] as const) {
        it(`seed ${seed}: ${addresses} addresses, ${events} more events, /64 counting ${ipv6Prefix64 ? 'on' : 'off'}, organisation names: ${networkNames}`, () => {
          const { store, locations, networks } = randomInputs(seed, addresses, events);
          const oneNamePerAsn = networks.map((network) => network && { asn: network.asn, org: `AS${network.asn}` });
          const given = { 'several per ASN': networks, 'one per ASN': oneNamePerAsn, 'no networks': undefined }[networkNames];
          for (const clusterRadiusKm of [0, 100, 3000]) {
            const options: Options = { networks: given, ipv6Prefix64, clusterRadiusKm };
            const reference = referenceAggregate(store, locations, options) as Result;
            expectSame(aggregateStore(store, locations, options), reference);
            expectSame(aggregateTable(plainTable(eventsOf(store)), locatedAddresses(store.addresses, locations, given), options), reference);
          }
        });
      }
    }
  }

  it('agrees on no events at all', () => {
    const store = new EventStore();
    expectSame(aggregateStore(store, []), referenceAggregate(store, []) as Result);
  });
});
