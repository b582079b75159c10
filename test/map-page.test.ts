/**
 * map.html, the world map to zoom, pan and hover: written by the botmap job beside index.html,
 * self-contained (its one script allowed by hash, no outside source), and log text in it is data
 * shown as text. Checked on a fixture of CSV-given cities, two of them named by an attacker, in
 * Node and then in Debian's Chromium.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parameters } from '../src/notebook/pipeline';
import { runPipeline } from '../src/notebook/run';
import { packMapData, readMapPageData, type MapPageData } from '../src/export/map-page';
import { launchChromium } from './support/browser';

const HOSTILE = '</script><img src=x onerror=alert(1)>';
/** Sets `window.__botmap_pwned` if it ever runs. */
const CANARY = '<img src=x onerror="window.__botmap_pwned=1">';

/** Addresses, city, country, latitude, longitude: Lyon has three addresses, the hostile names two and one. */
const ROWS = [
  ['1.1.1.1', 'Lyon', 'FR', 45.76, 4.84],
  ['8.8.8.8', 'Lyon', 'FR', 45.76, 4.84],
  ['9.9.9.9', 'Lyon', 'FR', 45.76, 4.84],
  ['4.4.4.4', HOSTILE, 'US', 40, -100],
  ['4.2.2.2', HOSTILE, 'US', 40, -100],
  ['208.67.222.222', CANARY, 'AU', -25, 135],
] as const;

let out: string;
let html: string;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-map-page-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  const quote = (s: string | number) => `"${String(s).replace(/"/g, '""')}"`;
  fs.writeFileSync(path.join(data, 'addresses.csv'), `ip,city,country,latitude,longitude\n${ROWS.map((r) => r.map(quote).join(',')).join('\n')}\n`);
  out = path.join(dir, 'out');
  await runPipeline(parameters({ data: [data], out }, {}));
  html = fs.readFileSync(path.join(out, 'map.html'), 'utf8');
}, 120_000);

/** The page's inline scripts, in order: the data block, then the program. */
function scripts(page: string): { attributes: string; text: string }[] {
  return [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attributes: m[1], text: m[2] }));
}

const pageData = (page: string): MapPageData => readMapPageData(page);

