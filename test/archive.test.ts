/**
 * The archive (src/archive/): ingesting the sample, again, and an overlapping later export;
 * the file records; reading the events back; the errors for what is not an archive we can use;
 * the Parquet export. The sample is generated with a fixed seed, so the counts are exact.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BotMapError, eventsTable, exportParquet, ingestPaths, loadPaths, readArchive, type IngestResult } from '../src/index';
import { findDuplicates } from '../src/load/duplicates';
import { archivePath, openArchive } from '../src/archive/open';
import { UTC } from '../src/time-zone';
import { archiveCounts, sql, writeOverlappingExport } from './support/archive';

const ROOT = path.join(import.meta.dirname, '..');
const SAMPLE = path.join(ROOT, 'data', 'sample');
const WEB1_LOG = path.join(SAMPLE, 'web1', 'fail2ban.log');
/** The sample's events: 52,746 read, of which 30 are its own duplicates (web1's listed bans, which its log bans with a time). */
// With the 18 logins (kind accepted) of the sample's admin, 198.51.100.20.
const SAMPLE_EVENTS = 52_764;
const SAMPLE_NEW = 52_734;

let work: string;
let archive: string;
let first: IngestResult;
let second: IngestResult;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-archive-'));
  archive = path.join(work, 'nested', 'archive.duckdb');
  first = await ingestPaths([SAMPLE], { archive, timeZone: UTC, sshdMode: 'aggressive' });
  second = await ingestPaths([SAMPLE], { archive, timeZone: UTC, sshdMode: 'aggressive' });
}, 60_000);

describe('ingesting the sample', () => {
  it('adds its events less its own duplicates: as many as a run of the sample counts', async () => {
    const load = await loadPaths([SAMPLE], { timeZone: UTC, sshdMode: 'aggressive' });
    const inRun = findDuplicates(load.store, load.inputs.length).perInput.reduce((a, b) => a + b, 0);
    expect([load.store.length, inRun]).toEqual([SAMPLE_EVENTS, SAMPLE_EVENTS - SAMPLE_NEW]);
    expect([first.newEvents, first.duplicates, first.files.length]).toEqual([SAMPLE_NEW, SAMPLE_EVENTS - SAMPLE_NEW, 4]);
    expect(await archiveCounts(archive)).toEqual({ events: SAMPLE_NEW, files: 8 });
  });

  it('again adds nothing, and records the files of both runs', async () => {
    expect([second.newEvents, second.duplicates, second.files.length]).toEqual([0, SAMPLE_EVENTS, 4]);
    const files = await sql(archive, 'SELECT id, path, new_events, duplicates FROM files ORDER BY id');
    const paths = ['mail1/auth.log', 'mail1/fail2ban-client-status-sshd.txt', 'web1/fail2ban-client-status-sshd.txt', 'web1/fail2ban.log'].map((f) => path.join(SAMPLE, f));
    expect(files).toEqual([
      { id: 1, path: paths[0], new_events: 13_927n, duplicates: 0n },
      { id: 2, path: paths[1], new_events: 3n, duplicates: 0n },
      { id: 3, path: paths[2], new_events: 0n, duplicates: 30n },
      { id: 4, path: paths[3], new_events: 38_804n, duplicates: 0n },
      { id: 5, path: paths[0], new_events: 0n, duplicates: 13_927n },
      { id: 6, path: paths[1], new_events: 0n, duplicates: 3n },
      { id: 7, path: paths[2], new_events: 0n, duplicates: 30n },
      { id: 8, path: paths[3], new_events: 0n, duplicates: 38_804n },
    ]);
  });

  it('records each file: size, SHA-256, lines, format, server, first and last event, ingest time', async () => {
    const web1 = first.files[3];
    const bytes = fs.readFileSync(WEB1_LOG);
    const load = await loadPaths([WEB1_LOG], { timeZone: UTC, sshdMode: 'aggressive' });
    const times = load.store.columns().time.filter((t) => !Number.isNaN(t));
    expect(web1).toMatchObject({
      id: 4,
      file: WEB1_LOG,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      lines: 38_866,
      format: 'fail2ban-log',
      server: 'web1',
      firstEvent: Math.min(...times),
      lastEvent: Math.max(...times),
      error: null,
    });
    expect(Math.abs(web1.ingestedAt - Date.now())).toBeLessThan(60_000);
    const [row] = await sql(archive, `SELECT first_event::VARCHAR AS first_event, last_event::VARCHAR AS last_event FROM files WHERE id = 4`);
    // A Found line's time is the one fail2ban gives the failure (whole seconds); a Ban line's is its own.
    expect(row).toEqual({ first_event: '2026-09-14 00:02:34', last_event: '2026-10-25 23:59:37.182' });
  });

  it('stores each event with its server, jail, address, kind, UTC time (ms kept), user, file and line', async () => {
    const columns = `server, jail, address, kind, time::VARCHAR AS time, "user", file_id, line`;
    const ban = await sql(archive, `SELECT ${columns} FROM events WHERE file_id = 4 AND line = 6`);
    expect(ban).toEqual([{ server: 'web1', jail: 'sshd', address: '195.182.154.27', kind: 'ban', time: '2026-09-14 00:03:00.484', user: null, file_id: 4, line: 6 }]);
    const failure = await sql(archive, `SELECT ${columns} FROM events WHERE file_id = 1 AND line = 2`);
    expect(failure).toEqual([{ server: 'mail1', jail: 'sshd', address: '149.0.24.66', kind: 'failure', time: '2026-10-01 00:07:08.042', user: 'root', file_id: 1, line: 2 }]);
    const [listed] = await sql(archive, `SELECT COUNT(*) AS n, COUNT(time) AS timed, COUNT(jail) AS jailed FROM events WHERE file_id = 2`);
    expect(listed).toEqual({ n: 3n, timed: 0n, jailed: 3n });
    const [users] = await sql(archive, `SELECT COUNT("user") AS n FROM events WHERE file_id = 1`);
    expect(Number(users.n)).toBeGreaterThan(13_000);
  });
});

