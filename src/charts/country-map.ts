import * as Plot from '@observablehq/plot';
import { geoArea, geoPath, type GeoProjection } from 'd3-geo';
import type { Geometry } from 'geojson';
import { countryName, loadAtlas, matchCountries, type AtlasResolution, type CountryFeature } from './atlas';
import type { SvgDocument, SvgNode } from './dom';
import { placeLabels, type PlacedLabel } from './labels';
import { el, formatCount, framed, ofAll, countOf, setup, type Chart, type ChartOptions, type Legend } from './frame';
import { fitWorld, roundedProjection, SPHERE, geoGraticuleLines, type ProjectionName } from './geo';
import { rampLegend, thresholdLegend } from './legends';
import { customMark, labelHeight, labelsGroup, labelWidth, type LabelText, type PixelDot } from './marks';
import type { Theme } from './theme';
import { logTicks, sequentialColor } from './world-map';

/** One country's counts: the rows of the `countries` table. */
export interface CountryValue {
  /** ISO 3166-1 alpha-2, as MaxMind gives it. */
  country: string;
  name?: string | null;
  /** Distinct addresses located to the country (city-located and country-only). */
  ips: number;
  /** Attack events from those addresses, for the hover title. */
  events?: number;
}

/** A country's hover title: its name and code, its addresses and events with their shares of all. */
function countryTitle(row: CountryValue, totals: { ips: number; events: number }): string {
  const lines = [`${row.name || countryName(row.country) || row.country} (${row.country})`, `${countOf(row.ips, 'address', 'addresses')}${ofAll(row.ips, totals.ips)}`];
  if (row.events != null) lines.push(`${countOf(row.events, 'event')}${ofAll(row.events, totals.events)}`);
  return lines.join('\n');
}

export interface CountryMapOptions extends ChartOptions {
  /** How counts map to colours: a log scale (default) or quantile classes. */
  scale?: 'log' | 'quantile';
  /** Number of quantile classes. */
  classes?: number;
  projection?: ProjectionName;
  graticule?: boolean;
  /** How many of the largest countries are labelled with their count; default 6. */
  labels?: number;
}

export interface CountryMapChart extends Chart {
  /** Country codes (with their counts) that matched no Natural Earth shape and are not drawn. */
  unmatched: { country: string; value: number }[];
}

/** Largest polygon of a shape: where a label goes (France's label in France, not between its territories). */
function mainPolygon(geometry: Geometry): Geometry {
  if (geometry.type !== 'MultiPolygon') return geometry;
  const polygons = geometry.coordinates.map((coordinates): Geometry => ({ type: 'Polygon', coordinates }));
  return polygons.reduce((best, polygon) => (geoArea(polygon) > geoArea(best) ? polygon : best));
}

/** The colour of a count, and its legend: quantile classes, or a log scale along the theme's stops. */
function countryColors(values: readonly number[], options: CountryMapOptions, theme: Theme, document: SvgDocument): { colorOf: (v: number) => string; legend: Legend } {
  const from = theme.name === 'dark' ? 1 : 0;
  if ((options.scale ?? 'log') === 'quantile' && values.length >= 2) {
    const n = Math.max(2, Math.min(options.classes ?? 5, new Set(values).size));
    const ramp = sequentialColor(theme, [0, 1], 'linear', from).ramp;
    const colors = Array.from({ length: n }, (_, i) => ramp(n === 1 ? 1 : i / (n - 1)));
    const scale = Plot.scale({ color: { type: 'quantile', domain: values, n, range: colors } as any });
    const thresholds = (scale.domain as number[]).map((t) => Math.round(t * 10) / 10);
    const legend = thresholdLegend(document, theme, {
      label: 'Distinct addresses per country (quantiles)',
      colors: scale.range as string[],
      thresholds: thresholds.map((t) => formatCount(t)),
    });
    return { colorOf: (v) => String(scale.apply(v)), legend };
  }
  const lo = values.length ? Math.min(...values) : 1;
  const hi = values.length ? Math.max(...values) : 1;
  const scale = sequentialColor(theme, [lo, hi], 'log', from);
  const legend = rampLegend(document, theme, {
    label: 'Distinct addresses per country (log scale)',
    color: scale.ramp,
    ticks: logTicks(lo, hi).map((v) => ({ at: scale.position(v), text: formatCount(v) })),
    width: 240,
  });
  return { colorOf: scale.color, legend };
}

/**
 * Each country drawn: its shapes with their fill, a dot where it is too small for a shape, and
 * where its label goes (the centre of its largest polygon, or its dot).
 */
function shadeCountries(present: readonly CountryValue[], o: { colorOf: (v: number) => string; projection: GeoProjection; resolution: AtlasResolution }) {
  const { shapes, points, unmatched } = matchCountries(
    present.map((r) => r.country),
    o.resolution,
  );
  const shaded: (CountryFeature & { fill: string; title: string })[] = [];
  const dots: { x: number; y: number; r: number; fill: string; title: string }[] = [];
  const anchors = new Map<string, [number, number]>();
  const path = geoPath(o.projection);
  const totals = { ips: present.reduce((sum, r) => sum + r.ips, 0), events: present.reduce((sum, r) => sum + (r.events ?? 0), 0) };
  for (const row of present) {
    const fill = o.colorOf(row.ips);
    const title = countryTitle(row, totals);
    const found = shapes.get(row.country);
    if (found) {
      for (const f of found) shaded.push({ ...f, fill, title });
      const largest = found.reduce((a, b) => (geoArea(a) >= geoArea(b) ? a : b));
      anchors.set(row.country, path.centroid(mainPolygon(largest.geometry) as any) as [number, number]);
    }
    const point = points.get(row.country);
    if (point) {
      const [x, y] = o.projection(point) ?? [NaN, NaN];
      dots.push({ x, y, r: 3.5, fill, title });
      anchors.set(row.country, [x, y]);
    }
  }
  return { shaded, dots, anchors, unmatched };
}

