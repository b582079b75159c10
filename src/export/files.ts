import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
import { csvFormatRows } from 'd3-dsv';
import { Resvg } from '@resvg/resvg-js';
import type { ColumnTable } from 'arquero';
import { projectRoot } from '../project';
import type { Chart, ChartDrawers } from '../charts/index';
import type { SvgNode } from '../charts/dom';
import { encodePng } from '../png';
import type { Analysis } from '../notebook/pipeline';
import type { Summary } from '../aggregate/summary';
import { hasUsernames, topUsernames } from '../aggregate/usernames';
import { TRUSTED_COLUMNS } from '../aggregate/trusted';
import { mapPageHtml } from './map-page';

/** The SVG as a standalone XML document. */
export function svgText(chart: Chart | SvgNode): string {
  const svg = 'svg' in chart ? chart.svg : chart;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.outerHTML}\n`;
}

/** resvg's options: the bundled DejaVu fonts only (the charts draw no italic), so every machine draws the same. */
function pngOptions(scale: number) {
  const dir = path.join(projectRoot(), 'node_modules', 'dejavu-fonts-ttf', 'ttf');
  const fontFiles = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
  return {
    fitTo: { mode: 'zoom' as const, value: scale },
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  };
}

/** Renders SVG text to PNG at `scale`× (see `pngOptions`). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const image = new Resvg(svg, pngOptions(scale)).render();
  return encodePng(zlib, image.pixels, image.width, image.height, PNG_LEVEL);
}

/** zlib's level for the charts' PNGs: see `encodePng`. */
const PNG_LEVEL = 3;

// The worker's code as text: a bundled or notebook-compiled module has no file of its own to start.
// resvg 2.6 keeps each render's pixels (10-15 MB) outside the JS heap, unseen by V8, until the small
// objects that hold them are collected: in this worker's nearly empty heap that was never, and the
// botmap job's peak memory grew by 130 MB. A collection after each chart keeps it to one chart's.
const PNG_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { Resvg } = require(workerData.resvg);
const zlib = require('node:zlib');
const encodePng = ${encodePng.toString()};
require('node:v8').setFlagsFromString('--expose-gc');
const collect = require('node:vm').runInNewContext('gc');
parentPort.on('message', ({ id, svg }) => {
  try {
    const image = new Resvg(svg, workerData.options).render();
    const png = encodePng(zlib, image.pixels, image.width, image.height, ${PNG_LEVEL});
    parentPort.postMessage({ id, png }, [png.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
  setImmediate(collect);
});`;

/**
 * `svgToPng` in a worker thread: the PNGs of a run (11 charts, 1.6 s of resvg) render there
 * while the main thread draws the next chart. On the 1M-line bench log it took the botmap job's
 * main-thread CPU time from 9.2 s to 6.0 s (medians of 3, back to back, on a shared 2-core machine).
 */
export class PngWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (png: Buffer) => void; reject: (error: Error) => void }>();
  private next = 0;

  constructor(scale = 2) {
    const resvg = createRequire(path.join(projectRoot(), 'package.json')).resolve('@resvg/resvg-js');
    this.worker = new Worker(PNG_WORKER, { eval: true, workerData: { resvg, options: pngOptions(scale) } });
    this.worker.on('message', ({ id, png, error }: { id: number; png?: Uint8Array; error?: string }) => {
      const waiter = this.waiting.get(id)!;
      this.waiting.delete(id);
      if (png) waiter.resolve(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
      else waiter.reject(new Error(`PNG rendering failed: ${error}`));
    });
    this.worker.on('error', (error) => {
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    });
  }

  /** PNGs asked for and not yet handed back. */
  get queued(): number {
    return this.waiting.size;
  }

  render(svg: string): Promise<Buffer> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, svg });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

let tempCounter = 0;
/** Temporary files of `writeFileAtomic` (and of the notebook runner): `.<name>.<pid>[.<n>].tmp`. */
const TEMP_FILE = /^\..+?\.(\d+)(?:\.\d+)?\.tmp$/;
const cleanedDirs = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that writers killed mid-write left in `dir` (their process is
 * gone), once per folder and process: only files named as `writeFileAtomic` names them.
 */
