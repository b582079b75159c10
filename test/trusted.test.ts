/**
 * Trusted addresses (issue 16, item 1): an admin's own address, an `ignoreip` of a jail.local and
 * BOTMAP_TRUSTED are set apart from the attackers: in tables/trusted.csv, in no ranking, back
 * with BOTMAP_INCLUDE_TRUSTED=1. The fixture test/fixtures/trusted/web1/ is an Ubuntu auth.log
 * where 81.2.69.142 (the admin, alice) fails 3 times and logs in 4 times among attackers, and
 * a jail.local whose ignoreip holds an address, networks and a host name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csvParseRows } from 'd3-dsv';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportAnalysis } from '../src/export/files';
import { analyse, notebookParameters, parameters, type Analysis, type CellParameters } from '../src/notebook/pipeline';
import type { Summary } from '../src/aggregate/summary';
import { fail2banJail } from '../src/load/formats/fail2ban-jail';
import { NULL_CONTEXT } from '../src/load/formats/parser';
import { detectFormat, loadPaths } from '../src/load/load';
import { ingestPaths, readArchive } from '../src/index';
import { eventsTable } from '../src/load/events-table';
import { UTC } from '../src/time-zone';
import { displayPath } from '../src/project';

const ROOT = path.join(import.meta.dirname, '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'trusted');
const ADMIN = '81.2.69.142';
const IGNORED = '88.198.1.1';
const BERLIN = '37.120.1.1';
const JAIL = 'test/fixtures/trusted/web1/jail.local';

interface Run {
  analysis: Analysis;
  summary: Summary;
  table: (name: string) => string[][];
}

/** The fixture's figures are of its auth.log read in aggressive mode (its closing and scanner lines count too). */
const AGGRESSIVE = { BOTMAP_SSHD_MODE: 'aggressive' };

async function run(env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-trusted-'));
  const analysis = await analyse(parameters({ data: [FIXTURE], out }, { ...AGGRESSIVE, ...env }));
  const summary = exportAnalysis(analysis, {});
  const table = (name: string) => csvParseRows(fs.readFileSync(path.join(out, 'tables', `${name}.csv`), 'utf8'));
  return { analysis, summary, table };
}

/** Every address, city and country the rankings of a run name. */
function ranked({ summary, table }: Run) {
  return {
    ips: table('ips').slice(1).map((r) => r[0]),
    cities: table('cities').slice(1).map((r) => r[0]),
    countries: table('countries').slice(1).map((r) => r[0]),
    places: table('places').slice(1).map((r) => r[0]),
    topCities: summary.top_cities.map((c) => c.city),
    topCountries: summary.top_countries.map((c) => c.country),
    topPlaces: summary.top_places!.map((p) => p.name),
  };
}

let plain: Run;
let withParameter: Run;
let included: Run;

beforeAll(async () => {
  plain = await run();
  withParameter = await run({ BOTMAP_TRUSTED: ` ${BERLIN.replace(/\.1\.1$/, '.0.0/16')} , ` });
  included = await run({ BOTMAP_TRUSTED: '37.120.0.0/16', BOTMAP_INCLUDE_TRUSTED: '1' });
}, 120_000);

