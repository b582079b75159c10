import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dottedQuad } from '../src/locate/address';
import { EVENT_KINDS } from '../src/load/events';
import { fail2banLog } from '../src/load/formats/fail2ban-log';
import { NULL_CONTEXT, type Emit, type EventSink, type LineResult, type ParseContext } from '../src/load/formats/parser';
import { seededRandom } from './support/random';
import { UTC } from '../src/time-zone';

/**
 * The loader hands fail2ban.log lines to `parseSpan` where they lie in the read chunk, or, when
 * the chunk is ASCII, to `parseBytes` first. Both must give what `parseLine` gives on the cut-out
 * line, and read nothing of the lines around it.
 */

const ROOT = path.resolve(__dirname, '..');

const EDGE_LINES = [
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.5',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.5 - 2026-09-14 00:03:17',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.6, bad - 2026-09-14 00:03:16',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.7 - 2026-09-14 00:03',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.8 -',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.9',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: NOTICE  [sshd] Unban 203.0.113.5',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: NOTICE  [sshd] Restore Ban 203.0.113.5',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: NOTICE  [recidive] Increase Ban 203.0.113.5 (3 # 2:00:00 -> 2026-09-14 03:00:00)',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: NOTICE  [sshd] 203.0.113.5 already banned',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: NOTICE  [sshd] Ban 192.0.2.96/28',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: NOTICE  [sshd] Ban mail.example.com',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: NOTICE  [sshd] Ban ',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: NOTICE  [sshd] Ban',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: NOTICE  [sshd]',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: NOTICE  [sshd',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: ERROR   [sshd] Failed to execute ban jail',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]: ',
  '2026-09-14 01:00:00,000 fail2ban.actions        [812]:',
  '2026-09-14 01:00:00,000 fail2ban.actions',
  '2026-09-14 01:00:00,000 fail2ban.',
  '2026-09-14 01:00:00,000',
  '2026-09-14 01:00:00',
  '2026-09-14 01:00:0',
  '2026-09-14 01:00:00,000 fail2ban.observer       [812]: INFO    [sshd] Found 203.0.113.5 - 2026-09-14 00:03:17',
  '2026-09-14 01:00:00,000 fail2ban.server         [812]: INFO    Jail sshd started',
  '2026-09-14 01:00:00,000 fail2ban.filter         [812]: INFO    [sshd] Added logfile: /var/log/auth.log',
  '2026-09-14 01:00:00,000 fail2ban.filter         [812]: INFO    [sshd] Removed logfile: /var/log/auth.log',
  '2026-09-14 01:00:00,000 fail2ban.filter         [812]: INFO    [sshd] Found 2001:db8::1 - 2026-09-14 00:59:59',
  '2013-01-01 00:00:00,000 fail2ban.actions: WARNING [ssh] Ban 192.0.2.1',
  '2013-01-01 00:00:00,000 fail2ban.actions[123]: WARNING [ssh] Ban 192.0.2.1',
  '2026-13-40 01:00:00,000 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.5',
  'Jun 21 16:47:51 host fail2ban.actions[123]: NOTICE [sshd] Ban 192.0.2.1',
  'Mar 05 08:41:28 host fail2ban-server[11524]: fail2ban.actions [11524]: NOTICE [sshd] Ban 192.0.2.2',
  '  continuation of a message',
  '',
  '   ',
  'Traceback (most recent call last):',
  '2026-09-14 00:03:20.019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.5',
  '2026-09-14 00:03:20 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.5',
  '2026-09-14 00:03:20,01 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.5',
  '2026-09-14 00:61:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.5',
  '2026-02-30 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.5',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.05',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.256',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 2001:DB8::A',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban ::ffff:203.0.113.5',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [ss]hd] Ban 203.0.113.5',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [] Ban 203.0.113.5',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd]  Ban 203.0.113.5',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban  203.0.113.5',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Banned 203.0.113.5',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.5 ',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]:NOTICE  [sshd] Ban 203.0.113.5',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE[sshd] Ban 203.0.113.5',
  '2026-09-14 00:03:20,019 fail2ban.actions        [812]: [sshd] Ban 203.0.113.5',
  '2026-09-14 00:03:20,019 fail2ban.other          [812]: NOTICE  [sshd] Ban 203.0.113.5',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.5 - 2026-09-14 00:03:17,250',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.5 - 2026-09-14 07:03:17',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.5 - 2026-09-14 00:03:1x',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.5 - 2026-02-30 00:03:17',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.5 -  2026-09-14 00:03:17',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.5 + 2026-09-14 00:03:17',
  '2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 2001:db8::1 - 2026-09-14 00:03:17',
];

interface Run {
  results: LineResult[];
  events: unknown[][];
  ranges: unknown[][];
}

function context(ranges: unknown[][]): ParseContext {
  return { ...NULL_CONTEXT, mtime: Date.UTC(2026, 8, 20), timeZone: UTC, range: (cidr, kind, time, jail) => (ranges.push([cidr, kind, time, jail]), true), sshdMode: 'aggressive' };
}

