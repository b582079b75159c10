import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { open } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { BotMapError } from '../src/errors';
import { EVENT_KINDS } from '../src/load/events';
import { fail2banLog } from '../src/load/formats/fail2ban-log';
import { serverName } from '../src/load/files';
import { detectFormat, loadPaths, type LoadResult } from '../src/load/load';
import { readChunks } from '../src/load/read-chunks';
import type { InputReport } from '../src/types';
import { seededRandom } from './support/random';
import { fixtureFolders } from './support/fixture-folders';

/** `fixture(files)` writes `files` (relative path → content) into a fresh folder and returns the folder. */
const { root: tmpRoot, folder: fixture } = fixtureFolders('botmap-load-');

function lines(...rows: string[]): string {
  return rows.join('\n') + '\n';
}

function sumSkipped(report: InputReport): number {
  return Object.values(report.skipped).reduce((a, b) => a + b, 0);
}

/** The accounting invariant, checked for every report of every test. */
function checkInvariant(result: LoadResult): void {
  for (const report of result.inputs) {
    expect(report.records + sumSkipped(report), report.file).toBe(report.lines);
    for (const [reason, examples] of Object.entries(report.skipped_examples)) {
      expect(examples.length).toBe(Math.min(5, report.skipped[reason]));
    }
    expect(Object.keys(report.skipped_examples).sort()).toEqual(Object.keys(report.skipped).sort());
  }
  const eventsPerInput = new Map<number, number>();
  for (const input of result.store.columns().input) eventsPerInput.set(input, (eventsPerInput.get(input) ?? 0) + 1);
  result.inputs.forEach((report, i) => expect(report.events).toBe(eventsPerInput.get(i) ?? 0));
}

async function load(paths: string[], options?: Parameters<typeof loadPaths>[1]): Promise<LoadResult> {
  const result = await loadPaths(paths, options);
  checkInvariant(result);
  return result;
}

function eventsOf(result: LoadResult) {
  const { store } = result;
  const c = store.columns();
  return Array.from({ length: store.length }, (_, i) => ({
    ip: store.addresses[c.ip[i]].ip,
    kind: EVENT_KINDS[c.kind[i]],
    time: Number.isNaN(c.time[i]) ? null : c.time[i],
    jail: c.jail[i] === 0 ? null : store.jails.values[c.jail[i]],
    server: store.servers.values[c.server[i]],
    input: c.input[i],
  }));
}

const local = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0) => new Date(y, mo - 1, d, h, mi, s, ms).getTime();

// ---------------------------------------------------------------- fail2ban-status

const STATUS_09 = lines(
  'Status for the jail: sshd',
  '|- Filter',
  '|  |- Currently failed:\t3',
  '|  |- Total failed:\t8123',
  '|  `- File list:\t/var/log/auth.log',
  '`- Actions',
  '   |- Currently banned:\t2',
  '   |- Total banned:\t2914',
  '   `- Banned IP list:\t192.0.2.1 2001:db8::5',
);

const STATUS_08 = lines(
  'Status for the jail: ssh-iptables',
  '|- filter',
  '|  |- File list:\t/var/log/secure ',
  '|  |- Currently failed:\t0',
  '|  `- Total failed:\t12',
  '`- action',
  '   |- Currently banned:\t2',
  '   |  `- IP list:\t1.2.3.4 5.6.7.8 ',
  '   `- Total banned:\t2',
);

