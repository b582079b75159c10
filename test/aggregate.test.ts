import { describe, expect, it } from 'vitest';
import { aggregate } from '../src/aggregate';
import { EventStore } from '../src/events';
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
