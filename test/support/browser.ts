import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.BOTMAP_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, with the flags this machine needs (no sandbox as root, no
 * background networking). A missing browser fails the test with what to install.
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (sudo apt-get install chromium; npm install does when run as root) or set BOTMAP_CHROMIUM.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface PageVisit {
  requests: string[];
  dialogs: string[];
  consoleErrors: string[];
  scriptsRan: boolean;
  images: { src: string; loaded: boolean }[];
}

/**
 * Opens a local HTML file and records every request it makes, any alert/confirm/prompt (a
 * script an attacker smuggled in would show one) and whether the page's `onerror`/inline
 * handlers set the canary `window.__botmap_pwned`.
 */
export async function visit(browser: Browser, file: string): Promise<PageVisit> {
  const page = await browser.newPage();
  const visit: PageVisit = { requests: [], dialogs: [], consoleErrors: [], scriptsRan: false, images: [] };
  page.on('request', (r) => visit.requests.push(r.url()));
  page.on('dialog', async (d) => {
    visit.dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') visit.consoleErrors.push(m.text());
  });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  // Expressions as strings: the project compiles without the DOM type library.
  visit.scriptsRan = await page.evaluate<boolean>('Boolean(window.__botmap_pwned)');
  visit.images = await page.evaluate<PageVisit['images']>(
    "Array.from(document.images).map((img) => ({ src: img.getAttribute('src') || '', loaded: img.complete && img.naturalWidth > 0 }))",
  );
  await page.close();
  return visit;
}
