import * as Plot from '@observablehq/plot';
import { geoAzimuthalEqualArea, geoBounds, geoCircle, geoOrthographic, geoPath } from 'd3-geo';
import { loadAtlas, type AtlasResolution } from './atlas';
import type { SvgNode } from './dom';
import { placeLabels, type PlacedLabel } from './labels';
import { el, formatCount, framed, ofAll, countOf, setup, type Chart, type ChartOptions } from './frame';
import { roundedProjection } from './geo';
import { drawnBounds, featuresMeeting, linesWithin, polygonsWithin, type GeoBox } from './region';
import { niceSizeValues, sizeLegend } from './legends';
import { customMark, dotsGroup, labelHeight, labelsGroup, labelWidth, type LabelText, type PixelDot } from './marks';
import type { Theme } from './theme';
import { dotRadius } from './world-map';
import { cityLabel } from '../aggregate/places';

const EARTH_RADIUS_KM = 6371.0088;

/** A city drawn on a zoomed map. */
export interface PlaceMapCity {
  /** Null for a point given without a city name: it is labelled by its country or coordinates (`cityLabel`). */
  city: string | null;
  country?: string | null;
  country_name?: string | null;
  latitude: number;
  longitude: number;
  ips: number;
  events?: number;
}

/** The place to zoom on (`PlaceCluster` fits). */
export interface PlaceMapPlace {
  name: string;
  latitude: number;
  longitude: number;
  /** Distance from the centre to the farthest member city, km. */
  radius_km: number;
  ips: number;
  cities: readonly PlaceMapCity[];
}

export interface PlaceMapOptions extends ChartOptions {
  /** Other located cities, drawn as faint dots where they fall inside the view. */
  context?: readonly PlaceMapCity[];
}

const MAP_HEIGHT = 620;
/** Largest dot radius, px. */
const MAX_RADIUS = 20;
/** How many of the place's cities get a label, largest first. */
const LABELS = 40;
const LOCATOR_SIZE = 96;

/**
 * The radius (km) a zoomed map shows around a place (its own radius, plus a quarter of it and
 * 15 km), and the Natural Earth resolution it draws: 10m up to a 600 km view radius (50m
 * coastlines look blocky at city scale), 50m beyond.
 */
export function placeMapView(place: Pick<PlaceMapPlace, 'radius_km'>): { viewKm: number; resolution: AtlasResolution } {
  const viewKm = Math.max(30, place.radius_km + place.radius_km * 0.25 + 15);
  return { viewKm, resolution: viewKm <= 600 ? '10m' : '50m' };
}

/** A round length for a scale bar no longer than `maxKm`. */
function niceKm(maxKm: number): number {
  const p = 10 ** Math.floor(Math.log10(maxKm));
  for (const m of [5, 2, 1]) if (m * p <= maxKm) return m * p;
  return p;
}

/** The azimuthal equal-area projection around `centre`, fitted to a circle of `viewKm` and clipped to the map. */
function placeProjection(centre: [number, number], viewKm: number, width: number, height: number) {
  const view = geoCircle().center(centre).radius((viewKm / EARTH_RADIUS_KM) * (180 / Math.PI)).precision(2)();
  const projection = geoAzimuthalEqualArea()
    .rotate([-centre[0], -centre[1]])
    .fitExtent(
      [
        [12, 12],
        [width - 12, height - 12],
      ],
      view,
    );
  projection.clipExtent([
    [0, 0],
    [width, height],
  ]);
  return { projection, view };
}

/** Pixels per kilometre at `centre`, measured over 10 km eastwards. */
function pixelsPerKm(project: (lon: number, lat: number) => number[], [lon, lat]: [number, number]): number {
  const [x0, y0] = project(lon, lat);
  const east = project(lon + (10 / (EARTH_RADIUS_KM * Math.cos((lat * Math.PI) / 180))) * (180 / Math.PI), lat);
  return Math.hypot(east[0] - x0, east[1] - y0) / 10;
}

