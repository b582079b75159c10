import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csvParseRows } from 'd3-dsv';
import { beforeAll, describe, expect, it } from 'vitest';
import { worldMapChart, topCitiesChart } from '../src/charts/charts';
import { exportAnalysis, exportCharts } from '../src/export/files';
import { boxesOverlap } from '../src/charts/labels';
import { BotMapError } from '../src/errors';
import { IPS_COLUMNS } from '../src/export/files';
import { SNAPSHOT_VARIABLE, analyse, parameters, readAndLocate, type Analysis } from '../src/notebook/pipeline';
import { writeAnalysisSnapshot } from '../src/notebook/snapshot';
import type { Summary } from '../src/aggregate/summary';
import { accuracyRadiusDistribution, accuracyRadiusHtml, asnsHtml, databaseHtml, placesHtml } from '../src/export/report';
import { writeTestDatabases, type TestDatabasePaths } from './support/test-databases';
import { EVENT_KINDS } from '../src/load/events';

const ROOT = path.join(import.meta.dirname, '..');

let analysis: Analysis;
let summary: Summary;
let out: string;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-run-'));
  const params = parameters({ data: [path.join(ROOT, 'data', 'sample')], out }, {});
  analysis = await analyse(params);
  summary = exportAnalysis(analysis, { 'world-map': worldMapChart(analysis), 'top-cities': topCitiesChart(analysis) });
}, 120_000);

describe('exports of one run from several notebooks', () => {
  it('keep every chart listed: a notebook exporting before the tables are written loses nothing to the one that writes them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-exports-'));
    const chart = worldMapChart(analysis);
    // 00-explore runs first: no summary yet, so it writes one, with its chart.
    expect(Object.keys(exportCharts(analysis, { 'explore-map': chart }, dir).charts)).toEqual(['explore-map']);
    // 01-botmap then writes the tables and the summary anew: the explore chart stays listed.
    expect(Object.keys(exportAnalysis(analysis, { 'world-map': chart }, dir).charts)).toEqual(['explore-map', 'world-map']);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')).charts)).toEqual(['explore-map', 'world-map']);
    // A chart whose files are gone is not listed again.
    fs.rmSync(path.join(dir, 'charts', 'explore-map.svg'));
    expect(Object.keys(exportAnalysis(analysis, {}, dir).charts)).toEqual(['world-map']);
    // Other inputs: a summary of its own, with none of the earlier charts.
    const other = await analyse(parameters({ data: [path.join(ROOT, 'data', 'sample', 'web1')], out: dir }, {}));
    expect(Object.keys(exportAnalysis(other, {}, dir).charts)).toEqual([]);
  }, 60_000);
});