describe('fail2ban-status', () => {
  it('reads the 0.9+ layout', async () => {
    const dir = fixture({ 'web1/sshd-status.txt': STATUS_09 });
    const result = await load([dir]);
    expect(result.inputs).toHaveLength(1);
    const [report] = result.inputs;
    expect(report).toMatchObject({
      format: 'fail2ban-status',
      server: 'web1',
      lines: 9,
      records: 1,
      events: 2,
      skipped: { 'status header': 1, 'status field': 7 },
      skipped_examples: { 'status header': [1], 'status field': [2, 3, 4, 5, 6] },
      rejected_tokens: 0,
    });
    expect(report.error).toBeUndefined();
    expect(eventsOf(result)).toEqual([
      { ip: '192.0.2.1', kind: 'listed', time: null, jail: 'sshd', server: 'web1', input: 0 },
      { ip: '2001:db8::5', kind: 'listed', time: null, jail: 'sshd', server: 'web1', input: 0 },
    ]);
  });

  it('reads the 0.9+ layout after tabs were turned into spaces', async () => {
    const dir = fixture({ 'status.txt': STATUS_09.replace(/\t/g, ' ') });
    const result = await load([dir]);
    expect(result.inputs[0]).toMatchObject({ format: 'fail2ban-status', lines: 9, records: 1, events: 2 });
    expect(eventsOf(result).map((e) => [e.ip, e.jail])).toEqual([
      ['192.0.2.1', 'sshd'],
      ['2001:db8::5', 'sshd'],
    ]);
  });

  it('reads the 0.8 layout with IP list under action and a trailing space', async () => {
    const dir = fixture({ 'status.txt': STATUS_08 });
    const result = await load([dir]);
    expect(result.inputs[0]).toMatchObject({
      format: 'fail2ban-status',
      lines: 9,
      records: 1,
      events: 2,
      skipped: { 'status header': 1, 'status field': 7 },
      rejected_tokens: 0,
    });
    expect(eventsOf(result)).toEqual([
      { ip: '1.2.3.4', kind: 'listed', time: null, jail: 'ssh-iptables', server: path.basename(dir), input: 0 },
      { ip: '5.6.7.8', kind: 'listed', time: null, jail: 'ssh-iptables', server: path.basename(dir), input: 0 },
    ]);
  });

  it('counts an empty ban list as a line with no address', async () => {
    const text = STATUS_09.replace('\t192.0.2.1 2001:db8::5', '\t');
    const dir = fixture({ 'status.txt': text });
    const result = await load([dir]);
    expect(result.inputs[0]).toMatchObject({
      format: 'fail2ban-status',
      lines: 9,
      records: 0,
      events: 0,
      skipped: { 'status header': 1, 'status field': 7, 'empty ban list': 1 },
      skipped_examples: { 'empty ban list': [9] },
    });
    // Without even the tab.
    const bare = fixture({ 'status.txt': STATUS_09.replace('\t192.0.2.1 2001:db8::5', '') });
    expect((await load([bare])).inputs[0].skipped['empty ban list']).toBe(1);
  });

  it('counts tokens that are not addresses, and reads several jails per file', async () => {
    const text =
      STATUS_09.replace('192.0.2.1 2001:db8::5', '203.0.113.9 bogus mail.example.com ::ffff:198.51.100.1') +
      '\n' +
      lines('Status for the jail: recidive', '`- Actions', '   `- Banned IP list:\tjunk 999.1.1.1');
    const dir = fixture({ 'status.txt': text });
    const result = await load([dir]);
    expect(result.inputs[0]).toMatchObject({
      format: 'fail2ban-status',
      lines: 13,
      records: 1,
      events: 2,
      skipped: { 'status header': 2, 'status field': 8, 'blank line': 1, 'no address in ban list': 1 },
      skipped_examples: { 'no address in ban list': [13], 'blank line': [10] },
      rejected_tokens: 4,
      rejected_token_examples: ['bogus', 'mail.example.com', 'junk', '999.1.1.1'],
    });
    expect(eventsOf(result).map((e) => [e.ip, e.kind, e.jail])).toEqual([
      ['203.0.113.9', 'listed', 'sshd'],
      ['198.51.100.1', 'listed', 'sshd'],
    ]);
  });

  it('reads CRLF line ends', async () => {
    const dir = fixture({ 'status.txt': STATUS_08.replace(/\n/g, '\r\n') });
    const result = await load([dir]);
    expect(result.inputs[0]).toMatchObject({ format: 'fail2ban-status', lines: 9, records: 1, events: 2 });
    expect(eventsOf(result).map((e) => e.ip)).toEqual(['1.2.3.4', '5.6.7.8']);
  });
});

// ---------------------------------------------------------------- ip-list

