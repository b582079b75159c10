import fs from 'node:fs';
import path from 'node:path';
import type { ColumnTable } from 'arquero';
import { aggregate, PLACE_NAMING_KM, type Aggregates } from '../aggregate/aggregate';
import { locatedAddresses } from '../aggregate/addresses';
import { eventsTable } from '../load/events-table';
import { givenToLocation, loadPaths, type LoadResult } from '../load/load';
import { DEFAULT_SSHD_MODE, sshdMode, type SshdMode } from '../load/formats/grammar/sshd-modes';
import { locateAddresses, openGeoDatabase, openGeoDatabaseInBackground, type GeoDatabase } from '../locate/database';
import { readAnalysisSnapshot, type DescribedParts, type SnapshotKey, type SnapshotParts } from './snapshot';
import { lookupNetworks, openAsnDatabase, type AsnDatabase, type Network } from '../locate/networks';
import { projectRoot } from '../project';
import { buildSummary, eventFigures, withDuplicates, withTrusted, type Summary } from '../aggregate/summary';
import { checkTrustedEntry, trustRules, trustedAddresses, trustedParameter, withoutTrusted } from '../aggregate/trusted';
import type { InputReport, Location } from '../types';
import { checkArchive } from '../archive/open';
import { ARCHIVE_FORMAT } from '../load/archive-input';
import type { ProgressSink } from './progress';
import { themeNamed } from '../charts/theme';
import { PROJECTIONS, type ProjectionName } from '../charts/geo';
import { timeZone } from '../time-zone';
import { daysWindow, eventsInWindow, isDay, windowText } from './window';

/** Every input a run takes. Notebooks set them in their parameters cell; `BOTMAP_*` variables override. */
export interface Parameters {
  /** Files and folders to read (a BotMap archive among them is read as one, see `loadPaths`). */
  data: string[];
  /** A BotMap archive to read in place of `data` (see `inputPaths`); null: `data` is read. */
  archive: string | null;
  /** A MaxMind City/Country .mmdb; null for the packaged GeoLite2 City database. */
  mmdb: string | null;
  /** Output folder. */
  out: string;
  theme: 'dark' | 'light';
  /** Cities labelled on the world map. */
  labels: number;
  /** Rows in the ranking charts. */
  top: number;
  /** A GeoLite2-ASN .mmdb; null for the packaged DB-IP ASN ranges. */
  asnMmdb: string | null;
  /** Cities within this distance of each other form one place. */
  clusterRadiusKm: number;
  /** A place is named after the most populous gazetteer city within this distance (km) of its largest city; 0 keeps the database's names. */
  placeNamingKm: number;
  /** Count each IPv6 /64 as one attacker. */
  ipv6Prefix64: boolean;
  /** Map projection of the world map. */
  projection: ProjectionName;
  /** How many of the largest places get a zoomed map. */
  zoomed: number;
  /** The zone the logs' times are read in and days and hours counted in (an IANA name, `UTC` or `+02:00`; see `timeZone`); null for the machine's. */
  timeZone: string | null;
  /** Where `04-compare` splits the data in two (YYYY-MM-DD); null for the middle of the data's window. */
  splitDate: string | null;
  /** The first day (YYYY-MM-DD, in the run's zone) whose events are analysed; null for no bound. Events without a time are then left out. */
  from: string | null;
  /** The last day (YYYY-MM-DD, inclusive, in the run's zone) whose events are analysed; null for no bound. */
  to: string | null;
  /** Addresses and networks (CIDR) that are the user's own, beside those the inputs show (see `aggregate/trusted.ts`). */
  trusted: string[];
  /** Count and draw trusted addresses with the attackers instead of setting them apart. */
  includeTrusted: boolean;
  /** How sshd's lines are read: fail2ban's `sshd` filter mode (see `SSHD_MODES`); `normal`, fail2ban's default, unless given. */
  sshdMode: SshdMode;
}

export const DEFAULT_PARAMETERS: Parameters = {
  data: ['data/sample'],
  archive: null,
  mmdb: null,
  out: 'output',
  theme: 'dark',
  labels: 10,
  top: 20,
  asnMmdb: null,
  clusterRadiusKm: 100,
  placeNamingKm: PLACE_NAMING_KM,
  ipv6Prefix64: false,
  projection: 'equal-earth',
  zoomed: 2,
  timeZone: null,
  splitDate: null,
  from: null,
  to: null,
  trusted: [],
  includeTrusted: false,
  sshdMode: DEFAULT_SSHD_MODE,
};

