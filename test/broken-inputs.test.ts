/**
 * Broken inputs, broken databases and interrupted runs. Each broken file gives a clear message
 * naming it (and the line, where there is one), is counted in the accounting, and the run goes on;
 * `summary.failed_inputs` and index.html say which inputs failed. A missing, corrupt, wrong or
 * unreadable database stops `npm start` with a message naming the file and what is expected, no
 * stack trace, exit code 1. Output files are written atomically, and a run deletes nothing
 * outside its output folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import { gzExpansionLimit } from '../src/load/gz';
import { loadPaths, MAX_LINE_LENGTH, type LoadResult } from '../src/load/load';
import { parameters } from '../src/notebook/pipeline';
import { runPipeline } from '../src/notebook/run';
import type { InputReport } from '../src/types';
import { checkOutputFolder, htmlText, listFiles } from './support/output-checks';
import { asnDatabase, cityDatabase } from './support/test-databases';

const ROOT = path.join(import.meta.dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-broken-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const BAN = (i: number) => `2026-10-01 12:00:${String(i % 60).padStart(2, '0')},000 fail2ban.actions        [1]: NOTICE  [sshd] Ban 81.2.69.${(i % 200) + 1}`;
/** Public addresses the packaged database places in cities. */
const PUBLIC = ['27.74.209.148', '154.84.183.157', '201.56.213.198', '1.92.49.252', '195.9.230.241', '185.141.106.224', '67.112.25.147', '43.218.32.116', '92.38.154.19', '1.233.2.53', '113.186.248.63', '147.81.79.142', '35.247.160.142'];
const AUTH = 'Oct  1 12:00:01 web1 sshd[123]: Invalid user admin from 81.2.69.142 port 22';
const lines = (n: number, make: (i: number) => string = BAN) => Array.from({ length: n }, (_, i) => `${make(i)}\n`).join('');
const sumSkipped = (r: InputReport) => Object.values(r.skipped).reduce((a, b) => a + b, 0);

function expectAccounts(result: LoadResult): void {
  for (const report of result.inputs) expect(report.records + sumSkipped(report), report.file).toBe(report.lines);
  const perInput = new Map<number, number>();
  for (const input of result.store.columns().input) perInput.set(input, (perInput.get(input) ?? 0) + 1);
  result.inputs.forEach((report, i) => expect(report.events, report.file).toBe(perInput.get(i) ?? 0));
}

async function sqliteFile(tables: string): Promise<Buffer> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(tables);
  const bytes = Buffer.from(db.export());
  db.close();
  return bytes;
}

