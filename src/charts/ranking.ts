import * as Plot from '@observablehq/plot';
import type { SvgDocument, SvgNode } from './dom';
import { textWidth } from './labels';
import type { Theme } from './theme';
import { axisStyle, el, framed, formatCount, ofAll, PAD, setup, type Chart, type ChartOptions } from './frame';

export interface RankingRow {
  label: string;
  /** The measure the bars show. */
  value: number;
  /** The other measure, shown as a column at the right (e.g. events beside distinct addresses). */
  secondary?: number;
}

export interface RankingOptions extends ChartOptions {
  /** What the value counts, for the axis ("distinct addresses"). */
  measure: string;
  /** What `secondary` counts, for its column's heading ("events"). */
  secondaryMeasure?: string;
  /**
   * Totals over all the data, not just the rows shown, for the share each bar's hover title
   * gives; leave one out where a share makes no sense (addresses summed over user names).
   */
  totals?: { value?: number; secondary?: number };
}

const FONT = 12;

/** Whole-number ticks with a round step (1, 2, 5 × 10ⁿ), about six of them, up to `max`. */
export function integerTicks(max: number): number[] {
  const raw = Math.max(1, max / 6);
  const p = 10 ** Math.floor(Math.log10(raw));
  const steps = p >= 10 ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10];
  const step = steps.map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const ticks: number[] = [];
  for (let v = 0; v <= max; v += step) ticks.push(v);
  return ticks;
}

/** A chart with its words and a note where the bars would be. */
function emptyChart(options: RankingOptions, theme: Theme, document: SvgDocument, width: number): Chart {
  const height = 60;
  const plot = el(document, 'svg', { width: String(width), height: String(height), viewBox: `0 0 ${width} ${height}` });
  plot.appendChild(el(document, 'text', { x: PAD, y: 34, 'font-size': 14, fill: theme.muted }, 'Nothing to rank: no row has a count.'));
  return framed(document, theme, { ...options, width }, plot, height, [], []);
}

/**
 * Shortens a label to `max` pixels with an ellipsis, a whole character at a time: half of a
 * surrogate pair (an emoji cut in two) is not a character XML may hold, and makes the SVG invalid.
 */
export function truncate(label: string, max: number): string {
  if (textWidth(label, FONT) <= max) return label;
  let cut = label;
  while (cut.length > 1 && textWidth(`${cut}…`, FONT) > max) cut = cut.slice(0, /[\udc00-\udfff]/.test(cut[cut.length - 1]) && cut.length > 2 ? -2 : -1);
  return `${cut.trimEnd()}…`;
}

/**
 * Rows with labels for a band scale, whose values must be unique: shortened to `max` pixels,
 * and repeated names (two "Springfield"s) given a suffix.
 */
export function bandLabels<T extends { label: string }>(rows: readonly T[], max: number): T[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const label = truncate(r.label, max);
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return { ...r, label: n > 1 ? `${label} (${n})` : label };
  });
}

/** A bar's hover title: its full name, then each measure with its share of the total. */
function rankingTitle(row: RankingRow, options: RankingOptions): string {
  const lines = [row.label, `${options.measure}: ${formatCount(row.value)}${ofAll(row.value, options.totals?.value)}`];
  if (row.secondary != null && options.secondaryMeasure) {
    const measure = options.secondaryMeasure[0].toUpperCase() + options.secondaryMeasure.slice(1);
    lines.push(`${measure}: ${formatCount(row.secondary)}${ofAll(row.secondary, options.totals?.secondary)}`);
  }
  return lines.join('\n');
}

/** A horizontal bar chart, largest first, each bar labelled with its value and carrying its details as a hover title. */
export function rankingChart(rows: readonly RankingRow[], options: RankingOptions): Chart {
  const { theme, document, width } = setup(options, 900);
  const shown = bandLabels(
    rows.map((r) => ({ ...r, title: rankingTitle(r, options) })),
    Math.round(width * 0.4),
  );
  const longest = shown.reduce((m, r) => Math.max(m, textWidth(r.label, FONT)), 0);
  const marginLeft = Math.ceil(longest) + 20 + 12;
  const hasSecondary = shown.some((r) => r.secondary != null) && !!options.secondaryMeasure;
  const secondaryTexts = shown.map((r) => (r.secondary != null ? formatCount(r.secondary) : ''));
  const secondaryWidth = hasSecondary ? Math.max(textWidth(options.secondaryMeasure!, 11), ...secondaryTexts.map((t) => textWidth(t, 11))) + 16 : 0;
  const maxValue = shown.reduce((m, r) => Math.max(m, r.value), 0);
  const valueWidth = textWidth(formatCount(maxValue), 11) + 10;
  const barStep = 24;
  const marginTop = hasSecondary ? 22 : 10;
  const height = shown.length * barStep + marginTop + 40;
  const marginRight = 20 + secondaryWidth;
  // Leave room after the longest bar for its value label.
  const plotWidth = width - marginLeft - marginRight;
  const domainMax = (maxValue || 1) * (1 + valueWidth / Math.max(100, plotWidth - valueWidth));

  if (!shown.length) return emptyChart(options, theme, document, width);
  const ticks = integerTicks(domainMax);
  const plot = Plot.plot({
    document,
    width,
    height,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom: 40,
    style: axisStyle(theme),
    x: { label: `${options.measure} →`, domain: [0, domainMax], labelAnchor: 'center', labelOffset: 34, tickFormat: (d: number) => formatCount(d), ticks },
    y: { label: null, domain: shown.map((r) => r.label), tickSize: 0, padding: 0.22 },
    marks: [
      Plot.gridX({ stroke: theme.grid, strokeOpacity: 1, ticks }),
      Plot.barX(shown, { x: 'value', y: 'label', fill: theme.bar, fillOpacity: 0.9, title: 'title' }),
      Plot.text(shown, {
        x: 'value',
        y: 'label',
        text: (d: RankingRow) => formatCount(d.value),
        textAnchor: 'start',
        dx: 5,
        fill: theme.text,
        fontSize: 11,
      }),
      hasSecondary
        ? Plot.text(shown, { y: 'label', text: (_d: RankingRow, i: number) => secondaryTexts[i], frameAnchor: 'right', textAnchor: 'end', dx: marginRight - 4, fill: theme.muted, fontSize: 11 })
        : null,
      hasSecondary
        ? Plot.text([options.secondaryMeasure!], { frameAnchor: 'top-right', textAnchor: 'end', dx: marginRight - 4, dy: -12, fill: theme.muted, fontSize: 11, text: (d: string) => d })
        : null,
      Plot.ruleX([0], { stroke: theme.muted }),
    ],
  }) as unknown as SvgNode;
  return framed(document, theme, { ...options, width }, plot, height, [], []);
}
