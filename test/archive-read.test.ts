/**
 * Reading the archive as a run's input (issue 15, item 3): an analysis of an archive is the
 * analysis of the exports it was fed, with or without a FROM/TO window (pushed into the SQL);
 * an archive beside a new export; every input's lines accounted for; ARCHIVE and BOTMAP_ARCHIVE.
 * The sample is generated with a fixed seed, so the counts are exact.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BotMapError, ingestPaths, loadPaths, eventsTable, eventsInWindow, daysWindow, type Analysis } from '../src/index';
import { analyse, inputPaths, notebookParameters, parameters, snapshotKey, type CellParameters } from '../src/notebook/pipeline';
import { drawingParameters } from '../src/charts/charts';
import { UTC } from '../src/time-zone';
import { SAMPLE_WEB1_LOG, writeOverlappingExport } from './support/archive';

const ROOT = path.join(import.meta.dirname, '..');
const SAMPLE = path.join(ROOT, 'data', 'sample');
const SAMPLE_FILES = ['mail1/auth.log', 'mail1/fail2ban-client-status-sshd.txt', 'web1/fail2ban-client-status-sshd.txt', 'web1/fail2ban.log'];
const OCTOBER_FIRST_WEEKS = { from: '2026-10-01', to: '2026-10-14' };

let work: string;
/** The sample, then the overlapping export of the week after, ingested. */
let archive: string;
/** The sample alone, ingested. */
let sampleArchive: string;
/** The week after's export, as ingested (server web1 from its folder). */
let week2: string;
/** The same files side by side, as one run reads them: the sample's servers, the week after under web1. */
let direct: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-archive-read-'));
  week2 = path.join(work, 'week2');
  writeOverlappingExport(path.join(week2, 'web1', 'fail2ban.log'));
  direct = path.join(work, 'direct');
  for (const file of SAMPLE_FILES) {
    fs.mkdirSync(path.dirname(path.join(direct, file)), { recursive: true });
    fs.copyFileSync(path.join(SAMPLE, file), path.join(direct, file));
  }
  // Another folder under web1: still server web1, and not a rotation of its fail2ban.log.
  fs.mkdirSync(path.join(direct, 'web1', 'week2'));
  fs.copyFileSync(path.join(week2, 'web1', 'fail2ban.log'), path.join(direct, 'web1', 'week2', 'fail2ban.log'));
  archive = path.join(work, 'archive.duckdb');
  await ingestPaths([SAMPLE], { archive, timeZone: UTC, sshdMode: 'aggressive' });
  await ingestPaths([week2], { archive, timeZone: UTC, sshdMode: 'aggressive' });
  sampleArchive = path.join(work, 'sample.duckdb');
  await ingestPaths([SAMPLE], { archive: sampleArchive, timeZone: UTC, sshdMode: 'aggressive' });
}, 120_000);

/** The run's parameters, in UTC, with none of this machine's BOTMAP_* variables. */
function run(given: { data?: string[]; archive?: string }, env: NodeJS.ProcessEnv = {}) {
  return parameters({ ...given, out: path.join(work, 'out'), timeZone: 'UTC', sshdMode: 'aggressive' }, env);
}

/** What must not depend on whether the events came from the archive or the exports. */
function expectSameResults(fromArchive: Analysis, fromExports: Analysis): void {
  for (const table of ['ips', 'cities', 'countries', 'asns'] as const) expect(fromArchive.aggregates[table].objects(), table).toStrictEqual(fromExports.aggregates[table].objects());
  expect(fromArchive.aggregates.places).toStrictEqual(fromExports.aggregates.places);
  expect(fromArchive.aggregates.window).toStrictEqual(fromExports.aggregates.window);
  const { total, attacks, by_kind } = fromExports.summary.events;
  expect(fromArchive.summary.events).toMatchObject({ total, attacks, by_kind });
  expect(fromArchive.summary.window).toStrictEqual(fromExports.summary.window);
}

/** Every input's lines are records or skipped. */
function expectEveryLineAccounted(analysis: Analysis): void {
  for (const input of analysis.summary.inputs) {
    const skipped = Object.values(input.skipped).reduce((sum, n) => sum + n, 0);
    expect(input.records + skipped, input.file).toBe(input.lines);
  }
}