describe('trusted addresses in a run', () => {
  it('lists the admin who logged in and the ignoreip address in trusted.csv, with their reasons', () => {
    expect(plain.table('trusted')).toEqual([
      ['ip', 'reason', 'events', 'accepted_logins', 'users'],
      [ADMIN, 'sshd login accepted', '3', '4', 'alice;deploy'],
      [IGNORED, `ignoreip 88.198.1.0/24 in ${JAIL} [DEFAULT] line 6`, '2', '0', ''],
    ]);
    expect(plain.summary.ips.trusted).toBe(2);
    expect(plain.summary.tables.trusted).toBe('tables/trusted.csv');
    expect(plain.summary.options).toMatchObject({ include_trusted: false });
    expect(plain.summary.notes).toContain('2 trusted addresses (logged in, in ignoreip or in BOTMAP_TRUSTED; tables/trusted.csv) left out of the maps, rankings and charts; BOTMAP_INCLUDE_TRUSTED=1 puts them back.');
  });

  it('leaves them out of every ranking, table and count', () => {
    expect(ranked(plain)).toEqual({
      ips: ['45.148.10.62', '183.81.169.238', '141.98.11.11', '92.118.39.62', BERLIN],
      // Berlin: one address, 2 events, after the others' 3.
      cities: ['Amsterdam', 'Dallas', 'Vilnius', 'Berlin'],
      countries: ['NL', 'LT', 'US', 'DE'],
      places: ['Amsterdam', 'Dallas', 'Vilnius', 'Berlin'],
      topCities: ['Amsterdam', 'Dallas', 'Vilnius', 'Berlin'],
      topCountries: ['NL', 'LT', 'US', 'DE'],
      topPlaces: ['Amsterdam', 'Dallas', 'Vilnius', 'Berlin'],
    });
    expect(plain.summary.ips).toMatchObject({ distinct: 5, attackers: 5, located_city: 5 });
    // 19 failures of attackers; the admin's 3 failures and 4 logins and the ignored address's 2 failures are not counted.
    expect(plain.summary.events).toEqual({ total: 19, attacks: 19, by_kind: { failure: 19 }, duplicates: 0 });
    expect(plain.analysis.events.filter((d: any) => d.ip === '81.2.69.142' || d.ip === '88.198.1.1').numRows()).toBe(0);
    expect(plain.table('ips').slice(1).map((r) => r[16])).toEqual(['false', 'false', 'false', 'false', 'false']);
    // The input's accounting is that of everything read: the logins are records.
    expect(plain.summary.inputs[0]).toMatchObject({ file: 'test/fixtures/trusted/web1/auth.log', format: 'auth-log', lines: 52, records: 28, events: 28 });
  });

  it('sets apart what BOTMAP_TRUSTED names too, an address matching several rules with every reason', async () => {
    expect(withParameter.table('trusted').slice(1)).toEqual([
      [ADMIN, 'sshd login accepted', '3', '4', 'alice;deploy'],
      [BERLIN, 'BOTMAP_TRUSTED 37.120.0.0/16', '2', '0', ''],
      [IGNORED, `ignoreip 88.198.1.0/24 in ${JAIL} [DEFAULT] line 6`, '2', '0', ''],
    ]);
    expect(ranked(withParameter)).toMatchObject({ ips: ['45.148.10.62', '183.81.169.238', '141.98.11.11', '92.118.39.62'], cities: ['Amsterdam', 'Dallas', 'Vilnius'], countries: ['NL', 'LT', 'US'] });
    expect(withParameter.summary.ips.trusted).toBe(3);
    const both = await run({ BOTMAP_TRUSTED: '81.2.69.0/24,2001:db8::/32' });
    expect(both.table('trusted')[1]).toEqual([ADMIN, 'sshd login accepted; BOTMAP_TRUSTED 81.2.69.0/24', '3', '4', 'alice;deploy']);
  });

  it('puts them back, marked, with BOTMAP_INCLUDE_TRUSTED=1', () => {
    const ips = included.table('ips');
    const trustedColumn = ips[0].indexOf('trusted');
    expect(ips.slice(1).map((r) => [r[0], r[1], r[trustedColumn]])).toEqual([
      ['45.148.10.62', '6', 'false'],
      ['183.81.169.238', '5', 'false'],
      ['141.98.11.11', '3', 'false'],
      [ADMIN, '3', 'true'],
      ['92.118.39.62', '3', 'false'],
      [BERLIN, '2', 'true'],
      [IGNORED, '2', 'true'],
    ]);
    expect(ranked(included).countries).toEqual(['NL', 'DE', 'GB', 'LT', 'US']);
    expect(ranked(included).cities).toEqual(['Amsterdam', 'Dallas', 'East Finchley', 'Vilnius', 'Berlin', 'Falkenstein']);
    expect(included.summary.ips).toMatchObject({ distinct: 7, trusted: 3 });
    expect(included.summary.events).toEqual({ total: 28, attacks: 24, by_kind: { failure: 24, accepted: 4 }, duplicates: 0 });
    expect(included.summary.options).toMatchObject({ include_trusted: true });
    // The list of trusted addresses is the same either way.
    expect(included.table('trusted')).toEqual(withParameter.table('trusted'));
  });
});