const IP_LIST = lines(
  '# banned hosts, exported 2026-09-14',
  '203.0.113.7',
  '198.51.100.23   # trailing comment',
  '2001:DB8::ABC',
  '::ffff:203.0.113.8',
  '10.0.0.1',
  '',
  '   ',
  'mail.example.com',
  'not-an-ip!',
  '192.0.2.0/24',
  '# end',
);

describe('ip-list', () => {
  it('reads addresses, comments, host names, IPv6, mapped and private addresses', async () => {
    const dir = fixture({ 'srv/banned.txt': IP_LIST });
    const result = await load([dir]);
    expect(result.inputs[0]).toMatchObject({
      format: 'ip-list',
      server: 'srv',
      lines: 12,
      records: 5,
      events: 5,
      skipped: {
        comment: 2,
        'blank line': 2,
        'hostname, not an address': 1,
        'not an address': 1,
        'network range, not an address': 1,
      },
      skipped_examples: {
        comment: [1, 12],
        'blank line': [7, 8],
        'hostname, not an address': [9],
        'not an address': [10],
        'network range, not an address': [11],
      },
    });
    expect(result.inputs[0].rejected_tokens).toBeUndefined();
    expect(eventsOf(result)).toEqual(
      ['203.0.113.7', '198.51.100.23', '2001:db8::abc', '203.0.113.8', '10.0.0.1'].map((ip) => ({
        ip,
        kind: 'listed',
        time: null,
        jail: null,
        server: 'srv',
        input: 0,
      })),
    );
    const privateAddress = result.store.addresses.find((a) => a.ip === '10.0.0.1');
    expect(privateAddress?.isPublic).toBe(false);
  });

  it('reads CRLF line ends and a byte-order mark', async () => {
    const dir = fixture({ 'list.txt': '\uFEFF' + lines('203.0.113.7', '# c', '2001:db8::1').replace(/\n/g, '\r\n') });
    const result = await load([dir]);
    expect(result.inputs[0]).toMatchObject({ format: 'ip-list', lines: 3, records: 2, skipped: { comment: 1 } });
    expect(eventsOf(result).map((e) => e.ip)).toEqual(['203.0.113.7', '2001:db8::1']);
  });

  it('reads a last line without a line break, and lines split across read chunks', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 150_000; i++) rows.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const dir = fixture({ 'big.txt': rows.join('\r\n') });
    const result = await load([dir]);
    expect(result.inputs[0]).toMatchObject({ format: 'ip-list', lines: 150_000, records: 150_000, events: 150_000, skipped: {} });
    expect(result.store.addresses).toHaveLength(150_000);
    expect(result.store.addresses[149_999].ip).toBe('10.2.73.239');
  });
});

describe('readChunks', () => {
  it('hands over the whole file in order, each chunk read while the one before is taken', async () => {
    const content = Buffer.from(Array.from({ length: 10_000 }, (_, i) => `line ${i}\n`).join(''));
    const dir = fixture({ 'f.txt': content, 'empty.txt': '' });
    for (const size of [7, 4096, 1 << 20]) {
      const handle = await open(path.join(dir, 'f.txt'));
      const copies: Buffer[] = [];
      await readChunks(handle, (chunk) => void copies.push(Buffer.from(chunk)), size);
      await handle.close();
      expect(Buffer.concat(copies).equals(content), `chunks of ${size}`).toBe(true);
      expect(copies.every((c) => c.length <= size)).toBe(true);
    }
    const empty = await open(path.join(dir, 'empty.txt'));
    const take = vi.fn();
    await readChunks(empty, take);
    await empty.close();
    expect(take).not.toHaveBeenCalled();
  });

  it('stops at the first chunk its reader refuses, with the reader\'s error', async () => {
    const dir = fixture({ 'f.txt': 'x'.repeat(100_000) });
    const handle = await open(path.join(dir, 'f.txt'));
    let taken = 0;
    await expect(
      readChunks(
        handle,
        () => {
          if (++taken === 3) throw new Error('refused');
        },
        1000,
      ),
    ).rejects.toThrow('refused');
    await handle.close();
    expect(taken).toBe(3);
  });
});

