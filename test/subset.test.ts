/**
 * `subset(analysis, filter)`: the analysis of the matching events only, equal to loading only the
 * matching files; its charts name the subset; a value the data does not have is an error.
 */
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyse, analysisOfEvents, parameters, type Analysis } from '../src/notebook/pipeline';
import { subset } from '../src/notebook/subset';
import { timelineChart, worldMapChart } from '../src/charts/charts';
import { svgText } from '../src/export/files';

const out = path.join(os.tmpdir(), 'botmap-subset');
let whole: Analysis;
let mailOnly: Analysis;

const figures = (a: Analysis) => ({
  events: a.events.numRows(),
  attacks: a.summary.events.attacks,
  ips: a.aggregates.ips.numRows(),
  countries: a.aggregates.countries.numRows(),
  window: a.aggregates.window,
});

describe('subset', () => {
  beforeAll(async () => {
    whole = await analyse(parameters({ data: ['data/sample'], out, timeZone: 'UTC', sshdMode: 'aggressive' }, {}));
    mailOnly = await analyse(parameters({ data: ['data/sample/mail1'], out, timeZone: 'UTC', sshdMode: 'aggressive' }, {}));
  }, 120_000);

  it('of one server equals loading only that server', () => {
    const part = subset(whole, { servers: ['mail1'] });
    for (const table of ['ips', 'cities', 'countries', 'asns'] as const) expect(part.aggregates[table].objects(), table).toStrictEqual(mailOnly.aggregates[table].objects());
    for (const key of ['places', 'counting', 'window'] as const) expect(part.aggregates[key], key).toStrictEqual(mailOnly.aggregates[key]);
    const { duplicates, ...counted } = part.summary.events;
    const { duplicates: none, ...countedAlone } = mailOnly.summary.events;
    expect({ events: counted, ips: part.summary.ips }).toStrictEqual({ events: countedAlone, ips: mailOnly.summary.ips });
    // The duplicates are those of the inputs, which a subset's summary lists as the whole run's: web1's status repeats 30 of its log's bans.
    expect([duplicates, none]).toEqual([30, 0]);
    expect(part.subset).toBe('server mail1');
    expect(part.summary.notes).toContain('Subset: server mail1.');
    // mail1's auth.log failures carry the jail sshd, as its fail2ban status does: all 13,912 events.
    expect(subset(whole, { jails: ['sshd'], servers: ['mail1'] }).events.numRows()).toBe(mailOnly.events.numRows());
    expect(mailOnly.events.filter((d: any) => d.jail !== 'sshd').numRows()).toBe(0);
  });

  it('of sshd on web1 in October keeps those events alone, and its map says so', () => {
    const october = subset(whole, { jails: ['sshd'], servers: ['web1'], from: '2026-10-01', to: '2026-10-31' });
    expect(figures(october)).toStrictEqual({ events: 17729, attacks: 15442, ips: 1457, countries: 123, window: { first: 1790812855000, last: 1792972777182 } });
    expect(october.events.filter((d: any) => d.jail !== 'sshd' || d.server !== 'web1').numRows()).toBe(0);
    const map = svgText(worldMapChart(october));
    expect(map).toContain('subset: jail sshd · server web1 · 2026-10-01 to 2026-10-31 · 2026-10-01 – 2026-10-25');
    expect(svgText(timelineChart(october))).toContain('subset: jail sshd · server web1');
    // Cut to exactly the days its events span, the window is named once.
    const lastWeek = subset(whole, { jails: ['sshd'], servers: ['web1'], from: '2026-10-19', to: '2026-10-25' });
    expect(svgText(worldMapChart(lastWeek))).toContain('>subset: jail sshd · server web1 · 2026-10-19 to 2026-10-25 · 473 addresses in 266 cities');
    expect(svgText(worldMapChart(whole))).not.toContain('subset');
  });

  it('takes Dates as ISO days, the day of `to` whole', () => {
    const byText = subset(whole, { from: '2026-10-01', to: '2026-10-31' });
    const byDates = subset(whole, { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-31T23:59:59.999Z') });
    expect(byDates.events.numRows()).toBe(byText.events.numRows());
    expect(byDates.aggregates.ips.objects()).toStrictEqual(byText.aggregates.ips.objects());
    expect(subset(whole, { to: '2026-09-14' }).events.numRows()).toBe(subset(whole, { to: '2026-09-14T23:59:59.999Z' }).events.numRows());
  });

  it('of a country, and chained with a server, equals that country of the server alone', () => {
    const china = subset(whole, { countries: ['CN'] });
    expect(figures(china)).toStrictEqual({ events: 9145, attacks: 8399, ips: 484, countries: 1, window: { first: 1789348860000, last: 1792963477963 } });
    const chained = subset(china, { servers: ['mail1'] });
    const alone = subset(mailOnly, { countries: ['CN'] });
    expect(figures(chained)).toStrictEqual({ events: 2861, attacks: 2861, ips: 121, countries: 1, window: { first: 1790817282726, last: 1792624458151 } });
    expect(chained.aggregates.ips.objects()).toStrictEqual(alone.aggregates.ips.objects());
    expect(chained.subset).toBe('country CN · server mail1');
    expect(chained.summary.notes.filter((n) => n.startsWith('Subset'))).toEqual(['Subset: country CN · server mail1.']);
  });

  it('of a network keeps that network’s addresses', () => {
    const part = subset(whole, { asns: [4134] });
    expect(figures(part)).toStrictEqual({ events: 1466, attacks: 1330, ips: 99, countries: 1, window: { first: 1789394327000, last: 1792962860918 } });
    expect(part.aggregates.asns.array('asn')).toEqual([4134]);
  });

  it('takes an events table filtered with Arquero', () => {
    const filtered = whole.events.filter((d: any) => d.server === 'mail1');
    const part = subset(whole, filtered);
    expect(part.aggregates.ips.objects()).toStrictEqual(analysisOfEvents(whole, filtered).aggregates.ips.objects());
    expect(mailOnly.events.numRows()).toBe(13912);
    // 52,746 events read, 30 of them web1's status listing bans its log has.
    expect(part.subset).toBe('13,912 of 52,716 events');
    expect(subset(whole, {})).toBe(whole);
  });

  it('names the values present when asked for one the data does not have', () => {
    expect(() => subset(whole, { jails: ['ssh'] })).toThrow('subset: no event has the jail "ssh"; the jails present are: nginx-botsearch, postfix, recidive, sshd.');
    expect(() => subset(whole, { servers: ['web3'] })).toThrow('subset: no event has the server "web3"; the servers present are: mail1, web1.');
    expect(() => subset(whole, { countries: ['XX'] })).toThrow(/^subset: no event has the country "XX"; the countries present are: AD, AE, .*, ZW\.$/);
    expect(() => subset(subset(whole, { servers: ['mail1'] }), { servers: ['web1'] })).toThrow('the servers present are: mail1.');
    expect(() => subset(whole, { from: 'yesterday' })).toThrow('subset: from must be a Date or ISO text');
    expect(() => subset(whole, { from: '2026-10-02', to: '2026-10-01' })).toThrow('is after to');
  });
});