function removeStaleTempFiles(dir: string): void {
  if (cleanedDirs.has(dir)) return;
  cleanedDirs.add(dir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const match = TEMP_FILE.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // Another process's business after all, or already gone.
    }
  }
}

/**
 * Writes a file atomically, creating folders as needed: the content (text, bytes, or pieces of
 * text written one after another) goes to a temporary file beside it (`.<name>.<pid>.<n>.tmp`),
 * then is renamed over the file. A reader, or a run interrupted at any point, sees the old file
 * or the new one, never half of one; a failed write (a full disk) removes its temporary file and
 * throws. Not fsynced: that guards only against a power cut, after which the next run rewrites
 * every output anyway, and fsyncing each file cost the botmap job 0.44 s of its 6.4 s.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array | Iterable<string>): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTempFiles(dir);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${++tempCounter}.tmp`);
  try {
    const fd = fs.openSync(temp, 'w');
    try {
      if (typeof content === 'string' || content instanceof Uint8Array) fs.writeFileSync(fd, content);
      else for (const piece of content) fs.writeSync(fd, piece);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/** Writes `<dir>/<name>.svg` and `<dir>/<name>.png`; returns both paths. */
export function writeChart(chart: Chart, dir: string, name: string): { svg: string; png: string } {
  const svg = svgText(chart);
  const svgFile = path.join(dir, `${name}.svg`);
  const pngFile = path.join(dir, `${name}.png`);
  writeFileAtomic(svgFile, svg);
  writeFileAtomic(pngFile, svgToPng(svg));
  return { svg: svgFile, png: pngFile };
}

// Spreadsheets run cells that start with these as formulas; log text is attacker-controlled.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A CSV cell. Text that a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`,
 * a tab or a carriage return) gets a leading apostrophe, which spreadsheets show as text; every
 * other text is written as it is. Numbers (JavaScript numbers, as the numeric columns hold:
 * `-58.38`) are written as numbers: a number is never a formula. Non-finite numbers and null are
 * empty cells. A text that looks like a negative number (`-58`) is text, and gets the apostrophe.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Formats rows as RFC 4180 CSV (quoting by d3-dsv) with a header. */
export function toCsv(columns: readonly string[], rows: Iterable<Record<string, unknown>>): string {
  const body: string[][] = [columns.slice()];
  for (const row of rows) body.push(columns.map((c) => csvCell(row[c])));
  return `${csvFormatRows(body)}\n`;
}

/** Rows of CSV formatted at a time: the text of a whole table (100,000 addresses) is never held at once. */
const CSV_CHUNK_ROWS = 5000;

/** The lines of an Arquero table as CSV, `CSV_CHUNK_ROWS` at a time, read column by column. */
function* tableCsv(table: ColumnTable, columns: readonly string[], formatters: Record<string, (value: any) => unknown>): Generator<string> {
  yield `${csvFormatRows([columns.slice()])}\n`;
  const present = new Set(table.columnNames());
  const values = columns.map((c) => (present.has(c) ? (table.array(c) as ArrayLike<unknown>) : null));
  const formats = columns.map((c) => (Object.hasOwn(formatters, c) ? formatters[c] : undefined));
  const rows = table.numRows();
  for (let start = 0; start < rows; start += CSV_CHUNK_ROWS) {
    const chunk: string[][] = [];
    for (let i = start; i < Math.min(rows, start + CSV_CHUNK_ROWS); i++) {
      const row = new Array<string>(columns.length);
      for (let j = 0; j < columns.length; j++) {
        const value = values[j]?.[i];
        const format = formats[j];
        row[j] = csvCell(format ? format(value) : value);
      }
      chunk.push(row);
    }
    yield `${csvFormatRows(chunk)}\n`;
  }
}

/**
 * Writes an Arquero table as CSV, with `formatters` turning column values into text (e.g. times),
 * in pieces: building the whole text of ips.csv from `table.objects()` held ~70 MB more at the
 * peak of the botmap job on the bench's 1M-line log.
 */
