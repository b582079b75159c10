/**
 * Opening an archive: creating it when an ingest names a file that is not there yet, waiting
 * while another BotMap has it, and refusing what is not a BotMap archive or is one from a newer
 * BotMap, each with a one-line error naming the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { BotMapError } from '../errors';
import { printable } from '../html';
import { displayPath, projectRoot } from '../project';
import { ARCHIVE_SCHEMA_VERSION, METADATA_TABLE, SCHEMA_STATEMENTS } from './schema';

/** Where the archive is when neither `--archive` nor `BOTMAP_ARCHIVE` says: private data, ignored by git. */
export const DEFAULT_ARCHIVE = path.join('data', 'private', 'archive.duckdb');

/** How long opening waits for another BotMap to finish with the archive, by default. */
export const DEFAULT_WAIT_MS = 60_000;

type DuckDB = typeof import('@duckdb/node-api');
let duckdbModule: Promise<DuckDB> | undefined;

/**
 * DuckDB's module, loaded when an archive is first opened: its native library is large, and the
 * notebooks, which import all of BotMap, should not pay for it unless they use the archive.
 */
export function duckdb(): Promise<DuckDB> {
  return (duckdbModule ??= import('@duckdb/node-api'));
}

/** The bytes at offset 8 of every DuckDB database file (after its header's checksum). */
const DUCKDB_MAGIC = 'DUCK';

/**
 * True when `head` (a file's first bytes) begins as a DuckDB database does: a BotMap archive is
 * recognised by this, and then by its metadata table when it is opened (see `openArchive`).
 */
export function isDuckDbHeader(head: Uint8Array): boolean {
  if (head.length < 8 + DUCKDB_MAGIC.length) return false;
  for (let i = 0; i < DUCKDB_MAGIC.length; i++) if (head[8 + i] !== DUCKDB_MAGIC.charCodeAt(i)) return false;
  return true;
}

/**
 * The archive stayed locked by another BotMap for as long as the opening would wait. Unlike an
 * archive that cannot be used, this is no fault of the file: a run stops rather than go on without it.
 */
export class ArchiveBusyError extends BotMapError {}

/** An open archive. `close` it: until then no other process (or opening in this one) can write it. */
export interface OpenArchive {
  /** Absolute path. */
  file: string;
  /** The file as messages name it (see `displayPath`). */
  display: string;
  connection: DuckDBConnection;
  close(): void;
}

export interface OpenArchiveOptions {
  /** `write` creates the archive when it is missing; `read` opens it read-only and wants it to exist. */
  mode: 'read' | 'write';
  /** How long to wait while another BotMap has the archive (ms); default `DEFAULT_WAIT_MS`. */
  waitMs?: number;
}

/**
 * The archive a command uses: `given` (`--archive`) beats `BOTMAP_ARCHIVE`, which beats
 * `DEFAULT_ARCHIVE` in the project folder of `cwd`; relative paths are taken from `cwd`.
 */
export function archivePath(given: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const chosen = given ?? (env.BOTMAP_ARCHIVE || undefined);
  return chosen !== undefined ? path.resolve(cwd, chosen) : path.join(projectRoot(cwd), DEFAULT_ARCHIVE);
}

/**
 * Archives open in this process. DuckDB locks a file against other processes only: a second
 * instance of the same file in one process would write it unguarded, so it waits here instead.
 */
const openHere = new Set<string>();

/** Opens (or, to write, creates) the archive in `file` and checks it is one this BotMap can use. */
export async function openArchive(file: string, options: OpenArchiveOptions): Promise<OpenArchive> {
  const absolute = path.resolve(file);
  const display = printable(displayPath(absolute));
  const exists = fs.existsSync(absolute);
  if (!exists && options.mode === 'read') throw noSuchArchive(display);
  if (exists && !fs.statSync(absolute).isFile()) throw new BotMapError(`${display}: not a BotMap archive (not a file).`);
  if (!exists) fs.mkdirSync(path.dirname(absolute), { recursive: true });
  const instance = await instanceWhenFree(absolute, display, options);
  let connection: DuckDBConnection | undefined;
  const close = () => {
    connection?.closeSync();
    instance.closeSync();
    openHere.delete(absolute);
  };
  try {
    connection = await instance.connect();
    await checkSchema(connection, display, options.mode);
  } catch (error) {
    close();
    throw error;
  }
  return { file: absolute, display, connection, close };
}

