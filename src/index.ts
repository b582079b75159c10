/**
 * BotMap's public API, one block per stage of the pipeline:
 * load → locate → aggregate → charts → export, and the notebook's run of them all; beside them,
 * the archive that keeps the events of every export ingested.
 * tslab resolves no folder imports, so each stage is imported by its `index` file.
 */
export * from './types';
export { BotMapError } from './errors';
export { escapeHtml, printable } from './html';
export { timeZone, UTC, TimeZone, type WallClock } from './time-zone';

export * from './load/index';
export * from './locate/index';
export * from './aggregate/index';
export * from './charts/index';
export * from './export/index';
export * from './notebook/index';
export * from './archive/index';
