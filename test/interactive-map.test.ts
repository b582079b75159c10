/**
 * The notebook's interactive map cell (`interactiveMapHtml`): map.html's page in a sandboxed
 * frame that a small script makes, the static world map and a note where scripts are blocked.
 * Checked on a fixture of CSV-given cities, two named by an attacker, in Node and in Chromium,
 * as a front end that runs scripts shows the output and as one that does not (no script, a CSP).
 * The notebook itself, through Jupyter and nbconvert: test/start.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worldMapChart } from '../src/charts/charts';
import { mapPageHtml, readMapPageData } from '../src/export/map-page';
import { interactiveMapHtml, STATIC_MAP_NOTE } from '../src/notebook/interactive-map';
import { analyse, parameters, type Analysis } from '../src/notebook/pipeline';
import { launchChromium } from './support/browser';
import { dotsDrawn, until } from './support/map-page';
import { checkHtml, isInteractiveMapScript } from './support/output-checks';

/** Ends a script or an attribute, opens markup: what a city name must never do here. */
const HOSTILE = '"></iframe></script><img src=x onerror=alert(1)>&amp;';
/** Sets `window.__botmap_pwned` if it ever runs. */
const CANARY = '\'"><img src=x onerror="window.__botmap_pwned=1">';

const ROWS = [
  ['1.1.1.1', 'Lyon', 'FR', 45.76, 4.84],
  ['8.8.8.8', 'Lyon', 'FR', 45.76, 4.84],
  ['4.4.4.4', HOSTILE, 'US', 40, -100],
  ['208.67.222.222', CANARY, 'AU', -25, 135],
] as const;

let dir: string;
let analysis: Analysis;
let staticSvg: string;
let cell: string;
let browser: Browser;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-interactive-map-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  const quote = (s: string | number) => `"${String(s).replace(/"/g, '""')}"`;
  fs.writeFileSync(path.join(data, 'addresses.csv'), `ip,city,country,latitude,longitude\n${ROWS.map((r) => r.map(quote).join(',')).join('\n')}\n`);
  analysis = await analyse(parameters({ data: [data], out: path.join(dir, 'out') }, {}));
  staticSvg = worldMapChart(analysis).svg.outerHTML;
  cell = interactiveMapHtml(analysis, worldMapChart(analysis));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const scripts = (html: string) => [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attributes: m[1], text: m[2] }));
/** The page the script gives the frame: the JSON string literal it assigns to `srcdoc`. */
const srcdocOf = (script: string) => JSON.parse(/frame\.srcdoc = ("(?:[^"\\]|\\.)*");/.exec(script)![1]) as string;
/** What run_notebook.py leaves of an output in the published HTML: every script removed. */
const withoutScripts = (html: string) => html.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, '');

