/**
 * The archive's tables. `ARCHIVE_SCHEMA_VERSION` numbers their layout: a BotMap refuses an
 * archive whose version is above its own (a newer BotMap wrote it, and may rely on what this one
 * does not know), and a later BotMap that changes the layout raises it and upgrades older ones.
 */

/** The layout this BotMap writes and reads. */
export const ARCHIVE_SCHEMA_VERSION = 1;

/** The table that makes a DuckDB database a BotMap archive: `key`, `value` (text). */
export const METADATA_TABLE = 'botmap_archive';

/**
 * The tables, created in one transaction with the metadata. `time` columns are UTC (TIMESTAMP,
 * microseconds, so a log's milliseconds are kept). An event's `jail`, `user` and `line` are NULL
 * where it has none; `time` is NULL for a ban listed without a time (`fail2ban-client status`).
 * `files` has one row per file per ingest: ingesting a file again adds a row (with 0 new events).
 */
export const SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE TABLE ${METADATA_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path VARCHAR NOT NULL,
    size BIGINT,
    sha256 VARCHAR,
    lines BIGINT NOT NULL,
    format VARCHAR NOT NULL,
    server VARCHAR NOT NULL,
    first_event TIMESTAMP,
    last_event TIMESTAMP,
    new_events BIGINT NOT NULL,
    duplicates BIGINT NOT NULL,
    ingested_at TIMESTAMP NOT NULL,
    error VARCHAR
  )`,
  // No key or index: DuckDB's per-block min/max of server and time find an ingest's window
  // without one, and appending a million events stays fast.
  `CREATE TABLE events (
    server VARCHAR NOT NULL,
    jail VARCHAR,
    address VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    time TIMESTAMP,
    "user" VARCHAR,
    file_id INTEGER NOT NULL,
    line INTEGER
  )`,
];
