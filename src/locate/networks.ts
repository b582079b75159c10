/**
 * Networks: which autonomous system (ASN) and organisation each address belongs to, offline.
 *
 * The default data is the npm package `@ip-location-db/asn` (IP ranges → ASN and organisation,
 * built from RouteViews, the five RIRs' delegations via NRO, and DB-IP's IP-to-ASN Lite; CC BY 4.0).
 * Its CSV ranges are parsed once per process into typed arrays and searched with a binary search;
 * the parsed form is cached in `.cache/` (keyed by the package version), so later runs skip the
 * CSV. Each address family is loaded only when an address of that family is looked up.
 * A MaxMind GeoLite2-ASN (or GeoIP2-ISP) .mmdb given as `BOTMAP_ASN_MMDB` replaces it.
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { csvParseRows } from 'd3-dsv';
import type { AsnResponse } from 'maxmind';
import { BotMapError } from '../errors';
import { ageInDays, describeMmdb, lookUpPublic, openMmdb, staleDataWarning, type LookupProgress, type OpenOptions } from './database';
import { displayPath, projectRoot } from '../project';
import { ipv6ToWords, normaliseAddress, type NormalisedAddress } from './address';
import type { DatabaseInfo } from '../types';

// aggregate.ts and its tests import it from here; it is address.ts's.
export { ipv6Network64 } from './address';

/** The credit every view of the default ASN data carries (CC BY 4.0 requires it). */
export const ASN_CREDIT = 'ASN data: DB-IP (db-ip.com), RouteViews and NRO via ip-location-db, CC BY 4.0';

const ASN_PACKAGE = '@ip-location-db/asn';
const V4_FILE = 'asn-ipv4-num.csv';
const V6_FILE = 'asn-ipv6.csv';
/** Bump when the cache layout changes. */
const CACHE_FORMAT = 2;

/** An autonomous system: its number and the organisation that runs it. */
export interface Network {
  asn: number;
  org: string | null;
}

/** An open source of networks. */
export interface AsnDatabase {
  info: DatabaseInfo;
  /** `ip-location-db`: the packaged ranges; `mmdb`: the user's GeoLite2-ASN file. */
  source: 'ip-location-db' | 'mmdb';
  /** Whole days since the data was built. */
  ageDays: number;
  warnings: string[];
  /** The network of an address (text is parsed first), or null when unknown or not an address. */
  lookup(address: NormalisedAddress | string): Network | null;
}

// --- Range tables ----------------------------------------------------------------------------

/**
 * Sorted, non-overlapping inclusive ranges with their ASN and organisation. IPv4 bounds take
 * one word per range, IPv6 bounds four (big-endian): the words of `NormalisedAddress`.
 */
export interface RangeTable {
  family: 4 | 6;
  length: number;
  starts: Uint32Array;
  ends: Uint32Array;
  asns: Uint32Array;
  /** Index into `orgs`. */
  orgIndex: Uint32Array;
  orgs: string[];
}

const wordsPerBound = (family: 4 | 6) => (family === 4 ? 1 : 4);