describe('decoding', () => {
  it('reads ASCII chunks fast and UTF-8 after them, with a character split across two read chunks', async () => {
    const MiB = 1024 * 1024;
    const line = (i: number, jail: string) => `2026-09-14 00:00:00,000 fail2ban.actions        [812]: NOTICE  [${jail}] Ban 10.0.${(i >> 8) & 255}.${i & 255}\n`;
    const parts: string[] = [];
    let length = 0;
    let i = 0;
    // ASCII up to just before 2 MiB, so the first read chunk is all ASCII and the second is not.
    while (length < 2 * MiB - 200) {
      parts.push(line(i++, 'sshd'));
      length += parts[parts.length - 1].length;
    }
    // Pad with spaces (a blank line) so that a 4-byte character starts 2 bytes before 2 MiB.
    const split = line(i++, 'sshd-\u{1D11E}-ü');
    const pad = 2 * MiB - 2 - length - 1 - split.indexOf('\u{1D11E}');
    parts.push(' '.repeat(pad) + '\n', split);
    let text = parts.join('');
    for (let k = 0; k < 1000; k++) text += line(i++, 'postfix-€');
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.subarray(2 * MiB - 2, 2 * MiB + 2)).toEqual(Buffer.from('\u{1D11E}', 'utf8'));
    const dir = fixture({ 'fail2ban.log': bytes });
    const result = await load([dir]);
    const events = eventsOf(result);
    expect(result.inputs[0]).toMatchObject({ format: 'fail2ban-log', records: i, events: i, skipped: { 'blank line': 1 } });
    expect(result.store.jails.values.slice(1)).toEqual(['sshd', 'sshd-\u{1D11E}-ü', 'postfix-€']);
    expect(events.filter((e) => e.jail === 'postfix-€')).toHaveLength(1000);
  });
});

// ---------------------------------------------------------------- fail2ban-log

const F2B_LOG = lines(
  '2026-09-14 00:00:01,100 fail2ban.server         [812]: INFO    Starting Fail2ban v1.0.2',
  '2026-09-14 00:00:01,200 fail2ban.jail           [812]: INFO    Creating new jail \'sshd\'',
  "2026-09-14 00:00:01,300 fail2ban.filter         [812]: INFO    [sshd] Added logfile: '/var/log/auth.log' (pos = 0, hash = 5f)",
  "2026-09-14 00:00:01,400 fail2ban.jail           [812]: INFO    Jail 'sshd' started",
  '2026-09-14 00:00:02,000 fail2ban.actions        [812]: NOTICE  [sshd] Restore Ban 198.51.100.4',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.5 - 2026-09-14 00:03:16',
  '2026-09-14 00:03:18,002 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.5',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.5',
  '2026-09-14 00:03:21,500 fail2ban.actions        [812]: NOTICE  [sshd] 203.0.113.5 already banned',
  '2026-09-14 01:05:00,000 fail2ban.actions        [812]: NOTICE  [recidive] Increase Ban 203.0.113.5 (2 # 2:00:00 -> 2026-09-14 03:05:00)',
  '2026-09-14 01:13:20,020 fail2ban.actions        [812]: NOTICE  [sshd] Unban 203.0.113.5',
  "2026-09-14 01:14:00,000 fail2ban.actions        [812]: ERROR   Failed to execute ban jail 'sshd' action 'iptables' info 'x': Error banning 2001:db8::9",
  'Traceback (most recent call last):',
  '  File "/usr/lib/python3/dist-packages/fail2ban/server/actions.py", line 1, in _processBan',
  '    raise RuntimeError("iptables failed")',
  'RuntimeError: iptables failed',
  '2026-09-14 01:15:00,000 fail2ban.actions: WARNING [ssh] Ban 192.0.2.77',
  '2026-09-14 01:15:01,000 fail2ban.observer       [812]: INFO    [sshd] Found 203.0.113.5, bad - 2026-09-14 01:15:00, 1 # -> 2, Ban',
  '2026-09-14 01:16:00,000 fail2ban.filter         [812]: INFO    [sshd] Ignore 10.0.0.5 by ip',
  '2026-09-14 01:16:30,000 fail2ban.actions        [812]: NOTICE  [sshd] Ban 2001:DB8::66',
  '2026-09-14 01:16:31,000 fail2ban.actions        [812]: NOTICE  [sshd] Ban 999.1.1.1',
  '2026-09-14 01:17:00,000 other.program: INFO hello',
  'more of the other program',
  '',
  "2026-09-14 01:18:00,000 fail2ban.jail           [812]: INFO    Jail 'sshd' stopped",
  '2026-09-14 01:18:01,000 fail2ban.server         [812]: INFO    Exiting Fail2ban',
);

