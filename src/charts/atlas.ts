import fs from 'node:fs';
import path from 'node:path';
import countries from 'i18n-iso-countries';
import { geoArea, geoCentroid } from 'd3-geo';
import { feature, mesh, merge } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Geometry } from 'geojson';
import { projectRoot } from '../project';

export type AtlasResolution = '110m' | '50m' | '10m';

/** A country shape with the ISO 3166-1 alpha-2 code MaxMind would give its addresses. */
export type CountryFeature = Feature<Geometry, { name: string; alpha2: string | null }>;

export interface Atlas {
  land: MultiPolygon;
  /** Borders between countries (not coastlines). */
  borders: MultiLineString;
  countries: FeatureCollection<Geometry, { name: string }>;
  /** Shapes by ISO alpha-2 code (a code may have several shapes, e.g. Somalia and Somaliland). */
  byAlpha2: Map<string, CountryFeature[]>;
}

// Natural Earth shapes that carry no ISO numeric code in world-atlas, and the code MaxMind gives
// addresses there: Kosovo has the user-assigned XK; Somaliland and Northern Cyprus are reported
// as Somalia and Cyprus.
const UNCODED_SHAPES: Record<string, string> = { Kosovo: 'XK', Somaliland: 'SO', 'N. Cyprus': 'CY' };

// The 10m atlas (76 MB once its countries are built) is held only while something uses it: the
// botmap job draws its two zoomed maps in one go and no 10m shape after, so that memory is free
// for the rest of the run. A zoomed map drawn later reads it again (~0.3 s).
const cache = new Map<AtlasResolution, Atlas | WeakRef<Atlas>>();

/** The ISO 3166-1 alpha-2 code of a world-atlas feature (id: ISO numeric), via i18n-iso-countries. */
export function featureAlpha2(id: string | number | undefined, name: string): string | null {
  if (id != null && id !== '') {
    const code = countries.numericToAlpha2(String(id).padStart(3, '0'));
    if (code) return code;
  }
  return UNCODED_SHAPES[name] ?? null;
}

/**
 * Reverses the rings of polygons wound the wrong way for d3's spherical geometry (a polygon
 * covering more than a hemisphere: the 10m Maldives), which would otherwise fill the whole map.
 */
function fixWinding(geometry: Geometry | null): void {
  if (!geometry) return;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  for (const rings of polygons) {
    if (geoArea({ type: 'Polygon', coordinates: rings }) > 2 * Math.PI) for (const ring of rings) ring.reverse();
  }
}

/**
 * Natural Earth shapes from the `world-atlas` package, read once per resolution. Land, borders
 * and the code index are built on first use (merging the 50m land alone takes ~100 ms).
 */
export function loadAtlas(resolution: AtlasResolution = '50m'): Atlas {
  const cached = cache.get(resolution);
  const alive = cached instanceof WeakRef ? cached.deref() : cached;
  if (alive) return alive;
  const file = path.join(projectRoot(), 'node_modules', 'world-atlas', `countries-${resolution}.json`);
  const topology = JSON.parse(fs.readFileSync(file, 'utf8')) as Topology;
  const countriesObject = topology.objects.countries as GeometryCollection<{ name: string }>;
  let land: MultiPolygon | undefined;
  let borders: MultiLineString | undefined;
  let collection: FeatureCollection<Geometry, { name: string }> | undefined;
  let byAlpha2: Map<string, CountryFeature[]> | undefined;
  const atlas: Atlas = {
    get land() {
      return (land ??= merge(topology, countriesObject.geometries as any));
    },
    get borders() {
      return (borders ??= mesh(topology, countriesObject, (a, b) => a !== b));
    },
    get countries() {
      if (!collection) {
        collection = feature(topology, countriesObject) as FeatureCollection<Geometry, { name: string }>;
        for (const f of collection.features) fixWinding(f.geometry);
      }
      return collection;
    },
    get byAlpha2() {
      if (!byAlpha2) {
        byAlpha2 = new Map();
        for (const f of atlas.countries.features) {
          const alpha2 = featureAlpha2(f.id, f.properties.name);
          if (!alpha2) continue;
          const shaped = { ...f, properties: { ...f.properties, alpha2 } } as CountryFeature;
          const list = byAlpha2.get(alpha2);
          if (list) list.push(shaped);
          else byAlpha2.set(alpha2, [shaped]);
        }
      }
      return byAlpha2;
    },
  };
  cache.set(resolution, resolution === '10m' ? new WeakRef(atlas) : atlas);
  return atlas;
}

/** ISO alpha-2 → English short name (i18n-iso-countries), for codes the database left unnamed. */
export function countryName(alpha2: string): string | null {
  return countries.getName(alpha2, 'en') ?? null;
}

/**
 * Where each country code is drawn: its shapes at `resolution`, or, for a country too small to
 * have a shape at 110m (Singapore, Hong Kong, Malta…), the centroid of its 50m shape, to draw
 * as a dot. Codes with neither are `unmatched`.
 */
export function matchCountries(
  codes: readonly string[],
  resolution: AtlasResolution,
): { shapes: Map<string, CountryFeature[]>; points: Map<string, [number, number]>; unmatched: string[] } {
  const atlas = loadAtlas(resolution);
  const shapes = new Map<string, CountryFeature[]>();
  const points = new Map<string, [number, number]>();
  const unmatched: string[] = [];
  for (const code of codes) {
    const upper = code.toUpperCase();
    const found = atlas.byAlpha2.get(upper);
    if (found) {
      shapes.set(code, found);
      continue;
    }
    let point: [number, number] | null = null;
    if (resolution === '110m') {
      const small = loadAtlas('50m').byAlpha2.get(upper);
      if (small) point = geoCentroid({ type: 'FeatureCollection', features: small } as any) as [number, number];
    }
    if (point) points.set(code, point);
    else unmatched.push(code);
  }
  return { shapes, points, unmatched };
}
