/**
 * Any Observable Plot spec drawn in Node as a BotMap chart: a standalone SVG that displays inline
 * in a notebook and exports (SVG + PNG) like BotMap's own charts.
 */
import * as Plot from '@observablehq/plot';
import type { Analysis } from '../notebook/pipeline';
import { rampCanvas } from './canvas';
import { databaseCredit } from './charts';
import { createDocument, type SvgDocument, type SvgNode } from './dom';
import { axisStyle, el, fmt, framed, PAD, type Chart, type Legend } from './frame';
import { textWidth } from './labels';
import { legendRow } from './legends';
import { themeNamed, type Theme } from './theme';

/** BotMap's frame around a Plot chart. */
export interface PlotFrameOptions {
  /** Default: the spec's `title` when it is text. */
  title?: string;
  /** Default: the spec's `subtitle` when it is text. */
  subtitle?: string;
  /** Caption lines (default: the spec's `caption` when it is text). */
  caption?: string | string[];
  /** The run the chart shows: the caption ends with its database credit, and its theme is the default. */
  analysis?: Analysis;
  theme?: Theme | 'dark' | 'light';
}

/** The DOM calls that turn Plot's figure into SVG, beyond what the charts need. */
interface PlotNode extends SvgNode {
  readonly tagName: string;
  readonly attributes: ArrayLike<{ name: string; value: string }>;
  readonly children: ArrayLike<PlotNode>;
  querySelector(selector: string): PlotNode | null;
}

/** A document for Plot whose canvases paint the colour ramps of continuous legends (see `canvas.ts`). */
function plotDocument(): SvgDocument {
  const document = createDocument() as SvgDocument & { createElement(name: string): unknown };
  const createElement = document.createElement.bind(document);
  document.createElement = (name: string) => (name.toLowerCase() === 'canvas' ? rampCanvas() : createElement(name));
  return document;
}

const LEGEND_FONT = 11;

/** Plot's HTML swatches (`<span>` or `<div>` per item: a small SVG and a label) as one SVG group, wrapping at `maxWidth`. */
function swatchesAsSvg(document: SvgDocument, theme: Theme, swatches: PlotNode, maxWidth: number): Legend {
  const g = el(document, 'g', { class: 'botmap-legend', 'font-size': LEGEND_FONT, fill: theme.text, color: theme.text });
  const items = Array.from(swatches.children).filter((c) => /-swatch$/.test(c.getAttribute('class') ?? ''));
  let x = 0;
  let y = 0;
  let width = 0;
  let rowHeight = 0;
  for (const item of items) {
    const swatch = item.querySelector('svg');
    const label = (item.textContent ?? '').trim();
    const w = Number(swatch?.getAttribute('width') ?? 15);
    const h = Number(swatch?.getAttribute('height') ?? 15);
    const itemWidth = w + 5 + textWidth(label, LEGEND_FONT) + 14;
    if (x > 0 && x + itemWidth > maxWidth) {
      x = 0;
      y += rowHeight + 6;
      rowHeight = 0;
    }
    if (swatch) {
      swatch.setAttribute('x', fmt(x));
      swatch.setAttribute('y', fmt(y));
      swatch.setAttribute('overflow', 'visible');
      g.appendChild(swatch);
    }
    g.appendChild(el(document, 'text', { x: x + w + 5, y: y + h / 2, dy: '0.35em' }, label));
    rowHeight = Math.max(rowHeight, h);
    x += itemWidth;
    width = Math.max(width, x - 14);
  }
  return { node: g, width, height: y + rowHeight + 2 };
}

/** A legend of Plot's figure as SVG: a ramp is SVG already; swatches are HTML, redrawn. */
function legendAsSvg(document: SvgDocument, theme: Theme, node: PlotNode, maxWidth: number): Legend {
  if (node.tagName.toLowerCase() !== 'svg') return swatchesAsSvg(document, theme, node, maxWidth);
  const g = el(document, 'g', { class: 'botmap-legend', color: theme.text, fill: theme.text, 'font-family': theme.fontFamily });
  node.setAttribute('overflow', 'visible');
  g.appendChild(node);
  return { node: g, width: Number(node.getAttribute('width')), height: Number(node.getAttribute('height')) };
}

/**
 * linkedom writes attribute values escaping only `"`: a spec's `href` or `ariaLabel` holding `&`
 * or `<` would make the SVG file ill-formed XML (resvg refuses it). The values are stored
 * escaped, which both XML and HTML read back as the original text.
 */
function escapeAttributes(root: PlotNode): void {
  for (const node of [root, ...Array.from(root.querySelectorAll('*') as ArrayLike<PlotNode>)]) {
    for (const { name, value } of Array.from(node.attributes)) {
      if (/[&<]/.test(value)) node.setAttribute(name, value.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
    }
  }
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Draws any Observable Plot spec (what `Plot.plot` takes) in Node and returns a `Chart`: one
 * standalone SVG with `xmlns`, Plot's legends drawn into it, and BotMap's frame (title, subtitle,
 * caption with the database credit when `analysis` is given) around it. Show it in a notebook
 * with `tslab.display.svg(chart.svg.outerHTML)`; export it with `exportCharts` or `writeChart`.
 * Plot's own `title`, `subtitle` and `caption` options become the frame's when they are text.
 */
export function plot(spec: Plot.PlotOptions, options: PlotFrameOptions = {}): Chart {
  const theme = typeof options.theme === 'object' ? options.theme : themeNamed(options.theme ?? options.analysis?.parameters.theme);
  const document = plotDocument();
  const { title, subtitle, caption, ...rest } = spec as Plot.PlotOptions & { title?: unknown; subtitle?: unknown; caption?: unknown };
  // Plot's default margins are sized for its own 10px text: BotMap's 12px would be cut at the edges.
  const plotStyle = { ...axisStyle(theme), fontSize: '10px' };
  const style = rest.style === undefined ? plotStyle : typeof rest.style === 'object' && rest.style ? { ...plotStyle, ...rest.style } : rest.style;
  const result = Plot.plot({ ...rest, style, document } as Plot.PlotOptions) as unknown as PlotNode;

  const parts = result.tagName.toLowerCase() === 'svg' ? [result] : Array.from(result.children);
  const svg = parts.filter((p) => p.tagName.toLowerCase() === 'svg').pop()!;
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  const legends = parts.filter((p) => p !== svg && p.tagName.toLowerCase() !== 'style').map((p) => legendAsSvg(document, theme, p, Math.max(200, width - 2 * PAD)));

  const captionLines = options.caption ?? textOf(caption);
  const lines = [...(Array.isArray(captionLines) ? captionLines : captionLines ? [captionLines] : []), ...(options.analysis ? [databaseCredit(options.analysis)] : [])];
  const text = { title: options.title ?? textOf(title) ?? '', subtitle: options.subtitle ?? textOf(subtitle), caption: lines, width };
  const chart = framed(document, theme, text, svg, height, [], [], legendRow(document, legends));
  escapeAttributes(chart.svg as PlotNode);
  // linkedom writes Plot's own xlink:href as SVG 2's href; an xlink: prefix left (from a spec's
  // own attributes) needs its namespace declared for the file to parse as XML.
  if (chart.svg.outerHTML.includes('xlink:')) chart.svg.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  return chart;
}
