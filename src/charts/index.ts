/**
 * Charts: tables → standalone SVG charts (Observable Plot).
 * - one file per chart drawer, pure functions from plain rows and options to a `Chart`:
 *   `world-map.ts`, `place-map.ts`, `country-map.ts`, `ranking.ts`, `time-charts.ts`, `change.ts`
 *   (add a chart here);
 * - what they share: `frame.ts` (title, subtitle, caption), `legends.ts`, `labels.ts` (placing
 *   labels without overlap), `marks.ts`, `theme.ts`, `geo.ts` (projections), `atlas.ts` (country
 *   shapes), `dom.ts` (a DOM for Plot in Node),
 *   `canvas.ts` (the canvas Plot's colour-ramp legends paint on);
 * - `user-plot.ts`: `plot(spec)`, any Plot spec drawn as a BotMap chart;
 * - `charts.ts`: the chart builders, which read a run's analysis and draw each chart with its
 *   title, subtitle and credits.
 */
export { wrap, framed, type Chart, type ChartOptions, type ChartText, type Legend } from './frame';
export { worldMap, dotRadius, logTicks, sequentialColor, countryPaths, type CityPoint, type MapPlace, type DotColor, type WorldMapOptions } from './world-map';
export { placeMap, placeMapView, type PlaceMapPlace, type PlaceMapCity, type PlaceMapOptions } from './place-map';
export { countryMap, type CountryValue, type CountryMapOptions, type CountryMapChart } from './country-map';
export { rankingChart, type RankingRow, type RankingOptions } from './ranking';
export { eventTimeline, hourWeekdayHeatmap, attackersPerWeekChart, NO_TIMES, type EventTimelineOptions } from './time-charts';
export { PROJECTIONS, type ProjectionName } from './geo';
export { worldMapChart, topCitiesChart, drawingParameters, dataWindow, zoneOf, databaseCredit, placeNamesCredit, allCharts, chartDrawers, placeMapCharts, placeMapChart, countriesChart, topPlacesChart, topCountriesChart, topAsnsChart, timelineChart, hourWeekdayChart, newAttackersChart, compareChart, usernamesChart, networkCredit, slug, type ChartsOptions, type ChartDrawers } from './charts';
export { plot, type PlotFrameOptions } from './user-plot';
export { changeChart, type ChangeDatum, type ChangeOptions } from './change';
export { DARK, LIGHT, themeNamed, type Theme } from './theme';
export { placeLabels, boxesOverlap, textWidth, leaderLine, type PlacedLabel } from './labels';
export { loadAtlas, matchCountries, countryName, type AtlasResolution } from './atlas';