/** Checks that `file` is an archive this BotMap reads, with `openArchive`'s errors, and lets it go again. */
export async function checkArchive(file: string, waitMs?: number): Promise<void> {
  (await openArchive(file, { mode: 'read', waitMs })).close();
}

/**
 * A DuckDB instance of the file, once no other BotMap has it (retrying until `waitMs` has passed);
 * the file is then in `openHere` until the archive is closed.
 */
async function instanceWhenFree(file: string, display: string, options: OpenArchiveOptions): Promise<DuckDBInstance> {
  const { DuckDBInstance } = await duckdb();
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const started = Date.now();
  for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
    let holder = 'this process';
    if (!openHere.has(file)) {
      // Taken before the first await, so two openings started together in this process cannot both pass.
      openHere.add(file);
      try {
        return await DuckDBInstance.create(file, options.mode === 'read' ? { access_mode: 'READ_ONLY' } : {});
      } catch (error) {
        openHere.delete(file);
        const message = error instanceof Error ? error.message : String(error);
        if (!/Could not set lock on file/i.test(message)) throw openError(display, message);
        const pid = /\(PID (\d+)\)/.exec(message)?.[1];
        holder = pid !== undefined ? `process ${pid}` : 'another process';
      }
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) {
      throw new ArchiveBusyError(`${display}: another BotMap (${holder}) is writing this archive; waited ${Math.round(waited / 1000)} s: try again when it has finished.`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, waitMs - waited))));
  }
}

/** The error for an archive file that is not there (`display`: as messages name it). */
export function noSuchArchive(display: string): BotMapError {
  return new BotMapError(`${display}: no such archive (botmap ingest <exports> --archive ${display} makes one).`);
}

/** What DuckDB said when it could not open the file, as a BotMap error naming the file. */
function openError(display: string, message: string): BotMapError {
  if (/not a valid DuckDB database file/i.test(message)) return new BotMapError(`${display}: not a BotMap archive (not a DuckDB database).`);
  return new BotMapError(`${display}: could not be opened as a BotMap archive: ${message.replace(/\s+/g, ' ')}`);
}

/**
 * Checks the metadata (its table, a schema version this BotMap reads) or, in a database with no
 * table at all (a new file, or one whose creation was interrupted), creates the tables.
 */
async function checkSchema(connection: DuckDBConnection, display: string, mode: OpenArchiveOptions['mode']): Promise<void> {
  const tables = (await connection.runAndReadAll(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`)).getColumnsJS()[0] ?? [];
  if (tables.length === 0 && mode === 'write') {
    await createSchema(connection);
    return;
  }
  if (!tables.includes(METADATA_TABLE)) throw new BotMapError(`${display}: not a BotMap archive (a DuckDB database without BotMap's ${METADATA_TABLE} table).`);
  const rows = (await connection.runAndReadAll(`SELECT value FROM ${METADATA_TABLE} WHERE key = 'schema_version'`)).getColumnsJS()[0] ?? [];
  const version = rows.length === 1 && /^\d+$/.test(String(rows[0])) ? Number(rows[0]) : Number.NaN;
  if (Number.isNaN(version)) throw new BotMapError(`${display}: not a BotMap archive (its ${METADATA_TABLE} table has no schema version).`);
  if (version > ARCHIVE_SCHEMA_VERSION) {
    throw new BotMapError(`${display}: archive schema version ${version}, written by a newer BotMap; this BotMap reads version ${ARCHIVE_SCHEMA_VERSION}: update BotMap to use it.`);
  }
  // Version 1 is the first: there is nothing older to upgrade yet.
}

/** The tables and the metadata, in one transaction: an archive has all of them or none. */
function createSchema(connection: DuckDBConnection): Promise<void> {
  return inTransaction(connection, async () => {
    for (const statement of SCHEMA_STATEMENTS) await connection.run(statement);
    await connection.run(`INSERT INTO ${METADATA_TABLE} VALUES ('schema_version', $1), ('created_at', $2)`, [String(ARCHIVE_SCHEMA_VERSION), new Date().toISOString()]);
  });
}

/**
 * Runs `work` in one transaction: all it writes is kept, or none of it. DuckDB makes a transaction
 * part of the database only when it commits, so a process killed before COMMIT leaves the archive as it was.
 */
export async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await connection.run('COMMIT');
    return result;
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
