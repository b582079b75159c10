import * as Plot from '@observablehq/plot';
import { geoPath } from 'd3-geo';
import { loadAtlas, type AtlasResolution } from './atlas';
import { SVG_NS, type SvgDocument, type SvgNode } from './dom';
import { placeLabels, type PlacedLabel } from './labels';
import type { Theme } from './theme';
import { el, fmt, framed, formatCount, ofAll, countOf, setup, type Chart, type ChartOptions, type Legend } from './frame';
import { fitWorld, geoGraticuleLines, roundedProjection, SPHERE, type ProjectionName } from './geo';
import { legendRow, niceSizeValues, rampLegend, sizeLegend } from './legends';
import { customMark, dotsGroup, labelHeight, labelsGroup, labelWidth, type LabelText, type PixelDot } from './marks';
import { cityAndCountry, cityLabel } from '../aggregate/places';

/** A city-level point to draw: the rows of the `cities` table. */
export interface CityPoint {
  /** Null for a point given without a city name: it is labelled by its country or coordinates (`cityLabel`). */
  city: string | null;
  country: string | null;
  country_name?: string | null;
  latitude: number;
  longitude: number;
  ips: number;
  events: number;
}

/** A place to label on the world map: a cluster of nearby cities (`PlaceCluster` fits). */
export interface MapPlace {
  name: string;
  country: string | null;
  latitude: number;
  longitude: number;
  ips: number;
  events: number;
  cities: readonly { latitude: number; longitude: number; ips: number }[];
}

/** What colours the dots: nothing (one colour), the events counted there, or their share of all events. */
export type DotColor = 'events' | 'share' | null;

export interface WorldMapOptions extends ChartOptions {
  /** How many of the largest places (or cities, without `places`) get a label on the map. */
  labels?: number;
  projection?: ProjectionName;
  graticule?: boolean;
  /** Largest dot radius in pixels. */
  maxRadius?: number;
  resolution?: AtlasResolution;
  /** Places to label, largest first; without them the largest cities are labelled. */
  places?: readonly MapPlace[];
  /** Colour the dots by a second measure. */
  color?: DotColor;
  /** Draw the size (and colour) legend; default true. */
  legend?: boolean;
}

/** Dots smaller than this radius (px) are drawn without an outline. */
export const SMALL_DOT = 2;
/** The smallest dot's radius (px): one address stays visible beside a large maximum. */
export const MIN_DOT_RADIUS = 1.2;

/** Dot radius for a count: area, not radius, grows with the count. */
export function dotRadius(count: number, maxCount: number, maxRadius: number): number {
  return maxCount > 0 ? Math.max(MIN_DOT_RADIUS, maxRadius * Math.sqrt(count / maxCount)) : 0;
}

/**
 * The dots smaller than `SMALL_DOT` as one <path> per fill colour, each dot a circle of two arcs,
 * in the order given. On a dense map these are nearly all the dots, and as <circle> elements
 * they cost the most of any part of the map: ~70 ms to build in linkedom and ~45 ms to parse
 * and draw in resvg for 10,000. Drawn together, overlapping dots of one colour are filled once,
 * which at their near-opaque fill looks no different.
 */
function smallDotsGroup(document: SvgDocument, dots: readonly PixelDot[], style: { fill?: string; fillOpacity: number }): SvgNode {
  const g = el(document, 'g', { class: 'botmap-dots botmap-dots-small', fill: style.fill, 'fill-opacity': style.fillOpacity });
  const circlesByFill = new Map<string | undefined, string[]>();
  // Radii rounded to a tenth take a few values: their arcs are written once.
  const arcsByTenths = new Map<number, string>();
  for (const d of dots) {
    if (!Number.isFinite(d.x) || !Number.isFinite(d.y)) continue;
    const tenths = Math.round(Math.max(0.5, d.r) * 10);
    let arcs = arcsByTenths.get(tenths);
    if (!arcs) {
      const r = fmt(tenths / 10);
      const diameter = fmt(tenths / 5);
      arcs = `a${r},${r} 0 1,0 ${diameter},0a${r},${r} 0 1,0 -${diameter},0`;
      arcsByTenths.set(tenths, arcs);
    }
    const circle = `M${fmt(d.x - tenths / 10)},${fmt(d.y)}${arcs}`;
    const circles = circlesByFill.get(d.fill);
    if (circles) circles.push(circle);
    else circlesByFill.set(d.fill, [circle]);
  }
  for (const [fill, circles] of circlesByFill) g.appendChild(el(document, 'path', { d: circles.join(''), fill }));
  return g;
}

