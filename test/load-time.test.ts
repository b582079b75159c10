/** Log times: BOTMAP_TZ, syslog years from the file's modification time, ISO 8601. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotMapError } from '../src/errors';
import { seededRandom } from './support/random';
import { NO_STAMP, StampReader, SyslogClock, epochToWallClock, isStamp, readIsoStamp, wallClockToEpoch } from '../src/load/formats/grammar/time';
import { loadPaths } from '../src/load/load';

let saved: string | undefined;
beforeEach(() => {
  saved = process.env.BOTMAP_TZ;
});
afterEach(() => {
  if (saved === undefined) delete process.env.BOTMAP_TZ;
  else process.env.BOTMAP_TZ = saved;
});

const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'botmap-time-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

const utc = (text: string) => Date.parse(text);

describe('wallClockToEpoch', () => {
  it("uses the machine's zone without BOTMAP_TZ", () => {
    delete process.env.BOTMAP_TZ;
    expect(wallClockToEpoch(2026, 7, 1, 12, 0, 0, 5)).toBe(new Date(2026, 6, 1, 12, 0, 0, 5).getTime());
    process.env.BOTMAP_TZ = '  ';
    expect(wallClockToEpoch(2026, 1, 15, 3, 4, 5, 0)).toBe(new Date(2026, 0, 15, 3, 4, 5).getTime());
  });

  it('reads wall clocks in an IANA zone, across daylight saving time', () => {
    process.env.BOTMAP_TZ = 'America/New_York';
    expect(wallClockToEpoch(2026, 7, 1, 12, 0, 0, 0)).toBe(utc('2026-07-01T16:00:00Z'));
    expect(wallClockToEpoch(2026, 1, 15, 12, 0, 0, 250)).toBe(utc('2026-01-15T17:00:00.250Z'));
    // The hour after the spring-forward gap and the repeated hour in autumn.
    expect(wallClockToEpoch(2026, 3, 8, 3, 30, 0, 0)).toBe(utc('2026-03-08T07:30:00Z'));
    expect([utc('2026-11-01T05:30:00Z'), utc('2026-11-01T06:30:00Z')]).toContain(wallClockToEpoch(2026, 11, 1, 1, 30, 0, 0));
    process.env.BOTMAP_TZ = 'Europe/Berlin';
    expect(wallClockToEpoch(2026, 10, 25, 12, 0, 0, 0)).toBe(utc('2026-10-25T11:00:00Z'));
    expect(wallClockToEpoch(2026, 10, 24, 12, 0, 0, 0)).toBe(utc('2026-10-24T10:00:00Z'));
    process.env.BOTMAP_TZ = 'Asia/Kolkata';
    expect(wallClockToEpoch(2026, 10, 1, 12, 0, 0, 0)).toBe(utc('2026-10-01T06:30:00Z'));
  });

  it('takes UTC and fixed offsets', () => {
    process.env.BOTMAP_TZ = 'UTC';
    expect(wallClockToEpoch(2026, 10, 1, 12, 0, 0, 0)).toBe(utc('2026-10-01T12:00:00Z'));
    process.env.BOTMAP_TZ = '+02:00';
    expect(wallClockToEpoch(2026, 10, 1, 12, 0, 0, 0)).toBe(utc('2026-10-01T10:00:00Z'));
    process.env.BOTMAP_TZ = 'UTC-0530';
    expect(wallClockToEpoch(2026, 10, 1, 12, 0, 0, 0)).toBe(utc('2026-10-01T17:30:00Z'));
  });

  it('refuses a zone that is not one', () => {
    process.env.BOTMAP_TZ = 'Mars/Olympus_Mons';
    expect(() => wallClockToEpoch(2026, 10, 1, 12, 0, 0, 0)).toThrow(BotMapError);
    expect(() => wallClockToEpoch(2026, 10, 1, 12, 0, 0, 0)).toThrow(/BOTMAP_TZ="Mars\/Olympus_Mons" is not a time zone/);
  });

  it('turns instants back into wall clocks', () => {
    process.env.BOTMAP_TZ = 'Europe/Berlin';
    expect(epochToWallClock(utc('2026-12-31T23:30:00Z'))).toEqual({ year: 2027, month: 1, day: 1, hour: 0 });
  });
});

describe('stamps', () => {
  it('reads fail2ban stamps, NaN for impossible dates', () => {
    process.env.BOTMAP_TZ = 'UTC';
    const reader = new StampReader();
    expect(reader.read('2026-10-01 12:34:56,789 x', 0)).toBe(utc('2026-10-01T12:34:56.789Z'));
    expect(reader.read('2026-10-01 12:35:00 x', 0)).toBe(utc('2026-10-01T12:35:00Z'));
    expect(reader.read('2026-02-30 12:00:00,000 x', 0)).toBeNaN();
    expect(reader.read('2026-13-01 12:00:00,000 x', 0)).toBeNaN();
    expect(reader.read('2026-10-01 12:61:00,000 x', 0)).toBeNaN();
  });

  it('reads stamps from bytes as from text, NO_STAMP where there is none', () => {
    process.env.BOTMAP_TZ = 'Europe/Berlin';
    const random = seededRandom(3);
    const byText = new StampReader();
    const byBytes = new StampReader();
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
    process.env.BOTMAP_TZ = 'Europe/Berlin';
    expect(readIsoStamp('2026-10-01T12:00:00.123456+02:00 host', 0)).toEqual({ time: utc('2026-10-01T10:00:00.123Z'), end: 32 });
    expect(readIsoStamp('2026-10-01T12:00:00+0200 host', 0)).toEqual({ time: utc('2026-10-01T10:00:00Z'), end: 24 });
    expect(readIsoStamp('2026-10-01T12:00:00Z', 0)).toEqual({ time: utc('2026-10-01T12:00:00Z'), end: 20 });
    expect(readIsoStamp('2026-10-01T12:00:00 host', 0)).toEqual({ time: utc('2026-10-01T10:00:00Z'), end: 19 });
    expect(readIsoStamp('2026-10-01 12:00:00,5', 0)).toEqual({ time: utc('2026-10-01T10:00:00.500Z'), end: 21 });
    expect(readIsoStamp('2026-10-32T12:00:00Z', 0)).toBeNull();
    expect(readIsoStamp('Oct  1 12:00:00', 0)).toBeNull();
  });

  it('gives syslog lines the year of the file, the year before across New Year', () => {
    process.env.BOTMAP_TZ = 'UTC';
    const clock = new SyslogClock(utc('2027-01-02T08:00:00Z'));
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

  it('reads a log in BOTMAP_TZ end to end', async () => {
    const dir = path.join(tmpRoot, 'tz');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'fail2ban.log'), '2026-07-01 12:00:00,000 fail2ban.actions        [1]: NOTICE  [sshd] Ban 192.0.2.1\n');
    writeFileSync(path.join(dir, 'auth.log'), 'Jul  1 12:00:00 web1 sshd[2]: Failed password for root from 192.0.2.2 port 22 ssh2\n');
    const mtime = new Date('2026-07-02T00:00:00Z');
    utimesSync(path.join(dir, 'auth.log'), mtime, mtime);
    process.env.BOTMAP_TZ = 'Europe/Berlin';
    const result = await loadPaths([dir]);
    expect(Array.from(result.store.columns().time)).toEqual([utc('2026-07-01T10:00:00Z'), utc('2026-07-01T10:00:00Z')]);
  });
});
