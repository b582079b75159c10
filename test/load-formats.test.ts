/**
 * Every input format, read from the committed fixtures in test/fixtures/formats/ (written from
 * the formats' documentation and fail2ban's/OpenSSH's sources, addresses from the documentation
 * ranges), with the accounting checked for every file.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_KINDS } from '../src/load/events';
import { detectFormat, givenToLocation, loadPaths, type LoadResult } from '../src/load/load';
import { rotationOf } from '../src/load/rotation';
import { normaliseCidr } from '../src/locate/address';
import type { InputReport } from '../src/types';
import { UTC } from '../src/time-zone';

const FIXTURES = fileURLToPath(new URL('./fixtures/formats/', import.meta.url));
const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'botmap-formats-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

let cases = 0;
/** Copies fixtures into a fresh folder `server/` (with a modification time) and returns the folder. */
function copyFixtures(names: string[], server = 'web1', mtime = new Date('2026-10-02T00:00:00Z')): string {
  const dir = path.join(tmpRoot, `case${++cases}`, server);
  mkdirSync(dir, { recursive: true });
  for (const name of names) {
    const target = path.join(dir, path.basename(name));
    copyFileSync(path.join(FIXTURES, name), target);
    utimesSync(target, mtime, mtime);
  }
  return dir;
}

function sumSkipped(report: InputReport): number {
  return Object.values(report.skipped).reduce((a, b) => a + b, 0);
}

function checkInvariant(result: LoadResult): void {
  for (const report of result.inputs) {
    expect(report.records + sumSkipped(report), report.file).toBe(report.lines);
    for (const [reason, examples] of Object.entries(report.skipped_examples)) expect(examples.length).toBe(Math.min(5, report.skipped[reason]));
  }
  const perInput = new Map<number, number>();
  for (const input of result.store.columns().input) perInput.set(input, (perInput.get(input) ?? 0) + 1);
  result.inputs.forEach((report, i) => expect(report.events, report.file).toBe(perInput.get(i) ?? 0));
}

