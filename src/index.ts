/** BotMap's public API: load → locate → aggregate → plot → export. */
export * from './types';
export { normaliseAddress, looksLikeHostname, type NormalisedAddress } from './address';
export { EventStore, EVENT_KINDS } from './events';
export { loadPaths, detectFormat, type LoadOptions, type LoadResult } from './load';
export { openGeoDatabase, locateAddresses, resolveDatabasePath, GEOLITE_CREDIT, type GeoDatabase } from './locate';
export { aggregate, type Aggregates } from './aggregate';
export { worldMap, rankingChart, dotRadius, type Chart, type CityPoint, type RankingRow } from './plot';
export { worldMapChart, topCitiesChart, dataWindow, databaseCredit } from './charts';
export { DARK, LIGHT, themeNamed, type Theme } from './theme';
export { placeLabels, boxesOverlap, type PlacedLabel } from './labels';
export { svgText, svgToPng, writeChart, toCsv, csvCell, exportAnalysis, writeFileAtomic, IPS_COLUMNS, CITIES_COLUMNS, COUNTRIES_COLUMNS } from './export';
export { parameters, analyse, DEFAULT_PARAMETERS, type Parameters, type Analysis } from './pipeline';
export { buildSummary, type Summary } from './summary';
export { notebookProgress, terminalProgress, type Progress, type ProgressSink } from './progress';
export { htmlTable, inputsTableHtml, locationSummaryHtml, outputsHtml } from './report';
export { escapeHtml } from './html';
export { BotMapError } from './errors';
