/**
 * Places: cities that lie close together, ranked as one. A metro area that the database splits
 * into many towns (Buenos Aires, Quilmes, Morón, La Plata…) then ranks by its real weight.
 *
 * Greedy and deterministic: cities are put in a total order (distinct addresses, then events,
 * descending; then name, country, subdivision, latitude, longitude); each city not yet in a
 * place, in that order, seeds a place that takes every unassigned city within the radius of the
 * seed (great-circle distance). The same cities give the same places whatever their input order.
 */
import type { PlaceCity, PlaceCluster } from '../types';
import { compareText, largestFirst } from './ranking';
import { EARTH_RADIUS_KM, haversineKm } from './geometry';
import type { Gazetteer } from './gazetteer';

export { EARTH_RADIUS_KM, haversineKm };

const RAD = Math.PI / 180;

/** A city to cluster: a PlaceCity, optionally with its country's name. */
export type ClusterInput = PlaceCity & { country_name?: string | null };

/** A point as degrees of latitude and longitude, for a reader: `58.41° N, 15.62° E`. */
export function formatCoordinates(latitude: number, longitude: number): string {
  const part = (value: number, positive: string, negative: string) => `${Math.abs(value).toFixed(2)}° ${value < 0 ? negative : positive}`;
  return `${part(latitude, 'N', 'S')}, ${part(longitude, 'E', 'W')}`;
}

/**
 * What to call a city: its name; a city given without one (a CSV of points with empty cities)
 * by its country, else by its coordinates. Its label, not its data: tables keep the name as given.
 */
export function cityLabel(c: { city: string | null; country?: string | null; country_name?: string | null; latitude: number; longitude: number }): string {
  return c.city || c.country_name || c.country || formatCoordinates(c.latitude, c.longitude);
}

/** A city's label with its country code (`Berlin, DE`) where it has both, else `cityLabel`. */
export function cityAndCountry(c: Parameters<typeof cityLabel>[0]): string {
  return c.city && c.country ? `${c.city}, ${c.country}` : cityLabel(c);
}

/**
 * Which city a row of the addresses (or of the cities table) belongs to: its country, subdivision
 * and name, and for a city given without a name its coordinates (see the cities table).
 */
export function cityKey(c: { country: string | null; subdivision: string | null; city: string | null; latitude: number | null; longitude: number | null }): string {
  const key = `${c.country ?? ''}\u0000${c.subdivision ?? ''}\u0000${c.city ?? ''}`;
  return c.city == null ? `${key}\u0000${c.latitude}|${c.longitude}` : key;
}

/** How places are named after the gazetteer: the cities within `radiusKm` of a place's largest city. */
export interface PlaceNaming {
  gazetteer: Gazetteer;
  radiusKm: number;
}

const largest = largestFirst<PlaceCity | PlaceCluster>((p) => p.ips, (p) => p.events);

/** The total order cities are ranked in: the ranking order, then by position. */
export function compareCities(a: PlaceCity, b: PlaceCity): number {
  return largest(a, b) || compareText(a.city, b.city) || compareText(a.country, b.country) || compareText(a.subdivision, b.subdivision) || a.latitude - b.latitude || a.longitude - b.longitude;
}

/** The order places are ranked in: the ranking order, then by position. */
export function comparePlaces(a: PlaceCluster, b: PlaceCluster): number {
  return largest(a, b) || compareText(a.name, b.name) || compareText(a.country, b.country) || a.latitude - b.latitude || a.longitude - b.longitude;
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * Groups cities into places of the given radius (km), largest place first. Each place is named
 * after its largest city (the seed) or, with `naming`, after the most populous gazetteer city
 * within `naming.radiusKm` of it (see `namePlace`), and centred on the address-weighted mean of its cities'
 * coordinates; `radius_km` is the distance from that centre to the farthest member.
 * Cities without finite coordinates are left out.
 */
export function clusterPlaces(cities: readonly ClusterInput[], radiusKm: number, naming?: PlaceNaming): PlaceCluster[] {
  const sorted = cities.filter((c) => Number.isFinite(c.latitude) && Number.isFinite(c.longitude)).sort(compareCities);
  const n = sorted.length;
  // Unit vectors and a grid of cubes whose side is the chord of the radius: every city within
  // the radius of a seed lies in the seed's cube or one of its 26 neighbours.
  const xyz = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const lat = sorted[i].latitude * RAD;
    const lon = sorted[i].longitude * RAD;
    xyz[i * 3] = Math.cos(lat) * Math.cos(lon);
    xyz[i * 3 + 1] = Math.cos(lat) * Math.sin(lon);
    xyz[i * 3 + 2] = Math.sin(lat);
  }
  const radius = Math.max(0, radiusKm);
  const chord = 2 * Math.sin(Math.min(Math.PI, radius / EARTH_RADIUS_KM) / 2);
  // Cubes no smaller than 1/512 of the sphere's width (a 0 km radius still groups identical points).
  const side = Math.max(chord, 2 / 512) * (1 + 1e-9);
  const cell = (i: number, axis: number) => Math.floor(xyz[i * 3 + axis] / side);
  // A cube's coordinates, and its neighbours', lie within ±(512 / 2 + 1): a number names it.
  const key = (x: number, y: number, z: number) => ((x + 257) * 515 + (y + 257)) * 515 + (z + 257);
  const grid = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const k = key(cell(i, 0), cell(i, 1), cell(i, 2));
    const list = grid.get(k);
    if (list) list.push(i);
    else grid.set(k, [i]);
  }

  const assigned = new Uint8Array(n);
  const places: PlaceCluster[] = [];
  for (let s = 0; s < n; s++) {
    if (assigned[s]) continue;
    const seed = sorted[s];
    const members: number[] = [];
    const cx = cell(s, 0);
    const cy = cell(s, 1);
    const cz = cell(s, 2);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dz = -1; dz <= 1; dz++) {
          const list = grid.get(key(cx + dx, cy + dy, cz + dz));
          if (!list) continue;
          // Cities already in a place are dropped from their cube as it is walked: dense cubes are
          // walked by many seeds, and would otherwise be walked whole by each.
          let kept = 0;
          for (let k = 0; k < list.length; k++) {
            const j = list[k];
            if (assigned[j]) continue;
            list[kept++] = j;
            const c = sorted[j];
            if (j === s || haversineKm(seed.latitude, seed.longitude, c.latitude, c.longitude) <= radius) members.push(j);
          }
          list.length = kept;
        }
      }
    }
    // Members in rank order (the seed first): the order the grid was walked in does not matter.
    members.sort((a, b) => a - b);
    for (const j of members) assigned[j] = 1;
    const place = makePlace(members.map((j) => sorted[j]));
    places.push(naming ? namePlace(place, naming) : place);
  }
  return places.sort(comparePlaces);
}

