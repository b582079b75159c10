/**
 * How fast map.html opens and zooms in headless Chromium (Debian's, as the tests launch it),
 * measured from outside the page's own script, which stays free of bench code:
 *
 * - open: an init script watches for `html[data-ready="1"]` (set by the page's script once its
 *   first draw is done). `readyMs` is `performance.now()` at that mark, i.e. milliseconds since
 *   navigation start (HTML parsed, data parsed, every dot and label made); `drawnMs` is the end
 *   of the next frame's rendering on the main thread (style, layout, paint recording), taken by
 *   a message posted from that frame's requestAnimationFrame callback.
 * - zoom: a wheel event of -250 px (×√2 in d3-zoom) is dispatched at the densest spot of the map
 *   from inside a requestAnimationFrame callback; the step lasts from there to the end of that
 *   frame's rendering: d3-zoom's handler, the page's redraw of the canvas and the labels, and the
 *   browser's style, layout and paint. Ten steps take the map from ×1 to ×32.
 */
import type { Page } from 'playwright-core';
import fs from 'node:fs';
import { readMapPageData, type MapPageData } from '../src/export/map-page';
import { launchChromium } from '../test/support/browser';
import { clientPoint, until } from '../test/support/map-page';

export const VIEWPORT = { width: 1300, height: 900 };
/** Wheel pixels per step: d3-zoom scales by 2^(pixels × 0.002), so ×√2 a step. */
const WHEEL_STEP = 250;
const ZOOM_STEPS = 10;

export interface PageTiming {
  readyMs: number;
  drawnMs: number;
  zoomStepsMs: number[];
  /** Of each step, the page's script: d3-zoom's wheel handler and the redraw it calls. */
  zoomScriptMs: number[];
  dots: number;
  /** The page's zoom line after the steps (`zoom ×32.0 · N places named`). */
  zoomEnd: string;
}

// Page code as strings: the project compiles without the DOM type library.
const WATCH_READY = `(() => {
  new MutationObserver((_, observer) => {
    if (document.documentElement.dataset.ready !== '1') return;
    observer.disconnect();
    const readyMs = performance.now();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { window.__botmapOpen = { readyMs, drawnMs: performance.now() }; };
      channel.port2.postMessage(0);
    });
  }).observe(document, { attributes: true, attributeFilter: ['data-ready'], subtree: true });
})()`;

/** The centre, in map pixels at zoom 1, of the 50 px cell of the map holding the most dots. */
function densestSpot(data: MapPageData): { x: number; y: number } {
  const cell = 50;
  const counts = new Map<string, number>();
  let best = { key: '0,0', n: 0 };
  data.cities.x.forEach((x, i) => {
    const key = `${Math.floor(x / cell)},${Math.floor(data.cities.y[i] / cell)}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n > best.n) best = { key, n };
  });
  const [cx, cy] = best.key.split(',').map(Number);
  return { x: (cx + 0.5) * cell, y: (cy + 0.5) * cell };
}

const zoomStep = (x: number, y: number) => `new Promise((resolve) => requestAnimationFrame(() => {
  const t0 = performance.now();
  const wheel = new WheelEvent('wheel', { deltaY: -${WHEEL_STEP}, deltaMode: 0, clientX: ${x}, clientY: ${y}, bubbles: true, cancelable: true });
  document.querySelector('#map svg.overlay').dispatchEvent(wheel);
  const script = performance.now() - t0;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve({ total: performance.now() - t0, script });
  channel.port2.postMessage(0);
}))`;

const TWO_FRAMES = 'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))';

/** Each step's time to its frame rendered, and the part of it the page's script took (d3-zoom and the redraw). */
async function zoomSteps(page: Page, data: MapPageData): Promise<{ total: number; script: number }[]> {
  const densest = densestSpot(data);
  const spot = await clientPoint(page, densest.x, densest.y);
  const steps: { total: number; script: number }[] = [];
  for (let i = 0; i < ZOOM_STEPS; i++) {
    steps.push(await page.evaluate<{ total: number; script: number }>(zoomStep(spot.x, spot.y)));
    await page.evaluate(TWO_FRAMES);
  }
  return steps;
}

/** Opens `file` in a fresh headless Chromium and times its opening and ten zoom steps. */
export async function timeMapPage(file: string): Promise<PageTiming> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.addInitScript(WATCH_READY);
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    await until(page, 'window.__botmapOpen', 60_000);
    const open = await page.evaluate<{ readyMs: number; drawnMs: number }>('window.__botmapOpen');
    const data = readMapPageData(fs.readFileSync(file, 'utf8'));
    const steps = await zoomSteps(page, data);
    const dots = data.cities.x.length;
    const zoomEnd = await page.evaluate<string>("document.getElementById('zoom').textContent");
    if (errors.length) throw new Error(`map.html failed in Chromium: ${errors.join('; ')}`);
    return { ...open, zoomStepsMs: steps.map((s) => s.total), zoomScriptMs: steps.map((s) => s.script), dots, zoomEnd };
  } finally {
    await browser.close();
  }
}
