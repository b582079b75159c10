import { describe, expect, it } from 'vitest';
import { geoAzimuthalEqualArea, geoBounds, geoCircle, geoPath } from 'd3-geo';
import { featureAlpha2, loadAtlas, matchCountries, type AtlasResolution } from '../src/charts/atlas';
import { roundedProjection } from '../src/charts/geo';
import { boxesMeet, drawnBounds, featuresMeeting, linesWithin, polygonsWithin, type GeoBox } from '../src/charts/region';
import { svgText } from '../src/export/files';
import { countryMap, type CountryValue } from '../src/charts/country-map';
import { placeMap, placeMapView } from '../src/charts/place-map';
import { DARK, LIGHT } from '../src/charts/theme';
import { expectNoOverlaps } from './plot-fixtures';
import { expectSvgSnapshot } from './support/snapshot';

const THEMES = [
  ['dark', DARK],
  ['light', LIGHT],
] as const;

// Buenos Aires and the towns around it, as the places stage groups them.
const BUENOS_AIRES = {
  name: 'Buenos Aires',
  latitude: -34.63,
  longitude: -58.42,
  radius_km: 62,
  ips: 131,
  cities: [
    { city: 'Buenos Aires', latitude: -34.6021, longitude: -58.3845, ips: 106, events: 1400 },
    { city: 'Quilmes', latitude: -34.7203, longitude: -58.2694, ips: 6, events: 80 },
    { city: 'La Plata', latitude: -34.9215, longitude: -57.9545, ips: 5, events: 60 },
    { city: 'Morón', latitude: -34.6534, longitude: -58.6198, ips: 4, events: 40 },
    { city: 'San Miguel', latitude: -34.5433, longitude: -58.7123, ips: 3, events: 30 },
    { city: 'Avellaneda', latitude: -34.6625, longitude: -58.3651, ips: 3, events: 33 },
    { city: 'Lanús', latitude: -34.7068, longitude: -58.3918, ips: 2, events: 20 },
    { city: 'Luján', latitude: -34.5703, longitude: -59.105, ips: 1, events: 9 },
    { city: 'Villa Ballester', latitude: -34.5487, longitude: -58.5564, ips: 1, events: 12 },
  ],
};
const CONTEXT = [...BUENOS_AIRES.cities, { city: 'Montevideo', latitude: -34.9033, longitude: -56.1882, ips: 9, events: 90 }, { city: 'Colonia', latitude: -34.4626, longitude: -57.8398, ips: 1, events: 4 }];

const TEXT = {
  title: 'Buenos Aires, Argentina: 131 attacking addresses',
  subtitle: '2026-09-14 – 2026-10-25 · place 2 of 555 · 9 cities within 62 km',
  caption: ['Cities within 100 km of Buenos Aires counted as one place.', 'Geolocation: test data. Shapes: Natural Earth 1:10m.'],
};

describe('placeMap', () => {
  it.each(THEMES)('matches its snapshot (%s theme)', (name, theme) => {
    const chart = placeMap(BUENOS_AIRES, { ...TEXT, theme, context: CONTEXT });
    const svg = svgText(chart);
    expectSvgSnapshot(`place-map-${name}`, svg);
    expect(chart.labels).toHaveLength(BUENOS_AIRES.cities.length);
    expectNoOverlaps(chart);
    for (const c of BUENOS_AIRES.cities) expect(svg).toContain(`>${c.city}</tspan>`);
    expect(svg).toContain('botmap-scale');
    expect(svg).toContain('botmap-locator');
  });

  it('fits a view around the place, with 10m shapes for a city-sized view and 50m for a wide one', () => {
    expect(placeMapView({ radius_km: 62 })).toEqual({ viewKm: 62 + 62 * 0.25 + 15, resolution: '10m' });
    expect(placeMapView({ radius_km: 0 }).viewKm).toBe(30);
    expect(placeMapView({ radius_km: 800 }).resolution).toBe('50m');
  });

  it('draws a single-city place and leaves far-away countries out', () => {
    const chart = placeMap({ name: 'Lagos', latitude: 6.4541, longitude: 3.3947, radius_km: 0, ips: 20, cities: [{ city: 'Lagos', latitude: 6.4541, longitude: 3.3947, ips: 20 }] }, { title: 'Lagos' });
    const svg = svgText(chart);
    expect(chart.labels).toHaveLength(1);
    expect(svg.length).toBeLessThan(150_000);
    expect(svg).not.toContain('M0,0L1000,0L1000,620L0,620Z'); // no shape filling the whole frame
  });
});

const COUNTRIES: CountryValue[] = [
  ['CN', 'China', 472, 9000],
  ['US', 'United States', 292, 5000],
  ['BR', 'Brazil', 198, 3100],
  ['IN', 'India', 164, 2000],
  ['RU', 'Russia', 150, 2500],
  ['AR', 'Argentina', 139, 2200],
  ['DE', 'Germany', 60, 700],
  ['FR', 'France', 35, 300],
  ['AU', 'Australia', 12, 90],
  ['NG', 'Nigeria', 20, 150],
  ['SG', 'Singapore', 41, 600], // too small for 110m: a dot
  ['HK', 'Hong Kong', 18, 220], // too small for 110m: a dot
  ['XK', 'Kosovo', 3, 20], // no ISO numeric code in world-atlas
  ['SO', 'Somalia', 2, 10], // Somalia and Somaliland
  ['GP', 'Guadeloupe', 2, 9], // part of France in Natural Earth: no shape
  ['EU', 'Europe', 1, 1], // a MaxMind continent code: no shape
].map(([country, name, ips, events]) => ({ country, name, ips, events }) as CountryValue);