/**
 * Each parameter: its name in the parameters cell, its environment variable, how that variable's
 * text is read, and what an override of it means beyond its value (said in the override report).
 */
const PARAMETER_SOURCES: { [K in keyof Parameters]: { cell: keyof CellParameters; variable: string; read: (text: string, variable: string) => Parameters[K]; meaning?: string } } = {
  data: { cell: 'DATA', variable: 'BOTMAP_DATA', read: (text) => text.split(path.delimiter).filter(Boolean) },
  archive: { cell: 'ARCHIVE', variable: 'BOTMAP_ARCHIVE', read: (text) => text, meaning: 'the run reads this archive in place of DATA' },
  mmdb: { cell: 'MMDB', variable: 'BOTMAP_MMDB', read: (text) => text },
  asnMmdb: { cell: 'ASN_MMDB', variable: 'BOTMAP_ASN_MMDB', read: (text) => text },
  out: { cell: 'OUT', variable: 'BOTMAP_OUT', read: (text) => text },
  theme: { cell: 'THEME', variable: 'BOTMAP_THEME', read: (text) => themeNamed(text).name },
  top: { cell: 'TOP', variable: 'BOTMAP_TOP', read: (text, variable) => positiveInteger(variable, text) },
  labels: { cell: 'LABELS', variable: 'BOTMAP_LABELS', read: (text, variable) => positiveInteger(variable, text) },
  zoomed: { cell: 'ZOOMED', variable: 'BOTMAP_ZOOMED', read: (text, variable) => positiveInteger(variable, text) },
  clusterRadiusKm: { cell: 'CLUSTER_KM', variable: 'BOTMAP_CLUSTER_KM', read: (text, variable) => positiveInteger(variable, text) },
  placeNamingKm: { cell: 'PLACE_NAMING_KM', variable: 'BOTMAP_PLACE_NAMING_KM', read: (text, variable) => positiveInteger(variable, text) },
  projection: { cell: 'PROJECTION', variable: 'BOTMAP_PROJECTION', read: (text, variable) => oneOf(variable, text, PROJECTION_NAMES) },
  // Checked once every source is known (see parameters()).
  timeZone: { cell: 'TIME_ZONE', variable: 'BOTMAP_TZ', read: (text) => text },
  splitDate: { cell: 'SPLIT_DATE', variable: 'BOTMAP_SPLIT', read: (text) => text },
  ipv6Prefix64: { cell: 'IPV6_64', variable: 'BOTMAP_IPV6_64', read: (text) => /^(1|true|yes)$/i.test(text) },
  from: { cell: 'FROM', variable: 'BOTMAP_FROM', read: (text, variable) => day(variable, text) },
  to: { cell: 'TO', variable: 'BOTMAP_TO', read: (text, variable) => day(variable, text) },
  trusted: { cell: 'TRUSTED', variable: 'BOTMAP_TRUSTED', read: (text, variable) => trustedParameter(text, variable) },
  includeTrusted: { cell: 'INCLUDE_TRUSTED', variable: 'BOTMAP_INCLUDE_TRUSTED', read: (text) => /^(1|true|yes)$/i.test(text) },
  sshdMode: { cell: 'SSHD_MODE', variable: 'BOTMAP_SSHD_MODE', read: (text, variable) => sshdMode(text, variable) },
};

/**
 * The run's parameters: the defaults, then the notebook's own values, then `BOTMAP_DATA`
 * (paths separated by the system path delimiter, `:` on Linux), `BOTMAP_ARCHIVE`, `BOTMAP_MMDB`, `BOTMAP_OUT`,
 * `BOTMAP_THEME`, `BOTMAP_LABELS`, `BOTMAP_TOP`, `BOTMAP_ASN_MMDB`, `BOTMAP_CLUSTER_KM`, `BOTMAP_PLACE_NAMING_KM`,
 * `BOTMAP_IPV6_64`, `BOTMAP_PROJECTION`, `BOTMAP_ZOOMED`, `BOTMAP_TZ`, `BOTMAP_SPLIT`, `BOTMAP_FROM`,
 * `BOTMAP_TO`, `BOTMAP_TRUSTED` (commas between entries), `BOTMAP_INCLUDE_TRUSTED`, `BOTMAP_SSHD_MODE`. Relative paths are taken from the project
 * folder, so a notebook (whose working folder is `notebooks/`) and a script agree.
 */
