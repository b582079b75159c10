/**
 * fail2ban's sqlite database (`/var/lib/fail2ban/fail2ban.sqlite3`), read with sql.js (SQLite
 * compiled to WebAssembly: no native build). Recognised by the SQLite header, not by its lines.
 *
 * - `bans` (every schema): one row per ban → an event of kind `ban` at `timeofban` (seconds;
 *   REAL in schema v1) for `jail`, plus one `found` event per failure that led to it
 *   (`data.failures`, else the number of `data.matches`), as fail2ban.log has a `Found` line
 *   per failure before its `Ban`. Each `found` takes the time and user name of its match line
 *   where the line has them (the last failures have the matches; a time after the ban's, from a
 *   log written in another zone than BotMap reads it in, becomes the ban's), else the ban's
 *   time. The `ban` takes the first user name found in the matches.
 * - `bips` (schema v4: the latest ban per address and jail, kept longer than `bans`): read
 *   only for address–jail pairs that `bans` does not have (fail2ban purges old `bans` rows).
 * - Older schemas without `bips`, `bantime` or `bancount` are read the same way.
 *
 * For the accounting, a database's "lines" are the rows read: `bans` rows first (numbered
 * from 1), then `bips` rows.
 */
import initSqlJs from 'sql.js';
import { looksLikeHostname } from '../../locate/address';
import { HOSTNAME, NOT_AN_ADDRESS, type Emit, type LineResult } from './parser';
import { SshdMessage } from './grammar/sshd';
import { SyslogPrefixReader, isSshd } from './grammar/syslog';
import { SyslogClock, readIsoStamp } from './grammar/time';
import type { TimeZone } from '../../time-zone';

export const NO_BANS_TABLE = 'not a fail2ban database (no bans table)';
export const EMPTY_ADDRESS = 'no address';
export const ALREADY_IN_BANS = 'ban already read from the bans table';

/** The first 16 bytes of every SQLite 3 database file. */
export const SQLITE_MAGIC = 'SQLite format 3\0';

const MAX_FAILURES = 10_000;
/** The largest time a JavaScript Date holds, ms from the epoch. */
const MAX_TIME = 8.64e15;

let sqlPromise: Promise<initSqlJs.SqlJsStatic> | null = null;

function sqlite(): Promise<initSqlJs.SqlJsStatic> {
  if (sqlPromise === null) sqlPromise = initSqlJs();
  return sqlPromise;
}

/** True when the bytes start with the SQLite header. */
export function isSqlite(head: Uint8Array): boolean {
  if (head.length < 16) return false;
  for (let i = 0; i < 16; i++) if (head[i] !== SQLITE_MAGIC.charCodeAt(i)) return false;
  return true;
}

interface Matches {
  lines: string[];
  failures: number;
}

function matchesOf(data: unknown): Matches {
  let parsed: unknown = null;
  if (typeof data === 'string' && data.length > 0) {
    try {
      parsed = JSON.parse(data);
    } catch {
      parsed = null;
    }
  }
  const lines: string[] = [];
  let failures = -1;
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const d = parsed as Record<string, unknown>;
    if (Array.isArray(d.matches)) {
      for (const m of d.matches) {
        if (typeof m === 'string') lines.push(m.replace(/\r?\n$/, ''));
        else if (Array.isArray(m)) lines.push(m.filter((part): part is string => typeof part === 'string').join(''));
      }
    }
    if (typeof d.failures === 'number' && Number.isFinite(d.failures)) failures = d.failures;
  }
  if (failures < 0) failures = lines.length;
  return { lines, failures: Math.max(0, Math.min(MAX_FAILURES, Math.floor(failures))) };
}

const USER_PATTERNS = [/ for (?:invalid user |illegal user )?(\S+) from /, /[Ii]nvalid user (\S+) from /, /\buser=(\S+)/, /\bruser=(\S+)/];