const F2B_EVENTS = [
  { ip: '198.51.100.4', kind: 'restore', time: local(2026, 9, 14, 0, 0, 2, 0), jail: 'sshd' },
  { ip: '203.0.113.5', kind: 'found', time: local(2026, 9, 14, 0, 3, 16), jail: 'sshd' },
  { ip: '203.0.113.5', kind: 'found', time: local(2026, 9, 14, 0, 3, 18, 2), jail: 'sshd' },
  { ip: '203.0.113.5', kind: 'ban', time: local(2026, 9, 14, 0, 3, 20, 19), jail: 'sshd' },
  { ip: '203.0.113.5', kind: 'ban', time: local(2026, 9, 14, 1, 5, 0, 0), jail: 'recidive' },
  { ip: '203.0.113.5', kind: 'unban', time: local(2026, 9, 14, 1, 13, 20, 20), jail: 'sshd' },
  { ip: '192.0.2.77', kind: 'ban', time: local(2026, 9, 14, 1, 15, 0), jail: 'ssh' },
  { ip: '2001:db8::66', kind: 'ban', time: local(2026, 9, 14, 1, 16, 30), jail: 'sshd' },
];

const F2B_REPORT = {
  format: 'fail2ban-log',
  ranges: 0,
  lines: 26,
  records: 8,
  events: 8,
  duplicates: 0,
  skipped: {
    'server message': 2,
    'jail started/stopped': 3,
    'logfile added/removed': 1,
    'already banned': 1,
    'error message': 1,
    'continuation of a multi-line message': 4,
    'ban-time observer message (repeats Found/Ban)': 1,
    'jail message without an address': 1,
    'not an address': 1,
    'not a fail2ban.log line': 2,
    'blank line': 1,
  },
  skipped_examples: {
    'server message': [1, 26],
    'jail started/stopped': [2, 4, 25],
    'logfile added/removed': [3],
    'already banned': [9],
    'error message': [12],
    'continuation of a multi-line message': [13, 14, 15, 16],
    'ban-time observer message (repeats Found/Ban)': [18],
    'jail message without an address': [19],
    'not an address': [21],
    'not a fail2ban.log line': [22, 23],
    'blank line': [24],
  },
};

