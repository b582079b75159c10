/**
 * Load: exports on disk → one event per attack, ban or failure, in an `EventStore`.
 * - `load.ts`: files and folders, rotation, `.gz`, line splitting, per-file accounting;
 * - `formats/`: one parser per export format (add a format here), and `formats/grammar/` for
 *   what several formats share (sshd messages, syslog prefixes, times);
 * - `events.ts`: the event store (typed columns) the parsers write into.
 */
export { loadPaths, detectFormat, givenToLocation, INPUT_FORMATS, FORMATS, type LoadOptions, type LoadResult, type LoadProgress } from './load';
export { EventStore, EVENT_KINDS, type EventOrigin } from './events';
export { eventsTable, type EventsSource } from './events-table';
export type { FormatParser, LineParser, LineResult, ParseContext, Emit } from './formats/parser';
