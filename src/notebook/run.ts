/**
 * The whole pipeline without Jupyter: analyse → charts → export, writing the same files as
 * `npm start` (summary.json, charts/, tables/, index.html). Used by the `botmap` command (cron
 * jobs that refresh the charts) and by the bench.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chartDrawers } from '../charts/charts';
import { exportRun, writeFileAtomic } from '../export/files';
import { analyse, type Analysis, type Parameters } from './pipeline';
import type { ProgressSink } from './progress';
import { indexHtml } from '../export/site';
import type { Summary } from '../aggregate/summary';

export interface RunOptions {
  progress?: ProgressSink;
}

export interface RunResult {
  analysis: Analysis;
  /** The summary as written to `summary.json` (chart and table paths filled in). */
  summary: Summary;
  /** Seconds the whole run took. */
  seconds: number;
}

/** Runs load → locate → aggregate → charts → export for `params` and writes everything to `params.out`. */
export async function runPipeline(params: Parameters, options: RunOptions = {}): Promise<RunResult> {
  const { progress } = options;
  const started = performance.now();
  const analysis = await analyse(params, progress);

  // Each chart is drawn, written and dropped in turn, its PNG rendered in a worker meanwhile.
  const drawers = chartDrawers(analysis);
  const names = Object.keys(drawers);
  progress?.({ stage: 'Writing', done: 0, total: 1, message: `${names.length} chart${names.length === 1 ? '' : 's'} and the tables to ${path.basename(params.out)}` });
  const summary = await exportRun(analysis, drawers, params.out);
  writeFileAtomic(path.join(params.out, 'index.html'), indexHtml(summary, []));
  progress?.({ stage: 'Writing', done: 1, total: 1, message: 'summary.json, charts/, tables/, index.html' });
  return { analysis, summary, seconds: (performance.now() - started) / 1000 };
}
