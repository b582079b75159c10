import { describe, expect, it } from 'vitest';
import { EVENT_KINDS } from '../src/load/events';
import { svgText } from '../src/export/files';
import { attackersPerWeekChart, eventTimeline, hourWeekdayHeatmap, NO_TIMES } from '../src/charts/time-charts';
import { DARK, LIGHT } from '../src/charts/theme';
import { attackersPerWeek, chooseBin, DAY_MS, eventsOverTime, firstLastSeen, hourWeekday, weekStart, type TimeSource } from '../src/aggregate/timeline';
import { UTC, timeZone } from '../src/time-zone';
import { expectSvgSnapshot } from './support/snapshot';

const THEMES = [
  ['dark', DARK],
  ['light', LIGHT],
] as const;

const code = (kind: string) => EVENT_KINDS.indexOf(kind as any);
const START = Date.UTC(2026, 8, 14); // Monday 2026-09-14

function seeded(seed: number) {
  return () => ((seed = (Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x6d2b79f5) >>> 0) / 4294967296);
}

/** Synthetic events: three weeks, two servers, three jails, a burst, some untimed bans and bookkeeping. */
function source(): TimeSource {
  const random = seeded(7);
  const ip: number[] = [];
  const kind: number[] = [];
  const time: number[] = [];
  const jail: number[] = [];
  const server: number[] = [];
  const add = (i: number, k: string, t: number, j: number, s: number) => (ip.push(i), kind.push(code(k)), time.push(t), jail.push(j), server.push(s));
  for (let n = 0; n < 3000; n++) {
    const day = Math.floor(random() * 21);
    const hour = Math.floor(random() * 24);
    const t = START + day * DAY_MS + hour * 3_600_000 + Math.floor(random() * 3_600_000);
    const j = random() < 0.7 ? 1 : random() < 0.6 ? 2 : 3;
    add(Math.floor(random() * (40 + day * 20)), random() < 0.8 ? 'found' : 'ban', t, j, random() < 0.65 ? 0 : 1);
  }
  // A burst on Wednesday 2026-09-23, 02:00–04:00 UTC.
  for (let n = 0; n < 600; n++) add(500 + (n % 90), 'found', START + 9 * DAY_MS + 2 * 3_600_000 + n * 12_000, 1, 0);
  for (let n = 0; n < 20; n++) add(n, 'unban', START + n * DAY_MS, 1, 0); // bookkeeping: not counted
  for (let n = 0; n < 15; n++) add(700 + n, 'listed', Number.NaN, 1, 0); // undated ban list
  return {
    columns: { ip: Uint32Array.from(ip), kind: Uint8Array.from(kind), time: Float64Array.from(time), jail: Uint32Array.from(jail), server: Uint32Array.from(server) },
    jails: ['', 'sshd', 'nginx-botsearch', 'postfix'],
    servers: ['web1', 'mail'],
  };
}

describe('time aggregations', () => {
  it('counts attack events per day by jail and server, apart from untimed ones', () => {
    const t = eventsOverTime(source(), { timeZone: UTC });
    expect(t.bin).toBe('day');
    expect(t.timed).toBe(3600);
    expect(t.untimed).toBe(15);
    expect(t.rows.reduce((s, r) => s + r.events, 0)).toBe(3600);
    expect(t.jails[0]).toBe('sshd');
    expect(t.servers).toEqual(['web1', 'mail']);
    expect(t.rows[0].start).toBe(START);
    expect(t.rows.every((r) => r.end - r.start === DAY_MS)).toBe(true);
  });

  it('bins by week beyond 120 days and by the given time zone', () => {
    expect(chooseBin(0, 100 * DAY_MS)).toBe('day');
    expect(chooseBin(0, 200 * DAY_MS)).toBe('week');
    expect(weekStart(Date.UTC(2026, 8, 20))).toBe(START); // a Sunday belongs to the week from Monday 14
    const kolkata = timeZone('Asia/Kolkata'); // UTC+5:30
    const late = Date.UTC(2026, 8, 14, 20, 0); // 01:30 on the 15th in India
    expect(kolkata.dayStart(late)).toBe(Date.UTC(2026, 8, 15));
    expect(kolkata.hour(late)).toBe(1);
    const weekly = eventsOverTime(source(), { timeZone: kolkata, bin: 'week' });
    expect(weekly.bin).toBe('week');
    expect(new Set(weekly.rows.map((r) => new Date(r.start).getUTCDay()))).toEqual(new Set([1]));
    expect(weekly.timeZone).toBe('Asia/Kolkata');
  });

  it('counts events by weekday and hour in all 168 cells', () => {
    const h = hourWeekday(source(), { timeZone: UTC });
    expect(h.cells).toHaveLength(168);
    expect(h.cells.reduce((s, c) => s + c.events, 0)).toBe(3600);
    const burst = h.cells.find((c) => c.weekday === 2 && c.hour === 2)!; // Wednesday 02:00
    expect(burst.events).toBeGreaterThanOrEqual(300);
  });

  it('finds each address first and last attack and counts new and returning attackers per week', () => {
    const s = source();
    const { first, last } = firstLastSeen(s, 800);
    expect(Number.isNaN(first[700])).toBe(true); // only in the undated list
    for (let i = 0; i < 40; i++) if (Number.isFinite(first[i])) expect(first[i]).toBeLessThanOrEqual(last[i]);
    const { weeks } = attackersPerWeek(s, 800, { timeZone: UTC });
    expect(weeks.map((w) => w.start)).toEqual([START, START + 7 * DAY_MS, START + 14 * DAY_MS]);
    expect(weeks[0].returning).toBe(0);
    const seen = new Set<number>();
    for (let i = 0; i < s.columns.ip.length; i++) if (Number.isFinite(s.columns.time[i]) && s.columns.kind[i] !== code('unban')) seen.add(s.columns.ip[i]);
    expect(weeks.reduce((n, w) => n + w.new, 0)).toBe(seen.size);
    expect(weeks.reduce((n, w) => n + w.lastSeen, 0)).toBe(seen.size);
  });

  it('counts attackers per week with no timed attack, and across decades of weeks', () => {
    const columns = (times: number[]) => ({ ip: times.map((_, i) => i % 2), kind: times.map(() => code('found')), time: times, jail: times.map(() => 0), server: times.map(() => 0) });
    const of = (times: number[]) => ({ columns: columns(times), jails: [''], servers: [''] }) as unknown as TimeSource;
    expect(attackersPerWeek(of([Number.NaN]), 1, { timeZone: UTC }).weeks).toEqual([]);
    // A stray 1971 stamp beside 2026 ones: 2,900 weeks × 200,000 addresses is past the bit set's limit.
    const stray = of([Date.UTC(1971, 0, 4), START, START + 7 * DAY_MS, START + 8 * DAY_MS]);
    const { weeks } = attackersPerWeek(stray, 200_000, { timeZone: UTC });
    expect(weeks.map((w) => [w.start, w.new, w.returning, w.lastSeen])).toEqual([
      [Date.UTC(1971, 0, 4), 1, 0, 0],
      [START, 1, 0, 0],
      [START + 7 * DAY_MS, 0, 2, 2],
    ]);
  });
});

