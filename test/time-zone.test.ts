/** The run's time zone, a value made from its name: wall clocks to instants and back, local days and hours, its name. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BotMapError } from '../src/errors';
import { analyse, notebookParameters, parameters } from '../src/notebook/pipeline';
import { UTC, timeZone } from '../src/time-zone';

const utc = (text: string) => Date.parse(text);

describe('timeZone', () => {
  it("is the machine's zone without a name", () => {
    expect(timeZone(null).wallClockToEpoch(2026, 7, 1, 12, 0, 0, 5)).toBe(new Date(2026, 6, 1, 12, 0, 0, 5).getTime());
    expect(timeZone('  ').wallClockToEpoch(2026, 1, 15, 3, 4, 5, 0)).toBe(new Date(2026, 0, 15, 3, 4, 5).getTime());
    expect(timeZone(undefined)).toBe(timeZone(null));
  });

  it('reads wall clocks in an IANA zone, across daylight saving time', () => {
    const newYork = timeZone('America/New_York');
    expect(newYork.wallClockToEpoch(2026, 7, 1, 12, 0, 0, 0)).toBe(utc('2026-07-01T16:00:00Z'));
    expect(newYork.wallClockToEpoch(2026, 1, 15, 12, 0, 0, 250)).toBe(utc('2026-01-15T17:00:00.250Z'));
    // The hour after the spring-forward gap and the repeated hour in autumn.
    expect(newYork.wallClockToEpoch(2026, 3, 8, 3, 30, 0, 0)).toBe(utc('2026-03-08T07:30:00Z'));
    expect([utc('2026-11-01T05:30:00Z'), utc('2026-11-01T06:30:00Z')]).toContain(newYork.wallClockToEpoch(2026, 11, 1, 1, 30, 0, 0));
    const berlin = timeZone('Europe/Berlin');
    expect(berlin.wallClockToEpoch(2026, 10, 25, 12, 0, 0, 0)).toBe(utc('2026-10-25T11:00:00Z'));
    expect(berlin.wallClockToEpoch(2026, 10, 24, 12, 0, 0, 0)).toBe(utc('2026-10-24T10:00:00Z'));
    expect(timeZone('Asia/Kolkata').wallClockToEpoch(2026, 10, 1, 12, 0, 0, 0)).toBe(utc('2026-10-01T06:30:00Z'));
  });

  it('takes UTC and fixed offsets', () => {
    expect(timeZone('UTC').wallClockToEpoch(2026, 10, 1, 12, 0, 0, 0)).toBe(utc('2026-10-01T12:00:00Z'));
    expect(timeZone('+02:00').wallClockToEpoch(2026, 10, 1, 12, 0, 0, 0)).toBe(utc('2026-10-01T10:00:00Z'));
    expect(timeZone('UTC-0530').wallClockToEpoch(2026, 10, 1, 12, 0, 0, 0)).toBe(utc('2026-10-01T17:30:00Z'));
    for (const name of ['UTC', 'utc', 'GMT', 'Z', 'Etc/UTC', ' UTC ']) expect(timeZone(name), name).toBe(UTC);
  });

  it('refuses a zone that is not one, naming the parameter', () => {
    expect(() => timeZone('Mars/Olympus_Mons')).toThrow(BotMapError);
    expect(() => timeZone('Mars/Olympus_Mons')).toThrow(
      'BOTMAP_TZ="Mars/Olympus_Mons" is not a time zone: give an IANA name such as Europe/Berlin or UTC, or an offset such as +02:00 (or unset it to use this machine\'s zone).',
    );
  });

  it('turns instants back into wall clocks', () => {
    expect(timeZone('Europe/Berlin').epochToWallClock(utc('2026-12-31T23:30:00Z'))).toEqual({ year: 2027, month: 1, day: 1, hour: 0 });
    expect(timeZone('-03:30').epochToWallClock(utc('2027-01-01T02:00:00Z'))).toEqual({ year: 2026, month: 12, day: 31, hour: 22 });
  });

  it('gives local days and hours as Intl does, every quarter hour of a year, across daylight saving time', () => {
    for (const name of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham']) {
      const zone = timeZone(name);
      const intl = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric' });
      const mismatches: string[] = [];
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 15 * 60_000) {
        const at = t + 7 * 60_000; // inside the quarter hour, not on its edge
        const p = Object.fromEntries(intl.formatToParts(at).map((part) => [part.type, Number(part.value)]));
        if (zone.dayStart(at) !== Date.UTC(p.year, p.month - 1, p.day) || zone.hour(at) !== p.hour) mismatches.push(new Date(at).toISOString());
      }
      expect(mismatches, name).toEqual([]);
    }
  });

  it('gives local days and hours in UTC, fixed offsets and before 1970', () => {
    expect(UTC.dayStart(Date.UTC(2026, 8, 14, 23, 59))).toBe(Date.UTC(2026, 8, 14));
    expect(UTC.hour(Date.UTC(2026, 8, 14, 23, 59))).toBe(23);
    expect(UTC.hour(Date.UTC(1969, 11, 31, 22, 30))).toBe(22);
    expect(UTC.dayStart(Date.UTC(1969, 11, 31, 22, 30))).toBe(Date.UTC(1969, 11, 31));
    const minus = timeZone('-03:30');
    expect(minus.dayStart(Date.UTC(2026, 8, 15, 2, 0))).toBe(Date.UTC(2026, 8, 14));
    expect(minus.hour(Date.UTC(2026, 8, 15, 2, 0))).toBe(22);
  });

  it('is named as the charts print it', () => {
    expect(['UTC', 'utc', 'GMT', 'Z', 'Etc/UTC'].map((name) => timeZone(name).name)).toEqual(['UTC', 'UTC', 'UTC', 'UTC', 'UTC']);
    expect(timeZone('Asia/Kolkata').name).toBe('Asia/Kolkata');
    expect(timeZone(' +02:00 ').name).toBe('+02:00');
    const machine = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(timeZone(null).name).toBe(/^(?:UTC|Etc\/UTC|GMT)$/.test(machine) ? 'UTC' : machine);
  });

  it('gives the same value for the same name', () => {
    expect(timeZone('Europe/Berlin')).toBe(timeZone('Europe/Berlin'));
    expect(timeZone('Europe/Berlin')).not.toBe(timeZone('Europe/Paris'));
  });
});

describe("the run's zone", () => {
  it('is passed to the load as a value: analyse() neither reads nor changes BOTMAP_TZ', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'botmap-zone-'));
    const saved = process.env.BOTMAP_TZ;
    try {
      writeFileSync(path.join(dir, 'fail2ban.log'), '2026-07-01 12:00:00,000 fail2ban.actions        [1]: NOTICE  [sshd] Ban 192.0.2.1\n');
      const timeOf = async (zone: string | null) => {
        const analysis = await analyse(parameters({ data: [dir], out: path.join(dir, 'out'), timeZone: zone }, {}));
        return Array.from(analysis.load.store.columns().time);
      };
      process.env.BOTMAP_TZ = 'Europe/Berlin';
      expect(await timeOf('Asia/Tokyo')).toEqual([utc('2026-07-01T03:00:00Z')]);
      expect(process.env.BOTMAP_TZ).toBe('Europe/Berlin');
      delete process.env.BOTMAP_TZ;
      expect(await timeOf('UTC')).toEqual([utc('2026-07-01T12:00:00Z')]);
      expect(process.env.BOTMAP_TZ).toBeUndefined();
      // Without a zone the machine's is taken, not one a run before set.
      expect(await timeOf(null)).toEqual([new Date(2026, 6, 1, 12).getTime()]);
    } finally {
      if (saved === undefined) delete process.env.BOTMAP_TZ;
      else process.env.BOTMAP_TZ = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is read from BOTMAP_TZ by parameters(), the public way to set it', () => {
    expect(parameters({}, { BOTMAP_TZ: 'Asia/Kolkata' }).timeZone).toBe('Asia/Kolkata');
    expect(parameters({ timeZone: 'UTC' }, {}).timeZone).toBe('UTC');
  });

  it('that is not one is refused by name of the variable or parameter it came from', () => {
    const refusal = (from: string) =>
      `${from}="Mars/Olympus_Mons" is not a time zone: give an IANA name such as Europe/Berlin or UTC, or an offset such as +02:00 (or unset it to use this machine's zone).`;
    const cell = (TIME_ZONE: string) => ({
      DATA: ['data/sample'], MMDB: '', ASN_MMDB: '', OUT: 'output', THEME: 'light', TOP: 15, LABELS: 10, ZOOMED: 2,
      CLUSTER_KM: 100, PROJECTION: 'equal-earth', TIME_ZONE, SPLIT_DATE: '', IPV6_64: false,
    });
    expect(() => parameters({}, { BOTMAP_TZ: 'Mars/Olympus_Mons' })).toThrow(refusal('BOTMAP_TZ'));
    expect(() => parameters({ timeZone: 'Mars/Olympus_Mons' }, {})).toThrow(refusal('timeZone'));
    expect(() => notebookParameters(cell('Mars/Olympus_Mons'), {})).toThrow(refusal('TIME_ZONE'));
    // BOTMAP_TZ overrides the notebook's TIME_ZONE: the zone comes from it, and so does the refusal.
    expect(() => notebookParameters(cell('UTC'), { BOTMAP_TZ: 'Mars/Olympus_Mons' })).toThrow(refusal('BOTMAP_TZ'));
    expect(notebookParameters(cell('Mars/Olympus_Mons'), { BOTMAP_TZ: 'Asia/Kolkata' }).timeZone).toBe('Asia/Kolkata');
    expect(notebookParameters(cell(''), {}).timeZone).toBeNull();
  });
});
