import * as Plot from '@observablehq/plot';
import { geoEqualEarth, geoNaturalEarth1, geoEquirectangular, geoGraticule10, type GeoProjection } from 'd3-geo';
import { loadAtlas, type AtlasResolution } from './atlas';
import { createDocument, SVG_NS, type SvgDocument, type SvgNode } from './dom';
import { estimateTextWidth, placeLabels, type PlacedLabel } from './labels';
import { DARK, type Theme } from './theme';

/** A city-level point to draw: the rows of the `cities` table. */
export interface CityPoint {
  city: string;
  country: string;
  country_name?: string | null;
  latitude: number;
  longitude: number;
  ips: number;
  events: number;
}

/** The words around every chart: what it shows, over which data, and where the data came from. */
export interface ChartText {
  title: string;
  subtitle?: string;
  /** Caption lines (credits, notes); long lines wrap. */
  caption?: string[];
}

export interface ChartOptions extends ChartText {
  theme?: Theme;
  width?: number;
  document?: SvgDocument;
}

export type ProjectionName = 'equal-earth' | 'natural-earth' | 'equirectangular';

export interface WorldMapOptions extends ChartOptions {
  /** How many of the largest cities get a label on the map. */
  labels?: number;
  projection?: ProjectionName;
  graticule?: boolean;
  /** Largest dot radius in pixels. */
  maxRadius?: number;
  resolution?: AtlasResolution;
}

const PROJECTIONS: Record<ProjectionName, () => GeoProjection> = {
  'equal-earth': geoEqualEarth,
  'natural-earth': geoNaturalEarth1,
  equirectangular: geoEquirectangular,
};

const TITLE_SIZE = 22;
const SUBTITLE_SIZE = 14;
const CAPTION_SIZE = 11;
const LABEL_SIZE = 12;
const PAD = 20;

/** Dot radius for a count: area, not radius, grows with the count. */
export function dotRadius(count: number, maxCount: number, maxRadius: number): number {
  return maxCount > 0 ? Math.max(1.2, maxRadius * Math.sqrt(count / maxCount)) : 0;
}

/** Result of drawing a chart: the standalone SVG and anything the reader should know. */
export interface Chart {
  svg: SvgNode;
  width: number;
  height: number;
  /** Labels placed on the chart, in pixel space of the whole SVG (for overlap checks). */
  labels: PlacedLabel[];
  /** Notes such as labels that found no room. */
  notes: string[];
}

/**
 * The world map: one dot per city, area by distinct addresses, the largest cities labelled
 * with their counts. Country-only addresses are not drawn (they sit on a country's default
 * point, not a place); the caption says how many.
 */