/**
 * How much more populous than the largest city a gazetteer city near it must be to name the
 * place: a suburb takes its metropolis's name, a city of its own (Durham beside Raleigh, Halle
 * beside Leipzig) keeps its own.
 */
export const METROPOLIS_FACTOR = 3;

/**
 * The place named as people know it: after the most populous gazetteer city within the naming
 * radius of its largest city (of the same country, when the country is known). A suburb takes its
 * metropolis's name (Ituzaingó → Buenos Aires); a town with no larger city that near keeps its
 * own. The largest city keeps its name where it is in the gazetteer itself (under its own or
 * another spelling: Montréal, Xi’an, New York City) and that city is not `METROPOLIS_FACTOR`
 * times as populous. The database's names stay in `largest_city` and `cities`.
 */
export function namePlace(place: PlaceCluster, naming: PlaceNaming): PlaceCluster {
  const largest = place.cities[0];
  if (!largest) return place;
  const near = naming.gazetteer.near(largest.latitude, largest.longitude, naming.radiusKm, largest.country);
  if (!near.length) return place;
  const top = near[0].city;
  // Only a city of more than a third of the top's people can be the largest city itself and keep its name.
  const name = largest.city;
  if (name !== null && near.some((n) => METROPOLIS_FACTOR * n.city.population > top.population && sameCityName(name, n.city.name))) return place;
  return { ...place, name: top.name };
}

/** Names already reduced (the gazetteer's recur from place to place and from run to run of a notebook). */
const reduced = new Map<string, string>();

/** A name reduced to lower-case ASCII words: accents, apostrophes and punctuation dropped, `St` read as `Saint`. */
function nameWords(name: string): string {
  let words = reduced.get(name);
  if (words === undefined) {
    if (reduced.size >= 100_000) reduced.clear();
    reduced.set(name, (words = reduceName(name)));
  }
  return words;
}

function reduceName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘`ʼ]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^st /, 'saint ');
}

/**
 * Whether two names are one city's, as the database and GeoNames spell it: the same words, one
 * name the other's first words (New York, New York City), or a transliteration a few letters
 * apart (Grozny, Groznyy; Antwerp, Antwerpen). Used only on a city and the gazetteer's cities
 * near it. Not a name within another: the City of London is not London's own entry.
 */
export function sameCityName(a: string, b: string): boolean {
  const x = nameWords(a);
  const y = nameWords(b);
  if (!x || !y) return false;
  if (x === y || x.startsWith(`${y} `) || y.startsWith(`${x} `)) return true;
  const allowed = Math.max(1, Math.round(Math.max(x.length, y.length) / 4));
  return Math.abs(x.length - y.length) <= allowed && editDistance(x, y) <= allowed;
}

/** Levenshtein distance (short names only: two rows of the table). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** A place from its member cities, the first being the seed. */
function makePlace(members: readonly ClusterInput[]): PlaceCluster {
  const seed = members[0];
  let weight = 0;
  let lat = 0;
  let lon = 0;
  let ips = 0;
  let events = 0;
  for (const c of members) {
    // Longitudes relative to the seed, so a place across the antimeridian averages correctly.
    let dLon = c.longitude - seed.longitude;
    if (dLon > 180) dLon -= 360;
    else if (dLon < -180) dLon += 360;
    const w = Math.max(c.ips, 0) || 1;
    weight += w;
    lat += w * c.latitude;
    lon += w * dLon;
    ips += c.ips;
    events += c.events;
  }
  const latitude = lat / weight;
  let longitude = seed.longitude + lon / weight;
  if (longitude > 180) longitude -= 360;
  else if (longitude <= -180) longitude += 360;
  let radius = 0;
  for (const c of members) radius = Math.max(radius, haversineKm(latitude, longitude, c.latitude, c.longitude));
  return {
    name: cityLabel(seed),
    largest_city: seed.city,
    country: seed.country,
    country_name: seed.country_name ?? null,
    latitude: round(latitude, 4),
    longitude: round(longitude, 4),
    radius_km: round(radius, 1),
    ips,
    events,
    cities: members.map(({ city, subdivision, country, latitude, longitude, ips, events }) => ({ city, subdivision, country, latitude, longitude, ips, events })),
  };
}
