/**
 * Property tests: every parser, fed arbitrary text or bytes, never throws and its counts add
 * up; valid lines of each format, generated at random, give back their address, time, jail
 * and user.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { normaliseAddress } from '../src/locate/address';
import { EVENT_KINDS } from '../src/load/events';
import { readFail2banDatabase } from '../src/load/formats/fail2ban-db';
import { NULL_CONTEXT, type Emit, type ParseContext } from '../src/load/formats/parser';
import { FORMATS, INPUT_FORMATS, loadPaths, type LoadResult } from '../src/load/load';
import type { EventKind, InputFormat } from '../src/types';
import { UTC } from '../src/time-zone';

const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'botmap-props-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));
const FIXTURES = fileURLToPath(new URL('./fixtures/formats/', import.meta.url));

interface Captured {
  ip: string;
  kind: EventKind;
  time: number | null;
  jail: string | null;
  user: string | null;
}

function capture(): { emit: Emit; events: Captured[] } {
  const events: Captured[] = [];
  const emit: Emit = (ip, kind, time, jail, user = null) => {
    const address = normaliseAddress(ip);
    if (address === null) return false;
    events.push({ ip: address.ip, kind, time, jail, user: user ?? null });
    return true;
  };
  return { emit, events };
}

const context = (mtime: number | null = null): ParseContext => ({ ...NULL_CONTEXT, mtime, timeZone: UTC });

/** Lines of every fixture, as material for mutations. */
const FIXTURE_LINES = [...readdirSync(FIXTURES), ...readdirSync(path.join(FIXTURES, 'rotated')).map((f) => `rotated/${f}`)]
  .filter((f) => !f.endsWith('rotated'))
  .flatMap((f) => readFileSync(path.join(FIXTURES, f), 'utf8').split('\n'));

/** Arbitrary lines: random text, and fixture lines cut, joined and sprinkled with noise. */
const line = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.constantFrom(...FIXTURE_LINES),
  fc.tuple(fc.constantFrom(...FIXTURE_LINES), fc.nat(), fc.nat(), fc.string({ maxLength: 8 })).map(([l, a, b, noise]) => {
    const i = a % (l.length + 1);
    const j = b % (l.length + 1);
    return l.slice(0, Math.min(i, j)) + noise + l.slice(Math.max(i, j));
  }),
  fc.tuple(fc.constantFrom(...FIXTURE_LINES), fc.constantFrom(...FIXTURE_LINES)).map(([a, b]) => a.slice(0, a.length >> 1) + b.slice(b.length >> 1)),
);

