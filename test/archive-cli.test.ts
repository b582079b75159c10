/**
 * `botmap ingest` and `botmap export-parquet` as cron runs them: their own processes, their one
 * line of output, their one-line errors; an ingest killed while it writes, two ingests at once,
 * and an ingest that waits in vain for another BotMap to finish.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestPaths } from '../src/archive/ingest';
import { UTC } from '../src/time-zone';
import { archiveCounts, sql, writeLargeLog } from './support/archive';

const ROOT = path.join(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'botmap.js');
const SAMPLE = path.join(ROOT, 'data', 'sample');
// The sample's admin (198.51.100.20) logs in 18 times: archived as rows of kind accepted, trusted, left out of the figures.
const SAMPLE_LINE = 'ingest: 52734 new events, 30 duplicates, 4 files\n';
const AGAIN_LINE = 'ingest: 0 new events, 52764 duplicates, 4 files\n';

/** The environment without BOTMAP_* variables (and with `extra`), in UTC so times read the same everywhere; sshd read in aggressive mode, as the figures below count the sample. */
function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { BOTMAP_TZ: 'UTC', BOTMAP_SSHD_MODE: 'aggressive' };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BOTMAP_')) env[k] = v;
  return { ...env, ...extra };
}

function botmap(args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, env: environment(extra), encoding: 'utf8', timeout: 120_000 });
}

/** `botmap` started in the background; `done` resolves with its exit status, signal and output. */
function botmapInBackground(args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: environment(extra) });
  return { child, done: finished(child) };
}

function finished(child: ChildProcess): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (data) => (stdout += data));
  child.stderr?.on('data', (data) => (stderr += data));
  return new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
}

let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-archive-cli-'));
  // Compiles the command once, before tests start several at a time.
  botmap(['--version'], work);
}, 120_000);

describe('botmap ingest', () => {
  it('prints one line: new events, duplicates, files; the archive path is taken from the current folder', () => {
    const first = botmap(['ingest', SAMPLE, '--archive', 'weekly.duckdb'], work);
    expect([first.status, first.stdout, first.stderr]).toEqual([0, SAMPLE_LINE, '']);
    const again = botmap(['ingest', SAMPLE], work, { BOTMAP_ARCHIVE: 'weekly.duckdb' });
    expect([again.status, again.stdout, again.stderr]).toEqual([0, AGAIN_LINE, '']);
    expect(fs.existsSync(path.join(work, 'weekly.duckdb'))).toBe(true);
  });

  it('warns about an input that failed, as the main command does, and keeps what it could read', () => {
    const exports = path.join(work, 'broken', 'web1');
    fs.mkdirSync(exports, { recursive: true });
    const gz = zlib.gzipSync(fs.readFileSync(path.join(SAMPLE, 'web1', 'fail2ban.log')));
    fs.writeFileSync(path.join(exports, 'fail2ban.log.2.gz'), gz.subarray(0, gz.length / 2));
    fs.copyFileSync(path.join(SAMPLE, 'web1', 'fail2ban-client-status-sshd.txt'), path.join(exports, 'status.txt'));
    const run = botmap(['ingest', exports, '--archive', 'broken.duckdb'], work);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^ingest: \d+ new events, \d+ duplicates, 2 files\n$/);
    expect(run.stderr).toMatch(/^botmap: warning: .*fail2ban\.log\.2\.gz.*\n$/);
  });

  it('npm run ingest takes paths from the folder it was typed in', () => {
    const run = spawnSync('npm', ['run', '-s', '--prefix', ROOT, 'ingest', '--', path.relative(work, SAMPLE), '--archive', 'npm.duckdb'], { cwd: work, env: environment(), encoding: 'utf8', timeout: 120_000 });
    expect([run.status, run.stdout, run.stderr]).toEqual([0, SAMPLE_LINE, '']);
    expect(fs.existsSync(path.join(work, 'npm.duckdb'))).toBe(true);
  }, 120_000);

  it('an archive from a newer BotMap, or a file that is not an archive: one line naming it, exit 1', async () => {
    const newer = path.join(work, 'newer.duckdb');
    await ingestPaths([path.join(SAMPLE, 'mail1')], { archive: newer, timeZone: UTC, sshdMode: 'aggressive' });
    await sql(newer, `UPDATE botmap_archive SET value = '7' WHERE key = 'schema_version'`);
    const refused = botmap(['ingest', SAMPLE, '--archive', newer], work);
    // Files are named as BotMap names them: relative to the project folder, or here to the current one.
    expect([refused.status, refused.stdout, refused.stderr]).toEqual([1, '', `botmap: newer.duckdb: archive schema version 7, written by a newer BotMap; this BotMap reads version 1: update BotMap to use it.\n`]);
    const text = path.join(work, 'notes.txt');
    fs.writeFileSync(text, 'hello\n');
    const notArchive = botmap(['export-parquet', '--archive', text, 'out'], work);
    expect([notArchive.status, notArchive.stderr]).toEqual([1, `botmap: notes.txt: not a BotMap archive (not a DuckDB database).\n`]);
  });
});

