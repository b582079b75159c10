import { describe, expect, it } from 'vitest';
import { clusterPlaces, haversineKm, type ClusterInput } from '../src/aggregate/places';
import { seededRandom } from './support/random';

const city = (name: string, country: string, latitude: number, longitude: number, ips: number, events = ips * 10, subdivision: string | null = null): ClusterInput => ({
  city: name,
  subdivision,
  country,
  country_name: country === 'AR' ? 'Argentina' : country,
  latitude,
  longitude,
  ips,
  events,
});

const random = seededRandom;

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

describe('haversineKm', () => {
  it('measures great-circle distances', () => {
    expect(haversineKm(0, 0, 0, 0)).toBe(0);
    // London – Paris ≈ 344 km; a quarter of the equator ≈ 10,008 km.
    expect(haversineKm(51.5074, -0.1278, 48.8566, 2.3522)).toBeCloseTo(343.6, 0);
    expect(haversineKm(0, 0, 0, 90)).toBeCloseTo(10007.6, 0);
    // Across the antimeridian.
    expect(haversineKm(0, 179.5, 0, -179.5)).toBeCloseTo(111.2, 0);
  });
});

describe('clusterPlaces', () => {
  const buenosAires = [
    city('Buenos Aires', 'AR', -34.6037, -58.3816, 40),
    city('La Plata', 'AR', -34.9214, -57.9545, 12),
    city('Quilmes', 'AR', -34.7206, -58.2546, 7),
    city('Morón', 'AR', -34.6534, -58.6198, 5),
    // Rosario is about 280 km away: a place of its own.
    city('Rosario', 'AR', -32.9442, -60.6505, 9),
  ];

  it('groups the Buenos Aires suburbs into one place named after Buenos Aires', () => {
    const places = clusterPlaces(buenosAires, 100);
    expect(places.map((p) => p.name)).toEqual(['Buenos Aires', 'Rosario']);
    const [ba, rosario] = places;
    expect(ba).toMatchObject({ name: 'Buenos Aires', country: 'AR', country_name: 'Argentina', ips: 64, events: 640 });
    expect(ba.cities.map((c) => c.city)).toEqual(['Buenos Aires', 'La Plata', 'Quilmes', 'Morón']);
    // Centre: the address-weighted mean; radius: to the farthest member (La Plata).
    const lat = (-34.6037 * 40 - 34.9214 * 12 - 34.7206 * 7 - 34.6534 * 5) / 64;
    const lon = (-58.3816 * 40 - 57.9545 * 12 - 58.2546 * 7 - 58.6198 * 5) / 64;
    expect(ba.latitude).toBeCloseTo(lat, 4);
    expect(ba.longitude).toBeCloseTo(lon, 4);
    expect(ba.radius_km).toBeCloseTo(haversineKm(lat, lon, -34.9214, -57.9545), 1);
    expect(rosario).toMatchObject({ name: 'Rosario', ips: 9, radius_km: 0, latitude: -32.9442, longitude: -60.6505 });
    expect(rosario.cities).toEqual([{ city: 'Rosario', subdivision: null, country: 'AR', latitude: -32.9442, longitude: -60.6505, ips: 9, events: 90 }]);
  });

  it('takes the radius as a parameter', () => {
    // Within 30 km of Buenos Aires: Quilmes (≈ 17 km) and Morón (≈ 22 km), not La Plata (≈ 53 km).
    const places = clusterPlaces(buenosAires, 30);
    expect(places.map((p) => [p.name, p.cities.map((c) => c.city)])).toEqual([
      ['Buenos Aires', ['Buenos Aires', 'Quilmes', 'Morón']],
      ['La Plata', ['La Plata']],
      ['Rosario', ['Rosario']],
    ]);
    expect(clusterPlaces(buenosAires, 0)).toHaveLength(5);
    expect(clusterPlaces(buenosAires, 1000)).toHaveLength(1);
  });

  it('gives the same places whatever the input order', () => {
    const next = random(42);
    // 600 cities in a few dense regions, with ties in size.
    const centres = [
      [48.85, 2.35],
      [52.52, 13.4],
      [35.68, 139.69],
      [-33.87, 151.21],
      [40.71, -74.0],
      [-17.8, 179.9], // Fiji, across the antimeridian
    ];
    const cities: ClusterInput[] = [];
    for (let i = 0; i < 600; i++) {
      const [lat, lon] = centres[i % centres.length];
      let longitude = lon + (next() - 0.5) * 6;
      if (longitude > 180) longitude -= 360;
      cities.push(city(`City ${i % 97}`, ['FR', 'DE', 'JP', 'AU', 'US', 'FJ'][i % 6], lat + (next() - 0.5) * 4, longitude, 1 + Math.floor(next() * 5), Math.floor(next() * 3)));
    }
    const reference = clusterPlaces(cities, 100);
    expect(reference.reduce((n, p) => n + p.cities.length, 0)).toBe(600);
    expect(reference.reduce((n, p) => n + p.ips, 0)).toBe(cities.reduce((n, c) => n + c.ips, 0));
    for (let round = 0; round < 5; round++) expect(clusterPlaces(shuffled(cities, next), 100)).toEqual(reference);
  });

  it('checks every pair: the grid never misses a city within the radius', () => {
    const next = random(7);
    const cities = Array.from({ length: 400 }, (_, i) => city(`C${i}`, 'XX', (next() - 0.5) * 178, (next() - 0.5) * 360, 1 + Math.floor(next() * 3)));
    for (const radius of [50, 500, 3000]) {
      for (const place of clusterPlaces(cities, radius)) {
        const seed = place.cities[0];
        for (const member of place.cities) expect(haversineKm(seed.latitude, seed.longitude, member.latitude, member.longitude)).toBeLessThanOrEqual(radius);
      }
      // Brute force: the greedy assignment, done the slow way, gives the same memberships.
      const order = clusterPlaces(cities, 0).flatMap((p) => p.cities);
      const taken = new Set<string | null>();
      const expected: (string | null)[][] = [];
      for (const seed of order) {
        if (taken.has(seed.city)) continue;
        const members = order.filter((c) => !taken.has(c.city) && haversineKm(seed.latitude, seed.longitude, c.latitude, c.longitude) <= radius);
        members.forEach((c) => taken.add(c.city));
        expected.push(members.map((c) => c.city));
      }
      const actual = clusterPlaces(cities, radius).map((p) => p.cities.map((c) => c.city));
      expect(actual.slice().sort()).toEqual(expected.slice().sort());
    }
  });

  it('averages longitudes across the antimeridian', () => {
    const [fiji] = clusterPlaces([city('Suva', 'FJ', -18.14, 179.9, 1), city('Levuka', 'FJ', -18.14, -179.9, 1)], 100);
    expect(Math.abs(fiji.longitude)).toBeCloseTo(180, 3);
    expect(fiji.radius_km).toBeCloseTo(10.6, 0);
  });

  it('names the largest city; equal sizes go to more events, then the name', () => {
    const places = clusterPlaces([city('Bravo', 'XX', 10, 10, 3, 5), city('Alpha', 'XX', 10.1, 10.1, 3, 5), city('Charlie', 'XX', 10.2, 10.2, 3, 9)], 100);
    expect(places).toHaveLength(1);
    expect(places[0].name).toBe('Charlie');
    expect(places[0].cities.map((c) => c.city)).toEqual(['Charlie', 'Alpha', 'Bravo']);
  });

  it('ranks places by addresses, then events, then name', () => {
    const places = clusterPlaces([city('Zeta', 'XX', 0, 0, 5, 1), city('Eta', 'XX', 0, 90, 5, 1), city('Theta', 'XX', 0, -90, 5, 2)], 100);
    expect(places.map((p) => p.name)).toEqual(['Theta', 'Eta', 'Zeta']);
  });

  it('leaves out cities without coordinates', () => {
    expect(clusterPlaces([city('Nowhere', 'XX', Number.NaN, 0, 1)], 100)).toEqual([]);
    expect(clusterPlaces([], 100)).toEqual([]);
  });
});