describe('an archive given as a path', () => {
  let fromArchive: Analysis;
  let fromExports: Analysis;
  beforeAll(async () => {
    fromArchive = await analyse(run({ data: [archive] }));
    fromExports = await analyse(run({ data: [direct] }));
  }, 120_000);

  it('is analysed as the exports it was fed: the same tables, places, window and figures', () => {
    expectSameResults(fromArchive, fromExports);
    // The sample's 52,716 events and 3,234 addresses, and the week after's 5 new events (two Found,
    // a Ban and an Unban of a new address, a Found repeated).
    expect(fromArchive.summary.events).toMatchObject({ total: 52_721, attacks: 48_069, by_kind: { failure: 13_909, listed: 3, found: 29_483, ban: 4_674, unban: 4_643, restore: 9 } });
    expect(fromArchive.aggregates.ips.numRows()).toBe(3_235);
  });

  it('is one input: its rows are its lines, each one record and one event, none skipped', () => {
    expect(fromArchive.summary.inputs).toStrictEqual([
      // 18 rows more than events: the logins of the sample's admin (198.51.100.20), trusted, left out of the figures.
      { file: archive, format: 'botmap-archive', server: 'mail1, web1', lines: 52_739, records: 52_739, events: 52_739, duplicates: 0, skipped: {}, skipped_examples: {} },
    ]);
    expectEveryLineAccounted(fromArchive);
    expectEveryLineAccounted(fromExports);
    expect(fromArchive.summary.failed_inputs).toStrictEqual([]);
  });

  it('keeps its rows in the order they were ingested, run after run (DuckDB\'s joins alone would shuffle them)', async () => {
    const { sql } = await import('./support/archive');
    // The sample's admin (198.51.100.20) logged in: trusted, its rows are not analysed.
    const rows = await sql(archive, `SELECT epoch_ms(time) AS time, address, kind FROM events WHERE address <> '198.51.100.20' ORDER BY rowid`);
    expect(await sql(archive, `SELECT kind, COUNT(*) AS n FROM events WHERE address = '198.51.100.20' GROUP BY kind`)).toEqual([{ kind: 'accepted', n: 18n }]);
    const events = fromArchive.events.objects() as { time: Date | null; ip: string; kind: string }[];
    expect(events.map((event) => [event.time?.getTime() ?? null, event.ip, event.kind])).toStrictEqual(rows.map((row) => [row.time === null ? null : Number(row.time), row.address, row.kind]));
    const again = await analyse(run({ data: [archive] }));
    expect(again.events.objects()).toStrictEqual(fromArchive.events.objects());
  });

  it('gives its events the archive as their file and no line (a line is of the export a row came from)', () => {
    const ban = fromArchive.events.objects().find((row: any) => row.kind === 'ban' && row.time?.getTime() === Date.UTC(2026, 8, 14, 0, 3, 0, 484));
    expect(ban).toStrictEqual({ time: new Date(Date.UTC(2026, 8, 14, 0, 3, 0, 484)), ip: '195.182.154.27', kind: 'ban', jail: 'sshd', server: 'web1', user: null, file: archive, line: null });
  });
});

