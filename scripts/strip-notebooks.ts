/**
 * `npm run strip`: removes outputs and execution counts from the committed notebooks, so they
 * hold only what a person wrote. `--check` lists notebooks that carry outputs and exits 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listNotebooks } from './notebooks';

interface Cell {
  cell_type: string;
  outputs?: unknown[];
  execution_count?: number | null;
  metadata?: Record<string, unknown>;
}

/** The notebook without outputs, execution counts or per-run cell metadata; null when already clean. */
export function stripNotebook(text: string): string | null {
  const nb = JSON.parse(text) as { cells: Cell[] };
  let changed = false;
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    if ((cell.outputs?.length ?? 0) > 0 || cell.execution_count != null) changed = true;
    cell.outputs = [];
    cell.execution_count = null;
    if (cell.metadata && 'execution' in cell.metadata) {
      delete cell.metadata.execution;
      changed = true;
    }
  }
  return changed ? `${JSON.stringify(nb, null, 1)}\n` : null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const check = process.argv.includes('--check');
  let dirty = 0;
  for (const file of listNotebooks(path.join(import.meta.dirname, '..', 'notebooks'))) {
    const stripped = stripNotebook(fs.readFileSync(file, 'utf8'));
    if (!stripped) continue;
    dirty++;
    if (check) console.log(`${path.basename(file)} carries outputs`);
    else {
      fs.writeFileSync(file, stripped);
      console.log(`stripped ${path.basename(file)}`);
    }
  }
  process.exit(check && dirty ? 1 : 0);
}
