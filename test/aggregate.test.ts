import { describe, expect, it } from 'vitest';
import { aggregateStore as aggregate } from './support/aggregate-store';
import { EventStore } from '../src/load/events';
import type { Network } from '../src/locate/networks';
import type { AttackEvent, Location } from '../src/types';

const london: Location = { precision: 'city', country: 'GB', countryName: 'United Kingdom', city: 'London', subdivision: 'England', latitude: 51.5, longitude: -0.1, accuracyRadius: 10 };
const paris: Location = { precision: 'city', country: 'FR', countryName: 'France', city: 'Paris', subdivision: 'Île-de-France', latitude: 48.9, longitude: 2.3, accuracyRadius: 20 };
const franceOnly: Location = { precision: 'country_only', country: 'FR', countryName: 'France', city: null, subdivision: null, latitude: 46, longitude: 2, accuracyRadius: 500 };
const nowhere: Location = { precision: 'not_found', country: null, countryName: null, city: null, subdivision: null, latitude: null, longitude: null, accuracyRadius: null };

function build(events: AttackEvent[], where: Record<string, Location>) {
  const store = new EventStore();
  for (const e of events) store.add(e, { server: 'web1', input: 0 });
  return aggregate(store, store.addresses.map((a) => where[a.ip]));
}

const t = (day: number) => Date.UTC(2026, 9, day);

describe('aggregate', () => {
  const result = build(
    [
      { ip: '81.2.69.1', kind: 'found', time: t(1), jail: 'sshd' },
      { ip: '81.2.69.1', kind: 'ban', time: t(2), jail: 'sshd' },
      { ip: '81.2.69.1', kind: 'unban', time: t(3), jail: 'sshd' },
      { ip: '81.2.69.2', kind: 'ban', time: t(5), jail: 'sshd' },
      { ip: '2.125.160.1', kind: 'ban', time: t(4), jail: 'sshd' },
      { ip: '2.125.160.2', kind: 'listed', time: null, jail: 'sshd' },
      { ip: '2.125.160.2', kind: 'restore', time: t(6), jail: 'sshd' },
      { ip: '89.160.0.1', kind: 'listed', time: null, jail: null },
    ],
    {
      '81.2.69.1': london,
      '81.2.69.2': london,
      '2.125.160.1': paris,
      '2.125.160.2': franceOnly,
      '89.160.0.1': nowhere,
    },
  );

  it('counts attack events per address, not bookkeeping (unban, restore)', () => {
    const rows = Object.fromEntries(result.ips.objects().map((r: any) => [r.ip, r]));
    expect(rows['81.2.69.1']).toMatchObject({ events: 2, records: 3, first_seen: t(1), last_seen: t(3), city: 'London', precision: 'city' });
    expect(rows['2.125.160.2']).toMatchObject({ events: 1, records: 2, first_seen: t(6), precision: 'country_only' });
    expect(rows['89.160.0.1']).toMatchObject({ events: 1, first_seen: null, last_seen: null, precision: 'not_found' });
  });

  it('ranks cities by distinct addresses', () => {
    expect(result.cities.objects()).toEqual([
      { city: 'London', subdivision: 'England', country: 'GB', country_name: 'United Kingdom', latitude: 51.5, longitude: -0.1, ips: 2, events: 3 },
      { city: 'Paris', subdivision: 'Île-de-France', country: 'FR', country_name: 'France', latitude: 48.9, longitude: 2.3, ips: 1, events: 1 },
    ]);
  });

  it('counts country-only addresses in their country, separately; ties go to more events', () => {
    expect(result.countries.objects()).toEqual([
      { country: 'GB', name: 'United Kingdom', ips: 2, events: 3, ips_city: 2, ips_country_only: 0 },
      { country: 'FR', name: 'France', ips: 2, events: 2, ips_city: 1, ips_country_only: 1 },
    ]);
  });

  it('knows the window of event times', () => {
    expect(result.window).toEqual({ first: t(1), last: t(6) });
  });
});

