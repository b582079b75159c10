import { createDocument, SVG_NS, type SvgDocument, type SvgNode } from './dom';
import { textWidth, type PlacedLabel } from './labels';
import { DARK, type Theme } from './theme';

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

/** A legend drawn by one of the legend helpers: an SVG group and its size. */
export interface Legend {
  node: SvgNode;
  width: number;
  height: number;
}

export const TITLE_SIZE = 22;
export const SUBTITLE_SIZE = 14;
export const CAPTION_SIZE = 11;
export const LABEL_SIZE = 12;
export const PAD = 20;

/** Rounds a coordinate to a tenth of a pixel (a twentieth of a PNG pixel at 2×). */
export function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Creates an SVG element with attributes (numbers are rounded to a tenth). */
export function el(document: SvgDocument, name: string, attributes: Record<string, string | number | null | undefined> = {}, text?: string): SvgNode {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value == null) continue;
    node.setAttribute(key, typeof value === 'number' ? fmt(value) : value);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Greedy word wrap by the width of the text in the chart font. */
export function wrap(line: string, maxWidth: number, fontSize: number): string[] {
  const words = line.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && textWidth(candidate, fontSize) > maxWidth) {
      lines.push(current);
      current = word;
    } else {
      current = candidate;
    }
  }
  if (current) lines.push(current);
  return lines;
}

// One formatter for every count: toLocaleString builds one per call, and a dense map's hover
// titles format twenty thousand counts.
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** "1,234" */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(Math.round(n));
}

/** "12.3%" of `total` ("<0.1%" for a sliver, "" without a total): the share a hover title gives. */
export function formatShare(n: number, total: number | undefined): string {
  if (!total) return '';
  const percent = (100 * n) / total;
  return percent > 0 && percent < 0.1 ? '<0.1%' : `${Math.round(percent * 10) / 10}%`;
}

/** "1 address", "1,234 addresses": a count and its noun, for hover titles. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${Math.round(n) === 1 ? one : many}`;
}

/** " (12.3% of all)" after a count in a hover title; "" without a total. */
export function ofAll(n: number, total: number | undefined, all = 'all'): string {
  const share = formatShare(n, total);
  return share ? ` (${share} of ${all})` : '';
}

/** Plot's style for the charts with axes: transparent, in the theme's ink and type. */
export function axisStyle(theme: Theme) {
  return { background: 'transparent', color: theme.text, fontFamily: theme.fontFamily, fontSize: '12px' };
}

/** The theme and width from chart options, and a new document to draw into. */
export function setup(options: ChartOptions, defaultWidth: number): { theme: Theme; document: SvgDocument; width: number } {
  return { theme: options.theme ?? DARK, document: createDocument(), width: options.width ?? defaultWidth };
}

/**
 * Wraps a plot in a standalone SVG with a background, title, subtitle, legend and caption, so
 * the file reads on its own in a write-up: fonts declared, no external references. The legend
 * goes at the top right beside the title when there is room, else on its own row below it.
 * Long subtitles and caption lines wrap.
 */
export function framed(
  document: SvgDocument,
  theme: Theme,
  options: ChartText & { width: number },
  plot: SvgNode,
  plotHeight: number,
  labels: PlacedLabel[],
  notes: string[],
  legend?: Legend | null,
): Chart {
  const { width } = options;
  const subtitleLines = options.subtitle ? wrap(options.subtitle, width - 2 * PAD, SUBTITLE_SIZE) : [];
  const room = legend ? width - 2 * PAD - 30 - legend.width : 0;
  const legendBeside = !!legend && textWidth(options.title, TITLE_SIZE, 'bold') <= room && subtitleLines.every((l) => textWidth(l, SUBTITLE_SIZE) <= room);
  // An untitled chart (a user's own Plot chart may have none) leaves no room for a title.
  const titleSize = options.title ? TITLE_SIZE : 0;
  const textBottom = PAD + titleSize + subtitleLines.length * (SUBTITLE_SIZE + 6) + (subtitleLines.length ? 4 : 0);
  const legendY = legendBeside ? PAD - 4 : textBottom + 8;
  const headerHeight = Math.max(textBottom + 14, legend ? legendY + legend.height + 10 : 0);
  const captionLines = (options.caption ?? []).flatMap((line) => wrap(line, width - 2 * PAD, CAPTION_SIZE));
  const footerHeight = captionLines.length ? 12 + captionLines.length * (CAPTION_SIZE + 4) + PAD - 6 : PAD;
  const height = Math.ceil(headerHeight + plotHeight + footerHeight);
  const svg = el(document, 'svg', {
    xmlns: SVG_NS,
    width: String(width),
    height: String(height),
    viewBox: `0 0 ${width} ${height}`,
    'font-family': theme.fontFamily,
    role: 'img',
  });
  if (options.title) svg.appendChild(el(document, 'title', {}, options.title));
  if (options.subtitle) svg.appendChild(el(document, 'desc', {}, options.subtitle));
  svg.appendChild(el(document, 'rect', { width: String(width), height: String(height), fill: theme.background }));

  let y = PAD + titleSize * 0.8;
  if (options.title) svg.appendChild(el(document, 'text', { x: PAD, y, 'font-size': TITLE_SIZE, fill: theme.text, 'font-weight': 'bold' }, options.title));
  y += 4;
  for (const line of subtitleLines) {
    y += SUBTITLE_SIZE + 6;
    svg.appendChild(el(document, 'text', { x: PAD, y, 'font-size': SUBTITLE_SIZE, fill: theme.muted }, line));
  }
  if (legend) {
    legend.node.setAttribute('transform', `translate(${fmt(legendBeside ? width - PAD - legend.width : PAD)},${fmt(legendY)})`);
    svg.appendChild(legend.node);
  }

  plot.setAttribute('x', '0');
  plot.setAttribute('y', fmt(headerHeight));
  // Plot's own stylesheet uses selectors some renderers skip; explicit colours keep axes visible.
  plot.setAttribute('fill', theme.text);
  plot.setAttribute('color', theme.text);
  plot.setAttribute('font-family', theme.fontFamily);
  svg.appendChild(plot);

  let cy = headerHeight + plotHeight + 12 + CAPTION_SIZE;
  for (const line of captionLines) {
    svg.appendChild(el(document, 'text', { x: PAD, y: cy, 'font-size': CAPTION_SIZE, fill: theme.muted }, line));
    cy += CAPTION_SIZE + 4;
  }
  const shifted = labels.map((l) => ({ ...l, y: l.y + headerHeight, anchorY: l.anchorY + headerHeight }));
  return { svg, width, height, labels: shifted, notes };
}