/** The other cities in view (not members of the place), as faint dots no larger than 60% of the largest. */
function contextDots(place: PlaceMapPlace, context: readonly PlaceMapCity[], o: { project: (lon: number, lat: number) => number[]; radius: (ips: number) => number; maxRadius: number; width: number; height: number }): PixelDot[] {
  const members = new Set(place.cities.map((c) => `${c.city}|${c.latitude}|${c.longitude}`));
  const inView = ([x, y]: number[]) => x >= -30 && y >= -30 && x <= o.width + 30 && y <= o.height + 30;
  return context
    .filter((c) => !members.has(`${c.city}|${c.latitude}|${c.longitude}`))
    .map((c) => {
      const [x, y] = o.project(c.longitude, c.latitude);
      return { x, y, r: Math.min(o.maxRadius * 0.6, o.radius(c.ips)), title: `${cityLabel(c)} (outside ${place.name})\n${countOf(c.ips, 'address', 'addresses')}` };
    })
    .filter((d) => Number.isFinite(d.x) && inView([d.x, d.y]));
}

/** The small orthographic globe at the top right, with the place as a dot. */
function locatorMark({ centre, size, width, theme }: { centre: [number, number]; size: number; width: number; theme: Theme }) {
  return customMark((doc) => {
    const globe = geoOrthographic()
      .rotate([-centre[0], -Math.max(-60, Math.min(60, centre[1]))])
      .fitExtent(
        [
          [0, 0],
          [size, size],
        ],
        { type: 'Sphere' } as any,
      );
    const p = geoPath(globe).digits(1);
    const g = el(doc, 'g', { class: 'botmap-locator', transform: `translate(${width - size - 10},12)` });
    g.appendChild(el(doc, 'path', { d: p({ type: 'Sphere' } as any) ?? '', fill: theme.ocean, stroke: theme.muted, 'stroke-width': 0.8 }));
    g.appendChild(el(doc, 'path', { d: p(loadAtlas('110m').land as any) ?? '', fill: theme.land, stroke: theme.coast, 'stroke-width': 0.4 }));
    const at = globe(centre);
    if (at) g.appendChild(el(doc, 'circle', { cx: at[0], cy: at[1], r: 4, fill: theme.dotFill, stroke: theme.text, 'stroke-width': 1 }));
    return g;
  });
}

/** The scale bar at the bottom left: `km` kilometres drawn `px` pixels long. */
function scaleBarMark({ km, px, height, theme }: { km: number; px: number; height: number; theme: Theme }) {
  return customMark((doc) => {
    const x = 20;
    const y = height - 18;
    const g = el(doc, 'g', { class: 'botmap-scale', 'font-size': 11 });
    g.appendChild(el(doc, 'rect', { x: x - 6, y: y - 18, width: px + 12, height: 28, fill: theme.background, 'fill-opacity': 0.55, rx: 3 }));
    g.appendChild(el(doc, 'path', { d: `M${x},${y - 4}V${y}H${Math.round((x + px) * 10) / 10}V${y - 4}`, fill: 'none', stroke: theme.text, 'stroke-width': 1.2 }));
    g.appendChild(el(doc, 'text', { x: x + px / 2, y: y - 7, 'text-anchor': 'middle', fill: theme.text }, `${formatCount(km)} km`));
    return g;
  });
}

/** The dashed circle of the place's extent, `r` pixels round (`cx`, `cy`). */
function extentMark({ cx, cy, r, theme }: { cx: number; cy: number; r: number; theme: Theme }) {
  return customMark((doc) => el(doc, 'circle', { cx, cy, r, fill: 'none', stroke: theme.muted, 'stroke-width': 1, 'stroke-dasharray': '4 4', 'stroke-opacity': 0.8 }));
}

/**
 * A regional map centred on a place: an azimuthal equal-area projection around the place's
 * centre, fitted to a circle that holds its cities plus a margin; land, coastlines and country
 * borders (see `placeMapView`); each city of the place as a dot (area by distinct addresses) labelled with
 * its name and count; a dashed circle of the place's radius, a scale bar and a locator globe.
 */
