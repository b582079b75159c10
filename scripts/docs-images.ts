/**
 * `npx tsx scripts/docs-images.ts`: draws the README's pictures from the sample data —
 * docs/world-map.png and docs/place-1.png, dark theme, PNG at 1× (the charts under output/ are
 * 2× and not committed), and docs/map-page.png, map.html zoomed into Europe in headless
 * Chromium with one dot's details showing. Re-run after a change to the charts, the map page
 * or the sample data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { placeMapChart, worldMapChart } from '../src/charts/charts';
import { svgText, svgToPng } from '../src/export/files';
import { mapPageHtml } from '../src/export/map-page';
import { analyse, parameters, type Analysis } from '../src/notebook/pipeline';
import { projectRoot } from '../src/project';
import { launchChromium } from '../test/support/browser';

const MAX_BYTES = 300 * 1024;
/** map.html's picture: the viewport, the city the wheel zooms over and the wheel's pixels (×2^(pixels × 0.002)), the city hovered. */
const PAGE_VIEWPORT = { width: 1300, height: 900 };
const ZOOM_OVER = 'Frankfurt am Main';
const WHEEL_STEPS = [-400, -400, -400, -400];
/** Then a drag this far down, so that the labels north of Frankfurt (Amsterdam, Dublin) are in the frame. */
const DRAG_DOWN = 45;
/** South-west of the zoom's centre, so that the details open over the sea rather than over labels. */
const HOVERED = 'Madrid';

function write(dir: string, file: string, png: Buffer, size: string): void {
  if (png.length > MAX_BYTES) throw new Error(`docs/${file} would be ${Math.round(png.length / 1024)} KB (over ${MAX_BYTES / 1024} KB).`);
  fs.writeFileSync(path.join(dir, file), png);
  console.log(`docs/${file}: ${size}, ${Math.round(png.length / 1024)} KB`);
}

/** Where a city's dot is on the page, in client pixels. */
const dotCentre = (name: string) => `(() => {
  const data = JSON.parse(document.getElementById('botmap-data').textContent);
  const i = data.cities.name.indexOf(${JSON.stringify(name)});
  if (i < 0) return null;
  const b = document.querySelector('circle[data-i="' + i + '"]').getBoundingClientRect();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
})()`;

/** map.html of the sample in Chromium: zoomed over Europe, one dot hovered. */
async function mapPagePicture(analysis: Analysis): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-docs-'));
  const browser = await launchChromium();
  try {
    const file = path.join(dir, 'map.html');
    fs.writeFileSync(file, mapPageHtml(analysis));
    const page = await browser.newPage({ viewport: PAGE_VIEWPORT });
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    await page.waitForFunction("document.documentElement.dataset.ready === '1'");
    const over = await page.evaluate<{ x: number; y: number } | null>(dotCentre(ZOOM_OVER));
    if (!over) throw new Error(`The sample data has no city named ${ZOOM_OVER} to zoom over.`);
    await page.mouse.move(over.x, over.y);
    for (const pixels of WHEEL_STEPS) {
      const before = await page.evaluate<string>("document.querySelector('g.view').getAttribute('transform')");
      await page.mouse.wheel(0, pixels);
      await page.waitForFunction(`document.querySelector('g.view').getAttribute('transform') !== ${JSON.stringify(before)}`);
    }
    const zoomed = await page.evaluate<string>("document.querySelector('g.view').getAttribute('transform')");
    await page.mouse.down();
    await page.mouse.move(over.x, over.y + DRAG_DOWN, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(`document.querySelector('g.view').getAttribute('transform') !== ${JSON.stringify(zoomed)}`);
    const hovered = await page.evaluate<{ x: number; y: number } | null>(dotCentre(HOVERED));
    if (!hovered) throw new Error(`The sample data has no city named ${HOVERED} to hover.`);
    await page.mouse.move(hovered.x, hovered.y);
    await page.waitForFunction("document.getElementById('tip').style.display === 'block'");
    // A smaller town's dot drawn over the city's would answer instead.
    const heading = await page.evaluate<string>("document.querySelector('#tip b').textContent");
    if (!heading.startsWith(HOVERED)) throw new Error(`Hovering ${HOVERED} showed ${heading}.`);
    // The page ends above the viewport's bottom: the picture stops with it.
    const height = await page.evaluate<number>('Math.ceil(document.body.getBoundingClientRect().height)');
    return await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: PAGE_VIEWPORT.width, height: Math.min(height, PAGE_VIEWPORT.height) } });
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const root = projectRoot();
  // Defaults only: BOTMAP_* variables of the shell must not change the committed pictures.
  const analysis = await analyse(parameters({ data: [path.join(root, 'data', 'sample')] }, {}));
  const place = placeMapChart(analysis, 1);
  if (!place) throw new Error('The sample data has no place to zoom on.');
  const images = { 'world-map.png': worldMapChart(analysis), 'place-1.png': place };
  const dir = path.join(root, 'docs');
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, chart] of Object.entries(images)) write(dir, file, svgToPng(svgText(chart), 1), `${chart.width}×${chart.height}`);
  const picture = await mapPagePicture(analysis);
  write(dir, 'map-page.png', picture, `${picture.readUInt32BE(16)}×${picture.readUInt32BE(20)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
