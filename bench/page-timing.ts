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
 *   frame's rendering: d3-zoom's handler, the page's redraw of every dot and label, and the
 *   browser's style, layout and paint. Ten steps take the map from ×1 to ×32.
 */
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/support/browser';

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

/** The centre, in client pixels, of the 50 px cell of the map holding the most dots. */
const DENSEST_SPOT = `(() => {
  const data = JSON.parse(document.getElementById('botmap-data').textContent);
  const box = document.querySelector('#map svg').getBoundingClientRect();
  const scale = box.width / data.width;
  const cell = 50;
  const counts = new Map();
  let best = null;
  data.cities.x.forEach((x, i) => {
    const key = Math.floor((x * scale) / cell) + ',' + Math.floor((data.cities.y[i] * scale) / cell);
    const n = (counts.get(key) || 0) + 1;
    counts.set(key, n);
    if (!best || n > best.n) best = { key, n };
  });
  const [cx, cy] = best.key.split(',').map(Number);
  return { x: box.left + (cx + 0.5) * cell, y: box.top + (cy + 0.5) * cell };
})()`;

const zoomStep = (x: number, y: number) => `new Promise((resolve) => requestAnimationFrame(() => {
  const t0 = performance.now();
  const wheel = new WheelEvent('wheel', { deltaY: -${WHEEL_STEP}, deltaMode: 0, clientX: ${x}, clientY: ${y}, bubbles: true, cancelable: true });
  document.querySelector('#map svg').dispatchEvent(wheel);
  const script = performance.now() - t0;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve({ total: performance.now() - t0, script });
  channel.port2.postMessage(0);
}))`;

const TWO_FRAMES = 'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))';

/** Each step's time to its frame rendered, and the part of it the page's script took (d3-zoom and the redraw). */
async function zoomSteps(page: Page): Promise<{ total: number; script: number }[]> {
  const spot = await page.evaluate<{ x: number; y: number }>(DENSEST_SPOT);
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
    await page.waitForFunction('window.__botmapOpen', undefined, { timeout: 60_000 });
    const open = await page.evaluate<{ readyMs: number; drawnMs: number }>('window.__botmapOpen');
    const steps = await zoomSteps(page);
    const dots = await page.evaluate<number>("document.querySelectorAll('g.dots circle').length");
    const zoomEnd = await page.evaluate<string>("document.getElementById('zoom').textContent");
    if (errors.length) throw new Error(`map.html failed in Chromium: ${errors.join('; ')}`);
    return { ...open, zoomStepsMs: steps.map((s) => s.total), zoomScriptMs: steps.map((s) => s.script), dots, zoomEnd };
  } finally {
    await browser.close();
  }
}
