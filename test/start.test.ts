import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { listNotebooks } from '../scripts/notebooks';
import { launchChromium, visit } from './support/browser';

const ROOT = path.join(import.meta.dirname, '..');
const NOTEBOOKS = listNotebooks(path.join(ROOT, 'notebooks')).map((f) => path.basename(f, '.ipynb'));

let out: string;
let runTmp: string;
let run: ReturnType<typeof spawnSync>;
let browser: Browser;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-start-'));
  // A temporary folder of its own, to see what the run leaves there.
  runTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-start-tmp-'));
  run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, BOTMAP_OUT: out, BOTMAP_DATA: '', INIT_CWD: ROOT, TMPDIR: runTmp },
    encoding: 'utf8',
    timeout: 900_000,
  });
  browser = await launchChromium();
}, 960_000);

afterAll(async () => {
  await browser?.close();
});

describe('npm start on the sample data', () => {
  it('succeeds, reporting each notebook with its time', () => {
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    for (const name of NOTEBOOKS) expect(run.stdout).toMatch(new RegExp(`${name}\\.ipynb … done in [\\d.]+ s`));
  });

  it('ends by naming what it wrote, map.html among it', () => {
    expect(String(run.stdout).trimEnd().split('\n').at(-1)).toBe(`Wrote ${path.relative(ROOT, out)}/: index.html, map.html, summary.json, charts/, tables/, notebooks/`);
    expect(fs.existsSync(path.join(out, 'map.html'))).toBe(true);
  });

  it('reads and locates the inputs once, and every notebook takes that analysis instead of doing it again', () => {
    expect(run.stdout).toMatch(/^Reading and locating … done in [\d.]+ s \([\d,]+ lines, [\d,]+ addresses\)$/m);
    for (const name of NOTEBOOKS) {
      expect(fs.readFileSync(path.join(out, 'notebooks', `${name}.ipynb`), 'utf8'), name).toContain('the analysis of this run, read once for all its notebooks');
    }
    // The run's analysis file went with the run.
    expect(fs.readdirSync(runTmp).filter((f) => f.startsWith('botmap-'))).toEqual([]);
  });

  it.each(NOTEBOOKS)('%s ran without errors and left its executed copy and HTML', (name) => {
    const executed = JSON.parse(fs.readFileSync(path.join(out, 'notebooks', `${name}.ipynb`), 'utf8'));
    const outputs = executed.cells.flatMap((c: { outputs?: unknown[] }) => c.outputs ?? []) as { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }[];
    expect(outputs.filter((o) => o.output_type === 'error')).toEqual([]);
    expect(outputs.filter((o) => o.name === 'stderr').map((o) => [o.text].flat().join(''))).toEqual([]);
    // Every code cell ran, in order.
    const counts = executed.cells.filter((c: { cell_type: string }) => c.cell_type === 'code').map((c: { execution_count: number | null }) => c.execution_count);
    expect(counts).toEqual(counts.map((_: unknown, i: number) => i + 1));
    expect(fs.statSync(path.join(out, 'notebooks', `${name}.html`)).size).toBeGreaterThan(10_000);
  });

  it('01-botmap shows the world map and writes the charts, tables and summary', () => {
    const executed = JSON.parse(fs.readFileSync(path.join(out, 'notebooks', '01-botmap.ipynb'), 'utf8'));
    const svgs = executed.cells.flatMap((c: { outputs?: { data?: Record<string, unknown> }[] }) => c.outputs ?? []).filter((o: { data?: Record<string, unknown> }) => o.data?.['image/svg+xml']);
    expect(svgs.length).toBeGreaterThanOrEqual(2);
    expect(svgs.filter((o: { data: Record<string, unknown> }) => [o.data['image/svg+xml']].flat().join('').includes('Where the attacks come from'))).toHaveLength(1);
    for (const chart of ['world-map', 'top-cities']) {
      for (const ext of ['svg', 'png']) expect(fs.statSync(path.join(out, 'charts', `${chart}.${ext}`)).size).toBeGreaterThan(1000);
    }
    for (const table of ['ips', 'cities', 'countries']) expect(fs.existsSync(path.join(out, 'tables', `${table}.csv`))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).ips.distinct).toBeGreaterThan(1000);
  });

  it("00-explore's charts made with Plot specs are written as SVG and PNG and listed with the others, though it runs before 01-botmap writes the summary", () => {
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    const explore = Object.keys(summary.charts).filter((name) => name.startsWith('explore-'));
    expect(explore).toEqual(['explore-countries', 'explore-per-day', 'explore-country-jail', 'explore-subset-map']);
    for (const name of explore) for (const ext of ['svg', 'png']) expect(fs.statSync(path.join(out, summary.charts[name][ext])).size).toBeGreaterThan(1000);
    expect(Object.keys(summary.charts)).toContain('world-map');
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('00-explore.html');
  });

  it('index.html opens offline in Chromium: every chart image loads, nothing is fetched from elsewhere, no script runs', async () => {
    const page = await visit(browser, path.join(out, 'index.html'));
    expect(page.images.length).toBeGreaterThanOrEqual(2);
    expect(page.images.filter((i) => !i.loaded)).toEqual([]);
    expect(page.requests.filter((url) => !url.startsWith(`file://${out}/`))).toEqual([]);
    expect(page.dialogs).toEqual([]);
    expect(page.scriptsRan).toBe(false);
  });

  it.each(NOTEBOOKS)('%s.html is self-contained: no request leaves the file', async (name) => {
    const file = path.join(out, 'notebooks', `${name}.html`);
    const page = await visit(browser, file);
    expect(page.requests.filter((url) => url !== `file://${file}` && !url.startsWith('data:'))).toEqual([]);
    expect(page.dialogs).toEqual([]);
  });
});