export function worldMap(cities: readonly CityPoint[], options: WorldMapOptions): Chart {
  const theme = options.theme ?? DARK;
  const document = options.document ?? createDocument();
  const width = options.width ?? 1200;
  const atlas = loadAtlas(options.resolution ?? '110m');
  const projection = PROJECTIONS[options.projection ?? 'equal-earth']();
  const sphere = { type: 'Sphere' } as const;
  const inset = 8;
  projection.fitWidth(width - 2 * inset, sphere as any);
  const mapHeight = Math.ceil(mapBoundsHeight(projection)) + 2 * inset;
  projection.translate([projection.translate()[0] + inset, projection.translate()[1] + inset]);

  const maxRadius = options.maxRadius ?? 22;
  const maxIps = cities.reduce((m, c) => Math.max(m, c.ips), 0);
  // Big dots first so small ones stay visible on top.
  const dots = [...cities].sort((a, b) => b.ips - a.ips || a.city.localeCompare(b.city));
  const radius = (d: CityPoint) => dotRadius(d.ips, maxIps, maxRadius);

  const top = dots.slice(0, options.labels ?? 10);
  const labelText = (d: CityPoint) => ({ name: d.city, count: d.ips.toLocaleString('en-US') });
  const requests = top.map((d) => {
    const [x, y] = projection([d.longitude, d.latitude]) ?? [NaN, NaN];
    const { name, count } = labelText(d);
    return { x, y, r: radius(d), width: estimateTextWidth(`${name} ${count}`, LABEL_SIZE) + 6, height: LABEL_SIZE * 1.35 };
  });
  const placed = placeLabels(requests, { x: 4, y: 4, width: width - 8, height: mapHeight - 8 });
  const notes: string[] = [];
  placed.forEach((p, i) => {
    if (!p) notes.push(`No room to label ${top[i].city} (${top[i].ips} addresses).`);
  });

  const labelMark = (_index: unknown, _scales: unknown, _values: unknown, _dimensions: unknown, context: { document: SvgDocument }) => {
    const doc = context.document;
    const g = doc.createElementNS(SVG_NS, 'g');
    g.setAttribute('class', 'botmap-labels');
    placed.forEach((p, i) => {
      if (!p) return;
      const d = top[i];
      if (p.leader) {
        const line = doc.createElementNS(SVG_NS, 'line');
        const tx = Math.max(p.x, Math.min(p.anchorX, p.x + p.width));
        const ty = Math.max(p.y, Math.min(p.anchorY, p.y + p.height));
        line.setAttribute('x1', fmt(p.anchorX));
        line.setAttribute('y1', fmt(p.anchorY));
        line.setAttribute('x2', fmt(tx));
        line.setAttribute('y2', fmt(ty));
        line.setAttribute('stroke', theme.leader);
        line.setAttribute('stroke-width', '1');
        g.appendChild(line);
      }
      // A ring marks which dot the label names, crowded or not.
      const ring = doc.createElementNS(SVG_NS, 'circle');
      ring.setAttribute('cx', fmt(p.anchorX));
      ring.setAttribute('cy', fmt(p.anchorY));
      ring.setAttribute('r', fmt(radius(d) + 1.5));
      ring.setAttribute('fill', 'none');
      ring.setAttribute('stroke', theme.text);
      ring.setAttribute('stroke-width', '1');
      g.appendChild(ring);
      const { name, count } = labelText(d);
      const text = doc.createElementNS(SVG_NS, 'text');
      // Anchor the text on the box edge nearest its dot: the width is only estimated, so the
      // slack falls on the far side and the label stays tight to its dot (or leader line).
      const centre = p.x + p.width / 2;
      const side = Math.abs(centre - p.anchorX) < p.width * 0.25 ? 'middle' : centre < p.anchorX ? 'end' : 'start';
      text.setAttribute('text-anchor', side);
      text.setAttribute('x', fmt(side === 'middle' ? centre : side === 'end' ? p.x + p.width - 3 : p.x + 3));
      text.setAttribute('y', fmt(p.y + p.height / 2));
      text.setAttribute('dy', '0.35em');
      text.setAttribute('font-size', String(LABEL_SIZE));
      text.setAttribute('paint-order', 'stroke');
      text.setAttribute('stroke', theme.background);
      text.setAttribute('stroke-width', '3');
      text.setAttribute('stroke-linejoin', 'round');
      const nameSpan = doc.createElementNS(SVG_NS, 'tspan');
      nameSpan.setAttribute('fill', theme.text);
      nameSpan.setAttribute('font-weight', 'bold');
      nameSpan.textContent = name;
      const countSpan = doc.createElementNS(SVG_NS, 'tspan');
      countSpan.setAttribute('fill', theme.accent);
      countSpan.textContent = ` ${count}`;
      text.append(nameSpan, countSpan);
      g.appendChild(text);
    });
    return g as unknown as SvgNode;
  };

  const plot = Plot.plot({
    document,
    width,
    height: mapHeight,
    margin: 0,
    projection,
    style: { background: 'transparent', color: theme.text, fontFamily: theme.fontFamily },
    marks: [
      Plot.geo(sphere as any, { fill: theme.ocean }),
      options.graticule ? Plot.geo(geoGraticule10(), { stroke: theme.graticule, strokeWidth: 0.5 }) : null,
      Plot.geo(atlas.land, { fill: theme.land }),
      Plot.geo(atlas.borders, { stroke: theme.border, strokeWidth: 0.5 }),
      Plot.dot(dots, {
        x: 'longitude',
        y: 'latitude',
        r: radius,
        fill: theme.dotFill,
        fillOpacity: 0.55,
        stroke: theme.dotStroke,
        strokeWidth: 0.6,
        strokeOpacity: 0.9,
      }),
      labelMark as any,
    ],
    r: { type: 'identity' },
  }) as unknown as SvgNode;

  return framed(document, theme, { ...options, width }, plot, mapHeight, placed.filter((p): p is PlacedLabel => p !== null), notes);
}

function mapBoundsHeight(projection: GeoProjection): number {
  // The sphere's projected outline sets the map's height for the fitted width.
  let minY = Infinity;
  let maxY = -Infinity;
  for (let lat = -90; lat <= 90; lat += 1) {
    for (const lon of [-180, 0, 180]) {
      const p = projection([lon, lat]);
      if (p) {
        minY = Math.min(minY, p[1]);
        maxY = Math.max(maxY, p[1]);
      }
    }
  }
  return maxY - minY;
}

export interface RankingRow {
  label: string;
  value: number;
}

export interface RankingOptions extends ChartOptions {
  /** What the value counts, for the axis ("distinct addresses"). */
  measure: string;
}

