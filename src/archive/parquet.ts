/**
 * The archive's events as Parquet, for DuckDB, pandas or Spark: one folder per server and month
 * (Hive partitioning, as DuckDB's COPY … PARTITION_BY writes it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BotMapError } from '../errors';
import { printable } from '../html';
import { displayPath } from '../project';
import { openArchive } from './open';

/**
 * The month an event falls in (UTC) names its folder; a ban listed without a time falls in none
 * (`month=__HIVE_DEFAULT_PARTITION__`, read back as NULL). Times leave as instants (Parquet's
 * isAdjustedToUTC), so pandas and Spark read them as UTC rather than as a local wall clock;
 * `timezone('UTC', …)` says the archive's zoneless TIMESTAMP is UTC (a cast would take DuckDB's zone).
 */
const EXPORTED_EVENTS = `SELECT server, strftime(time, '%Y-%m') AS month, jail, address, kind, timezone('UTC', time) AS time, "user", file_id, line
  FROM events ORDER BY server, events.time, file_id, line`;

export interface ParquetExport {
  /** The folder written, as messages name it. */
  folder: string;
  events: number;
  /** The server=…/month=… folders written. */
  partitions: number;
}

/**
 * Writes the events of the archive `archiveFile` into `folder` as
 * `server=<server>/month=<YYYY-MM>/data_0.parquet`. The folder is written beside and then put
 * in place, so readers never see half an export; a folder holding a previous export is replaced,
 * and any other folder that is not empty is left alone with an error.
 */
export async function exportParquet(archiveFile: string, folder: string, options: { waitMs?: number } = {}): Promise<ParquetExport> {
  const target = path.resolve(folder);
  const display = printable(displayPath(target));
  refuseForeignFolder(target, display);
  const archive = await openArchive(archiveFile, { mode: 'read', waitMs: options.waitMs });
  const temporary = `${target}.botmap-${process.pid}.tmp`;
  try {
    fs.rmSync(temporary, { recursive: true, force: true });
    fs.mkdirSync(temporary, { recursive: true });
    await archive.connection.run(`COPY (${EXPORTED_EVENTS}) TO ${sqlText(temporary)} (FORMAT parquet, PARTITION_BY (server, month), OVERWRITE_OR_IGNORE)`);
    const events = Number((await archive.connection.runAndReadAll('SELECT COUNT(*) FROM events')).getColumnsJS()[0][0]);
    const partitions = fs.readdirSync(temporary).reduce((sum, server) => sum + fs.readdirSync(path.join(temporary, server)).length, 0);
    replaceFolder(target, temporary);
    return { folder: display, events, partitions };
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  } finally {
    archive.close();
  }
}

/** A text as an SQL string literal. */
function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Stops before anything is written when `target` is a file, or a folder with more than a previous export in it. */
function refuseForeignFolder(target: string, display: string): void {
  if (!fs.existsSync(target)) return;
  if (!fs.statSync(target).isDirectory()) throw new BotMapError(`${display}: not a folder: give a folder for the Parquet files.`);
  const foreign = fs.readdirSync(target, { withFileTypes: true }).filter((entry) => !(entry.isDirectory() && entry.name.startsWith('server=')));
  if (foreign.length > 0) {
    throw new BotMapError(`${display}: holds other files than a BotMap Parquet export (${printable(foreign[0].name)}): give an empty or new folder.`);
  }
}

/** Puts the folder `written` in the place of `target` (replacing a previous export there). */
function replaceFolder(target: string, written: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const previous = `${target}.botmap-${process.pid}.old`;
  const hadPrevious = fs.existsSync(target);
  if (hadPrevious) fs.renameSync(target, previous);
  fs.renameSync(written, target);
  if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
}