/** Side, in pixels, of the squares that carry the small dots' hover titles. */
const HOVER_CELL = 8;
/** Cities listed in one square's hover title; the rest are summed up in a line. */
const HOVER_CITIES = 8;

/** Addresses and events of the map's cities together, for the shares the hover titles give. */
interface CityTotals {
  ips: number;
  events: number;
}

/** A city's hover title: name and country, addresses and events with their shares of the map's. */
function cityTitle(c: CityPoint, totals: CityTotals): string {
  return `${cityAndCountry(c)}\n${countOf(c.ips, 'address', 'addresses')}${ofAll(c.ips, totals.ips)}\n${countOf(c.events, 'event')}${ofAll(c.events, totals.events)}`;
}

/** The hover title of a square of small dots: each city's counts, largest first, then the square's share of all. */
function squareTitle(cities: readonly CityPoint[], totals: CityTotals): string {
  if (cities.length === 1) return cityTitle(cities[0], totals);
  const lines = cities.slice(0, HOVER_CITIES).map((c) => `${cityAndCountry(c)}: ${countOf(c.ips, 'address', 'addresses')}, ${countOf(c.events, 'event')}`);
  const more = cities.length - HOVER_CITIES;
  if (more > 0) lines.push(`… and ${countOf(more, 'more city', 'more cities')}`);
  const ips = cities.reduce((sum, c) => sum + c.ips, 0);
  const events = cities.reduce((sum, c) => sum + c.events, 0);
  lines.push(`These ${cities.length} cities: ${countOf(ips, 'address', 'addresses')}${ofAll(ips, totals.ips)}, ${countOf(events, 'event')}${ofAll(events, totals.events)}`);
  return lines.join('\n');
}

/** The larger dots over the centre of each hover square (keyed like the squares), in the order given. */
function dotsOverSquares(dots: readonly PixelDot[], cities: readonly CityPoint[]): Map<string, CityPoint[]> {
  const over = new Map<string, CityPoint[]>();
  dots.forEach((d, i) => {
    for (let x = Math.floor((d.x - d.r) / HOVER_CELL) * HOVER_CELL; x <= d.x + d.r; x += HOVER_CELL) {
      for (let y = Math.floor((d.y - d.r) / HOVER_CELL) * HOVER_CELL; y <= d.y + d.r; y += HOVER_CELL) {
        if ((x + HOVER_CELL / 2 - d.x) ** 2 + (y + HOVER_CELL / 2 - d.y) ** 2 > d.r * d.r) continue;
        const key = `${x},${y}`;
        const list = over.get(key);
        if (list) list.push(cities[i]);
        else over.set(key, [cities[i]]);
      }
    }
  });
  return over;
}

/**
 * The small dots' details on hover. Drawn as one path per colour, they have no element of their
 * own to carry a <title>, and an element per dot would take the dense map's SVG past 1 MB: so an
 * invisible square per 8 px of the map that holds small dots carries the details of its cities,
 * largest first, and of the larger dots it covers. The group's zero opacity keeps it out of the PNG (resvg skips it) while a
 * browser still finds the squares under the pointer.
 */
function smallDotsHover(document: SvgDocument, dots: readonly PixelDot[], cities: readonly CityPoint[], totals: CityTotals, under: { dots: readonly PixelDot[]; cities: readonly CityPoint[] }): SvgNode {
  const g = el(document, 'g', { class: 'botmap-hover', opacity: 0 });
  const covered = dotsOverSquares(under.dots, under.cities);
  const squares = new Map<string, { x: number; y: number; cities: CityPoint[] }>();
  dots.forEach((d, i) => {
    if (!Number.isFinite(d.x) || !Number.isFinite(d.y)) return;
    const x = Math.floor(d.x / HOVER_CELL) * HOVER_CELL;
    const y = Math.floor(d.y / HOVER_CELL) * HOVER_CELL;
    const key = `${x},${y}`;
    const square = squares.get(key);
    if (square) square.cities.push(cities[i]);
    else squares.set(key, { x, y, cities: [cities[i]] });
  });
  for (const { x, y, cities: here } of squares.values()) {
    const square = el(document, 'path', { d: `M${x},${y}h${HOVER_CELL}v${HOVER_CELL}h-${HOVER_CELL}z` });
    // The square hides the larger dots under its centre from the pointer: it lists them too, first.
    square.appendChild(el(document, 'title', {}, squareTitle([...(covered.get(`${x},${y}`) ?? []), ...here], totals)));
    g.appendChild(square);
  }
  return g;
}