/** `loadPaths` in UTC, so expected times do not depend on the machine's zone. */
async function load(paths: string[], options?: Parameters<typeof loadPaths>[1]): Promise<LoadResult> {
  const result = await loadPaths(paths, { timeZone: UTC, ...options });
  checkInvariant(result);
  return result;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function eventsOf(result: LoadResult) {
  const { store } = result;
  const c = store.columns();
  return Array.from({ length: store.length }, (_, i) => ({
    ip: store.addresses[c.ip[i]].ip,
    kind: EVENT_KINDS[c.kind[i]],
    time: Number.isNaN(c.time[i]) ? null : iso(c.time[i]),
    jail: c.jail[i] === 0 ? null : store.jails.values[c.jail[i]],
    user: c.user[i] === 0 ? null : store.users.values[c.user[i] - 1],
  }));
}

function fixtureLines(name: string): string[] {
  return readFileSync(path.join(FIXTURES, name), 'utf8').split('\n');
}

// ---------------------------------------------------------------- detection

describe('detectFormat picks the parser for each fixture', () => {
  const expected: Record<string, string> = {
    'status-0.8.txt': 'fail2ban-status',
    'status-0.9.txt': 'fail2ban-status',
    'status-empty.txt': 'fail2ban-status',
    'status-all.txt': 'fail2ban-status',
    'status-copy-paste.txt': 'fail2ban-status',
    'banned.txt': 'fail2ban-banned',
    'banned-multiline.txt': 'fail2ban-banned',
    'banip-sshd.txt': 'fail2ban-banip',
    'banip-comma.txt': 'fail2ban-banip',
    'banip-with-time.txt': 'fail2ban-banip',
    'fail2ban-0.8.log': 'fail2ban-log',
    'fail2ban-0.9.log': 'fail2ban-log',
    'fail2ban-syslog.log': 'fail2ban-log',
    'fail2ban-journal.txt': 'fail2ban-log',
    'auth.log': 'auth-log',
    'auth-pam.log': 'auth-log',
    'messages-pam': 'auth-log',
    secure: 'auth-log',
    'journal-short-iso.txt': 'auth-log',
    'journal.json': 'journal-json',
    'attackers.csv': 'csv',
    'counts.tsv': 'csv',
    'points.csv': 'csv',
    'rotated/fail2ban.log': 'fail2ban-log',
  };
  it.each(Object.entries(expected))('%s → %s', (name, format) => {
    expect(detectFormat(fixtureLines(name))).toBe(format);
  });
  it('covers every fixture', () => {
    const files = readdirSync(FIXTURES).filter((f) => !f.startsWith('.') && f !== 'rotated');
    expect(files.sort()).toEqual(Object.keys(expected).filter((f) => !f.includes('/')).sort());
  });
  it('keeps the old answers: a plain list, a `status` without jails, other files', () => {
    expect(detectFormat(['192.0.2.1', '198.51.100.2'])).toBe('ip-list');
    expect(detectFormat(['192.0.2.1'])).toBe('ip-list');
    expect(detectFormat(['Status', '|- Number of jails:\t1', '`- Jail list:\tsshd'])).toBe('fail2ban-status');
    expect(detectFormat(['[]'])).toBe('fail2ban-banned');
    expect(detectFormat(['ip', '192.0.2.1'])).toBe('csv');
    expect(detectFormat(['hello world', 'foo bar'])).toBeNull();
    expect(detectFormat(['{"a": 1}'])).toBeNull();
  });
});

// ---------------------------------------------------------------- fail2ban-client

describe('fail2ban-client status', () => {
  it('reads the 0.8 layout, 0.9+, an empty list and a copy-paste with spaces', async () => {
    const dir = copyFixtures(['status-0.8.txt', 'status-0.9.txt', 'status-empty.txt', 'status-copy-paste.txt']);
    const result = await load([dir]);
    const [old, modern, copy, empty] = result.inputs;
    expect(old).toMatchObject({ format: 'fail2ban-status', lines: 9, records: 1, events: 3, skipped: { 'status header': 1, 'status field': 7 } });
    expect(empty).toMatchObject({ format: 'fail2ban-status', lines: 9, records: 0, events: 0, skipped: { 'empty ban list': 1 } });
    expect(copy).toMatchObject({ format: 'fail2ban-status', lines: 9, records: 1, events: 2 });
    expect(modern).toMatchObject({ format: 'fail2ban-status', lines: 9, records: 1, events: 2 });
    expect(eventsOf(result).map((e) => [e.ip, e.kind, e.jail, e.time])).toEqual([
      ['192.0.2.10', 'listed', 'ssh-iptables', null],
      ['198.51.100.20', 'listed', 'ssh-iptables', null],
      ['203.0.113.30', 'listed', 'ssh-iptables', null],
      ['192.0.2.11', 'listed', 'sshd', null],
      ['2001:db8::11', 'listed', 'sshd', null],
      ['192.0.2.11', 'listed', 'sshd', null],
      ['2001:db8::11', 'listed', 'sshd', null],
    ]);
  });

  it('reads `status --all` (fail2ban 1.1): each jail under `Jail: name`', async () => {
    const result = await load([copyFixtures(['status-all.txt'])]);
    expect(result.inputs[0]).toMatchObject({ format: 'fail2ban-status', lines: 22, records: 2, events: 3, skipped: { 'status header': 4, 'status field': 16 } });
    expect(eventsOf(result).map((e) => [e.ip, e.jail])).toEqual([
      ['192.0.2.21', 'sshd'],
      ['198.51.100.21', 'sshd'],
      ['192.0.2.21', 'recidive'],
    ]);
  });
});

describe('fail2ban-client banned', () => {
  it('reads the Python repr on one line, every jail', async () => {
    const result = await load([copyFixtures(['banned.txt'])]);
    expect(result.inputs[0]).toMatchObject({ format: 'fail2ban-banned', lines: 1, records: 1, events: 4, rejected_tokens: 0 });
    expect(eventsOf(result).map((e) => [e.ip, e.kind, e.jail])).toEqual([
      ['192.0.2.31', 'listed', 'sshd'],
      ['198.51.100.31', 'listed', 'sshd'],
      ['2001:db8::31', 'listed', 'sshd'],
      ['192.0.2.31', 'listed', 'recidive'],
    ]);
  });

  it('reads a repr spread over several lines and counts what is not an address', async () => {
    const result = await load([copyFixtures(['banned-multiline.txt'])]);
    expect(result.inputs[0]).toMatchObject({
      format: 'fail2ban-banned',
      lines: 5,
      records: 3,
      events: 3,
      skipped: { 'not an address': 1, 'jail names only': 1 },
      skipped_examples: { 'not an address': [3], 'jail names only': [5] },
      rejected_tokens: 1,
      rejected_token_examples: ['not-an-address'],
    });
    expect(eventsOf(result).map((e) => [e.ip, e.jail])).toEqual([
      ['192.0.2.41', 'sshd'],
      ['198.51.100.41', 'sshd'],
      ['203.0.113.41', 'nginx-botsearch'],
    ]);
  });
});

describe('fail2ban-client get <jail> banip', () => {
  it('reads space- and comma-separated lists as listed addresses without a jail', async () => {
    const result = await load([copyFixtures(['banip-sshd.txt', 'banip-comma.txt'])]);
    const [comma, spaces] = result.inputs;
    expect(comma).toMatchObject({ format: 'fail2ban-banip', lines: 1, records: 1, events: 3 });
    expect(spaces).toMatchObject({ format: 'fail2ban-banip', lines: 1, records: 1, events: 4 });
    expect(eventsOf(result).map((e) => [e.ip, e.kind, e.jail, e.time])).toEqual([
      ['192.0.2.52', 'listed', null, null],
      ['198.51.100.52', 'listed', null, null],
      ['203.0.113.52', 'listed', null, null],
      ['192.0.2.51', 'listed', null, null],
      ['198.51.100.51', 'listed', null, null],
      ['2001:db8::51', 'listed', null, null],
      ['203.0.113.51', 'listed', null, null],
    ]);
  });

  it('reads --with-time as bans at their ban time, permanent ones included', async () => {
    const result = await load([copyFixtures(['banip-with-time.txt'])]);
    expect(result.inputs[0]).toMatchObject({ format: 'fail2ban-banip', lines: 3, records: 3, events: 3 });
    expect(eventsOf(result).map((e) => [e.ip, e.kind, e.time, e.jail])).toEqual([
      ['192.0.2.53', 'ban', '2026-10-01T12:00:00.000Z', null],
      ['2001:db8::53', 'ban', '2026-10-01T12:05:30.000Z', null],
      ['198.51.100.53', 'ban', '2026-09-30T23:59:59.000Z', null],
    ]);
  });

  it('counts words that are not addresses', async () => {
    const dir = path.join(tmpRoot, `case${++cases}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'banip.txt'), '192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4 192.0.2.5 192.0.2.6 192.0.2.7 192.0.2.8 192.0.2.9 junk\nmail.example.org\n');
    const result = await load([dir], { format: 'fail2ban-banip' });
    expect(result.inputs[0]).toMatchObject({
      format: 'fail2ban-banip',
      records: 1,
      events: 9,
      skipped: { 'hostname, not an address': 1 },
      rejected_tokens: 2,
      rejected_token_examples: ['junk', 'mail.example.org'],
    });
  });
});

// ---------------------------------------------------------------- fail2ban.log

describe('fail2ban.log', () => {
  it('reads the 0.8 layout with and without [pid]', async () => {
    const result = await load([copyFixtures(['fail2ban-0.8.log'])]);
    expect(result.inputs[0]).toEqual({
      file: expect.stringContaining('fail2ban-0.8.log'),
      format: 'fail2ban-log',
      server: 'web1',
      lines: 10,
      records: 4,
      events: 4,
      duplicates: 0,
      ranges: 0,
      skipped: { 'server message': 2, 'jail started/stopped': 3, 'already banned': 1 },
      skipped_examples: { 'server message': [1, 4], 'jail started/stopped': [2, 3, 5], 'already banned': [8] },
    });
    expect(eventsOf(result)).toEqual([
      { ip: '192.0.2.61', kind: 'ban', time: '2013-06-10T10:10:59.452Z', jail: 'ssh', user: null },
      { ip: '198.51.100.61', kind: 'ban', time: '2013-06-10T10:11:03.100Z', jail: 'ssh', user: null },
      { ip: '192.0.2.61', kind: 'unban', time: '2013-06-10T10:20:59.500Z', jail: 'ssh', user: null },
      { ip: '198.51.100.61', kind: 'unban', time: '2013-06-10T10:21:03.200Z', jail: 'sendmail', user: null },
    ]);
  });

  it('reads 0.9+ with every event kind, Found forms, a range ban and a multi-line error', async () => {
    const result = await load([copyFixtures(['fail2ban-0.9.log'])]);
    expect(result.inputs[0]).toMatchObject({
      format: 'fail2ban-log',
      lines: 23,
      records: 8,
      events: 8,
      ranges: 1,
      skipped: {
        'server message': 2,
        'jail started/stopped': 3,
        'logfile added/removed': 1,
        'already banned': 1,
        'ban-time observer message (repeats Found/Ban)': 1,
        'network range ban': 1,
        'error message': 1,
        'continuation of a multi-line message': 4,
        'jail message without an address': 1,
      },
      skipped_examples: { 'network range ban': [14], 'continuation of a multi-line message': [17, 18, 19, 20] },
    });
    expect(eventsOf(result).map((e) => [e.ip, e.kind, e.time, e.jail])).toEqual([
      ['192.0.2.71', 'restore', '2026-10-01T00:00:02.000Z', 'sshd'],
      ['198.51.100.71', 'found', '2026-10-01T00:03:16.000Z', 'sshd'],
      ['198.51.100.71', 'found', '2026-10-01T00:03:17.002Z', 'sshd'],
      ['198.51.100.71', 'found', '2026-10-01T00:03:18.000Z', 'sshd'],
      ['198.51.100.71', 'ban', '2026-10-01T00:03:20.019Z', 'sshd'],
      ['198.51.100.71', 'ban', '2026-10-01T00:05:01.000Z', 'sshd'],
      ['2001:db8::71', 'ban', '2026-10-01T00:06:30.000Z', 'sshd'],
      ['198.51.100.71', 'unban', '2026-10-01T01:03:20.019Z', 'sshd'],
    ]);
    expect(result.ranges).toEqual([{ cidr: '192.0.2.96/28', kind: 'ban', time: Date.parse('2026-10-01T00:06:00Z'), jail: 'recidive', server: 'web1', input: 0 }]);
  });

  it('reads fail2ban in syslog and journal lines, with and without times', async () => {
    const result = await load([copyFixtures(['fail2ban-syslog.log', 'fail2ban-journal.txt'])]);
    const [journal, syslog] = result.inputs;
    expect(journal).toMatchObject({ format: 'fail2ban-log', lines: 3, records: 2, events: 2, skipped: { 'not a fail2ban.log line': 1 } });
    expect(syslog).toMatchObject({ format: 'fail2ban-log', lines: 7, records: 5, events: 5, skipped: { 'server message': 1, 'not a fail2ban.log line': 1 } });
    expect(eventsOf(result).map((e) => [e.ip, e.kind, e.time, e.jail])).toEqual([
      ['192.0.2.91', 'ban', null, 'postfix-sasl'],
      ['198.51.100.91', 'restore', null, 'sshd'],
      // The file was modified on 2026-10-02: Sep 30 and Oct 1 are 2026.
      ['192.0.2.81', 'ban', '2026-09-30T23:59:50.000Z', 'sshd'],
      ['198.51.100.81', 'ban', '2026-10-01T00:00:01.000Z', 'postfix-auth'],
      ['192.0.2.81', 'unban', '2026-10-01T00:00:02.000Z', 'sshd'],
      ['203.0.113.81', 'found', '2026-10-01T00:00:02.000Z', 'sshd'],
      ['203.0.113.81', 'ban', '2026-10-01T00:00:06.000Z', 'sshd'],
    ]);
  });

  it('normalises range bans and refuses impossible ones', () => {
    expect(normaliseCidr('192.0.2.100/28')).toBe('192.0.2.96/28');
    expect(normaliseCidr('2001:DB8::1/64')).toBe('2001:db8::/64');
    expect(normaliseCidr('192.0.2.1/33')).toBeNull();
    expect(normaliseCidr('host.example/24')).toBeNull();
  });
});

describe('rotated files', () => {
  it('reads oldest first and skips the lines a rotation repeated at the seam', async () => {
    const dir = copyFixtures(['rotated/fail2ban.log', 'rotated/fail2ban.log.1'], 'web9');
    writeFileSync(path.join(dir, 'fail2ban.log.2.gz'), gzipSync(readFileSync(path.join(FIXTURES, 'rotated/fail2ban.log.2'))));
    const result = await load([dir]);
    expect(result.inputs.map((r) => [path.basename(r.file), r.lines, r.records, r.skipped])).toEqual([
      ['fail2ban.log.2.gz', 2, 2, {}],
      ['fail2ban.log.1', 3, 2, { "duplicate of rotated file's line": 1 }],
      ['fail2ban.log', 3, 1, { "duplicate of rotated file's line": 2 }],
    ]);
    expect(result.inputs[2].skipped_examples).toEqual({ "duplicate of rotated file's line": [1, 2] });
    expect(eventsOf(result).map((e) => [e.ip, e.kind, e.time])).toEqual([
      ['192.0.2.161', 'ban', '2026-09-28T10:00:00.000Z'],
      ['192.0.2.161', 'unban', '2026-09-28T11:00:00.000Z'],
      ['198.51.100.161', 'ban', '2026-09-29T10:00:00.000Z'],
      ['203.0.113.161', 'ban', '2026-09-29T10:00:05.000Z'],
      ['198.51.100.161', 'ban', '2026-09-30T10:00:00.000Z'],
    ]);
  });

  it('orders rotation names', () => {
    const names = ['fail2ban.log', 'fail2ban.log.1', 'fail2ban.log.10.gz', 'fail2ban.log.2.gz'];
    const sorted = [...names].sort((a, b) => rotationOf(a).order - rotationOf(b).order);
    expect(sorted).toEqual(['fail2ban.log.10.gz', 'fail2ban.log.2.gz', 'fail2ban.log.1', 'fail2ban.log']);
    expect(rotationOf('auth.log-20261001.gz')).toEqual({ base: 'auth.log', order: 20261001 });
    expect(rotationOf('fail2ban.log.2.gz').base).toBe('fail2ban.log');
    expect(rotationOf('banned.txt')).toEqual({ base: 'banned.txt', order: 3_000_000_000 });
  });

  it('does not take a file that merely starts like the end of the previous one for a repeat unless the whole tail matches', async () => {
    const dir = path.join(tmpRoot, `case${++cases}`, 'web1');
    mkdirSync(dir, { recursive: true });
    const line = (n: number) => `2026-09-29 10:00:0${n},000 fail2ban.actions        [812]: NOTICE  [sshd] Ban 192.0.2.${n}`;
    writeFileSync(path.join(dir, 'fail2ban.log.1'), [line(1), line(2), line(3)].join('\n') + '\n');
    // Starts with the tail's second-to-last line, then differs: not a repeat.
    writeFileSync(path.join(dir, 'fail2ban.log'), [line(2), line(4)].join('\n') + '\n');
    const result = await load([dir]);
    expect(result.inputs.map((r) => r.records)).toEqual([3, 2]);
  });
});

// ---------------------------------------------------------------- sshd

describe('auth logs', () => {
  it('reads auth.log in aggressive mode: failures as fail2ban counts them, users, syslog years across New Year', async () => {
    const dir = copyFixtures(['auth.log'], 'web1', new Date('2027-01-02T08:00:00Z'));
    const result = await load([dir], { sshdMode: 'aggressive' });
    expect(result.inputs[0]).toMatchObject({
      format: 'auth-log',
      lines: 23,
      records: 13,
      events: 15,
      skipped: {
        'not an sshd line': 3,
        'sshd message, not a failure': 3,
        'sshd message naming the connection, not a failure': 1,
        // PAM's lines 4 and 8: the attempts sshd's lines 2 and 9 count.
        "PAM failure, the same attempt as sshd's line": 2,
        'hostname, not an address': 1,
      },
      skipped_examples: { 'not an sshd line': [1, 13, 22], 'hostname, not an address': [19], "PAM failure, the same attempt as sshd's line": [4, 8] },
    });
    expect(eventsOf(result)).toEqual([
      { ip: '192.0.2.101', kind: 'failure', time: '2026-12-31T23:58:10.000Z', jail: 'sshd', user: 'admin' },
      { ip: '192.0.2.101', kind: 'failure', time: '2026-12-31T23:58:12.000Z', jail: 'sshd', user: 'admin' },
      { ip: '192.0.2.101', kind: 'failure', time: '2026-12-31T23:58:13.000Z', jail: 'sshd', user: 'admin' },
      { ip: '198.51.100.101', kind: 'failure', time: '2026-12-31T23:59:32.000Z', jail: 'sshd', user: 'root' },
      // message repeated 3 times
      { ip: '198.51.100.101', kind: 'failure', time: '2026-12-31T23:59:40.000Z', jail: 'sshd', user: 'root' },
      { ip: '198.51.100.101', kind: 'failure', time: '2026-12-31T23:59:40.000Z', jail: 'sshd', user: 'root' },
      { ip: '198.51.100.101', kind: 'failure', time: '2026-12-31T23:59:40.000Z', jail: 'sshd', user: 'root' },
      { ip: '198.51.100.101', kind: 'failure', time: '2026-12-31T23:59:41.000Z', jail: 'sshd', user: 'root' },
      // a successful login: no attack, no jail
      { ip: '203.0.113.200', kind: 'accepted', time: '2027-01-01T00:00:07.000Z', jail: null, user: 'alice' },
      // the empty user name is kept
      { ip: '192.0.2.102', kind: 'failure', time: '2027-01-01T00:01:00.000Z', jail: 'sshd', user: '' },
      { ip: '192.0.2.102', kind: 'failure', time: '2027-01-01T00:01:01.000Z', jail: 'sshd', user: '' },
      // a user name holding "from 192.0.2.250 port 22 ssh2" does not pick the address
      { ip: '198.51.100.102', kind: 'failure', time: '2027-01-01T00:02:00.000Z', jail: 'sshd', user: 'x from 192.0.2.250 port 22 ssh2' },
      { ip: '2001:db8::102', kind: 'failure', time: '2027-01-01T00:04:00.000Z', jail: 'sshd', user: 'git' },
      { ip: '203.0.113.102', kind: 'failure', time: '2027-01-01T00:05:00.000Z', jail: 'sshd', user: 'root' },
      // fail2ban's own syslog line in the auth log
      { ip: '192.0.2.101', kind: 'ban', time: '2027-01-01T00:07:00.000Z', jail: 'sshd', user: null },
    ]);
  });

  it('reads /var/log/secure with RFC 3339 times and sshd-session', async () => {
    const result = await load([copyFixtures(['secure'])], { sshdMode: 'aggressive' });
    expect(result.inputs[0]).toMatchObject({ format: 'auth-log', lines: 6, records: 5, events: 5, skipped: { 'not an sshd line': 1 } });
    expect(eventsOf(result).map((e) => [e.ip, e.time, e.user])).toEqual([
      ['192.0.2.111', '2026-10-01T10:00:00.123Z', 'oracle'],
      ['192.0.2.111', '2026-10-01T10:00:02.000Z', 'oracle'],
      ['192.0.2.111', '2026-10-01T10:00:03.500Z', 'oracle'],
      ['198.51.100.111', '2026-10-01T10:05:00.000Z', 'root'],
      ['203.0.113.111', '2026-10-01T10:06:00.000Z', null],
    ]);
  });

  it('reads journalctl -o short-iso, taking an address from an earlier line of the same process', async () => {
    const result = await load([copyFixtures(['journal-short-iso.txt'])], { sshdMode: 'aggressive' });
    expect(result.inputs[0]).toMatchObject({
      format: 'auth-log',
      lines: 7,
      records: 3,
      events: 3,
      skipped: { 'not a syslog line': 2, 'sshd message naming the connection, not a failure': 1, 'sshd message, not a failure': 1 },
    });
    expect(eventsOf(result).map((e) => [e.ip, e.time, e.user])).toEqual([
      ['192.0.2.121', '2026-10-01T10:10:01.000Z', 'root'],
      ['198.51.100.121', '2026-10-01T10:10:02.000Z', 'root'],
      ['203.0.113.121', '2026-10-01T10:10:03.000Z', null],
    ]);
  });

  it('reads journalctl -o json: µs times, byte-array messages, fail2ban entries', async () => {
    const result = await load([copyFixtures(['journal.json'])]);
    expect(result.inputs[0]).toMatchObject({
      format: 'journal-json',
      lines: 7,
      records: 5,
      events: 5,
      skipped: { 'journal entry of another program': 1, 'not a JSON object': 1 },
    });
    expect(eventsOf(result)).toEqual([
      { ip: '192.0.2.131', kind: 'failure', time: '2026-10-01T10:00:00.000Z', jail: 'sshd', user: 'test' },
      { ip: '192.0.2.131', kind: 'failure', time: '2026-10-01T10:00:01.500Z', jail: 'sshd', user: 'test' },
      { ip: '198.51.100.131', kind: 'failure', time: '2026-10-01T10:00:02.000Z', jail: 'sshd', user: 'root' },
      { ip: '203.0.113.131', kind: 'accepted', time: '2026-10-01T10:00:03.000Z', jail: null, user: 'deploy' },
      { ip: '192.0.2.131', kind: 'ban', time: '2026-10-01T10:00:04.000Z', jail: 'sshd', user: null },
    ]);
  });
});

// ---------------------------------------------------------------- PAM lines, fail2ban's sshd modes

describe("PAM's lines and fail2ban's sshd modes", () => {
  const SAME = "PAM failure, the same attempt as sshd's line";

  it('reads an old /var/log/messages that has only sshd(pam_unix) lines: each PAM failure is an attempt', async () => {
    const result = await load([copyFixtures(['messages-pam'], 'combo', new Date('2004-07-01T00:00:00Z'))]);
    expect(result.inputs[0]).toMatchObject({
      format: 'auth-log',
      lines: 17,
      records: 8,
      events: 8,
      skipped: { 'sshd message, not a failure': 4, 'not an sshd line': 4, 'hostname, not an address': 1 },
      skipped_examples: { 'hostname, not an address': [11] },
      sshd_mode: 'normal',
    });
    expect(eventsOf(result).map((e) => [e.ip, e.time, e.user])).toEqual([
      ['192.0.2.4', '2004-06-14T15:16:01.000Z', null],
      ['192.0.2.4', '2004-06-14T15:16:02.000Z', null],
      ['198.51.100.7', '2004-06-15T02:04:59.000Z', 'root'],
      ['198.51.100.7', '2004-06-15T02:04:59.000Z', 'root'],
      ['198.51.100.7', '2004-06-15T02:04:59.000Z', 'root'],
      ['203.0.113.9', '2004-06-15T12:13:19.000Z', 'guest'],
      // Two user names in one process: each PAM line is an attempt of its own.
      ['2001:db8::25', '2004-06-18T01:30:59.000Z', 'test'],
      ['2001:db8::25', '2004-06-18T01:31:00.000Z', 'oracle'],
    ]);
  });

  it("counts each attempt of a modern auth.log once, where PAM's line comes before sshd's or after it", async () => {
    const result = await load([copyFixtures(['auth-pam.log'])]);
    expect(result.inputs[0]).toMatchObject({
      format: 'auth-log',
      lines: 24,
      // The 7 attempts, and the login of line 20 (kind accepted).
      records: 8,
      events: 8,
      skipped: {
        // Lines 1, 6, 7 and 18 were counted, then withdrawn when sshd's failure came; line 15 came after sshd's (line 13).
        [SAME]: 5,
        'connection closed before login, counted in ddos and aggressive modes': 3,
        'named user disconnected before login, counted in ddos, extra and aggressive modes': 1,
        'scanner or probe line, counted in ddos and aggressive modes': 1,
        'no common algorithm or authentication method, counted in extra and aggressive modes': 1,
        'sshd message naming the connection, not a failure': 1,
        'sshd message, not a failure': 3,
        'not an sshd line': 1,
      },
      skipped_examples: { [SAME]: [1, 6, 7, 15, 18] },
    });
    expect(eventsOf(result).map((e) => [e.ip, e.time, e.user])).toEqual([
      ['192.0.2.10', '2026-10-01T10:00:02.000Z', 'root'],
      ['192.0.2.10', '2026-10-01T10:00:04.000Z', 'root'],
      ['198.51.100.20', '2026-10-01T10:01:02.000Z', 'admin'],
      ['203.0.113.30', '2026-10-01T10:01:02.000Z', 'root'],
      // An invalid user: fail2ban counts sshd's two lines (Invalid user, Failed password); PAM's adds nothing.
      ['192.0.2.10', '2026-10-01T10:02:00.000Z', 'oracle'],
      ['192.0.2.10', '2026-10-01T10:02:02.000Z', 'oracle'],
      ['198.51.100.99', '2026-10-01T10:05:02.000Z', 'alice'],
      // alice's login (kind accepted): no attack, it makes 198.51.100.99 trusted.
      ['198.51.100.99', '2026-10-01T10:05:06.000Z', 'alice'],
    ]);
  });
  it.each([
    // normal's 7 attempts and the login (line 20, kind accepted, in every mode); ddos adds the four
    // closes before login (lines 4, 10, 12, 17) and the scanner (23); extra adds the named user's
    // Disconnected (12) and the failed negotiation (24); aggressive all six.
    ['normal', 8, 8],
    ['ddos', 13, 13],
    ['extra', 10, 10],
    ['aggressive', 14, 14],
  ] as const)('reads the modern auth.log in %s mode: %i records, %i events, every line accounted for', async (mode, records, events) => {
    const result = await load([copyFixtures(['auth-pam.log'])], { sshdMode: mode });
    expect(result.inputs[0]).toMatchObject({ lines: 24, records, events, sshd_mode: mode });
    expect(result.inputs[0].skipped[SAME]).toBe(5);
  });

  it('reads journalctl -o json with PAM and sshd entries of one process: the attempt counts once', async () => {
    const dir = path.join(tmpRoot, `case${++cases}`, 'web1');
    mkdirSync(dir, { recursive: true });
    const entry = (us: number, pid: string, message: string) => JSON.stringify({ __REALTIME_TIMESTAMP: String(us), _HOSTNAME: 'web1', SYSLOG_IDENTIFIER: 'sshd', _PID: pid, MESSAGE: message });
    writeFileSync(
      path.join(dir, 'journal-pam.json'),
      [
        entry(1790000000000000, '9', 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.140  user=root'),
        entry(1790000002000000, '9', 'Failed password for root from 192.0.2.140 port 4000 ssh2'),
        entry(1790000003000000, '10', 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.141  user=root'),
        '',
      ].join('\n'),
    );
    const result = await load([dir]);
    expect(result.inputs[0]).toMatchObject({ format: 'journal-json', lines: 3, records: 2, events: 2, skipped: { [SAME]: 1 }, sshd_mode: 'normal' });
    expect(eventsOf(result).map((e) => [e.ip, e.user])).toEqual([
      ['192.0.2.140', 'root'],
      ['192.0.2.141', 'root'],
    ]);
  });
});

// ---------------------------------------------------------------- CSV

describe('CSV and TSV', () => {
  it('reads a CSV with time, jail, user, kind and place columns', async () => {
    const result = await load([copyFixtures(['attackers.csv'])]);
    expect(result.inputs[0]).toMatchObject({
      format: 'csv',
      lines: 10,
      records: 4,
      events: 4,
      given_locations: 3,
      skipped: {
        header: 1,
        'network range, not an address': 1,
        'hostname, not an address': 1,
        'empty address field': 1,
        'blank line': 1,
        comment: 1,
      },
    });
    expect(eventsOf(result)).toEqual([
      { ip: '192.0.2.141', kind: 'ban', time: '2026-10-01T10:00:00.000Z', jail: 'sshd', user: 'root' },
      { ip: '198.51.100.141', kind: 'failure', time: '2026-10-01T12:30:00.000Z', jail: 'sshd', user: null },
      { ip: '2001:db8::141', kind: 'listed', time: '2026-10-01T10:00:00.000Z', jail: null, user: 'admin' },
      { ip: '192.0.2.142', kind: 'listed', time: null, jail: 'nginx-botsearch', user: null },
    ]);
    const given = new Map([...result.givenLocations].map(([index, where]) => [result.store.addresses[index].ip, where]));
    expect(given).toEqual(
      new Map([
        ['192.0.2.141', { latitude: 52.52, longitude: 13.405, city: 'Berlin', subdivision: null, country: 'DE', countryName: null }],
        ['198.51.100.141', { latitude: null, longitude: null, city: null, subdivision: null, country: null, countryName: 'France' }],
        ['192.0.2.142', { latitude: 52.37, longitude: 4.89, city: 'Amsterdam', subdivision: null, country: 'NL', countryName: null }],
      ]),
    );
    expect(givenToLocation(given.get('192.0.2.141')!)).toEqual({
      precision: 'city',
      country: 'DE',
      countryName: null,
      city: 'Berlin',
      subdivision: null,
      latitude: 52.52,
      longitude: 13.405,
      accuracyRadius: null,
    });
    expect(givenToLocation(given.get('198.51.100.141')!).precision).toBe('country_only');
  });

  it('reads points geolocated in advance, without a country column and with empty cities', async () => {
    const result = await load([copyFixtures(['points.csv'])]);
    expect(result.inputs[0]).toMatchObject({ format: 'csv', lines: 11, records: 10, events: 10, given_locations: 9, skipped: { header: 1 } });
    const given = new Map([...result.givenLocations].map(([index, where]) => [result.store.addresses[index].ip, where]));
    expect(given.get('192.0.2.13')).toEqual({ latitude: 52.52, longitude: 13.405, city: null, subdivision: null, country: null, countryName: null });
    expect(given.get('203.0.113.32')).toEqual({ latitude: 35.6895, longitude: 139.6917, city: 'Tokyo', subdivision: null, country: null, countryName: null });
    expect(given.has('2001:db8::42')).toBe(false);
    expect(givenToLocation(given.get('192.0.2.13')!).precision).toBe('city');
  });

  it('reads a TSV with a count column', async () => {
    const result = await load([copyFixtures(['counts.tsv'])]);
    expect(result.inputs[0]).toMatchObject({ format: 'csv', lines: 4, records: 2, events: 4, skipped: { header: 1, 'count of zero': 1 } });
    expect(eventsOf(result).map((e) => [e.ip, e.time])).toEqual([
      ['192.0.2.151', '2026-10-01T08:00:00.000Z'],
      ['192.0.2.151', '2026-10-01T08:00:00.000Z'],
      ['192.0.2.151', '2026-10-01T08:00:00.000Z'],
      ['198.51.100.151', null],
    ]);
  });
});

// ---------------------------------------------------------------- forcing

describe('LoadOptions.format', () => {
  it('overrides detection for each new format', async () => {
    const dir = copyFixtures(['banip-sshd.txt']);
    const asList = await load([dir], { format: 'ip-list' });
    expect(asList.inputs[0]).toMatchObject({ format: 'ip-list', records: 1, events: 1 });
    const asCsv = await load([dir], { format: 'csv' });
    expect(asCsv.inputs[0]).toMatchObject({ format: 'csv', records: 0 });
    const asAuth = await load([copyFixtures(['fail2ban-syslog.log'])], { format: 'auth-log' });
    expect(asAuth.inputs[0]).toMatchObject({ format: 'auth-log', events: 5 });
  });

  it('refuses an unknown format before reading', async () => {
    await expect(loadPaths([copyFixtures(['banned.txt'])], { format: 'nope' as never, timeZone: UTC })).rejects.toThrow(/Unknown input format "nope"/);
  });
});
