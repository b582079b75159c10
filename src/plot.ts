/**
 * BotMap's charts, one module per chart under `plot/`: pure functions from plain data (arrays of
 * objects) and options to a `Chart` (a standalone SVG node, its size, its placed labels and notes).
 * This file, not a `plot/index.ts`, re-exports them: the notebook kernel resolves no folder imports.
 */
export { wrap, framed, type Chart, type ChartOptions, type ChartText, type Legend } from './plot/frame';
export { worldMap, dotRadius, logTicks, sequentialColor, type CityPoint, type MapPlace, type DotColor, type WorldMapOptions } from './plot/world-map';
export { placeMap, placeMapView, type PlaceMapPlace, type PlaceMapCity, type PlaceMapOptions } from './plot/place-map';
export { countryMap, type CountryValue, type CountryMapOptions, type CountryMapChart } from './plot/country-map';
export { rankingChart, truncate, type RankingRow, type RankingOptions } from './plot/ranking';
export {
  eventTimeline,
  hourWeekdayHeatmap,
  attackersPerWeekChart,
  NO_TIMES,
  type EventTimelineOptions,
  type HourWeekdayOptions,
  type AttackersPerWeekOptions,
} from './plot/time-charts';
export { PROJECTIONS, type ProjectionName } from './plot/geo';
