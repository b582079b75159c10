import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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

/** Runs a command to its end; `onLine` sees each line of its output as it comes. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, onLine?: (line: string) => void): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      const complete = stdout.lastIndexOf('\n') + 1;
      stdout += d;
      if (!onLine) return;
      const end = stdout.lastIndexOf('\n');
      if (end >= complete) for (const line of stdout.slice(complete, end).split('\n')) if (line.trim()) onLine(line);
    });
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
export async function jupyterPython(env: NodeJS.ProcessEnv): Promise<string> {
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
  if (!parsed) throw runnerFailure(name, result);
  if (!parsed.ok) throw new NotebookError({ notebook: name, cell: parsed.cell ?? null, message: parsed.message ?? 'unknown error' });
  return { notebook: name, executed: executedFile, html: htmlFile, seconds: (Date.now() - started) / 1000 };
}

/** What one cell of a kernel session did: its displays' MIME bundles, its printed text, its error. */
export interface CellResult {
  ok: boolean;
  /** As nbformat holds them: `display_data` and `execute_result` with their `data`, `stream` with its `name` and `text`, `error`. */
  outputs: { output_type: string; data?: Record<string, string>; name?: string; text?: string }[];
  error: string | null;
}

/**
 * Executes `cells` one after another in one tslab kernel started in `folder`, as a person running
 * cells by hand does (later cells may re-run earlier ones), and gives each cell's result. Unlike a
 * notebook run it goes on after a failing cell.
 */
export async function kernelSession(folder: string, cells: string[], env: NodeJS.ProcessEnv = process.env): Promise<CellResult[]> {
  const python = await jupyterPython(env);
  await ensureNotebookLib();
  const folderOfFiles = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-kernel-session-'));
  const cellsFile = path.join(folderOfFiles, 'cells.json');
  const resultsFile = path.join(folderOfFiles, 'results.jsonl');
  fs.writeFileSync(cellsFile, JSON.stringify(cells));
  try {
    const result = await run(python, [path.join(import.meta.dirname, 'run_notebook.py'), '--cells', folder, 'tslab', cellsFile, resultsFile], env, folder);
    const lines = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean) : [];
    if (result.code !== 0 || lines.length !== cells.length) throw new Error(`kernel session in ${folder} stopped (exit ${result.code}) after ${lines.length} of ${cells.length} cells: ${result.stderr.trim()}`);
    return lines.map((line) => JSON.parse(line) as CellResult);
  } finally {
    fs.rmSync(folderOfFiles, { recursive: true, force: true });
  }
}

/** The runner stopped without reporting on `notebook`: why, from what it printed on stderr. */
function runnerFailure(notebook: string, result: Spawned): NotebookError {
  const lines = result.stderr.trim().split('\n').filter(Boolean);
  // The kernel launcher's own reason (e.g. a notebook outside any BotMap checkout) beats Python's traceback.
  const launcherSaid = lines.find((line) => line.startsWith('botmap kernel: '));
  const message = launcherSaid ?? (lines.slice(-5).join('\n') || `the notebook runner exited with code ${result.code}`);
  return new NotebookError({ notebook, cell: null, message });
}

/**
 * Executes the notebooks in order, one at a time, in one runner that starts each kernel while
 * the previous notebook runs (see run_notebook.py's run_many): the seconds of a kernel's start
 * overlap work instead of adding up. `onStart` and `onDone` follow each notebook as it goes.
 * Throws NotebookError on the first failure (the notebooks after it do not run).
 */
export async function executeNotebooks(
  notebookFiles: string[],
  outDir: string,
  env: NodeJS.ProcessEnv,
  watch: { onStart?: (notebook: string) => void; onDone?: (run: NotebookRun) => void } = {},
): Promise<NotebookRun[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const python = await jupyterPython(env);
  await ensureNotebookLib();
  const runs: NotebookRun[] = [];
  let failure: NotebookError | null = null;
  const report = (line: string) => {
    let parsed: { ok: boolean; notebook: string; seconds: number; cell?: number | null; message?: string };
    try {
      parsed = JSON.parse(line);
    } catch {
      return; // Not a report: the runner's reports are its only JSON lines.
    }
    if (!parsed.ok) {
      failure = new NotebookError({ notebook: parsed.notebook, cell: parsed.cell ?? null, message: parsed.message ?? 'unknown error' });
      return;
    }
    const executed = path.join(outDir, parsed.notebook);
    runs.push({ notebook: parsed.notebook, executed, html: executed.replace(/\.ipynb$/, '.html'), seconds: parsed.seconds });
    watch.onDone?.(runs[runs.length - 1]);
    if (runs.length < notebookFiles.length) watch.onStart?.(path.basename(notebookFiles[runs.length]));
  };
  if (notebookFiles.length) watch.onStart?.(path.basename(notebookFiles[0]));
  const runner = path.join(import.meta.dirname, 'run_notebook.py');
  const result = await run(python, [runner, '--many', outDir, 'tslab', ...notebookFiles], env, path.dirname(notebookFiles[0] ?? outDir), report);
  if (failure) throw failure;
  if (runs.length < notebookFiles.length) throw runnerFailure(path.basename(notebookFiles[runs.length]), result);
  return runs;
}
