/**
 * An event read from several inputs of one server counts once (`findDuplicates`): a log beside
 * its copy, status snapshots a week apart, fail2ban's database beside its log. Identical events
 * within one input stay distinct, and a listed ban beside a timed ban of the same server and jail
 * is that ban. Every run here also accounts for every line: records + skipped == lines.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDuplicates } from '../src/load/duplicates';
import { EventStore } from '../src/load/events';
import { eventsTable } from '../src/load/events-table';
import { loadPaths, type LoadResult } from '../src/load/load';
import { analyse, parameters } from '../src/notebook/pipeline';
import { UTC } from '../src/time-zone';
import { ATTACK_KINDS, type EventKind } from '../src/types';
import { V4_SCHEMA, fail2banDatabase } from './support/fail2ban-db';
import { fixtureFolders } from './support/fixture-folders';

const SAMPLE = path.join(import.meta.dirname, '..', 'data', 'sample');
const { root: tmpRoot, folder } = fixtureFolders('botmap-duplicates-');

/** `loadPaths` in UTC; every input accounts for its lines, and the mask agrees with the reports. */
async function load(paths: string[]): Promise<LoadResult> {
  const result = await loadPaths(paths, { timeZone: UTC });
  for (const report of result.inputs) {
    const skipped = Object.values(report.skipped).reduce((a, b) => a + b, 0);
    expect(report.records + skipped, report.file).toBe(report.lines);
    expect(report.duplicates, report.file).toBeLessThanOrEqual(report.events);
  }
  const marked = result.duplicate.reduce((sum, flag) => sum + flag, 0);
  expect(marked).toBe(result.inputs.reduce((sum, report) => sum + report.duplicates, 0));
  return result;
}

/** Each input's file name, events and duplicates. */
const reports = (result: LoadResult) => result.inputs.map((report) => [path.basename(report.file), report.events, report.duplicates]);

/** What the events table counts: events, attack events, distinct addresses, events by kind. */
function counted(result: LoadResult) {
  const table = eventsTable(result);
  const kinds = table.array('kind') as EventKind[];
  const byKind: Record<string, number> = {};
  for (const kind of kinds) byKind[kind] = (byKind[kind] ?? 0) + 1;
  return { events: table.numRows(), attacks: kinds.filter((kind) => ATTACK_KINDS.has(kind)).length, addresses: new Set(table.array('ip')).size, byKind };
}

/** web1's `fail2ban-client status sshd` from the sample with another list of banned addresses (and jail). */
function status(addresses: readonly string[], jail = 'sshd'): string {
  return readFileSync(path.join(SAMPLE, 'web1', 'fail2ban-client-status-sshd.txt'), 'utf8')
    .replace('Status for the jail: sshd', `Status for the jail: ${jail}`)
    .replace(/Currently banned:\t\d+/, `Currently banned:\t${addresses.length}`)
    .replace(/Banned IP list:\t.*/, `Banned IP list:\t${addresses.join(' ')}`);
}

/** The 30 addresses the sample's web1 status lists. */
const SAMPLE_LISTED = readFileSync(path.join(SAMPLE, 'web1', 'fail2ban-client-status-sshd.txt'), 'utf8').match(/Banned IP list:\t(.*)/)![1].split(' ');

describe('a log loaded with a copy of itself', () => {
  const web1 = path.join(folder({}), 'web1');
  mkdirSync(web1, { recursive: true });
  const [original, copy] = [path.join(web1, 'fail2ban.log'), path.join(web1, 'copy-of-fail2ban.log')];
  copyFileSync(path.join(SAMPLE, 'web1', 'fail2ban.log'), original);
  copyFileSync(path.join(SAMPLE, 'web1', 'fail2ban.log'), copy);

  it("counts the events of one copy, the copy's events all its duplicates", async () => {
    const alone = await load([original]);
    const both = await load([original, copy]);
    expect(reports(alone)).toEqual([['fail2ban.log', 38804, 0]]);
    expect(reports(both)).toEqual([
      ['fail2ban.log', 38804, 0],
      ['copy-of-fail2ban.log', 38804, 38804],
    ]);
    expect(counted(alone)).toEqual({ events: 38804, attacks: 34153, addresses: 3004, byKind: { found: 29480, ban: 4673, unban: 4642, restore: 9 } });
    expect(counted(both)).toEqual(counted(alone));
    // The events kept are the first input's, each with its line.
    expect(eventsTable(both).objects()).toEqual(eventsTable(alone).objects());
    // Read as a folder, the copy comes first by name: the original is then the duplicate.
    const asFolder = await load([web1]);
    expect(reports(asFolder)).toEqual([
      ['copy-of-fail2ban.log', 38804, 0],
      ['fail2ban.log', 38804, 38804],
    ]);
    expect(counted(asFolder)).toEqual(counted(alone));
  });

  it('gives the summary and per-address tables of one copy, with its duplicates said', async () => {
    const out = path.join(tmpRoot, 'out');
    const one = await analyse(parameters({ data: [original], out, timeZone: 'UTC' }, {}));
    const both = await analyse(parameters({ data: [web1], out, timeZone: 'UTC' }, {}));
    expect(both.summary.events).toStrictEqual({ total: 38804, attacks: 34153, by_kind: { found: 29480, ban: 4673, unban: 4642, restore: 9 }, duplicates: 38804 });
    expect(one.summary.events).toStrictEqual({ ...both.summary.events, duplicates: 0 });
    expect(both.summary.inputs.map((input) => [input.events, input.duplicates])).toEqual([
      [38804, 0],
      [38804, 38804],
    ]);
    expect(both.summary.ips).toStrictEqual(one.summary.ips);
    expect(both.summary.ips.distinct).toBe(3004);
    for (const table of ['ips', 'cities', 'countries', 'asns'] as const) expect(both.aggregates[table].objects(), table).toStrictEqual(one.aggregates[table].objects());
  }, 120_000);
});

