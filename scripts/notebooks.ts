import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Why a notebook failed: which cell, and the error it printed. */
export interface NotebookFailure {
  notebook: string;
  /** 1-based index among the notebook's code cells, when it could be told. */
  cell: number | null;
  message: string;
}

export interface NotebookRun {
  notebook: string;
  executed: string;
  html: string;
  seconds: number;
}

interface Spawned {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The names of the notebooks to run, in order. */
export function listNotebooks(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Works out which cell failed from nbconvert's CellExecutionError text, which quotes the
 * failing cell's source between dashed lines and then the error.
 */
export function describeFailure(notebookFile: string, stderr: string): NotebookFailure {
  const notebook = path.basename(notebookFile);
  const quoted = /An error occurred while executing the following cell:\n-+\n([\s\S]*?)\n-+\n([\s\S]*)$/.exec(stderr);
  if (!quoted) {
    const lines = stderr.trim().split('\n').filter(Boolean);
    return { notebook, cell: null, message: lines.slice(-5).join('\n') || 'nbconvert failed without a message' };
  }
  const [, source, rest] = quoted;
  let cell: number | null = null;
  try {
    const nb = JSON.parse(fs.readFileSync(notebookFile, 'utf8'));
    const codeCells = nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code');
    const index = codeCells.findIndex((c: { source: string | string[] }) => (Array.isArray(c.source) ? c.source.join('') : c.source).trim() === source.trim());
    cell = index >= 0 ? index + 1 : null;
  } catch {
    cell = null;
  }
  // The error block ends the output; keep its meaningful lines, dropping kernel stack frames.
  const errorLines = rest
    .split('\n')
    .map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''))
    .filter((l) => l.trim() && !/^\s+at /.test(l) && !/^\[NbConvertApp\]/.test(l));
  return { notebook, cell, message: errorLines.slice(0, 6).join('\n') };
}

export class NotebookError extends Error {
  constructor(readonly failure: NotebookFailure) {
    super(`${failure.notebook}${failure.cell ? `, code cell ${failure.cell}` : ''}: ${failure.message}`);
  }
}

/**
 * Executes one notebook headlessly with the tslab kernel, writing the executed copy and an
 * HTML rendering to `outDir`. Throws NotebookError naming the cell on failure.
 */
export async function executeNotebook(notebookFile: string, outDir: string, env: NodeJS.ProcessEnv = process.env): Promise<NotebookRun> {
  fs.mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const name = path.basename(notebookFile);
  const cwd = path.dirname(notebookFile);
  const executed = await run(
    'jupyter',
    ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=tslab', '--ExecutePreprocessor.timeout=1800', '--output-dir', outDir, '--output', name, notebookFile],
    env,
    cwd,
  ).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new Error('`jupyter` was not found on PATH. Run `npm install` (it sets up Jupyter) or install jupyter-nbconvert.');
    throw error;
  });
  if (executed.code !== 0) throw new NotebookError(describeFailure(notebookFile, executed.stderr));
  const executedFile = path.join(outDir, name);
  const html = await run('jupyter', ['nbconvert', '--to', 'html', '--output-dir', outDir, executedFile], env, cwd);
  if (html.code !== 0) throw new NotebookError({ notebook: name, cell: null, message: `HTML export failed: ${html.stderr.trim().split('\n').slice(-3).join('\n')}` });
  return { notebook: name, executed: executedFile, html: executedFile.replace(/\.ipynb$/, '.html'), seconds: (Date.now() - started) / 1000 };
}