describe('a run on the sample data', () => {
  it('accounts for every line of every input', () => {
    expect(summary.inputs.map((i) => i.format).sort()).toEqual(['auth-log', 'fail2ban-log', 'fail2ban-status', 'fail2ban-status']);
    expect(summary.inputs.map((i) => [i.file, i.lines])).toEqual([
      ['data/sample/mail1/auth.log', 24698],
      ['data/sample/mail1/fail2ban-client-status-sshd.txt', 9],
      ['data/sample/web1/fail2ban-client-status-sshd.txt', 9],
      ['data/sample/web1/fail2ban.log', 38866],
    ]);
    for (const input of summary.inputs) {
      const skipped = Object.values(input.skipped).reduce((a, b) => a + b, 0);
      expect(input.records + skipped, input.file).toBe(input.lines);
    }
  });

  it('counts events by kind, kinds named in the order they first appear', () => {
    const { kind: kinds, ip } = analysis.load.store.columns();
    const { duplicate } = analysis.load;
    // The sample's admin (198.51.100.20) logs in 18 times: trusted, its events are left out.
    const admin = analysis.load.store.addressOf('198.51.100.20');
    const expected: Record<string, number> = {};
    kinds.forEach((code, event) => {
      if (duplicate[event] === 0 && ip[event] !== admin) expected[EVENT_KINDS[code]] = (expected[EVENT_KINDS[code]] ?? 0) + 1;
    });
    expect(Object.entries(summary.events.by_kind)).toEqual(Object.entries(expected));
    // web1's status lists 30 addresses that its log banned: those bans count once, as the log's (33 listed events read, 3 counted).
    // mail1's auth.log read in normal mode, fail2ban's default (aggressive mode counts 13,909 failures).
    expect(Object.entries(summary.events.by_kind)).toEqual([['failure', 9510], ['listed', 3], ['found', 29480], ['ban', 4673], ['unban', 4642], ['restore', 9]]);
    expect(kinds.filter((code) => EVENT_KINDS[code] === 'accepted').length).toBe(18);
    expect(summary.events.total).toBe(kinds.length - 30 - 18);
    expect(summary.ips.trusted).toBe(1);
    expect(summary.events.duplicates).toBe(30);
  });

  it('places every distinct address in exactly one precision class', () => {
    const { distinct, located_city, located_country_only, not_found, not_public, ipv4, ipv6 } = summary.ips;
    expect(located_city + located_country_only + not_found + not_public).toBe(distinct);
    expect(ipv4 + ipv6).toBe(distinct);
    expect({ distinct, located_city, located_country_only, not_found, not_public, ipv4, ipv6 }).toEqual({
      distinct: 3184,
      located_city: 2856,
      located_country_only: 324,
      not_found: 0,
      not_public: 4,
      ipv4: 3023,
      ipv6: 161,
    });
  });

  it('writes summary.json with the agreed keys', () => {
    const written = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(Object.keys(written.database)).toEqual(expect.arrayContaining(['type', 'build_date']));
    expect(written.database.build_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(written.inputs[0])).toEqual(expect.arrayContaining(['file', 'format', 'lines', 'records', 'skipped']));
    expect(Object.keys(written.ips)).toEqual(expect.arrayContaining(['distinct', 'ipv4', 'ipv6', 'not_public', 'located_city', 'located_country_only', 'not_found']));
    expect(written.top_cities.length).toBe(50);
    expect(Object.keys(written.top_cities[0])).toEqual(expect.arrayContaining(['city', 'country', 'latitude', 'longitude', 'ips', 'events']));
    expect(Object.keys(written.top_countries[0])).toEqual(expect.arrayContaining(['country', 'name', 'ips', 'events']));
    const ips = written.top_cities.map((c: { ips: number }) => c.ips);
    expect(ips).toEqual([...ips].sort((a, b) => b - a));
  });

  it('writes ips.csv with one row per distinct address and the agreed columns', () => {
    const [header, ...rows] = csvParseRows(fs.readFileSync(path.join(out, 'tables', 'ips.csv'), 'utf8'));
    expect(header.slice(0, 12)).toEqual(['ip', 'events', 'first_seen', 'last_seen', 'country', 'country_name', 'city', 'subdivision', 'latitude', 'longitude', 'accuracy_radius', 'precision']);
    expect(rows).toHaveLength(summary.ips.distinct);
    expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
    const precision = header.indexOf('precision');
    for (const r of rows) expect(['city', 'country_only', 'not_found', 'not_public']).toContain(r[precision]);
    for (const file of ['cities.csv', 'countries.csv']) expect(fs.statSync(path.join(out, 'tables', file)).size).toBeGreaterThan(100);
  });

  it('labels ten cities on the world map, no two labels overlapping, and draws no country-only point', () => {
    const chart = worldMapChart(analysis);
    expect(chart.labels).toHaveLength(10);
    for (let i = 0; i < chart.labels.length; i++) {
      for (let j = i + 1; j < chart.labels.length; j++) expect(boxesOverlap(chart.labels[i], chart.labels[j])).toBe(false);
    }
    const svg = chart.svg.outerHTML;
    const circles = (svg.match(/<circle /g) ?? []).length;
    // Dots under 2 px are drawn as one path per colour, one `M…a…a…` circle per dot.
    const smallDots = (svg.match(/class="botmap-dots botmap-dots-small"[\s\S]*?<\/g>/g) ?? []).join('').match(/M/g)?.length ?? 0;
    // One dot per city plus one ring per label.
    expect(circles + smallDots).toBe(analysis.aggregates.cities.numRows() + 10);
  });

  it('credits the database on every chart', () => {
    for (const name of ['world-map', 'top-cities']) {
      const svg = fs.readFileSync(path.join(out, 'charts', `${name}.svg`), 'utf8');
      expect(svg).toContain('This product includes GeoLite2 data created by MaxMind');
      expect(svg).toContain(summary.database.build_date);
    }
  });
});