export function placeMap(place: PlaceMapPlace, options: PlaceMapOptions): Chart {
  const { theme, document, width } = setup(options, 1000);
  const mapHeight = MAP_HEIGHT;
  const { viewKm, resolution } = placeMapView(place);
  const centre: [number, number] = [place.longitude, place.latitude];
  const { projection, view } = placeProjection(centre, viewKm, width, mapHeight);
  const project = (lon: number, lat: number) => projection([lon, lat]) ?? [NaN, NaN];

  const maxRadius = MAX_RADIUS;
  const maxIps = place.cities.reduce((m, c) => Math.max(m, c.ips), 0);
  const radius = (ips: number) => dotRadius(ips, maxIps, maxRadius) + 0.8;
  const cities = [...place.cities].sort((a, b) => b.ips - a.ips || cityLabel(a).localeCompare(cityLabel(b)));
  const events = cities.reduce((sum, c) => sum + (c.events ?? 0), 0);
  const dots = cities.map((c) => {
    const [x, y] = project(c.longitude, c.latitude);
    const lines = [cityLabel(c), `${countOf(c.ips, 'address', 'addresses')}${ofAll(c.ips, place.ips, 'the place')}`];
    if (c.events != null) lines.push(`${countOf(c.events, 'event')}${ofAll(c.events, events, 'the place')}`);
    return { x, y, r: radius(c.ips), title: lines.join('\n') };
  });
  const context = contextDots(place, options.context ?? [], { project, radius, maxRadius, width, height: mapHeight });

  // The locator globe and the scale bar take the top-right and bottom-left corners.
  const obstacles = [{ x: width - LOCATOR_SIZE - 16, y: 8, width: LOCATOR_SIZE + 10, height: LOCATOR_SIZE + 10 }];
  const pxPerKm = pixelsPerKm(project, centre);
  const barKm = niceKm(width / 5 / pxPerKm);
  obstacles.push({ x: 10, y: mapHeight - 40, width: barKm * pxPerKm + 30, height: 34 });

  const texts: LabelText[] = cities.slice(0, LABELS).map((c) => ({ name: cityLabel(c), count: formatCount(c.ips) }));
  const requests = texts.map((t, i) => ({ x: dots[i].x, y: dots[i].y, r: dots[i].r, width: labelWidth(t), height: labelHeight() }));
  const placed = placeLabels(requests, { x: 4, y: 4, width: width - 8, height: mapHeight - 8 }, 2, { obstacles, dots: [...dots.slice(LABELS), ...context.filter((d) => d.r > 2)], ringStep: 12, rings: 16 });
  const notes = texts.filter((_, i) => !placed[i]).map((t) => `No room to label ${t.name} (${t.count} addresses) on the map of ${place.name}.`);

  // Only the countries whose bounds meet the view's bounds are drawn (the rest would clip to
  // nothing), and of them and of the borders only the shapes that reach the drawn rectangle.
  const atlas = loadAtlas(resolution);
  const drawn = drawnBounds(projection, width, mapHeight);
  const countries = polygonsWithin(featuresMeeting(atlas.countries.features, geoBounds(view) as GeoBox), drawn);
  const [cx, cy] = project(centre[0], centre[1]);
  const extentPx = place.radius_km * pxPerKm;

  const plot = Plot.plot({
    document,
    width,
    height: mapHeight,
    margin: 0,
    projection: roundedProjection(projection) as any,
    style: { background: 'transparent', color: theme.text, fontFamily: theme.fontFamily },
    marks: [
      customMark((doc) => el(doc, 'rect', { width, height: mapHeight, fill: theme.ocean })),
      Plot.geo(countries as any, { fill: theme.land, stroke: theme.coast, strokeWidth: 0.6 }),
      Plot.geo(linesWithin(atlas.borders, drawn) as any, { stroke: theme.zoomBorder, strokeWidth: 1.2, strokeDasharray: '5 3' }),
      extentPx > 6 ? extentMark({ cx, cy, r: extentPx + maxRadius * 0.3, theme }) : null,
      customMark((doc) => dotsGroup(doc, context, { fill: theme.contextDot, fillOpacity: 0.35, stroke: theme.contextDot, strokeWidth: 0.5, strokeOpacity: 0.6, className: 'botmap-context' })),
      customMark((doc) => dotsGroup(doc, dots, { fill: theme.dotFill, fillOpacity: theme.dotOpacity + 0.1, stroke: theme.dotStroke, strokeWidth: 0.8, strokeOpacity: 0.95 })),
      customMark((doc) => labelsGroup(doc, theme, placed, texts)),
      scaleBarMark({ km: barKm, px: barKm * pxPerKm, height: mapHeight, theme }),
      locatorMark({ centre, size: LOCATOR_SIZE, width, theme }),
    ],
  }) as unknown as SvgNode;

  const legend = sizeLegend(document, theme, {
    label: 'Distinct addresses per city',
    values: niceSizeValues(maxIps),
    radius,
    fill: theme.dotFill,
    stroke: theme.dotStroke,
    fillOpacity: theme.dotOpacity + 0.1,
  });
  return framed(document, theme, { ...options, width }, plot, mapHeight, placed.filter((p): p is PlacedLabel => p !== null), notes, legend);
}
