/**
 * fail2ban's sqlite database: test databases are built with sql.js (`support/fail2ban-db.ts`) in
 * fail2ban's schemas (v4 with `bips`, and the old ones without `bips`/`bantime`/`bancount`, REAL
 * `timeofban`).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import initSqlJs from 'sql.js';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_KINDS } from '../src/load/events';
import { eventsTable } from '../src/load/events-table';
import { loadPaths, type LoadResult } from '../src/load/load';
import type { InputReport } from '../src/types';
import { UTC } from '../src/time-zone';
import { V4_SCHEMA, fail2banDatabase } from './support/fail2ban-db';

const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'botmap-db-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

const V1_SCHEMA = `
CREATE TABLE fail2banDb(version INTEGER);
CREATE TABLE jails(name TEXT NOT NULL UNIQUE, enabled INTEGER NOT NULL DEFAULT 1);
CREATE TABLE logs(jail TEXT NOT NULL, path TEXT, firstlinemd5 TEXT, lastfilepos INTEGER DEFAULT 0, FOREIGN KEY(jail) REFERENCES jails(name) ON DELETE CASCADE, UNIQUE(jail, path));
CREATE TABLE bans(jail TEXT NOT NULL, ip TEXT, timeofban INTEGER NOT NULL, data JSON, FOREIGN KEY(jail) REFERENCES jails(name));
INSERT INTO fail2banDb(version) VALUES (1);
INSERT INTO jails(name, enabled) VALUES ('ssh', 1);
`;

let cases = 0;
function folder(files: Record<string, Uint8Array | string>): string {
  const dir = path.join(tmpRoot, `case${++cases}`, 'db1');
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), content);
    const mtime = new Date('2026-10-02T00:00:00Z');
    utimesSync(path.join(dir, name), mtime, mtime);
  }
  return dir;
}

function sumSkipped(report: InputReport): number {
  return Object.values(report.skipped).reduce((a, b) => a + b, 0);
}

/** `loadPaths` in UTC, so expected times do not depend on the machine's zone. */
async function load(paths: string[], options?: Parameters<typeof loadPaths>[1]): Promise<LoadResult> {
  const result = await loadPaths(paths, { timeZone: UTC, ...options });
  for (const report of result.inputs) expect(report.records + sumSkipped(report)).toBe(report.lines);
  const perInput = new Map<number, number>();
  for (const input of result.store.columns().input) perInput.set(input, (perInput.get(input) ?? 0) + 1);
  result.inputs.forEach((report, i) => expect(report.events).toBe(perInput.get(i) ?? 0));
  return result;
}

function eventsOf(result: LoadResult) {
  const { store } = result;
  const c = store.columns();
  return Array.from({ length: store.length }, (_, i) => [
    store.addresses[c.ip[i]].ip,
    EVENT_KINDS[c.kind[i]],
    Number.isNaN(c.time[i]) ? null : new Date(c.time[i]).toISOString(),
    c.jail[i] === 0 ? null : store.jails.values[c.jail[i]],
    c.user[i] === 0 ? null : store.users.values[c.user[i] - 1],
  ]);
}

const T = (text: string) => Date.parse(text) / 1000;
const BAN_SQL = 'INSERT INTO bans(jail, ip, timeofban, bantime, bancount, data) VALUES (?, ?, ?, ?, ?, ?)';
const BIP_SQL = 'INSERT INTO bips(ip, jail, timeofban, bantime, bancount, data) VALUES (?, ?, ?, ?, ?, ?)';

