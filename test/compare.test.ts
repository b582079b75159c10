import { describe, expect, it } from 'vitest';
import { aggregateStore as aggregate, eventsOf } from './support/aggregate-store';
import { comparePeriods, placeLabels, splitPoint } from '../src/aggregate/compare';
import { EventStore } from '../src/load/events';
import type { Analysis } from '../src/notebook/pipeline';
import type { AttackEvent, Location } from '../src/types';
import { hasUsernames, topUsernames, usernamesByCountry } from '../src/aggregate/usernames';

const city = (name: string, country: string, latitude: number, longitude: number): Location => ({
  precision: 'city', country, countryName: country, city: name, subdivision: null, latitude, longitude, accuracyRadius: 10,
});
const WHERE: Record<string, Location> = {
  '81.2.69.1': city('London', 'GB', 51.5, -0.1),
  '81.2.69.2': city('London', 'GB', 51.5, -0.1),
  '175.16.199.1': city('Changchun', 'CN', 43.88, 125.32),
  '200.45.1.1': city('Buenos Aires', 'AR', -34.6, -58.38),
  '200.45.1.2': city('Quilmes', 'AR', -34.72, -58.27),
};
const day = (d: number) => Date.UTC(2026, 9, d, 12);

function analysisOf(events: AttackEvent[], splitDate: string | null = null): Analysis {
  const store = new EventStore();
  for (const e of events) store.add(e, { server: 'web1', input: 0 });
  const aggregates = aggregate(store, store.addresses.map((a) => WHERE[a.ip]));
  return { parameters: { splitDate, top: 10 }, load: { store, inputs: [] }, events: eventsOf(store), aggregates } as unknown as Analysis;
}

describe('comparePeriods', () => {
  const events: AttackEvent[] = [
    { ip: '81.2.69.1', kind: 'ban', time: day(1), jail: 'sshd' },
    { ip: '81.2.69.2', kind: 'ban', time: day(2), jail: 'sshd' },
    { ip: '175.16.199.1', kind: 'ban', time: day(3), jail: 'sshd' },
    { ip: '81.2.69.1', kind: 'ban', time: day(20), jail: 'sshd' },
    { ip: '200.45.1.1', kind: 'found', time: day(21), jail: 'sshd' },
    { ip: '200.45.1.2', kind: 'ban', time: day(22), jail: 'sshd' },
    { ip: '200.45.1.2', kind: 'unban', time: day(2), jail: 'sshd' },
    // Listed in another jail than its ban: a listed ban beside a timed ban of its jail is that ban, not counted again.
    { ip: '175.16.199.1', kind: 'listed', time: null, jail: 'recidive' },
  ];

  it('splits at the middle of the window by default', () => {
    // Window: 1 Oct 12:00 to 22 Oct 12:00; its middle is 12 Oct 00:00.
    expect(new Date(splitPoint(analysisOf(events))!).toISOString()).toBe('2026-10-12T00:00:00.000Z');
  });

  it('says what appeared, fell and went quiet, by place and country', () => {
    const c = comparePeriods(analysisOf(events, '2026-10-10'))!;
    expect(c.before).toMatchObject({ ips: 3, events: 3 });
    expect(c.after).toMatchObject({ ips: 3, events: 3 });
    expect(c.untimed).toBe(1);
    const byKey = Object.fromEntries(c.places.map((p) => [p.key, p]));
    expect(byKey['Buenos Aires, AR']).toMatchObject({ before: 0, after: 2, status: 'appeared' });
    expect(byKey['London, GB']).toMatchObject({ before: 2, after: 1, status: 'fell' });
    expect(byKey['Changchun, CN']).toMatchObject({ before: 1, after: 0, status: 'gone' });
    expect(c.places[0].key).toBe('Buenos Aires, AR');
    expect(c.countries.map((r) => r.key).sort()).toEqual(['AR', 'CN', 'GB']);
  });

  it('labels two places that share a name apart, by their largest city, else their rank', () => {
    expect(
      placeLabels([
        { name: 'Buenos Aires', country: 'AR', largest_city: 'Ituzaingó' },
        { name: 'Seoul', country: 'KR', largest_city: 'Seoul' },
        { name: 'Buenos Aires', country: 'AR', largest_city: 'Quilmes' },
        { name: 'Lagos', country: null, largest_city: null },
        { name: 'Lagos', country: null, largest_city: null },
        // Two towns of one name, each the largest city of its place: their rank tells the second apart.
        { name: 'Springfield', country: 'US', largest_city: 'Springfield' },
        { name: 'Springfield', country: 'US', largest_city: 'Springfield' },
      ]),
    ).toEqual(['Buenos Aires, AR (Ituzaingó)', 'Seoul, KR', 'Buenos Aires, AR (Quilmes)', 'Lagos (place 4)', 'Lagos (place 5)', 'Springfield, US (Springfield)', 'Springfield, US (Springfield) #7']);
  });

  it('counts points given without a name or country in their own place (by coordinates), not in another', () => {
    const nameless = (latitude: number, longitude: number): Location => ({ precision: 'city', country: null, countryName: null, city: null, subdivision: null, latitude, longitude, accuracyRadius: null });
    WHERE['198.51.100.1'] = nameless(-34.65803, -58.66317);
    WHERE['198.51.100.2'] = nameless(-40, -30);
    try {
      const c = comparePeriods(
        analysisOf(
          [
            { ip: '198.51.100.1', kind: 'ban', time: day(1), jail: 'sshd' },
            { ip: '198.51.100.2', kind: 'ban', time: day(20), jail: 'sshd' },
            { ip: '198.51.100.2', kind: 'ban', time: day(21), jail: 'sshd' },
          ],
          '2026-10-10',
        ),
      )!;
      expect(c.places.map((p) => [p.key, p.before, p.after])).toEqual([
        ['40.00° S, 30.00° W', 0, 1],
        ['Buenos Aires', 1, 0],
      ]);
    } finally {
      delete WHERE['198.51.100.1'];
      delete WHERE['198.51.100.2'];
    }
  });

  it('rejects a malformed split date and has nothing to compare without times', () => {
    expect(() => comparePeriods(analysisOf(events, '10/10/2026'))).toThrow(/2026-10-01/);
    expect(comparePeriods(analysisOf([{ ip: '81.2.69.1', kind: 'listed', time: null, jail: null }]))).toBeNull();
  });
});