describe('a jail file among the inputs', () => {
  it('is recognised by its content and every line is accounted for', () => {
    const jail = plain.summary.inputs[1];
    expect(jail).toMatchObject({
      file: JAIL,
      format: 'fail2ban-jail',
      server: 'web1',
      lines: 17,
      records: 3,
      events: 0,
      skipped: { comment: 2, 'blank line': 2, 'section header': 2, 'hostname, not an address': 1, 'setting other than ignoreip': 7 },
      skipped_examples: { 'hostname, not an address': [7], 'section header': [4, 13] },
      warnings: [`${JAIL}: ignoreip names a host, not trusted (BotMap does not look names up; give its address in BOTMAP_TRUSTED): office-gw.example.net (line 7).`],
    });
    expect(jail.records + Object.values(jail.skipped).reduce((a, b) => a + b, 0)).toBe(jail.lines);
    expect(jail.error).toBeUndefined();
    expect(plain.analysis.load.trusted).toEqual([
      { network: '127.0.0.0/8', file: JAIL, section: 'DEFAULT', line: 5 },
      { network: '::1', file: JAIL, section: 'DEFAULT', line: 5 },
      { network: '88.198.1.0/24', file: JAIL, section: 'DEFAULT', line: 6 },
      { network: '192.0.2.10', file: JAIL, section: 'sshd', line: 17 },
    ]);
  });

  it('reads continuation lines, comments, key: value and entries separated by commas', () => {
    const entries: [string, string | null, number][] = [];
    const parser = fail2banJail.begin({ ...NULL_CONTEXT, trust: (entry, section, line) => (NULL_CONTEXT.trust(entry, section, line) ? (entries.push([entry, section, line]), true) : false) });
    const lines = [
      '[DEFAULT]',
      'ignoreip: 192.0.2.1,192.0.2.2  # our two',
      '  2001:db8::/32',
      '',
      '  ; a comment inside the value',
      '\t198.51.100.7',
      'ignoreip =',
      'bantime = 600',
      '  3600',
      'ignoreip = host.example.org 10.0.0.0/33 %(known/ignoreip)s',
      'this is not a setting',
    ];
    expect(lines.map((line, i) => String(parser.parseLine(line, i + 1, () => false)))).toEqual([
      'section header',
      'Symbol(setting record)',
      'Symbol(setting record)',
      'blank line',
      'comment',
      'Symbol(setting record)',
      'ignoreip without an address on this line',
      'setting other than ignoreip',
      'setting other than ignoreip',
      'hostname, not an address',
      'not a jail setting',
    ]);
    expect(entries).toEqual([
      ['192.0.2.1', 'DEFAULT', 2],
      ['192.0.2.2', 'DEFAULT', 2],
      ['2001:db8::/32', 'DEFAULT', 3],
      ['198.51.100.7', 'DEFAULT', 6],
    ]);
  });

  it('is told from the other formats: a jail.conf opening with its comments, not an auth log or a list', () => {
    expect(detectFormat(['[sshd]', 'enabled = true', 'port = ssh'])).toBe('fail2ban-jail');
    expect(detectFormat(['# Fail2Ban jail specifications file', '#', '# Comments: use \'#\' for comment lines and \';\' (following a space) for inline comments', '# provide customizations in a jail.local file or a jail.d/customisation.local.'])).toBe('fail2ban-jail');
    expect(detectFormat(['# my notes', '[section]', 'colour = blue'])).toBeNull();
    expect(detectFormat(['192.0.2.1', '192.0.2.2'])).toBe('ip-list');
    expect(detectFormat(['ip,country', '192.0.2.1,FR'])).toBe('csv');
    expect(detectFormat(['2026-10-03T08:14:22.118734+00:00 web1 sshd[21102]: Invalid user admin from 45.148.10.62 port 51422'])).toBe('auth-log');
  });
});

describe('BOTMAP_TRUSTED and the TRUSTED parameter', () => {
  it('takes addresses and networks separated by commas; a bad entry is an error naming it', () => {
    expect(parameters({}, { BOTMAP_TRUSTED: '192.0.2.1, 198.51.100.0/24,,2001:db8::/48' }).trusted).toEqual(['192.0.2.1', '198.51.100.0/24', '2001:db8::/48']);
    expect(() => parameters({}, { BOTMAP_TRUSTED: '192.0.2.1,office.example.com' })).toThrow(
      'BOTMAP_TRUSTED: "office.example.com" is a host name: BotMap does not look names up, give its address. BOTMAP_TRUSTED takes addresses and networks separated by commas, e.g. 192.0.2.10,198.51.100.0/24,2001:db8::/48.',
    );
    expect(() => parameters({}, { BOTMAP_TRUSTED: '10.0.0.0/33' })).toThrow('BOTMAP_TRUSTED: "10.0.0.0/33" is not an address or a network (CIDR).');
    expect(() => parameters({ trusted: ['192.0.2.300'] }, {})).toThrow('trusted: "192.0.2.300" is not an address or a network (CIDR).');
    expect(parameters({}, { BOTMAP_INCLUDE_TRUSTED: '1' }).includeTrusted).toBe(true);
    expect(parameters({}, {}).includeTrusted).toBe(false);
  });

  it('is a parameter of the notebooks, TRUSTED and INCLUDE_TRUSTED, which BOTMAP_TRUSTED overrides', () => {
    const cell = { DATA: ['data/sample'], MMDB: '', ASN_MMDB: '', OUT: 'output', THEME: 'dark', TOP: 20, LABELS: 10, ZOOMED: 2, CLUSTER_KM: 100, PROJECTION: 'equal-earth', TIME_ZONE: 'UTC', SPLIT_DATE: '', IPV6_64: false } satisfies CellParameters;
    expect(notebookParameters(cell, {}, () => {})).toMatchObject({ trusted: [], includeTrusted: false });
    expect(notebookParameters({ ...cell, TRUSTED: ['192.0.2.1'], INCLUDE_TRUSTED: true }, {}, () => {})).toMatchObject({ trusted: ['192.0.2.1'], includeTrusted: true });
    expect(() => notebookParameters({ ...cell, TRUSTED: ['my-laptop'] }, {}, () => {})).toThrow('TRUSTED: "my-laptop" is not an address or a network (CIDR).');
    const said: string[] = [];
    expect(notebookParameters({ ...cell, TRUSTED: ['192.0.2.1'] }, { BOTMAP_TRUSTED: '198.51.100.0/24' }, (line) => said.push(line)).trusted).toEqual(['198.51.100.0/24']);
    expect(said).toEqual(['BOTMAP_TRUSTED overrides TRUSTED of the parameters cell: 198.51.100.0/24 instead of 192.0.2.1.']);
    said.length = 0;
    notebookParameters(cell, { BOTMAP_TRUSTED: '2001:db8::/48,192.0.2.1' }, (line) => said.push(line));
    expect(said).toEqual(['BOTMAP_TRUSTED overrides TRUSTED of the parameters cell: 2001:db8::/48,192.0.2.1 instead of none.']);
  });
});