/** A world map's sphere, graticule, land and borders as SVG path data, in pixels. */
export interface BaseMapPaths {
  sphere: string;
  graticule: string | null;
  land: string;
  borders: string;
}

const baseMapPathsCache = new Map<string, BaseMapPaths>();
/** Base maps kept: a notebook trying many widths would otherwise hold one each (~1 MB at 50m). */
const BASE_MAPS_KEPT = 8;

/**
 * The base map for an atlas resolution, projection and width, projected once per process: the
 * land and borders take ~15 ms to project (~50 ms the first time), and a notebook redraws the
 * map on every change.
 */
export function baseMapPaths(resolution: AtlasResolution, projectionName: ProjectionName, width: number, graticule: boolean): BaseMapPaths {
  const key = `${resolution} ${projectionName} ${width} ${graticule}`;
  let paths = baseMapPathsCache.get(key);
  if (!paths) {
    const atlas = loadAtlas(resolution);
    const { projection } = fitWorld(projectionName, width);
    const path = geoPath(roundedProjection(projection) as any);
    const sphere = path(SPHERE as any) ?? '';
    const graticuleLines = graticule ? (path(geoGraticuleLines()) ?? '') : null;
    // Natural Earth's points lie a few pixels apart at any map size: d3's adaptive resampling,
    // which the sphere's outline and the graticule need, adds none to them (the default map
    // comes out the same) and takes ~40% of the time to project them.
    projection.precision(0);
    paths = { sphere, graticule: graticuleLines, land: path(atlas.land) ?? '', borders: path(atlas.borders) ?? '' };
    baseMapPathsCache.set(key, paths);
    if (baseMapPathsCache.size > BASE_MAPS_KEPT) baseMapPathsCache.delete(baseMapPathsCache.keys().next().value as string);
  }
  return paths;
}

/** The projected outline of each country code that has a shape at `resolution` (codes without one, such as Singapore's at 110m, are left out). */
export function countryPaths(codes: readonly string[], resolution: AtlasResolution, projectionName: ProjectionName, width: number): Map<string, string> {
  const { projection } = fitWorld(projectionName, width);
  projection.precision(0);
  const path = geoPath(roundedProjection(projection) as any);
  const outlines = new Map<string, string>();
  const atlas = loadAtlas(resolution);
  for (const code of codes) {
    const d = (atlas.byAlpha2.get(code.toUpperCase()) ?? []).map((feature) => path(feature) ?? '').join('');
    if (d) outlines.set(code, d);
  }
  return outlines;
}

/** The base map's layers (ocean, graticule, land, borders), drawn as Plot's geo mark would draw them, from projected paths. */
function baseMapGroup(document: SvgDocument, theme: Theme, paths: BaseMapPaths): SvgNode {
  const g = el(document, 'g', { class: 'botmap-base-map' });
  const layer = (d: string, style: Record<string, string | number>) => {
    const group = el(document, 'g', { 'aria-label': 'geo', ...style });
    group.appendChild(el(document, 'path', { d }));
    g.appendChild(group);
  };
  const line = (stroke: string, width: number) => ({ fill: 'none', stroke, 'stroke-width': width, 'stroke-linejoin': 'round', 'stroke-linecap': 'round' });
  layer(paths.sphere, { fill: theme.ocean });
  if (paths.graticule !== null) layer(paths.graticule, line(theme.graticule, 0.6));
  layer(paths.land, { fill: theme.land });
  layer(paths.borders, line(theme.border, 0.5));
  return g;
}

/**
 * A colour function for a log scale over [min, max] along the theme's sequential stops
 * (starting at stop `from`, so the faintest colours are left out where dots must stand out).
 */
export function sequentialColor(theme: Theme, domain: [number, number], type: 'log' | 'linear' = 'log', from = 0) {
  const stops = theme.sequential.slice(from);
  const [lo, hi] = domain;
  const scale = Plot.scale({ color: { type, domain: [lo, hi > lo ? hi : lo + 1], range: stops as string[], interpolate: 'hcl', clamp: true } as any });
  const ramp = Plot.scale({ color: { type: 'linear', domain: [0, 1], range: stops as string[], interpolate: 'hcl' } as any });
  const position = (v: number) => {
    if (type === 'log') return hi > lo ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : 0;
    return hi > lo ? (v - lo) / (hi - lo) : 0;
  };
  return { color: (v: number) => String(scale.apply(v)), ramp: (t: number) => String(ramp.apply(t)), position };
}

