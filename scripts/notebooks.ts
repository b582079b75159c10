import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureNotebookLib } from './notebook-lib.mjs';

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

export class NotebookError extends Error {
  constructor(readonly failure: NotebookFailure) {
    super(`${failure.notebook}${failure.cell ? `, code cell ${failure.cell}` : ''}: ${failure.message}`);
  }
}

/** The Python that has Jupyter's nbclient: `BOTMAP_PYTHON`, Debian's `/usr/bin/python3`, or `python3`. */
async function jupyterPython(env: NodeJS.ProcessEnv): Promise<string> {
  for (const candidate of [env.BOTMAP_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!candidate) continue;
    const probe = await run(candidate, ['-c', 'import nbclient, nbconvert, nbformat'], env, process.cwd()).catch(() => null);
    if (probe?.code === 0) return candidate;
  }
  throw new Error('No Python with Jupyter (nbclient, nbconvert) was found. Run `npm install` (it sets up Jupyter), or set BOTMAP_PYTHON.');
}

/**
 * Executes one notebook headlessly with the tslab kernel, writing the executed copy and an
 * HTML rendering to `outDir` (also when a cell fails, so the error can be read there).
 * Throws NotebookError naming the code cell on failure.
 */
export async function executeNotebook(notebookFile: string, outDir: string, env: NodeJS.ProcessEnv = process.env): Promise<NotebookRun> {
  fs.mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const name = path.basename(notebookFile);
  const executedFile = path.join(outDir, name);
  const htmlFile = executedFile.replace(/\.ipynb$/, '.html');
  const python = await jupyterPython(env);
  // Built here too, not only by the kernel launcher: a kernel registered by an older setup starts tslab directly.
  await ensureNotebookLib();
  const runner = path.join(import.meta.dirname, 'run_notebook.py');
  const result = await run(python, [runner, notebookFile, executedFile, htmlFile], env, path.dirname(notebookFile));
  const report = result.stdout.trim().split('\n').pop() ?? '';
  let parsed: { ok: boolean; cell?: number | null; message?: string } | null = null;
  try {
    parsed = JSON.parse(report);
  } catch {
    parsed = null;
  }
  if (!parsed) {
    const lines = result.stderr.trim().split('\n').filter(Boolean);
    // The kernel launcher's own reason (e.g. a notebook outside any BotMap checkout) beats Python's traceback.
    const launcherSaid = lines.find((line) => line.startsWith('botmap kernel: '));
    const message = launcherSaid ?? (lines.slice(-5).join('\n') || `the notebook runner exited with code ${result.code}`);
    throw new NotebookError({ notebook: name, cell: null, message });
  }
  if (!parsed.ok) throw new NotebookError({ notebook: name, cell: parsed.cell ?? null, message: parsed.message ?? 'unknown error' });
  return { notebook: name, executed: executedFile, html: htmlFile, seconds: (Date.now() - started) / 1000 };
}