describe("a run's analysis, taken by the next notebook of the run", () => {
  it('is what reading anew gives, and is taken only for the same inputs and databases', async () => {
    const params = parameters({ data: [path.join(ROOT, 'data', 'sample')], out }, {});
    const file = path.join(out, 'analysis.bin');
    writeAnalysisSnapshot(file, await readAndLocate(params));
    process.env[SNAPSHOT_VARIABLE] = file;
    try {
      const messages: string[] = [];
      const taken = await analyse(params, (p) => messages.push(p.message));
      expect(messages).toEqual(['the analysis of this run, read once for all its notebooks']);
      expect({ ...taken.summary, generated_at: '' }).toEqual({ ...analysis.summary, generated_at: '' });
      for (const table of ['ips', 'cities', 'countries'] as const) expect(taken.aggregates[table].objects()).toEqual(analysis.aggregates[table].objects());
      expect(taken.aggregates.places).toEqual(analysis.aggregates.places);
      expect(taken.locations).toEqual(analysis.locations);
      expect(taken.networks).toEqual(analysis.networks);
      // The duplicates found when the inputs were read travel with the store (web1's status repeats 30 of its log's bans).
      expect(taken.load.duplicate).toEqual(analysis.load.duplicate);
      expect(taken.load.duplicate.reduce((sum, flag) => sum + flag, 0)).toBe(30);
      expect(taken.events.numRows()).toBe(analysis.events.numRows());
      const [before, after] = [analysis.load.store.columns(), taken.load.store.columns()];
      for (const column of ['ip', 'kind', 'time', 'jail', 'user', 'server', 'input'] as const) expect(after[column], column).toEqual(before[column]);
      expect(taken.load.store.jails.values).toEqual(analysis.load.store.jails.values);
      expect(taken.load.store.users.values).toEqual(analysis.load.store.users.values);
      // The restored store finds its addresses again, and the databases still answer.
      for (const at of [0, 5, analysis.load.store.addresses.length - 1]) expect(taken.load.store.addressOf(analysis.load.store.addresses[at].ip)).toBe(at);
      expect(taken.database.lookup('81.2.69.142')).toEqual(analysis.database.lookup('81.2.69.142'));
      // Other inputs, or a damaged file: read anew.
      messages.length = 0;
      const other = await analyse(parameters({ data: [path.join(ROOT, 'data', 'sample', 'web1')], out }, {}), (p) => messages.push(p.message));
      expect(other.summary.inputs).toHaveLength(2);
      expect(messages).not.toContain('the analysis of this run, read once for all its notebooks');
      fs.writeFileSync(file, 'not an analysis');
      expect((await analyse(params)).summary.ips).toEqual(analysis.summary.ips);
    } finally {
      delete process.env[SNAPSHOT_VARIABLE];
    }
  });
});

