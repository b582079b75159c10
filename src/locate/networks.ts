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
import type { AsnResponse } from 'maxmind';
import { BotMapError } from '../errors';
import { ageInDays, GEOLITE_CREDIT, readMmdb, staleDataWarning, type OpenOptions } from './database';
import { displayPath } from '../project';
import { projectRoot } from '../project';
import type { NormalisedAddress } from './address';
import type { DatabaseInfo } from '../types';

/** The credit every view of the default ASN data carries (CC BY 4.0 requires it). */
export const ASN_CREDIT = 'ASN data: DB-IP (db-ip.com), RouteViews and NRO via ip-location-db, CC BY 4.0';

const ASN_PACKAGE = '@ip-location-db/asn';
const V4_FILE = 'asn-ipv4-num.csv';
const V6_FILE = 'asn-ipv6.csv';
/** Bump when the cache layout changes. */
const CACHE_FORMAT = 1;

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
  /** The network of a canonical address (`normaliseAddress(...).ip`), or null when unknown. */
  lookup(ip: string): Network | null;
}

// --- Addresses as numbers --------------------------------------------------------------------

/** A dotted-quad IPv4 address as an unsigned 32-bit number; -1 when it is not one. */
export function ipv4ToNumber(ip: string, from = 0, to = ip.length): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = ip.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

const groups = new Array<number>(8);

/**
 * Parses an IPv6 address (`::` compression and a trailing dotted IPv4 allowed) into four
 * big-endian 32-bit words at `out[at..at+3]`. Returns false when the text is not an address.
 * Allocates nothing.
 */