describe('the interactive map cell, as HTML', () => {
  it('holds one plain inline script whose text has no "<" at all, so no name can end it or open markup', () => {
    const found = scripts(cell);
    expect(found).toHaveLength(1);
    expect(found[0].attributes).toBe('');
    expect(found[0].text).not.toContain('<');
    expect(cell.match(/<\/script/gi)).toHaveLength(1);
  });

  it("gives the frame map.html's page exactly, the attacker's names in it as data", () => {
    const page = srcdocOf(scripts(cell)[0].text);
    expect(page).toBe(mapPageHtml(analysis));
    // In the page, a name is packed data (map-page.test.ts checks how it is shown).
    expect(readMapPageData(page).cities.name).toEqual(expect.arrayContaining([HOSTILE, CANARY]));
    expect(page).not.toContain(HOSTILE);
  });

  it('never carries a name raw: the static map escapes it, the script holds it as an escaped string', () => {
    for (const name of [HOSTILE, CANARY]) {
      expect(cell).not.toContain(name);
      expect(cell).not.toContain(name.replace(/"/g, '\\"'));
    }
    expect(cell.match(/<iframe/gi)).toBeNull();
    expect(cell.match(/<img/gi)).toBeNull();
  });

  it('without its script, is the static world map and the note, and passes the output checks', () => {
    const fallback = withoutScripts(cell);
    expect(fallback).toContain(staticSvg);
    expect(fallback).toContain(`<p class="botmap-static-note" style="margin:0 0 0.5em;font-style:italic">${STATIC_MAP_NOTE}</p>`);
    expect(checkHtml(fallback, 'cell.html')).toEqual([]);
  });

  it("passes the output checks of a notebook's outputs with its script, and a script changed in any way does not", () => {
    expect(checkHtml(cell, 'cell.html', { allowScripts: isInteractiveMapScript })).toEqual([]);
    expect(checkHtml(cell, 'cell.html')).toEqual([{ file: 'cell.html', problem: '<script> element' }]);
    const changed = [
      cell.replace('box.replaceChildren(holder);', 'box.replaceChildren(holder); alert(1);'),
      cell.replace("'allow-scripts'", "'allow-scripts allow-same-origin'"),
      cell.replace('frame.srcdoc = "', 'frame.srcdoc = "\\u003cimg src=x onerror=alert(1)>'),
    ];
    for (const html of changed) {
      expect(html).not.toBe(cell);
      expect(checkHtml(html, 'cell.html', { allowScripts: isInteractiveMapScript }).map((f) => f.problem)).toContain('<script> element');
    }
  });

  it('takes the static map as SVG text too', () => {
    expect(interactiveMapHtml(analysis, staticSvg)).toBe(cell);
  });

  it("follows the parameters cell's theme and projection, as the charts do, and refuses a changed DATA", () => {
    const light = srcdocOf(scripts(interactiveMapHtml(analysis, staticSvg, { theme: 'light', projection: 'equirectangular' }))[0].text);
    expect(light).toBe(mapPageHtml({ ...analysis, parameters: { ...analysis.parameters, theme: 'light', projection: 'equirectangular' } }));
    expect(light).not.toBe(mapPageHtml(analysis));
    expect(() => interactiveMapHtml(analysis, staticSvg, { data: ['elsewhere'] })).toThrow(/DATA changed since the analysis was made/);
  });
});

/** A page holding the cell's output as a notebook front end does, optionally under the published HTML's CSP. */
async function openCell(html: string, csp?: string): Promise<{ page: Page; requests: string[] }> {
  const file = path.join(dir, csp ? 'published.html' : 'live.html');
  const meta = csp ? `<meta http-equiv="Content-Security-Policy" content="${csp}">` : '';
  fs.writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8">${meta}</head><body><div class="output">${html}</div></body></html>`);
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  return { page, requests };
}

describe('the interactive map cell, in Chromium', () => {
  it('where scripts run: a sandboxed frame replaces the static map, draws every city, shows the names as text and fetches nothing', async () => {
    const { page, requests } = await openCell(cell);
    const frames = page.frames();
    expect(frames).toHaveLength(2);
    const map = frames[1];
    await until(map, "document.documentElement.dataset.ready === '1'", 20_000);
    expect(map.url()).toBe('about:srcdoc');
    expect(await dotsDrawn(map)).toBe(3);
    expect(await page.evaluate<string>("document.querySelector('iframe').getAttribute('sandbox')")).toBe('allow-scripts');
    // The static map and its note went; the frame is as wide as the output and tall enough for the map.
    expect(await page.evaluate<number>("document.querySelectorAll('.output svg, .botmap-static-note').length")).toBe(0);
    const frameBox = await page.evaluate<{ width: number; height: number }>("(() => { const b = document.querySelector('iframe').getBoundingClientRect(); return { width: b.width, height: b.height }; })()");
    const body = await map.evaluate<number>('document.body.getBoundingClientRect().height');
    expect(frameBox.width).toBeGreaterThan(900);
    expect(frameBox.height).toBeGreaterThanOrEqual(body);
    expect(frameBox.height - body).toBeLessThan(100);
    // An opaque origin of its own: the notebook's page is out of its reach.
    expect(await map.evaluate<string>('String(window.origin)')).toBe('null');
    expect(await map.evaluate<number>("document.querySelectorAll('img').length")).toBe(0);
    const labels = await map.evaluate<string[]>("Array.from(document.querySelectorAll('g.labels text tspan:first-child')).map((t) => t.textContent)");
    expect(labels).toEqual(expect.arrayContaining([HOSTILE, CANARY]));
    expect(await page.evaluate<boolean>('Boolean(window.__botmap_pwned)')).toBe(false);
    expect(await map.evaluate<boolean>('Boolean(window.__botmap_pwned)')).toBe(false);
    expect(requests).toEqual([`file://${path.join(dir, 'live.html')}`]);
    await page.close();
  });

  it('shown twice on one page, each output gets its own frame', async () => {
    const { page } = await openCell(cell + cell);
    expect(page.frames()).toHaveLength(3);
    expect(await page.evaluate<number>("document.querySelectorAll('.botmap-interactive-map iframe').length")).toBe(2);
    expect(await page.evaluate<number>("document.querySelectorAll('.botmap-interactive-map').length")).toBe(2);
    await page.close();
  });

  it("where scripts are blocked (the published HTML's CSP, its scripts stripped): the static map and the note stay, and no frame", async () => {
    const csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'";
    for (const html of [cell, withoutScripts(cell)]) {
      const { page } = await openCell(html, csp);
      expect(page.frames()).toHaveLength(1);
      expect(await page.evaluate<string>("document.querySelector('.botmap-static-note').textContent")).toBe(STATIC_MAP_NOTE);
      expect(await page.evaluate<string>("document.querySelector('.botmap-interactive-map svg').textContent")).toContain('Where the attacks come from');
      await page.close();
    }
  });
});