describe('an archive with a FROM/TO window', () => {
  it('reads only the rows inside it, and gives what the exports give with that window', async () => {
    const fromArchive = await analyse(run({ data: [archive] }, { BOTMAP_FROM: OCTOBER_FIRST_WEEKS.from, BOTMAP_TO: OCTOBER_FIRST_WEEKS.to }));
    const fromExports = await analyse(run({ data: [direct] }, { BOTMAP_FROM: OCTOBER_FIRST_WEEKS.from, BOTMAP_TO: OCTOBER_FIRST_WEEKS.to }));
    expectSameResults(fromArchive, fromExports);
    // The week after's export begins inside the window, but all it adds is after it.
    expect(fromArchive.summary.events).toMatchObject({ total: 22_886, attacks: 21_123, by_kind: { failure: 8_965, found: 10_406, unban: 1_754, ban: 1_752, restore: 9 } });
    // 13 rows more than events: the logins of the sample's admin in those days, trusted, left out of the figures.
    expect(fromArchive.summary.inputs[0]).toMatchObject({ format: 'botmap-archive', lines: 22_899, records: 22_899, duplicates: 0 });
    expectEveryLineAccounted(fromArchive);
    expect(fromArchive.summary.notes).toContain('Window 2026-10-01 to 2026-10-14 (FROM, TO): 22,886 of 22,886 events; of the archive, only the events inside the window were read.');
  });

  it('pushed into the SQL, keeps the events reading every row and then the window keeps', async () => {
    const whole = await loadPaths([archive], { timeZone: UTC, sshdMode: 'aggressive' });
    const times = (eventsTable(whole).array('time') as (Date | null)[]).filter((t): t is Date => t !== null).sort((a, b) => a.getTime() - b.getTime());
    // Days of the run's zone, and bounds that are events' own times, milliseconds and all (both kept): Ban lines have milliseconds.
    const withMilliseconds = (after: number) => times.find((t, i) => i >= after && t.getUTCMilliseconds() !== 0)!;
    const bounds = { from: withMilliseconds(1_000), to: withMilliseconds(2_000) };
    for (const cut of [daysWindow(OCTOBER_FIRST_WEEKS.from, OCTOBER_FIRST_WEEKS.to, 'UTC')!, bounds]) {
      const pushed = await loadPaths([archive], { timeZone: UTC, window: cut, sshdMode: 'aggressive' });
      const rows = (load: typeof whole) => eventsInWindow(eventsTable(load), cut).objects();
      expect(rows(pushed)).toStrictEqual(rows(whole));
      expect(pushed.inputs[0].lines).toBe(eventsTable(pushed).numRows());
      expect(pushed.inputs[0].lines).toBeLessThan(whole.inputs[0].lines);
    }
    const bounded = await loadPaths([archive], { timeZone: UTC, window: bounds, sshdMode: 'aggressive' });
    expect(bounded.inputs[0].lines).toBe(times.filter((t) => t >= bounds.from && t <= bounds.to).length);
  });
});

describe('an archive beside a new export', () => {
  it('counts what the export repeats of the archive once, as the exports read together do', async () => {
    // Given after the export, still read first: the archive is the earlier input.
    const mixed = await analyse(run({ data: [week2, sampleArchive] }));
    const fromExports = await analyse(run({ data: [direct] }));
    expectSameResults(mixed, fromExports);
    expect(mixed.summary.inputs.map(({ file, format, server, lines, records, events, duplicates }) => ({ file, format, server, lines, records, events, duplicates }))).toStrictEqual([
      { file: sampleArchive, format: 'botmap-archive', server: 'mail1, web1', lines: 52_734, records: 52_734, events: 52_734, duplicates: 0 },
      { file: path.join(week2, 'web1', 'fail2ban.log'), format: 'fail2ban-log', server: 'web1', lines: 19_438, records: 19_393, events: 19_393, duplicates: 19_388 },
    ]);
    expect(mixed.summary.events.duplicates).toBe(19_388);
    expectEveryLineAccounted(mixed);
  });

  it('hides a listed ban of the archive behind a timed ban, counting it among the archive’s duplicates', async () => {
    const listedFirst = path.join(work, 'listed-first.duckdb');
    await ingestPaths([path.join(SAMPLE, 'web1', 'fail2ban-client-status-sshd.txt')], { archive: listedFirst, timeZone: UTC, sshdMode: 'aggressive' });
    await ingestPaths([SAMPLE_WEB1_LOG], { archive: listedFirst, timeZone: UTC, sshdMode: 'aggressive' });
    const load = await loadPaths([listedFirst], { timeZone: UTC, sshdMode: 'aggressive' });
    // 30 listed bans kept in the archive, then the log's 38,804 events with their timed bans.
    expect(load.inputs[0]).toMatchObject({ lines: 38_834, records: 38_834, events: 38_834, duplicates: 30 });
    expect(eventsTable(load).numRows()).toBe(38_804);
  });
});