describe('provenance, precision, networks and places on the sample data', () => {
  it('writes the database block: type, kind, build date, age, file and credit, for locations and networks', () => {
    const written = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(written.database).toMatchObject({ type: 'GeoLite2-City', kind: 'city', file: expect.stringMatching(/GeoLite2-City.*\.mmdb$/) });
    expect(written.database.age_days).toBeGreaterThanOrEqual(0);
    expect(written.asn_database).toMatchObject({ source: 'ip-location-db', type: expect.stringContaining('@ip-location-db/asn'), build_date: '2026-06-17', attribution: expect.stringContaining('DB-IP (db-ip.com)') });
    expect(Array.isArray(written.warnings)).toBe(true);
    for (const w of written.warnings) expect(written.notes).toContain(w);
    expect(written.options).toEqual({ include_trusted: false, ipv6_prefix64: false, cluster_radius_km: 100, place_naming_km: 40, sshd_mode: 'normal' });
  });

  it('lists the top places and the top networks', () => {
    const written = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(written.top_places.length).toBe(50);
    expect(Object.keys(written.top_places[0])).toEqual(expect.arrayContaining(['name', 'country', 'latitude', 'longitude', 'radius_km', 'ips', 'events', 'cities']));
    expect(written.top_places[0].cities[0]).toBe(written.top_places[0].name);
    const placeIps = written.top_places.map((p: { ips: number }) => p.ips);
    expect(placeIps).toEqual([...placeIps].sort((a, b) => b - a));
    // Every city-located address is in exactly one place.
    expect(analysis.aggregates.places.reduce((n, p) => n + p.ips, 0)).toBe(summary.ips.located_city);
    expect(written.top_places.find((p: { name: string }) => p.name === 'Buenos Aires')?.cities.slice(0, 3)).toEqual(['Buenos Aires', 'Laferrere', 'Morón']);
    expect(written.top_places.find((p: { name: string }) => p.name === 'Buenos Aires')?.cities.length).toBe(11);
    expect(written.top_asns.length).toBe(50);
    expect(Object.keys(written.top_asns[0])).toEqual(['asn', 'org', 'ips', 'events']);
    expect(written.ips.with_asn).toBe(3080);
  });

  it('adds asn and org to ips.csv after the existing columns, and writes places.csv and asns.csv', () => {
    const [header, ...rows] = csvParseRows(fs.readFileSync(path.join(out, 'tables', 'ips.csv'), 'utf8'));
    expect(header).toEqual([...IPS_COLUMNS]);
    expect(header.slice(0, 14)).toEqual(['ip', 'events', 'first_seen', 'last_seen', 'country', 'country_name', 'city', 'subdivision', 'latitude', 'longitude', 'accuracy_radius', 'precision', 'version', 'records']);
    expect(header.slice(14)).toEqual(['asn', 'org', 'trusted']);
    const withAsn = rows.filter((r) => r[14] !== '');
    expect(withAsn.length).toBe(summary.ips.with_asn);
    for (const r of withAsn) expect(r[14]).toMatch(/^\d+$/);
    for (const r of rows.filter((r) => r[11] === 'not_public')) expect(r.slice(14, 16)).toEqual(['', '']);
    // Trusted addresses are left out of ips.csv unless BOTMAP_INCLUDE_TRUSTED=1.
    expect(new Set(rows.map((r) => r[16]))).toEqual(new Set(['false']));
    const [placesHeader, ...places] = csvParseRows(fs.readFileSync(path.join(out, 'tables', 'places.csv'), 'utf8'));
    expect(placesHeader).toEqual(['name', 'country', 'country_name', 'latitude', 'longitude', 'radius_km', 'ips', 'events', 'city_count', 'cities', 'largest_city']);
    expect(places).toHaveLength(analysis.aggregates.places.length);
    expect(places.filter((p) => p[9].split(';')[0] !== p[10])).toEqual([]);
    expect([places[0][0], places[0][10]]).toEqual(['Shanghai', 'Shanghai']);
    const [asnsHeader] = csvParseRows(fs.readFileSync(path.join(out, 'tables', 'asns.csv'), 'utf8'));
    expect(asnsHeader).toEqual(['asn', 'org', 'ips', 'events']);
    expect(summary.tables).toMatchObject({ places: 'tables/places.csv', asns: 'tables/asns.csv' });
  });

  it('keeps country-only addresses off the map: no city dot sits at a country default point', () => {
    const defaults = new Set(analysis.locations.filter((l) => l.precision === 'country_only' && l.subdivision === null).map((l) => `${l.latitude},${l.longitude}`));
    expect(defaults.size).toBeGreaterThan(10);
    const cities = analysis.aggregates.cities.objects() as { latitude: number; longitude: number }[];
    expect(cities.filter((c) => defaults.has(`${c.latitude},${c.longitude}`))).toEqual([]);
    // And each country-only address still counts in its country.
    const countries = analysis.aggregates.countries.objects() as { ips_country_only: number }[];
    expect(countries.reduce((n, c) => n + c.ips_country_only, 0)).toBe(summary.ips.located_country_only);
  });

  it('gives the notebook its provenance, accuracy, places and networks views', () => {
    const db = databaseHtml(analysis);
    for (const text of ['GeoLite2-City', summary.database.build_date, 'days', '@ip-location-db/asn', 'DB-IP (db-ip.com)', 'This product includes GeoLite2 data']) expect(db).toContain(text);
    const rows = accuracyRadiusDistribution(analysis);
    expect(rows.reduce((n, r) => n + r.ips, 0)).toBe(summary.ips.located_city + summary.ips.located_country_only);
    expect(rows.reduce((n, r) => n + r.city, 0)).toBe(summary.ips.located_city);
    const radii = rows.map((r) => r.radius_km).filter((r): r is number => r !== null);
    expect(radii).toEqual([...radii].sort((a, b) => a - b));
    expect(rows.at(-1)!.cumulative_share).toBeCloseTo(1, 10);
    expect(accuracyRadiusHtml(analysis)).toContain('accuracy radius');
    expect(placesHtml(analysis)).toContain('Buenos Aires');
    expect(asnsHtml(analysis)).toMatch(/AS\d+/);
  });

  it('counts each IPv6 /64 as one attacker when BOTMAP_IPV6_64 is set', async () => {
    const params = parameters({ data: [path.join(ROOT, 'data', 'sample')], out }, { BOTMAP_IPV6_64: '1' });
    const run = await analyse(params);
    expect(run.summary.options?.ipv6_prefix64).toBe(true);
    expect(run.summary.ips.ipv6_networks_64).toBeLessThanOrEqual(run.summary.ips.ipv6);
    expect(run.summary.ips.attackers).toBe(run.summary.ips.ipv4 + run.summary.ips.ipv6_networks_64!);
    expect(run.summary.notes.some((n) => /counted by \/64 network/.test(n))).toBe(true);
  }, 120_000);
});

