/**
 * What of a world layer a regional map draws: the shapes cut down to the region before they are
 * projected. A zoomed map projected whole 10m Natural Earth layers (every border of the world,
 * every island of a country) only for the rectangle clip to throw nearly all of it away.
 *
 * Only parts that would draw nothing are dropped, so the SVG stays the same to the byte: a
 * polygon or line that does not reach the drawn rectangle leaves no trace in d3's clipped path
 * (a polygon is streamed between its own polygonStart and polygonEnd, and the rectangle clip
 * emits nothing for one that neither crosses nor encloses the rectangle).
 */
import { geoBounds, type GeoProjection } from 'd3-geo';
import type { Feature, Geometry, MultiLineString, Position } from 'geojson';

/** Bounds as d3's `geoBounds` gives them: [[west, south], [east, north]], west > east across the antimeridian. */
export type GeoBox = [[number, number], [number, number]];

const WORLD: GeoBox = [
  [-180, -90],
  [180, 90],
];

/**
 * How far a shape may reach beyond the box of its vertices, degrees: the great-circle edges
 * between vertices bow out by less than 0.04° (the longest edge of the 10m and 50m layers is
 * 3.9°), and a rectangle edge between two of the points sampled on it by less than this too.
 */
const SLACK = 1;

/** Longitude spans of a box, split at the antimeridian. */
function lonSpans([[west], [east]]: GeoBox): [number, number][] {
  return west <= east
    ? [[west, east]]
    : [
        [west, 180],
        [-180, east],
      ];
}

/** Whether two boxes meet. */
export function boxesMeet(a: GeoBox, b: GeoBox): boolean {
  if (a[1][1] < b[0][1] || a[0][1] > b[1][1]) return false;
  return lonSpans(a).some(([w, e]) => lonSpans(b).some(([c, d]) => w <= d && c <= e));
}

/**
 * The box of a shape's vertices widened by `SLACK`, which holds the whole spherical shape; the
 * world for a shape spanning more than half the longitudes (across the antimeridian, or round
 * a pole), whose vertices do not say where it lies. (The atlas fixed the winding of every
 * polygon, so none stands for the rest of the sphere.)
 */
function vertexBox(lines: readonly (readonly Position[])[]): GeoBox {
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (const line of lines) {
    for (const [lon, lat] of line) {
      if (lon < west) west = lon;
      if (lon > east) east = lon;
      if (lat < south) south = lat;
      if (lat > north) north = lat;
    }
  }
  if (east - west > 180) return WORLD;
  if (west - SLACK < -180 || east + SLACK > 180) return [[-180, south - SLACK], [180, north + SLACK]];
  return [
    [west - SLACK, south - SLACK],
    [east + SLACK, north + SLACK],
  ];
}

// The atlas is read once per resolution, so its shapes' boxes are worth keeping.
const vertexBoxes = new WeakMap<object, GeoBox>();
const featureBounds = new WeakMap<object, GeoBox>();

function cachedVertexBox(key: object, lines: () => readonly (readonly Position[])[]): GeoBox {
  let box = vertexBoxes.get(key);
  if (!box) vertexBoxes.set(key, (box = vertexBox(lines())));
  return box;
}

function polygonsOf(geometry: Geometry | null): Position[][][] {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  return geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
}

/**
 * The features whose `geoBounds` meet `bounds`. The exact spherical bounds are computed (once per
 * feature) only for features whose vertex box meets `bounds`: the others cannot.
 */
export function featuresMeeting<F extends Feature>(features: readonly F[], bounds: GeoBox): F[] {
  return features.filter((f) => {
    if (!f.geometry) return false;
    if (!boxesMeet(cachedVertexBox(f, () => polygonsOf(f.geometry).flat()), bounds)) return false;
    let exact = featureBounds.get(f);
    if (!exact) featureBounds.set(f, (exact = geoBounds(f as never) as GeoBox));
    return boxesMeet(exact, bounds);
  });
}

/**
 * The bounds of what `projection` draws into the rectangle [0, 0]–[width, height], from points
 * sampled along its edges (and the poles, when one is inside); the world when a corner lies
 * beyond the projection.
 */
export function drawnBounds(projection: GeoProjection, width: number, height: number, samples = 48): GeoBox {
  const edge: [number, number][] = [];
  for (let i = 0; i < samples; i++) {
    const t = i / samples;
    edge.push([t * width, 0], [width, t * height], [width - t * width, height], [0, height - t * height]);
  }
  const points = edge.map((p) => projection.invert?.(p) ?? [NaN, NaN]);
  if (!points.every(([lon, lat]) => Number.isFinite(lon) && Number.isFinite(lat))) return WORLD;
  const [[west, south], [east, north]] = geoBounds({ type: 'LineString', coordinates: points }) as GeoBox;
  const inside = (lat: number) => {
    const p = projection([0, lat]);
    return p !== null && p[0] >= 0 && p[0] <= width && p[1] >= 0 && p[1] <= height;
  };
  if (inside(90) || north + SLACK >= 90) return [[-180, south - SLACK], [180, 90]];
  if (inside(-90) || south - SLACK <= -90) return [[-180, -90], [180, north + SLACK]];
  const wide = west <= east ? east - west : east + 360 - west;
  if (wide + 2 * SLACK >= 360) return [[-180, south - SLACK], [180, north + SLACK]];
  const wrap = (lon: number) => (lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon);
  return [
    [wrap(west - SLACK), south - SLACK],
    [wrap(east + SLACK), north + SLACK],
  ];
}

/** `features` with the polygons of each that do not reach `region` left out (the features themselves all stay). */
export function polygonsWithin<F extends Feature>(features: readonly F[], region: GeoBox): F[] {
  return features.map((f) => {
    if (f.geometry?.type !== 'MultiPolygon') return f;
    const polygons = f.geometry.coordinates;
    const kept = polygons.filter((polygon) => boxesMeet(cachedVertexBox(polygon, () => polygon), region));
    return kept.length === polygons.length ? f : { ...f, geometry: { type: 'MultiPolygon', coordinates: kept } };
  });
}

/** The lines of `lines` that reach `region`. */
export function linesWithin(lines: MultiLineString, region: GeoBox): MultiLineString {
  return { type: 'MultiLineString', coordinates: lines.coordinates.filter((line) => boxesMeet(cachedVertexBox(line, () => [line]), region)) };
}