describe('map.html', () => {
  it('is written beside index.html, which links to it, and listed in summary.json', () => {
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('<a href="map.html">The world map to zoom and pan</a>');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).map).toBe('map.html');
  });

  it('allows its own inline script and style by hash, and nothing else', () => {
    const [data, program] = scripts(html);
    expect(scripts(html).length).toBe(2);
    expect(data.attributes).toBe(' type="application/gzip" id="botmap-data"');
    expect(data.text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(program.attributes).toBe('');
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    expect(csp).toBe(`default-src 'none'; script-src ${hash(program.text)}; style-src ${hash(style)}; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'`);
  });

  it('refers to no resource outside itself', () => {
    const markup = html;
    expect(markup).not.toMatch(/\b(src|href|action|xlink:href)\s*=/i);
    expect(markup).not.toMatch(/url\(|@import|<link|<iframe|<img/i);
    // The only addresses: the XML namespaces d3-selection and the page name elements by (the credits' are in the packed data).
    expect([...new Set([...html.matchAll(/https?:\/\/[^\s"<]+/g)].map((m) => m[0]))].sort()).toEqual([
      'http://www.w3.org/1999/xhtml',
      'http://www.w3.org/1999/xlink',
      'http://www.w3.org/2000/svg',
      'http://www.w3.org/2000/xmlns/',
      'http://www.w3.org/XML/1998/namespace',
    ]);
  });

  it('carries each city with its counts and details as data, largest first', () => {
    const { cities, labels, legend } = pageData(html);
    expect(cities.name).toEqual(['Lyon', HOSTILE, CANARY]);
    expect(cities.country).toEqual(['France', 'United States of America', 'Australia']);
    expect(cities.ips).toEqual([3, 2, 1]);
    expect(cities.events).toEqual([3, 2, 1]);
    expect(cities.r).toEqual([22, 18, 12.7]);
    expect(labels.map((l) => l.name)).toEqual(['Lyon', HOSTILE, CANARY]);
    expect(labels.every((l) => l.at.length === 6 && l.at.every((a) => a !== 0))).toBe(true);
    expect(legend).toEqual([{ value: 1, r: 12.7 }, { value: 2, r: 18 }]);
  });

  it('holds a hostile name only as packed data: base64 letters, no markup', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain(CANARY);
    expect(html).not.toContain('onerror');
    expect(packMapData({ n: HOSTILE } as never)).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(readMapPageData(`<script type="application/gzip" id="botmap-data">${packMapData({ n: HOSTILE } as never)}</script>`)).toEqual({ n: HOSTILE });
  });
});

describe('map.html for 10,000 cities', () => {
  it('stays under 3 MB', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-map-page-10k-'));
    fs.mkdirSync(path.join(dir, 'data'));
    // 10,000 cities on a grid, 1 to 4 addresses each, with names as long as real ones.
    const lines = ['ip,city,country,latitude,longitude'];
    let n = 0;
    for (let c = 0; c < 10_000; c++) {
      for (let k = 0; k <= c % 4; k++, n++) lines.push(`${23 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}.${1 + (c % 250)},Città di Sant'Angelo ${c},IT,${-50 + (c % 100) * 1.15},${-170 + Math.floor(c / 100) * 3.4}`);
    }
    fs.writeFileSync(path.join(dir, 'data', 'cities.csv'), `${lines.join('\n')}\n`);
    await runPipeline(parameters({ data: [path.join(dir, 'data')], out: path.join(dir, 'out') }, {}));
    const page = fs.readFileSync(path.join(dir, 'out', 'map.html'), 'utf8');
    expect(pageData(page).cities.x.length).toBe(10_000);
    expect(Buffer.byteLength(page)).toBeLessThan(3_000_000);
  }, 120_000);
});

describe('map.html in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  const transform = () => page.evaluate<string>("document.querySelector('g.view').getAttribute('transform')");
  const tip = () => page.evaluate<string>("document.getElementById('tip').innerText");

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', async (d) => (dialogs.push(d.message()), await d.dismiss()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
    await page.goto(`file://${path.join(out, 'map.html')}`, { waitUntil: 'load' });
    await page.waitForFunction("document.documentElement.dataset.ready === '1'");
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws every city, label and the credits, and makes no request', async () => {
    expect(await page.evaluate<number>("document.querySelectorAll('g.dots circle').length")).toBe(3);
    expect(await page.evaluate<string>("document.getElementById('zoom').textContent")).toBe('zoom ×1.0 · 3 places named');
    expect(await page.evaluate<string>("document.getElementById('credits').textContent")).toContain('This product includes GeoLite2 data created by MaxMind');
    expect(requests).toEqual([`file://${path.join(out, 'map.html')}`]);
    expect(errors).toEqual([]);
  });

  it('zooms with the wheel, pans by dragging and resets', async () => {
    expect(await transform()).toBe('translate(0,0) scale(1)');
    await page.mouse.move(650, 400);
    await page.mouse.wheel(0, -500);
    await page.waitForFunction("document.querySelector('g.view').getAttribute('transform') !== 'translate(0,0) scale(1)'");
    const zoomed = await transform();
    expect(zoomed).toMatch(/scale\(2(\.\d+)?\)$/);
    await page.mouse.down();
    await page.mouse.move(550, 350, { steps: 5 });
    await page.mouse.up();
    const panned = await transform();
    expect(panned).not.toBe(zoomed);
    expect(panned.slice(panned.indexOf('scale'))).toBe(zoomed.slice(zoomed.indexOf('scale')));
    await page.click('#reset');
    await page.waitForFunction("document.querySelector('g.view').getAttribute('transform') === 'translate(0,0) scale(1)'");
  });

  it('shows the largest dot’s city, counts, dates and networks on hover', async () => {
    const centre = await page.evaluate<{ x: number; y: number }>(
      "(() => { const b = document.querySelector('circle[data-i=\"0\"]').getBoundingClientRect(); return { x: b.x + b.width / 2, y: b.y + b.height / 2 }; })()",
    );
    await page.mouse.move(centre.x, centre.y);
    await page.waitForFunction("document.getElementById('tip').style.display === 'block'");
    // The CSV gives no times; the networks are the packaged DB-IP ranges'.
    expect((await tip()).split('\n')).toEqual([
      'Lyon, France',
      '3 addresses · 3 events',
      'first seen unknown',
      'last seen unknown',
      'AS13335 Cloudflare, Inc.: 1 address',
      'AS15169 Google LLC: 1 address',
      'AS19281 Quad9: 1 address',
    ]);
  });

  it('shows the hostile names as text and runs nothing', async () => {
    for (const [i, name] of [[1, HOSTILE], [2, CANARY]] as const) {
      const centre = await page.evaluate<{ x: number; y: number }>(
        `(() => { const b = document.querySelector('circle[data-i="${i}"]').getBoundingClientRect(); return { x: b.x + b.width / 2, y: b.y + b.height / 2 }; })()`,
      );
      await page.mouse.move(centre.x, centre.y);
      await page.waitForFunction(`document.getElementById('tip').innerText.startsWith(${JSON.stringify(name)})`);
    }
    const labelTexts = await page.evaluate<string[]>("Array.from(document.querySelectorAll('g.labels text tspan:first-child')).map((t) => t.textContent)");
    expect(labelTexts).toEqual(['Lyon', HOSTILE, CANARY]);
    expect(await page.evaluate<number>("document.querySelectorAll('img').length")).toBe(0);
    expect(await page.evaluate<boolean>('Boolean(window.__botmap_pwned)')).toBe(false);
    expect(dialogs).toEqual([]);
    expect(requests.length).toBe(1);
  });
});

