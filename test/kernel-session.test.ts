import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelSession, type CellResult } from '../scripts/notebooks';
import { DARK, LIGHT } from '../src/index';
import { readMapPageData } from '../src/export/map-page';

const NOTEBOOKS = path.join(import.meta.dirname, '..', 'notebooks');

/** The code cells of a committed notebook, as text. */
function codeCells(name: string): string[] {
  const notebook = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, name), 'utf8')) as { cells: { cell_type: string; source: string[] }[] };
  return notebook.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
}

const the = (cells: string[], marker: string): string => {
  const found = cells.filter((c) => c.includes(marker));
  expect(found, marker).toHaveLength(1);
  return found[0];
};

const svgOf = (result: CellResult): string => result.outputs.map((o) => o.data?.['image/svg+xml'] ?? '').join('');
const textOf = (result: CellResult): string => result.outputs.map((o) => o.text ?? o.data?.['text/plain'] ?? '').join('');
/** The place labels of a world map: the texts of its labels group's text group. */
function labelCount(svg: string): number {
  const labels = svg.slice(svg.indexOf('class="botmap-labels"'));
  const texts = labels.slice(labels.indexOf('paint-order="stroke"'));
  return (texts.slice(0, texts.indexOf('</g>')).match(/<text /g) ?? []).length;
}

describe('01-botmap in a kernel, cell by cell', () => {
  it('draws with the parameters cell as it was last run: a new theme or label count needs no new analysis, new data does', async () => {
    const cells = codeCells('01-botmap.ipynb');
    const imports = cells[0];
    const parametersCell = the(cells, 'const params = botmap.notebookParameters(');
    const analysisCell = the(cells, 'const analysis = await botmap.analyse(');
    const worldMapCell = the(cells, 'const worldMap = botmap.worldMapChart(');
    const interactiveCell = the(cells, 'botmap.interactiveMapHtml(');
    expect(parametersCell).toContain("const THEME = 'dark';");
    expect(parametersCell).toContain('const LABELS = 10;');
    const edited = parametersCell.replace("const THEME = 'dark';", "const THEME = 'light';").replace('const LABELS = 10;', 'const LABELS = 5;');
    const newData = parametersCell.replace("const DATA = ['data/sample'];", "const DATA = ['data/sample/web1'];");

    const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BOTMAP_')));
    const [, , analysed, dark, rerun, light, lightFrame, changedData, refused] = await kernelSession(
      NOTEBOOKS,
      [imports, parametersCell, analysisCell, worldMapCell, edited, worldMapCell, interactiveCell, newData, worldMapCell],
      { ...environment, BOTMAP_TZ: 'UTC' },
    );
    expect(analysed.error).toBeNull();
    expect(svgOf(dark)).toContain(`fill="${DARK.background}"`);
    expect(labelCount(svgOf(dark))).toBe(10);
    expect(rerun.ok).toBe(true);
    expect(svgOf(light)).toContain(`fill="${LIGHT.background}"`);
    expect(svgOf(light)).not.toContain(`fill="${DARK.background}"`);
    expect(labelCount(svgOf(light))).toBe(5);
    // The map to zoom and pan follows the new theme too, its fallback the static map just drawn.
    expect(lightFrame.error).toBeNull();
    const frameHtml = lightFrame.outputs.map((o) => o.data?.['text/html'] ?? '').join('');
    expect(frameHtml).toContain(svgOf(light));
    const page = JSON.parse(/frame\.srcdoc = ("(?:[^"\\]|\\.)*");/.exec(frameHtml)![1]) as string;
    expect(readMapPageData(page).theme.name).toBe('light');
    // BOTMAP_TZ beats the cell's TIME_ZONE, and the cell says so.
    expect(textOf(rerun)).toContain('BOTMAP_TZ overrides TIME_ZONE of the parameters cell: "UTC" instead of null.');
    expect(changedData.ok).toBe(true);
    expect(refused.ok).toBe(false);
    expect(refused.error).toContain('DATA changed since the analysis was made: run the analysis cell again');
  }, 240_000);
});