describe('two status snapshots of one server a week apart', () => {
  it('list each address once', async () => {
    // A week later: 10 of the 30 bans lifted, 3 new ones.
    const added = ['192.0.2.201', '198.51.100.202', '2001:db8::203'];
    const dir = folder({
      'web1/status-2026-10-18.txt': status(SAMPLE_LISTED),
      'web1/status-2026-10-25.txt': status([...SAMPLE_LISTED.slice(10), ...added]),
    });
    const result = await load([dir]);
    expect(SAMPLE_LISTED).toHaveLength(30);
    expect(reports(result)).toEqual([
      ['status-2026-10-18.txt', 30, 0],
      ['status-2026-10-25.txt', 23, 20],
    ]);
    expect(counted(result)).toEqual({ events: 33, attacks: 33, addresses: 33, byKind: { listed: 33 } });
  });
});

describe("fail2ban's database beside its log", () => {
  const at = (text: string) => Date.parse(text) / 1000;
  const log = [
    '2026-10-01 09:59:50,101 fail2ban.filter         [812]: INFO    [sshd] Found 192.0.2.171 - 2026-10-01 09:59:50',
    '2026-10-01 09:59:55,102 fail2ban.filter         [812]: INFO    [sshd] Found 192.0.2.171 - 2026-10-01 09:59:55',
    '2026-10-01 10:00:00,417 fail2ban.actions        [812]: NOTICE  [sshd] Ban 192.0.2.171',
    '2026-10-01 11:00:00,250 fail2ban.actions        [812]: NOTICE  [recidive] Ban 198.51.100.171',
    '2026-10-01 11:10:00,730 fail2ban.actions        [812]: NOTICE  [sshd] Unban 192.0.2.171',
  ].join('\n');
  // The failures fail2ban stored with the ban, as auth.log lines: they name the user tried.
  const matches = [50, 55].map((second) => `Oct  1 09:59:${second} db1 sshd[4001]: Failed password for invalid user oracle from 192.0.2.171 port 50001 ssh2`);
  const banRows = [
    ['sshd', '192.0.2.171', at('2026-10-01T10:00:00Z'), 600, 1, JSON.stringify({ matches, failures: 2 })],
    ['recidive', '198.51.100.171', at('2026-10-01T11:00:00Z'), 604800, 1, null],
  ];

  it('count each ban once, whichever is read first', async () => {
    const database = await fail2banDatabase(V4_SCHEMA, [{ sql: 'INSERT INTO bans(jail, ip, timeofban, bantime, bancount, data) VALUES (?, ?, ?, ?, ?, ?)', rows: banRows }]);
    const dir = path.join(folder({ 'db1/fail2ban.log': `${log}\n`, 'db1/fail2ban.sqlite3': database }), 'db1');
    const logFirst = await load([dir]);
    // The log: 2 Found, 2 Ban, 1 Unban; the database: its 2 bans and the 2 failures of the first.
    expect(reports(logFirst)).toEqual([
      ['fail2ban.log', 5, 0],
      ['fail2ban.sqlite3', 4, 2],
    ]);
    // The database's failures name the user tried, the log's Found lines of them do not: they stay apart.
    expect(counted(logFirst)).toEqual({ events: 7, attacks: 6, addresses: 2, byKind: { found: 4, ban: 2, unban: 1 } });
    const bans = (result: LoadResult) => eventsTable(result).filter((d: any) => d.kind === 'ban').select('ip', 'jail', 'user', 'line').objects();
    expect(bans(logFirst)).toEqual([
      { ip: '192.0.2.171', jail: 'sshd', user: null, line: 3 },
      { ip: '198.51.100.171', jail: 'recidive', user: null, line: 4 },
    ]);
    // The database first: its bans are kept (the first naming the user of its failures), the log's are the duplicates.
    const databaseFirst = await load([path.join(dir, 'fail2ban.sqlite3'), path.join(dir, 'fail2ban.log')]);
    expect(reports(databaseFirst)).toEqual([
      ['fail2ban.sqlite3', 4, 0],
      ['fail2ban.log', 5, 2],
    ]);
    expect(counted(databaseFirst)).toEqual({ ...counted(logFirst), byKind: { ban: 2, found: 4, unban: 1 } });
    expect(bans(databaseFirst)).toEqual([
      { ip: '192.0.2.171', jail: 'sshd', user: 'oracle', line: null },
      { ip: '198.51.100.171', jail: 'recidive', user: null, line: null },
    ]);
  });
});

