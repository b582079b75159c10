/**
 * A filtered events table aggregates and draws exactly as the whole does: the sample's events
 * filtered to one jail and one server give the tables, the summary's figures and the world map
 * that loading only that server's files (and filtering the same jail) gives.
 */
import os from 'node:os';
import path from 'node:path';
import type { ColumnTable } from 'arquero';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyse, analysisOfEvents, parameters, type Analysis } from '../src/notebook/pipeline';
import { hourWeekdayChart, newAttackersChart, timelineChart, worldMapChart } from '../src/charts/charts';
import { eventsOverTime, timeSource } from '../src/aggregate/timeline';
import { UTC } from '../src/time-zone';
import { svgText } from '../src/export/files';
import { plainTable } from './support/aggregate-store';

const out = path.join(os.tmpdir(), 'botmap-filtered-events');
let whole: Analysis;
let serverOnly: Analysis;

/** The events of jail sshd, and of `server` when given. */
const sshd = (events: ColumnTable, server: string | null = null) =>
  events.params({ jail: 'sshd', server }).filter((d: any, $: any) => d.jail === $.jail && ($.server === null || d.server === $.server));

describe('a filtered events table', () => {
  beforeAll(async () => {
    whole = await analyse(parameters({ data: ['data/sample'], out, timeZone: 'UTC', sshdMode: 'aggressive' }, {}));
    serverOnly = await analyse(parameters({ data: ['data/sample/web1'], out, timeZone: 'UTC', sshdMode: 'aggressive' }, {}));
  }, 120_000);

  it('aggregates to the tables of that server alone', () => {
    const filtered = analysisOfEvents(whole, sshd(whole.events, 'web1'));
    const alone = analysisOfEvents(serverOnly, sshd(serverOnly.events));
    for (const table of ['ips', 'cities', 'countries', 'asns'] as const) {
      expect(filtered.aggregates[table].objects(), table).toStrictEqual(alone.aggregates[table].objects());
    }
    for (const part of ['places', 'counting', 'window'] as const) expect(filtered.aggregates[part], part).toStrictEqual(alone.aggregates[part]);
    // ips.trusted is the run's, as the accounting is: the sample's admin logs in on mail1.
    const { events, ips: { trusted, ...ips }, top_cities, top_countries } = filtered.summary;
    expect([trusted, alone.summary.ips.trusted]).toEqual([1, 0]);
    expect({ events, ips: { ...ips, trusted: 0 }, top_cities: top_cities.slice(0, 1), top_countries: top_countries.slice(0, 1) }).toStrictEqual({
      events: alone.summary.events,
      ips: alone.summary.ips,
      top_cities: alone.summary.top_cities.slice(0, 1),
      top_countries: alone.summary.top_countries.slice(0, 1),
    });

    // What those tables hold, against the whole sample (3,234 addresses, 2 servers, 4 jails).
    expect(whole.aggregates.ips.numRows()).toBe(3234);
    // web1's status lists 30 addresses its log banned in sshd: counted once, as the log's bans (so no listed event is left).
    expect(filtered.events.numRows()).toBe(29174);
    expect(events).toStrictEqual({ total: 29174, attacks: 25460, by_kind: { found: 21721, ban: 3739, unban: 3709, restore: 5 }, duplicates: 30 });
    expect([filtered.aggregates.ips, filtered.aggregates.cities, filtered.aggregates.countries, filtered.aggregates.asns].map((t) => t.numRows())).toEqual([2440, 822, 137, 826]);
    expect(filtered.aggregates.places).toHaveLength(492);
    expect(filtered.aggregates.window).toStrictEqual({ first: 1789344154000, last: 1792972777182 });
    expect(top_cities[0]).toStrictEqual({ city: 'Shanghai', subdivision: 'Shanghai', country: 'CN', country_name: 'China', latitude: 31.2222, longitude: 121.4581, ips: 99, events: 1094 });
    expect(top_countries[0]).toStrictEqual({ country: 'CN', name: 'China', ips: 422, events: 4406, ips_city: 359, ips_country_only: 63 });
  });

  it('aggregates through Arquero verbs alone as through the store codes', () => {
    const filtered = sshd(whole.events, 'web1');
    const plain = plainTable(filtered);
    const byCodes = analysisOfEvents(whole, filtered).aggregates;
    const byVerbs = analysisOfEvents(whole, plain).aggregates;
    for (const table of ['ips', 'cities', 'countries', 'asns'] as const) expect(byVerbs[table].objects(), table).toStrictEqual(byCodes[table].objects());
    expect(byVerbs.places).toStrictEqual(byCodes.places);
  });

  it('draws the world map of that server alone', () => {
    const filtered = svgText(worldMapChart(analysisOfEvents(whole, sshd(whole.events, 'web1'))));
    expect(filtered).toBe(svgText(worldMapChart(analysisOfEvents(serverOnly, sshd(serverOnly.events)))));
    expect(filtered).toContain('2026-09-14 – 2026-10-25 · 2,184 addresses in 822 cities · 137 countries');
    expect(filtered).toContain('Not drawn: 253 addresses located to a country only, 0 not in the database, 3 private or reserved (of 2,440 distinct).');
    expect(svgText(worldMapChart(whole))).not.toContain('2,184 addresses in 822 cities');
  });

  it('draws the time charts of that server alone', () => {
    const filtered = analysisOfEvents(whole, sshd(whole.events, 'web1'));
    const alone = analysisOfEvents(serverOnly, sshd(serverOnly.events));
    for (const chart of [timelineChart, hourWeekdayChart, newAttackersChart]) expect(svgText(chart(filtered)), chart.name).toBe(svgText(chart(alone)));
    const timeline = eventsOverTime(timeSource(filtered.events), { timeZone: UTC });
    expect([timeline.bin, timeline.timed, timeline.untimed, timeline.jails, timeline.servers, timeline.rows.length]).toEqual(['day', 25460, 0, ['sshd'], ['web1'], 42]);
    // A plain table (no store codes) is coded on the spot, to the same series.
    expect(eventsOverTime(timeSource(plainTable(filtered.events)), { timeZone: UTC })).toStrictEqual(timeline);
  });
});
