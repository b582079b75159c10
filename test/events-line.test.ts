/**
 * The events table's `line` column: the 1-based line of its file each event was read from,
 * whichever way the line reached its parser (held for format detection, held at a rotation
 * seam, parsed as text or as bytes).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventsTable } from '../src/load/events-table';
import { loadPaths } from '../src/load/load';
import { UTC } from '../src/time-zone';

const formats = 'test/fixtures/formats';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'botmap-events-line-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Each event as `file:line ip kind`. */
async function eventLines(paths: string[]): Promise<string[]> {
  const table = eventsTable(await loadPaths(paths, { timeZone: UTC, sshdMode: 'aggressive' }));
  return table.objects().map((e: any) => `${path.basename(e.file)}:${e.line} ${e.ip} ${e.kind}`);
}

describe("the events table's line column", () => {
  it('gives the line of a fail2ban.log event, after lines that had none', async () => {
    expect(await eventLines([`${formats}/fail2ban-0.9.log`])).toEqual([
      'fail2ban-0.9.log:6 192.0.2.71 restore',
      'fail2ban-0.9.log:7 198.51.100.71 found',
      'fail2ban-0.9.log:8 198.51.100.71 found',
      'fail2ban-0.9.log:9 198.51.100.71 found',
      'fail2ban-0.9.log:10 198.51.100.71 ban',
      'fail2ban-0.9.log:13 198.51.100.71 ban',
      'fail2ban-0.9.log:15 2001:db8::71 ban',
      'fail2ban-0.9.log:22 198.51.100.71 unban',
    ]);
  });

  it('gives an auth.log line once per event it yields ("message repeated 3 times" on line 10)', async () => {
    expect(await eventLines([`${formats}/auth.log`])).toEqual([
      'auth.log:2 192.0.2.101 failure',
      'auth.log:5 192.0.2.101 failure',
      'auth.log:7 192.0.2.101 failure',
      'auth.log:9 198.51.100.101 failure',
      'auth.log:10 198.51.100.101 failure',
      'auth.log:10 198.51.100.101 failure',
      'auth.log:10 198.51.100.101 failure',
      'auth.log:11 198.51.100.101 failure',
      'auth.log:14 203.0.113.200 accepted',
      'auth.log:16 192.0.2.102 failure',
      'auth.log:17 192.0.2.102 failure',
      'auth.log:18 198.51.100.102 failure',
      'auth.log:20 2001:db8::102 failure',
      'auth.log:21 203.0.113.102 failure',
      'auth.log:23 192.0.2.101 ban',
    ]);
  });

  it("counts the lines of rotated files in each file, the head repeating the file before skipped", async () => {
    expect(await eventLines([`${formats}/rotated`])).toEqual([
      'fail2ban.log.2:1 192.0.2.161 ban',
      'fail2ban.log.2:2 192.0.2.161 unban',
      'fail2ban.log.1:2 198.51.100.161 ban',
      'fail2ban.log.1:3 203.0.113.161 ban',
      'fail2ban.log:3 198.51.100.161 ban',
    ]);
  });

  it('gives the line each address of a multi-line fail2ban-client banned output is on', async () => {
    expect(await eventLines([`${formats}/banned-multiline.txt`])).toEqual([
      'banned-multiline.txt:1 192.0.2.41 listed',
      'banned-multiline.txt:2 198.51.100.41 listed',
      'banned-multiline.txt:4 203.0.113.41 listed',
    ]);
  });

  it('gives the line of events read by the byte path, past the first 1 MiB chunk', async () => {
    const file = path.join(tmp, 'fail2ban.log');
    const lines = 30_000;
    const text = Array.from({ length: lines }, (_, i) => {
      const stamp = `2026-10-01 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},000`;
      // Every tenth line has no event: the line numbers of the others skip it.
      if (i % 10 === 9) return `${stamp} fail2ban.server         [812]: INFO    Reload`;
      return `${stamp} fail2ban.actions        [812]: NOTICE  [sshd] Ban 198.51.${Math.floor(i / 256) % 256}.${i % 256}`;
    });
    writeFileSync(file, `${text.join('\n')}\n`);
    const line = eventsTable(await loadPaths([file], { timeZone: UTC })).array('line') as number[];
    const expected = Array.from({ length: lines }, (_, i) => i + 1).filter((n) => n % 10 !== 0);
    expect(line.length).toBe(27_000);
    expect(Array.from(line)).toEqual(expected);
  });
});