describe('runs with other databases', () => {
  let dbs: TestDatabasePaths;
  let data: string;
  beforeAll(() => {
    dbs = writeTestDatabases();
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-fixture-data-'));
    // Addresses in the fixture databases' networks (London, Changchun, Milton; France and the
    // US country-wide; Oslo), a miss and a private one.
    fs.writeFileSync(path.join(data, 'banned.txt'), ['81.2.69.142', '175.16.199.37', '216.160.83.56', '2.125.160.216', '216.160.0.1', '2a02:cf40::1', '89.160.20.128', '10.0.0.1', ''].join('\n'));
  });

  it('with a Country database: country results, no city results, and a warning saying so', async () => {
    const out2 = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-country-'));
    const run = await analyse(parameters({ data: [data], mmdb: dbs.country, out: out2 }, {}));
    expect(run.database.kind).toBe('country');
    expect(run.aggregates.cities.numRows()).toBe(0);
    expect(run.aggregates.places).toEqual([]);
    expect(run.summary.ips).toMatchObject({ located_city: 0, located_country_only: 6, not_found: 1, not_public: 1 });
    expect(run.aggregates.countries.objects().map((c: any) => [c.country, c.ips])).toEqual([
      ['US', 2],
      ['CN', 1],
      ['FR', 1],
      ['GB', 1],
      ['NO', 1],
    ]);
    expect(run.summary.database).toMatchObject({ type: 'GeoLite2-Country', kind: 'country' });
    expect(run.summary.warnings).toEqual([expect.stringMatching(/GeoLite2-Country database: city results are unavailable/)]);
    expect(run.summary.notes).toEqual(expect.arrayContaining(run.summary.warnings!));
    expect(databaseHtml(run)).toMatch(/Warning:.*city results are unavailable/);
    expect(placesHtml(run)).toMatch(/Places need a City database/);
    const written = exportAnalysis(run, {});
    expect(written.top_cities).toEqual([]);
    expect(written.top_places).toEqual([]);
    expect(fs.readFileSync(path.join(out2, 'tables', 'places.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('with an ASN database as BOTMAP_MMDB: a clear error before anything is read', async () => {
    const failure = await analyse(parameters({ data: ['/nonexistent'] }, { BOTMAP_MMDB: dbs.asn })).catch((e) => e);
    expect(failure).toBeInstanceOf(BotMapError);
    expect(failure.message).toMatch(/GeoLite2-ASN\.mmdb is a "GeoLite2-ASN" database, which does not locate addresses\. BotMap needs a City database/);
  });

  it('with a GeoLite2-ASN database as BOTMAP_ASN_MMDB: networks from it', async () => {
    const run = await analyse(parameters({ data: [data], mmdb: dbs.city }, { BOTMAP_ASN_MMDB: dbs.asn }));
    expect(run.summary.asn_database).toMatchObject({ source: 'mmdb', type: 'GeoLite2-ASN' });
    expect(run.aggregates.asns.objects().map((r: any) => r.asn)).toEqual([209, 3215, 4837, 20712, 64500]);
    await expect(analyse(parameters({ data: [data], mmdb: dbs.city }, { BOTMAP_ASN_MMDB: dbs.city }))).rejects.toThrow(/needs a GeoLite2-ASN/);
  });
});

describe('a CSV that carries its own locations', () => {
  it('is placed where it says, not where the database would put it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-given-'));
    fs.writeFileSync(path.join(dir, 'hits.csv'), 'ip,city,country,latitude,longitude\n81.2.69.142,Gotham,US,40.0,-74.5\n8.8.8.8,,,,\n');
    const given = await analyse(parameters({ data: [dir], out: path.join(dir, 'out') }, {}));
    const rows = Object.fromEntries((given.aggregates.ips.objects() as { ip: string }[]).map((r) => [r.ip, r]));
    expect(rows['81.2.69.142']).toMatchObject({ city: 'Gotham', country: 'US', latitude: 40, longitude: -74.5, precision: 'city' });
    expect(rows['8.8.8.8']).toMatchObject({ precision: 'country_only', country: 'US' });
    expect(given.summary.inputs[0]).toMatchObject({ format: 'csv', lines: 3 });
  });
});
