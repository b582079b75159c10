/**
 * Export: charts and tables → files a reader opens.
 * - `files.ts`: SVG, PNG, CSV and JSON files, written atomically; the run's tables and summary;
 * - `report.ts`: the HTML tables the notebooks show; `site.ts`: the run's `index.html`.
 */
export { svgText, svgToPng, PngWorker, writeChart, toCsv, csvCell, exportAnalysis, exportRun, exportCharts, writeFileAtomic, IPS_COLUMNS, CITIES_COLUMNS, COUNTRIES_COLUMNS, PLACES_COLUMNS, ASNS_COLUMNS } from './files';
export { htmlTable, inputsTableHtml, locationSummaryHtml, outputsHtml, databaseHtml, accuracyRadiusDistribution, accuracyRadiusHtml, placesHtml, asnsHtml, countryNetworkHtml, jailsAndServersHtml, comparisonHtml, usernamesHtml, usernamesByCountryHtml, type AccuracyRadiusRow } from './report';
export { indexHtml, type NotebookEntry } from './site';