describe('usernames', () => {
  const events: AttackEvent[] = [
    { ip: '81.2.69.1', kind: 'failure', time: day(1), jail: null, user: 'root' },
    { ip: '81.2.69.1', kind: 'failure', time: day(1), jail: null, user: 'root' },
    { ip: '81.2.69.2', kind: 'failure', time: day(1), jail: null, user: 'admin' },
    { ip: '175.16.199.1', kind: 'failure', time: day(1), jail: null, user: 'root' },
    { ip: '175.16.199.1', kind: 'failure', time: day(1), jail: null, user: '<script>' },
    { ip: '200.45.1.1', kind: 'failure', time: day(1), jail: null, user: '' },
    { ip: '200.45.1.1', kind: 'ban', time: day(1), jail: 'sshd' },
  ];

  it('counts attempts, addresses and countries per user name, the empty name included', () => {
    const a = analysisOf(events);
    expect(hasUsernames(a)).toBe(true);
    expect(topUsernames(a)).toEqual([
      { user: 'root', attempts: 3, ips: 2, countries: 2 },
      { user: '', attempts: 1, ips: 1, countries: 1 },
      { user: '<script>', attempts: 1, ips: 1, countries: 1 },
      { user: 'admin', attempts: 1, ips: 1, countries: 1 },
    ]);
    expect(usernamesByCountry(a)[0]).toEqual({ country: 'GB', name: 'GB', users: [{ user: 'root', attempts: 2 }, { user: 'admin', attempts: 1 }] });
  });

  it('knows when no input carries user names', () => {
    expect(hasUsernames(analysisOf([{ ip: '81.2.69.1', kind: 'ban', time: day(1), jail: 'sshd' }]))).toBe(false);
  });
});