/** The time and user name of one match line (a line of the jail's log), where it has them. */
function readMatch(line: string, prefix: SyslogPrefixReader, clock: SyslogClock, sshd: SshdMessage): { time: number | null; user: string | null } {
  let time: number | null = null;
  let user: string | null = null;
  const iso = readIsoStamp(line, 0, prefix.timeZone);
  if (iso !== null) time = iso.time;
  else if (clock.read(line, 0) >= 0) time = clock.time;
  if (prefix.read(line) && isSshd(prefix.daemon) && sshd.classify(line, prefix.message) && sshd.user !== null && sshd.user.length > 0) {
    user = sshd.user;
  }
  if (user === null) {
    for (const pattern of USER_PATTERNS) {
      const m = pattern.exec(line);
      if (m !== null && m[1].length > 0) {
        user = m[1];
        break;
      }
    }
  }
  return { time: time !== null && Number.isFinite(time) ? time : null, user };
}

/** Emits one ban row: its `ban` and its failures' `found` events. */
function banRow(ip: unknown, jail: unknown, timeofban: unknown, data: unknown, emit: Emit, zone: TimeZone): LineResult {
  if (typeof ip !== 'string' || ip.trim().length === 0) return EMPTY_ADDRESS;
  const address = ip.trim();
  const jailName = typeof jail === 'string' && jail.length > 0 ? jail : null;
  const seconds = typeof timeofban === 'number' ? timeofban : typeof timeofban === 'string' ? Number(timeofban) : Number.NaN;
  // Within the range of dates (±8.64e15 ms): a corrupt row's 1e300 is no time.
  const ms = seconds * 1000;
  const time = Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME ? Math.round(ms) : null;
  const matches = matchesOf(data);
  const read: { time: number | null; user: string | null }[] = [];
  if (matches.lines.length > 0) {
    // Syslog lines take their year from the ban's time.
    const prefix = new SyslogPrefixReader(time, zone);
    const clock = new SyslogClock(time, zone);
    const sshd = new SshdMessage();
    for (const line of matches.lines) {
      const match = readMatch(line, prefix, clock, sshd);
      // A failure after its ban: the log's time zone is not the one BotMap reads it in.
      if (match.time !== null && time !== null && match.time > time) match.time = time;
      read.push(match);
    }
  }
  const firstUser = read.find((r) => r.user !== null)?.user ?? null;
  if (!emit(address, 'ban', time, jailName, firstUser)) return looksLikeHostname(address) ? HOSTNAME : NOT_AN_ADDRESS;
  // The last failures are the ones with match lines.
  const offset = matches.failures - read.length;
  for (let i = 0; i < matches.failures; i++) {
    const match = i >= offset ? read[i - offset] : undefined;
    emit(address, 'found', match?.time ?? time, jailName, match?.user ?? null);
  }
  return 1 + matches.failures;
}

/**
 * Reads a fail2ban database from its bytes, calling `row` with each row's result (events
 * emitted, or a skip reason). Returns an error text when the file is not a fail2ban database
 * or cannot be read; the rows read before an error are kept.
 */
export async function readFail2banDatabase(bytes: Uint8Array, emit: Emit, row: (result: LineResult) => void, zone: TimeZone): Promise<string | null> {
  let SQL: initSqlJs.SqlJsStatic;
  try {
    SQL = await sqlite();
  } catch (err) {
    return `the SQLite engine (sql.js) could not be loaded: ${err instanceof Error ? err.message : String(err)}`;
  }
  let db: initSqlJs.Database | null = null;
  try {
    db = new SQL.Database(bytes);
    const tables = new Set<string>();
    const list = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'");
    for (const value of list[0]?.values ?? []) tables.add(String(value[0]));
    if (!tables.has('bans')) return NO_BANS_TABLE;
    // Address–jail pairs read from `bans`, not read again from `bips`.
    const seen = new Set<string>();
    for (const table of ['bans', 'bips'].filter((name) => tables.has(name))) {
      const rows = db.prepare(`SELECT ip, jail, timeofban, data FROM ${table} ORDER BY timeofban`);
      try {
        while (rows.step()) {
          const [ip, jail, timeofban, data] = rows.get();
          const pair = typeof ip === 'string' ? `${ip.trim()}\u0000${String(jail)}` : null;
          if (table === 'bips' && pair !== null && seen.has(pair)) row(ALREADY_IN_BANS);
          else row(banRow(ip, jail, timeofban, data, emit, zone));
          if (table === 'bans' && pair !== null) seen.add(pair);
        }
      } finally {
        rows.free();
      }
    }
    return null;
  } catch (err) {
    return `not readable as a fail2ban database: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    db?.close();
  }
}