/** The caption with a line naming the countries not drawn, before its last line (the credits). */
function captionWithUnmatched(caption: readonly string[], unmatched: readonly { country: string; value: number }[]): string[] {
  const lines = [...caption];
  if (!unmatched.length) return lines;
  const line = `Not on the map (no Natural Earth shape): ${unmatched
    .map((u) => {
      const name = countryName(u.country);
      return name ? `${name} (${u.country}, ${formatCount(u.value)})` : `${u.country} (${formatCount(u.value)})`;
    })
    .join(', ')}.`;
  lines.splice(Math.max(0, lines.length - 1), 0, line);
  return lines;
}

/** The dots of countries too small for a shape. */
function smallCountriesMark({ dots, theme }: { dots: readonly (PixelDot & { fill: string })[]; theme: Theme }) {
  return customMark((doc) => {
    const g = el(doc, 'g', { stroke: theme.text, 'stroke-width': 0.8 });
    for (const d of dots) {
      if (!Number.isFinite(d.x)) continue;
      const circle = el(doc, 'circle', { cx: d.x, cy: d.y, r: d.r, fill: d.fill });
      if (d.title) circle.appendChild(el(doc, 'title', {}, d.title));
      g.appendChild(circle);
    }
    return g;
  });
}

/**
 * Countries shaded by distinct addresses, country-only addresses included. MaxMind's
 * ISO alpha-2 codes are matched to Natural Earth shapes through their ISO numeric codes
 * (i18n-iso-countries); countries too small for the 110m shapes are drawn as dots, and codes
 * with no shape at all are reported in `unmatched`, the notes and the caption.
 */
export function countryMap(rows: readonly CountryValue[], options: CountryMapOptions): CountryMapChart {
  const { theme, document, width } = setup(options, 1200);
  const resolution: AtlasResolution = '110m';
  const atlas = loadAtlas(resolution);
  const { projection, height: mapHeight } = fitWorld(options.projection ?? 'equal-earth', width);
  const present = rows.filter((r) => r.ips > 0);
  const { colorOf, legend } = countryColors(present.map((r) => r.ips), options, theme, document);
  const { shaded, dots, anchors, unmatched } = shadeCountries(present, { colorOf, projection, resolution });

  // Labels on the largest countries.
  const top = [...present].sort((a, b) => b.ips - a.ips || a.country.localeCompare(b.country)).slice(0, Math.max(0, options.labels ?? 6));
  const labelled = top.filter((r) => anchors.has(r.country));
  const texts: LabelText[] = labelled.map((r) => ({ name: r.name || countryName(r.country) || r.country, count: formatCount(r.ips) }));
  const requests = labelled.map((r, i) => {
    const [x, y] = anchors.get(r.country)!;
    return { x, y, r: 2, width: labelWidth(texts[i]), height: labelHeight() };
  });
  const placed = placeLabels(requests, { x: 4, y: 4, width: width - 8, height: mapHeight - 8 }, 2, { dots });
  const notes = texts.filter((_, i) => !placed[i]).map((t) => `No room to label ${t.name} on the country map.`);

  const unmatchedRows = unmatched.map((code) => ({ country: code, value: present.find((r) => r.country === code)!.ips }));
  if (unmatchedRows.length) {
    notes.push(`Country codes with no map shape (not drawn): ${unmatchedRows.map((u) => `${u.country} (${formatCount(u.value)})`).join(', ')}.`);
  }
  const caption = captionWithUnmatched(options.caption ?? [], unmatchedRows);

  const plot = Plot.plot({
    document,
    width,
    height: mapHeight,
    margin: 0,
    projection: roundedProjection(projection) as any,
    style: { background: 'transparent', color: theme.text, fontFamily: theme.fontFamily },
    marks: [
      Plot.geo(SPHERE as any, { fill: theme.ocean }),
      options.graticule ? Plot.geo(geoGraticuleLines(), { stroke: theme.graticule, strokeWidth: 0.6 }) : null,
      Plot.geo(atlas.land as any, { fill: theme.land }),
      Plot.geo(shaded, { fill: (d: { fill: string }) => d.fill, title: (d: { title: string }) => d.title }),
      Plot.geo(atlas.borders as any, { stroke: theme.background, strokeWidth: 0.5, strokeOpacity: theme.name === 'dark' ? 0.8 : 1 }),
      smallCountriesMark({ dots, theme }),
      customMark((doc) => labelsGroup(doc, theme, placed, texts)),
    ],
    color: { type: 'identity' },
  }) as unknown as SvgNode;

  const chart = framed(document, theme, { ...options, caption, width }, plot, mapHeight, placed.filter((p): p is PlacedLabel => p !== null), notes, legend);
  return { ...chart, unmatched: unmatchedRows };
}