describe('an overlapping later export', () => {
  it('adds only what is new: lines after the archive, and a repeat beyond the count the archive holds', async () => {
    const file = path.join(work, 'week2', 'web1', 'fail2ban.log');
    writeOverlappingExport(file);
    const copy = path.join(work, 'overlap.duckdb');
    fs.copyFileSync(archive, copy);
    const result = await ingestPaths([file], { archive: copy, timeZone: UTC, sshdMode: 'aggressive' });
    expect([result.newEvents, result.duplicates]).toEqual([5, 19_388]);
    expect(result.files[0]).toMatchObject({ server: 'web1', lines: 19_438, newEvents: 5, duplicates: 19_388, lastEvent: Date.UTC(2026, 9, 26, 0, 20, 9, 400) });
    const added = await sql(copy, `SELECT kind, address, line FROM events WHERE file_id = 9 ORDER BY line`);
    expect(added).toEqual([
      { kind: 'found', address: '203.0.113.7', line: 19_434 },
      { kind: 'found', address: '203.0.113.7', line: 19_435 },
      { kind: 'ban', address: '203.0.113.7', line: 19_436 },
      { kind: 'unban', address: '203.0.113.7', line: 19_437 },
      { kind: 'found', address: '187.247.177.9', line: 19_438 },
    ]);
  });

  it('finds the timed bans of bans listed without a time, outside any window of the export', async () => {
    // The status file alone has no time: only the archive's timed bans of its places match it.
    const copy = path.join(work, 'listed-later.duckdb');
    fs.copyFileSync(archive, copy);
    const result = await ingestPaths([path.join(SAMPLE, 'web1', 'fail2ban-client-status-sshd.txt')], { archive: copy, timeZone: UTC, sshdMode: 'aggressive' });
    expect([result.newEvents, result.duplicates]).toEqual([0, 30]);
  });
});

