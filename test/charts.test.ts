import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { allCharts, slug, type ChartsOptions } from '../src/charts/charts';
import { svgText } from '../src/export/files';
import { boxesOverlap, type PlacedLabel } from '../src/charts/labels';
import { analyse, parameters, type Analysis } from '../src/notebook/pipeline';
import type { Chart } from '../src/charts/index';
import type { CountryMapChart } from '../src/charts/country-map';

const ROOT = path.join(import.meta.dirname, '..');

let analysis: Analysis;
const charts: Record<'dark' | 'light', Record<string, Chart>> = { dark: {}, light: {} };

beforeAll(async () => {
  analysis = await analyse(parameters({ data: [path.join(ROOT, 'data', 'sample')], timeZone: 'UTC' }, {}));
  for (const theme of ['dark', 'light'] as const) charts[theme] = allCharts(analysis, { theme });
}, 120_000);

const EXPECTED = ['world-map', 'countries', 'top-cities', 'top-places', 'top-countries', 'top-asns', 'timeline', 'hour-weekday', 'new-attackers'];

function overlapping(labels: PlacedLabel[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) if (boxesOverlap(labels[i], labels[j])) pairs.push([i, j]);
  return pairs;
}

describe('every chart of the sample run', () => {
  it('is drawn under its output name, with two zoomed place maps', () => {
    for (const theme of ['dark', 'light'] as const) {
      const names = Object.keys(charts[theme]);
      for (const name of EXPECTED) expect(names).toContain(name);
      const places = names.filter((n) => n.startsWith('place-'));
      expect(places).toHaveLength(2);
      expect(places[0]).toMatch(/^place-1-[a-z0-9-]+$/);
      expect(places[1]).toMatch(/^place-2-[a-z0-9-]+$/);
      expect(places[0]).toBe(`place-1-${slug(analysis.aggregates.places[0].name)}`);
    }
  });

  it('places no two labels over each other, and every label inside its chart', () => {
    for (const theme of ['dark', 'light'] as const) {
      for (const [name, chart] of Object.entries(charts[theme])) {
        expect(overlapping(chart.labels), `${theme} ${name}`).toEqual([]);
        for (const l of chart.labels) {
          expect(l.x, `${name}`).toBeGreaterThanOrEqual(0);
          expect(l.y, `${name}`).toBeGreaterThanOrEqual(0);
          expect(l.x + l.width, `${name}`).toBeLessThanOrEqual(chart.width);
          expect(l.y + l.height, `${name}`).toBeLessThanOrEqual(chart.height);
        }
      }
    }
    // The maps do label: the world map its places, each zoomed map its cities.
    expect(charts.dark['world-map'].labels).toHaveLength(analysis.parameters.labels);
    const [first] = Object.entries(charts.dark).filter(([n]) => n.startsWith('place-1-'));
    expect(first[1].labels.length).toBe(analysis.aggregates.places[0].cities.length);
  });

  it('is standalone, valid XML, titled, and credits the geolocation database with its build date', () => {
    const build = analysis.database.info.build_date;
    for (const theme of ['dark', 'light'] as const) {
      for (const [name, chart] of Object.entries(charts[theme])) {
        const svg = svgText(chart);
        expect(XMLValidator.validate(svg), name).toBe(true);
        expect(svg, name).toMatch(/<title>[^<]+<\/title>/);
        expect(svg, name).toContain('font-family=');
        expect(svg, name).not.toMatch(/(href|src)=["']/);
        expect(svg, name).toContain(build);
        expect(svg, name).toContain('This product includes GeoLite2 data created by MaxMind');
        if (name === 'top-asns') expect(svg).toContain('DB-IP');
        // The subtitle carries the data window.
        expect(svg, name).toContain('2026-09-14 – 2026-10-25');
      }
    }
  });

  it('switches every chart with one theme parameter', () => {
    for (const [name, chart] of Object.entries(charts.light)) expect(svgText(chart), name).toContain('fill="#ffffff"');
    for (const [name, chart] of Object.entries(charts.dark)) expect(svgText(chart), name).toContain('fill="#0b1020"');
    const fromParameters = allCharts({ ...analysis, parameters: { ...analysis.parameters, theme: 'light' } });
    expect(svgText(fromParameters['top-cities'])).toBe(svgText(charts.light['top-cities']));
  });

  it('reports the country codes that matched no shape', () => {
    const countries = charts.dark.countries as CountryMapChart;
    const codes = countries.unmatched.map((u) => u.country);
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(countries.notes.join(' ')).toContain(code);
    expect(svgText(countries)).toContain('Not on the map');
  });

  it('offers the other measure and scales', () => {
    const options: ChartsOptions = { measure: 'events', color: 'events', countryScale: 'quantile', graticule: true };
    const other = allCharts(analysis, options);
    expect(svgText(other['top-cities'])).toContain('Attack events');
    expect(svgText(other['world-map'])).toContain('Events per city (colour)');
    expect(svgText(other.countries)).toContain('(quantiles)');
    expect(overlapping(other['world-map'].labels)).toEqual([]);
  });

  it('carries the details of every bar, cell, dot and country as a hover title', () => {
    const titles = (name: string) => svgText(charts.dark[name]).match(/<title>[^<]*<\/title>/g)!.slice(1);
    const top = analysis.parameters.top;
    for (const name of ['top-cities', 'top-places', 'top-countries']) expect(titles(name), name).toHaveLength(top);
    expect(titles('hour-weekday')).toHaveLength(168);
    // A country with no shape at this scale is a dot, with its title; one with no shape at all is
    // not drawn; a country of several shapes (territories) gives each its title.
    expect(new Set(titles('countries'))).toHaveProperty('size', analysis.aggregates.countries.numRows() - (charts.dark.countries as CountryMapChart).unmatched.length);
    expect(titles('top-cities')[0]).toMatch(/^<title>[^\n]+, [A-Z]{2}\nDistinct attacking addresses: [\d,]+ \([\d.]+% of all\)\nEvents: [\d,]+ \([\d.]+% of all\)<\/title>$/);
    // Every city of the world map: a circle of its own, or a line in a hover square.
    const world = svgText(charts.dark['world-map']);
    const circles = world.match(/<g [^>]*class="botmap-dots"[^>]*>(.*?)<\/g>/s)![1];
    expect(circles.match(/<circle [^>]*\/>/g)).toBeNull();
    const listed = (world.match(/<title>[^<]*<\/title>/g) ?? []).join('\n').match(/, [A-Z]{2}[:\n]/g)!.length;
    expect(listed).toBe(analysis.aggregates.cities.numRows());
  });

  it('stays small: the world map under 1 MB', () => {
    for (const theme of ['dark', 'light'] as const) {
      for (const [name, chart] of Object.entries(charts[theme])) expect(svgText(chart).length, name).toBeLessThan(name === 'world-map' ? 1_000_000 : 400_000);
    }
  });
});

describe('slug', () => {
  it('is lower-case ASCII', () => {
    expect(slug('São Paulo')).toBe('sao-paulo');
    expect(slug('Frankfurt am Main')).toBe('frankfurt-am-main');
    expect(slug("Xi'an")).toBe('xi-an');
    expect(slug('東京')).toBe('place');
    // A city named at length (a CSV's, found by the whole-run fuzz) made a file name past the file system's 255 bytes.
    expect(slug(`L${'x'.repeat(2787)}`)).toBe(`l${'x'.repeat(59)}`);
    expect(slug(`${'ab '.repeat(19)}cd efgh`)).toBe(`${'ab-'.repeat(19)}cd`);
  });
});