describe('fail2ban database', () => {
  it('reads schema v4: bans with their failures, users and times from the matches, and bips missing from bans', async () => {
    const matches = {
      matches: [
        'Oct  1 09:59:50 web1 sshd[4001]: Invalid user oracle from 192.0.2.171 port 50001',
        'Oct  1 09:59:55 web1 sshd[4001]: Failed password for invalid user oracle from 192.0.2.171 port 50001 ssh2',
      ],
      failures: 3,
    };
    const bytes = await fail2banDatabase(V4_SCHEMA, [
      {
        sql: BAN_SQL,
        rows: [
          ['sshd', '192.0.2.171', T('2026-10-01T10:00:00Z'), 600, 1, JSON.stringify(matches)],
          ['recidive', '198.51.100.171', T('2026-10-01T11:00:00Z'), 604800, 2, null],
          ['sshd', null, T('2026-10-01T11:30:00Z'), 600, 1, null],
          ['sshd', 'not-an-ip.example.com', T('2026-10-01T11:40:00Z'), 600, 1, '{broken json'],
        ],
      },
      {
        sql: BIP_SQL,
        rows: [
          ['192.0.2.171', 'sshd', T('2026-10-01T10:00:00Z'), 600, 1, JSON.stringify(matches)],
          // A permanent ban whose `bans` row was purged.
          ['203.0.113.171', 'sshd', T('2026-09-01T08:00:00Z'), -1, 5, JSON.stringify({ matches: ['Sep  1 07:59:59 web1 sshd[9]: Failed password for root from 203.0.113.171 port 22 ssh2'], failures: 1 })],
        ],
      },
    ]);
    const result = await load([folder({ 'fail2ban.sqlite3': bytes })]);
    expect(result.inputs[0]).toMatchObject({
      format: 'fail2ban-db',
      server: 'db1',
      lines: 6,
      records: 3,
      events: 7,
      skipped: { 'no address': 1, 'hostname, not an address': 1, 'ban already read from the bans table': 1 },
      skipped_examples: { 'no address': [3], 'hostname, not an address': [4], 'ban already read from the bans table': [6] },
    });
    expect(result.inputs[0].error).toBeUndefined();
    expect(eventsOf(result)).toEqual([
      ['192.0.2.171', 'ban', '2026-10-01T10:00:00.000Z', 'sshd', 'oracle'],
      // three failures, the last two with their match lines
      ['192.0.2.171', 'found', '2026-10-01T10:00:00.000Z', 'sshd', null],
      ['192.0.2.171', 'found', '2026-10-01T09:59:50.000Z', 'sshd', 'oracle'],
      ['192.0.2.171', 'found', '2026-10-01T09:59:55.000Z', 'sshd', 'oracle'],
      ['198.51.100.171', 'ban', '2026-10-01T11:00:00.000Z', 'recidive', null],
      ['203.0.113.171', 'ban', '2026-09-01T08:00:00.000Z', 'sshd', 'root'],
      ['203.0.113.171', 'found', '2026-09-01T07:59:59.000Z', 'sshd', 'root'],
    ]);
  });

  it('reads the old schema: REAL timeofban, no bips, no bantime', async () => {
    const bytes = await fail2banDatabase(V1_SCHEMA, [
      {
        sql: 'INSERT INTO bans(jail, ip, timeofban, data) VALUES (?, ?, ?, ?)',
        rows: [
          ['ssh', '192.0.2.181', T('2013-12-25T22:07:22Z') + 0.259323, JSON.stringify({ matches: ['abc\n'], failures: 0 })],
          ['ssh', '2001:db8::181', T('2013-12-26T08:00:00Z'), null],
        ],
      },
    ]);
    const result = await load([folder({ 'fail2ban.sqlite3': bytes })]);
    expect(result.inputs[0]).toMatchObject({ format: 'fail2ban-db', lines: 2, records: 2, events: 2, skipped: {} });
    expect(eventsOf(result)).toEqual([
      ['192.0.2.181', 'ban', '2013-12-25T22:07:22.259Z', 'ssh', null],
      ['2001:db8::181', 'ban', '2013-12-26T08:00:00.000Z', 'ssh', null],
    ]);
  });

  it('reads a gzipped database, and says a sqlite file without bans is not a fail2ban database', async () => {
    const v1 = await fail2banDatabase(V1_SCHEMA, [{ sql: 'INSERT INTO bans(jail, ip, timeofban, data) VALUES (?, ?, ?, ?)', rows: [['ssh', '192.0.2.191', 1, null]] }]);
    const SQL = await initSqlJs();
    const other = new SQL.Database();
    other.run('CREATE TABLE notes(text TEXT); INSERT INTO notes VALUES (1);');
    const otherBytes = other.export();
    other.close();
    const result = await load([folder({ 'a.sqlite3.gz': gzipSync(v1), 'b-other.sqlite3': otherBytes, 'c.txt': '192.0.2.192\n' })]);
    const [gz, notFail2ban, list] = result.inputs;
    expect(gz).toMatchObject({ format: 'fail2ban-db', lines: 1, records: 1, events: 1 });
    expect(notFail2ban).toMatchObject({ format: 'fail2ban-db', lines: 0, records: 0, events: 0 });
    expect(notFail2ban.error).toMatch(/b-other\.sqlite3: not a fail2ban database: an SQLite database without the "bans" table of fail2ban\.sqlite3\.$/);
    expect(list).toMatchObject({ format: 'ip-list', events: 1 });
  });

  it("has no lines: its events' line is null in the events table, after a text file's", async () => {
    const v1 = await fail2banDatabase(V1_SCHEMA, [{ sql: 'INSERT INTO bans(jail, ip, timeofban, data) VALUES (?, ?, ?, ?)', rows: [['ssh', '192.0.2.194', 1, null]] }]);
    const result = await load([folder({ 'a.txt': '\n192.0.2.193\n', 'b.sqlite3': v1 })]);
    expect(eventsTable(result).select('ip', 'line').objects()).toEqual([
      { ip: '192.0.2.193', line: 2 },
      { ip: '192.0.2.194', line: null },
    ]);
  });

  it('reports a damaged database and a file forced to be one', async () => {
    const damaged = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(200, 7)]);
    const result = await load([folder({ 'broken.sqlite3': damaged })]);
    expect(result.inputs[0]).toMatchObject({ format: 'fail2ban-db', lines: 0 });
    expect(result.inputs[0].error).toMatch(/not readable as a fail2ban database/);
    const forced = await load([folder({ 'list.txt': '192.0.2.1\n' })], { format: 'fail2ban-db' });
    expect(forced.inputs[0].error).toMatch(/not an SQLite database/);
  });

  const corpus = ['../shared/corpus/fail2ban-tests', '/work/shared/corpus/fail2ban-tests'].find((dir) => existsSync(path.join(dir, 'database_v2.db')));
  it.skipIf(corpus === undefined)("reads fail2ban's own old-schema test databases (from the shared corpus, when present)", async () => {
    const result = await load([path.join(corpus!, 'database_v1.db'), path.join(corpus!, 'database_v2.db')]);
    expect(result.inputs.map((r) => [r.format, r.lines, r.records, r.events, r.error])).toEqual([
      ['fail2ban-db', 1, 1, 1, undefined],
      ['fail2ban-db', 2, 2, 8, undefined],
    ]);
    const events = eventsOf(result);
    expect(events[0]).toEqual(['127.0.0.1', 'ban', '2013-12-25T22:07:22.259Z', 'DummyJail #29162448 with 0 tickets', null]);
    expect(events.filter((e) => e[1] === 'ban').map((e) => e[0])).toEqual(['127.0.0.1', '1.2.3.7', '1.2.3.8']);
    expect(events.filter((e) => e[1] === 'found')).toHaveLength(6);
  });
});
