import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { jupyterPython, listNotebooks } from '../scripts/notebooks';
import { readMapPageData } from '../src/export/map-page';
import { STATIC_MAP_NOTE } from '../src/notebook/interactive-map';
import { launchChromium, visit } from './support/browser';
import { dotsDrawn, until } from './support/map-page';

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

describe("01-botmap's map to zoom and pan", () => {
  /** The executed notebook as Jupyter's standard HTML (`jupyter nbconvert --to html`): its outputs' scripts run there. */
  let converted: string;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-nbconvert-'));
    const python = await jupyterPython(process.env);
    const result = spawnSync(python, ['-m', 'nbconvert', '--to', 'html', '--output-dir', dir, path.join(out, 'notebooks', '01-botmap.ipynb')], { encoding: 'utf8', timeout: 120_000 });
    expect(result.status, result.stderr).toBe(0);
    converted = path.join(dir, '01-botmap.html');
  }, 180_000);

  it("works in Jupyter's HTML: the frame draws map.html's page, a dot per city, and nothing is fetched for it", async () => {
    const html = fs.readFileSync(converted, 'utf8');
    // nbconvert's template loads require.js and MathJax (from this machine with Debian's nbconvert): the page's own files.
    const templateFiles = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    expect(templateFiles.filter((url) => /require|mathjax/i.test(url))).toEqual(templateFiles);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: { url: string; fromFrame: boolean }[] = [];
    page.on('request', (r) => requests.push({ url: r.url(), fromFrame: r.frame() !== page.mainFrame() }));
    await page.goto(`file://${converted}`, { waitUntil: 'load' });
    expect(page.frames()).toHaveLength(2);
    const map = page.frames()[1];
    await until(map, "document.documentElement.dataset.ready === '1'", 30_000);
    expect(map.url()).toBe('about:srcdoc');
    const cities = readMapPageData(await page.evaluate<string>("document.querySelector('.botmap-interactive-map iframe').srcdoc")).cities.x.length;
    expect(cities).toBe(1063);
    expect(await dotsDrawn(map)).toBe(cities);
    expect(await map.evaluate<string>("document.getElementById('title').textContent")).toBe('Where the attacks come from');
    // The static map and the note made way for the frame.
    expect(await page.evaluate<number>("document.querySelectorAll('.botmap-interactive-map iframe').length")).toBe(1);
    expect(await page.evaluate<number>("document.querySelectorAll('.botmap-static-note').length")).toBe(0);
    expect(requests.filter((r) => r.fromFrame)).toEqual([]);
    expect(requests.map((r) => r.url).filter((url) => url !== `file://${converted}` && !templateFiles.includes(url))).toEqual([]);
    await page.close();
  });

  it('the published HTML (no script, a CSP) shows the static map and the note in its place, and no frame', async () => {
    const published = fs.readFileSync(path.join(out, 'notebooks', '01-botmap.html'), 'utf8');
    expect(published).toContain(STATIC_MAP_NOTE);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`file://${path.join(out, 'notebooks', '01-botmap.html')}`, { waitUntil: 'load' });
    expect(page.frames()).toHaveLength(1);
    expect(await page.evaluate<string>("document.querySelector('.botmap-interactive-map .botmap-static-note').textContent")).toBe(STATIC_MAP_NOTE);
    expect(await page.evaluate<string>("document.querySelector('.botmap-interactive-map svg').textContent")).toContain('Where the attacks come from');
    expect(await page.evaluate<boolean>("document.querySelector('.botmap-interactive-map svg').getBoundingClientRect().height > 400")).toBe(true);
    await page.close();
  });
});
