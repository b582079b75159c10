import fs from 'node:fs';
import path from 'node:path';
import { aggregate, type Aggregates } from './aggregate';
import { loadPaths, type LoadResult } from './load';
import { locateAddresses, openGeoDatabase, type GeoDatabase } from './locate';
import { projectRoot } from './project';
import { buildSummary, type Summary } from './summary';
import type { Location } from './types';
import type { ProgressSink } from './progress';
import { themeNamed } from './theme';

/** Every input a run takes. Notebooks set them in their parameters cell; `BOTMAP_*` variables override. */
export interface Parameters {
  /** Files and folders to read. */
  data: string[];
  /** A MaxMind City/Country .mmdb; null for the packaged GeoLite2 City database. */
  mmdb: string | null;
  /** Output folder. */
  out: string;
  theme: 'dark' | 'light';
  /** Cities labelled on the world map. */
  labels: number;
  /** Rows in the ranking charts. */
  top: number;
}

export const DEFAULT_PARAMETERS: Parameters = {
  data: ['data/sample'],
  mmdb: null,
  out: 'output',
  theme: 'dark',
  labels: 10,
  top: 20,
};

/**
 * The run's parameters: the defaults, then the notebook's own values, then `BOTMAP_DATA`
 * (paths separated by the system path delimiter, `:` on Linux), `BOTMAP_MMDB`, `BOTMAP_OUT`,
 * `BOTMAP_THEME`, `BOTMAP_LABELS`, `BOTMAP_TOP`. Relative paths are taken from the project
 * folder, so a notebook (whose working folder is `notebooks/`) and a script agree.
 */
export function parameters(overrides: Partial<Parameters> = {}, env: NodeJS.ProcessEnv = process.env): Parameters {
  const p: Parameters = { ...DEFAULT_PARAMETERS, ...overrides };
  if (env.BOTMAP_DATA) p.data = env.BOTMAP_DATA.split(path.delimiter).filter(Boolean);
  if (env.BOTMAP_MMDB) p.mmdb = env.BOTMAP_MMDB;
  if (env.BOTMAP_OUT) p.out = env.BOTMAP_OUT;
  if (env.BOTMAP_THEME) p.theme = themeNamed(env.BOTMAP_THEME).name;
  if (env.BOTMAP_LABELS) p.labels = positiveInteger('BOTMAP_LABELS', env.BOTMAP_LABELS);
  if (env.BOTMAP_TOP) p.top = positiveInteger('BOTMAP_TOP', env.BOTMAP_TOP);
  const root = projectRoot();
  return {
    ...p,
    data: p.data.map((d) => path.resolve(root, d)),
    mmdb: p.mmdb ? path.resolve(root, p.mmdb) : null,
    out: path.resolve(root, p.out),
  };
}

function positiveInteger(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${text}".`);
  return n;
}

/** A run's data after load → locate → aggregate; charts and exports are drawn from it. */
export interface Analysis {
  parameters: Parameters;
  load: LoadResult;
  database: GeoDatabase;
  /** Aligned with `load.store.addresses`. */
  locations: Location[];
  aggregates: Aggregates;
  summary: Summary;
}

export function botmapVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')).version;
}

/** Opens the database first (a wrong database fails before any reading), then loads, locates and aggregates. */
export async function analyse(params: Parameters, progress?: ProgressSink): Promise<Analysis> {
  const database = openGeoDatabase(params.mmdb);
  const load = await loadPaths(params.data, {
    onProgress: (p) =>
      progress?.({ stage: 'Reading', done: p.bytes, total: p.totalBytes, message: `${path.basename(p.file)}: ${p.lines.toLocaleString('en-US')} lines` }),
  });
  const locations = locateAddresses(load.store.addresses, database, (p) =>
    progress?.({ stage: 'Locating', done: p.done, total: p.total, message: `${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} addresses` }),
  );
  const aggregates = aggregate(load.store, locations);
  const notes: string[] = [];
  if (database.kind === 'country') notes.push(`${database.info.file} is a ${database.info.type} database: city results are unavailable.`);
  const summary = buildSummary({ version: botmapVersion(), database: database.info, inputs: load.inputs, store: load.store, aggregates, notes });
  return { parameters: params, load, database, locations, aggregates, summary };
}