describe('accepted logins in the archive', () => {
  it('are archived as kind accepted, counted once, and trust their address when the archive is read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-trusted-archive-'));
    const archive = path.join(dir, 'archive.duckdb');
    const auth = path.join(FIXTURE, 'web1', 'auth.log');
    const first = await ingestPaths([auth], { archive, timeZone: UTC, sshdMode: 'aggressive' });
    expect([first.newEvents, first.duplicates]).toEqual([28, 0]);
    const again = await ingestPaths([auth], { archive, timeZone: UTC, sshdMode: 'aggressive' });
    expect([again.newEvents, again.duplicates]).toEqual([0, 28]);
    const events = eventsTable(await readArchive(archive));
    expect(events.filter((d: any) => d.kind === 'accepted').objects().map((e: any) => [e.ip, e.user])).toEqual([
      [ADMIN, 'alice'],
      [ADMIN, 'alice'],
      [ADMIN, 'alice'],
      [ADMIN, 'deploy'],
    ]);
    // A copy of the log beside it: each login once.
    const copy = path.join(dir, 'copy', 'web1');
    fs.mkdirSync(copy, { recursive: true });
    fs.copyFileSync(auth, path.join(copy, 'auth.log'));
    fs.copyFileSync(auth, path.join(copy, 'auth.log.copy'));
    const both = await loadPaths([path.join(dir, 'copy')], { timeZone: UTC, sshdMode: 'aggressive' });
    expect(both.inputs.map((i) => i.duplicates)).toEqual([0, 28]);
    const fromArchive = await analyse(parameters({ data: [archive], out: path.join(dir, 'out') }, AGGRESSIVE));
    expect(fromArchive.trusted.objects()).toEqual([{ ip: ADMIN, reason: 'sshd login accepted', events: 3, accepted_logins: 4, users: 'alice;deploy' }]);
    expect(fromArchive.summary.ips.distinct).toBe(6);
  }, 60_000);
});

describe('attacker-written text in trusted.csv', () => {
  it('is made printable and never a spreadsheet formula', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-trusted-hostile-'));
    fs.mkdirSync(path.join(dir, 'web1'));
    fs.writeFileSync(
      path.join(dir, 'web1', 'auth.log'),
      [
        '2026-10-03T09:02:40.215560+00:00 web1 sshd[1]: Failed password for root from 192.0.2.1 port 52144 ssh2',
        '2026-10-03T09:02:51.084417+00:00 web1 sshd[2]: Accepted password for =1+2 from 192.0.2.1 port 52145 ssh2',
        '2026-10-03T09:03:51.084417+00:00 web1 sshd[3]: Failed password for root from 192.0.2.9 port 52146 ssh2',
      ].join('\n') + '\n',
    );
    fs.writeFileSync(path.join(dir, 'web1', 'jail.local'), '[sshd\u202e=HYPERLINK("x")]\nenabled = true\nignoreip = 192.0.2.9\n');
    const out = path.join(dir, 'out');
    exportAnalysis(await analyse(parameters({ data: [dir], out }, {})), {});
    const rows = csvParseRows(fs.readFileSync(path.join(out, 'tables', 'trusted.csv'), 'utf8'));
    expect(rows.slice(1)).toEqual([
      ['192.0.2.1', 'sshd login accepted', '1', '1', "'=1+2"],
      ['192.0.2.9', `ignoreip 192.0.2.9 in ${displayPath(path.join(dir, 'web1', 'jail.local'))} [sshd\\u202e=HYPERLINK("x")] line 3`, '1', '0', ''],
    ]);
  });
});
