import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csvParseRows } from 'd3-dsv';
import { beforeAll, describe, expect, it } from 'vitest';
import { worldMapChart, topCitiesChart } from '../src/charts';
import { exportAnalysis } from '../src/export';
import { boxesOverlap } from '../src/labels';
import { analyse, parameters, type Analysis } from '../src/pipeline';
import type { Summary } from '../src/summary';

const ROOT = path.join(import.meta.dirname, '..');

let analysis: Analysis;
let summary: Summary;
let out: string;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-run-'));
  const params = parameters({ data: [path.join(ROOT, 'data', 'sample')], out }, {});
  analysis = await analyse(params);
  summary = exportAnalysis(analysis, { 'world-map': worldMapChart(analysis), 'top-cities': topCitiesChart(analysis) });
}, 120_000);

describe('a run on the sample data', () => {
  it('accounts for every line of every input', () => {
    expect(summary.inputs.map((i) => i.format).sort()).toEqual(['fail2ban-log', 'fail2ban-status']);
    for (const input of summary.inputs) {
      const skipped = Object.values(input.skipped).reduce((a, b) => a + b, 0);
      expect(input.records + skipped, input.file).toBe(input.lines);
      expect(input.lines).toBeGreaterThan(0);
    }
  });

  it('places every distinct address in exactly one precision class', () => {
    const { distinct, located_city, located_country_only, not_found, not_public, ipv4, ipv6 } = summary.ips;
    expect(located_city + located_country_only + not_found + not_public).toBe(distinct);
    expect(ipv4 + ipv6).toBe(distinct);
    expect(located_city).toBeGreaterThan(1000);
    expect(located_country_only).toBeGreaterThan(0);
    expect(not_public).toBeGreaterThan(0);
    expect(ipv6).toBeGreaterThan(0);
  });

  it('writes summary.json with the agreed keys', () => {
    const written = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(Object.keys(written.database)).toEqual(expect.arrayContaining(['type', 'build_date']));
    expect(written.database.build_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(written.inputs[0])).toEqual(expect.arrayContaining(['file', 'format', 'lines', 'records', 'skipped']));
    expect(Object.keys(written.ips)).toEqual(expect.arrayContaining(['distinct', 'ipv4', 'ipv6', 'not_public', 'located_city', 'located_country_only', 'not_found']));
    expect(written.top_cities.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(written.top_cities[0])).toEqual(expect.arrayContaining(['city', 'country', 'latitude', 'longitude', 'ips', 'events']));
    expect(Object.keys(written.top_countries[0])).toEqual(expect.arrayContaining(['country', 'name', 'ips', 'events']));
    const ips = written.top_cities.map((c: { ips: number }) => c.ips);
    expect(ips).toEqual([...ips].sort((a, b) => b - a));
  });

  it('writes ips.csv with one row per distinct address and the agreed columns', () => {
    const [header, ...rows] = csvParseRows(fs.readFileSync(path.join(out, 'tables', 'ips.csv'), 'utf8'));
    expect(header.slice(0, 12)).toEqual(['ip', 'events', 'first_seen', 'last_seen', 'country', 'country_name', 'city', 'subdivision', 'latitude', 'longitude', 'accuracy_radius', 'precision']);
    expect(rows).toHaveLength(summary.ips.distinct);
    expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
    const precision = header.indexOf('precision');
    for (const r of rows) expect(['city', 'country_only', 'not_found', 'not_public']).toContain(r[precision]);
    for (const file of ['cities.csv', 'countries.csv']) expect(fs.statSync(path.join(out, 'tables', file)).size).toBeGreaterThan(100);
  });

  it('labels ten cities on the world map, no two labels overlapping, and draws no country-only point', () => {
    const chart = worldMapChart(analysis);
    expect(chart.labels).toHaveLength(10);
    for (let i = 0; i < chart.labels.length; i++) {
      for (let j = i + 1; j < chart.labels.length; j++) expect(boxesOverlap(chart.labels[i], chart.labels[j])).toBe(false);
    }
    const circles = (chart.svg.outerHTML.match(/<circle /g) ?? []).length;
    // One dot per city plus one ring per label.
    expect(circles).toBe(analysis.aggregates.cities.numRows() + 10);
  });

  it('credits the database on every chart', () => {
    for (const name of ['world-map', 'top-cities']) {
      const svg = fs.readFileSync(path.join(out, 'charts', `${name}.svg`), 'utf8');
      expect(svg).toContain('This product includes GeoLite2 data created by MaxMind');
      expect(svg).toContain(summary.database.build_date);
    }
  });
});
