import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'botmap.js');
const SAMPLE = path.join(ROOT, 'data', 'sample');

/** Runs `botmap` as a cron job would: its own process, from a folder outside the project. */
function botmap(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BOTMAP_')) env[k] = v;
  return spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 240_000 });
}

let work: string;
let run: ReturnType<typeof botmap>;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-cli-'));
  // A relative --out is taken from the current folder, not the project's.
  run = botmap([SAMPLE, '--out', 'out'], work);
}, 300_000);

describe('botmap <files or folders> --out dir', () => {
  it('exits 0 and says what it wrote', () => {
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/distinct addresses/);
    const charts = Object.keys(JSON.parse(fs.readFileSync(path.join(work, 'out', 'summary.json'), 'utf8')).charts).length;
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`Wrote ${path.join(work, 'out')}/: index.html, map.html, summary.json, charts/ (${charts} charts), tables/`);
    // Not a terminal: no progress line.
    expect(run.stderr).toBe('');
  });

  it('writes summary.json, the charts as SVG and PNG, the tables and index.html, as npm start does', () => {
    const out = path.join(work, 'out');
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.ips.distinct).toBeGreaterThan(1000);
    expect(summary.inputs.length).toBeGreaterThan(0);
    for (const input of summary.inputs as { file: string; format: string }[]) expect(input.format, input.file).not.toBe('unknown');
    expect(summary.inputs.map((i: { format: string }) => i.format)).toContain('fail2ban-log');
    for (const chart of ['world-map', 'top-cities']) expect(summary.charts[chart]).toBeDefined();
    for (const [name, files] of Object.entries(summary.charts as Record<string, { svg: string; png: string }>)) {
      expect(fs.statSync(path.join(out, files.svg)).size, name).toBeGreaterThan(1000);
      expect(fs.readFileSync(path.join(out, files.png)).subarray(1, 4).toString(), name).toBe('PNG');
    }
    for (const table of ['ips', 'cities', 'countries']) expect(fs.existsSync(path.join(out, 'tables', `${table}.csv`)), table).toBe(true);
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('world-map');
  });
});

describe('botmap usage and errors', () => {
  it('--help prints the usage and exits 0', () => {
    const r = botmap(['--help'], ROOT);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: botmap \[options\] <file or folder>\.\.\./);
    for (const option of ['--out', '--mmdb', '--theme', '--format', '--quiet']) expect(r.stdout).toContain(option);
  });

  it('a missing path exits 1 with a message naming it, and no stack trace', () => {
    const r = botmap(['no-such-exports', '--out', 'out'], work);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('botmap: No such file or folder: no-such-exports. Give existing files or folders of fail2ban exports.\n');
    expect(fs.existsSync(path.join(work, 'no-such-exports'))).toBe(false);
  });

  it('no path at all, an unknown option or a wrong theme exit 1 with a one-line message', () => {
    for (const args of [[], ['--colour', 'red', SAMPLE], ['--theme', 'sepia', SAMPLE]]) {
      const r = botmap(args, work);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(/^botmap: .+\n$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a database that is not a MaxMind database exits 1 with the database error', () => {
    const bogus = path.join(work, 'bogus.mmdb');
    fs.writeFileSync(bogus, 'not a database');
    const r = botmap([SAMPLE, '--mmdb', bogus, '--out', 'out-bogus'], work);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^botmap: Geolocation database .*bogus\.mmdb is not a readable MaxMind \.mmdb file/);
  });
});