export function parameters(overrides: Partial<Parameters> = {}, env: NodeJS.ProcessEnv = process.env): Parameters {
  const p: Parameters = { ...DEFAULT_PARAMETERS, ...overrides };
  for (const key of Object.keys(PARAMETER_SOURCES) as (keyof Parameters)[]) {
    const { variable, read } = PARAMETER_SOURCES[key];
    const text = env[variable];
    if (text) (p as Record<keyof Parameters, unknown>)[key] = read(text, variable);
  }
  // Checked here, where it is known which name the zone came by.
  timeZone(p.timeZone, env.BOTMAP_TZ ? 'BOTMAP_TZ' : 'timeZone');
  // A variable's day was checked as it was read (PARAMETER_SOURCES); a day given in code is checked here.
  for (const key of ['from', 'to'] as const) {
    const value = p[key];
    if (value != null && !env[PARAMETER_SOURCES[key].variable]) day(key, value);
  }
  if (!env.BOTMAP_TRUSTED) for (const entry of p.trusted) checkTrustedEntry(entry, 'trusted');
  daysWindow(p.from, p.to, p.timeZone);
  const root = projectRoot();
  return {
    ...p,
    data: p.data.map((d) => path.resolve(root, d)),
    archive: p.archive ? path.resolve(root, p.archive) : null,
    mmdb: p.mmdb ? path.resolve(root, p.mmdb) : null,
    asnMmdb: p.asnMmdb ? path.resolve(root, p.asnMmdb) : null,
    out: path.resolve(root, p.out),
  };
}

/**
 * The files and folders a run reads, by the one rule of ARCHIVE: an archive set (in the
 * parameters cell, `BOTMAP_ARCHIVE` or `npx botmap` with no paths) is read in place of DATA,
 * wherever DATA came from. Paths typed on the command line (`npm start -- <paths>`, `npx botmap
 * <paths>`) leave ARCHIVE out, so a `BOTMAP_ARCHIVE` exported for `botmap ingest` does not hide them.
 */
export function inputPaths(params: Pick<Parameters, 'data' | 'archive'>): string[] {
  return params.archive !== null ? [params.archive] : params.data;
}

const PROJECTION_NAMES = Object.keys(PROJECTIONS) as ProjectionName[];

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new Error(`${name} must be one of ${allowed.join(', ')}; got "${text}".`);
  return text as T;
}

function day(name: string, text: string): string {
  if (!isDay(text)) throw new Error(`${name} must be a day written YYYY-MM-DD (2026-10-01), got "${text}".`);
  return text;
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
  /** Where the networks come from: the packaged DB-IP ranges or the user's GeoLite2-ASN file. */
  asnDatabase: AsnDatabase;
  /** Aligned with `load.store.addresses`. */
  locations: Location[];
  /** Each address's network (ASN, organisation); null when not public or unknown. Aligned with `load.store.addresses`. */
  networks: (Network | null)[];
  /**
   * The events as an Arquero table (see `eventsTable`): filter it and pass it to `analysisOfEvents`.
   * Those of trusted addresses are not in it, unless `parameters.includeTrusted`.
   */
  events: ColumnTable;
  /** The trusted addresses, as `tables/trusted.csv` lists them (see `trustedAddresses`): `ip, reason, events, accepted_logins, users`. */
  trusted: ColumnTable;
  /** The addresses with their locations and networks, keyed by `ip` (see `locatedAddresses`). */
  addresses: ColumnTable;
  aggregates: Aggregates;
  summary: Summary;
  /** What part of a run's events this analysis holds (`subset`: "jail sshd · server web1"); absent for the whole run. Charts name it in their subtitles. */
  subset?: string;
}

/**
 * The analysis of some of a run's events (`analysis.events` filtered with Arquero verbs): its
 * tables, the figures of its summary, and the charts drawn from it are those of these events alone.
 */
export function analysisOfEvents(analysis: Analysis, events: ColumnTable): Analysis {
  const { ipv6Prefix64, clusterRadiusKm, placeNamingKm } = analysis.parameters;
  const aggregates = aggregate(events, analysis.addresses, { ipv6Prefix64, clusterRadiusKm, placeNamingKm });
  const figures = withTrusted(withDuplicates(eventFigures(events, aggregates), analysis.load.inputs), analysis.trusted.numRows(), analysis.parameters.includeTrusted);
  return { ...analysis, events, aggregates, summary: { ...analysis.summary, ...figures } };
}

