import fs from 'node:fs';
import path from 'node:path';
import { feature, mesh, merge } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Geometry } from 'geojson';
import { projectRoot } from './project';

export type AtlasResolution = '110m' | '50m' | '10m';

export interface Atlas {
  land: MultiPolygon;
  /** Borders between countries (not coastlines). */
  borders: MultiLineString;
  countries: FeatureCollection<Geometry, { name: string }>;
}

const cache = new Map<AtlasResolution, Atlas>();

/** Natural Earth shapes from the `world-atlas` package, read once per resolution. */
export function loadAtlas(resolution: AtlasResolution = '50m'): Atlas {
  const cached = cache.get(resolution);
  if (cached) return cached;
  const file = path.join(projectRoot(), 'node_modules', 'world-atlas', `countries-${resolution}.json`);
  const topology = JSON.parse(fs.readFileSync(file, 'utf8')) as Topology;
  const countriesObject = topology.objects.countries as GeometryCollection<{ name: string }>;
  const atlas: Atlas = {
    land: merge(topology, countriesObject.geometries as any),
    borders: mesh(topology, countriesObject, (a, b) => a !== b),
    countries: feature(topology, countriesObject) as FeatureCollection<Geometry, { name: string }>,
  };
  cache.set(resolution, atlas);
  return atlas;
}

export type { Feature };
