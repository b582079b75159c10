/**
 * Reading map.html from outside, for the tests, the bench and the docs' pictures: its view
 * (`#map[data-transform]`, `data-dots`, set by the page on each draw) and where a city's dot is
 * on the screen, from the page's data (`readMapPageData`).
 */
import type { Frame, Page } from 'playwright-core';
import type { MapPageData } from '../../src/export/map-page';

/** The view's transform, as d3-zoom writes it: `translate(x,y) scale(k)`. */
export const viewTransform = (page: Page) => page.evaluate<string>("document.getElementById('map').dataset.transform");

/** How many dots the last draw painted (those in view). */
export const dotsDrawn = (page: Page | Frame) => page.evaluate<number>("Number(document.getElementById('map').dataset.dots)");

/** Client pixels of a point of the map at zoom 1 (`MapPageData` coordinates), under the current view. */
export function clientPoint(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  return page.evaluate<{ x: number; y: number }>(`(() => {
    const map = document.getElementById('map');
    const box = map.querySelector('canvas').getBoundingClientRect();
    const [tx, ty, k] = map.dataset.transform.match(/-?\\d*\\.?\\d+(?:e[+-]?\\d+)?/g).map(Number);
    const scale = box.width / map.querySelector('svg.overlay').viewBox.baseVal.width;
    return { x: box.left + (${x} * k + tx) * scale, y: box.top + (${y} * k + ty) * scale };
  })()`);
}

/** Client pixels of the centre of city `name`'s dot; null where the page has no such city. */
export async function dotCentre(page: Page, data: MapPageData, name: string): Promise<{ x: number; y: number } | null> {
  const i = data.cities.name.indexOf(name);
  return i < 0 ? null : clientPoint(page, data.cities.x[i], data.cities.y[i]);
}

/**
 * Waits until `expression` is true in the page. Playwright's `waitForFunction` polls with an
 * `eval` in the page, which map.html's policy forbids; `evaluate` runs outside the policy.
 */
export async function until(page: Page | Frame, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`map.html: still not true after ${timeoutMs} ms: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
