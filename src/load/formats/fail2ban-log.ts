import { canonicalIPv4Bytes, looksLikeHostname } from '../../locate/address';
import { ByteTable, asciiText } from '../byte-table';
import { KIND_CODES } from '../events';
import type { EventKind } from '../../types';
import { UTC } from '../../time-zone';
import {
  BLANK_LINE,
  hasAt,
  HOSTNAME,
  NETWORK_RANGE_BAN,
  NOT_AN_ADDRESS,
  NULL_CONTEXT,
  isBlank,
  type Emit,
  type EventSink,
  type FormatParser,
  type LineParser,
  type LineResult,
  type ParseContext,
} from './parser';
import { SyslogPrefixReader, isSshd } from './grammar/syslog';
import { NO_STAMP, StampReader, isStamp, millisLength, millisLengthBytes } from './grammar/time';
import type { InputReport } from '../../types';

/**
 * fail2ban.log, as written by fail2ban 0.8 to 1.x, and fail2ban's messages in syslog or the journal:
 * ```
 * 2026-09-14 00:03:20,019 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.5
 * 2026-09-14 00:03:17,410 fail2ban.filter         [812]: INFO    [sshd] Found 203.0.113.5 - 2026-09-14 00:03:17
 * 2013-01-01 00:00:00,000 fail2ban.actions: WARNING [ssh] Ban 192.0.2.1            (0.8: no [pid], no padding)
 * 2013-01-01 00:00:00,000 fail2ban.actions[123]: WARNING [ssh] Ban 192.0.2.1       (0.8 with [pid])
 * Jun 21 16:47:51 host fail2ban.actions[123]: NOTICE [sshd] Ban 192.0.2.1          (syslog)
 * Mar 05 08:41:28 host fail2ban-server[11524]: fail2ban.actions [11524]: NOTICE [sshd] Ban 192.0.2.2
 * host fail2ban[15699]: [postfix-sasl] Ban 192.0.2.3                                (journal, no time)
 * ```
 * `Ban` and `Increase Ban` → `ban`, `Unban` → `unban`, `Restore Ban` → `restore` (a restart
 * re-applying an earlier ban, not counted as an attack), `Found` → `found` (timed by the
 * failure's own time after ` - ` when present, else by the line; `Found 192.0.2.1, bad - …` too).
 * A ban of a network (`Ban 192.0.2.96/28`) is not an address: the line is skipped as
 * "network range ban", counted in the report's `ranges`, and the range handed to
 * `ParseContext.range`. Times are wall clock in the run's time zone (`ParseContext.timeZone`).
 *
 * The standard line is taken apart by position and character codes, without a regular
 * expression: this is the format of the big files.
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
/** The verbs of events, with the space after them, and their kinds. */
const VERBS: readonly (readonly [string, EventKind])[] = [
  ['Ban ', 'ban'],
  ['Unban ', 'unban'],
  ['Restore Ban ', 'restore'],
  ['Increase Ban ', 'ban'],
  ['Found ', 'found'],
];
const OPEN_BRACKET = 91;
const COLON = 58;
const CLOSE_BRACKET = 93;


/** Where the `fail2ban.` logger name starts, or -1 when the line is not a fail2ban.log line. */
function loggerStart(line: string): number {
  return isStamp(line, 0) ? loggerAfterStamp(line, 0, line.length) : -1;
}

/**
 * `loggerStart` of the line `text[start, end)`, known to begin with a stamp. (Reading past `end`
 * finds the line break, which no positional check accepts: only searches need the bound.)
 */
function loggerAfterStamp(text: string, start: number, end: number): number {
  const at = start + 19 + millisLength(text, start);
  return hasAt(text, at, ' fail2ban.', end) ? at + 10 : -1;
}

