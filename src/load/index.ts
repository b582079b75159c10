/**
 * Load: exports on disk → one event per attack, ban or failure, in an `EventStore`.
 * - `load.ts`: `loadPaths`, which reads each file through the pieces beside it: `files.ts` (files
 *   and folders), `rotation.ts` (rotated files, their seams), `gz.ts`, `line-splitter.ts`,
 *   `format-detection.ts`, `line-router.ts` (each line to the parser) and `file-report.ts`
 *   (per-file accounting); `progress.ts` throttles progress reports; `archive-input.ts` reads a
 *   BotMap archive among the files as one input (the archive itself is `archive/`);
 * - `formats/`: one parser per export format (add a format here), and `formats/grammar/` for
 *   what several formats share (sshd messages, syslog prefixes, times);
 * - `events.ts`: the event store (typed columns) the parsers write into; `duplicates.ts`: which
 *   events repeat others (a copy of a log, overlapping exports) and count once; `events-table.ts`:
 *   the same events as an Arquero table, one row per event counted, for the later stages and the user.
 */
export { loadPaths, detectFormat, givenToLocation, INPUT_FORMATS, FORMATS, type LoadOptions, type LoadResult } from './load';
export type { LoadProgress } from './progress';
export { EventStore, EVENT_KINDS, type EventOrigin, type EventRun } from './events';
export { findDuplicates, SAME_EVENT_FIELDS, SAME_LISTING_FIELDS, type Duplicates, type KeyField } from './duplicates';
export { eventsTable, type EventsSource } from './events-table';
export type { FormatParser, LineParser, LineResult, ParseContext, Emit } from './formats/parser';
export { SSHD_MODES, DEFAULT_SSHD_MODE, sshdMode, type SshdMode } from './formats/grammar/sshd-modes';
