/**
 * The whole pipeline without Jupyter: analyse → charts → export, writing the same files as
 * `npm start` (summary.json, charts/, tables/, index.html). Used by the `botmap` command (cron
 * jobs that refresh the charts) and by the bench.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { allCharts, worldMapChart } from '../charts/charts';
import { exportAnalysis, writeFileAtomic } from '../export/files';
import { analyse, type Analysis, type Parameters } from './pipeline';
import type { Chart } from '../charts/index';
import type { ProgressSink } from './progress';
import { indexHtml } from '../export/site';
import type { Summary } from '../aggregate/summary';

export interface RunOptions {
  progress?: ProgressSink;
  /** Which charts to draw: every chart of the run (default), or the world map only. */
  charts?: 'all' | 'world-map';
}

export interface RunResult {
  analysis: Analysis;
  /** The summary as written to `summary.json` (chart and table paths filled in). */
  summary: Summary;
  /** Seconds spent in each step. */
  seconds: { analyse: number; charts: number; export: number; total: number };
}

/** Runs load → locate → aggregate → charts → export for `params` and writes everything to `params.out`. */
export async function runPipeline(params: Parameters, options: RunOptions = {}): Promise<RunResult> {
  const { progress } = options;
  const started = performance.now();
  const analysis = await analyse(params, progress);
  const analysed = performance.now();

  progress?.({ stage: 'Drawing', done: 0, total: 1, message: 'charts' });
  const charts: Record<string, Chart> = options.charts === 'world-map' ? { 'world-map': worldMapChart(analysis) } : allCharts(analysis);
  const drawn = performance.now();
  const names = Object.keys(charts);
  progress?.({ stage: 'Drawing', done: 1, total: 1, message: `${names.length} chart${names.length === 1 ? '' : 's'}` });

  progress?.({ stage: 'Writing', done: 0, total: 1, message: path.basename(params.out) });
  const summary = exportAnalysis(analysis, charts, params.out);
  writeFileAtomic(path.join(params.out, 'index.html'), indexHtml(summary, []));
  const done = performance.now();
  progress?.({ stage: 'Writing', done: 1, total: 1, message: 'summary.json, charts/, tables/, index.html' });

  const s = (ms: number) => ms / 1000;
  return {
    analysis,
    summary,
    seconds: { analyse: s(analysed - started), charts: s(drawn - analysed), export: s(done - drawn), total: s(done - started) },
  };
}
