import * as Plot from '@observablehq/plot';
import type { SvgNode } from './dom';
import { WEEKDAYS, type AttackerWeek, type HourWeekdayCell, type TimeBin, type TimelineRow } from '../aggregate/timeline';
import type { Theme } from './theme';
import { isoDay } from '../aggregate/summary';
import { axisStyle, formatCount, framed, ofAll, countOf, setup, type Chart, type ChartOptions } from './frame';
import { rampLegend, swatchLegend } from './legends';
import { sequentialColor } from './world-map';

/** The message an empty time chart shows. */
export const NO_TIMES = 'No attack event in the inputs carries a time.';

function noData(theme: Theme) {
  return Plot.text([NO_TIMES], { frameAnchor: 'middle', fill: theme.muted, fontSize: 14, text: (d: string) => d });
}

export interface EventTimelineOptions extends ChartOptions {
  bin: TimeBin;
  /** Stack order and colours: categories of `jail`, largest first. Default: from the rows. */
  jails?: readonly string[];
  /** One panel per server (small multiples) instead of one stack. */
  facetByServer?: boolean;
  /** Panel order: servers, largest first. Default: from the rows. */
  servers?: readonly string[];
}

/**
 * Attack events per day (or week), bars stacked by jail; with `facetByServer`, one panel per
 * server sharing the time axis.
 */
export function eventTimeline(rows: readonly TimelineRow[], options: EventTimelineOptions): Chart {
  const { theme, document, width } = setup(options, 1100);
  const jails = options.jails ?? [...new Set(rows.map((r) => r.jail))];
  const servers = options.servers ?? [...new Set(rows.map((r) => r.server))];
  const facet = !!options.facetByServer && servers.length > 0;
  const panelHeight = facet ? 150 : 300;
  const marginTop = 16;
  const marginBottom = 36;
  const height = marginTop + marginBottom + (facet ? servers.length * panelHeight + (servers.length - 1) * 14 : panelHeight);
  // The theme's palette, cycled.
  const colors = jails.map((_, i) => theme.categorical[i % theme.categorical.length]);
  const total = rows.reduce((sum, r) => sum + r.events, 0);
  const title = (r: TimelineRow) =>
    `${r.jail || '(no jail)'}${servers.length > 1 ? ` on ${r.server || '(no server)'}` : ''}\n${options.bin === 'day' ? isoDay(r.start) : `Week from ${isoDay(r.start)}`}: ${countOf(r.events, 'event')}${ofAll(r.events, total)}`;
  const plot = Plot.plot({
    document,
    width,
    height,
    marginTop,
    marginBottom,
    marginLeft: 56,
    marginRight: facet ? 110 : 28,
    style: axisStyle(theme),
    x: { type: 'utc', label: null },
    y: { label: null, grid: false, tickFormat: (d: number) => formatCount(d) },
    fy: facet ? { label: null, domain: servers as string[], padding: 0.1, tickFormat: (d: string) => d || '(none)' } : undefined,
    color: { domain: jails as string[], range: colors },
    facet: facet ? { data: rows as TimelineRow[], y: 'server', marginRight: 110 } : undefined,
    marks: [
      Plot.gridY({ stroke: theme.grid, strokeOpacity: 1 }),
      Plot.rectY(
        rows as TimelineRow[],
        Plot.stackY({ x1: 'start', x2: 'end', y: 'events', fill: 'jail', title, order: jails as string[], insetLeft: options.bin === 'day' ? 0.5 : 1, insetRight: options.bin === 'day' ? 0.5 : 1 } as any),
      ),
      Plot.ruleY([0], { stroke: theme.muted }),
      rows.length ? null : noData(theme),
    ],
  }) as unknown as SvgNode;
  const legend = swatchLegend(document, theme, { items: jails.map((jail, i) => ({ label: jail, color: colors[i] })), maxWidth: 460 });
  return framed(document, theme, { ...options, width }, plot, height, [], [], legend);
}

