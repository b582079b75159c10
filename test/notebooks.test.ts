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

  it.each(NOTEBOOKS)('%s starts with a parameters cell', (file) => {
    const first = readNotebook(file).cells.find((c) => c.cell_type === 'code');
    expect(first?.metadata.tags ?? []).toContain('parameters');
  });
});

describe('notebooks executed through Jupyter on the sample data', () => {
  it.each(NOTEBOOKS)(
    '%s runs without errors, shows its charts and writes the outputs',
    async (file) => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-nb-'));
      const run = await executeNotebook(file, path.join(out, 'notebooks'), { ...process.env, BOTMAP_OUT: out, BOTMAP_DATA: path.join(ROOT, 'data', 'sample') });
      const executed = readNotebook(run.executed);
      const outputs = executed.cells.flatMap((c) => c.outputs ?? []);
      expect(outputs.filter((o) => o.output_type === 'error')).toEqual([]);
      const stderr = outputs.filter((o) => o.name === 'stderr').map((o) => [o.text].flat().join(''));
      expect(stderr).toEqual([]);
      if (path.basename(file) === '01-botmap.ipynb') {
        const svgs = outputs.filter((o) => o.data?.['image/svg+xml']);
        expect(svgs.length).toBeGreaterThanOrEqual(2);
        expect(String([svgs[0].data!['image/svg+xml']].flat().join(''))).toContain('Where the attacks come from');
        for (const chart of ['world-map', 'top-cities']) {
          for (const ext of ['svg', 'png']) expect(fs.statSync(path.join(out, 'charts', `${chart}.${ext}`)).size).toBeGreaterThan(1000);
        }
        for (const table of ['ips', 'cities', 'countries']) expect(fs.existsSync(path.join(out, 'tables', `${table}.csv`))).toBe(true);
        expect(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).ips.distinct).toBeGreaterThan(1000);
        expect(fs.readFileSync(run.html, 'utf8')).toContain('Where the attacks come from');
      }
    },
    600_000,
  );
});

describe('a failing notebook', () => {
  it(
    'is reported with its name, the failing code cell and the error message',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-failing-'));
      const file = path.join(dir, '09-broken.ipynb');
      const code = (source: string) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });
      fs.writeFileSync(
        file,
        JSON.stringify({
          cells: [code('const a = 1;'), { cell_type: 'markdown', metadata: {}, source: 'text' }, code("throw new Error('the sample is missing');")],
          metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
          nbformat: 4,
          nbformat_minor: 5,
        }),
      );
      const failure = await executeNotebook(file, path.join(dir, 'out')).then(
        () => null,
        (error: NotebookError) => error,
      );
      expect(failure).toBeInstanceOf(NotebookError);
      expect(failure!.failure).toMatchObject({ notebook: '09-broken.ipynb', cell: 2 });
      expect(failure!.failure.message).toContain('the sample is missing');
    },
    120_000,
  );
});
