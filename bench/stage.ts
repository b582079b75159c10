/**
 * One measured stage of the bench, run in a child process of its own so that its peak memory
 * (`process.resourceUsage().maxRSS`) is the stage's:
 *
 *   node --import tsx bench/stage.ts <stage> '<json options>'
 *
 * What a stage needs but does not measure (the loaded log for `aggregate`, the analysis for
 * `map`) is prepared first, untimed; its memory counts in the peak. The result is printed as
 * the last line of stdout: `BENCH {json}`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Analysis } from '../src/notebook/pipeline';
import type { Progress } from '../src/notebook/progress';

// Each stage imports only the modules it uses, so that its peak memory is not inflated by
// code it does not run (Plot, Arquero and resvg cost ~65 MB once loaded).
const load = () => import('../src/load/load');
const pipeline = () => import('../src/notebook/pipeline');

export type StageName = 'parse' | 'locate' | 'aggregate' | 'map' | 'export' | 'e2e' | 'notebook' | 'page';

export interface StageOptions {
  /** Inputs to read. */
  files: string[];
  /** `map`, `page`: draw this many locations (the largest cities). */
  locations?: number;
  /** `aggregate`, `notebook`: timed repetitions after the first. */
  repeat?: number;
  /** `e2e`, `export`: output folder. */
  out?: string;
}

/** What every stage reports; the figures differ per stage. */
export interface StageResult {
  stage: StageName;
  /** Peak resident memory of the process, MB. */
  maxRssMB: number;
  /** Seconds from the process's start to the end of the stage (startup and imports included). */
  processSeconds: number;
  /** Times, milliseconds. */
  ms: Record<string, number>;
  /** Counts and sizes (`retainedMB`: memory left after a forced GC, with --expose-gc). */
  counts: Record<string, number | string>;
}

const now = () => performance.now();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Heap and external memory after a forced GC (with --expose-gc), MB; NaN without it. */
function heapUsedAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return Number.NaN;
  gc();
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.external) / 1024 / 1024;
}

async function analysisOf(files: string[], out: string): Promise<Analysis> {
  const { analyse, parameters } = await pipeline();
  return analyse(parameters({ data: files, out }, {}));
}

/** The analysis with only its `n` largest cities (the world map draws one dot per city). */
function withLocations(analysis: Analysis, n: number): Analysis {
  const cities = analysis.aggregates.cities;
  return { ...analysis, aggregates: { ...analysis.aggregates, cities: cities.numRows() > n ? cities.slice(0, n) : cities } };
}

/** An output folder for runs that write nothing there (analyse() only reads). */
const NO_OUTPUT = path.join(os.tmpdir(), 'botmap-bench-unused');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-bench-'));
}

/**
 * Counts database opens made through maxmind's Reader and lookups (the "no repeated work" check).
 * A lookup is a walk of the search tree: BotMap's lean reader (src/locate/mmdb.ts) walks it, and so
 * does maxmind's `get`, which BotMap uses for records the lean reader hands over.
 */
async function countReaderCalls(): Promise<{ opens: number; lookups: number }> {
  const { Reader } = await import('maxmind');
  const { SearchTree } = await import('../src/locate/mmdb');
  const counter = { opens: 0, lookups: 0 };
  const recordOffset = SearchTree.prototype.recordOffset;
  SearchTree.prototype.recordOffset = function (this: InstanceType<typeof SearchTree>, address: Parameters<typeof recordOffset>[0]) {
    counter.lookups++;
    return recordOffset.call(this, address);
  };
  const proto = Reader.prototype as unknown as { load(db: Buffer): void; findAddressInTree(ip: string): unknown };
  const load = proto.load;
  const walk = proto.findAddressInTree;
  proto.load = function (this: unknown, db: Buffer) {
    counter.opens++;
    return load.call(this, db);
  };
  proto.findAddressInTree = function (this: unknown, ip: string) {
    counter.lookups++;
    return walk.call(this, ip);
  };
  return counter;
}