describe('readArchive', () => {
  it('reads the events back into an EventStore, one input per file record', async () => {
    const contents = await readArchive(archive);
    expect(contents.store.length).toBe(SAMPLE_NEW);
    expect(contents.inputs.map((f) => f.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const { input } = contents.store.columns();
    expect([...new Set(input)].sort()).toEqual([0, 1, 3]);
    const table = eventsTable(contents);
    const ban = (table.objects() as { file: string; line: number }[]).find((row) => row.file === WEB1_LOG && row.line === 6);
    expect(ban).toEqual({ time: new Date(Date.UTC(2026, 8, 14, 0, 3, 0, 484)), ip: '195.182.154.27', kind: 'ban', jail: 'sshd', server: 'web1', user: null, file: WEB1_LOG, line: 6 });
  });

  it('hides a ban listed without a time once a later ingest brings the timed ban', async () => {
    const file = path.join(work, 'listed-first.duckdb');
    const listed = await ingestPaths([path.join(SAMPLE, 'web1', 'fail2ban-client-status-sshd.txt')], { archive: file, timeZone: UTC, sshdMode: 'aggressive' });
    expect(listed.newEvents).toBe(30);
    expect((await readArchive(file)).store.length).toBe(30);
    const log = await ingestPaths([WEB1_LOG], { archive: file, timeZone: UTC, sshdMode: 'aggressive' });
    expect(log.newEvents).toBe(38_804);
    // The 30 listed bans stay in the archive, but reading it counts the timed bans instead.
    expect(await archiveCounts(file)).toEqual({ events: 38_834, files: 2 });
    expect((await readArchive(file)).store.length).toBe(38_804);
  });
});

describe('what is not an archive BotMap can use', () => {
  /** Each use of an archive, one after another (a use waits while another in this process has the archive). */
  const attempts = (file: string) => [() => ingestPaths([SAMPLE], { archive: file }), () => readArchive(file), () => exportParquet(file, path.join(work, 'never'))];

  it('an archive of a newer schema version: one error naming the file, the archive untouched', async () => {
    const file = path.join(work, 'newer.duckdb');
    fs.copyFileSync(archive, file);
    await sql(file, `UPDATE botmap_archive SET value = '2' WHERE key = 'schema_version'`);
    for (const attempt of attempts(file)) {
      await expect(attempt()).rejects.toThrow(new BotMapError(`${file}: archive schema version 2, written by a newer BotMap; this BotMap reads version 1: update BotMap to use it.`));
    }
    expect(await archiveCounts(file)).toEqual({ events: SAMPLE_NEW, files: 8 });
  });

  it('a text file, or a DuckDB database without the metadata table: one error naming the file, the file untouched', async () => {
    const text = path.join(work, 'notes.duckdb');
    fs.writeFileSync(text, 'not a database\n');
    for (const attempt of attempts(text)) await expect(attempt()).rejects.toThrow(new BotMapError(`${text}: not a BotMap archive (not a DuckDB database).`));
    expect(fs.readFileSync(text, 'utf8')).toBe('not a database\n');
    const other = path.join(work, 'other.duckdb');
    await sql(other, 'CREATE TABLE measurements (x INTEGER)');
    for (const attempt of attempts(other)) {
      await expect(attempt()).rejects.toThrow(new BotMapError(`${other}: not a BotMap archive (a DuckDB database without BotMap's botmap_archive table).`));
    }
    expect(await sql(other, `SELECT table_name FROM information_schema.tables`)).toEqual([{ table_name: 'measurements' }]);
    expect(fs.existsSync(path.join(work, 'never'))).toBe(false);
  });

  it('reading an archive that is not there says so, and creates nothing', async () => {
    const missing = path.join(work, 'missing.duckdb');
    await expect(readArchive(missing)).rejects.toThrow(new BotMapError(`${missing}: no such archive (botmap ingest <exports> --archive ${missing} makes one).`));
    expect(fs.existsSync(missing)).toBe(false);
  });
});

describe('opening', () => {
  it('waits while this process has the archive open (DuckDB locks it against other processes only), then says who has it', async () => {
    const held = await openArchive(archive, { mode: 'write' });
    try {
      await expect(ingestPaths([SAMPLE], { archive, waitMs: 300 })).rejects.toThrow(
        new BotMapError(`${archive}: another BotMap (this process) is writing this archive; waited 0 s: try again when it has finished.`),
      );
    } finally {
      held.close();
    }
    const later = await openArchive(archive, { mode: 'read' });
    later.close();
  });

  it('makes an archive of a DuckDB file without any table: one whose creation was cut short', async () => {
    const file = path.join(work, 'cut-short.duckdb');
    await sql(file, 'SELECT 1');
    const result = await ingestPaths([path.join(SAMPLE, 'mail1')], { archive: file, timeZone: UTC, sshdMode: 'aggressive' });
    expect(result.newEvents).toBe(13_930);
    expect(await sql(file, `SELECT key, value FROM botmap_archive WHERE key = 'schema_version'`)).toEqual([{ key: 'schema_version', value: '1' }]);
  });
});

describe('archivePath', () => {
  it('--archive beats BOTMAP_ARCHIVE beats data/private/archive.duckdb in the project folder', () => {
    expect(archivePath(undefined, {}, path.join(ROOT, 'notebooks'))).toBe(path.join(ROOT, 'data', 'private', 'archive.duckdb'));
    expect(archivePath(undefined, { BOTMAP_ARCHIVE: 'a.duckdb' }, work)).toBe(path.join(work, 'a.duckdb'));
    expect(archivePath('b.duckdb', { BOTMAP_ARCHIVE: 'a.duckdb' }, work)).toBe(path.join(work, 'b.duckdb'));
  });
});

describe('exportParquet', () => {
  it('writes server=…/month=… folders that DuckDB reads back as the archive’s rows', async () => {
    const folder = path.join(work, 'parquet');
    const written = await exportParquet(archive, folder);
    expect(written).toMatchObject({ events: SAMPLE_NEW, partitions: 4 });
    const folders = fs.readdirSync(folder).flatMap((server) => fs.readdirSync(path.join(folder, server)).map((month) => `${server}/${month}`));
    expect(folders.sort()).toEqual(['server=mail1/month=2026-10', 'server=mail1/month=__HIVE_DEFAULT_PARTITION__', 'server=web1/month=2026-09', 'server=web1/month=2026-10']);
    const glob = `${folder}/**/*.parquet`;
    const counts = await sql(
      path.join(work, 'reader.duckdb'),
      `SELECT server, month, COUNT(*) AS events, COUNT(time) AS timed FROM read_parquet('${glob}', hive_partitioning = true) GROUP BY ALL ORDER BY ALL`,
    );
    expect(counts).toEqual([
      { server: 'mail1', month: '2026-10', events: 13_927n, timed: 13_927n },
      { server: 'mail1', month: null, events: 3n, timed: 0n },
      { server: 'web1', month: '2026-09', events: 14_454n, timed: 14_454n },
      { server: 'web1', month: '2026-10', events: 24_350n, timed: 24_350n },
    ]);
    const columns = await sql(path.join(work, 'reader.duckdb'), `DESCRIBE SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`);
    const [firstBan] = await sql(path.join(work, 'reader.duckdb'), `SELECT epoch_ms(time) AS ms FROM read_parquet('${glob}', hive_partitioning = true) WHERE kind = 'ban' ORDER BY time LIMIT 1`);
    expect(firstBan.ms).toBe(BigInt(Date.UTC(2026, 8, 14, 0, 3, 0, 484)));
    expect(columns.map((c) => `${c.column_name} ${c.column_type}`)).toEqual([
      'jail VARCHAR', 'address VARCHAR', 'kind VARCHAR', 'time TIMESTAMP WITH TIME ZONE', 'user VARCHAR', 'file_id INTEGER', 'line INTEGER', 'month VARCHAR', 'server VARCHAR',
    ]);
  });

  it('replaces a previous export, and leaves a folder with other files alone', async () => {
    const folder = path.join(work, 'parquet-again');
    await exportParquet(archive, folder);
    fs.mkdirSync(path.join(folder, 'server=gone'));
    await exportParquet(archive, folder);
    expect(fs.readdirSync(folder).sort()).toEqual(['server=mail1', 'server=web1']);
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'mine');
    await expect(exportParquet(archive, folder)).rejects.toThrow(new BotMapError(`${folder}: holds other files than a BotMap Parquet export (notes.txt): give an empty or new folder.`));
    expect(fs.readFileSync(path.join(folder, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
