import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as aq from 'arquero';
import { op, type ColumnTable } from 'arquero';
import { databaseCredit, dataWindow, drawingParameters, placeNamesCredit } from '../charts/charts';
import { formatCount } from '../charts/frame';
import { countryName } from '../charts/atlas';
import { fitWorld } from '../charts/geo';
import { placeLabels, type PlacedLabel } from '../charts/labels';
import { niceSizeValues } from '../charts/legends';
import { labelHeight, labelWidth } from '../charts/marks';
import { themeNamed, type Theme } from '../charts/theme';
import { baseMapPaths, dotRadius, MIN_DOT_RADIUS, SMALL_DOT, worldLabels, type BaseMapPaths, type CityPoint } from '../charts/world-map';
import { cityKey, cityLabel } from '../aggregate/places';
import { pageCountries, pageFilters, type PageCountries, type PageFilters } from './map-filters';
import { rankOrder } from '../aggregate/ranking';
import type { Analysis } from '../notebook/pipeline';
import { projectRoot } from '../project';

/** Width of the page's map in pixels at zoom 1: the static world map's default. */
export const MAP_WIDTH = 1200;
const MAX_RADIUS = 22;
/** Zoom factors at which labels are placed again (each label keeps the box of the level below the current zoom). */
export const LABEL_LEVELS = [1, 2, 4, 8, 16, 32] as const;
/** Places labelled at each level: the largest first, as many as the no-overlap rule leaves room for. */
const LABELS_AT_LEVEL = [10, 24, 60, 120, 200, 260] as const;
/** Networks listed in a dot's details. */
const TOP_NETWORKS = 3;

/** A city of the page: where (pixels at zoom 1), its radius, what it is, its counts and details. */
interface PageCities {
  x: number[];
  y: number[];
  r: number[];
  name: string[];
  country: string[];
  ips: number[];
  events: number[];
  first: (string | null)[];
  last: (string | null)[];
  /** The largest networks there: `[asn, org, addresses]`. */
  networks: [number | null, string | null, number][][];
}

/** A place label: its anchor (zoom 1), text, and at each level its box offset from the anchor `[dx, dy, width, height, leader]`, or 0 where unplaced. */
interface PageLabel {
  x: number;
  y: number;
  name: string;
  count: string;
  at: ([number, number, number, number, 0 | 1] | 0)[];
}

/** Labels, and the label of each city's place (index into the labels; -1 where the place has none). */
interface LabelsAndPlaces {
  labels: PageLabel[];
  placeOfCity: number[];
}

/** Everything the page draws, embedded as JSON. */
export interface MapPageData {
  width: number;
  height: number;
  title: string;
  subtitle: string;
  credits: string[];
  theme: Pick<Theme, 'name' | 'background' | 'ocean' | 'land' | 'border' | 'graticule' | 'text' | 'muted' | 'accent' | 'dotFill' | 'dotStroke' | 'dotOpacity' | 'smallDot' | 'leader' | 'fontFamily'>;
  /** Dots of a smaller radius (px) are drawn as the static map draws them: together, without an outline (`SMALL_DOT`). */
  smallDot: number;
  base: BaseMapPaths;
  levels: readonly number[];
  cities: PageCities;
  labels: PageLabel[];
  legend: { value: number; r: number }[];
  /** The dot radius of a count under a filter: `max(min, max × √(ips / of))` (`dotRadius`), on the whole run's scale. */
  radius: { max: number; of: number; min: number };
  /** Each city's place: index into `labels`, -1 for none (its count under a filter is recounted from its cities). */
  cityPlace: number[];
  countries: PageCountries;
  filters: PageFilters;
}

