/** Hand-written chart inputs shared by the chart tests: independent of any database. */
import { expect } from 'vitest';
import { boxesOverlap } from '../src/charts/labels';
import type { CityPoint, MapPlace } from '../src/charts/index';

// A fixed, hand-written set of cities: the charts' inputs, independent of any database.
export const CITIES: CityPoint[] = [
  ['Shanghai', 'CN', 31.2222, 121.4581, 412, 9120],
  ['Buenos Aires', 'AR', -34.6021, -58.3845, 388, 7020],
  ['Beijing', 'CN', 39.9075, 116.3972, 240, 4410],
  ['São Paulo', 'BR', -23.5475, -46.6361, 201, 3002],
  ['Hanoi', 'VN', 21.0245, 105.8412, 160, 2200],
  ['Ashburn', 'US', 39.0437, -77.4875, 152, 1990],
  ['Seoul', 'KR', 37.566, 126.9784, 140, 1720],
  ['Amsterdam', 'NL', 52.374, 4.8897, 122, 2105],
  ['Frankfurt am Main', 'DE', 50.1155, 8.6842, 118, 1630],
  ['Mumbai', 'IN', 19.0728, 72.8826, 101, 1210],
  ['Jakarta', 'ID', -6.2146, 106.8451, 95, 1002],
  ['Moscow', 'RU', 55.7522, 37.6156, 90, 1500],
  ['Guangzhou', 'CN', 23.1167, 113.25, 88, 990],
  ['Singapore', 'SG', 1.2897, 103.8501, 77, 802],
  ['Santa Clara', 'US', 37.3541, -121.9552, 60, 700],
  ['La Plata', 'AR', -34.9215, -57.9545, 44, 400],
  ['Quilmes', 'AR', -34.7203, -58.2694, 40, 380],
  ['Paris', 'FR', 48.8534, 2.3488, 35, 300],
  ['Lagos', 'NG', 6.4541, 3.3947, 20, 150],
  ['Sydney', 'AU', -33.8678, 151.2073, 12, 90],
].map(([city, country, latitude, longitude, ips, events]) => ({ city, country, latitude, longitude, ips, events }) as CityPoint);

/** Places built by hand from the cities: Buenos Aires with its two neighbours, the rest alone. */
export const PLACES: MapPlace[] = (() => {
  const byName = new Map(CITIES.map((c) => [c.city, c]));
  const ba = ['Buenos Aires', 'La Plata', 'Quilmes'].map((n) => byName.get(n)!);
  const ips = ba.reduce((s, c) => s + c.ips, 0);
  const buenosAires: MapPlace = {
    name: 'Buenos Aires',
    country: 'AR',
    latitude: ba.reduce((s, c) => s + c.latitude * c.ips, 0) / ips,
    longitude: ba.reduce((s, c) => s + c.longitude * c.ips, 0) / ips,
    ips,
    events: ba.reduce((s, c) => s + c.events, 0),
    cities: ba,
  };
  const single = CITIES.filter((c) => !ba.includes(c)).map((c) => ({ name: c.city!, country: c.country, latitude: c.latitude, longitude: c.longitude, ips: c.ips, events: c.events, cities: [c] }));
  return [buenosAires, ...single].sort((a, b) => b.ips - a.ips);
})();

export const TEXT = {
  title: 'Where the attacks come from',
  subtitle: '2026-09-14 – 2026-10-25 · test cities',
  caption: ['Each dot is a city; its area grows with the number of distinct attacking addresses.', 'Geolocation: test data.'],
};

export function expectNoOverlaps(chart: { labels: { x: number; y: number; width: number; height: number }[]; width: number; height: number }) {
  for (let i = 0; i < chart.labels.length; i++) {
    for (let j = i + 1; j < chart.labels.length; j++) expect(boxesOverlap(chart.labels[i], chart.labels[j]), `labels ${i} and ${j}`).toBe(false);
    const l = chart.labels[i];
    expect(l.x).toBeGreaterThanOrEqual(0);
    expect(l.y).toBeGreaterThanOrEqual(0);
    expect(l.x + l.width).toBeLessThanOrEqual(chart.width);
    expect(l.y + l.height).toBeLessThanOrEqual(chart.height);
  }
}