export function ipv6ToWords(ip: string, out: Uint32Array, at = 0, from = 0, to = ip.length): boolean {
  let count = 0;
  let gap = -1;
  let i = from;
  if (to - from >= 2 && ip.charCodeAt(i) === 58 && ip.charCodeAt(i + 1) === 58) {
    gap = 0;
    i += 2;
  }
  while (i < to) {
    const groupStart = i;
    let value = 0;
    for (; i < to && i - groupStart <= 4; i++) {
      const c = ip.charCodeAt(i);
      const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (h < 0) break;
      value = value * 16 + h;
    }
    if (i < to && ip.charCodeAt(i) === 46) {
      // A trailing dotted IPv4 address makes the last two groups.
      const v4 = ipv4ToNumber(ip, groupStart, to);
      if (v4 < 0 || count > 6) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      break;
    }
    const digits = i - groupStart;
    if (digits === 0 || digits > 4 || count === 8) return false;
    groups[count++] = value;
    if (i === to) break;
    if (ip.charCodeAt(i) !== 58) return false;
    i++;
    if (i < to && ip.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    } else if (i === to) return false;
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const missing = 8 - count;
  for (let g = 0, k = 0; g < 8; g++) {
    const v = gap >= 0 && g >= gap && g < gap + missing ? 0 : groups[k++];
    if (g % 2 === 0) out[at + (g >> 1)] = v * 65536;
    else out[at + (g >> 1)] += v;
  }
  return true;
}

const scratch = new Uint32Array(4);

/**
 * The /64 network an IPv6 address belongs to, in RFC 5952 form (`2001:db8:1:2::/64`); an
 * IPv4 address is returned as it is.
 */
export function ipv6Network64(ip: string): string {
  if (!ip.includes(':') || !ipv6ToWords(ip, scratch)) return ip;
  const hextets = [scratch[0] >>> 16, scratch[0] & 0xffff, scratch[1] >>> 16, scratch[1] & 0xffff, 0, 0, 0, 0];
  // RFC 5952: compress the longest run of zero groups (the first of equals), if longer than one.
  let bestStart = -1;
  let bestLength = 1;
  for (let g = 0; g < 8; ) {
    if (hextets[g] !== 0) {
      g++;
      continue;
    }
    let end = g;
    while (end < 8 && hextets[end] === 0) end++;
    if (end - g > bestLength) {
      bestStart = g;
      bestLength = end - g;
    }
    g = end;
  }
  const hex = hextets.map((h) => h.toString(16));
  const text = bestStart < 0 ? hex.join(':') : `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
  return `${text}/64`;
}

// --- Range tables ----------------------------------------------------------------------------

/**
 * Sorted, non-overlapping inclusive ranges with their ASN and organisation. IPv4 bounds take
 * one word per range, IPv6 bounds four (big-endian).
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

/** Index of the range holding the IPv4 number, or -1. */
export function findV4(table: RangeTable, ip: number): number {
  const { starts, ends } = table;
  let lo = 0;
  let hi = table.length - 1;
  // The last range starting at or before ip.
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] <= ip) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && ip <= ends[hi] ? hi : -1;
}

/** Compares the 4-word value at `a[i*4..]` with `w`. */
function compare128(a: Uint32Array, i: number, w: Uint32Array): number {
  const at = i * 4;
  for (let k = 0; k < 4; k++) {
    const x = a[at + k];
    const y = w[k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Index of the range holding the IPv6 address (4 words), or -1. */
export function findV6(table: RangeTable, words: Uint32Array): number {
  const { starts, ends } = table;
  let lo = 0;
  let hi = table.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (compare128(starts, mid, words) <= 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && compare128(ends, hi, words) >= 0 ? hi : -1;
}

/** Grows typed arrays while parsing. */
class Builder {
  length = 0;
  starts: Uint32Array;
  ends: Uint32Array;
  asns: Uint32Array;
  orgIndex: Uint32Array;
  readonly orgs: string[] = [];
  private readonly orgCodes = new Map<string, number>();
  /** Overlapping ranges trimmed (a later range takes precedence where two overlap). */
  trimmed = 0;
  constructor(readonly family: 4 | 6, capacity: number) {
    const words = family === 4 ? 1 : 4;
    this.starts = new Uint32Array(capacity * words);
    this.ends = new Uint32Array(capacity * words);
    this.asns = new Uint32Array(capacity);
    this.orgIndex = new Uint32Array(capacity);
  }
  org(name: string): number {
    let code = this.orgCodes.get(name);
    if (code === undefined) {
      code = this.orgs.length;
      this.orgs.push(name);
      this.orgCodes.set(name, code);
    }
    return code;
  }
  /** Makes room for one more range and returns its index. */
  next(): number {
    if (this.length === this.asns.length) {
      const words = this.family === 4 ? 1 : 4;
      const grow = <T extends Uint32Array>(a: T, per: number) => {
        const b = new Uint32Array(Math.max(1024, this.asns.length * 2) * per);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts, words);
      this.ends = grow(this.ends, words);
      this.asns = grow(this.asns, 1);
      this.orgIndex = grow(this.orgIndex, 1);
    }
    return this.length++;
  }
  table(): RangeTable {
    const words = this.family === 4 ? 1 : 4;
    return {
      family: this.family,
      length: this.length,
      starts: this.starts.slice(0, this.length * words),
      ends: this.ends.slice(0, this.length * words),
      asns: this.asns.slice(0, this.length),
      orgIndex: this.orgIndex.slice(0, this.length),
      orgs: this.orgs,
    };
  }
}

/** Reads a CSV field starting at `i` (quoted with "" escapes, or bare up to a comma or line end). Returns [text, index after the field]. */
function csvField(text: string, i: number, end: number): [string, number] {
  if (text.charCodeAt(i) !== 34) {
    let j = i;
    while (j < end && text.charCodeAt(j) !== 44) j++;
    return [text.slice(i, j), j];
  }
  let out = '';
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0 || q >= end) throw new Error('unterminated quoted field');
    out += text.slice(j, q);
    if (text.charCodeAt(q + 1) === 34) {
      out += '"';
      j = q + 2;
    } else return [out, q + 1];
  }
}

function lineEnd(text: string, from: number): number {
  const n = text.indexOf('\n', from);
  return n < 0 ? text.length : n;
}

/**
 * Walks the non-empty lines of a `start,end,asn,org` range file, handing each line's start, the
 * positions of its first three commas and its end (CR excluded) to `visit`.
 */
function forEachRangeLine(
  text: string,
  source: string,
  visit: (start: number, c1: number, c2: number, c3: number, stop: number, line: number) => void,
): void {
  let line = 1;
  for (let i = 0; i < text.length; line++) {
    const end = lineEnd(text, i);
    let stop = end;
    if (stop > i && text.charCodeAt(stop - 1) === 13) stop--;
    if (stop > i) {
      const c1 = text.indexOf(',', i);
      const c2 = c1 < 0 ? -1 : text.indexOf(',', c1 + 1);
      const c3 = c2 < 0 ? -1 : text.indexOf(',', c2 + 1);
      if (c3 < 0 || c3 >= stop) throw new Error(`${source} line ${line}: expected start,end,asn,org`);
      visit(i, c1, c2, c3, stop, line);
    }
    i = end + 1;
  }
}

/**
 * Parses `start,end,asn,org` lines with numeric IPv4 bounds (`asn-ipv4-num.csv`), sorted by start.
 * Where a range overlaps the one before it, the earlier one is trimmed to end before it.
 */
export function parseV4Csv(text: string, source = 'IPv4 ASN ranges'): RangeTable {
  const b = new Builder(4, Math.ceil(text.length / 40));
  forEachRangeLine(text, source, (i, c1, c2, c3, stop, line) => {
    const start = Number(text.slice(i, c1));
    const last = Number(text.slice(c1 + 1, c2));
    const asn = Number(text.slice(c2 + 1, c3));
    if (!(start >= 0 && last >= start && last <= 0xffffffff && asn >= 0 && asn <= 0xffffffff && Number.isInteger(start + last + asn))) {
      throw new Error(`${source} line ${line}: bad range ${text.slice(i, c3)}`);
    }
    const [org] = csvField(text, c3 + 1, stop);
    if (b.length > 0 && start <= b.ends[b.length - 1]) {
      if (start <= b.starts[b.length - 1]) throw new Error(`${source} line ${line}: ranges are not sorted`);
      b.ends[b.length - 1] = start - 1;
      b.trimmed++;
    }
    const k = b.next();
    b.starts[k] = start;
    b.ends[k] = last;
    b.asns[k] = asn;
    b.orgIndex[k] = b.org(org);
  });
  return b.table();
}

const previousEnd = new Uint32Array(4);

/** Parses `start,end,asn,org` lines with IPv6 bounds as text (`asn-ipv6.csv`), sorted by start. */
export function parseV6Csv(text: string, source = 'IPv6 ASN ranges'): RangeTable {
  const b = new Builder(6, Math.ceil(text.length / 60));
  forEachRangeLine(text, source, (i, c1, c2, c3, stop, line) => {
    const k = b.next();
    if (!ipv6ToWords(text, b.starts, k * 4, i, c1) || !ipv6ToWords(text, b.ends, k * 4, c1 + 1, c2) || compare128(b.ends, k, b.starts.subarray(k * 4, k * 4 + 4)) < 0) {
      throw new Error(`${source} line ${line}: bad range ${text.slice(i, c2)}`);
    }
    const asn = Number(text.slice(c2 + 1, c3));
    if (!(asn >= 0 && asn <= 0xffffffff && Number.isInteger(asn))) throw new Error(`${source} line ${line}: bad ASN`);
    b.asns[k] = asn;
    b.orgIndex[k] = b.org(csvField(text, c3 + 1, stop)[0]);
    if (k > 0) {
      const start = b.starts.subarray(k * 4, k * 4 + 4);
      if (compare128(b.starts, k - 1, start) >= 0) throw new Error(`${source} line ${line}: ranges are not sorted`);
      if (compare128(b.ends, k - 1, start) >= 0) {
        // Trim the earlier range to end just before this one starts.
        previousEnd.set(start);
        for (let w = 3; w >= 0; w--) {
          if (previousEnd[w] > 0) {
            previousEnd[w]--;
            break;
          }
          previousEnd[w] = 0xffffffff;
        }
        b.ends.set(previousEnd, (k - 1) * 4);
        b.trimmed++;
      }
    }
  });
  return b.table();
}

// --- Cache -----------------------------------------------------------------------------------

const MAGIC = 0x4e53_4d42; // "BMSN"

function encodeTable(t: RangeTable): Buffer {
  const orgs = Buffer.from(JSON.stringify(t.orgs), 'utf8');
  const header = new Uint32Array([MAGIC, CACHE_FORMAT, t.family, t.length, orgs.length]);
  const parts = [header, t.starts, t.ends, t.asns, t.orgIndex].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return Buffer.concat([...parts, orgs]);
}

function decodeTable(buffer: Buffer, family: 4 | 6): RangeTable | null {
  // Copy into a fresh, aligned ArrayBuffer so the typed arrays can view it directly.
  const bytes = new Uint8Array(buffer.byteLength);
  bytes.set(buffer);
  const words = new Uint32Array(bytes.buffer, 0, Math.floor(bytes.byteLength / 4));
  if (words.length < 5 || words[0] !== MAGIC || words[1] !== CACHE_FORMAT || words[2] !== family) return null;
  const length = words[3];
  const orgBytes = words[4];
  const per = family === 4 ? 1 : 4;
  let at = 5;
  const take = (n: number) => {
    const a = words.subarray(at, at + n);
    at += n;
    return a;
  };
  if (bytes.byteLength !== (5 + length * (2 * per + 2)) * 4 + orgBytes) return null;
  const starts = take(length * per);
  const ends = take(length * per);
  const asns = take(length);
  const orgIndex = take(length);
  const orgs = JSON.parse(Buffer.from(bytes.buffer, at * 4, orgBytes).toString('utf8')) as string[];
  return { family, length, starts, ends, asns, orgIndex, orgs };
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
    table = family === 4 ? parseV4Csv(text, file) : parseV6Csv(text, file);
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
  let v4: RangeTable | null = null;
  let v6: RangeTable | null = null;
  // One Network object per range, made on first use: lookups allocate nothing after that.
  let v4Networks: (Network | undefined)[] = [];
  let v6Networks: (Network | undefined)[] = [];
  const words = new Uint32Array(4);
  const network = (table: RangeTable, memo: (Network | undefined)[], i: number): Network =>
    (memo[i] ??= { asn: table.asns[i], org: table.orgs[table.orgIndex[i]] || null });
  const warnings: string[] = [];
  const stale = staleDataWarning(`The ASN data ${info.file}`, info.build_date, 'It is pinned so results are reproducible; for current networks, set BOTMAP_ASN_MMDB to a current GeoLite2-ASN .mmdb file from https://www.maxmind.com.', now);
  if (stale) warnings.push(stale);
  return {
    info,
    source: 'ip-location-db',
    ageDays: ageInDays(info.build_date, now),
    warnings,
    lookup(ip: string): Network | null {
      if (ip.includes(':')) {
        if (!ipv6ToWords(ip, words)) return null;
        if (!v6) {
          v6 = load(6);
          v6Networks = new Array(v6.length);
        }
        const i = findV6(v6, words);
        return i < 0 ? null : network(v6, v6Networks, i);
      }
      const n = ipv4ToNumber(ip);
      if (n < 0) return null;
      if (!v4) {
        v4 = load(4);
        v4Networks = new Array(v4.length);
      }
      const i = findV4(v4, n);
      return i < 0 ? null : network(v4, v4Networks, i);
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

/**
 * The ASN source for a run: `explicitPath` (else `BOTMAP_ASN_MMDB`), a GeoLite2-ASN .mmdb, or
 * the packaged ranges. A file that is not an ASN database fails with a BotMapError saying what
 * it is and what is needed.
 */
export function openAsnDatabase(explicitPath?: string | null, options: OpenOptions = {}): AsnDatabase {
  const chosen = explicitPath || process.env.BOTMAP_ASN_MMDB;
  if (!chosen) return openPackagedAsnData(options);
  const file = path.resolve(chosen);
  const reader = readMmdb<AsnResponse>(file, 'ASN database', ASN_NEEDS);
  const type = reader.metadata.databaseType;
  if (!/asn|isp/i.test(type)) {
    throw new BotMapError(
      `ASN database ${file} is a "${type}" database, which has no networks. BOTMAP_ASN_MMDB needs a GeoLite2-ASN (or GeoIP2-ISP) database; leave it unset to use the packaged DB-IP ASN data.`,
    );
  }
  const buildDate = reader.metadata.buildEpoch.toISOString().slice(0, 10);
  const info: DatabaseInfo = {
    type,
    build_date: buildDate,
    file: displayPath(file),
    attribution: /geolite/i.test(type) ? GEOLITE_CREDIT : `ASN data: ${type} database by MaxMind, built ${buildDate}`,
  };
  const now = options.now ?? Date.now();
  const warnings: string[] = [];
  const stale = staleDataWarning(`The ASN database ${info.file} (${type})`, buildDate, 'Download a current GeoLite2 ASN database from https://www.maxmind.com.', now);
  if (stale) warnings.push(stale);
  // MaxMind's records repeat per network; keep one Network per (asn, org).
  const memo = new Map<string, Network>();
  return {
    info,
    source: 'mmdb',
    ageDays: ageInDays(buildDate, now),
    warnings,
    lookup(ip: string): Network | null {
      const record = reader.get(ip);
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

export interface NetworkProgress {
  done: number;
  total: number;
}

/**
 * The network of each address (aligned with `addresses`); null for addresses that are not
 * public (never looked up) or not in the data.
 */
export function lookupNetworks(addresses: readonly NormalisedAddress[], database: AsnDatabase, onProgress?: (progress: NetworkProgress) => void): (Network | null)[] {
  const result = new Array<Network | null>(addresses.length);
  const step = 16384;
  for (let i = 0; i < addresses.length; i++) {
    const address = addresses[i];
    result[i] = address.isPublic ? database.lookup(address.ip) : null;
    if (onProgress && (i + 1) % step === 0) onProgress({ done: i + 1, total: addresses.length });
  }
  onProgress?.({ done: addresses.length, total: addresses.length });
  return result;
}
