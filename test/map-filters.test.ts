/**
 * map.html's filters: the counts the page recounts from its cells under a jail, a server or a
 * time window are exactly those the pipeline gives for the same events (`analysisOfEvents`), per
 * city and per country, with no attacker counted twice. Checked on the sample, in Node, with the
 * page's own recount (map-recount.js).
 */
import * as aq from 'arquero';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyse, analysisOfEvents, parameters, type Analysis } from '../src/notebook/pipeline';
import { mapPageData, type MapPageData } from '../src/export/map-page';
import { activityNumbers } from '../src/export/map-filters';
import { cityLabel } from '../src/aggregate/places';
import { countryName } from '../src/charts/atlas';
import { DAY_MS } from '../src/aggregate/timeline';
// @ts-expect-error: plain JavaScript bundled into the page, without declarations.
import { recount, unpackCells } from '../src/export/map-recount.js';

let analysis: Analysis;
let data: MapPageData;
let cells: ReturnType<typeof unpackCells>;

beforeAll(async () => {
  analysis = await analyse(parameters({ data: ['data/sample'], timeZone: 'UTC' }, {}));
  data = mapPageData(analysis);
  cells = unpackCells(data.filters.cells, data.filters.starts.length, data.filters.servers.length);
}, 120_000);

type Filter = { jail: number; server: number; from: number; to: number };

function pageCounts(filter: Filter) {
  const { cities, countries, filters, labels, cityPlace } = data;
  const counts = recount(cells, filter, { cities: cities.x.length, places: labels.length, countries: countries.code.length, cityPlace, cityCountry: filters.cityCountry, binCount: filters.starts.length });
  const rows = (names: string[], ips: ArrayLike<number>, events: ArrayLike<number>) =>
    names.flatMap((name, i) => (ips[i] > 0 ? [`${name} ${ips[i]} ${events[i]}`] : [])).sort();
  return {
    cities: rows(cities.name.map((name, i) => `${name} (${cities.country[i]})`), counts.city.ips, counts.city.events),
    countries: rows(countries.name, counts.country.ips, counts.country.events),
    whole: counts.whole,
  };
}

/** The same figures from the pipeline run on the events the filter keeps. */
function pipelineCounts(events: aq.ColumnTable) {
  const { cities, countries } = analysisOfEvents(analysis, events).aggregates;
  const cityRows = cities.objects() as { city: string | null; country: string | null; country_name: string | null; ips: number; events: number }[];
  const countryRows = countries.objects() as { country: string; name: string | null; ips: number; events: number }[];
  return {
    cities: cityRows.map((c) => `${cityLabel(c as never)} (${c.country_name || (c.country ? countryName(c.country) : '')}) ${c.ips} ${c.events}`).sort(),
    countries: countryRows.map((c) => `${c.name || countryName(c.country)} ${c.ips} ${c.events}`).sort(),
    whole: { ips: cityRows.reduce((s, c) => s + c.ips, 0), events: cityRows.reduce((s, c) => s + c.events, 0), cities: cityRows.length },
  };
}

