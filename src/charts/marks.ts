import type { SvgDocument, SvgNode } from './dom';
import { leaderLine, textWidth, type PlacedLabel } from './labels';
import type { Theme } from './theme';
import { el, LABEL_SIZE } from './frame';

/** A Plot mark drawn by our own code: `draw` gets the plot's document and returns an SVG node. */
export function customMark(draw: (document: SvgDocument) => SvgNode | null) {
  return ((_index: unknown, _scales: unknown, _values: unknown, _dimensions: unknown, context: { document: SvgDocument }) => draw(context.document)) as any;
}

/** A dot in pixel space. */
export interface PixelDot {
  x: number;
  y: number;
  r: number;
  fill?: string;
  /** Details shown on hover (an SVG <title>, which no renderer draws). */
  title?: string;
}

/**
 * Circles with coordinates rounded to a tenth of a pixel and the shared style on their group,
 * so ten thousand dots stay a few hundred kilobytes; each with its hover title when it has one.
 */
export function dotsGroup(document: SvgDocument, dots: readonly PixelDot[], style: { fill?: string; fillOpacity?: number; stroke?: string; strokeWidth?: number; strokeOpacity?: number; className?: string }): SvgNode {
  const g = el(document, 'g', {
    class: style.className ?? 'botmap-dots',
    fill: style.fill,
    'fill-opacity': style.fillOpacity,
    stroke: style.stroke,
    'stroke-width': style.strokeWidth,
    'stroke-opacity': style.strokeOpacity,
  });
  for (const d of dots) {
    if (!Number.isFinite(d.x) || !Number.isFinite(d.y)) continue;
    const circle = el(document, 'circle', { cx: d.x, cy: d.y, r: Math.max(0.5, d.r), fill: d.fill });
    if (d.title) circle.appendChild(el(document, 'title', {}, d.title));
    g.appendChild(circle);
  }
  return g;
}

/** The text of a map label: a bold name and a count in the accent colour. */
export interface LabelText {
  name: string;
  count: string;
}

export function labelWidth(text: LabelText): number {
  return textWidth(text.name, LABEL_SIZE, 'bold') + (text.count ? textWidth(` ${text.count}`, LABEL_SIZE) : 0) + 6;
}

export function labelHeight(): number {
  return Math.round(LABEL_SIZE * 1.35);
}

/**
 * Placed labels: a leader line from the dot's edge where a label had to move, an optional ring
 * around the labelled dot, and the text with a halo in the background colour.
 */
export function labelsGroup(
  document: SvgDocument,
  theme: Theme,
  placed: readonly (PlacedLabel | null)[],
  texts: readonly LabelText[],
  options: { rings?: readonly (number | null)[] } = {},
): SvgNode {
  const g = el(document, 'g', { class: 'botmap-labels' });
  const leaders = el(document, 'g', { stroke: theme.leader, 'stroke-width': 1, 'stroke-opacity': 0.85 });
  const rings = el(document, 'g', { fill: 'none', stroke: theme.text, 'stroke-width': 1 });
  const textGroup = el(document, 'g', {
    'font-size': LABEL_SIZE,
    'paint-order': 'stroke',
    stroke: theme.background,
    'stroke-width': 3,
    'stroke-linejoin': 'round',
  });
  placed.forEach((p, i) => {
    if (!p) return;
    if (p.leader) leaders.appendChild(el(document, 'line', leaderLine(p)));
    const ring = options.rings?.[i];
    if (ring != null) rings.appendChild(el(document, 'circle', { cx: p.anchorX, cy: p.anchorY, r: ring }));
    const { name, count } = texts[i];
    // Anchor the text on the box edge nearest its dot, so any slack falls on the far side and
    // the label stays tight to its dot (or leader line).
    const centre = p.x + p.width / 2;
    const side = Math.abs(centre - p.anchorX) < p.width * 0.25 ? 'middle' : centre < p.anchorX ? 'end' : 'start';
    const text = el(document, 'text', {
      'text-anchor': side,
      x: side === 'middle' ? centre : side === 'end' ? p.x + p.width - 3 : p.x + 3,
      y: p.y + p.height / 2,
      dy: '0.35em',
    });
    text.appendChild(el(document, 'tspan', { fill: theme.text, 'font-weight': 'bold' }, name));
    if (count) text.appendChild(el(document, 'tspan', { fill: theme.accent }, ` ${count}`));
    textGroup.appendChild(text);
  });
  g.append(leaders, rings, textGroup);
  return g;
}