function collector(events: unknown[][]): Emit {
  return (ip, kind, time, jail, user) => {
    events.push([ip, kind, time, jail, user ?? null]);
    return /^[0-9a-f.:]+$/.test(ip) && ip.length > 2;
  };
}

function byLines(lines: string[]): Run {
  const run: Run = { results: [], events: [], ranges: [] };
  const parser = fail2banLog.begin(context(run.ranges));
  const emit = collector(run.events);
  lines.forEach((line, i) => run.results.push(parser.parseLine(line, i + 1, emit)));
  return run;
}

function bySpans(lines: string[], breaks: string[]): Run {
  const run: Run = { results: [], events: [], ranges: [] };
  const parser = fail2banLog.begin(context(run.ranges));
  const emit = collector(run.events);
  const text = lines.map((line, i) => line + breaks[i]).join('');
  let start = 0;
  lines.forEach((line, i) => {
    run.results.push(parser.parseSpan!(text, start, start + line.length, i + 1, emit));
    start += line.length + breaks[i].length;
  });
  return run;
}

/**
 * What the loader does with an ASCII chunk: each line to `parseBytes`, and to `parseLine` when it
 * declines. Events stored in the sink are recorded as the collector records emitted ones.
 */
function byBytes(lines: string[], breaks: string[]): Run & { byBytes: number } {
  const run = { results: [] as LineResult[], events: [] as unknown[][], ranges: [] as unknown[][], byBytes: 0 };
  const parser = fail2banLog.begin(context(run.ranges));
  const emit = collector(run.events);
  const addresses: string[] = [];
  const jails: string[] = [];
  const sink: EventSink = {
    ipv4: (value) => addresses.push(dottedQuad(value)) - 1,
    address: (bytes, start, end) => {
      const ip = Buffer.from(bytes.subarray(start, end)).toString('latin1');
      return /^[0-9a-f.:]+$/.test(ip) && ip.length > 2 ? addresses.push(ip) - 1 : -1;
    },
    jail: (name) => jails.push(name) - 1,
    push: (address, kind, time, jail) => {
      run.events.push([addresses[address], EVENT_KINDS[kind], Number.isNaN(time) ? null : time, jails[jail], null]);
    },
  };
  const bytes = Buffer.from(lines.map((line, i) => line + breaks[i]).join(''), 'latin1');
  let start = 0;
  lines.forEach((line, i) => {
    const end = start + line.length;
    const result = parser.parseBytes!(bytes, start, end, sink);
    if (result === 1) run.byBytes++;
    run.results.push(result ?? parser.parseLine(bytes.toString('latin1', start, end), i + 1, emit));
    start = end + breaks[i].length;
  });
  return run;
}

function compare(lines: string[], random: () => number): number {
  const breaks: string[] = lines.map(() => (random() < 0.3 ? '\r\n' : '\n'));
  // The last line may have no line break at all.
  if (random() < 0.5) breaks[breaks.length - 1] = '';
  const expected = byLines(lines);
  const got = bySpans(lines, breaks);
  expect(got.results).toEqual(expected.results);
  expect(got.events).toEqual(expected.events);
  expect(got.ranges).toEqual(expected.ranges);
  const bytes = byBytes(lines, breaks);
  expect(bytes.results).toEqual(expected.results);
  expect(bytes.events).toEqual(expected.events);
  expect(bytes.ranges).toEqual(expected.ranges);
  return bytes.byBytes;
}

describe('fail2ban.log parseSpan and parseBytes', () => {
  it('gives what parseLine gives, line for line, on the edge cases', () => {
    const random = seededRandom(1);
    // The byte path takes the plain event lines, and leaves the rest to the text path.
    expect(compare(EDGE_LINES, random)).toBeGreaterThanOrEqual(10);
    // Each line also as the last line of the text, and followed by every other.
    for (const line of EDGE_LINES) for (const next of EDGE_LINES) compare([line, next], random);
  });

  it('gives what parseLine gives on the sample log, cut and garbled at random', () => {
    const sample = fs.readFileSync(path.join(ROOT, 'data', 'sample', 'web1', 'fail2ban.log'), 'utf8').split('\n').slice(0, 6000);
    const random = seededRandom(2);
    const events = byLines(sample).results.filter((result) => result === 1).length;
    expect(compare(sample, random)).toBeGreaterThan(events * 0.95);
    const garbled = sample.map((line) => {
      const r = random();
      if (r < 0.2) return line.slice(0, Math.floor(random() * line.length));
      if (r < 0.3) {
        const at = Math.floor(random() * line.length);
        return line.slice(0, at) + ' :[]-,0\t'[Math.floor(random() * 8)] + line.slice(at + 1);
      }
      return line;
    });
    compare(garbled, random);
    expect(garbled.filter((line, i) => line !== sample[i]).length).toBeGreaterThan(1000);
  });
});