describe('map.html filters on the sample', () => {
  const all = () => ({ jail: -1, server: -1, from: 0, to: data.filters.starts.length - 1 });

  it('offers the jails and servers that occur, and the days of the window', () => {
    const { filters } = data;
    expect(filters.jailCodes.map((code) => filters.jails[code])).toEqual(['nginx-botsearch', 'postfix', 'recidive', 'sshd']);
    expect(filters.serverCodes.map((code) => filters.servers[code])).toEqual(['mail1', 'web1']);
    expect([filters.bin, filters.zone, filters.starts.length, filters.starts[0], filters.starts.at(-1), filters.untimed]).toEqual(['day', 'UTC', 42, '2026-09-14', '2026-10-25', true]);
  });

  it('recounts the whole run as the run counted it', () => {
    const page = pageCounts(all());
    const whole = pipelineCounts(analysis.events);
    expect(page).toEqual(whole);
    expect(page.whole).toEqual({ ips: 2856, events: 39052, cities: 1063 });
  });

  it('recounts one jail, one server, and both, as the pipeline counts those events', () => {
    const { filters } = data;
    const sshd = filters.jails.indexOf('sshd');
    const web1 = filters.servers.indexOf('web1');
    const jail = (d: any, $: any) => d.jail === $.jail;
    const server = (d: any, $: any) => d.server === $.server;
    const events = analysis.events.params({ jail: 'sshd', server: 'web1' });
    expect(pageCounts({ ...all(), jail: sshd })).toEqual(pipelineCounts(events.filter(jail)));
    expect(pageCounts({ ...all(), server: web1 })).toEqual(pipelineCounts(events.filter(server)));
    const both = pageCounts({ ...all(), jail: sshd, server: web1 });
    expect(both).toEqual(pipelineCounts(events.filter(jail).filter(server)));
    expect(both.whole).toEqual({ ips: 2184, events: 22670, cities: 822 });
  });

  it('recounts a time window, leaving out the events without a time', () => {
    const { starts } = data.filters;
    const [from, to] = [7, 13];
    const window = { start: Date.parse(starts[from]), end: Date.parse(starts[to]) + DAY_MS };
    const inWindow = analysis.events.params(window).filter((d: any, $: any) => d.time != null && +d.time >= $.start && +d.time < $.end);
    const page = pageCounts({ ...all(), from, to });
    expect(page).toEqual(pipelineCounts(inWindow));
    expect(page.whole).toEqual({ ips: 759, events: 6481, cities: 292 });
  });

  it('packs each attacker once, with the gaps between its cells', () => {
    const numbers = activityNumbers({ bin: 'day', starts: [0, DAY_MS], jails: ['', 'sshd'], servers: ['a', 'b'], cells: {
      attacker: Int32Array.from([0, 0, 0, 2]), location: Int32Array.from([5, 5, 9, 1]), jail: Int32Array.from([1, 1, 1, 1]),
      server: Int32Array.from([0, 1, 0, 0]), bin: Int32Array.from([0, -1, 1, 0]), events: Int32Array.from([3, 0, 1, 2]),
    } });
    // Attacker 0: two locations; location 5 with two cells (keys 7 and 9: (jail 1 × 2 + server) × 3 bins + bin + 1), location 9 with one (key 8).
    expect(numbers).toEqual([0, 2, 5, 2, 7, 3, 2, 0, 9, 1, 8, 1, 2, 1, 1, 1, 7, 2]);
    expect(unpackCells(numbers, 2, 2)).toEqual({
      attacker: Int32Array.from([0, 0, 0, 2]), location: Int32Array.from([5, 5, 9, 1]), jail: Int32Array.from([1, 1, 1, 1]),
      server: Int32Array.from([0, 1, 0, 0]), bin: Int32Array.from([0, -1, 1, 0]), events: Int32Array.from([3, 0, 1, 2]),
    });
  });
});

describe('map.html filters where the cells would be too many', () => {
  const all = (data: MapPageData) => ({ jail: -1, server: -1, from: 0, to: data.filters.starts.length - 1 });

  it('give up the time bins for one over the whole window, the jails and servers still recounted exactly', () => {
    const whole = mapPageData(analysis, { maxCells: 10_000 });
    expect([whole.filters.bin, whole.filters.starts, whole.filters.off]).toEqual(['whole', ['2026-09-14'], null]);
    const wholeCells = unpackCells(whole.filters.cells, 1, whole.filters.servers.length);
    expect(wholeCells.attacker.length).toBe(6575);
    const sshd = whole.filters.jails.indexOf('sshd');
    const shape = { cities: whole.cities.x.length, places: whole.labels.length, countries: whole.countries.code.length, cityPlace: whole.cityPlace, cityCountry: whole.filters.cityCountry, binCount: 1 };
    const page = recount(wholeCells, { ...all(whole), jail: sshd }, shape);
    const expected = pipelineCounts(analysis.events.filter((d: any) => d.jail === 'sshd'));
    expect(page.whole).toEqual(expected.whole);
  });

  it('are left out, and the page says why, where even one bin makes too many', () => {
    const none = mapPageData(analysis, { maxCells: 1_000 });
    expect([none.filters.cells, none.filters.off]).toEqual([[], '6,575 attacker × jail × server cells, over the 1,000 a page can carry']);
  });
});
