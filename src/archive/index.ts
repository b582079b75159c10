/**
 * Archive: the events of every export ever ingested, in an embedded DuckDB database, so the
 * history outlives fail2ban's (logs rotate away, its database purges bans after a day).
 * - `open.ts`: where the archive is (`archivePath`), opening or creating it, waiting while another
 *   BotMap writes it, the schema version check; `schema.ts`: its tables;
 * - `ingest.ts`: `ingestPaths`, exports → new events and file records, in one transaction, through
 *   `matching.ts` (which events the archive holds already: the duplicate rule) and `write.ts`;
 * - `read.ts`: `readArchive`, the archive's events back into an `EventStore`, and its file records;
 *   `readArchiveEvents`, the rows a run analyses (its FROM/TO window pushed into the SQL), which
 *   `load/archive-input.ts` makes one input of a load: an archive is read wherever a path is;
 *   both read the rows through `scan.ts` (`scanEvents`: codes, not texts, per row);
 * - `sql.ts`: `sql`, a query of the archive as an Arquero table, for notebooks;
 * - `parquet.ts`: `exportParquet`, the events as Parquet partitioned by server and month.
 * What counts as the same event is `findDuplicates` (`load/duplicates.ts`), BotMap's one rule of it.
 */
export { ARCHIVE_SCHEMA_VERSION } from './schema';
export { archivePath, DEFAULT_ARCHIVE, DEFAULT_WAIT_MS } from './open';
export { sql, type SqlOptions } from './sql';
export { ingestPaths, type IngestOptions, type IngestResult } from './ingest';
export { readArchive, type ArchiveContents, type ArchivedFile } from './read';
export { exportParquet, type ParquetExport } from './parquet';