export function botmapVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')).version;
}

/**
 * Opens the databases first (a wrong database fails before any reading), then loads, locates,
 * looks up networks and aggregates. Where `BOTMAP_ANALYSIS_SNAPSHOT` names the analysis of this
 * run (`npm start` makes one before the notebooks run) and it was made with the same inputs and
 * databases, its events, locations and networks are taken from it instead (see `./snapshot`).
 */
export async function analyse(params: Parameters, progress?: ProgressSink): Promise<Analysis> {
  const snapshotFile = process.env[SNAPSHOT_VARIABLE];
  const taken = snapshotFile ? readAnalysisSnapshot(snapshotFile, snapshotKey(params)) : null;
  if (taken !== null) {
    progress?.({ stage: 'Reading', done: 1, total: 1, message: 'the analysis of this run, read once for all its notebooks' });
    return finishAnalysis(params, taken);
  }
  return finishAnalysis(params, await readAndLocate(params, progress));
}

/** The variable that names the file of a run's analysis (see `analyse`). */
export const SNAPSHOT_VARIABLE = 'BOTMAP_ANALYSIS_SNAPSHOT';

/** What decides a run's events, locations and networks (aggregation options aside). */
export function snapshotKey(params: Parameters): SnapshotKey {
  return {
    data: inputPaths(params).map((d) => path.resolve(d)),
    mmdb: params.mmdb === null ? null : path.resolve(params.mmdb),
    asnMmdb: params.asnMmdb === null ? null : path.resolve(params.asnMmdb),
    timeZone: params.timeZone,
    from: params.from,
    to: params.to,
    sshdMode: params.sshdMode,
  };
}

/**
 * The work before aggregating: read the inputs, locate each address, look up its network. The
 * databases are opened here unless the caller has opened them already (`npm start` does, first).
 */
export async function readAndLocate(params: Parameters, progress?: ProgressSink, opened?: { database: GeoDatabase; asnDatabase: AsnDatabase }): Promise<SnapshotParts> {
  // A wrong zone name, or an ARCHIVE that is not one, fails before anything is read.
  const zone = timeZone(params.timeZone);
  if (params.archive !== null) await checkArchive(params.archive);
  // Checked now; the file itself (tens of MB) is read while the logs are.
  const opening = opened ? Promise.resolve(opened.database) : openGeoDatabaseInBackground(params.mmdb);
  const asnDatabase = opened?.asnDatabase ?? openAsnDatabase(params.asnMmdb);
  const load = await loadPaths(inputPaths(params), {
    timeZone: zone,
    sshdMode: params.sshdMode,
    window: daysWindow(params.from, params.to, params.timeZone) ?? undefined,
    onProgress: (p) =>
      progress?.({ stage: 'Reading', done: p.bytes, total: p.totalBytes, message: `${path.basename(p.file)}: ${p.lines.toLocaleString('en-US')} lines` }),
  });
  const database = await opening;
  const addressesDone = (p: { done: number; total: number }) => `${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} addresses`;
  const locations = locateAddresses(load.store.addresses, database, (p) => progress?.({ stage: 'Locating', ...p, message: addressesDone(p) }));
  // A CSV that carries its own coordinates (or country) is taken at its word over the database.
  for (const [index, given] of load.givenLocations) locations[index] = givenToLocation(given);
  progress?.({ stage: 'Networks', done: 0, total: load.store.addresses.length, message: `loading ${asnDatabase.info.type}` });
  const networks = lookupNetworks(load.store.addresses, asnDatabase, (p) => progress?.({ stage: 'Networks', ...p, message: addressesDone(p) }));
  return { key: snapshotKey(params), load, database, asnDatabase, locations, networks };
}

/**
 * The databases as an analysis keeps them: their lookups are not needed once every address is
 * located, so the files they hold (the GeoLite2 City buffer alone is 66 MB) are let go, and opened
 * again on the first lookup after.
 */
function reopenedOnLookup(params: Parameters, parts: DescribedParts): Pick<Analysis, 'database' | 'asnDatabase'> {
  let geo: GeoDatabase | null = null;
  let asn: AsnDatabase | null = null;
  return {
    database: { ...parts.database, lookup: (ip) => (geo ??= openGeoDatabase(params.mmdb)).lookup(ip) },
    asnDatabase: { ...parts.asnDatabase, lookup: (ip) => (asn ??= openAsnDatabase(params.asnMmdb)).lookup(ip) },
  };
}