/** Compares the bound at `a[i]` with the one at `b[j]` (each `width` words). */
function compareBounds(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, width: number): number {
  for (let k = 0; k < width; k++) {
    const x = a[i * width + k];
    const y = b[j * width + k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Index of the range holding the address given as its words (one for IPv4, four for IPv6), or -1. */
export function findRange(table: RangeTable, words: ArrayLike<number>): number {
  const { starts, ends } = table;
  const width = wordsPerBound(table.family);
  let lo = 0;
  let hi = table.length - 1;
  // The last range starting at or before the address.
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBounds(starts, mid, words, 0, width) <= 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && compareBounds(ends, hi, words, 0, width) >= 0 ? hi : -1;
}

/** Writes the bound `text` (a number for IPv4, an address for IPv6) at `out[k]`; false when it is not one. */
function readBound(family: 4 | 6, text: string, out: Uint32Array, k: number): boolean {
  if (family === 6) return ipv6ToWords(text, out, k * 4);
  const value = Number(text);
  if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) return false;
  out[k] = value;
  return true;
}

/** Sets the bound at `bounds[k]` (`width` words) to the one before it: one less, borrowing across words. */
function decrementBound(bounds: Uint32Array, k: number, width: number): void {
  for (let w = (k + 1) * width - 1; w >= k * width; w--) {
    if (bounds[w]-- > 0) return;
    bounds[w] = 0xffffffff;
  }
}

/**
 * Parses `start,end,asn,org` rows (d3-dsv's CSV reader), sorted by start: numeric IPv4 bounds
 * (`asn-ipv4-num.csv`) or IPv6 addresses (`asn-ipv6.csv`). Where a range overlaps the one before
 * it, the earlier one is trimmed to end before it.
 */
export function parseRanges(text: string, family: 4 | 6, source = `IPv${family} ASN ranges`): RangeTable {
  const rows = csvParseRows(text);
  const width = wordsPerBound(family);
  const length = rows.length;
  const table: RangeTable = { family, length, starts: new Uint32Array(length * width), ends: new Uint32Array(length * width), asns: new Uint32Array(length), orgIndex: new Uint32Array(length), orgs: [] };
  const { starts, ends } = table;
  const orgCodes = new Map<string, number>();
  rows.forEach((row, k) => {
    const where = `${source} line ${k + 1}`;
    if (row.length < 4) throw new Error(`${where}: expected start,end,asn,org`);
    if (!readBound(family, row[0], starts, k) || !readBound(family, row[1], ends, k) || compareBounds(ends, k, starts, k, width) < 0) throw new Error(`${where}: bad range ${row.slice(0, 2).join(',')}`);
    const asn = Number(row[2]);
    if (!(Number.isInteger(asn) && asn >= 0 && asn <= 0xffffffff)) throw new Error(`${where}: bad ASN ${row[2]}`);
    table.asns[k] = asn;
    let org = orgCodes.get(row[3]);
    if (org === undefined) orgCodes.set(row[3], (org = table.orgs.push(row[3]) - 1));
    table.orgIndex[k] = org;
    if (k === 0) return;
    if (compareBounds(starts, k - 1, starts, k, width) >= 0) throw new Error(`${where}: ranges are not sorted`);
    if (compareBounds(ends, k - 1, starts, k, width) >= 0) {
      ends.set(starts.subarray(k * width, (k + 1) * width), (k - 1) * width);
      decrementBound(ends, k - 1, width);
    }
  });
  return table;
}

// --- Cache -----------------------------------------------------------------------------------

/** A table as V8 serialises it (typed arrays and strings as they are), with the cache's format. */
function encodeTable(table: RangeTable): Buffer {
  return v8.serialize({ format: CACHE_FORMAT, table });
}

function decodeTable(buffer: Buffer, family: 4 | 6): RangeTable | null {
  const cached = v8.deserialize(buffer) as { format?: number; table?: RangeTable };
  return cached.format === CACHE_FORMAT && cached.table?.family === family ? cached.table : null;
}

/** How long the last table load took, and whether it came from the cache (for reports and tests). */
export interface TableLoad {
  family: 4 | 6;
  ranges: number;
  milliseconds: number;
  fromCache: boolean;
}

/**
 * Loads one family's ranges from the package: from `.cache/` when a cache for this package
 * version exists, else by parsing the CSV (then writing the cache; a failure to write is ignored).
 */
export function loadPackagedTable(family: 4 | 6, options: { packageDir?: string; cacheDir?: string | null; onLoad?: (load: TableLoad) => void } = {}): RangeTable {
  const started = performance.now();
  const dir = options.packageDir ?? packagedAsnDir();
  const version = packageVersion(dir);
  const cacheDir = options.cacheDir === undefined ? path.join(projectRoot(), '.cache') : options.cacheDir;
  const cacheFile = cacheDir ? path.join(cacheDir, `asn-ipv${family}-${version}.bin`) : null;
  if (cacheFile && fs.existsSync(cacheFile)) {
    try {
      const table = decodeTable(fs.readFileSync(cacheFile), family);
      if (table) {
        options.onLoad?.({ family, ranges: table.length, milliseconds: performance.now() - started, fromCache: true });
        return table;
      }
    } catch {
      // A damaged cache is rebuilt below.
    }
  }
  const file = path.join(dir, family === 4 ? V4_FILE : V6_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BotMapError(`The ASN data ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}). Run \`npm install\`, or set BOTMAP_ASN_MMDB to a GeoLite2-ASN .mmdb file.`);
  }
  let table: RangeTable;
  try {
    table = parseRanges(text, family, file);
  } catch (error) {
    throw new BotMapError(`The ASN data ${file} is not in the expected start,end,asn,org form: ${(error as Error).message}. Reinstall the package (\`npm install\`) or set BOTMAP_ASN_MMDB.`);
  }
  if (cacheFile) {
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      const temp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(temp, encodeTable(table));
      fs.renameSync(temp, cacheFile);
    } catch {
      // A read-only project folder: parse again next time.
    }
  }
  options.onLoad?.({ family, ranges: table.length, milliseconds: performance.now() - started, fromCache: false });
  return table;
}

function packagedAsnDir(): string {
  const dir = path.join(projectRoot(), 'node_modules', ...ASN_PACKAGE.split('/'));
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    throw new BotMapError(`The default ASN data (${dir}) is missing. Run \`npm install\` in ${projectRoot()}, or set BOTMAP_ASN_MMDB to a GeoLite2-ASN .mmdb file.`);
  }
  return dir;
}

function packageVersion(dir: string): string {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version as string;
}

/** The package's versions end in the build time, YYYYMMDDHH (2.3.2026061719 → 2026-06-17). */
function packageBuildDate(version: string): string {
  const m = /(\d{4})(\d{2})(\d{2})\d{2}$/.exec(version);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : 'unknown';
}