describe('fail2ban-log', () => {
  it('reads every event kind with exact times and jails', async () => {
    const dir = fixture({ 'web2/fail2ban.log': F2B_LOG });
    const result = await load([dir]);
    expect(result.inputs[0]).toEqual({ file: path.join(dir, 'web2/fail2ban.log'), server: 'web2', ...F2B_REPORT });
    expect(eventsOf(result)).toEqual(F2B_EVENTS.map((e) => ({ ...e, server: 'web2', input: 0 })));
  });

  it('says a line before any fail2ban line is not a fail2ban.log line', async () => {
    const dir = fixture({ 'fail2ban.log': 'garbage at the top\n' + F2B_LOG });
    const result = await load([dir]);
    expect(result.inputs[0].format).toBe('fail2ban-log');
    expect(result.inputs[0].skipped['not a fail2ban.log line']).toBe(3);
    expect(result.inputs[0].skipped_examples['not a fail2ban.log line']).toEqual([1, 23, 24]);
  });

  it('reads a .gz file as a stream', async () => {
    // Two folders, so the second file is not the first one's rotation.
    const dir = fixture({ 'web3/fail2ban.log.2.gz': gzipSync(F2B_LOG), 'web3/old/fail2ban.log.1': F2B_LOG.replace(/\n/g, '\r\n') });
    const result = await load([dir]);
    expect(result.inputs.map((r) => path.relative(dir, r.file))).toEqual([path.join('web3', 'fail2ban.log.2.gz'), path.join('web3', 'old', 'fail2ban.log.1')]);
    // Both are server web3's: the second file's events, the first's again, are its duplicates.
    result.inputs.forEach((report, input) => expect(report).toMatchObject({ server: 'web3', ...F2B_REPORT, duplicates: input === 0 ? 0 : 8 }));
    const events = eventsOf(result);
    expect(events.filter((e) => e.input === 1).map(({ server, input, ...e }) => e)).toEqual(F2B_EVENTS);
    expect(events.filter((e) => e.input === 0).map(({ server, input, ...e }) => e)).toEqual(F2B_EVENTS);
  });

  it('reads ASCII read chunks by their bytes, giving what their text gives, across chunk seams', async () => {
    // About 3 MiB of the sample log, garbled here and there, some lines with CRLF ends.
    const sample = readFileSync(path.join(__dirname, '..', 'data', 'sample', 'web1', 'fail2ban.log'), 'latin1').split('\n').filter((line) => line.length > 0);
    const random = seededRandom(7);
    const rows: string[] = [];
    for (let length = 0; length < 3 * 1024 * 1024; length += rows[rows.length - 1].length) {
      let line = sample[rows.length % sample.length];
      const r = random();
      if (r < 0.02) line = line.slice(0, Math.floor(random() * line.length));
      else if (r < 0.04) line = line.replace(/\d+\.\d+$/, '0$&');
      else if (r < 0.06) line = line.replace('Ban ', 'Ban 192.0.2.0/24 ');
      rows.push(line + (random() < 0.1 ? '\r\n' : '\n'));
    }
    const ascii = rows.join('');
    // One UTF-8 line first: every read chunk of that file is decoded as text.
    const asText = 'préambule\n' + ascii;
    const dir = fixture({ 'a/fail2ban.log': ascii, 'b/fail2ban.log': asText, 'c/fail2ban.log.gz': gzipSync(ascii) });
    let linesByBytes = 0;
    const begin = fail2banLog.begin;
    const spy = vi.spyOn(fail2banLog, 'begin').mockImplementation((context) => {
      const parser = begin(context);
      const parseBytes = parser.parseBytes!.bind(parser);
      parser.parseBytes = (...args) => (linesByBytes++, parseBytes(...args));
      return parser;
    });
    try {
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => load([path.join(dir, sub)])));
      expect(linesByBytes).toBeGreaterThan(rows.length * 1.5);
      const events = eventsOf(a).map(({ server, ...e }) => e);
      expect(events.length).toBeGreaterThan(rows.length / 2);
      expect(eventsOf(b).map(({ server, ...e }) => e)).toEqual(events);
      expect(eventsOf(c).map(({ server, ...e }) => e)).toEqual(events);
      expect(a.ranges.length).toBeGreaterThan(0);
      expect(b.ranges.map(({ server, ...r }) => r)).toEqual(a.ranges.map(({ server, ...r }) => r));
      const report = ({ file, server, ...rest }: InputReport) => rest;
      expect(report(c.inputs[0])).toEqual(report(a.inputs[0]));
      const shifted = report(b.inputs[0]);
      expect(shifted.lines).toBe(a.inputs[0].lines + 1);
      expect(shifted.records).toBe(a.inputs[0].records);
      expect(shifted.skipped).toEqual({ ...a.inputs[0].skipped, 'not a fail2ban.log line': (a.inputs[0].skipped['not a fail2ban.log line'] ?? 0) + 1 });
    } finally {
      spy.mockRestore();
    }
  });

  it('reports a file that breaks off mid-way and keeps what was read', async () => {
    const many = F2B_LOG.repeat(2000);
    const gz = gzipSync(many);
    const dir = fixture({ 'broken.log.gz': gz.subarray(0, Math.floor(gz.length / 2)), 'next.txt': '203.0.113.1\n' });
    const result = await load([dir]);
    const [broken, next] = result.inputs;
    expect(broken.format).toBe('fail2ban-log');
    expect(broken.error).toMatch(/broken\.log\.gz: could not be read past line \d+: the compressed data ends early \(unexpected end of file\): the \.gz file is truncated/);
    expect(broken.lines).toBeGreaterThan(100);
    expect(broken.lines).toBeLessThan(26 * 2000);
    expect(broken.events).toBeGreaterThan(0);
    expect(next).toMatchObject({ format: 'ip-list', events: 1 });
    expect(next.error).toBeUndefined();
  });
});