describe('countryMap', () => {
  it.each(THEMES)('matches its snapshot (%s theme, log scale)', (name, theme) => {
    const chart = countryMap(COUNTRIES, { theme, title: 'Attacking addresses by country', subtitle: 'test countries', caption: ['Geolocation: test data.'] });
    const svg = svgText(chart);
    expectSvgSnapshot(`countries-${name}`, svg);
    expect(chart.unmatched).toEqual([
      { country: 'GP', value: 2 },
      { country: 'EU', value: 1 },
    ]);
    expect(svg).toContain('Not on the map (no Natural Earth shape): Guadeloupe (GP, 2), EU (1).');
    expect(chart.notes.join(' ')).toContain('GP (2), EU (1)');
    expect(svg).toContain('(log scale)');
    expectNoOverlaps(chart);
  });

  it('offers quantile classes', () => {
    const chart = countryMap(COUNTRIES, { theme: LIGHT, scale: 'quantile', classes: 4, graticule: true, title: 'Attacking addresses by country', subtitle: 'test countries', caption: ['Geolocation: test data.'] });
    const svg = svgText(chart);
    expectSvgSnapshot('countries-quantile-light', svg);
    expect(svg).toContain('(quantiles)');
  });

  it('matches MaxMind codes to Natural Earth shapes through i18n-iso-countries', () => {
    expect(featureAlpha2('156', 'China')).toBe('CN');
    expect(featureAlpha2('036', 'Australia')).toBe('AU');
    expect(featureAlpha2(undefined, 'Kosovo')).toBe('XK');
    expect(featureAlpha2(undefined, 'Somaliland')).toBe('SO');
    const { shapes, points, unmatched } = matchCountries(['CN', 'SO', 'SG', 'HK', 'GP', 'ZZ'], '110m');
    expect(shapes.get('SO')).toHaveLength(2);
    expect([...points.keys()]).toEqual(['SG', 'HK']);
    expect(unmatched).toEqual(['GP', 'ZZ']);
    // Every 110m shape with an ISO code maps to a code.
    for (const f of loadAtlas('110m').countries.features) if (f.id != null && f.id !== '-99') expect(featureAlpha2(f.id, f.properties.name), f.properties.name).toMatch(/^[A-Z]{2}$/);
  });

  it('labels the largest countries and keeps the labels apart', () => {
    const chart = countryMap(COUNTRIES, { title: 't', labels: 10 });
    expect(chart.labels.length).toBeGreaterThanOrEqual(8);
    expectNoOverlaps(chart);
  });
});

describe('region: shapes cut down to a zoomed map before projecting', () => {
  // Where the cutting could go wrong: across the antimeridian, near the poles, in an archipelago, and a wide view.
  const VIEWS: [string, number, number, number, AtlasResolution][] = [
    ['Taipei', 121.5, 25.05, 90, '10m'],
    ['Fiji', 178.4, -18.1, 400, '10m'],
    ['Bering Strait', -169, 65.8, 500, '10m'],
    ['Svalbard', 15.6, 78.2, 300, '10m'],
    ['Ushuaia', -68.3, -54.8, 200, '10m'],
    ['McMurdo', 166.7, -77.8, 600, '10m'],
    ['Jakarta, wide', 106.8, -6.2, 2500, '50m'],
  ];

  it.each(VIEWS)('draws the same paths as the whole layers: %s', (_, lon, lat, km, resolution) => {
    const [width, height] = [1000, 620];
    const view = geoCircle().center([lon, lat]).radius((km / 6371.0088) * (180 / Math.PI)).precision(2)();
    const projection = geoAzimuthalEqualArea()
      .rotate([-lon, -lat])
      .fitExtent(
        [
          [12, 12],
          [width - 12, height - 12],
        ],
        view,
      )
      .clipExtent([
        [0, 0],
        [width, height],
      ]);
    const path = geoPath(roundedProjection(projection) as any);
    const atlas = loadAtlas(resolution);
    const drawn = drawnBounds(projection, width, height);
    const near = featuresMeeting(atlas.countries.features, geoBounds(view) as GeoBox);
    const cut = polygonsWithin(near, drawn);
    expect(cut.map((f) => path(f as any))).toEqual(near.map((f) => path(f as any)));
    expect(cut.reduce((n, f) => n + JSON.stringify(f.geometry).length, 0)).toBeLessThan(near.reduce((n, f) => n + JSON.stringify(f.geometry).length, 0));
    const borders = linesWithin(atlas.borders, drawn);
    expect(path(borders as any)).toBe(path(atlas.borders as any));
    expect(borders.coordinates.length).toBeLessThan(atlas.borders.coordinates.length / 4);
  });

  it('tells which boxes meet across the antimeridian', () => {
    const fiji: GeoBox = [
      [176, -21],
      [-178, -12],
    ];
    expect(boxesMeet(fiji, [[179, -20], [179.5, -19]])).toBe(true);
    expect(boxesMeet(fiji, [[-179, -20], [-178.5, -19]])).toBe(true);
    expect(boxesMeet(fiji, [[-170, -20], [-160, -19]])).toBe(false);
    expect(boxesMeet(fiji, [[177, -11], [178, -5]])).toBe(false);
  });
});
