/**
 * The archive bench's inputs (issue 15), made once into `.cache/bench/archive/` and reused:
 *
 * - `history.duckdb`: an archive of about ten million events: the bench's fail2ban.log ingested,
 *   then its events copied ten times, each copy moved one log span (~52 days) further back, so the
 *   archive holds a year and a half of one server's history;
 * - `bench/fail2ban.log`: the next export, as logrotate leaves it: the second half of the log's
 *   lines as they are (events the archive holds: duplicates), then its first half moved one span
 *   later (new events). Its folder names the same server (`bench`) as the log the archive was
 *   made from.
 *
 * Made with BotMap's own ingest and one SQL statement, untimed: only what the jobs run is measured.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ingestPaths } from '../src/archive/ingest';

/** Bump when what is made here changes, so the cached files are made again. */
const ARCHIVE_INPUTS_VERSION = 2;

/** Copies of the log's events in the archive besides the ingested one. */
const COPIES = 10;

export interface ArchiveInputs {
  /** The ~10M-event archive; the jobs work on a copy of it. */
  archive: string;
  events: number;
  /** The next export to ingest (1M lines, half of them already in the archive). */
  nextExport: string;
  lines: number;
}

/** The archive and the next export, made from the bench's `log` unless `dir` holds them already. */
export async function archiveInputs(dir: string, log: string, say: (text: string) => void = () => {}): Promise<ArchiveInputs> {
  const manifest = path.join(dir, 'manifest.json');
  try {
    const made = JSON.parse(fs.readFileSync(manifest, 'utf8')) as ArchiveInputs & { version: number; log: string; logBytes: number };
    if (made.version === ARCHIVE_INPUTS_VERSION && made.log === log && made.logBytes === fs.statSync(log).size && fs.existsSync(made.archive)) return made;
  } catch {
    // Not made yet, or by another version: make them.
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'bench'), { recursive: true });
  say(`  archive: making a ${COPIES + 1}-span archive from ${path.basename(log)} (once; kept in ${dir}) …`);
  const span = logSpanDays(log);
  const nextExport = path.join(dir, 'bench', 'fail2ban.log');
  const lines = writeNextExport(log, nextExport, span);
  const archive = path.join(dir, 'history.duckdb');
  await ingestPaths([log], { archive, waitMs: 0 });
  const events = await copyEventsBack(archive, span);
  const inputs: ArchiveInputs = { archive, events, nextExport, lines };
  fs.writeFileSync(manifest, JSON.stringify({ ...inputs, version: ARCHIVE_INPUTS_VERSION, log, logBytes: fs.statSync(log).size }));
  return inputs;
}

const STAMP = /(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}:\d{2})/g;

/** Whole days from the log's first line to its last (rounded up). */
function logSpanDays(log: string): number {
  const text = fs.readFileSync(log, 'utf8');
  const first = text.slice(0, 19);
  const last = text.slice(text.lastIndexOf('\n', text.length - 2) + 1).slice(0, 19);
  return Math.ceil((Date.parse(`${last.replace(' ', 'T')}Z`) - Date.parse(`${first.replace(' ', 'T')}Z`)) / 86_400_000);
}

/** The log's second half, then its first half with every date-time moved `days` later (fail2ban logs' times carry no zone). */
function writeNextExport(log: string, out: string, days: number): number {
  const lines = fs.readFileSync(log, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const half = lines.length >> 1;
  const later = lines.slice(0, half).map((line) =>
    line.replace(STAMP, (_all, y: string, m: string, d: string, clock: string) => {
      const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d) + days));
      return `${day.toISOString().slice(0, 10)} ${clock}`;
    }),
  );
  fs.writeFileSync(out, `${[...lines.slice(half), ...later].join('\n')}\n`);
  return lines.length;
}

/** Adds `COPIES` copies of the archive's events, the k-th moved k spans back; the archive's event count after. */
async function copyEventsBack(archive: string, spanDays: number): Promise<number> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(archive);
  const connection = await instance.connect();
  try {
    await connection.run(
      `INSERT INTO events SELECT server, jail, address, kind, time - to_days(CAST(k * ${spanDays} AS INTEGER)), "user", file_id, line
       FROM events, range(1, ${COPIES + 1}) AS copies(k)`,
    );
    const count = await connection.runAndReadAll('SELECT count(*) AS n FROM events');
    return Number(count.getRowObjectsJS()[0].n);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