const stages: Record<StageName, (o: StageOptions) => Promise<Omit<StageResult, 'stage' | 'maxRssMB' | 'processSeconds'>>> = {
  /** loadPaths over the files: read, detect, parse, normalise addresses into the event store. */
  async parse(o) {
    const { loadPaths } = await load();
    const t0 = now();
    const loaded = await loadPaths(o.files);
    const t1 = now();
    const lines = loaded.inputs.reduce((s, i) => s + i.lines, 0);
    // With --expose-gc: what stays in memory once the garbage is collected (the store itself).
    const gc = (globalThis as { gc?: () => void }).gc;
    let retainedMB = NaN;
    if (gc) {
      // Twice: the first collection can leave what finalisers (read streams, file handles) release.
      gc();
      gc();
      const m = process.memoryUsage();
      retainedMB = (m.heapUsed + m.external) / 1024 / 1024;
    }
    return {
      ms: { parse: t1 - t0 },
      counts: {
        lines,
        records: loaded.inputs.reduce((s, i) => s + i.records, 0),
        events: loaded.store.length,
        distinct: loaded.store.addresses.length,
        formats: [...new Set(loaded.inputs.map((i) => i.format))].join(','),
        errors: loaded.inputs.filter((i) => i.error).length,
        retainedMB,
        columnMB: loaded.store.columnBytes / 1024 / 1024,
      },
    };
  },

  /** openGeoDatabase + locateAddresses over the distinct addresses of the files (loaded untimed). */
  async locate(o) {
    const { loadPaths } = await load();
    const { openGeoDatabase, locateAddresses } = await import('../src/locate/database');
    const addresses = (await loadPaths(o.files)).store.addresses;
    const t0 = now();
    const database = openGeoDatabase();
    const t1 = now();
    const locations = locateAddresses(addresses, database);
    const t2 = now();
    // A second pass over the same addresses: what a warmed-up process would take.
    locateAddresses(addresses, database);
    const t3 = now();
    const byPrecision: Record<string, number> = {};
    for (const l of locations) byPrecision[l.precision] = (byPrecision[l.precision] ?? 0) + 1;
    return {
      ms: { open: t1 - t0, locate: t2 - t1, locateWarm: t3 - t2 },
      counts: { distinct: addresses.length, lookedUp: addresses.filter((a) => a.isPublic).length, ...byPrecision },
    };
  },

  /**
   * aggregate() from the events table to all the group tables: first call, then `repeat` more.
   * Building the events table (and the located addresses' table) is timed apart, with the memory
   * the events table holds once its columns are read.
   */
  async aggregate(o) {
    const { aggregate } = await import('../src/aggregate/aggregate');
    const { locatedAddresses } = await import('../src/aggregate/addresses');
    const { eventsTable } = await import('../src/load/events-table');
    const { loadPaths } = await load();
    const { openGeoDatabase, locateAddresses } = await import('../src/locate/database');
    const { openAsnDatabase, lookupNetworks } = await import('../src/locate/networks');
    const { DEFAULT_PARAMETERS: params } = await pipeline();
    // What analyse() does before it aggregates, so that the first call timed is the process's first.
    const loaded = await loadPaths(o.files);
    const locations = locateAddresses(loaded.store.addresses, openGeoDatabase());
    const networks = lookupNetworks(loaded.store.addresses, openAsnDatabase());
    const heapBefore = heapUsedAfterGc();
    const t0 = now();
    const events = eventsTable(loaded);
    const t1 = now();
    const addresses = locatedAddresses(loaded.store.addresses, locations, networks);
    const t2 = now();
    const eventsTableMB = heapUsedAfterGc() - heapBefore;
    const times: number[] = [];
    let result: ReturnType<typeof aggregate> | undefined;
    for (let i = 0; i <= (o.repeat ?? 3); i++) {
      const t = now();
      result = aggregate(events, addresses, { ipv6Prefix64: params.ipv6Prefix64, clusterRadiusKm: params.clusterRadiusKm, placeNamingKm: params.placeNamingKm });
      times.push(now() - t);
    }
    return {
      ms: { eventsTable: t1 - t0, addressTable: t2 - t1, aggregate: times[0], aggregateWarm: median(times.slice(1)) },
      counts: { events: loaded.store.length, distinct: loaded.store.addresses.length, cities: result!.cities.numRows(), countries: result!.countries.numRows(), places: result!.places.length, eventsTableMB: eventsTableMB.toFixed(1) },
    };
  },

  /** The world map of `locations` cities: Plot on linkedom, then SVG text, then PNG (resvg). */
  async map(o) {
    const { worldMapChart } = await import('../src/charts/charts');
    const { svgText, svgToPng } = await import('../src/export/files');
    const analysis = withLocations(await analysisOf(o.files, NO_OUTPUT), o.locations ?? 10_000);
    const t0 = now();
    const chart = worldMapChart(analysis);
    const t1 = now();
    const svg = svgText(chart);
    const t2 = now();
    const png = svgToPng(svg);
    const t3 = now();
    return {
      ms: { chart: t1 - t0, svg: t2 - t1, png: t3 - t2, total: t3 - t0 },
      counts: { locations: analysis.aggregates.cities.numRows(), svgBytes: Buffer.byteLength(svg), pngBytes: png.length },
    };
  },

  /** exportAnalysis: tables (CSV), summary.json and the world map's SVG + PNG files. */
  async export(o) {
    const { worldMapChart } = await import('../src/charts/charts');
    const { exportAnalysis } = await import('../src/export/files');
    const out = o.out ?? tempDir();
    const analysis = await analysisOf(o.files, out);
    const chart = worldMapChart(analysis);
    const t0 = now();
    exportAnalysis(analysis, { 'world-map': chart }, out);
    const t1 = now();
    const bytes = fs.statSync(path.join(out, 'tables', 'ips.csv')).size;
    return { ms: { export: t1 - t0 }, counts: { ipsCsvBytes: bytes, rows: analysis.aggregates.ips.numRows() } };
  },

  /** In one process: parse → locate → aggregate (analyse) → world map SVG + PNG files. */
  async e2e(o) {
    const counter = await countReaderCalls();
    const { analyse, parameters } = await pipeline();
    const { worldMapChart } = await import('../src/charts/charts');
    const { writeChart } = await import('../src/export/files');
    const out = o.out ?? tempDir();
    // analyse() reports progress per step: the last "Reading" call ends the reading, the first
    // "Networks" call starts the network lookups and the last one ends them.
    const first: Record<string, number> = {};
    const last: Record<string, number> = {};
    const t0 = now();
    const analysis = await analyse(parameters({ data: o.files, out }, {}), (p: Progress) => {
      const t = now();
      first[p.stage] ??= t;
      last[p.stage] = t;
    });
    const t1 = now();
    const chart = worldMapChart(analysis);
    const t2 = now();
    const files = writeChart(chart, path.join(out, 'charts'), 'world-map');
    const t3 = now();
    const read = last.Reading ?? t0;
    const networksStart = first.Networks ?? t1;
    const networksEnd = last.Networks ?? networksStart;
    return {
      ms: {
        total: t3 - t0,
        analyse: t1 - t0,
        read: read - t0,
        locate: networksStart - read,
        networks: networksEnd - networksStart,
        aggregate: t1 - networksEnd,
        chart: t2 - t1,
        svgPng: t3 - t2,
      },
      counts: {
        lines: analysis.load.inputs.reduce((s, i) => s + i.lines, 0),
        distinct: analysis.load.store.addresses.length,
        public: analysis.load.store.addresses.filter((a) => a.isPublic).length,
        cities: analysis.aggregates.cities.numRows(),
        mmdbOpens: counter.opens,
        mmdbLookups: counter.lookups,
        svgBytes: fs.statSync(files.svg).size,
      },
    };
  },

  /** A notebook cell re-run on loaded data: aggregate → world map → SVG text, `repeat` + 1 times. */
  async notebook(o) {
    const { aggregate } = await import('../src/aggregate/aggregate');
    const { worldMapChart } = await import('../src/charts/charts');
    const { svgText } = await import('../src/export/files');
    const analysis = await analysisOf(o.files, NO_OUTPUT);
    const { events, addresses, parameters: params } = analysis;
    const times: number[] = [];
    for (let i = 0; i <= (o.repeat ?? 4); i++) {
      const t0 = now();
      const aggregates = aggregate(events, addresses, { ipv6Prefix64: params.ipv6Prefix64, clusterRadiusKm: params.clusterRadiusKm, placeNamingKm: params.placeNamingKm });
      const chart = worldMapChart({ ...analysis, aggregates });
      svgText(chart);
      times.push(now() - t0);
    }
    return { ms: { first: times[0], rerun: median(times.slice(1)) }, counts: { cities: analysis.aggregates.cities.numRows(), reruns: times.length - 1 } };
  },

  /**
   * map.html of `locations` cities: built in Node (mapPageHtml), then opened and zoomed in
   * headless Chromium (see ./page-timing). Chromium's memory is not in the peak.
   */
  async page(o) {
    const { mapPageHtml } = await import('../src/export/map-page');
    const { timeMapPage, VIEWPORT } = await import('./page-timing');
    const analysis = withLocations(await analysisOf(o.files, NO_OUTPUT), o.locations ?? 10_000);
    const t0 = now();
    const html = mapPageHtml(analysis);
    const t1 = now();
    const dir = tempDir();
    try {
      const file = path.join(dir, 'map.html');
      fs.writeFileSync(file, html);
      const timing = await timeMapPage(file);
      return {
        ms: { html: t1 - t0, ready: timing.readyMs, drawn: timing.drawnMs, zoomMedian: median(timing.zoomStepsMs), zoomWorst: Math.max(...timing.zoomStepsMs), zoomScript: median(timing.zoomScriptMs) },
        counts: { viewport: `${VIEWPORT.width}×${VIEWPORT.height}`, cities: analysis.aggregates.cities.numRows(), dots: timing.dots, bytes: Buffer.byteLength(html), zoomSteps: timing.zoomStepsMs.length, zoomEnd: timing.zoomEnd, stepsMs: timing.zoomStepsMs.map((t) => t.toFixed(1)).join(' ') },
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function main(): Promise<void> {
  const [name, json] = process.argv.slice(2);
  const stage = stages[name as StageName];
  if (!stage) throw new Error(`unknown stage ${name}; one of ${Object.keys(stages).join(', ')}`);
  const options = JSON.parse(json ?? '{}') as StageOptions;
  const result = await stage(options);
  const report: StageResult = {
    stage: name as StageName,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    processSeconds: process.uptime(),
    ...result,
  };
  process.stdout.write(`BENCH ${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
