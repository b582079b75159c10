/**
 * Export: charts and tables → files a reader opens.
 * - `files.ts`: SVG, PNG, CSV and JSON files, written atomically; the run's tables and summary;
 * - `report.ts`: the HTML tables the notebooks show; `site.ts`: the run's `index.html`;
 *   `map-page.ts`: `map.html`, the world map to zoom, pan and filter (its browser script: `map-client.js`;
 *   `map-filters.ts`: what its filters recount, and `map-recount.js`: how the page recounts it).
 */
export { svgText, svgToPng, PngWorker, writeChart, toCsv, csvCell, exportAnalysis, exportRun, exportCharts, writeFileAtomic, IPS_COLUMNS, CITIES_COLUMNS, COUNTRIES_COLUMNS, PLACES_COLUMNS, ASNS_COLUMNS } from './files';
export { htmlTable, inputsTableHtml, locationSummaryHtml, outputsHtml, databaseHtml, accuracyRadiusDistribution, accuracyRadiusHtml, placesHtml, asnsHtml, countryNetworkHtml, jailsAndServersHtml, comparisonHtml, usernamesHtml, usernamesByCountryHtml, type AccuracyRadiusRow } from './report';
export { indexHtml, type NotebookEntry } from './site';
export { mapPageHtml, mapPageData, packMapData, readMapPageData, type MapPageData } from './map-page';
export { pageFilters, pageCountries, activityNumbers, type PageFilters, type PageCountries } from './map-filters';