/** A horizontal bar chart, largest first, each bar labelled with its value. */
export function rankingChart(rows: readonly RankingRow[], options: RankingOptions): Chart {
  const theme = options.theme ?? DARK;
  const document = options.document ?? createDocument();
  const width = options.width ?? 900;
  const longest = rows.reduce((m, r) => Math.max(m, estimateTextWidth(r.label, 12)), 0);
  const marginLeft = Math.min(width * 0.45, Math.ceil(longest) + 14);
  const barStep = 24;
  const height = rows.length * barStep + 50;
  const maxValue = rows.reduce((m, r) => Math.max(m, r.value), 0);
  const plot = Plot.plot({
    document,
    width,
    height,
    marginLeft,
    marginRight: 60,
    marginTop: 10,
    marginBottom: 40,
    style: { background: 'transparent', color: theme.text, fontFamily: theme.fontFamily, fontSize: '12px' },
    x: { label: `${options.measure} →`, grid: true, domain: [0, maxValue * 1.08 || 1], labelAnchor: 'left', labelOffset: 34 },
    y: { label: null, domain: rows.map((r) => r.label), tickSize: 0 },
    marks: [
      Plot.barX(rows, { x: 'value', y: 'label', fill: theme.bar, fillOpacity: 0.9 }),
      Plot.text(rows, {
        x: 'value',
        y: 'label',
        text: (d: RankingRow) => d.value.toLocaleString('en-US'),
        textAnchor: 'start',
        dx: 5,
        fill: theme.text,
        fontSize: 11,
      }),
      Plot.ruleX([0], { stroke: theme.muted }),
    ],
  }) as unknown as SvgNode;
  return framed(document, theme, { ...options, width }, plot, height, [], []);
}

/**
 * Wraps a Plot SVG in a standalone SVG with a background, title, subtitle and caption, so the
 * file reads on its own in a write-up: fonts declared, no external references.
 */
function framed(
  document: SvgDocument,
  theme: Theme,
  options: ChartOptions & { width: number },
  plot: SvgNode,
  plotHeight: number,
  labels: PlacedLabel[],
  notes: string[],
): Chart {
  const width = options.width;
  const svg = document.createElementNS(SVG_NS, 'svg') as SvgNode;
  const headerHeight = PAD + TITLE_SIZE + (options.subtitle ? SUBTITLE_SIZE + 10 : 0) + 14;
  const captionLines = (options.caption ?? []).flatMap((line) => wrap(line, width - 2 * PAD, CAPTION_SIZE));
  const footerHeight = captionLines.length ? 12 + captionLines.length * (CAPTION_SIZE + 4) + PAD - 6 : PAD;
  const height = Math.ceil(headerHeight + plotHeight + footerHeight);
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('font-family', theme.fontFamily);
  svg.setAttribute('role', 'img');

  const titleElement = document.createElementNS(SVG_NS, 'title');
  titleElement.textContent = options.title;
  svg.appendChild(titleElement);

  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', String(width));
  background.setAttribute('height', String(height));
  background.setAttribute('fill', theme.background);
  svg.appendChild(background);

  let y = PAD + TITLE_SIZE * 0.8;
  svg.appendChild(textElement(document, options.title, PAD, y, { size: TITLE_SIZE, fill: theme.text, weight: 'bold' }));
  if (options.subtitle) {
    y += SUBTITLE_SIZE + 10;
    svg.appendChild(textElement(document, options.subtitle, PAD, y, { size: SUBTITLE_SIZE, fill: theme.muted }));
  }

  plot.setAttribute('x', '0');
  plot.setAttribute('y', String(headerHeight));
  // Plot's own stylesheet uses selectors some renderers skip; explicit colours keep axes visible.
  plot.setAttribute('fill', theme.text);
  plot.setAttribute('color', theme.text);
  svg.appendChild(plot);

  let cy = headerHeight + plotHeight + 12 + CAPTION_SIZE;
  for (const line of captionLines) {
    svg.appendChild(textElement(document, line, PAD, cy, { size: CAPTION_SIZE, fill: theme.muted }));
    cy += CAPTION_SIZE + 4;
  }
  const shifted = labels.map((l) => ({ ...l, y: l.y + headerHeight, anchorY: l.anchorY + headerHeight }));
  return { svg, width, height, labels: shifted, notes };
}

function textElement(document: SvgDocument, content: string, x: number, y: number, style: { size: number; fill: string; weight?: string }) {
  const text = document.createElementNS(SVG_NS, 'text');
  text.setAttribute('x', String(x));
  text.setAttribute('y', fmt(y));
  text.setAttribute('font-size', String(style.size));
  text.setAttribute('fill', style.fill);
  if (style.weight) text.setAttribute('font-weight', style.weight);
  text.textContent = content;
  return text;
}

/** Greedy word wrap by estimated width. */
export function wrap(line: string, maxWidth: number, fontSize: number): string[] {
  const words = line.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && estimateTextWidth(candidate, fontSize) > maxWidth) {
      lines.push(current);
      current = word;
    } else {
      current = candidate;
    }
  }
  if (current) lines.push(current);
  return lines;
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}