/** The daemon names fail2ban logs under in syslog and the journal. */
export function isFail2banDaemon(daemon: string): boolean {
  return daemon.startsWith('fail2ban');
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/**
 * Reads fail2ban's messages: from the level word (`NOTICE  [sshd] Ban …`) or the jail
 * (`[sshd] Ban …`). Shared by fail2ban.log, auth logs and journal exports.
 */
export class Fail2banMessages {
  readonly stamps: StampReader;
  /** Network-range bans seen. */
  ranges = 0;
  private lastJail = '';

  constructor(private readonly context: ParseContext) {
    this.stamps = new StampReader(context.timeZone);
  }

  /**
   * A message of `program` (`fail2ban-server`, `fail2ban.actions`, …) as forwarded to syslog, whose
   * fail2ban logger name may come first (`fail2ban.actions [123]: NOTICE [sshd] Ban …`).
   */
  readForwarded(line: string, at: number, time: number | null, program: string, emit: Emit): LineResult {
    let observer = program === 'fail2ban.observer';
    let m = at;
    // fail2ban writing to stdout under systemd: the message is a whole fail2ban.log line.
    if (isStamp(line, m)) {
      m += 19 + millisLength(line, m);
      while (m < line.length && line.charCodeAt(m) === SPACE) m++;
    }
    if (line.startsWith('fail2ban.', m)) {
      const name = m + 9;
      let p = name;
      while (p < line.length) {
        const c = line.charCodeAt(p);
        if (c === SPACE || c === OPEN_BRACKET || c === COLON) break;
        p++;
      }
      if (line.startsWith('observer', name)) observer = true;
      const colon = line.indexOf(': ', p);
      if (colon < 0) return NOT_A_FAIL2BAN_LINE;
      m = colon + 2;
    }
    while (m < line.length && line.charCodeAt(m) === SPACE) m++;
    let isError = false;
    if (isUpper(line.charCodeAt(m))) {
      let p = m;
      while (p < line.length && isUpper(line.charCodeAt(p))) p++;
      if (p === line.length || line.charCodeAt(p) === SPACE) {
        const c = line.charCodeAt(m);
        isError = c === 69 /* E */ || c === 67 /* C */;
        m = p;
        while (m < line.length && line.charCodeAt(m) === SPACE) m++;
      }
    }
    return this.read(line, m, isError, observer, time, false, emit);
  }

  /**
   * The message from `m` (just after the level): `[jail] Verb address …` or a server message.
   * The time is `time`, or the stamp at the start of the line when `stampAtStart`. `observer`:
   * the logger is fail2ban.observer, or where the logger's name after `fail2ban.` starts.
   * The line is `line[lineStart, end)`: by default the whole string.
   */
  read(
    line: string,
    m: number,
    isError: boolean,
    observer: boolean | number,
    time: number | null,
    stampAtStart: boolean,
    emit: Emit,
    lineStart = 0,
    end = line.length,
  ): LineResult {
    if (line.charCodeAt(m) !== OPEN_BRACKET) {
      if (hasAt(line, m, 'Jail ', end) || hasAt(line, m, 'Creating new jail', end) || hasAt(line, m, 'Stopping all jails', end)) {
        return JAIL_STARTED_STOPPED;
      }
      return isError ? ERROR_MESSAGE : SERVER_MESSAGE;
    }
    const jailEnd = line.indexOf('] ', m + 1);
    if (jailEnd < 0 || jailEnd + 1 >= end) return isError ? ERROR_MESSAGE : SERVER_MESSAGE;
    const a = jailEnd + 2;

    if (hasAt(line, a, 'Added logfile', end) || hasAt(line, a, 'Removed logfile', end)) return LOGFILE_ADDED;
    let v = 0;
    while (v < VERBS.length && !hasAt(line, a, VERBS[v][0], end)) v++;
    if (v === VERBS.length) {
      const already = line.indexOf(' already banned', a);
      if (already >= 0 && already + 15 <= end) return ALREADY_BANNED;
      return isError ? ERROR_MESSAGE : JAIL_MESSAGE;
    }
    const [verb, kind] = VERBS[v];
    // fail2ban.observer (0.11+ ban-time increment) repeats the filter's Found and the actions' Ban.
    if (observer === true || (typeof observer === 'number' && hasAt(line, observer, 'observer', end))) return OBSERVER_MESSAGE;

    const ipStart = a + verb.length;
    let ipEnd = line.indexOf(' ', ipStart);
    if (ipEnd < 0 || ipEnd > end) ipEnd = end;
    // `Found 192.0.2.1, bad - …`
    if (ipEnd > ipStart && line.charCodeAt(ipEnd - 1) === 44 /* , */) ipEnd--;
    if (ipEnd === ipStart) return NOT_AN_ADDRESS;
    const ip = line.slice(ipStart, ipEnd);
    // Consecutive lines mostly name the same jail: reusing its string saves an allocation per line.
    let jail = this.lastJail;
    if (jailEnd - m - 1 !== jail.length || !hasAt(line, m + 1, jail, end)) jail = this.lastJail = line.slice(m + 1, jailEnd);
    let at = ipEnd;
    if (kind === 'found' && hasAt(line, at, ', bad', end)) at += 5;
    let t: number | null;
    if (kind === 'found' && hasAt(line, at, ' - ', end) && at + 22 <= end && isStamp(line, at + 3)) t = this.stamps.read(line, at + 3);
    else t = stampAtStart ? this.stamps.read(line, lineStart) : time;
    if (t !== null && Number.isNaN(t)) t = null;
    if (emit(ip, kind, t, jail)) return 1;
    if (ip.indexOf('/') > 0 && this.context.range(ip, kind, t, jail)) {
      this.ranges++;
      return NETWORK_RANGE_BAN;
    }
    return looksLikeHostname(ip) ? HOSTNAME : NOT_AN_ADDRESS;
  }
}

/** The verbs of events, as the byte path reads them: what each starts with, its bytes with the space after, its kind's code. */
const BYTE_VERBS = VERBS.map(([verb, kind]) => ({ first: verb.charCodeAt(0), bytes: Uint8Array.from(verb, (c) => c.charCodeAt(0)), kind: KIND_CODES[kind] }));
const FOUND = KIND_CODES.found;
const FAIL2BAN_DOT = Uint8Array.from(' fail2ban.', (c) => c.charCodeAt(0));

function hasBytesAt(bytes: Uint8Array, at: number, word: Uint8Array, end: number): boolean {
  if (at + word.length > end) return false;
  for (let i = 0; i < word.length; i++) if (bytes[at + i] !== word[i]) return false;
  return true;
}

class Fail2banLogParser implements LineParser {
  private readonly messages: Fail2banMessages;
  private readonly prefix: SyslogPrefixReader;
  /** True after a fail2ban line: lines without a time stamp are then the rest of its message. */
  private inMessage = false;
  /** The byte path's jail names, by their bytes → their codes in the sink. */
  private readonly jailCodes = new ByteTable();

  constructor(context: ParseContext) {
    this.messages = new Fail2banMessages(context);
    this.prefix = new SyslogPrefixReader(context.mtime, context.timeZone);
  }

  parseLine(line: string, lineNo: number, emit: Emit): LineResult {
    return this.parseSpan(line, 0, line.length, lineNo, emit);
  }

  parseSpan(text: string, start: number, end: number, _lineNo: number, emit: Emit): LineResult {
    let logger = -1;
    if (end - start >= 19 && isStamp(text, start)) logger = loggerAfterStamp(text, start, end);
    if (logger < 0) return this.other(start === 0 && end === text.length ? text : text.slice(start, end), emit);
    // The logger name ends at the padding, at `[pid]` or at the colon (0.8); it holds no colon,
    // so the first `: ` after its start ends the prefix.
    const colon = text.indexOf(': ', logger);
    if (colon < 0 || colon + 1 >= end) {
      this.inMessage = false;
      return NOT_A_FAIL2BAN_LINE;
    }
    this.inMessage = true;
    // Level, padded with spaces to 7 characters.
    let m = colon + 2;
    const levelChar = m < end ? text.charCodeAt(m) : Number.NaN;
    const isError = levelChar === 69 /* E */ || levelChar === 67 /* C */;
    const levelEnd = text.indexOf(' ', m);
    m = levelEnd < 0 || levelEnd > end ? end : levelEnd;
    while (m < end && text.charCodeAt(m) === SPACE) m++;
    return this.messages.read(text, m, isError, logger, null, true, emit, start, end);
  }

  /**
   * The standard line with an event, `stamp fail2ban.logger [pid]: LEVEL [jail] Verb address…`,
   * read from its bytes; every other line (and any doubt) goes to the text path. Step by step
   * what `parseSpan` does, with the address looked up by its number when it is a dotted quad.
   *
   * Kept for speed, measured (issue 13): this byte path (with `canonicalIPv4Bytes`,
   * `StampReader.readBytes`/`isStampBytes` and `ByteTable`, which only it uses) against the same
   * code without `parseBytes`, the bench's parse stage on its 1M-line fail2ban.log, 8 rounds back
   * to back on a shared 2-core machine: median 1,731 ms with it, 2,572 ms without (+49%; +47% as
   * the median of the paired rounds, +37% fastest against fastest), and peak memory 155 MB
   * against 205 MB.
   */
  parseBytes(bytes: Uint8Array, start: number, end: number, sink: EventSink): 1 | null {
    const stamps = this.messages.stamps;
    const lineTime = stamps.readBytes(bytes, start, end);
    if (lineTime === NO_STAMP) return null;
    const logger = start + 19 + millisLengthBytes(bytes, start) + FAIL2BAN_DOT.length;
    // A logger named `o…` may be fail2ban.observer, whose lines are not events.
    if (!hasBytesAt(bytes, logger - FAIL2BAN_DOT.length, FAIL2BAN_DOT, end) || bytes[logger] === 111 /* o */) return null;
    let p = logger;
    while (p + 1 < end && (bytes[p] !== COLON || bytes[p + 1] !== SPACE)) p++;
    if (p + 1 >= end) return null;
    this.inMessage = true;
    // The level, then the padding after it.
    p += 2;
    while (p < end && bytes[p] !== SPACE) p++;
    while (p < end && bytes[p] === SPACE) p++;
    if (bytes[p] !== OPEN_BRACKET) return null;
    const jailStart = p + 1;
    p = jailStart;
    while (p + 1 < end && (bytes[p] !== CLOSE_BRACKET || bytes[p + 1] !== SPACE)) p++;
    if (p + 1 >= end) return null;
    const jailEnd = p;
    p += 2;
    const first = bytes[p];
    let verb = 0;
    while (verb < BYTE_VERBS.length && BYTE_VERBS[verb].first !== first) verb++;
    if (verb === BYTE_VERBS.length || !hasBytesAt(bytes, p, BYTE_VERBS[verb].bytes, end)) return null;
    const kind = BYTE_VERBS[verb].kind;
    const ipStart = p + BYTE_VERBS[verb].bytes.length;
    p = ipStart;
    while (p < end && bytes[p] !== SPACE) p++;
    const ipEnd = p;
    // `Found 192.0.2.1, bad - …` and other oddities: the text path.
    if (ipEnd === ipStart || bytes[ipEnd - 1] === 44 /* , */) return null;
    const ipv4 = canonicalIPv4Bytes(bytes, ipStart, ipEnd);
    const address = ipv4 >= 0 ? sink.ipv4(ipv4) : sink.address(bytes, ipStart, ipEnd);
    // Not an address: a range, a hostname or junk, which the text path tells apart.
    if (address < 0) return null;
    let time = lineTime;
    if (kind === FOUND && ipEnd + 22 <= end && bytes[ipEnd] === SPACE && bytes[ipEnd + 1] === 45 /* - */ && bytes[ipEnd + 2] === SPACE) {
      const found = stamps.readBytes(bytes, ipEnd + 3, end);
      if (found !== NO_STAMP) time = found;
    }
    sink.push(address, kind, time, this.jailOf(bytes, jailStart, jailEnd, sink));
    return 1;
  }

  /** The sink's code of the jail named by `bytes[start, end)`. */
  private jailOf(bytes: Uint8Array, start: number, end: number, sink: EventSink): number {
    let code = this.jailCodes.get(bytes, start, end);
    if (code < 0) {
      code = sink.jail(asciiText(bytes, start, end));
      this.jailCodes.add(bytes, start, end, code);
    }
    return code;
  }

  /** A line that is not in the standard layout: fail2ban in syslog or the journal, or not fail2ban's. */
  private other(line: string, emit: Emit): LineResult {
    if (isBlank(line)) return BLANK_LINE;
    const prefix = this.prefix;
    if (prefix.read(line) && isFail2banDaemon(prefix.daemon)) {
      this.inMessage = false;
      return this.messages.readForwarded(line, prefix.message, prefix.time, prefix.daemon, emit);
    }
    if (isStamp(line, 0)) {
      this.inMessage = false;
      return NOT_A_FAIL2BAN_LINE;
    }
    return this.inMessage ? CONTINUATION : NOT_A_FAIL2BAN_LINE;
  }

  finish(report: InputReport): void {
    report.ranges = this.messages.ranges;
  }
}

export const fail2banLog: FormatParser = {
  format: 'fail2ban-log',
  /**
   * At least one fail2ban line (standard layout, or fail2ban's program in syslog/journal lines),
   * no sshd lines (those make an auth log), and no more other time-stamped lines than fail2ban ones.
   */
  detect(lines) {
    let fail2ban = 0;
    let other = 0;
    const prefix = new SyslogPrefixReader(null, UTC);
    for (const line of lines) {
      if (loggerStart(line) >= 0) {
        fail2ban++;
      } else if (prefix.read(line)) {
        if (isFail2banDaemon(prefix.daemon)) fail2ban++;
        else if (isSshd(prefix.daemon)) return false;
        else other++;
      } else if (isStamp(line, 0)) {
        other++;
      }
    }
    return fail2ban > 0 && fail2ban >= other;
  },
  begin(context = NULL_CONTEXT) {
    return new Fail2banLogParser(context);
  },
};