describe('failures in the same second', () => {
  const failure = (second: string, user = 'root') => `2026-10-01T00:07:${second}+00:00 mail1 sshd[18413]: Failed password for ${user} from 203.0.113.9 port 16546 ssh2`;

  it('are distinct within one auth.log, and counted as often as the one log that has most of them', async () => {
    const log = [failure('08.101'), failure('08.402'), failure('08.903'), failure('09.004')].join('\n');
    const overlapping = [failure('08.101'), failure('08.402'), failure('08.500', 'admin')].join('\n');
    const dir = folder({ 'mail1/auth.log': `${log}\n`, 'mail1/other-auth.log': `${overlapping}\n` });
    const alone = await load([path.join(dir, 'mail1', 'auth.log')]);
    expect(reports(alone)).toEqual([['auth.log', 4, 0]]);
    expect(counted(alone)).toEqual({ events: 4, attacks: 4, addresses: 1, byKind: { failure: 4 } });
    // Three as root in second 08 here, two there: three; admin's is another event.
    const both = await load([path.join(dir, 'mail1', 'auth.log'), path.join(dir, 'mail1', 'other-auth.log')]);
    expect(reports(both)).toEqual([
      ['auth.log', 4, 0],
      ['other-auth.log', 3, 2],
    ]);
    expect(counted(both)).toEqual({ events: 5, attacks: 5, addresses: 1, byKind: { failure: 5 } });
  });
});

describe('a listed ban without a time', () => {
  it('is the timed ban of the same server, jail and address, in any input; not that of another server or jail', async () => {
    const log = [
      '2026-10-01 10:00:00,417 fail2ban.actions        [812]: NOTICE  [sshd] Ban 192.0.2.10',
      '2026-10-01 10:05:00,417 fail2ban.actions        [812]: NOTICE  [nginx-botsearch] Ban 192.0.2.11',
    ].join('\n');
    // web1's status is read before its log ("banned-now" < "fail2ban"): a later input's ban counts too.
    const dir = folder({
      'web1/banned-now.txt': status(['192.0.2.10', '192.0.2.11', '192.0.2.12']),
      'web1/fail2ban.log': `${log}\n`,
      'web2/banned-now.txt': status(['192.0.2.10']),
    });
    const result = await load([dir]);
    expect(reports(result)).toEqual([
      ['banned-now.txt', 3, 1],
      ['fail2ban.log', 2, 0],
      ['banned-now.txt', 1, 0],
    ]);
    const listed = eventsTable(result).filter((d: any) => d.kind === 'listed').select('server', 'jail', 'ip').objects();
    expect(listed).toEqual([
      { server: 'web1', jail: 'sshd', ip: '192.0.2.11' },
      { server: 'web1', jail: 'sshd', ip: '192.0.2.12' },
      { server: 'web2', jail: 'sshd', ip: '192.0.2.10' },
    ]);
  });
});

describe('findDuplicates', () => {
  const second = Date.UTC(2026, 9, 1, 10, 0, 0);
  const failure = (store: EventStore, input: number, ms: number, server = 'web1', user = 'root') =>
    store.add({ ip: '203.0.113.9', kind: 'failure', time: second + ms, jail: 'sshd', user }, { server, input });

  it('keeps the earliest input whole and of each later one what exceeds the inputs before it, per server', () => {
    const store = new EventStore();
    // Input 1's events are stored before input 0's: inputs are still taken in their order.
    for (const ms of [200, 300, 900]) failure(store, 1, ms);
    for (const ms of [0, 100]) failure(store, 0, ms);
    failure(store, 2, 999);
    failure(store, 3, 0, 'web2');
    failure(store, 4, 0, 'web1', 'admin');
    failure(store, 5, 1000);
    const { duplicate, perInput } = findDuplicates(store, 6);
    // Input 1 has 3 where input 0 had 2: its first 2 are duplicates; input 2's one is within them.
    expect(Array.from(duplicate)).toEqual([1, 1, 0, 0, 0, 1, 0, 0, 0]);
    expect(perInput).toEqual([0, 2, 1, 0, 0, 0]);
    expect(eventsTable({ store, inputs: Array.from({ length: 6 }, (_, i) => ({ file: `${i}.log` })) }).numRows()).toBe(6);
  });

  it('drops nothing of a single input but a listed ban listed again', () => {
    const store = new EventStore();
    for (const ms of [0, 0, 0]) failure(store, 0, ms);
    for (let i = 0; i < 2; i++) store.add({ ip: '192.0.2.1', kind: 'listed', time: null, jail: 'sshd' }, { server: 'web1', input: 0 });
    expect(findDuplicates(store, 1)).toEqual({ duplicate: Uint8Array.from([0, 0, 0, 0, 1]), perInput: [1] });
  });
});