// ---------------------------------------------------------------- detection, folders, options

describe('detectFormat', () => {
  const split = (text: string) => text.split('\n');
  it('recognises each format', () => {
    expect(detectFormat(split(STATUS_09))).toBe('fail2ban-status');
    expect(detectFormat(split(STATUS_08))).toBe('fail2ban-status');
    expect(detectFormat(split(STATUS_09.replace(/\t/g, '  ')))).toBe('fail2ban-status');
    expect(detectFormat(split(F2B_LOG))).toBe('fail2ban-log');
    expect(detectFormat(split(IP_LIST))).toBe('ip-list');
    expect(detectFormat(split(IP_LIST.replace(/\n/g, '\r\n')))).toBe('ip-list');
    expect(detectFormat(['', '   `- Banned IP list:\t'])).toBe('fail2ban-status');
    expect(detectFormat(['Traceback (most recent call last):', '2026-09-14 00:03:20,019 fail2ban.actions: WARNING [ssh] Ban 192.0.2.1'])).toBe('fail2ban-log');
  });
  it('recognises nothing in other files', () => {
    expect(detectFormat([])).toBeNull();
    expect(detectFormat(['', ' '])).toBeNull();
    expect(detectFormat(['127.0.0.1 - - [14/Sep/2026:00:03:20 +0000] "GET / HTTP/1.1" 200 12'])).toBeNull();
    expect(detectFormat(['hello', 'world', '192.0.2.1'])).toBeNull();
    expect(detectFormat(['Sep 14 00:03:20 web1 kernel: [  1.000000] Booting Linux'])).toBeNull();
  });
});