const minute = (ms: number | null) => (ms == null ? null : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`);

/** First and last seen and the largest networks of each city, from the per-address table. */
function cityDetails(ips: ColumnTable): { seen: Map<string, { first: number | null; last: number | null }>; networks: Map<string, [number | null, string | null, number][]> } {
  const located = ips.filter((d: any) => d.precision === 'city').derive({ key: aq.escape((d: any) => cityKey(d)) });
  const seen = new Map<string, { first: number | null; last: number | null }>();
  for (const row of located.groupby('key').rollup({ first: op.min('first_seen'), last: op.max('last_seen') }).objects() as { key: string; first: number | null; last: number | null }[]) {
    seen.set(row.key, { first: row.first, last: row.last });
  }
  const networks = new Map<string, [number | null, string | null, number][]>();
  const byNetwork = located
    .filter((d: any) => d.asn != null)
    .groupby('key', 'asn', 'org')
    .rollup({ ips: op.distinct('attacker'), events: op.sum('events') })
    .orderby('key', ...rankOrder('asn'));
  for (const row of byNetwork.objects() as { key: string; asn: number; org: string | null; ips: number }[]) {
    const list = networks.get(row.key) ?? [];
    if (list.length < TOP_NETWORKS) list.push([row.asn, row.org, row.ips]);
    networks.set(row.key, list);
  }
  return { seen, networks };
}

/**
 * The labels of the largest places at each zoom level, placed by the static map's no-overlap
 * rule (`placeLabels`) on the map scaled by the level: the page shows, at zoom k, the boxes of
 * the highest level not above k, so more places are named as one zooms in.
 */
function levelLabels(analysis: Analysis, sorted: readonly (CityPoint & { subdivision: string | null })[], project: (lon: number, lat: number) => number[], radius: (ips: number) => number, height: number, cityIndex: Map<string, number>): LabelsAndPlaces {
  // Anchored at the place's largest city, not its centre: zoomed in, the label points at a dot.
  const places = analysis.aggregates.places?.length
    ? analysis.aggregates.places.map((place) => (place.cities.length ? { ...place, latitude: place.cities[0].latitude, longitude: place.cities[0].longitude } : place))
    : undefined;
  const most = Math.max(...LABELS_AT_LEVEL);
  const base = worldLabels(sorted, { places, count: most, project, radius, maxRadius: MAX_RADIUS });
  const labels: PageLabel[] = base.map((l) => ({ x: l.x, y: l.y, name: l.text.name, count: l.text.count, at: [] }));
  LABEL_LEVELS.forEach((k, level) => {
    const scaled = (lon: number, lat: number) => project(lon, lat).map((v) => v * k);
    const at = worldLabels(sorted, { places, count: LABELS_AT_LEVEL[level], project: scaled, radius, maxRadius: MAX_RADIUS });
    const requests = at.map((l) => ({ x: l.x, y: l.y, r: l.ring, width: labelWidth(l.text), height: labelHeight() }));
    const placed = placeLabels(requests, { x: 4, y: 4, width: MAP_WIDTH * k - 8, height: height * k - 8 }, 2);
    labels.forEach((label, i) => {
      const p: PlacedLabel | null | undefined = placed[i];
      label.at.push(p ? [round(p.x - p.anchorX), round(p.y - p.anchorY), round(p.width), p.height, p.leader ? 1 : 0] : 0);
    });
  });
  const placeOfCity: number[] = Array.from({ length: cityIndex.size }, () => -1);
  const kept = labels.flatMap((label, i) => (label.at.some((a) => a !== 0) ? [i] : []));
  kept.forEach((i, label) => {
    const members = places ? places[i].cities : [sorted[i]];
    for (const city of members) {
      const index = cityIndex.get(cityKey(city));
      if (index !== undefined) placeOfCity[index] = label;
    }
  });
  return { labels: kept.map((i) => labels[i]), placeOfCity };
}

const round = (v: number) => Math.round(v * 10) / 10;

/** The data of the run's interactive world map: the static world map's dots, shapes, projection and labels, and each city's details. */
export function mapPageData(analysis: Analysis, options: { maxCells?: number } = {}): MapPageData {
  const parameters = drawingParameters(analysis);
  const theme = themeNamed(parameters.theme);
  const { projection, height } = fitWorld(parameters.projection, MAP_WIDTH);
  const project = (lon: number, lat: number) => projection([lon, lat]) ?? [NaN, NaN];
  const cityRows = analysis.aggregates.cities.objects() as (CityPoint & { subdivision: string | null })[];
  const sorted = [...cityRows].sort((a, b) => b.ips - a.ips || cityLabel(a).localeCompare(cityLabel(b)));
  const maxIps = sorted.length ? sorted[0].ips : 0;
  const radius = (ips: number) => dotRadius(ips, maxIps, MAX_RADIUS);
  const { seen, networks } = cityDetails(analysis.aggregates.ips);
  const cities: PageCities = { x: [], y: [], r: [], name: [], country: [], ips: [], events: [], first: [], last: [], networks: [] };
  const cityIndex = new Map<string, number>();
  const cityCountries: (string | null)[] = [];
  for (const c of sorted) {
    const [x, y] = project(c.longitude, c.latitude);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const key = cityKey(c);
    cityIndex.set(key, cities.x.length);
    cityCountries.push(c.country);
    cities.x.push(round(x));
    cities.y.push(round(y));
    cities.r.push(round(radius(c.ips)));
    cities.name.push(cityLabel(c));
    cities.country.push(c.country_name || (c.country ? (countryName(c.country) ?? c.country) : ''));
    cities.ips.push(c.ips);
    cities.events.push(c.events);
    cities.first.push(minute(seen.get(key)?.first ?? null));
    cities.last.push(minute(seen.get(key)?.last ?? null));
    cities.networks.push(networks.get(key) ?? []);
  }
  const located = sorted.reduce((s, c) => s + c.ips, 0);
  const { labels, placeOfCity } = levelLabels(analysis, sorted, project, radius, height, cityIndex);
  const countries = pageCountries(analysis.aggregates.countries, parameters.projection, MAP_WIDTH);
  return {
    width: MAP_WIDTH,
    height,
    title: 'Where the attacks come from',
    subtitle: `${dataWindow(analysis)} · ${formatCount(located)} addresses in ${formatCount(sorted.length)} cities`,
    credits: [databaseCredit(analysis), placeNamesCredit(), 'Shapes: Natural Earth (world-atlas).'],
    theme: {
      name: theme.name, background: theme.background, ocean: theme.ocean, land: theme.land, border: theme.border, graticule: theme.graticule, text: theme.text,
      muted: theme.muted, accent: theme.accent, dotFill: theme.dotFill, dotStroke: theme.dotStroke, dotOpacity: theme.dotOpacity, smallDot: theme.smallDot, leader: theme.leader, fontFamily: theme.fontFamily,
    },
    base: baseMapPaths('110m', parameters.projection, MAP_WIDTH, false),
    levels: LABEL_LEVELS,
    cities,
    labels,
    legend: niceSizeValues(maxIps).map((value) => ({ value, r: round(radius(value)) })),
    radius: { max: MAX_RADIUS, of: maxIps, min: MIN_DOT_RADIUS },
    smallDot: SMALL_DOT,
    cityPlace: placeOfCity,
    countries,
    filters: pageFilters(analysis, [...cityIndex.keys()], cityCountries, countries.code, options.maxCells),
  };
}

let clientScript: string | null = null;

/** The page's script: `map-client.js` and d3-zoom bundled by esbuild into one inline script, once per process. */
export function mapClientScript(): string {
  if (clientScript === null) {
    const root = projectRoot();
    const esbuild = createRequire(path.join(root, 'package.json'))('esbuild') as typeof import('esbuild');
    const result = esbuild.buildSync({
      entryPoints: [path.join(root, 'src', 'export', 'map-client.js')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    // An inline script must not contain its own end tag.
    clientScript = result.outputFiles[0].text.replace(/<\/(script)/gi, '<\\/$1');
  }
  return clientScript;
}

/**
 * The page's data as it travels in the page: JSON, gzipped, in base64. Text only base64's
 * letters can hold no markup (no `</script>`), and gzip keeps 10,000 cities with each
 * attacker's days under the 3 MB a page may weigh (6 MB of JSON for the bench's run, 1.6 MB gzipped).
 */
export function packMapData(data: MapPageData): string {
  // Level 4: on the bench's page, 85 ms for 1.61 MB where the default level 6 took 365 ms for 1.46 MB.
  return gzipSync(JSON.stringify(data), { level: 4 }).toString('base64');
}

/** The data of a map.html (`packMapData` undone), for tests and tools. */
export function readMapPageData(html: string): MapPageData {
  const packed = /<script type="application\/gzip" id="botmap-data">([A-Za-z0-9+/=]*)<\/script>/.exec(html);
  if (!packed) throw new Error('map.html: no data block (<script type="application/gzip" id="botmap-data">)');
  return JSON.parse(gunzipSync(Buffer.from(packed[1], 'base64')).toString('utf8')) as MapPageData;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function pageStyle(theme: MapPageData['theme']): string {
  return `
html, body { margin: 0; background: ${theme.background}; color: ${theme.text}; font-family: ${theme.fontFamily}; }
header, footer { padding: 0.5rem 1rem; } h1 { font-size: 1.25rem; margin: 0; } .muted { color: ${theme.muted}; font-size: 0.85rem; }
#map { position: relative; } #map canvas { display: block; width: 100%; height: auto; }
#map svg.overlay { position: absolute; left: 0; top: 0; width: 100%; height: 100%; touch-action: none; cursor: grab; }
#tip { position: absolute; pointer-events: none; background: ${theme.background}; border: 1px solid ${theme.muted}; padding: 0.4rem 0.6rem; font-size: 0.8rem; max-width: 22rem; display: none; white-space: pre-line; }
#tip b { display: block; } #controls, #filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: 0.25rem 1rem; font-size: 0.85rem; }
#filters .range { display: inline-flex; gap: 0.5rem; align-items: center; } #filters input[type=range] { width: 12rem; accent-color: ${theme.accent}; }
select { font: inherit; background: ${theme.background}; color: ${theme.text}; border: 1px solid ${theme.muted}; }
button { font: inherit; } #legend svg { vertical-align: middle; }
`;
}

/**
 * `map.html`: the run's world map to zoom, pan and hover, in one file that makes no request.
 * Its script is inline and allowed by hash alone; log text travels as packed data (`packMapData`)
 * and is shown with `textContent`, so a name from a log is never markup.
 */
export function mapPageHtml(analysis: Analysis): string {
  const data = mapPageData(analysis);
  const script = mapClientScript();
  const style = pageStyle(data.theme);
  const csp = `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(style)}; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>BotMap · world map</title>
<style>${style}</style>
</head>
<body>
<header><h1 id="title"></h1><div class="muted" id="subtitle"></div></header>
<div id="controls"><span id="legend"></span><span class="muted" id="zoom"></span></div>
<div id="filters"></div>
<div id="map"><div id="tip" role="tooltip"></div></div>
<footer class="muted" id="credits"></footer>
<script type="application/gzip" id="botmap-data">${packMapData(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}
