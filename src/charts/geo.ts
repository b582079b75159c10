import { geoEqualEarth, geoEquirectangular, geoNaturalEarth1, geoPath, type GeoProjection, type GeoStream } from 'd3-geo';

export type ProjectionName = 'equal-earth' | 'natural-earth' | 'equirectangular';

export const PROJECTIONS: Record<ProjectionName, () => GeoProjection> = {
  'equal-earth': geoEqualEarth,
  'natural-earth': geoNaturalEarth1,
  equirectangular: geoEquirectangular,
};

export const SPHERE = { type: 'Sphere' } as const;

/**
 * A world projection fitted to `width` with an inset on every side, and the height the sphere
 * then needs.
 */
export function fitWorld(name: ProjectionName, width: number, inset = 8): { projection: GeoProjection; height: number } {
  const factory = PROJECTIONS[name];
  if (!factory) throw new Error(`Unknown projection "${name}": use ${Object.keys(PROJECTIONS).join(', ')}.`);
  const projection = factory();
  projection.fitWidth(width - 2 * inset, SPHERE as any);
  const [[, y0], [, y1]] = geoPath(projection).bounds(SPHERE as any);
  const height = Math.ceil(y1 - y0) + 2 * inset;
  const [tx, ty] = projection.translate();
  projection.translate([tx + inset, ty + inset - y0]);
  return { projection, height };
}

/**
 * The projection as Plot uses it, with every projected point rounded to a tenth of a pixel:
 * paths come out about half the size of d3's default three decimals, which is invisible at 2×.
 */
export function roundedProjection(projection: GeoProjection): { stream(output: GeoStream): GeoStream } {
  return {
    stream(output: GeoStream) {
      let lastX = NaN;
      let lastY = NaN;
      const rounding: GeoStream = {
        point(x, y) {
          x = Math.round(x * 10) / 10;
          y = Math.round(y * 10) / 10;
          // Points that round onto the previous one add nothing to the path.
          if (x === lastX && y === lastY) return;
          lastX = x;
          lastY = y;
          output.point(x, y);
        },
        lineStart() {
          lastX = lastY = NaN;
          output.lineStart();
        },
        lineEnd() {
          output.lineEnd();
        },
        polygonStart() {
          output.polygonStart();
        },
        polygonEnd() {
          output.polygonEnd();
        },
        sphere() {
          output.sphere?.();
        },
      };
      return projection.stream(rounding);
    },
  };
}

/** Graticule lines every 20°, meridians stopping at ±80° (calmer than d3's 10° default). */
export function geoGraticuleLines() {
  const coordinates: [number, number][][] = [];
  for (let lon = -180; lon <= 180; lon += 20) {
    const line: [number, number][] = [];
    for (let lat = -80; lat <= 80; lat += 2.5) line.push([lon, lat]);
    coordinates.push(line);
  }
  for (let lat = -80; lat <= 80; lat += 20) {
    const line: [number, number][] = [];
    for (let lon = -180; lon <= 180; lon += 2.5) line.push([lon, lat]);
    coordinates.push(line);
  }
  return { type: 'MultiLineString' as const, coordinates };
}