describe('botmap export-parquet', () => {
  it('writes the archive as Parquet and says how much', () => {
    const run = botmap(['export-parquet', '--archive', 'weekly.duckdb', 'parquet'], work);
    expect([run.status, run.stdout, run.stderr]).toEqual([0, 'export-parquet: 52734 events in 4 server/month folders under parquet\n', '']);
    expect(fs.readdirSync(path.join(work, 'parquet')).sort()).toEqual(['server=mail1', 'server=web1']);
  });
});

describe('an ingest is one transaction', () => {
  it('killed while it writes, it leaves the archive as it was', async () => {
    const archive = path.join(work, 'killed.duckdb');
    await ingestPaths([path.join(SAMPLE, 'mail1')], { archive, timeZone: UTC, sshdMode: 'aggressive' });
    const before = await archiveCounts(archive);
    expect(before).toEqual({ events: 13_930, files: 2 });
    const log = path.join(work, 'large', 'web9', 'fail2ban.log');
    writeLargeLog(log, 150_000);
    const progress = path.join(work, 'progress.json');
    const run = botmapInBackground(['ingest', log, '--archive', archive], work, { BOTMAP_PROGRESS_FILE: progress });
    const seen = await writingStarted(progress, run.done);
    run.child.kill('SIGKILL');
    const end = await run.done;
    expect(end.signal, `${end.stdout}${end.stderr}`).toBe('SIGKILL');
    expect(seen.done).toBeGreaterThan(0);
    expect(seen.done).toBeLessThan(seen.total);
    expect(seen.total).toBe(150_000);
    expect(await archiveCounts(archive)).toEqual(before);
    // And it is whole: the next ingest opens and writes it.
    const next = botmap(['ingest', path.join(SAMPLE, 'mail1', 'fail2ban-client-status-sshd.txt'), '--archive', archive], work);
    expect([next.status, next.stdout]).toEqual([0, 'ingest: 0 new events, 3 duplicates, 1 files\n']);
    expect(await archiveCounts(archive)).toEqual({ events: 13_930, files: 3 });
  }, 60_000);

  it('two at once: the second waits for the first, and adds nothing twice', async () => {
    const archive = path.join(work, 'concurrent.duckdb');
    const mail1 = path.join(SAMPLE, 'mail1');
    const runs = [botmapInBackground(['ingest', mail1, '--archive', archive], work), botmapInBackground(['ingest', mail1, '--archive', archive], work)];
    const ends = await Promise.all(runs.map((run) => run.done));
    expect(ends.map((end) => [end.status, end.stderr])).toEqual([[0, ''], [0, '']]);
    expect(ends.map((end) => end.stdout).sort()).toEqual(['ingest: 0 new events, 13930 duplicates, 2 files\n', 'ingest: 13930 new events, 0 duplicates, 2 files\n']);
    expect(await archiveCounts(archive)).toEqual({ events: 13_930, files: 4 });
  }, 60_000);

  it('one that waits in vain stops with one line naming the archive and the BotMap writing it', async () => {
    const archive = path.join(work, 'held.duckdb');
    await ingestPaths([path.join(SAMPLE, 'mail1')], { archive, timeZone: UTC, sshdMode: 'aggressive' });
    // Another process with the archive open for writing, as an ingest has it.
    const holder = spawn(process.execPath, ['--input-type=module', '-e', `
      import { DuckDBInstance } from '@duckdb/node-api';
      const instance = await DuckDBInstance.create(${JSON.stringify(archive)});
      console.log('holding');
      setTimeout(() => instance.closeSync(), 30_000);`], { cwd: ROOT });
    const held = finished(holder);
    await new Promise((resolve) => holder.stdout!.once('data', resolve));
    try {
      const run = botmap(['ingest', SAMPLE, '--archive', archive, '--wait', '1'], work);
      expect([run.status, run.stdout, run.stderr]).toEqual([1, '', `botmap: held.duckdb: another BotMap (process ${holder.pid}) is writing this archive; waited 1 s: try again when it has finished.\n`]);
    } finally {
      holder.kill();
      await held;
    }
    expect(await archiveCounts(archive)).toEqual({ events: 13_930, files: 2 });
  }, 60_000);
});