describe('loadPaths', () => {
  it('marks an unrecognised file, counts its lines and goes on', async () => {
    const dir = fixture({
      'a/access.log': lines('127.0.0.1 - - [14/Sep/2026:00:03:20 +0000] "GET / HTTP/1.1" 200 12', '', 'x'),
      'b/banned.txt': '192.0.2.1\n',
    });
    const result = await load([dir]);
    const [unknown, list] = result.inputs;
    expect(unknown).toMatchObject({
      format: 'unknown',
      server: 'a',
      lines: 3,
      records: 0,
      events: 0,
      skipped: { 'unrecognised format': 3 },
      skipped_examples: { 'unrecognised format': [1, 2, 3] },
    });
    expect(unknown.error).toContain(path.join(dir, 'a/access.log'));
    expect(unknown.error).toContain('fail2ban-status, fail2ban-banned, fail2ban-log, auth-log, journal-json, fail2ban-jail, csv, fail2ban-banip, ip-list, fail2ban-db');
    expect(list).toMatchObject({ format: 'ip-list', server: 'b', events: 1 });
  });

  it('walks folders in name order, skips hidden files and documentation, names servers', async () => {
    const dir = fixture({
      'README': 'about',
      'README.txt': 'about',
      'notes.md': '# notes',
      '.hidden.txt': '192.0.2.9\n',
      '.git/x.txt': '192.0.2.9\n',
      'top.txt': '192.0.2.1\n',
      'web2/list.txt': '192.0.2.2\n',
      'web1/z.txt': '192.0.2.3\n',
      'web1/old/a.txt': '192.0.2.4\n',
      'web1/README.md': 'x',
      'empty.txt': '',
      'blank.txt': '\n  \n',
    });
    const result = await load([dir]);
    expect(result.inputs.map((r) => [path.relative(dir, r.file), r.server, r.format])).toEqual([
      ['blank.txt', path.basename(dir), 'unknown'],
      ['empty.txt', path.basename(dir), 'unknown'],
      ['top.txt', path.basename(dir), 'ip-list'],
      ['web1/old/a.txt', 'web1', 'ip-list'],
      ['web1/z.txt', 'web1', 'ip-list'],
      ['web2/list.txt', 'web2', 'ip-list'],
    ]);
    expect(result.inputs[0]).toMatchObject({ lines: 2, skipped: { 'blank line': 2 } });
    expect(result.inputs[0].error).toBeUndefined();
    expect(result.inputs[1]).toMatchObject({ lines: 0, records: 0, skipped: {} });
    expect(eventsOf(result).map((e) => [e.ip, e.server, e.input])).toEqual([
      ['192.0.2.1', path.basename(dir), 2],
      ['192.0.2.4', 'web1', 3],
      ['192.0.2.3', 'web1', 4],
      ['192.0.2.2', 'web2', 5],
    ]);
  });

  it('derives server names from the given paths or from root, and reads a path once', async () => {
    const dir = fixture({ 'web1/a.txt': '192.0.2.1\n', 'web2/b.txt': '192.0.2.2\n' });
    const a = path.join(dir, 'web1/a.txt');
    const b = path.join(dir, 'web2/b.txt');
    const single = await load([a, a]);
    expect(single.inputs.map((r) => r.server)).toEqual(['web1']);
    const two = await load([a, b]);
    expect(two.inputs.map((r) => r.server)).toEqual(['web1', 'web2']);
    const folders = await load([path.join(dir, 'web1'), path.join(dir, 'web2')]);
    expect(folders.inputs.map((r) => r.server)).toEqual(['web1', 'web2']);
    const rooted = await load([a], { root: path.dirname(dir) });
    expect(rooted.inputs.map((r) => r.server)).toEqual([path.basename(dir)]);
    expect(serverName('/data/web1/old/fail2ban.log', '/data')).toBe('web1');
    expect(serverName('/data/sample/fail2ban.log', '/data/sample')).toBe('sample');
    expect(serverName('/elsewhere/web9/fail2ban.log', '/data')).toBe('web9');
  });

  it('reports paths relative to the working folder when under it', async () => {
    const dir = fixture({ 'web1/a.txt': '192.0.2.1\n' });
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue(dir);
    try {
      const result = await load([path.join(dir, 'web1/a.txt')]);
      expect(result.inputs[0].file).toBe(path.join('web1', 'a.txt'));
    } finally {
      cwd.mockRestore();
    }
  });

  it('reads every file as the format given', async () => {
    const dir = fixture({ 'list.txt': lines('hello', 'mail.example.com', '192.0.2.1') });
    const detected = await load([dir]);
    expect(detected.inputs[0].format).toBe('unknown');
    const forced = await load([dir], { format: 'ip-list' });
    expect(forced.inputs[0]).toMatchObject({
      format: 'ip-list',
      lines: 3,
      records: 1,
      skipped: { 'not an address': 1, 'hostname, not an address': 1 },
    });
    expect(forced.inputs[0].error).toBeUndefined();
  });

  it('reports progress over the whole run', async () => {
    const rows = Array.from({ length: 70_000 }, (_, i) => `198.51.${(i >> 8) & 255}.${i & 255}`);
    const dir = fixture({ 'a.txt': rows.join('\n'), 'b.txt': '192.0.2.1\n' });
    const seen: { file: string; bytes: number; totalBytes: number; lines: number }[] = [];
    const result = await load([dir], { onProgress: (p) => seen.push(p) });
    const total = rows.join('\n').length + '192.0.2.1\n'.length;
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.some((p) => p.lines >= 65_536 && p.file.endsWith('a.txt'))).toBe(true);
    expect(seen.at(-1)).toEqual({ file: result.inputs[1].file, bytes: total, totalBytes: total, lines: 1 });
    for (let i = 1; i < seen.length; i++) expect(seen[i].bytes).toBeGreaterThanOrEqual(seen[i - 1].bytes);
  });

  it('refuses a path that does not exist', async () => {
    await expect(loadPaths([path.join(tmpRoot, 'nope')])).rejects.toBeInstanceOf(BotMapError);
  });
});