describe('what is not an archive to read', () => {
  it('a DuckDB file without BotMap’s table is a failed input, and the run goes on', async () => {
    const other = path.join(work, 'other.duckdb');
    fs.copyFileSync(archive, other);
    const { sql } = await import('./support/archive');
    await sql(other, 'DROP TABLE botmap_archive');
    const load = await loadPaths([other, path.join(SAMPLE, 'mail1')], { timeZone: UTC, sshdMode: 'aggressive' });
    expect(load.inputs[0]).toMatchObject({ file: other, format: 'unknown', lines: 0, records: 0, error: `${other}: not a BotMap archive (a DuckDB database without BotMap's botmap_archive table).` });
    expect(load.inputs.slice(1).map((input) => input.format)).toStrictEqual(['auth-log', 'fail2ban-status']);
  });

  it('an archive with a row this BotMap cannot read (a kind from a newer BotMap) is a failed input naming it', async () => {
    const newer = path.join(work, 'newer-kind.duckdb');
    fs.copyFileSync(archive, newer);
    const { sql } = await import('./support/archive');
    await sql(newer, `UPDATE events SET kind = 'probe' WHERE rowid = 5`);
    const load = await loadPaths([newer], { timeZone: UTC, sshdMode: 'aggressive' });
    expect(load.inputs[0]).toMatchObject({ file: newer, format: 'botmap-archive', error: `${newer}: an event this BotMap cannot read (kind "probe"): was it written by a newer BotMap?` });
  });

  it('an archive cannot be ingested into itself', async () => {
    await expect(ingestPaths([archive], { archive })).rejects.toThrow(
      new BotMapError(`${archive}: the archive this ingest writes to is among its inputs: it cannot be ingested into itself.`),
    );
  });
});

describe('ARCHIVE and BOTMAP_ARCHIVE', () => {
  const cell = { DATA: ['data/sample'], MMDB: '', ASN_MMDB: '', OUT: 'output', THEME: 'dark', TOP: 20, LABELS: 10, ZOOMED: 2, CLUSTER_KM: 100, PROJECTION: 'equal-earth', TIME_ZONE: 'UTC', SPLIT_DATE: '', IPV6_64: false, FROM: '', TO: '' } satisfies CellParameters;

  it('is read in place of DATA, wherever either came from; a cell written before ARCHIVE still runs', () => {
    expect(inputPaths(run({ data: [SAMPLE], archive }))).toStrictEqual([archive]);
    expect(inputPaths(run({ data: [SAMPLE] }, { BOTMAP_ARCHIVE: archive }))).toStrictEqual([archive]);
    expect(inputPaths(run({}, { BOTMAP_DATA: SAMPLE, BOTMAP_ARCHIVE: archive }))).toStrictEqual([archive]);
    expect(inputPaths(run({ data: [SAMPLE] }))).toStrictEqual([SAMPLE]);
    // Relative to the project folder, as every path of the parameters.
    expect(notebookParameters({ ...cell, ARCHIVE: 'data/private/archive.duckdb' }, {}, () => {}).archive).toBe(path.join(ROOT, 'data', 'private', 'archive.duckdb'));
    expect(notebookParameters(cell, {}, () => {}).archive).toBeNull();
  });

  it('said in the parameters cell’s output when BOTMAP_ARCHIVE sets it', () => {
    const said: string[] = [];
    notebookParameters(cell, { BOTMAP_ARCHIVE: archive }, (line) => said.push(line));
    expect(said).toStrictEqual([`BOTMAP_ARCHIVE overrides ARCHIVE of the parameters cell: "${archive}" instead of null: the run reads this archive in place of DATA.`]);
  });

  it('is part of what decides the analysis: a new ARCHIVE (or window) needs the analysis again', async () => {
    expect(snapshotKey(run({ data: [SAMPLE] }, { BOTMAP_ARCHIVE: archive })).data).toStrictEqual([archive]);
    expect(snapshotKey(run({ data: [archive] }, { BOTMAP_FROM: '2026-10-01' }))).toMatchObject({ from: '2026-10-01', to: null });
    const analysis = await analyse(run({ archive: sampleArchive }));
    expect(() => drawingParameters(analysis, { archive })).toThrow('ARCHIVE changed since the analysis was made: run the analysis cell again');
  });

  it('a missing archive, or a file that is not one, stops the run with one line naming it', async () => {
    const missing = path.join(work, 'missing.duckdb');
    await expect(analyse(run({ archive: missing }))).rejects.toThrow(new BotMapError(`${missing}: no such archive (botmap ingest <exports> --archive ${missing} makes one).`));
    await expect(analyse(run({ archive: SAMPLE_WEB1_LOG }))).rejects.toThrow(new BotMapError(`${path.relative(ROOT, SAMPLE_WEB1_LOG)}: not a BotMap archive (not a DuckDB database).`));
    await expect(analyse(run({ archive: SAMPLE }))).rejects.toThrow(new BotMapError(`${path.relative(ROOT, SAMPLE)}: not a BotMap archive (not a file).`));
  });
});