/** Ticks of a log scale between lo and hi: powers of ten and their 2× and 5×, trimmed to a few. */
export function logTicks(lo: number, hi: number, max = 5): number[] {
  const ticks: number[] = [];
  for (let p = 10 ** Math.floor(Math.log10(Math.max(lo, 1e-9))); p <= hi; p *= 10) {
    for (const m of [1, 2, 5]) if (p * m >= lo && p * m <= hi) ticks.push(p * m);
  }
  if (ticks.length <= max) return ticks;
  const powers = ticks.filter((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9);
  return powers.length >= 2 ? powers.filter((_, i, a) => a.length <= max || i % Math.ceil(a.length / max) === 0) : [ticks[0], ticks[ticks.length - 1]];
}

/** The dots' fill by a second measure (`options.color`), and its colour-ramp legend; null without one. */
function dotColors(sorted: readonly CityPoint[], color: DotColor | undefined, theme: Theme, document: SvgDocument): { fillOf: (c: CityPoint) => string; legend: Legend } | null {
  if (!color || !sorted.length) return null;
  const total = sorted.reduce((s, c) => s + c.events, 0) || 1;
  const value = color === 'share' ? (c: CityPoint) => (100 * c.events) / total : (c: CityPoint) => c.events;
  const values = sorted.map(value).filter((v) => v > 0);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // The faintest stop is left out: the smallest dots must stand out from the land.
  const scale = sequentialColor(theme, [lo, hi], 'log', 1);
  const format = color === 'share' ? (v: number) => `${v < 1 ? String(Math.round(v * 100) / 100) : formatCount(v)}%` : formatCount;
  const legend = rampLegend(document, theme, {
    label: color === 'share' ? 'Share of all events (colour)' : 'Events per city (colour)',
    color: scale.ramp,
    ticks: logTicks(lo, hi).map((v) => ({ at: scale.position(v), text: format(v) })),
    width: 200,
  });
  return { fillOf: (c) => (value(c) > 0 ? scale.color(value(c)) : theme.sequential[1]), legend };
}

/** A label to place on the world map: where, the ring round what it labels, its text, and what it is in a note. */
export interface WorldLabel {
  x: number;
  y: number;
  ring: number;
  text: LabelText;
  what: string;
}

/** Labels for the largest places (a ring around all their cities), or without places for the largest cities. */
export function worldLabels(sorted: readonly CityPoint[], options: { places?: readonly MapPlace[]; count: number; project: (lon: number, lat: number) => number[]; radius: (ips: number) => number; maxRadius: number }): WorldLabel[] {
  const { project, radius } = options;
  if (!options.places) {
    return sorted.slice(0, options.count).map((city) => {
      const [x, y] = project(city.longitude, city.latitude);
      return { x, y, ring: radius(city.ips) + 1.5, text: { name: cityLabel(city), count: formatCount(city.ips) }, what: `${cityLabel(city)} (${formatCount(city.ips)} addresses)` };
    });
  }
  return options.places.slice(0, options.count).map((place) => {
    const [x, y] = project(place.longitude, place.latitude);
    let ring = radius(place.ips > 0 && place.cities.length ? place.cities[0].ips : place.ips) + 1.5;
    for (const city of place.cities) {
      const [cx, cy] = project(city.longitude, city.latitude);
      if (Number.isFinite(cx)) ring = Math.max(ring, Math.hypot(cx - x, cy - y) + radius(city.ips) + 1.5);
    }
    // A place astride the map's edge (the antimeridian) would get a ring across the world.
    ring = Math.min(ring, 2 * options.maxRadius);
    return { x, y, ring, text: { name: place.name, count: formatCount(place.ips) }, what: `${place.name} (${formatCount(place.ips)} addresses)` };
  });
}

/**
 * The city dots, largest first. The smallest go without an outline, filled with what the
 * outline and fill blend to at that size: outlines cost half the PNG's time on dense maps.
 */
function worldDotsMark({ dots, cities, coloured, theme }: { dots: readonly PixelDot[]; cities: readonly CityPoint[]; coloured: boolean; theme: Theme }) {
  return customMark((doc) => {
    const g = doc.createElementNS(SVG_NS, 'g');
    const totals = { ips: cities.reduce((sum, c) => sum + c.ips, 0), events: cities.reduce((sum, c) => sum + c.events, 0) };
    const small = dots.findIndex((d) => d.r < SMALL_DOT);
    const large = (small < 0 ? dots : dots.slice(0, small)).map((d, i) => ({ ...d, title: cityTitle(cities[i], totals) }));
    const rest = small < 0 ? [] : dots.slice(small);
    g.appendChild(
      dotsGroup(doc, large, {
        fill: coloured ? undefined : theme.dotFill,
        fillOpacity: coloured ? Math.min(1, theme.dotOpacity + 0.25) : theme.dotOpacity,
        stroke: coloured ? theme.background : theme.dotStroke,
        strokeWidth: coloured ? 0.4 : 0.6,
        strokeOpacity: coloured ? 0.6 : 0.9,
      }),
    );
    if (rest.length) {
      g.appendChild(
        smallDotsGroup(doc, rest, {
          fill: coloured ? undefined : theme.smallDot,
          fillOpacity: coloured ? Math.min(1, theme.dotOpacity + 0.3) : 0.9,
        }),
      );
      g.appendChild(smallDotsHover(doc, rest, cities.slice(small), totals, { dots: large, cities: cities.slice(0, small) }));
    }
    return g;
  });
}

/**
 * The world map: one dot per city, area by distinct addresses, optionally coloured by events;
 * the largest places (or cities) labelled with name and count, a ring around each labelled
 * place's dots and a leader line where a label had to move. Country-only addresses are not
 * drawn (they sit on a country's default point, not a place).
 */
export function worldMap(cities: readonly CityPoint[], options: WorldMapOptions): Chart {
  const { theme, document, width } = setup(options, 1200);
  const projectionName = options.projection ?? 'equal-earth';
  const { projection, height: mapHeight } = fitWorld(projectionName, width);
  const base = baseMapPaths(options.resolution ?? '110m', projectionName, width, !!options.graticule);

  const maxRadius = options.maxRadius ?? 22;
  const maxIps = cities.reduce((m, c) => Math.max(m, c.ips), 0);
  const radius = (ips: number) => dotRadius(ips, maxIps, maxRadius);
  // Big dots first so small ones stay visible on top.
  const sorted = [...cities].sort((a, b) => b.ips - a.ips || cityLabel(a).localeCompare(cityLabel(b)));
  const project = (lon: number, lat: number) => projection([lon, lat]) ?? [NaN, NaN];
  const colors = dotColors(sorted, options.color, theme, document);
  const dots = sorted.map((c) => {
    const [x, y] = project(c.longitude, c.latitude);
    return { x, y, r: radius(c.ips), fill: colors ? colors.fillOf(c) : undefined };
  });

  const labelled = worldLabels(sorted, { places: options.places, count: Math.max(0, options.labels ?? 10), project, radius, maxRadius });
  const requests = labelled.map((l) => ({ x: l.x, y: l.y, r: l.ring, width: labelWidth(l.text), height: labelHeight() }));
  // Labels keep clear of the larger unlabelled dots when they can.
  const bigDots = dots.filter((d) => d.r >= 5 && Number.isFinite(d.x));
  const placed = placeLabels(requests, { x: 4, y: 4, width: width - 8, height: mapHeight - 8 }, 2, { dots: bigDots });
  const notes = labelled.filter((_, i) => !placed[i]).map((l) => `No room to label ${l.what} on the world map.`);

  const plot = Plot.plot({
    document,
    width,
    height: mapHeight,
    margin: 0,
    style: { background: 'transparent', color: theme.text, fontFamily: theme.fontFamily },
    marks: [
      customMark((doc) => baseMapGroup(doc, theme, base)),
      worldDotsMark({ dots, cities: sorted, coloured: colors !== null, theme }),
      customMark((doc) => labelsGroup(doc, theme, placed, labelled.map((l) => l.text), { rings: labelled.map((l) => l.ring) })),
    ],
  }) as unknown as SvgNode;
  // A nested <svg> clips by default, and resvg draws a clipped element through a layer the size
  // of the image (~50 ms of the PNG at 2×). Everything here lies within the sphere but the edge
  // of a dot or ring, which may as well show.
  plot.setAttribute('overflow', 'visible');

  const legend =
    options.legend === false || !sorted.length
      ? null
      : legendRow(document, [
          sizeLegend(document, theme, {
            label: 'Distinct addresses per city',
            values: niceSizeValues(maxIps),
            radius,
            fill: colors ? theme.muted : theme.dotFill,
            stroke: colors ? theme.text : theme.dotStroke,
            fillOpacity: theme.dotOpacity,
          }),
          colors?.legend ?? null,
        ]);
  return framed(document, theme, { ...options, width }, plot, mapHeight, placed.filter((p): p is PlacedLabel => p !== null), notes, legend);
}