export function writeTableCsv(
  table: ColumnTable,
  file: string,
  columns: readonly string[] = table.columnNames(),
  formatters: Record<string, (value: any) => unknown> = {},
): void {
  writeFileAtomic(file, tableCsv(table, columns, formatters));
}

/** Writes JSON with a trailing newline, atomically. */
export function writeJson(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** ips.csv's columns, in order. A contract: add columns, never rename or drop one. */
export const IPS_COLUMNS = ['ip', 'events', 'first_seen', 'last_seen', 'country', 'country_name', 'city', 'subdivision', 'latitude', 'longitude', 'accuracy_radius', 'precision', 'version', 'records', 'asn', 'org', 'trusted'] as const;
export const CITIES_COLUMNS = ['city', 'subdivision', 'country', 'country_name', 'latitude', 'longitude', 'ips', 'events'] as const;
export const COUNTRIES_COLUMNS = ['country', 'name', 'ips', 'events', 'ips_city', 'ips_country_only'] as const;
/**
 * places.csv: one row per place, largest first; `name` as people know it (see `namePlace`),
 * `cities` the member cities' names as the database gives them, largest first, separated by `;`,
 * and `largest_city` the one holding the most addresses.
 */
export const PLACES_COLUMNS = ['name', 'country', 'country_name', 'latitude', 'longitude', 'radius_km', 'ips', 'events', 'city_count', 'cities', 'largest_city'] as const;
export const ASNS_COLUMNS = ['asn', 'org', 'ips', 'events'] as const;
/** usernames.csv: every user name tried (attacker-written text), most attempted first. */
export const USERNAMES_COLUMNS = ['user', 'attempts', 'ips', 'countries'] as const;

const isoOrEmpty = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

/** Writes the run's tables under `<out>/tables` and lists them in `summary`. */
function writeTables(analysis: Analysis, out: string, summary: Summary): void {
  const { ips, cities, countries, asns, places } = analysis.aggregates;
  const file = (name: string) => path.join(out, (summary.tables[name] = path.join('tables', `${name}.csv`)));
  writeTableCsv(ips, file('ips'), IPS_COLUMNS, { first_seen: isoOrEmpty, last_seen: isoOrEmpty });
  writeTableCsv(cities, file('cities'), CITIES_COLUMNS);
  writeTableCsv(countries, file('countries'), COUNTRIES_COLUMNS);
  const placeRows = places.map((p) => ({ ...p, city_count: p.cities.length, cities: p.cities.map((c) => c.city).join(';') }));
  writeFileAtomic(file('places'), toCsv(PLACES_COLUMNS, placeRows));
  writeTableCsv(asns, file('asns'), ASNS_COLUMNS);
  // Written by every run, empty but for its header when no address is trusted, so that it is always there to read.
  writeTableCsv(analysis.trusted, file('trusted'), TRUSTED_COLUMNS);
  if (hasUsernames(analysis)) {
    writeFileAtomic(file('usernames'), toCsv(USERNAMES_COLUMNS, topUsernames(analysis, Number.MAX_SAFE_INTEGER).map((row) => ({ ...row }))));
  }
}

/**
 * Writes each chart's SVG to `<out>/charts` and its PNG as `render` hands it over, and lists
 * them in `summary`. Drawers are drawn one at a time, so one chart's DOM is alive at a time.
 * Returns the PNG writes still pending.
 */
function writeCharts(charts: Record<string, Chart | (() => Chart)>, out: string, summary: Summary, render: (svg: string) => Buffer | Promise<Buffer>): Promise<void>[] {
  const noted = new Set(summary.notes);
  const pending: Promise<void>[] = [];
  for (const [name, source] of Object.entries(charts)) {
    const chart = typeof source === 'function' ? source() : source;
    const svg = svgText(chart);
    const files = { svg: path.join(out, 'charts', `${name}.svg`), png: path.join(out, 'charts', `${name}.png`) };
    writeFileAtomic(files.svg, svg);
    const png = render(svg);
    if (png instanceof Promise) pending.push(png.then((bytes) => writeFileAtomic(files.png, bytes)));
    else writeFileAtomic(files.png, png);
    summary.charts[name] = { svg: path.relative(out, files.svg), png: path.relative(out, files.png) };
    // Charts of one run repeat notes (the same credit, the same Country-database caveat): list each once.
    for (const note of chart.notes) if (!noted.has(note)) (noted.add(note), summary.notes.push(note));
  }
  return pending;
}

/**
 * The run's summary. It keeps the charts that an earlier export of the same inputs listed and
 * whose files are still there: the notebooks export in turn (`00-explore` before `01-botmap`
 * writes the tables), and no notebook's summary may drop another's charts. A summary of other
 * inputs is replaced whole.
 */
function runSummary(analysis: Analysis, out: string): Summary {
  const summary: Summary = { ...analysis.summary, charts: {}, tables: {}, notes: [...analysis.summary.notes] };
  const summaryFile = path.join(out, 'summary.json');
  const earlier = fs.existsSync(summaryFile) ? (JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as Summary) : null;
  if (earlier && JSON.stringify(earlier.inputs) === JSON.stringify(summary.inputs)) {
    for (const [name, files] of Object.entries(earlier.charts ?? {})) if (fs.existsSync(path.join(out, files.svg))) summary.charts[name] = files;
  }
  return summary;
}

/**
 * Writes the run's files under `out`: `summary.json`, `tables/{ips,cities,countries,places,asns,trusted}.csv`,
 * `tables/usernames.csv` when some input carries user names, and
 * `charts/<name>.{svg,png}` for each chart given. Returns the summary with the paths filled in.
 */
export function exportAnalysis(analysis: Analysis, charts: Record<string, Chart>, out = analysis.parameters.out): Summary {
  const summary = runSummary(analysis, out);
  writeTables(analysis, out, summary);
  writeCharts(charts, out, summary, svgToPng);
  writeMapPage(analysis, out, summary);
  writeJson(path.join(out, 'summary.json'), summary);
  return summary;
}

/** Writes `map.html`, the interactive world map, and lists it in the summary. */
function writeMapPage(analysis: Analysis, out: string, summary: Summary): void {
  writeFileAtomic(path.join(out, 'map.html'), mapPageHtml(analysis));
  summary.map = 'map.html';
}

/**
 * `exportAnalysis` for the whole run (the botmap command): draws the charts one at a time and
 * renders their PNGs in worker threads (`PngWorker`, two when there are two cores) while the
 * next chart draws; `summary.json` is written once every PNG is.
 */
export async function exportRun(analysis: Analysis, drawers: ChartDrawers, out = analysis.parameters.out): Promise<Summary> {
  const summary = runSummary(analysis, out);
  const workers = Array.from({ length: Math.min(2, os.availableParallelism()) }, () => new PngWorker());
  try {
    // The least busy worker takes the next chart.
    const render = (svg: string) => workers.reduce((a, b) => (b.queued < a.queued ? b : a)).render(svg);
    // The tables are written while the worker renders the first chart's PNG (the world map, the largest).
    const [first, ...rest] = Object.entries(drawers);
    const pending = writeCharts(Object.fromEntries(first ? [first] : []), out, summary, render);
    writeTables(analysis, out, summary);
    pending.push(...writeCharts(Object.fromEntries(rest), out, summary, render));
    writeMapPage(analysis, out, summary);
    await Promise.all(pending);
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
  }
  writeJson(path.join(out, 'summary.json'), summary);
  return summary;
}

/**
 * Writes more charts for a run whose tables and summary `exportAnalysis` already wrote (the
 * later notebooks), and lists them in `summary.json`. Without a summary yet, exports everything.
 */
export function exportCharts(analysis: Analysis, charts: Record<string, Chart>, out = analysis.parameters.out): Summary {
  const summaryFile = path.join(out, 'summary.json');
  if (!fs.existsSync(summaryFile)) return exportAnalysis(analysis, charts, out);
  const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as Summary;
  writeCharts(charts, out, summary, svgToPng);
  writeJson(summaryFile, summary);
  return summary;
}