/** Aggregates and summarises what was read and located, with this run's aggregation options. */
function finishAnalysis(params: Parameters, parts: DescribedParts): Analysis {
  const { load, locations, networks } = parts;
  const { database, asnDatabase } = reopenedOnLookup(params, parts);
  const trust = trustedAddresses(load.store, load.duplicate, trustRules(load.trusted, params.trusted));
  // Trusted addresses' events are left out as duplicates are: the table stays unfiltered, read by codes.
  const setApart = !params.includeTrusted && trust.table.numRows() > 0;
  const allEvents = eventsTable(setApart ? { ...load, duplicate: withoutTrusted(load.store, load.duplicate, trust.trusted) } : load);
  const window = daysWindow(params.from, params.to, params.timeZone);
  const events = window ? eventsInWindow(allEvents, window) : allEvents;
  const addresses = locatedAddresses(load.store.addresses, locations, networks, trust.trusted);
  const aggregates = aggregate(events, addresses, { ipv6Prefix64: params.ipv6Prefix64, clusterRadiusKm: params.clusterRadiusKm, placeNamingKm: params.placeNamingKm });
  // Database warnings (an old database; a Country database: no city results) lead the notes too.
  const warnings = [...database.warnings, ...asnDatabase.warnings];
  const notes: string[] = [];
  if (window) notes.push(windowNote(params, events.numRows(), allEvents, load.inputs));
  if (trust.table.numRows() > 0) notes.push(trustedNote(trust.table.numRows(), params.includeTrusted));
  if (params.ipv6Prefix64) {
    notes.push(
      `IPv6 addresses are counted by /64 network: ${aggregates.counting.ipv6Networks64.toLocaleString('en-US')} /64 networks for ${load.store.addresses.filter((a) => a.version === 6).length.toLocaleString('en-US')} IPv6 addresses; rankings count ${aggregates.counting.attackers.toLocaleString('en-US')} attackers.`,
    );
  }
  const summary = buildSummary({
    version: botmapVersion(),
    database: { ...database.info, kind: database.kind, age_days: database.ageDays },
    asnDatabase: { ...asnDatabase.info, source: asnDatabase.source, age_days: asnDatabase.ageDays },
    inputs: load.inputs,
    events,
    aggregates,
    warnings,
    notes,
    trusted: trust.table.numRows(),
    includeTrusted: params.includeTrusted,
  });
  summary.window = { ...summary.window, from: params.from, to: params.to };
  if (summary.options) summary.options.sshd_mode = params.sshdMode;
  return { parameters: params, load, database, asnDatabase, locations, networks, events, trusted: trust.table, addresses, aggregates, summary };
}

/** What the run did with the trusted addresses, for `summary.json`'s notes. */
function trustedNote(count: number, included: boolean): string {
  const addresses = `${count.toLocaleString('en-US')} trusted ${count === 1 ? 'address' : 'addresses'} (logged in, in ignoreip or in BOTMAP_TRUSTED; tables/trusted.csv)`;
  return included ? `${addresses} counted and drawn with the attackers (BOTMAP_INCLUDE_TRUSTED).` : `${addresses} left out of the maps, rankings and charts; BOTMAP_INCLUDE_TRUSTED=1 puts them back.`;
}

/**
 * What a FROM/TO window kept of the events read, and what it had to leave out for want of a time;
 * an archive's events outside the window were not read at all (see `readArchiveEvents`).
 */
function windowNote(params: Parameters, kept: number, all: ColumnTable, inputs: readonly InputReport[]): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const untimed = all.filter((d: any) => d.time == null).numRows();
  const leftOut = untimed > 0 ? `; ${count(untimed)} events without a time (ban lists, status dumps) are left out` : '';
  const archives = inputs.filter((input) => input.format === ARCHIVE_FORMAT).length;
  const unread = archives > 0 ? `; of the ${archives === 1 ? 'archive' : 'archives'}, only the events inside the window were read` : '';
  return `Window ${windowText(params.from, params.to)} (FROM, TO): ${count(kept)} of ${count(all.numRows())} events${leftOut}${unread}.`;
}

