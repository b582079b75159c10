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

/** Mean Earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;

const RAD = Math.PI / 180;

/** Great-circle distance between two points, km (haversine). */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** A city to cluster: a PlaceCity, optionally with its country's name. */
export type ClusterInput = PlaceCity & { country_name?: string | null };

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
 * after its largest city (the seed) and centred on the address-weighted mean of its cities'
 * coordinates; `radius_km` is the distance from that centre to the farthest member.
 * Cities without finite coordinates are left out.
 */
export function clusterPlaces(cities: readonly ClusterInput[], radiusKm: number): PlaceCluster[] {
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
    places.push(makePlace(members.map((j) => sorted[j])));
  }
  return places.sort(comparePlaces);
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
    name: seed.city,
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
