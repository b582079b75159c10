import type { SvgDocument, SvgNode } from './dom';
import { textWidth } from './labels';
import type { Theme } from './theme';
import { el, fmt, type Legend } from './frame';

const LEGEND_SIZE = 11;

/** A legend's group, with its label on the first line. */
function legendGroup(document: SvgDocument, theme: Theme, label: string): SvgNode {
  const g = el(document, 'g', { class: 'botmap-legend', 'font-size': LEGEND_SIZE, fill: theme.muted });
  g.appendChild(el(document, 'text', { x: 0, y: LEGEND_SIZE }, label));
  return g;
}

/** A tick below a colour bar at `top`: a line and its value. */
function appendTick(document: SvgDocument, g: SvgNode, theme: Theme, x: number, top: number, text: string, anchor: string): void {
  g.appendChild(el(document, 'line', { x1: x, x2: x, y1: top, y2: top + 14, stroke: theme.muted, 'stroke-width': 1 }));
  g.appendChild(el(document, 'text', { x, y: top + 14 + LEGEND_SIZE + 1, 'text-anchor': anchor }, text));
}

/** A continuous colour ramp with ticks: `color(t)` for t in [0, 1], ticks at positions in [0, 1]. */
export function rampLegend(
  document: SvgDocument,
  theme: Theme,
  options: { label: string; color: (t: number) => string; ticks: { at: number; text: string }[]; width: number },
): Legend {
  const { width } = options;
  const g = legendGroup(document, theme, options.label);
  const top = LEGEND_SIZE + 5;
  const steps = 40;
  const ramp = el(document, 'g', {});
  for (let i = 0; i < steps; i++) {
    // Slightly overlapping steps avoid hairline seams between them in renderers.
    ramp.appendChild(el(document, 'rect', { x: (i * width) / steps, y: top, width: width / steps + 0.6, height: 10, fill: options.color((i + 0.5) / steps) }));
  }
  g.appendChild(ramp);
  for (const tick of options.ticks) {
    appendTick(document, g, theme, tick.at * width, top, tick.text, tick.at < 0.05 ? 'start' : tick.at > 0.95 ? 'end' : 'middle');
  }
  return { node: g, width: Math.max(width, textWidth(options.label, LEGEND_SIZE)), height: top + 14 + LEGEND_SIZE + 4 };
}

/** Discrete classes (quantile or threshold scales): one swatch per class, the thresholds between. */
export function thresholdLegend(document: SvgDocument, theme: Theme, options: { label: string; colors: readonly string[]; thresholds: readonly string[] }): Legend {
  const swatch = 44;
  const g = legendGroup(document, theme, options.label);
  const top = LEGEND_SIZE + 5;
  options.colors.forEach((color, i) => {
    g.appendChild(el(document, 'rect', { x: i * swatch, y: top, width: swatch - 1, height: 10, fill: color }));
  });
  options.thresholds.forEach((text, i) => appendTick(document, g, theme, (i + 1) * swatch - 0.5, top, text, 'middle'));
  const width = Math.max(options.colors.length * swatch, textWidth(options.label, LEGEND_SIZE));
  return { node: g, width, height: top + 14 + LEGEND_SIZE + 4 };
}

/** Categorical swatches in a row (wrapping at `maxWidth`). */
export function swatchLegend(document: SvgDocument, theme: Theme, options: { items: readonly { label: string; color: string }[]; maxWidth: number }): Legend {
  const g = el(document, 'g', { class: 'botmap-legend', 'font-size': LEGEND_SIZE, fill: theme.text });
  let x = 0;
  let y = 0;
  let width = 0;
  for (const item of options.items) {
    const w = 16 + textWidth(item.label, LEGEND_SIZE) + 14;
    if (x > 0 && x + w > options.maxWidth) {
      x = 0;
      y += LEGEND_SIZE + 8;
    }
    g.appendChild(el(document, 'rect', { x, y: y + 1, width: 11, height: 11, rx: 2, fill: item.color }));
    g.appendChild(el(document, 'text', { x: x + 16, y: y + LEGEND_SIZE - 0.5 }, item.label));
    x += w;
    width = Math.max(width, x - 14);
  }
  return { node: g, width, height: y + LEGEND_SIZE + 4 };
}

/** An SVG path drawing a circle. */
function circlePath(cx: number, cy: number, r: number): string {
  return `M${fmt(cx - r)},${fmt(cy)}a${fmt(r)},${fmt(r)} 0 1,0 ${fmt(2 * r)},0a${fmt(r)},${fmt(r)} 0 1,0 ${fmt(-2 * r)},0Z`;
}

/** Circles for a few values of a size (area) scale, side by side, each with its value. */
export function sizeLegend(
  document: SvgDocument,
  theme: Theme,
  options: { label: string; values: readonly number[]; radius: (value: number) => number; fill: string; stroke: string; fillOpacity: number },
): Legend {
  const g = legendGroup(document, theme, options.label);
  const radii = options.values.map(options.radius);
  const maxR = Math.max(...radii, 1);
  const top = LEGEND_SIZE + 6;
  const baseline = top + 2 * maxR;
  let x = 0;
  options.values.forEach((value, i) => {
    const r = radii[i];
    const text = value.toLocaleString('en-US');
    const cellWidth = Math.max(2 * r, textWidth(text, LEGEND_SIZE)) + 12;
    const cx = x + cellWidth / 2;
    // A path rather than a <circle>: the map's circles (and small-dot subpaths) stay one per dot and ring, countable.
    g.appendChild(
      el(document, 'path', { d: circlePath(cx, baseline - r, r), fill: options.fill, 'fill-opacity': options.fillOpacity, stroke: options.stroke, 'stroke-width': 0.6 }),
    );
    g.appendChild(el(document, 'text', { x: cx, y: baseline + LEGEND_SIZE + 3, 'text-anchor': 'middle' }, text));
    x += cellWidth;
  });
  const width = Math.max(x, textWidth(options.label, LEGEND_SIZE));
  return { node: g, width, height: baseline + LEGEND_SIZE + 6 };
}

/** Legends side by side. */
export function legendRow(document: SvgDocument, legends: readonly (Legend | null | undefined)[], gap = 28): Legend | null {
  const present = legends.filter((l): l is Legend => !!l);
  if (!present.length) return null;
  if (present.length === 1) return present[0];
  const g = el(document, 'g', {});
  let x = 0;
  let height = 0;
  for (const legend of present) {
    legend.node.setAttribute('transform', `translate(${fmt(x)},0)`);
    g.appendChild(legend.node);
    x += legend.width + gap;
    height = Math.max(height, legend.height);
  }
  return { node: g, width: x - gap, height };
}

/** Round, readable values for a size legend up to `max`: e.g. 10, 50, 100. */
export function niceSizeValues(max: number): number[] {
  if (max <= 0) return [];
  const nice = (v: number) => {
    const p = 10 ** Math.floor(Math.log10(v));
    const m = v / p;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
  };
  const values = [...new Set([nice(max / 10), nice(max / 3), nice(max)].filter((v) => v >= 1).map((v) => Math.round(v)))];
  return values.sort((a, b) => a - b);
}