/** The values of a notebook's parameters cell, as a person types them ('' for "the default"). */
export interface CellParameters {
  DATA: string[];
  MMDB: string;
  ASN_MMDB: string;
  OUT: string;
  THEME: string;
  TOP: number;
  LABELS: number;
  ZOOMED: number;
  CLUSTER_KM: number;
  PROJECTION: string;
  TIME_ZONE: string;
  SPLIT_DATE: string;
  IPV6_64: boolean;
  /** Optional, so that parameters cells written before them still run. */
  FROM?: string;
  TO?: string;
  ARCHIVE?: string;
  /** Addresses and networks (CIDR) that are the user's own. */
  TRUSTED?: string[];
  INCLUDE_TRUSTED?: boolean;
  /** fail2ban's sshd filter mode: `normal`, `ddos`, `extra` or `aggressive`. */
  SSHD_MODE?: string;
  PLACE_NAMING_KM?: number;
}

/**
 * The run's parameters from a notebook's parameters cell; `BOTMAP_*` environment variables
 * still override them (that is how `npm start -- <paths>` reaches the notebooks), and each
 * override of a value the cell sets is reported (to the cell's output), so that an edit the
 * environment beats is never silently ignored.
 */
export function notebookParameters(cell: CellParameters, env: NodeJS.ProcessEnv = process.env, report: (line: string) => void = console.log): Parameters {
  const params = parametersOfCell(cell, env);
  // The cell's own zone is not checked here: a BOTMAP_TZ that overrides it may be all that is valid.
  const fromCell = { ...parametersOfCell({ ...cell, TIME_ZONE: '' }, {}), timeZone: cell.TIME_ZONE || null };
  for (const line of parameterOverrides(fromCell, params)) report(line);
  return params;
}

/** What the environment changed of the cell's parameters, one sentence each. */
function parameterOverrides(fromCell: Parameters, used: Parameters): string[] {
  // TRUSTED's entries are joined as BOTMAP_TRUSTED takes them: an IPv6 network holds the path delimiter.
  const show = (key: keyof Parameters, value: unknown) =>
    Array.isArray(value) ? (value.length === 0 ? 'none' : value.join(key === 'trusted' ? ',' : path.delimiter)) : JSON.stringify(value);
  return (Object.keys(PARAMETER_SOURCES) as (keyof Parameters)[])
    .filter((key) => JSON.stringify(fromCell[key]) !== JSON.stringify(used[key]))
    .map((key) => {
      const { variable, cell, meaning } = PARAMETER_SOURCES[key];
      return `${variable} overrides ${cell} of the parameters cell: ${show(key, used[key])} instead of ${show(key, fromCell[key])}${meaning && used[key] !== null ? `: ${meaning}` : ''}.`;
    });
}

function parametersOfCell(cell: CellParameters, env: NodeJS.ProcessEnv): Parameters {
  if (!env.BOTMAP_TZ) timeZone(cell.TIME_ZONE, 'TIME_ZONE');
  if (!env.BOTMAP_FROM && cell.FROM) day('FROM', cell.FROM);
  if (!env.BOTMAP_TO && cell.TO) day('TO', cell.TO);
  if (!env.BOTMAP_TRUSTED) for (const entry of cell.TRUSTED ?? []) checkTrustedEntry(entry, 'TRUSTED');
  return parameters(
    {
      data: cell.DATA,
      archive: cell.ARCHIVE || null,
      mmdb: cell.MMDB || null,
      asnMmdb: cell.ASN_MMDB || null,
      out: cell.OUT,
      theme: themeNamed(cell.THEME).name,
      top: cell.TOP,
      labels: cell.LABELS,
      zoomed: cell.ZOOMED,
      clusterRadiusKm: cell.CLUSTER_KM,
      placeNamingKm: cell.PLACE_NAMING_KM ?? PLACE_NAMING_KM,
      projection: oneOf('PROJECTION', cell.PROJECTION, PROJECTION_NAMES),
      timeZone: cell.TIME_ZONE || null,
      splitDate: cell.SPLIT_DATE || null,
      ipv6Prefix64: cell.IPV6_64,
      from: cell.FROM || null,
      to: cell.TO || null,
      trusted: cell.TRUSTED ?? [],
      includeTrusted: cell.INCLUDE_TRUSTED ?? false,
      // A bad value in the cell is an error only when no BOTMAP_SSHD_MODE overrides it.
      sshdMode: cell.SSHD_MODE && !env.BOTMAP_SSHD_MODE ? sshdMode(cell.SSHD_MODE, 'SSHD_MODE') : DEFAULT_SSHD_MODE,
    },
    env,
  );
}

/** True when some event carries a time (ban lists and status dumps do not). */
export function hasEventTimes(analysis: Analysis): boolean {
  return analysis.aggregates.window.first != null;
}
