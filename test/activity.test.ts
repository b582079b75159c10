/**
 * `activity`: each attacker's events by location, jail, server and bin, the bins days up to 120
 * days of data, weeks up to a year, months beyond, in the run's zone.
 */
import { describe, expect, it } from 'vitest';
import { activity, wholeWindow } from '../src/aggregate/activity';
import { EVENT_KINDS } from '../src/load/events';
import { timeZone } from '../src/time-zone';

const BAN = EVENT_KINDS.indexOf('ban');
const UNBAN = EVENT_KINDS.indexOf('unban');

/** Events as codes: [address, kind, ISO time or null, jail, server]. */
function source(events: [number, number, string | null, number, number][]) {
  return {
    columns: {
      ip: events.map((e) => e[0]),
      kind: events.map((e) => e[1]),
      time: events.map((e) => (e[2] === null ? Number.NaN : Date.parse(e[2]))),
      jail: events.map((e) => e[3]),
      server: events.map((e) => e[4]),
    },
    jails: ['', 'sshd'],
    servers: ['web1', 'mail1'],
    ips: ['1.1.1.1', '2.2.2.2', '3.3.3.3'],
  };
}

const rows = (a: ReturnType<typeof activity>) =>
  Array.from(a.cells.attacker, (attacker, i) => [attacker, a.cells.location[i], a.cells.jail[i], a.cells.server[i], a.cells.bin[i], a.cells.events[i]]);

describe('activity', () => {
  it('counts each cell once, attack events apart from other records, and events without a time in bin -1', () => {
    const a = activity(
      source([
        [0, BAN, '2026-03-01T10:00:00Z', 1, 0],
        [0, BAN, '2026-03-01T23:00:00Z', 1, 0],
        [0, UNBAN, '2026-03-02T01:00:00Z', 1, 0],
        [1, BAN, null, 1, 1],
        [2, BAN, '2026-03-03T00:00:00Z', 1, 0],
      ]),
      // Addresses 0 and 2 are one attacker (a /64, say) in two cities; address 1 in city 5.
      { attacker: Int32Array.from([0, 1, 0]), location: Int32Array.from([3, 5, 4]) },
    );
    expect([a.bin, a.starts.map((s) => new Date(s).toISOString().slice(0, 10))]).toEqual(['day', ['2026-03-01', '2026-03-02', '2026-03-03']]);
    expect(rows(a)).toEqual([
      [0, 3, 1, 0, 0, 2],
      [0, 3, 1, 0, 1, 0],
      [0, 4, 1, 0, 2, 1],
      [1, 5, 1, 1, -1, 1],
    ]);
    expect(rows(wholeWindow(a))).toEqual([
      [0, 3, 1, 0, 0, 2],
      [0, 4, 1, 0, 0, 1],
      [1, 5, 1, 1, -1, 1],
    ]);
  });

  it('bins by local date: days in the zone, weeks from Monday past 120 days, months past a year', () => {
    const paris = timeZone('Europe/Paris');
    // 23:30 UTC on 1 March is 00:30 on 2 March in Paris.
    const day = activity(source([[0, BAN, '2026-03-01T23:30:00Z', 1, 0], [0, BAN, '2026-03-03T12:00:00Z', 1, 0]]), { attacker: Int32Array.from([0, -1, -1]), location: Int32Array.from([0, -1, -1]) }, { timeZone: paris });
    expect(day.starts.map((s) => new Date(s).toISOString().slice(0, 10))).toEqual(['2026-03-02', '2026-03-03']);
    const places = { attacker: Int32Array.from([0, -1, -1]), location: Int32Array.from([0, -1, -1]) };
    const week = activity(source([[0, BAN, '2026-01-07T12:00:00Z', 1, 0], [0, BAN, '2026-06-01T12:00:00Z', 1, 0]]), places);
    expect([week.bin, week.starts.length, new Date(week.starts[0]).toISOString().slice(0, 10), rows(week).map((r) => r[4])]).toEqual(['week', 22, '2026-01-05', [0, 21]]);
    const month = activity(source([[0, BAN, '2025-01-31T12:00:00Z', 1, 0], [0, BAN, '2026-03-01T00:00:00Z', 1, 0]]), places);
    expect([month.bin, month.starts.length, new Date(month.starts[0]).toISOString().slice(0, 10), rows(month).map((r) => r[4])]).toEqual(['month', 15, '2025-01-01', [0, 14]]);
    const whole = wholeWindow(month);
    expect([whole.bin, whole.starts, rows(whole)]).toEqual(['whole', [Date.parse('2025-01-01')], [[0, 0, 1, 0, 0, 2]]]);
  });
});