describe('aggregate: networks, places and /64 counting', () => {
  const la = (city: string, latitude: number, longitude: number): Location => ({ precision: 'city', country: 'AR', countryName: 'Argentina', city, subdivision: null, latitude, longitude, accuracyRadius: 20 });
  const buenosAires = la('Buenos Aires', -34.6037, -58.3816);
  const quilmes = la('Quilmes', -34.7206, -58.2546);
  const rosario = la('Rosario', -32.9442, -60.6505);
  const events: AttackEvent[] = [
    { ip: '181.1.0.1', kind: 'ban', time: t(1), jail: 'sshd' },
    { ip: '181.1.0.2', kind: 'ban', time: t(2), jail: 'sshd' },
    { ip: '181.1.0.2', kind: 'found', time: t(2), jail: 'sshd' },
    { ip: '181.1.0.3', kind: 'ban', time: t(3), jail: 'sshd' },
    { ip: '2800:40::1', kind: 'ban', time: t(4), jail: 'sshd' },
    { ip: '2800:40::2', kind: 'ban', time: t(5), jail: 'sshd' },
    { ip: '2800:40:0:1::9', kind: 'ban', time: t(5), jail: 'sshd' },
    { ip: '190.2.0.1', kind: 'ban', time: t(6), jail: 'sshd' },
    { ip: '10.0.0.1', kind: 'ban', time: t(6), jail: 'sshd' },
  ];
  const where: Record<string, Location> = {
    '181.1.0.1': buenosAires,
    '181.1.0.2': quilmes,
    '181.1.0.3': buenosAires,
    '2800:40::1': buenosAires,
    '2800:40::2': quilmes,
    '2800:40:0:1::9': buenosAires,
    '190.2.0.1': rosario,
    '10.0.0.1': { ...nowhere, precision: 'not_public' },
  };
  const network: Record<string, Network | null> = {
    '181.1.0.1': { asn: 7303, org: 'Telecom Argentina S.A.' },
    '181.1.0.2': { asn: 7303, org: 'Telecom Argentina S.A.' },
    '181.1.0.3': { asn: 7303, org: 'Telecom Argentina' },
    '2800:40::1': { asn: 16814, org: 'NSS S.A.' },
    '2800:40::2': { asn: 16814, org: 'NSS S.A.' },
    '2800:40:0:1::9': { asn: 16814, org: 'NSS S.A.' },
    '190.2.0.1': null,
    '10.0.0.1': null,
  };

  function run(list: AttackEvent[], ipv6Prefix64 = false) {
    const store = new EventStore();
    for (const e of list) store.add(e, { server: 'web1', input: 0 });
    return aggregate(
      store,
      store.addresses.map((a) => where[a.ip]),
      { networks: store.addresses.map((a) => network[a.ip]), ipv6Prefix64, clusterRadiusKm: 100 },
    );
  }

  it('adds asn and org to every address, and ranks networks', () => {
    const result = run(events);
    const rows = Object.fromEntries(result.ips.objects().map((r: any) => [r.ip, r]));
    expect(rows['181.1.0.3']).toMatchObject({ asn: 7303, org: 'Telecom Argentina' });
    expect(rows['10.0.0.1']).toMatchObject({ asn: null, org: null });
    expect(rows['190.2.0.1']).toMatchObject({ asn: null, org: null });
    // An ASN is named after the organisation most of its addresses carry.
    expect(result.asns.objects()).toEqual([
      { asn: 7303, org: 'Telecom Argentina S.A.', ips: 3, events: 4 },
      { asn: 16814, org: 'NSS S.A.', ips: 3, events: 3 },
    ]);
  });

  it('groups cities into places', () => {
    const result = run(events);
    expect(result.places.map((p) => [p.name, p.ips, p.events, p.cities.map((c) => c.city)])).toEqual([
      ['Buenos Aires', 6, 7, ['Buenos Aires', 'Quilmes']],
      ['Rosario', 1, 1, ['Rosario']],
    ]);
    expect(result.counting).toEqual({ ipv6Prefix64: false, clusterRadiusKm: 100, placeNamingKm: 40, attackers: 8, ipv6Networks64: 2 });
  });

  it('counts each IPv6 /64 once when asked, everywhere the rankings count addresses', () => {
    const result = run(events, true);
    // 2800:40::1 and 2800:40::2 share a /64 (one attacker, in two cities of one place).
    expect(result.counting).toEqual({ ipv6Prefix64: true, clusterRadiusKm: 100, placeNamingKm: 40, attackers: 7, ipv6Networks64: 2 });
    expect(result.ips.numRows()).toBe(8);
    const cities = Object.fromEntries(result.cities.objects().map((r: any) => [r.city, r.ips]));
    expect(cities).toEqual({ 'Buenos Aires': 4, Quilmes: 2, Rosario: 1 });
    expect(result.places.map((p) => [p.name, p.ips])).toEqual([
      ['Buenos Aires', 5],
      ['Rosario', 1],
    ]);
    expect(result.countries.objects()).toEqual([{ country: 'AR', name: 'Argentina', ips: 6, events: 8, ips_city: 6, ips_country_only: 0 }]);
    expect(result.asns.objects().map((r: any) => [r.asn, r.ips])).toEqual([
      [7303, 3],
      [16814, 2],
    ]);
  });

  it('gives the same tables whatever order the events came in', () => {
    const reference = run(events);
    const reversed = run([...events].reverse());
    for (const table of ['ips', 'cities', 'countries', 'asns'] as const) expect(reversed[table].objects()).toEqual(reference[table].objects());
    expect(reversed.places).toEqual(reference.places);
  });
});
