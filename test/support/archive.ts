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

/** The sample's web1 fail2ban.log. */
export const SAMPLE_WEB1_LOG = path.join(import.meta.dirname, '..', '..', 'data', 'sample', 'web1', 'fail2ban.log');

/**
 * web1's export of the week after the sample's, overlapping it: the second half of the sample's
 * fail2ban.log (19,433 lines), then two Found lines, a Ban and an Unban of 203.0.113.7 after the
 * sample ends, and the half's last Found line again (the same line twice in one file is two
 * events, of which the sample holds one). Of its 19,393 events, 5 are not in the sample.
 */
export function writeOverlappingExport(file: string): void {
  const lines = fs.readFileSync(SAMPLE_WEB1_LOG, 'utf8').split('\n').filter(Boolean);
  const secondHalf = lines.slice(lines.length / 2);
  const lastFound = [...secondHalf].reverse().find((line) => line.includes(' Found '))!;
  const later = [
    '2026-10-26 00:10:01,100 fail2ban.filter         [741]: INFO    [sshd] Found 203.0.113.7 - 2026-10-26 00:10:01',
    '2026-10-26 00:10:05,200 fail2ban.filter         [741]: INFO    [sshd] Found 203.0.113.7 - 2026-10-26 00:10:05',
    '2026-10-26 00:10:09,300 fail2ban.actions        [741]: NOTICE  [sshd] Ban 203.0.113.7',
    '2026-10-26 00:20:09,400 fail2ban.actions        [741]: NOTICE  [sshd] Unban 203.0.113.7',
    lastFound,
  ];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${[...secondHalf, ...later].join('\n')}\n`);
}
