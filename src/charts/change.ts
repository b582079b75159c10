import * as Plot from '@observablehq/plot';
import type { SvgNode } from './dom';
import { textWidth } from './labels';
import { axisStyle, framed, formatCount, ofAll, setup, type Chart, type ChartOptions } from './frame';
import { bandLabels, integerTicks } from './ranking';

/** One row of a before → after comparison. */
export interface ChangeDatum {
  label: string;
  before: number;
  after: number;
}

export interface ChangeOptions extends ChartOptions {
  /** What the values count ("distinct addresses"). */
  measure: string;
  /** Names of the two periods, for the legend. */
  beforeLabel: string;
  afterLabel: string;
  /** The whole of each period (all addresses in it), for the shares in the hover titles. */
  totals?: { before?: number; after?: number };
}

/** A row's hover title: its name, each period's value with its share of the period, the change. */
function changeTitle(d: ChangeDatum, options: ChangeOptions): string {
  const change = d.after - d.before;
  return [
    d.label,
    `${options.beforeLabel}: ${formatCount(d.before)}${ofAll(d.before, options.totals?.before, 'the period')}`,
    `${options.afterLabel}: ${formatCount(d.after)}${ofAll(d.after, options.totals?.after, 'the period')}`,
    `Change: ${change >= 0 ? '+' : '−'}${formatCount(Math.abs(change))}`,
  ].join('\n');
}

/**
 * A dumbbell chart: per row, a hollow dot for the first period, a filled dot for the second and a
 * line between them, so rises and falls read at a glance. Rows in the order given.
 */
export function changeChart(rows: readonly ChangeDatum[], options: ChangeOptions): Chart {
  const { theme, document, width } = setup(options, 900);
  const shown = bandLabels(
    rows.map((r) => ({ ...r, title: changeTitle(r, options) })),
    Math.round(width * 0.4),
  );
  const marginLeft = Math.ceil(shown.reduce((m, r) => Math.max(m, textWidth(r.label, 12)), 0)) + 32;
  const maxValue = Math.max(1, ...shown.map((r) => Math.max(r.before, r.after)));
  const ticks = integerTicks(maxValue * 1.1);
  const height = shown.length * 24 + 80;
  const rising = (d: ChangeDatum) => d.after >= d.before;
  const plot = Plot.plot({
    document,
    width,
    height,
    marginLeft,
    marginRight: 60,
    marginTop: 30,
    marginBottom: 40,
    style: axisStyle(theme),
    x: { label: `${options.measure} →`, domain: [0, maxValue * 1.1], labelAnchor: 'center', labelOffset: 34, tickFormat: (d: number) => formatCount(d), ticks },
    y: { label: null, domain: shown.map((r) => r.label), tickSize: 0 },
    marks: [
      Plot.gridX({ stroke: theme.grid, strokeOpacity: 1, ticks }),
      Plot.link(shown, { x1: 'before', x2: 'after', y1: 'label', y2: 'label', stroke: (d: ChangeDatum) => (rising(d) ? theme.accent : theme.muted), strokeWidth: 2, title: 'title' }),
      Plot.dot(shown, { x: 'before', y: 'label', r: 4.5, stroke: theme.muted, fill: theme.background, strokeWidth: 1.5, title: 'title' }),
      Plot.dot(shown, { x: 'after', y: 'label', r: 4.5, fill: (d: ChangeDatum) => (rising(d) ? theme.accent : theme.muted), title: 'title' }),
      Plot.text(shown, {
        x: (d: ChangeDatum) => Math.max(d.before, d.after),
        y: 'label',
        text: (d: ChangeDatum) => `${d.after - d.before >= 0 ? '+' : '−'}${formatCount(Math.abs(d.after - d.before))}`,
        textAnchor: 'start',
        dx: 9,
        fill: theme.text,
        fontSize: 11,
      }),
      Plot.dot([0], { frameAnchor: 'top-left', dx: 6, dy: -18, r: 4.5, stroke: theme.muted, fill: theme.background, strokeWidth: 1.5 }),
      Plot.text([options.beforeLabel], { frameAnchor: 'top-left', dx: 16, dy: -18, textAnchor: 'start', fill: theme.muted, fontSize: 11, text: (d: string) => d }),
      Plot.dot([0], { frameAnchor: 'top-left', dx: 26 + textWidth(options.beforeLabel, 11), dy: -18, r: 4.5, fill: theme.accent }),
      Plot.text([options.afterLabel], { frameAnchor: 'top-left', dx: 36 + textWidth(options.beforeLabel, 11), dy: -18, textAnchor: 'start', fill: theme.muted, fontSize: 11, text: (d: string) => d }),
    ],
  }) as unknown as SvgNode;
  return framed(document, theme, { ...options, width }, plot, height, [], []);
}
