import type { EventKind } from '../types';
import { BLANK_LINE, NOT_AN_ADDRESS, isBlank, type Emit, type FormatParser, type LineParser, type LineResult } from './parser';
import { StampReader, isStamp, millisLength } from './time';

/**
 * fail2ban.log, as written by fail2ban 0.8 to 1.x:
 * ```
 * 2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.5
 * 2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.5 - 2026-09-14 00:03:17
 * 2013-01-01 00:00:00,000 fail2ban.actions: WARNING [ssh] Ban 192.0.2.1            (0.8: no [pid], no padding)
 * ```
 * `Ban` and `Increase Ban` → `ban`, `Unban` → `unban`, `Restore Ban` → `restore`, `Found` → `found`
 * (timed by the failure's own time after ` - ` when present, else by the line). Times are wall
 * clock in the local time zone (see `./time`).
 *
 * The line is taken apart by position and character codes, without a regular expression:
 * this is the format of the big files.
 */

export const NOT_A_FAIL2BAN_LINE = 'not a fail2ban.log line';
export const CONTINUATION = 'continuation of a multi-line message';
export const ALREADY_BANNED = 'already banned';
export const JAIL_STARTED_STOPPED = 'jail started/stopped';
export const LOGFILE_ADDED = 'logfile added/removed';
export const JAIL_MESSAGE = 'jail message without an address';
export const SERVER_MESSAGE = 'server message';
export const ERROR_MESSAGE = 'error message';
export const OBSERVER_MESSAGE = 'ban-time observer message (repeats Found/Ban)';

const SPACE = 32;
const OPEN_BRACKET = 91;
const COLON = 58;

/** Where the `fail2ban.` logger name starts, or -1 when the line is not a fail2ban.log line. */
function loggerStart(line: string): number {
  if (!isStamp(line, 0)) return -1;
  const at = 19 + millisLength(line, 0);
  return line.startsWith(' fail2ban.', at) ? at + 10 : -1;
}

class Fail2banLogParser implements LineParser {
  private readonly stamps = new StampReader();
  /** True after a fail2ban line: lines without a time stamp are then the rest of its message. */
  private inMessage = false;

  parseLine(line: string, _lineNo: number, emit: Emit): LineResult {
    const length = line.length;
    const logger = loggerStart(line);
    if (logger < 0) {
      if (isBlank(line)) return BLANK_LINE;
      if (isStamp(line, 0)) {
        this.inMessage = false;
        return NOT_A_FAIL2BAN_LINE;
      }
      return this.inMessage ? CONTINUATION : NOT_A_FAIL2BAN_LINE;
    }
    // The logger name ends at the padding, at `[pid]` or at the colon (0.8).
    let p = logger;
    while (p < length) {
      const c = line.charCodeAt(p);
      if (c === SPACE || c === OPEN_BRACKET || c === COLON) break;
      p++;
    }
    const colon = line.indexOf(': ', p);
    if (colon < 0) {
      this.inMessage = false;
      return NOT_A_FAIL2BAN_LINE;
    }
    this.inMessage = true;
    // Level, padded with spaces to 7 characters.
    let m = colon + 2;
    const levelChar = line.charCodeAt(m);
    const isError = levelChar === 69 /* E */ || levelChar === 67 /* C */;
    while (m < length && line.charCodeAt(m) !== SPACE) m++;
    while (m < length && line.charCodeAt(m) === SPACE) m++;

    if (line.charCodeAt(m) !== OPEN_BRACKET) {
      if (line.startsWith('Jail ', m) || line.startsWith('Creating new jail', m) || line.startsWith('Stopping all jails', m)) {
        return JAIL_STARTED_STOPPED;
      }
      return isError ? ERROR_MESSAGE : SERVER_MESSAGE;
    }
    const jailEnd = line.indexOf('] ', m + 1);
    if (jailEnd < 0) return isError ? ERROR_MESSAGE : SERVER_MESSAGE;
    const a = jailEnd + 2;

    let kind: EventKind | null = null;
    let verb = '';
    switch (line.charCodeAt(a)) {
      case 66 /* B */:
        verb = 'Ban ';
        kind = 'ban';
        break;
      case 85 /* U */:
        verb = 'Unban ';
        kind = 'unban';
        break;
      case 82 /* R */:
        if (line.startsWith('Removed logfile', a)) return LOGFILE_ADDED;
        verb = 'Restore Ban ';
        kind = 'restore';
        break;
      case 73 /* I */:
        verb = 'Increase Ban ';
        kind = 'ban';
        break;
      case 70 /* F */:
        verb = 'Found ';
        kind = 'found';
        break;
      case 65 /* A */:
        if (line.startsWith('Added logfile', a)) return LOGFILE_ADDED;
        break;
    }
    if (kind !== null && !line.startsWith(verb, a)) kind = null;
    if (kind === null) {
      if (line.indexOf(' already banned', a) >= 0) return ALREADY_BANNED;
      return isError ? ERROR_MESSAGE : JAIL_MESSAGE;
    }
    // fail2ban.observer (0.11+ ban-time increment) repeats the filter's Found and the actions' Ban.
    if (line.startsWith('observer', logger)) return OBSERVER_MESSAGE;

    const ipStart = a + verb.length;
    let ipEnd = line.indexOf(' ', ipStart);
    if (ipEnd < 0) ipEnd = length;
    if (ipEnd === ipStart) return NOT_AN_ADDRESS;
    const ip = line.slice(ipStart, ipEnd);
    const jail = line.slice(m + 1, jailEnd);
    let time: number;
    if (kind === 'found' && line.startsWith(' - ', ipEnd) && isStamp(line, ipEnd + 3)) time = this.stamps.read(line, ipEnd + 3);
    else time = this.stamps.read(line, 0);
    return emit(ip, kind, time, jail) ? 1 : NOT_AN_ADDRESS;
  }
}

export const fail2banLog: FormatParser = {
  format: 'fail2ban-log',
  /** At least one fail2ban.log line, and no more other time-stamped lines than fail2ban ones. */
  detect(lines) {
    let fail2ban = 0;
    let otherStamped = 0;
    for (const line of lines) {
      if (loggerStart(line) >= 0) fail2ban++;
      else if (isStamp(line, 0)) otherStamped++;
    }
    return fail2ban > 0 && fail2ban >= otherStamped;
  },
  begin() {
    return new Fail2banLogParser();
  },
};
