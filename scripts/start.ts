/**
 * `npm start [-- files or folders...]`: runs every notebook headlessly on the sample data (or
 * the paths given) and writes charts, tables, summary.json and the executed notebooks to output/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BotMapError } from '../src/errors';
import { namingFile } from '../src/aggregate/summary';
import { openGeoDatabase } from '../src/locate/database';
import { openAsnDatabase } from '../src/locate/networks';
import { SNAPSHOT_VARIABLE, inputPaths, parameters, readAndLocate } from '../src/notebook/pipeline';
import { writeAnalysisSnapshot } from '../src/notebook/snapshot';
import { projectRoot } from '../src/project';
import { writeFileAtomic } from '../src/export/files';
import { indexHtml, type NotebookEntry } from '../src/export/site';
import type { Progress } from '../src/notebook/progress';
import { executeNotebooks, listNotebooks, NotebookError, type NotebookRun } from './notebooks';

/** One progress line on a terminal, after `prefix`. */
function showProgress(prefix: string, p: Progress): void {
  const pct = p.total > 0 ? Math.min(100, Math.round((100 * p.done) / p.total)) : 100;
  process.stdout.write(`\r\x1b[2K${prefix}${p.stage} ${pct}% ${p.message}`.slice(0, (process.stdout.columns || 100) - 1));
}

/** Shows the running notebook's progress (written by its kernel to a file) on a terminal. */
function watchProgress(file: string, prefix: string): () => void {
  if (!process.stdout.isTTY) return () => {};
  const timer = setInterval(() => {
    try {
      showProgress(prefix, JSON.parse(fs.readFileSync(file, 'utf8')) as Progress);
    } catch {
      // Not written yet, or being rewritten: try again on the next tick.
    }
  }, 250);
  return () => {
    clearInterval(timer);
    process.stdout.write(`\r\x1b[2K${prefix}`);
  };
}

