import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeNotebook, listNotebooks, NotebookError } from '../scripts/notebooks';

const ROOT = path.join(import.meta.dirname, '..');
const NOTEBOOKS = listNotebooks(path.join(ROOT, 'notebooks'));

interface Cell {
  cell_type: string;
  source: string[] | string;
  metadata: { tags?: string[] };
  outputs?: { output_type: string; data?: Record<string, unknown>; name?: string; text?: string[] | string }[];
  execution_count?: number | null;
}

const readNotebook = (file: string): { cells: Cell[] } => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('committed notebooks', () => {
  it('exist', () => {
    expect(NOTEBOOKS.map((n) => path.basename(n))).toContain('01-botmap.ipynb');
  });

  it.each(NOTEBOOKS)('%s carries no outputs or execution counts', (file) => {
    for (const cell of readNotebook(file).cells.filter((c) => c.cell_type === 'code')) {
      expect(cell.outputs ?? []).toEqual([]);
      expect(cell.execution_count ?? null).toBeNull();
    }
  });

  it.each(NOTEBOOKS)('%s starts with its imports, then the parameters cell, which builds params', (file) => {
    const [imports, parametersCell] = readNotebook(file).cells.filter((c) => c.cell_type === 'code');
    expect([imports.source].flat().join('').split('\n').filter((line) => line.trim() && !line.startsWith('import '))).toEqual([]);
    expect(imports.metadata.tags ?? []).not.toContain('parameters');
    expect(parametersCell.metadata.tags ?? []).toContain('parameters');
    // Built in the parameters cell, so that running it again takes effect in the cells below.
    expect([parametersCell.source].flat().join('')).toContain('const params = botmap.notebookParameters({');
  });

  it.each(NOTEBOOKS)('%s shows its grammar: Arquero verbs and a Plot spec before BotMap\'s first chart', (file) => {
    const sources = readNotebook(file).cells.filter((c) => c.cell_type === 'code').map((c) => [c.source].flat().join(''));
    const first = (pattern: RegExp) => sources.findIndex((s) => pattern.test(s));
    const verbs = first(/\.(groupby|rollup)\(/);
    const plotSpec = first(/botmap\.plot\(\s*\{[^]*\bPlot\.\w+\(/);
    const botmapChart = first(/botmap\.\w+Charts?\(/);
    expect(verbs, 'a cell with Arquero verbs').toBeGreaterThan(0);
    expect(plotSpec, 'a cell with a Plot spec').toBeGreaterThan(0);
    if (botmapChart >= 0) expect(Math.max(verbs, plotSpec)).toBeLessThan(botmapChart);
  });

  it.each(NOTEBOOKS)('%s draws BotMap\'s charts with the params of the parameters cell', (file) => {
    const calls = readNotebook(file)
      .cells.filter((c) => c.cell_type === 'code')
      .flatMap((c) => [c.source].flat().join('').match(/botmap\.(?!export)\w+Charts?\([^;]*?\)(?=[;\s:])/g) ?? []);
    for (const call of calls) expect(call).toMatch(/\bparams\b/);
  });
});

describe('the notebooks import BotMap compiled', () => {
  it.each(NOTEBOOKS)('%s imports ./lib/index, not the sources tslab would compile', (file) => {
    const sources = readNotebook(file).cells.filter((c) => c.cell_type === 'code').map((c) => [c.source].flat().join(''));
    expect(sources.filter((s) => s.includes("import * as botmap from './lib/index';"))).toHaveLength(1);
    expect(sources.filter((s) => s.includes('./src/'))).toEqual([]);
  });
});

const code = (source: string) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });

function writeNotebook(file: string, cells: object[]): void {
  const metadata = { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } };
  fs.writeFileSync(file, JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: 5 }));
}

/** The NotebookError executing `file` throws, or null when it runs. */
const failureOf = (file: string, outDir: string): Promise<NotebookError | null> =>
  executeNotebook(file, outDir).then(
    () => null,
    (error: NotebookError) => error,
  );

describe('a failing notebook', () => {
  it(
    'is reported with its name, the failing code cell and the error message',
    async () => {
      // Inside this checkout: the kernel starts the tslab of the checkout its notebook is in.
      fs.mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
      const dir = fs.mkdtempSync(path.join(ROOT, '.cache', 'botmap-failing-'));
      const file = path.join(dir, '09-broken.ipynb');
      writeNotebook(file, [code('const a = 1;'), { cell_type: 'markdown', metadata: {}, source: 'text' }, code("throw new Error('the sample is missing');")]);
      const failure = await failureOf(file, path.join(dir, 'out'));
      expect(failure).toBeInstanceOf(NotebookError);
      expect(failure!.failure).toMatchObject({ notebook: '09-broken.ipynb', cell: 2 });
      expect(failure!.failure.message).toContain('the sample is missing');
      fs.rmSync(dir, { recursive: true, force: true });
    },
    120_000,
  );
});

describe('a notebook outside any BotMap checkout', () => {
  it(
    'fails with the kernel launcher saying so, as the kernel registration serves checkouts only',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-outside-'));
      const file = path.join(dir, 'stray.ipynb');
      writeNotebook(file, [code('1 + 1')]);
      const failure = await failureOf(file, path.join(dir, 'out'));
      expect(failure).toBeInstanceOf(NotebookError);
      expect(failure!.failure).toEqual({
        notebook: 'stray.ipynb',
        cell: null,
        message: `botmap kernel: BotMap's TypeScript kernel starts in a BotMap checkout, and ${dir} is in none (no package.json named "botmap" at or above it). Open the notebook from a BotMap checkout's notebooks/ folder.`,
      });
    },
    120_000,
  );
});
