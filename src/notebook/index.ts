/**
 * Notebook: what a run is and how it runs, for the notebooks, `npm start` and `npx botmap`.
 * - `pipeline.ts`: the parameters and `analyse()` (load → locate → aggregate);
 * - `run.ts`: the whole job (analyse → charts → export);
 * - `progress.ts`: progress bars in a notebook or a terminal;
 * - `snapshot.ts`: one run's analysis handed to every notebook of `npm start`;
 * - `subset.ts`: part of a run (jails, servers, a time window, countries, networks) as an analysis of its own;
 * - `window.ts`: days as instants in the run's zone, for the FROM/TO parameters and subsets;
 * - `interactive-map.ts`: `map.html`'s map inline in a notebook, the static map where scripts are blocked.
 */
export { parameters, notebookParameters, hasEventTimes, analyse, DEFAULT_PARAMETERS, type Parameters, type Analysis, type CellParameters } from './pipeline';
export { subset, type SubsetFilter } from './subset';
export { daysWindow, eventsInWindow, type TimeWindow } from './window';
export { runPipeline, type RunOptions, type RunResult } from './run';
export { notebookProgress, terminalProgress, type Progress, type ProgressSink } from './progress';
export { interactiveMapHtml, STATIC_MAP_NOTE } from './interactive-map';
