/**
 * `npx tsx scripts/docs-images.ts`: draws the README's pictures from the sample data —
 * docs/world-map.png and docs/place-1.png, dark theme, PNG at 1× (the charts under output/ are
 * 2× and not committed). Re-run after a change to the charts or the sample data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { placeMapChart, worldMapChart } from '../src/charts/charts';
import { svgText, svgToPng } from '../src/export/files';
import { analyse, parameters } from '../src/notebook/pipeline';
import { projectRoot } from '../src/project';

const MAX_BYTES = 300 * 1024;

async function main() {
  const root = projectRoot();
  // Defaults only: BOTMAP_* variables of the shell must not change the committed pictures.
  const analysis = await analyse(parameters({ data: [path.join(root, 'data', 'sample')] }, {}));
  const place = placeMapChart(analysis, 1);
  if (!place) throw new Error('The sample data has no place to zoom on.');
  const images = { 'world-map.png': worldMapChart(analysis), 'place-1.png': place };
  const dir = path.join(root, 'docs');
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, chart] of Object.entries(images)) {
    const png = svgToPng(svgText(chart), 1);
    if (png.length > MAX_BYTES) throw new Error(`docs/${file} would be ${Math.round(png.length / 1024)} KB (over ${MAX_BYTES / 1024} KB).`);
    fs.writeFileSync(path.join(dir, file), png);
    console.log(`docs/${file}: ${chart.width}×${chart.height}, ${Math.round(png.length / 1024)} KB`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