describe('map.html of the sample in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let sampleData: MapPageData;
  /** Labels shown inside the map's frame. */
  const namedInView = () =>
    page.evaluate<string[]>(`(() => {
      const frame = document.querySelector('#map svg').getBoundingClientRect();
      return Array.from(document.querySelectorAll('g.labels text'))
        .filter((t) => t.getAttribute('display') === 'inline')
        .filter((t) => { const b = t.getBoundingClientRect(); return b.left >= frame.left && b.right <= frame.right && b.top >= frame.top && b.bottom <= frame.bottom; })
        .map((t) => t.firstChild.textContent)
        .sort();
    })()`);

  beforeAll(async () => {
    const sampleOut = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-map-page-sample-'));
    await runPipeline(parameters({ data: [path.join(import.meta.dirname, '..', 'data', 'sample')], out: sampleOut }, {}));
    sampleData = readMapPageData(fs.readFileSync(path.join(sampleOut, 'map.html'), 'utf8'));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    await page.goto(`file://${path.join(sampleOut, 'map.html')}`, { waitUntil: 'load' });
    await page.waitForFunction("document.documentElement.dataset.ready === '1'");
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('names more places in Europe, the densest region, as one zooms into it', async () => {
    // At zoom 1 the ten largest places are named, none of them in Europe.
    expect(await namedInView()).toEqual(['Beijing', 'Buenos Aires', 'Guangzhou', 'Hanoi', 'Jakarta', 'Moscow', 'Seoul', 'Shanghai', 'Shenzhen', 'São Paulo']);
    const i = sampleData.cities.name.indexOf('Frankfurt am Main');
    const frankfurt = await page.evaluate<{ x: number; y: number }>(`(() => {
      const b = document.querySelector('circle[data-i="${i}"]').getBoundingClientRect();
      return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    })()`);
    await page.mouse.move(frankfurt.x, frankfurt.y);
    for (let step = 0; step < 4; step++) {
      await page.mouse.wheel(0, -400);
      await page.waitForTimeout(50);
    }
    // Four wheel steps of 400 px: ×2^(4 × 400 × 0.002) = ×9.2, the labels placed at ×8.
    expect(await page.evaluate<string>("document.getElementById('zoom').textContent")).toBe('zoom ×9.2 · 120 places named');
    expect(await namedInView()).toEqual([
      'Athens', 'Belgrade', 'Berlin', 'Birkirkara', 'Bristol', 'Brussels', 'Florence', 'Frankfurt am Main', 'Košice', 'Köln', 'Lisbon', 'Ljubljana', 'London', 'Lyon',
      'Madrid', 'Milan', 'Montpellier', 'Paris', 'Porto', 'Rome', 'Sitten', 'Tatabánya', 'Tunis', 'Ulm', 'Vienna', 'Zagreb', 'Zurich',
    ]);
  });
});
