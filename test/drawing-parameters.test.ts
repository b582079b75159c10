import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataWindow, placeMapCharts, topCitiesChart, usernamesChart, worldMapChart } from '../src/charts/charts';
import { analyse, notebookParameters, parameters, type Analysis, type CellParameters } from '../src/notebook/pipeline';

const ROOT = path.join(import.meta.dirname, '..');
const made = { data: [path.join(ROOT, 'data', 'sample')], timeZone: 'UTC' };

let analysis: Analysis;
let lightWithFiveLabels: Analysis;

beforeAll(async () => {
  analysis = await analyse(parameters(made, {}));
  lightWithFiveLabels = await analyse(parameters({ ...made, theme: 'light', labels: 5, top: 7, zoomed: 1 }, {}));
}, 120_000);

describe('a chart drawn with changed drawing parameters', () => {
  it('is the chart of an analysis made with them: a re-run parameters cell takes effect without reading the data again', () => {
    const params = { ...analysis.parameters, theme: 'light' as const, labels: 5, top: 7, zoomed: 1 };
    expect(worldMapChart(analysis, params).svg.outerHTML).toBe(worldMapChart(lightWithFiveLabels).svg.outerHTML);
    expect(topCitiesChart(analysis, params).svg.outerHTML).toBe(topCitiesChart(lightWithFiveLabels).svg.outerHTML);
    expect(usernamesChart(analysis, params).svg.outerHTML).toBe(usernamesChart(lightWithFiveLabels).svg.outerHTML);
    expect(Object.keys(placeMapCharts(analysis, params))).toEqual(Object.keys(placeMapCharts(lightWithFiveLabels)));
    expect(Object.keys(placeMapCharts(analysis, params))).toHaveLength(1);
    expect(Object.keys(placeMapCharts(analysis))).toHaveLength(2);
  });

  it('differs from the default one where it should: theme colours, labels and bars', () => {
    const dark = worldMapChart(analysis);
    const light = worldMapChart(analysis, { theme: 'light', labels: 5 });
    expect(dark.svg.outerHTML).toContain('#0b1020');
    expect(light.svg.outerHTML).not.toContain('#0b1020');
    expect(light.svg.outerHTML).toContain('#ffffff');
    expect(topCitiesChart(analysis, { top: 7 }).svg.outerHTML).toContain('Top 7 attacking cities');
    expect(topCitiesChart(analysis).svg.outerHTML).toContain('Top 20 attacking cities');
  });

  it('refuses a parameter the analysis was made with, naming it as the parameters cell does', () => {
    expect(() => worldMapChart(analysis, { ...analysis.parameters })).not.toThrow();
    expect(() => worldMapChart(analysis, { ...analysis.parameters, data: ['/elsewhere'] })).toThrow(
      'DATA changed since the analysis was made: run the analysis cell again (botmap.analyse(params, …)), then this one.',
    );
    expect(() => topCitiesChart(analysis, { clusterRadiusKm: 50, timeZone: 'Europe/Paris' })).toThrow(/^TIME_ZONE, CLUSTER_KM changed since/);
  });
});

describe('notebookParameters', () => {
  const cell: CellParameters = {
    DATA: ['data/sample'], MMDB: '', ASN_MMDB: '', OUT: 'output', THEME: 'dark', TOP: 20, LABELS: 10, ZOOMED: 2,
    CLUSTER_KM: 100, PROJECTION: 'equal-earth', TIME_ZONE: 'UTC', SPLIT_DATE: '', IPV6_64: false,
  };

  it('says which environment variables override the cell, and nothing when none does', () => {
    const lines: string[] = [];
    const params = notebookParameters(cell, { BOTMAP_THEME: 'light', BOTMAP_TOP: '20', BOTMAP_DATA: '/srv/logs' }, (line) => lines.push(line));
    expect(params.theme).toBe('light');
    expect(params.data).toEqual(['/srv/logs']);
    expect(lines).toEqual([
      `BOTMAP_DATA overrides DATA of the parameters cell: /srv/logs instead of ${path.join(ROOT, 'data', 'sample')}.`,
      'BOTMAP_THEME overrides THEME of the parameters cell: "light" instead of "dark".',
    ]);
    const none: string[] = [];
    notebookParameters(cell, {}, (line) => none.push(line));
    expect(none).toEqual([]);
  });
});

describe('the data window of a chart subtitle', () => {
  it("is in days of the run's zone: the logs' own days, whatever zone their times are read in", async () => {
    expect(dataWindow(analysis)).toBe('2026-09-14 – 2026-10-25');
    for (const zone of ['+14:00', '-11:00']) {
      const elsewhere = await analyse(parameters({ ...made, timeZone: zone }, {}));
      expect(dataWindow(elsewhere), zone).toBe('2026-09-14 – 2026-10-25');
    }
  }, 60_000);
});