const TEXT = { title: 'Attack events per day', subtitle: '2026-09-14 – 2026-10-04 · test events', caption: ['Geolocation: test data.'] };

describe('time charts', () => {
  it.each(THEMES)('timeline matches its snapshot (%s theme)', (name, theme) => {
    const t = eventsOverTime(source(), { timeZone: UTC });
    const svg = svgText(eventTimeline(t.rows, { ...TEXT, theme, bin: t.bin, jails: t.jails }));
    expectSvgSnapshot(`timeline-${name}`, svg);
    expect(svg).toContain('>sshd</text>');
  });

  it('timeline facets by server', () => {
    const t = eventsOverTime(source(), { timeZone: UTC });
    const svg = svgText(eventTimeline(t.rows, { ...TEXT, theme: DARK, bin: t.bin, jails: t.jails, servers: t.servers, facetByServer: true }));
    expectSvgSnapshot('timeline-servers-dark', svg);
    expect(svg).toContain('>web1</text>');
    expect(svg).toContain('>mail</text>');
  });

  it.each(THEMES)('hour × weekday heatmap matches its snapshot (%s theme)', (name, theme) => {
    const h = hourWeekday(source(), { timeZone: UTC });
    const svg = svgText(hourWeekdayHeatmap(h.cells, { ...TEXT, title: 'When the attacks come', theme }));
    expectSvgSnapshot(`hour-weekday-${name}`, svg);
    expect(svg).toContain('>Wed</text>');
  });

  it.each(THEMES)('new attackers per week matches its snapshot (%s theme)', (name, theme) => {
    const { weeks } = attackersPerWeek(source(), 800, { timeZone: UTC });
    const svg = svgText(attackersPerWeekChart(weeks, { ...TEXT, title: 'New attackers per week', theme }));
    expectSvgSnapshot(`new-attackers-${name}`, svg);
    expect(svg).toContain('>Sep 21</text>');
  });

  it('draws long spans of weeks as stacked bars without per-bar labels', () => {
    const weeks = Array.from({ length: 40 }, (_, i) => ({ start: START + i * 7 * DAY_MS, end: START + (i + 1) * 7 * DAY_MS, new: 10 + i, returning: i, lastSeen: 0 }));
    const svg = svgText(attackersPerWeekChart(weeks, { title: 'New attackers per week' }));
    expect(svg).not.toContain('>Sep 21</text>');
  });

  it('draws empty charts when no event has a time', () => {
    const empty: TimeSource = { columns: { ip: [], kind: [], time: [], jail: [], server: [] }, jails: [''], servers: [] };
    const t = eventsOverTime(empty);
    expect(t.first).toBeNull();
    expect(svgText(eventTimeline(t.rows, { title: 't', bin: t.bin }))).toContain(NO_TIMES);
    expect(svgText(hourWeekdayHeatmap(hourWeekday(empty).cells, { title: 't' }))).toContain(NO_TIMES);
    expect(svgText(attackersPerWeekChart(attackersPerWeek(empty, 0).weeks, { title: 't' }))).toContain(NO_TIMES);
  });
});