/** Attack events by hour of day (columns) and weekday (rows), shaded on a sequential scale. */
export function hourWeekdayHeatmap(cells: readonly HourWeekdayCell[], options: ChartOptions): Chart {
  const { theme, document, width } = setup(options, 1000);
  const max = cells.reduce((m, c) => Math.max(m, c.events), 0);
  const scale = sequentialColor(theme, [0, max || 1], 'linear');
  const marginLeft = 52;
  const marginRight = 64;
  const cell = (width - marginLeft - marginRight) / 24;
  const height = Math.round(cell * 7) + 30 + 34;
  const rowTotals = WEEKDAYS.map((_, d) => cells.filter((c) => c.weekday === d).reduce((s, c) => s + c.events, 0));
  const total = rowTotals.reduce((sum, n) => sum + n, 0);
  const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
  const title = (c: HourWeekdayCell) => `${WEEKDAYS[c.weekday]} ${hour(c.hour)}–${hour(c.hour + 1)}\n${countOf(c.events, 'event')}${ofAll(c.events, total)}`;
  const plot = Plot.plot({
    document,
    width,
    height,
    marginLeft,
    marginRight,
    marginTop: 30,
    marginBottom: 34,
    style: axisStyle(theme),
    x: { domain: Array.from({ length: 24 }, (_, h) => h), label: 'Hour of day →', labelAnchor: 'center', tickFormat: (h: number) => String(h).padStart(2, '0'), tickSize: 0, padding: 0 },
    y: { domain: [0, 1, 2, 3, 4, 5, 6], label: null, tickFormat: (d: number) => WEEKDAYS[d], tickSize: 0, padding: 0 },
    color: { type: 'identity' },
    marks: [
      Plot.cell(cells as HourWeekdayCell[], {
        x: 'hour',
        y: 'weekday',
        fill: (c: HourWeekdayCell) => (c.events > 0 ? scale.color(c.events) : theme.grid),
        inset: 1,
        rx: 2,
        title,
      }),
      Plot.text(WEEKDAYS.map((_, d) => d), {
        y: (d: number) => d,
        text: (d: number) => formatCount(rowTotals[d]),
        frameAnchor: 'right',
        textAnchor: 'start',
        dx: 8,
        fill: theme.muted,
        fontSize: 11,
      }),
      max > 0 ? null : noData(theme),
      Plot.text(['per day'], { frameAnchor: 'top-right', textAnchor: 'start', dx: 8, dy: -12, fill: theme.muted, fontSize: 11, text: (d: string) => d }),
    ],
  }) as unknown as SvgNode;
  const ticks = niceLinearTicks(max);
  const legend = rampLegend(document, theme, {
    label: 'Events per hour and weekday',
    color: scale.ramp,
    ticks: ticks.map((v) => ({ at: scale.position(v), text: formatCount(v) })),
    width: 220,
  });
  return framed(document, theme, { ...options, width }, plot, height, [], [], legend);
}

/** 0 and a few round values up to `max`. */
export function niceLinearTicks(max: number, count = 4): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const ticks: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) ticks.push(Math.round(v * 1000) / 1000);
  return ticks;
}

/** "Sep 14" */
function shortDate(ms: number): string {
  const d = new Date(ms);
  return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/**
 * Per week: addresses first seen that week (new) beside those seen before (returning), each bar
 * labelled; beyond 26 weeks, stacked bars on a time axis without labels.
 */
export function attackersPerWeekChart(weeks: readonly AttackerWeek[], options: ChartOptions): Chart {
  const { theme, document, width } = setup(options, 1000);
  const grouped = weeks.length > 0 && weeks.length <= 26;
  const title = (w: AttackerWeek, series: 'New' | 'Returning', value: number) =>
    `Week from ${isoDay(w.start)}\n${series}: ${countOf(value, 'address', 'addresses')}${ofAll(value, w.new + w.returning, "the week's attackers")}`;
  const bars = weeks.flatMap((w) => [
    { week: shortDate(w.start), start: w.start, end: w.end, series: 'new', value: w.new, title: title(w, 'New', w.new) },
    { week: shortDate(w.start), start: w.start, end: w.end, series: 'returning', value: w.returning, title: title(w, 'Returning', w.returning) },
  ]);
  const height = 300;
  const max = grouped ? bars.reduce((m, b) => Math.max(m, b.value), 0) : weeks.reduce((m, w) => Math.max(m, w.new + w.returning), 0);
  const plot = Plot.plot({
    document,
    width,
    height,
    marginTop: 22,
    marginBottom: grouped ? 40 : 36,
    marginLeft: 56,
    marginRight: 28,
    style: axisStyle(theme),
    color: { domain: ['new', 'returning'], range: [theme.bar, theme.barSecondary] },
    fx: grouped ? { label: null, domain: weeks.map((w) => shortDate(w.start)), padding: 0.18, axis: 'bottom', tickSize: 0 } : undefined,
    x: grouped ? { axis: null, domain: ['new', 'returning'], padding: 0.06 } : { type: 'utc', label: null },
    y: { label: null, grid: false, tickFormat: (d: number) => formatCount(d), domain: [0, (max || 1) * 1.1] },
    marks: [
      Plot.gridY({ stroke: theme.grid, strokeOpacity: 1 }),
      ...(grouped
        ? [
            Plot.barY(bars, { fx: 'week', x: 'series', y: 'value', fill: 'series', title: 'title' }),
            Plot.text(bars, { fx: 'week', x: 'series', y: 'value', text: (b: { value: number }) => formatCount(b.value), dy: -7, fill: theme.text, fontSize: 11 }),
          ]
        : [Plot.rectY(bars, Plot.stackY({ x1: 'start', x2: 'end', y: 'value', fill: 'series', title: 'title', insetLeft: 1, insetRight: 1 } as any))]),
      Plot.ruleY([0], { stroke: theme.muted }),
      weeks.length ? null : noData(theme),
    ],
  }) as unknown as SvgNode;
  const legend = swatchLegend(document, theme, {
    items: [
      { label: 'new (first attack that week)', color: theme.bar },
      { label: 'returning (seen in an earlier week)', color: theme.barSecondary },
    ],
    maxWidth: 520,
  });
  return framed(document, theme, { ...options, width }, plot, height, [], [], legend);
}