// --- Opening ---------------------------------------------------------------------------------

/** Looks addresses up in range tables, each family parsed on first use. */
export function rangeDatabase(info: DatabaseInfo, load: (family: 4 | 6) => RangeTable, now = Date.now()): AsnDatabase {
  const tables = { 4: null as RangeTable | null, 6: null as RangeTable | null };
  // One Network object per range, made on first use: lookups allocate nothing after that.
  const networks = { 4: [] as (Network | undefined)[], 6: [] as (Network | undefined)[] };
  const ipv4Words = new Uint32Array(1);
  const warnings: string[] = [];
  const stale = staleDataWarning(`The ASN data ${info.file}`, info.build_date, 'It is pinned so results are reproducible; for current networks, set BOTMAP_ASN_MMDB to a current GeoLite2-ASN .mmdb file from https://www.maxmind.com.', now);
  if (stale) warnings.push(stale);
  return {
    info,
    source: 'ip-location-db',
    ageDays: ageInDays(info.build_date, now),
    warnings,
    lookup(given: NormalisedAddress | string): Network | null {
      const address = typeof given === 'string' ? normaliseAddress(given) : given;
      if (address === null) return null;
      const family = address.version;
      const table = (tables[family] ??= load(family));
      if (family === 4) ipv4Words[0] = address.value;
      const i = findRange(table, address.version === 4 ? ipv4Words : address.words);
      return i < 0 ? null : (networks[family][i] ??= { asn: table.asns[i], org: table.orgs[table.orgIndex[i]] || null });
    },
  };
}

/** The packaged DB-IP/RouteViews ranges (`@ip-location-db/asn`), loaded lazily per address family. */
export function openPackagedAsnData(options: OpenOptions & { onLoad?: (load: TableLoad) => void; cacheDir?: string | null } = {}): AsnDatabase {
  const dir = packagedAsnDir();
  const version = packageVersion(dir);
  const info: DatabaseInfo = {
    type: `${ASN_PACKAGE} ${version}`,
    build_date: packageBuildDate(version),
    file: displayPath(dir),
    attribution: ASN_CREDIT,
  };
  return rangeDatabase(info, (family) => loadPackagedTable(family, { packageDir: dir, cacheDir: options.cacheDir, onLoad: options.onLoad }), options.now);
}

const ASN_NEEDS = 'a MaxMind GeoLite2-ASN (or GeoIP2-ISP)';
const ASN_DESCRIPTION = { name: 'ASN database', credit: 'ASN data', fix: 'Download a current GeoLite2 ASN database from https://www.maxmind.com.' };

/**
 * The ASN source for a run: `explicitPath` (else `BOTMAP_ASN_MMDB`), a GeoLite2-ASN .mmdb, or
 * the packaged ranges. A file that is not an ASN database fails with a BotMapError saying what
 * it is and what is needed.
 */
export function openAsnDatabase(explicitPath?: string | null, options: OpenOptions = {}): AsnDatabase {
  const chosen = explicitPath || process.env.BOTMAP_ASN_MMDB;
  if (!chosen) return openPackagedAsnData(options);
  const file = path.resolve(chosen);
  const { reader } = openMmdb<AsnResponse>(file, 'ASN database', ASN_NEEDS);
  const type = reader.metadata.databaseType;
  if (!/asn|isp/i.test(type)) {
    throw new BotMapError(
      `ASN database ${file} is a "${type}" database, which has no networks. BOTMAP_ASN_MMDB needs a GeoLite2-ASN (or GeoIP2-ISP) database; leave it unset to use the packaged DB-IP ASN data.`,
    );
  }
  const { info, ageDays, warnings } = describeMmdb(reader, file, ASN_DESCRIPTION, options.now ?? Date.now());
  // MaxMind's records repeat per network; keep one Network per (asn, org).
  const memo = new Map<string, Network>();
  return {
    info,
    source: 'mmdb',
    ageDays,
    warnings,
    lookup(given: NormalisedAddress | string): Network | null {
      const address = typeof given === 'string' ? normaliseAddress(given) : given;
      const record = address && reader.get(address.ip);
      const asn = record?.autonomous_system_number;
      if (typeof asn !== 'number') return null;
      const org = record!.autonomous_system_organization ?? null;
      const key = `${asn}\u0000${org ?? ''}`;
      let network = memo.get(key);
      if (!network) memo.set(key, (network = { asn, org }));
      return network;
    },
  };
}

/**
 * The network of each address (aligned with `addresses`); null for addresses that are not
 * public (never looked up) or not in the data.
 */
export function lookupNetworks(addresses: readonly NormalisedAddress[], database: AsnDatabase, onProgress?: (progress: LookupProgress) => void): (Network | null)[] {
  return lookUpPublic(addresses, (address) => database.lookup(address), null, onProgress);
}