describe('parsers on arbitrary input', () => {
  it.each(FORMATS.map((f) => [f.format, f] as const))('%s never throws and returns a count or a reason', (_name, format) => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        format.detect(lines);
        const parser = format.begin(context(Date.parse('2026-10-02T00:00:00Z')));
        const { emit, events } = capture();
        let emitted = 0;
        lines.forEach((l, i) => {
          const result = parser.parseLine(l, i + 1, emit);
          if (typeof result === 'number') {
            expect(Number.isInteger(result) && result >= 0).toBe(true);
            emitted += result;
          } else {
            expect(typeof result).toBe('string');
            expect(result.length).toBeGreaterThan(0);
          }
        });
        // Every event a line reports was emitted (and the other way round).
        expect(emitted).toBe(events.length);
        for (const e of events) expect(e.time === null || Number.isFinite(e.time)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  const sumSkipped = (r: LoadResult['inputs'][number]) => Object.values(r.skipped).reduce((a, b) => a + b, 0);
  let run = 0;
  async function loadBytes(bytes: Uint8Array, name: string, format?: InputFormat): Promise<LoadResult> {
    const dir = path.join(tmpRoot, `run${++run}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
    const result = await loadPaths([dir], format === undefined ? { timeZone: UTC } : { format, timeZone: UTC });
    for (const report of result.inputs) expect(report.records + sumSkipped(report)).toBe(report.lines);
    const perInput = new Map<number, number>();
    for (const input of result.store.columns().input) perInput.set(input, (perInput.get(input) ?? 0) + 1);
    result.inputs.forEach((report, i) => expect(report.events).toBe(perInput.get(i) ?? 0));
    return result;
  }

  it('loadPaths on arbitrary bytes, detected or forced to each format, keeps exact accounts', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.array(line, { maxLength: 30 }).map((lines) => new TextEncoder().encode(lines.join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0]))),
    );
    await fc.assert(
      fc.asyncProperty(bytes, fc.constantFrom<InputFormat | undefined>(undefined, ...INPUT_FORMATS), async (content, format) => {
        const result = await loadBytes(content, 'input.txt', format);
        expect(result.inputs).toHaveLength(1);
      }),
      { numRuns: 120 },
    );
  });

  it('a file with the SQLite header and arbitrary bytes after it is reported, not thrown', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (rest) => {
        const bytes = new Uint8Array(16 + rest.length);
        bytes.set(new TextEncoder().encode('SQLite format 3\0'));
        bytes.set(rest, 16);
        const { emit } = capture();
        let rows = 0;
        const error = await readFail2banDatabase(bytes, emit, () => rows++, UTC);
        expect(error === null || typeof error === 'string').toBe(true);
        const result = await loadBytes(bytes, 'fail2ban.sqlite3');
        expect(result.inputs[0].format).toBe('fail2ban-db');
      }),
      { numRuns: 40 },
    );
  });
});

// ---------------------------------------------------------------- round trips

const address = fc.oneof(fc.ipV4(), fc.ipV6());
const instant = fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2090-12-31T23:59:59Z') });
const jail = fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/);
const user = fc.stringMatching(/^[a-zA-Z0-9._-]{1,16}$/);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function stamp(ms: number, withMs = true): string {
  const d = new Date(ms);
  const s = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return withMs ? `${s},${pad(d.getUTCMilliseconds(), 3)}` : s;
}

function syslogStamp(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function parseOne(format: InputFormat, lines: string[], mtime: number | null = null): Captured[] {
  const parser = FORMATS.find((f) => f.format === format)!.begin(context(mtime));
  const { emit, events } = capture();
  lines.forEach((l, i) => parser.parseLine(l, i + 1, emit));
  return events;
}

const norm = (ip: string) => normaliseAddress(ip)!.ip;

describe('random valid lines round-trip their address, time and jail', () => {
  it('fail2ban.log in every layout', () => {
    const verbs: [string, EventKind][] = [
      ['Ban', 'ban'],
      ['Unban', 'unban'],
      ['Restore Ban', 'restore'],
      ['Increase Ban', 'ban'],
      ['Found', 'found'],
    ];
    fc.assert(
      fc.property(address, instant, jail, fc.constantFrom(...verbs), fc.integer({ min: 0, max: 4 }), (ip, ms, jailName, [verb, kind], layout) => {
        const message = `[${jailName}] ${verb} ${ip}`;
        const lines = [
          `${stamp(ms)} fail2ban.actions        [812]: NOTICE  ${message}`,
          `${stamp(ms)} fail2ban.actions: WARNING ${message}`,
          `${stamp(ms)} fail2ban.actions[123]: NOTICE ${message}`,
          `${syslogStamp(ms)} host fail2ban.actions[123]: NOTICE ${message}`,
          `${syslogStamp(ms)} host fail2ban-server[1]: fail2ban.actions        [1]: NOTICE  ${message}`,
        ];
        const withMs = layout <= 2;
        const events = parseOne('fail2ban-log', [lines[layout]], ms);
        const expected = withMs ? ms : ms - (ms % 1000);
        expect(events).toEqual([{ ip: norm(ip), kind, time: expected, jail: jailName, user: null }]);
      }),
      { numRuns: 400 },
    );
  });

  it('auth.log failures with user names', () => {
    fc.assert(
      fc.property(address, instant, user, fc.boolean(), fc.integer({ min: 1, max: 65535 }), (ip, ms, name, invalid, port) => {
        const line = `${syslogStamp(ms)} web1 sshd[42]: Failed password for ${invalid ? 'invalid user ' : ''}${name} from ${ip} port ${port} ssh2`;
        const events = parseOne('auth-log', [line], ms);
        expect(events).toEqual([{ ip: norm(ip), kind: 'failure', time: ms - (ms % 1000), jail: 'sshd', user: name }]);
      }),
      { numRuns: 400 },
    );
  });

  it('journal JSON entries', () => {
    fc.assert(
      fc.property(address, instant, user, (ip, ms, name) => {
        const line = JSON.stringify({ __REALTIME_TIMESTAMP: String(ms * 1000 + 123), _HOSTNAME: 'h', SYSLOG_IDENTIFIER: 'sshd', _PID: '9', MESSAGE: `Invalid user ${name} from ${ip} port 22` });
        expect(parseOne('journal-json', [line])).toEqual([{ ip: norm(ip), kind: 'failure', time: ms, jail: 'sshd', user: name }]);
      }),
      { numRuns: 200 },
    );
  });

  it('fail2ban-client status, banned and banip, and CSV rows', () => {
    fc.assert(
      fc.property(fc.array(address, { minLength: 1, maxLength: 8 }), jail, instant, (ips, jailName, ms) => {
        const expected = ips.map((ip) => norm(ip));
        const listed = (events: Captured[]) => events.map((e) => [e.ip, e.jail]);
        expect(listed(parseOne('fail2ban-status', [`Status for the jail: ${jailName}`, `   \`- Banned IP list:\t${ips.join(' ')}`]))).toEqual(expected.map((ip) => [ip, jailName]));
        expect(listed(parseOne('fail2ban-banned', [`[{'${jailName}': [${ips.map((ip) => `'${ip}'`).join(', ')}]}]`]))).toEqual(expected.map((ip) => [ip, jailName]));
        expect(listed(parseOne('fail2ban-banip', [ips.join(',')]))).toEqual(expected.map((ip) => [ip, null]));
        const timed = parseOne('fail2ban-banip', ips.map((ip) => `${ip} \t${stamp(ms, false)} + 600 = ${stamp(ms + 600_000, false)}`));
        expect(timed.map((e) => [e.ip, e.kind, e.time])).toEqual(expected.map((ip) => [ip, 'ban', ms - (ms % 1000)]));
        const rows = parseOne('csv', ['ip,time,jail', ...ips.map((ip) => `${ip},${new Date(ms).toISOString()},${jailName}`)]);
        expect(rows.map((e) => [e.ip, e.time, e.jail])).toEqual(expected.map((ip) => [ip, ms, jailName]));
      }),
      { numRuns: 200 },
    );
  });

  it('a rotated pair loses no line that was not repeated', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(instant, { minLength: 1, maxLength: 12 }), fc.ipV4(), fc.nat(), async (times, ip, cut) => {
        const lines = times.map((ms) => `${stamp(ms)} fail2ban.actions        [1]: NOTICE  [sshd] Ban ${ip}`);
        const split = cut % (lines.length + 1);
        const overlap = Math.min(split, cut % 3);
        const dir = path.join(tmpRoot, `rot${++run}`);
        mkdirSync(dir, { recursive: true });
        const text = (part: string[]) => part.map((l) => `${l}\n`).join('');
        writeFileSync(path.join(dir, 'fail2ban.log.1'), text(lines.slice(0, split)));
        writeFileSync(path.join(dir, 'fail2ban.log'), text(lines.slice(split - overlap)));
        const result = await loadPaths([dir], { timeZone: UTC });
        const kinds = result.store.columns().kind;
        // Every line is read once: the repeated ones are skipped as duplicates.
        expect(kinds.length).toBe(lines.length);
        expect(Array.from(kinds).every((k) => EVENT_KINDS[k] === 'ban')).toBe(true);
        const total = result.inputs.reduce((n, r) => n + r.lines, 0);
        expect(total).toBe(lines.length + overlap);
        expect(result.inputs.reduce((n, r) => n + (r.skipped["duplicate of rotated file's line"] ?? 0), 0)).toBe(overlap);
      }),
      { numRuns: 60 },
    );
  });
});