describe('broken input files', () => {
  const dir = path.join(work, 'broken');
  let result: LoadResult;
  const byName = (name: string) => {
    const found = result.inputs.find((r) => path.basename(r.file) === name);
    if (!found) throw new Error(`no report for ${name}: ${result.inputs.map((r) => r.file).join(', ')}`);
    return found;
  };

  beforeAll(async () => {
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    const w = (name: string, content: string | Uint8Array) => fs.writeFileSync(path.join(dir, name), content);
    // Read first (names sort), long enough to report progress: the moment to remove a later file.
    w('a-big.log', lines(70_000));
    w('b-vanishes.log', lines(10));
    const gz = gzipSync(lines(30_000));
    w('truncated.log.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    w('not-gzip.log.gz', lines(3));
    w('binary.bin', Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)));
    w('empty.log', '');
    w('blank.log', '\n  \n\t\n');
    w('long-line.log', `${'x'.repeat(50 * 1024 * 1024)}\n${lines(3)}`);
    w('only-long-line.log', 'y'.repeat(3 * 1024 * 1024));
    w('crlf.log', lines(3, () => AUTH).replace(/\n/g, '\r\n'));
    w('utf16le.log', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines(3, () => AUTH), 'utf16le')]));
    w('utf16be.log', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(lines(3, () => AUTH), 'utf16le').swap16()]));
    w('not-fail2ban.sqlite3', await sqliteFile('CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES (\'x\');'));
    w('corrupt.sqlite3', Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(5000, 0xab)]));
    // 64 MiB of log lines, 8 MiB allowed (BOTMAP_MAX_GZ_BYTES in a real run): a decompression bomb.
    w('bomb.log.gz', gzipSync(Buffer.from(lines(20_000)).toString().repeat(48), { level: 9 }));
    w('bomb.sqlite3.gz', gzipSync(Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(20 << 20)])));
    w('good.log', lines(5));
    fs.symlinkSync(path.join(dir, 'no-such-file.log'), path.join(dir, 'broken-link.log'));
    spawnSync('mkfifo', [path.join(dir, 'fifo.log')]);
    // A link back up the tree: walked once, not forever.
    fs.symlinkSync('..', path.join(dir, 'sub', 'loop'));
    fs.writeFileSync(path.join(dir, 'sub', 'inner.log'), lines(2));
    let removed = false;
    const heapBefore = process.memoryUsage().heapUsed;
    result = await loadPaths([dir], {
      maxGzBytes: 8 * 1024 * 1024,
      onProgress: () => {
        if (!removed) fs.rmSync(path.join(dir, 'b-vanishes.log'));
        removed = true;
      },
    });
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(400 * 1024 * 1024);
  }, 60_000);

  it('every file gets a report and the accounting holds for each', () => {
    expect(result.inputs.map((r) => path.relative(dir, r.file)).sort()).toEqual(
      [
        'a-big.log', 'b-vanishes.log', 'binary.bin', 'blank.log', 'bomb.log.gz', 'bomb.sqlite3.gz', 'broken-link.log', 'corrupt.sqlite3', 'crlf.log', 'empty.log', 'fifo.log', 'good.log',
        'long-line.log', 'not-fail2ban.sqlite3', 'not-gzip.log.gz', 'only-long-line.log', 'sub/inner.log', 'truncated.log.gz', 'utf16be.log', 'utf16le.log',
      ].sort(),
    );
    expectAccounts(result);
    // The rest of the run went on: the good files' events are all there.
    expect(byName('good.log')).toMatchObject({ format: 'fail2ban-log', lines: 5, records: 5, events: 5 });
    expect(byName('good.log').error).toBeUndefined();
    expect(byName('inner.log')).toMatchObject({ lines: 2, events: 2 });
  });

  it('a truncated .gz: what was read counts, the message names the file and the line', () => {
    const r = byName('truncated.log.gz');
    expect(r.error).toMatch(/truncated\.log\.gz: could not be read past line \d+: the compressed data ends early \(unexpected end of file\): the \.gz file is truncated/);
    expect(r.lines).toBeGreaterThan(1000);
    expect(r.lines).toBeLessThan(30_000);
    expect(r.events).toBe(r.lines);
    expect(byName('not-gzip.log.gz').error).toMatch(/not-gzip\.log\.gz: could not be read: not valid gzip data \(incorrect header check\)/);
  });

  it('a binary file: unrecognised, said to look binary, every line counted', () => {
    const r = byName('binary.bin');
    expect(r.format).toBe('unknown');
    expect(r.error).toMatch(/binary\.bin: unrecognised format: .* It looks like binary data, not text\.$/);
    expect(r.skipped['unrecognised format']).toBe(r.lines);
  });

  it('an empty file and a file of blank lines: a warning, not a failure', () => {
    expect(byName('empty.log')).toMatchObject({ lines: 0, warnings: [expect.stringMatching(/empty\.log: empty file \(0 bytes\): nothing to read\./)] });
    expect(byName('empty.log').error).toBeUndefined();
    expect(byName('blank.log')).toMatchObject({ lines: 3, skipped: { 'blank line': 3 }, warnings: [expect.stringMatching(/blank\.log: only blank lines \(3\)/)] });
  });

  it('a 50 MB line is skipped as too long, naming its line, and the next lines are read', () => {
    const r = byName('long-line.log');
    expect(r).toMatchObject({ format: 'fail2ban-log', lines: 4, records: 3, events: 3, skipped: { 'line too long': 1 }, skipped_examples: { 'line too long': [1] } });
    expect(r.warnings).toEqual([expect.stringMatching(/long-line\.log: line 1 is longer than 1 MiB: skipped as "line too long"\./)]);
    expect(r.error).toBeUndefined();
    expect(byName('only-long-line.log')).toMatchObject({ lines: 1, records: 0, skipped: { 'line too long': 1 } });
    expect(byName('only-long-line.log').error).toMatch(/only-long-line\.log: no line could be read: its only line is longer than 1 MiB/);
    expect(MAX_LINE_LENGTH).toBe(1024 * 1024);
  });

  it('CRLF and UTF-16 (either byte order) read like UTF-8 with LF', () => {
    for (const name of ['crlf.log', 'utf16le.log', 'utf16be.log']) {
      expect(byName(name), name).toMatchObject({ format: 'auth-log', lines: 3, records: 3, events: 3 });
      expect(byName(name).error).toBeUndefined();
    }
    expect(byName('utf16le.log')).toMatchObject({ encoding: 'utf-16le', warnings: [expect.stringMatching(/UTF-16 text \(little-endian, from its byte-order mark\), decoded/)] });
    expect(byName('utf16be.log')).toMatchObject({ encoding: 'utf-16be' });
    // The user name came through clean: no CR, no byte-order mark, no NUL.
    expect(result.store.users.values).toContain('admin');
    expect(result.store.users.values.every((u) => !/[\r\ufeff\u0000]/.test(u))).toBe(true);
  });

  it('unreadable entries: a broken link, a FIFO (without hanging) and a file removed after the listing', () => {
    expect(byName('broken-link.log').error).toMatch(/broken-link\.log: could not be read: it does not exist: a broken link, or removed after it was listed \(ENOENT/);
    expect(byName('fifo.log').error).toMatch(/fifo\.log: a FIFO \(named pipe\), not a regular file: not read\./);
    expect(byName('b-vanishes.log').error).toMatch(/b-vanishes\.log: could not be read: it does not exist/);
    for (const name of ['broken-link.log', 'fifo.log', 'b-vanishes.log']) expect(byName(name).lines).toBe(0);
  });

  it('SQLite files that are not fail2ban databases', () => {
    expect(byName('not-fail2ban.sqlite3')).toMatchObject({ format: 'fail2ban-db', lines: 0 });
    expect(byName('not-fail2ban.sqlite3').error).toMatch(/not-fail2ban\.sqlite3: not a fail2ban database: an SQLite database without the "bans" table of fail2ban\.sqlite3\./);
    expect(byName('corrupt.sqlite3').error).toMatch(/corrupt\.sqlite3: not readable as a fail2ban database: /);
  });

  it('a .gz bomb stops at the limit with a clear message; the lines before it count', () => {
    const r = byName('bomb.log.gz');
    expect(r.error).toMatch(/bomb\.log\.gz: reading stopped after line \d+: its content grows past 8\.0 MiB .*a decompression bomb\? The lines before are counted; set BOTMAP_MAX_GZ_BYTES/);
    expect(r.lines).toBeGreaterThan(50_000);
    expect(r.lines).toBeLessThan(120_000);
    expect(byName('bomb.sqlite3.gz').error).toMatch(/bomb\.sqlite3\.gz: not read: its content grows past 8\.0 MiB/);
    // The default: 1 GiB, or 100 times the compressed size when that is more.
    expect(gzExpansionLimit(1000)).toBe(1024 ** 3);
    expect(gzExpansionLimit(100 * 1024 ** 2)).toBe(100 * 100 * 1024 ** 2);
    expect(gzExpansionLimit(100 * 1024 ** 2, 5)).toBe(5);
  });

  it.skipIf(process.getuid?.() !== 0 || !fs.existsSync('/usr/sbin/runuser'))('a file and a folder without read permission (run as the user nobody: root reads anything)', () => {
    const locked = path.join(work, 'locked');
    fs.mkdirSync(path.join(locked, 'closed'), { recursive: true });
    fs.writeFileSync(path.join(locked, 'ok.log'), lines(2));
    fs.writeFileSync(path.join(locked, 'secret.log'), lines(2));
    fs.writeFileSync(path.join(locked, 'closed', 'inner.log'), lines(2));
    fs.chmodSync(path.join(locked, 'secret.log'), 0o000);
    fs.chmodSync(path.join(locked, 'closed'), 0o000);
    fs.chmodSync(work, 0o755);
    const script = path.join(work, 'locked.mts');
    fs.writeFileSync(
      script,
      `import { loadPaths } from ${JSON.stringify(path.join(ROOT, 'src', 'load', 'load.ts'))};
       const { inputs } = await loadPaths([${JSON.stringify(locked)}]);
       console.log(JSON.stringify(inputs));`,
    );
    const run = spawnSync('/usr/sbin/runuser', ['-u', 'nobody', '--', process.execPath, '--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const inputs = JSON.parse(run.stdout) as InputReport[];
    expect(inputs.map((r) => [path.relative(locked, r.file), r.lines, r.error ?? 'ok'])).toEqual([
      ['closed', 0, expect.stringMatching(/closed: this folder could not be listed: permission denied \(EACCES.*\); its files were not read\.$/)],
      ['ok.log', 2, 'ok'],
      ['secret.log', 0, expect.stringMatching(/secret\.log: could not be read: permission denied \(EACCES/)],
    ]);
  });

  it('a FIFO named explicitly is reported, not waited on', async () => {
    const named = await loadPaths([path.join(dir, 'fifo.log'), path.join(dir, 'good.log')]);
    expect(named.inputs.map((r) => r.error ?? 'ok')).toEqual([expect.stringMatching(/fifo\.log: a FIFO/), 'ok']);
  });

  it('the default .gz limit stops a real bomb: 1.1 GiB of zeros in 1.1 MB', async () => {
    const bombDir = path.join(work, 'bomb');
    fs.mkdirSync(bombDir);
    const member = gzipSync(Buffer.alloc(16 << 20), { level: 9 });
    fs.writeFileSync(path.join(bombDir, 'zeros.log.gz'), Buffer.concat(Array(70).fill(member)));
    const started = Date.now();
    const { inputs } = await loadPaths([bombDir]);
    expect(inputs[0].error).toMatch(/zeros\.log\.gz: reading stopped in line 1: its content grows past 1\.0 GiB .*more than 100 times its compressed size: a decompression bomb\?/);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it('a whole run on them goes on, lists the failed inputs in summary.json and index.html, and shows the warnings', async () => {
    fs.writeFileSync(path.join(dir, 'b-vanishes.log'), lines(1));
    fs.rmSync(path.join(dir, 'long-line.log'));
    const out = path.join(work, 'broken-out');
    const saved = process.env.BOTMAP_MAX_GZ_BYTES;
    process.env.BOTMAP_MAX_GZ_BYTES = String(8 * 1024 * 1024);
    let run;
    try {
      run = await runPipeline(parameters({ data: [dir], out }, {}));
    } finally {
      if (saved === undefined) delete process.env.BOTMAP_MAX_GZ_BYTES;
      else process.env.BOTMAP_MAX_GZ_BYTES = saved;
    }
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    const failed = summary.failed_inputs.map((f: { file: string }) => path.basename(f.file)).sort();
    expect(failed).toEqual(['binary.bin', 'bomb.log.gz', 'bomb.sqlite3.gz', 'broken-link.log', 'corrupt.sqlite3', 'fifo.log', 'not-fail2ban.sqlite3', 'not-gzip.log.gz', 'only-long-line.log', 'truncated.log.gz'].sort());
    for (const f of summary.failed_inputs) expect(f.error.startsWith(f.file)).toBe(true);
    expect(run.summary.ips.distinct).toBeGreaterThan(100);
    const page = htmlText(fs.readFileSync(path.join(out, 'index.html'), 'utf8'));
    expect(page).toContain(`${failed.length} of ${summary.inputs.length} input file(s) could not be read completely`);
    for (const f of summary.failed_inputs) expect(page).toContain(f.error);
    expect(page).toMatch(/empty\.log: empty file/);
    expect(page).toMatch(/utf16le\.log: UTF-16 text/);
    expect(checkOutputFolder(out).findings).toEqual([]);
  }, 120_000);
});

describe('databases', () => {
  const dbDir = path.join(work, 'db');
  const data = path.join(work, 'db-data');
  beforeAll(() => {
    fs.mkdirSync(dbDir, { recursive: true });
    fs.mkdirSync(data, { recursive: true });
    fs.writeFileSync(path.join(data, 'fail2ban.log'), lines(3));
    fs.writeFileSync(path.join(dbDir, 'corrupt.mmdb'), Buffer.alloc(4096, 0x5a));
    fs.writeFileSync(path.join(dbDir, 'GeoLite2-ASN.mmdb'), asnDatabase());
    fs.writeFileSync(path.join(dbDir, 'GeoLite2-City.mmdb'), cityDatabase());
    fs.mkdirSync(path.join(dbDir, 'folder.mmdb'));
    fs.symlinkSync(path.join(dbDir, 'gone.mmdb'), path.join(dbDir, 'dangling.mmdb'));
  });

  const start = (env: Record<string, string>) =>
    spawnSync(TSX, ['scripts/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, BOTMAP_DATA: data, BOTMAP_OUT: path.join(work, 'db-out'), INIT_CWD: ROOT, ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });

  it.each([
    ['a missing file', { BOTMAP_MMDB: path.join(dbDir, 'missing.mmdb') }, /Geolocation database .*missing\.mmdb does not exist\. BotMap needs a MaxMind GeoLite2\/GeoIP2 City \(or Country\) \.mmdb file\./],
    ['a corrupt .mmdb', { BOTMAP_MMDB: path.join(dbDir, 'corrupt.mmdb') }, /Geolocation database .*corrupt\.mmdb is not a readable MaxMind \.mmdb file \(.*\)\. BotMap needs a MaxMind GeoLite2\/GeoIP2 City \(or Country\) database\./],
    ['an ASN database as the geolocation database', { BOTMAP_MMDB: path.join(dbDir, 'GeoLite2-ASN.mmdb') }, /GeoLite2-ASN\.mmdb is a "GeoLite2-ASN" database, which does not locate addresses\. BotMap needs a City database/],
    ['a City database as the ASN database', { BOTMAP_ASN_MMDB: path.join(dbDir, 'GeoLite2-City.mmdb') }, /GeoLite2-City\.mmdb.*needs a GeoLite2-ASN/],
    ['a folder', { BOTMAP_MMDB: path.join(dbDir, 'folder.mmdb') }, /folder\.mmdb is a folder\. BotMap needs a MaxMind GeoLite2\/GeoIP2 City \(or Country\) \.mmdb file\./],
    ['a dangling link', { BOTMAP_MMDB: path.join(dbDir, 'dangling.mmdb') }, /dangling\.mmdb does not exist\./],
    ['a missing ASN file', { BOTMAP_ASN_MMDB: path.join(dbDir, 'missing-asn.mmdb') }, /missing-asn\.mmdb does not exist\..*GeoLite2-ASN/],
  ])('%s: npm start stops with exit code 1, the file and what is expected, no stack trace', (_what, env, message) => {
    const run = start(env);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^BotMap: /);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).not.toMatch(/ipynb/);
  });
});

describe('writing outputs', () => {
  it('an interrupted write leaves the old file or the new one, never part of one', async () => {
    const dir = path.join(work, 'atomic');
    fs.mkdirSync(dir);
    const target = path.join(dir, 'chart.svg');
    const script = `
      import { writeFileAtomic } from ${JSON.stringify(path.join(ROOT, 'src', 'export', 'files.ts'))};
      const big = (c) => c.repeat(8 * 1024 * 1024);
      const contents = [big('a'), big('b')];
      process.stdout.write('ready\\n');
      for (let i = 0; ; i++) writeFileAtomic(${JSON.stringify(target)}, contents[i % 2]);
    `;
    fs.writeFileSync(path.join(dir, 'writer.mts'), script);
    for (let round = 0; round < 6; round++) {
      // Node itself with tsx's loader, not the tsx wrapper: the kill must hit the writing process.
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(dir, 'writer.mts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 50 + round * 73));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      if (fs.existsSync(target)) {
        const content = fs.readFileSync(target, 'latin1');
        expect(content.length).toBe(8 * 1024 * 1024);
        expect(content === 'a'.repeat(content.length) || content === 'b'.repeat(content.length)).toBe(true);
      }
    }
    // The next write clears the temporary files the killed writers left.
    const { writeFileAtomic } = await import('../src/export/files');
    writeFileAtomic(target, 'done');
    expect(fs.readdirSync(dir).sort()).toEqual(['chart.svg', 'writer.mts']);
  }, 60_000);

  it('a run killed part way leaves only whole files, the next run leaves no temporary file, and nothing outside the output folder changes', async () => {
    const sandbox = path.join(work, 'sandbox');
    const data = path.join(sandbox, 'data');
    const out = path.join(sandbox, 'output');
    fs.mkdirSync(data, { recursive: true });
    fs.writeFileSync(path.join(data, 'fail2ban.log'), lines(4000, (i) => BAN(i).replace(/81\.2\.69\.\d+$/, PUBLIC[i % PUBLIC.length])));
    fs.writeFileSync(path.join(sandbox, 'notes.txt'), 'mine');
    fs.mkdirSync(path.join(out, 'mine'), { recursive: true });
    fs.writeFileSync(path.join(out, 'mine', 'keep.txt'), 'kept');
    const snapshot = () =>
      listFiles(sandbox)
        .filter((f) => !f.startsWith(`output${path.sep}`) || f === path.join('output', 'mine', 'keep.txt'))
        .map((f) => `${f} ${fs.statSync(path.join(sandbox, f)).size} ${fs.statSync(path.join(sandbox, f)).mtimeMs}`);
    const before = snapshot();
    const script = path.join(sandbox, '..', 'run-pipeline.mts');
    fs.writeFileSync(
      script,
      `import { parameters } from ${JSON.stringify(path.join(ROOT, 'src', 'notebook', 'pipeline.ts'))};
       import { runPipeline } from ${JSON.stringify(path.join(ROOT, 'src', 'notebook', 'run.ts'))};
       await runPipeline(parameters({ data: [${JSON.stringify(data)}], out: ${JSON.stringify(out)} }, {}), {
         progress: (p) => { if (p.stage === 'Writing') process.stdout.write('writing\\n'); },
       });
       process.stdout.write('finished\\n');`,
    );
    const runOnce = (killAfterMs: number | null) =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BOTMAP_DATA: '', BOTMAP_OUT: '' } });
        let stdout = '';
        let armed = false;
        child.stdout.on('data', (d) => {
          stdout += d;
          if (killAfterMs !== null && !armed && stdout.includes('writing')) {
            armed = true;
            setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          }
        });
        child.on('exit', () => resolve(stdout));
      });
    const isTemp = (f: string) => /(^|\/)\.[^/]*\.tmp$/.test(f);
    // Killed while writing the tables, the charts' SVG and PNG files, the summary.
    let midway = 0;
    for (const ms of [100, 500, 1200]) {
      await runOnce(ms);
      if (!fs.existsSync(out)) continue;
      if (!fs.existsSync(path.join(out, 'summary.json')) && listFiles(out).some((f) => f.startsWith('tables'))) midway++;
      const { findings } = checkOutputFolder(out);
      expect(findings.filter((f) => !isTemp(f.file) && f.file !== path.join('mine', 'keep.txt'))).toEqual([]);
    }
    expect(midway, 'no kill landed while the run was writing').toBeGreaterThan(0);
    expect(await runOnce(null)).toContain('finished');
    const files = listFiles(out);
    expect(files.filter(isTemp)).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['summary.json', 'index.html', 'charts/world-map.svg', 'tables/ips.csv']));
    expect(checkOutputFolder(out).findings).toEqual([{ file: path.join('mine', 'keep.txt'), problem: 'unexpected file' }]);
    expect(snapshot()).toEqual(before);
  }, 180_000);
});