const USAGE = `Usage: npm start [-- <file or folder>...]

Runs BotMap's notebooks headlessly and writes everything to output/ (or $BOTMAP_OUT):
  output/summary.json, output/charts/*.svg|png, output/tables/*.csv, output/notebooks/*.ipynb|html

With no paths, the archive in $BOTMAP_ARCHIVE is read when set, else the sample data in
data/sample/. A BotMap archive among the paths is read as one (botmap ingest makes it).
Environment: BOTMAP_MMDB (your own GeoLite2/GeoIP2 City .mmdb), BOTMAP_OUT, BOTMAP_THEME
(dark|light), BOTMAP_LABELS, BOTMAP_TOP, BOTMAP_FROM and BOTMAP_TO (YYYY-MM-DD), BOTMAP_TRUSTED
(your own addresses and networks, commas between) and BOTMAP_INCLUDE_TRUSTED=1.`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const root = projectRoot();
  // npm runs scripts from the project folder; paths the user typed are relative to where they were.
  const callerDir = process.env.INIT_CWD ?? process.cwd();
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (args.length) {
    const paths = args.map((a) => path.resolve(callerDir, a));
    const missing = paths.filter((p) => !fs.existsSync(p));
    if (missing.length) throw new BotMapError(`No such file or folder: ${missing.join(', ')}`);
    env.BOTMAP_DATA = paths.join(path.delimiter);
    // Paths typed beat an archive exported for botmap ingest (see inputPaths).
    delete env.BOTMAP_ARCHIVE;
  }
  if (env.BOTMAP_ARCHIVE) env.BOTMAP_ARCHIVE = path.resolve(callerDir, env.BOTMAP_ARCHIVE);
  if (env.BOTMAP_OUT) env.BOTMAP_OUT = path.resolve(callerDir, env.BOTMAP_OUT);
  if (env.BOTMAP_MMDB) env.BOTMAP_MMDB = path.resolve(callerDir, env.BOTMAP_MMDB);
  if (env.BOTMAP_ASN_MMDB) env.BOTMAP_ASN_MMDB = path.resolve(callerDir, env.BOTMAP_ASN_MMDB);
  const params = parameters({}, env);
  // Open the database here first: a wrong or missing database is reported plainly, before Jupyter starts.
  const database = openGeoDatabase(params.mmdb);
  const reading = params.archive !== null ? 'archive' : 'data';
  console.log(`BotMap: ${reading} ${inputPaths(params).map((d) => path.relative(root, d) || '.').join(', ')} · database ${database.info.type} (${database.info.build_date}) · output ${path.relative(root, params.out) || '.'}`);
  const asnDatabase = openAsnDatabase(params.asnMmdb);
  for (const warning of [...database.warnings, ...asnDatabase.warnings]) console.log(`warning: ${warning}`);

  const notebooks = listNotebooks(path.join(root, 'notebooks'));
  const outDir = path.join(params.out, 'notebooks');
  // This run's progress file and its analysis, removed when the run ends.
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-npm-start-'));
  const entries: NotebookEntry[] = [];
  try {
    // Read, locate and look up once for every notebook: each kernel takes the result from a file.
    const prefix = 'Reading and locating … ';
    process.stdout.write(prefix);
    const started = performance.now();
    const parts = await readAndLocate(params, process.stdout.isTTY ? (p) => showProgress(prefix, p) : undefined, { database, asnDatabase }).catch((error: unknown) => {
      console.log('failed');
      throw error;
    });
    const snapshotFile = path.join(runDir, 'analysis.bin');
    writeAnalysisSnapshot(snapshotFile, parts);
    if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${prefix}`);
    const lines = parts.load.inputs.reduce((sum, input) => sum + input.lines, 0);
    console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s (${lines.toLocaleString('en-US')} lines, ${parts.load.store.addresses.length.toLocaleString('en-US')} addresses)`);
    env[SNAPSHOT_VARIABLE] = snapshotFile;
    const progressFile = path.join(runDir, 'progress.json');
    env.BOTMAP_PROGRESS_FILE = progressFile;
    let stopWatching = () => {};
    const onStart = (name: string) => {
      const prefix = `[${entries.length + 1}/${notebooks.length}] ${name} … `;
      process.stdout.write(prefix);
      fs.rmSync(progressFile, { force: true });
      stopWatching = watchProgress(progressFile, prefix);
    };
    const onDone = (result: NotebookRun) => {
      stopWatching();
      console.log(`done in ${result.seconds.toFixed(1)} s`);
      const rel = (file: string) => path.relative(params.out, file);
      entries.push({ name: result.notebook.replace(/\.ipynb$/, ''), html: rel(result.html), ipynb: rel(result.executed), seconds: result.seconds });
    };
    await executeNotebooks(notebooks, outDir, env, { onStart, onDone }).finally(() => stopWatching());
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
  const summaryFile = path.join(params.out, 'summary.json');
  // map.html is named only when a notebook's export wrote it (summary.json lists it then).
  let mapPage: string | null = null;
  if (fs.existsSync(summaryFile)) {
    const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
    mapPage = typeof summary.map === 'string' ? summary.map : null;
    writeFileAtomic(path.join(params.out, 'index.html'), indexHtml(summary, entries));
    console.log(
      `${summary.ips.distinct.toLocaleString('en-US')} distinct addresses (${summary.ips.located_city} to a city, ${summary.ips.located_country_only} to a country only, ${summary.ips.not_found} not found, ${summary.ips.not_public} not public) from ${summary.inputs.length} input(s).`,
    );
    for (const failed of summary.failed_inputs ?? []) console.log(`warning: ${namingFile(failed)}`);
    for (const note of summary.notes ?? []) console.log(`note: ${note}`);
  }
  const written = ['index.html', ...(mapPage ? [mapPage] : []), 'summary.json', 'charts/', 'tables/', 'notebooks/'];
  console.log(`Wrote ${path.relative(process.cwd(), params.out) || '.'}/: ${written.join(', ')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof NotebookError) {
      console.log('failed');
      console.error(`BotMap: notebook ${error.message}`);
    } else if (error instanceof BotMapError) {
      console.error(`BotMap: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exit(1);
  },
);
