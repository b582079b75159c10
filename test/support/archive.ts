/** What the archive tests share: running SQL on an archive file directly, and exports made for them. */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** Runs `statements` on the DuckDB file (opened for them alone) and returns the rows of the last, as JS values. */
export async function sql(file: string, ...statements: string[]): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    let rows: Record<string, unknown>[] = [];
    for (const statement of statements) rows = (await connection.runAndReadAll(statement)).getRowObjectsJS();
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** How many events and file records the archive holds. */
export async function archiveCounts(file: string): Promise<{ events: number; files: number }> {
  const [row] = await sql(file, 'SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM files) AS files');
  return { events: Number(row.events), files: Number(row.files) };
}

/**
 * A fail2ban.log of `lines` Found lines, one a second from 2026-11-01 (after the sample), each
 * from another address: every line is a new event.
 */
export function writeLargeLog(file: string, lines: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const start = Date.UTC(2026, 10, 1);
  const chunk: string[] = [];
  for (let i = 0; i < lines; i++) {
    const stamp = new Date(start + i * 1000).toISOString().replace('T', ' ').slice(0, 19);
    const address = `100.${64 + ((i >>> 16) & 63)}.${(i >>> 8) & 255}.${i & 255}`;
    chunk.push(`${stamp},000 fail2ban.filter         [812]: INFO    [sshd] Found ${address} - ${stamp}\n`);
  }
  fs.writeFileSync(file, chunk.join(''));
}
