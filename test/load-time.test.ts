/** Log times: read in the zone given, syslog years from the file's modification time, ISO 8601. (The zones themselves: time-zone.test.ts.) */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from './support/random';
import { NO_STAMP, StampReader, SyslogClock, isStamp, readIsoStamp } from '../src/load/formats/grammar/time';
import { loadPaths } from '../src/load/load';
import { UTC, timeZone } from '../src/time-zone';

const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'botmap-time-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

const utc = (text: string) => Date.parse(text);

describe('stamps', () => {
  it('reads fail2ban stamps, NaN for impossible dates', () => {
    const reader = new StampReader(UTC);
    expect(reader.read('2026-10-01 12:34:56,789 x', 0)).toBe(utc('2026-10-01T12:34:56.789Z'));
    expect(reader.read('2026-10-01 12:35:00 x', 0)).toBe(utc('2026-10-01T12:35:00Z'));
    expect(reader.read('2026-02-30 12:00:00,000 x', 0)).toBeNaN();
    expect(reader.read('2026-13-01 12:00:00,000 x', 0)).toBeNaN();
    expect(reader.read('2026-10-01 12:61:00,000 x', 0)).toBeNaN();
  });

  it('reads stamps from bytes as from text, NO_STAMP where there is none', () => {
    const berlin = timeZone('Europe/Berlin');
    const random = seededRandom(3);
    const byText = new StampReader(berlin);
    const byBytes = new StampReader(berlin);
    const stamps = ['2026-10-01 12:34:56,789', '2026-10-01 12:34:56.789', '2026-10-01 12:34:56', '2026-10-01 12:34:56,78', '2026-10-25 02:30:00,000', '2026-02-30 12:00:00', '2026-10-01 12:61:00', '2026-10-01 12:34:5', '2026-1o-01 12:34:56'];
    for (let i = 0; i < 5000; i++) {
      // Mostly well-formed stamps in a few hours, some with one character changed.
      let stamp = `2026-${random() < 0.5 ? '10' : '03'}-${random() < 0.5 ? '25' : '29'} 0${Math.floor(random() * 4)}:${String(Math.floor(random() * 62)).padStart(2, '0')}:${String(Math.floor(random() * 61)).padStart(2, '0')}${random() < 0.7 ? ',' + String(Math.floor(random() * 1000)).padStart(3, '0') : ''}`;
      if (random() < 0.1) {
        const at = Math.floor(random() * stamp.length);
        stamp = stamp.slice(0, at) + ' -:,.0a'[Math.floor(random() * 7)] + stamp.slice(at + 1);
      }
      stamps.push(stamp);
    }
    for (const stamp of stamps) {
      const line = `${stamp} fail2ban`;
      const text = isStamp(line, 0) ? byText.read(line, 0) : NO_STAMP;
      const bytes = Buffer.from(`\n${line}\n`, 'latin1');
      expect(byBytes.readBytes(bytes, 1, bytes.length - 1), stamp).toBe(text);
      // The line ending after the seconds.
      const short = Buffer.from(`${stamp.slice(0, 19)}\n`, 'latin1');
      expect(byBytes.readBytes(short, 0, 19), stamp).toBe(isStamp(stamp.slice(0, 19), 0) ? byText.read(stamp.slice(0, 19), 0) : NO_STAMP);
      expect(byBytes.readBytes(short, 0, 18)).toBe(NO_STAMP);
    }
  });

  it('reads ISO 8601 / RFC 3339 with and without offsets', () => {
    const berlin = timeZone('Europe/Berlin');
    expect(readIsoStamp('2026-10-01T12:00:00.123456+02:00 host', 0, berlin)).toEqual({ time: utc('2026-10-01T10:00:00.123Z'), end: 32 });
    expect(readIsoStamp('2026-10-01T12:00:00+0200 host', 0, berlin)).toEqual({ time: utc('2026-10-01T10:00:00Z'), end: 24 });
    expect(readIsoStamp('2026-10-01T12:00:00Z', 0, berlin)).toEqual({ time: utc('2026-10-01T12:00:00Z'), end: 20 });
    expect(readIsoStamp('2026-10-01T12:00:00 host', 0, berlin)).toEqual({ time: utc('2026-10-01T10:00:00Z'), end: 19 });
    expect(readIsoStamp('2026-10-01 12:00:00,5', 0, berlin)).toEqual({ time: utc('2026-10-01T10:00:00.500Z'), end: 21 });
    expect(readIsoStamp('2026-10-32T12:00:00Z', 0, berlin)).toBeNull();
    expect(readIsoStamp('Oct  1 12:00:00', 0, berlin)).toBeNull();
  });

  it('gives syslog lines the year of the file, the year before across New Year', () => {
    const clock = new SyslogClock(utc('2027-01-02T08:00:00Z'), UTC);
    expect(clock.read('Dec 30 23:59:59 host sshd[1]: x', 0)).toBe(15);
    expect(clock.time).toBe(utc('2026-12-30T23:59:59Z'));
    expect(clock.read('Jan  2 07:00:00 host', 0)).toBe(15);
    expect(clock.time).toBe(utc('2027-01-02T07:00:00Z'));
    // A day of clock skew is tolerated; more is the year before.
    clock.read('Jan  3 00:00:00 host', 0);
    expect(clock.time).toBe(utc('2027-01-03T00:00:00Z'));
    clock.read('Jan 10 00:00:00 host', 0);
    expect(clock.time).toBe(utc('2026-01-10T00:00:00Z'));
    // Bare and zero-padded days, fractions.
    expect(clock.read('Jan 2 01:02:03 host', 0)).toBe(14);
    expect(clock.read('Jan 02 01:02:03.250 host', 0)).toBe(19);
    expect(clock.time).toBe(utc('2027-01-02T01:02:03.250Z'));
    expect(clock.read('Foo  2 01:02:03 host', 0)).toBe(-1);
    expect(clock.read('Jan 32 01:02:03 host', 0)).toBe(-1);
    // Feb 29 of a year that has none is no time.
    clock.read('Feb 29 00:00:00 host', 0);
    expect(clock.time).toBeNaN();
  });

  it('reads a log in the zone given end to end', async () => {
    const dir = path.join(tmpRoot, 'tz');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'fail2ban.log'), '2026-07-01 12:00:00,000 fail2ban.actions        [1]: NOTICE  [sshd] Ban 192.0.2.1\n');
    writeFileSync(path.join(dir, 'auth.log'), 'Jul  1 12:00:00 web1 sshd[2]: Failed password for root from 192.0.2.2 port 22 ssh2\n');
    const mtime = new Date('2026-07-02T00:00:00Z');
    utimesSync(path.join(dir, 'auth.log'), mtime, mtime);
    const result = await loadPaths([dir], { timeZone: timeZone('Europe/Berlin') });
    expect(Array.from(result.store.columns().time)).toEqual([utc('2026-07-01T10:00:00Z'), utc('2026-07-01T10:00:00Z')]);
  });

  it('reads the same files in two zones side by side: their times differ by the offset, to the millisecond', async () => {
    const dir = path.join(tmpRoot, 'two-zones');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'fail2ban.log'),
      '2026-07-01 12:00:00,250 fail2ban.actions        [1]: NOTICE  [sshd] Ban 192.0.2.1\n2026-12-01 23:59:59,000 fail2ban.filter         [1]: INFO    [sshd] Found 192.0.2.3 - 2026-12-01 23:59:59\n',
    );
    writeFileSync(path.join(dir, 'auth.log'), 'Jul  1 12:00:00 web1 sshd[2]: Failed password for root from 192.0.2.2 port 22 ssh2\n');
    writeFileSync(path.join(dir, 'bans.csv'), 'ip,time\n192.0.2.4,2026-07-01 12:00:00\n192.0.2.5,2026-07-01T12:00:00Z\n');
    const mtime = new Date('2026-07-02T00:00:00Z');
    utimesSync(path.join(dir, 'auth.log'), mtime, mtime);
    // Started together, so that their reading interleaves.
    const [tokyo, newYork] = await Promise.all([loadPaths([dir], { timeZone: timeZone('Asia/Tokyo') }), loadPaths([dir], { timeZone: timeZone('America/New_York') })]);
    const times = (result: typeof tokyo) => Array.from(result.store.columns().time);
    const hour = 3_600_000;
    expect(times(tokyo)).toEqual([utc('2026-07-01T03:00:00Z'), utc('2026-07-01T03:00:00Z'), utc('2026-07-01T12:00:00Z'), utc('2026-07-01T03:00:00.250Z'), utc('2026-12-01T14:59:59Z')]);
    // New York is 13 hours behind Tokyo in July (daylight saving time) and 14 in December; a time with its own offset does not move.
    expect(times(newYork).map((t, i) => t - times(tokyo)[i])).toEqual([13 * hour, 13 * hour, 0, 13 * hour, 14 * hour]);
  });
});
