/**
 * SQL on the archive, for notebooks: `await botmap.sql(archive, 'SELECT …')` answers with an
 * Arquero table, so a query DuckDB runs in a moment over years of events (events per server and
 * month, say) goes on with Arquero verbs and into Plot, as BotMap's own tables do.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { DuckDBValue } from '@duckdb/node-api';
import { BotMapError } from '../errors';
import { openArchive } from './open';

export interface SqlOptions {
  /** The values of `$1`, `$2` … in the query (text, numbers, booleans, BigInts, null). */
  values?: DuckDBValue[];
  /** How long to wait while another BotMap writes the archive (ms); default `DEFAULT_WAIT_MS`. */
  waitMs?: number;
}

/**
 * Runs one query on the archive in `file` (relative paths from the working folder, `notebooks/`
 * in a notebook) and returns its rows as an Arquero table, one column per column of the result,
 * in its order. The archive is opened read-only: a statement that would change it fails. Like
 * every reader, it waits while another BotMap writes the archive (an ingest), up to `waitMs`, and
 * then fails; a file that is not a BotMap archive, or a query DuckDB refuses, is a BotMapError
 * naming the file. Values:
 * - integers (`COUNT(*)` and other BIGINT, HUGEINT, UBIGINT columns) are numbers when every value
 *   of the column is a safe integer (at most 2^53 - 1 in size), which counts of events always
 *   are; a column holding a larger one stays BigInt throughout, so that no value is rounded;
 * - `TIMESTAMP` (the archive's times, UTC), `TIMESTAMP WITH TIME ZONE` and `DATE` are Dates
 *   (milliseconds: microseconds are cut); NULL is null; text, booleans and floating-point numbers
 *   are themselves; other types are as `@duckdb/node-api` gives them in JavaScript.
 * Columns that share a name (`SELECT a.x, b.x`) are told apart as `x`, `x_1` ….
 */
export async function sql(file: string, query: string, options: SqlOptions = {}): Promise<ColumnTable> {
  const archive = await openArchive(file, { mode: 'read', waitMs: options.waitMs });
  try {
    const result = await archive.connection.runAndReadAll(query, options.values ?? []).catch((error: unknown) => {
      throw new BotMapError(`${archive.display}: the query failed: ${error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error)}`);
    });
    const names = distinctNames(result.columnNames());
    const columns = result.getColumnsJS();
    return aq.table(Object.fromEntries(names.map((name, i) => [name, numbersWhereSafe(columns[i])])));
  } finally {
    archive.close();
  }
}

/** A column of BigInts as numbers when all of them are safe integers; any other column as it is. */
function numbersWhereSafe(column: unknown[]): unknown[] {
  let bigints = 0;
  for (const value of column) {
    if (typeof value !== 'bigint') continue;
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return column;
    bigints++;
  }
  return bigints === 0 ? column : column.map((value) => (typeof value === 'bigint' ? Number(value) : value));
}

/** The names with repeats told apart: `x`, `x_1`, `x_2` …, as DuckDB names them in a table it creates. */
function distinctNames(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let distinct = name;
    for (let n = 1; taken.has(distinct); n++) distinct = `${name}_${n}`;
    taken.add(distinct);
    return distinct;
  });
}