describe('botmap reading the archive', () => {
  /** The figures of a run that must not depend on where its events came from. */
  const figures = (summary: any) => {
    const { events, ips, window, top_cities, top_places, top_countries, top_asns } = summary;
    return { events: { ...events, duplicates: undefined }, ips, window, top_cities, top_places, top_countries, top_asns };
  };
  const summaryOf = (out: string) => JSON.parse(fs.readFileSync(path.join(work, out, 'summary.json'), 'utf8'));
  let fromArchive: ReturnType<typeof botmap>;
  let typed: ReturnType<typeof botmap>;
  let given: ReturnType<typeof botmap>;

  beforeAll(async () => {
    await ingestPaths([SAMPLE], { archive: path.join(work, 'read.duckdb'), timeZone: UTC, sshdMode: 'aggressive' });
    // BOTMAP_ARCHIVE as a cron job exports it for botmap ingest; relative to the current folder.
    fromArchive = botmap(['--out', 'from-archive'], work, { BOTMAP_ARCHIVE: 'read.duckdb' });
    typed = botmap([SAMPLE, '--out', 'typed'], work, { BOTMAP_ARCHIVE: 'read.duckdb' });
    given = botmap(['read.duckdb', '--out', 'given'], work);
  }, 180_000);

  it('BOTMAP_ARCHIVE with no paths: the archive is read, with the figures of the exports it holds', () => {
    expect([fromArchive.status, fromArchive.stderr]).toEqual([0, '']);
    expect(fromArchive.stdout).toMatch(/^3,234 distinct addresses \(.*\) from 1 input, 52,734 lines, in [\d.]+ s\.$/m);
    const archived = summaryOf('from-archive');
    expect(archived.inputs).toEqual([
      { file: path.join(work, 'read.duckdb'), format: 'botmap-archive', server: 'mail1, web1', lines: 52_734, records: 52_734, events: 52_734, duplicates: 0, skipped: {}, skipped_examples: {} },
    ]);
    expect(figures(archived)).toEqual(figures(summaryOf('typed')));
    expect(archived.events).toMatchObject({ total: 52_716, attacks: 48_065, duplicates: 0 });
    expect(archived.ips.distinct).toBe(3_234);
  });

  it('paths typed beat BOTMAP_ARCHIVE', () => {
    expect([typed.status, typed.stderr]).toEqual([0, '']);
    const inputs = summaryOf('typed').inputs.map((input: { file: string; format: string }) => [path.relative(SAMPLE, path.resolve(ROOT, input.file)), input.format]);
    expect(inputs).toEqual([
      ['mail1/auth.log', 'auth-log'],
      ['mail1/fail2ban-client-status-sshd.txt', 'fail2ban-status'],
      ['web1/fail2ban-client-status-sshd.txt', 'fail2ban-status'],
      ['web1/fail2ban.log', 'fail2ban-log'],
    ]);
    expect(summaryOf('typed').events).toMatchObject({ total: 52_716, duplicates: 30 });
  });

  it('an archive given as a path is read as one', () => {
    expect([given.status, given.stderr]).toEqual([0, '']);
    expect(summaryOf('given').inputs.map((input: { format: string }) => input.format)).toEqual(['botmap-archive']);
    expect(figures(summaryOf('given'))).toEqual(figures(summaryOf('from-archive')));
  });

  it('a missing BOTMAP_ARCHIVE: one line naming it, exit 1', () => {
    const missing = botmap(['--out', 'never'], work, { BOTMAP_ARCHIVE: 'missing.duckdb' });
    const file = path.join(work, 'missing.duckdb');
    expect([missing.status, missing.stdout, missing.stderr]).toEqual([1, '', `botmap: ${file}: no such archive (botmap ingest <exports> --archive ${file} makes one).\n`]);
    expect(fs.existsSync(path.join(work, 'never'))).toBe(false);
  });
});

/** Resolves with the progress written once the ingest is writing events (some, not all); rejects if it ends first. */
async function writingStarted(file: string, done: Promise<unknown>): Promise<{ done: number; total: number }> {
  let ended = false;
  void done.then(() => (ended = true));
  while (!ended) {
    try {
      const state = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (state.stage === 'Writing' && state.done > 0 && state.done < state.total) return state;
    } catch {
      // Not written yet, or being written.
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error('the ingest ended before it was seen writing');
}
