/**
 * The prefix of a syslog or journal text line, the part before the program's own message:
 * ```
 * Jun 21 16:47:48 host sshd[13709]: message                  (RFC 3164 / auth.log / secure / journalctl short)
 * Jul  3 14:59:17 host sshd-session[1571]: message           (space-padded day)
 * 2015-04-16T18:02:50.321974+00:00 host sshd[2716]: message  (RFC 3339: rsyslog, journalctl -o short-iso[-precise])
 * Nov 23 21:50:19 sshd[8148]: message                        (no host name)
 * Mar  3 00:17:22 [sshd]: message / Jun 25 23:53:34 [sshd] message
 * srv sshd[20878]: message                                   (journal text without time: time unknown)
 * <38>1 2019-07-08T17:40:16.954167-04:00 host sshd 57915 - - message   (RFC 5424)
 * ```
 * plus Solaris' `[ID 800047 auth.info] ` and a kernel time `kernel:[  970.699396]: ` before the message.
 */
import { detached } from '../../detached';
import { SyslogClock, readIsoStamp } from './time';

const SPACE = 32;

function isSpace(c: number): boolean {
  return c === SPACE || c === 9;
}

function skipSpaces(line: string, p: number): number {
  while (p < line.length && isSpace(line.charCodeAt(p))) p++;
  return p;
}

function tokenEnd(line: string, p: number): number {
  while (p < line.length && !isSpace(line.charCodeAt(p))) p++;
  return p;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Prefix texts of `host program[` given a number in `connectionKey`; later ones keep their text as key. */
const CONNECTION_STEMS = 64;
/** Pids below this (and without leading zeros) fit the number key beside the stem and the colon. */
const PID_LIMIT = 1 << 23;

/** Programs whose lines make a file an auth log (`/var/log/auth.log`, `/var/log/secure`). */
const AUTH_PROGRAMS = /^(?:sshd(?:-session|-auth)?|sudo|su|cron|crond|systemd-logind|login|passwd|useradd|userdel|usermod|groupadd|chage|chpasswd|polkitd|pkexec|unix_chkpwd|gdm-password|dbus-daemon|systemd|fail2ban.*)$/i;

/** True when `daemon` is one of sshd's program names. */
export function isSshd(daemon: string): boolean {
  return daemon === 'sshd' || daemon === 'sshd-session' || daemon === 'sshd-auth';
}

export function isAuthProgram(daemon: string): boolean {
  return AUTH_PROGRAMS.test(daemon);
}

/**
 * Reads line prefixes; after a successful `read`, the fields describe the line. One instance
 * per file: it holds the file's syslog clock (year from the file's modification time).
 */
export class SyslogPrefixReader {
  /** Epoch ms of the line's time, or null when the line has none. */
  time: number | null = null;
  /** Start and end of the host name, equal when there is none. */
  hostStart = 0;
  hostEnd = 0;
  /** The program name, without brackets or pid: `sshd`, `sshd-session`, `fail2ban.actions`, `CRON`. */
  daemon = '';
  /** Where the program token ends (after its pid and colon). */
  daemonEnd = 0;
  /** True when the program token carried a pid (`sshd[123]:`). */
  hasPid = false;
  /** Where the message starts. */
  message = 0;
  private readonly clock: SyslogClock;
  /** Where the digits of the pid in `name[pid]` start and end, -1 when the program token has none; their value. */
  private pidStart = -1;
  private pidEnd = -1;
  private pid = 0;
  /**
   * The text of a line before its pid, `Jun 21 16:47:48 host sshd[`, and what was read from it:
   * most lines repeat the line before up to there, and then only the pid is read. What is read
   * from that text (the time, where the host is, the program name) depends on it alone.
   */
  private lead = '';
  private leadTime: number | null = null;
  private leadStamped = false;
  private leadHostStart = 0;
  private leadHostEnd = 0;
  private leadDaemon = '';
  /** Where the seconds of the lead's time stamp are (-1 when it does not end with them), their value, and the text around them. */
  private leadSecondAt = -1;
  private leadSecond = 0;
  private leadHead = '';
  private leadTail = '';
  /** The number of the lead's `host name[` in `stems`, -1 until asked. */
  private leadStem = -1;
  /** True when the last line read starts with the lead. */
  private onLead = false;
  /** `host name[` texts numbered for `connectionKey`. */
  private readonly stems: string[] = [];
  /** Where the program name of the last program token read starts and ends. */
  private nameStart = 0;
  private nameEnd = 0;

  constructor(mtime: number | null) {
    this.clock = new SyslogClock(mtime);
  }

  /** The host and program part, `host sshd[123]`: identifies one sshd process (fail2ban's "mlfid"). */
  connection(line: string): string {
    return line.slice(this.hostStart, this.daemonEnd);
  }

  /**
   * A key equal for two lines exactly when their `connection` texts are equal, cheaper to hash
   * and compare: a small integer for `host name[pid]` with a short pid (the stem `host name[`
   * numbered in order of appearance), else the text itself.
   */
  connectionKey(line: string): number | string {
    const pidStart = this.pidStart;
    const pidEnd = this.pidEnd;
    if (pidStart < 0 || pidEnd - pidStart > 7 || (line.charCodeAt(pidStart) === 48 && pidEnd - pidStart > 1) || this.pid >= PID_LIMIT) {
      return this.connection(line);
    }
    let stem = this.onLead ? this.leadStem : -1;
    if (stem < 0) {
      stem = this.stemOf(line);
      if (stem < 0) return this.connection(line);
      if (this.onLead) this.leadStem = stem;
    }
    // `name[pid]:` and `name[pid]` are different texts.
    const colon = this.daemonEnd > pidEnd + 1 ? 1 : 0;
    return ((stem << 1) | colon) * PID_LIMIT + this.pid;
  }

  /** The number of the line's `host name[`, numbering it when new; -1 when all numbers are taken. */
  private stemOf(line: string): number {
    const hostStart = this.hostStart;
    const stems = this.stems;
    const stem = line.slice(hostStart, this.pidStart);
    for (let i = 0; i < stems.length; i++) if (stems[i] === stem) return i;
    if (stems.length >= CONNECTION_STEMS) return -1;
    stems.push(detached(stem));
    return stems.length - 1;
  }

  /** Reads the prefix of `line`; false when it has none of the shapes above. */
  read(line: string): boolean {
    const lead = this.lead;
    if (lead.length > 0) {
      // (A slice compared with `===` costs less than `startsWith` with a text that is not a literal.)
      if (line.slice(0, lead.length) === lead) {
        if (this.readAfterLead(line, lead.length, this.leadTime)) return true;
      } else if (this.leadSecondAt >= 0 && this.readNextSecond(line)) {
        return true;
      }
    }
    this.onLead = false;
    let p = skipSpaces(line, 0);
    if (p >= line.length) return false;
    this.time = null;
    let c = line.charCodeAt(p);
    if (c === 60 /* < */) {
      const close = line.indexOf('>', p);
      if (close < 0 || close - p > 4) return false;
      p = close + 1;
      if (line.charCodeAt(p) === 49 /* 1 */ && line.charCodeAt(p + 1) === SPACE) return this.rfc5424(line, p + 2);
      c = line.charCodeAt(p);
    }
    let stamped = false;
    let secondAt = -1;
    if (isDigitCode(c)) {
      const iso = readIsoStamp(line, p);
      if (iso === null) return false;
      this.time = iso.time;
      p = iso.end;
      stamped = true;
    } else if (c >= 65 /* A */) {
      const end = this.clock.read(line, p);
      if (end >= 0) {
        // A date that does not exist (31 April) leaves the line without a time.
        this.time = Number.isFinite(this.clock.time) ? this.clock.time : null;
        // `…HH:MM:SS` without a fraction.
        if (this.time !== null && line.charCodeAt(end - 3) === 58 /* : */) secondAt = end - 2;
        p = end;
        stamped = true;
      }
    }
    // A lead ending in `<` is not kept: whether `<…>` is skipped depends on the text after it.
    let keepLead = true;
    if (stamped) {
      if (!isSpace(line.charCodeAt(p))) return false;
      p = skipSpaces(line, p);
      // BSD verbose `<auth.info>`.
      if (line.charCodeAt(p) === 60) {
        keepLead = false;
        const close = line.indexOf('>', p);
        if (close > 0 && line.indexOf('.', p) < close) p = skipSpaces(line, close + 1);
      }
    }
    // Host, then program; or the program alone.
    const firstEnd = tokenEnd(line, p);
    if (firstEnd === p) return false;
    let programStart = p;
    if (this.program(line, p, firstEnd, stamped)) {
      this.hostStart = this.hostEnd = p;
    } else {
      const next = skipSpaces(line, firstEnd);
      const secondEnd = tokenEnd(line, next);
      if (secondEnd === next || !this.program(line, next, secondEnd, stamped)) return false;
      this.hostStart = p;
      this.hostEnd = firstEnd;
      programStart = next;
    }
    this.message = this.afterProgram(line, skipSpaces(line, this.daemonEnd));
    // Every character looked at before the pid lies in the lead, but for a `<…>` after the time.
    if (keepLead && this.pidStart === this.nameEnd + 1 && this.nameStart === programStart) this.keepLead(line, stamped, secondAt);
    return true;
  }

  /**
   * Takes the text of `line` before its pid as the lead for the lines after it; `secondAt` is
   * where the seconds of its time stamp are when the stamp ends with them, else -1.
   */
  private keepLead(line: string, stamped: boolean, secondAt: number): void {
    const length = this.pidStart;
    const lead = line.slice(0, length);
    if (lead !== this.lead) {
      this.lead = detached(lead);
      this.leadStem = -1;
    }
    this.leadSecondAt = secondAt;
    if (secondAt >= 0) {
      this.leadSecond = (line.charCodeAt(secondAt) - 48) * 10 + line.charCodeAt(secondAt + 1) - 48;
      const head = line.slice(0, secondAt);
      if (head !== this.leadHead) this.leadHead = detached(head);
      const tail = line.slice(secondAt + 2, length);
      if (tail !== this.leadTail) this.leadTail = detached(tail);
    }
    this.leadTime = this.time;
    this.leadStamped = stamped;
    this.leadHostStart = this.hostStart;
    this.leadHostEnd = this.hostEnd;
    this.leadDaemon = this.daemon;
    this.onLead = true;
  }

  /**
   * Reads the rest of a line that starts with the lead: the pid, `]`, an optional colon and the
   * end of the token, as `program` does. False when it is not that; the line is then read whole.
   */
  private readAfterLead(line: string, start: number, time: number | null): boolean {
    let p = start;
    let pid = 0;
    for (;;) {
      const c = line.charCodeAt(p);
      if (!(c >= 48 && c <= 57)) break;
      pid = pid * 10 + c - 48;
      p++;
    }
    if (p === start || line.charCodeAt(p) !== 93 /* ] */) return false;
    const pidEnd = p++;
    let colon = false;
    if (line.charCodeAt(p) === 58 /* : */) {
      p++;
      colon = true;
    }
    if ((p < line.length && !isSpace(line.charCodeAt(p))) || (!this.leadStamped && !colon)) return false;
    this.time = time;
    this.hostStart = this.leadHostStart;
    this.hostEnd = this.leadHostEnd;
    this.daemon = this.leadDaemon;
    this.daemonEnd = p;
    this.hasPid = true;
    this.pidStart = start;
    this.pidEnd = pidEnd;
    this.pid = pid;
    this.onLead = true;
    this.message = this.afterProgram(line, skipSpaces(line, p));
    return true;
  }

  /**
   * A program token: `name:`, `name[pid]:`, `name[pid]`, `[name]:`, `[name]`, `name(sub):`.
   * Without a time stamp only `name[pid]:` counts, so ordinary text is not taken for a log line.
   */
  private program(line: string, start: number, end: number, stamped: boolean): boolean {
    let p = start;
    let bracketed = false;
    const first = line.charCodeAt(p);
    if (first === 91 /* [ */ || first === 40 /* ( */) {
      bracketed = true;
      p++;
    }
    const nameStart = p;
    while (p < end) {
      const c = line.charCodeAt(p);
      if (c === 91 || c === 93 || c === 40 || c === 41 || c === 58) break;
      p++;
    }
    if (p === nameStart) return false;
    const nameEnd = p;
    if (line.charCodeAt(p) === 40 /* ( */) {
      const close = line.indexOf(')', p);
      if (close < 0 || close >= end) return false;
      p = close + 1;
    }
    let closed = false;
    if (bracketed) {
      const c = line.charCodeAt(p);
      if (c !== 93 && c !== 41) return false;
      p++;
      closed = true;
    }
    let pid = false;
    const pidStart = p + 1;
    if (line.charCodeAt(p) === 91 /* [ */) {
      let q = pidStart;
      while (q < end && isDigitCode(line.charCodeAt(q))) q++;
      if (q === pidStart || line.charCodeAt(q) !== 93) return false;
      p = q + 1;
      pid = true;
    }
    const pidEnd = p - 1;
    let pidValue = 0;
    if (pid) for (let i = pidStart; i < pidEnd && i < pidStart + 8; i++) pidValue = pidValue * 10 + line.charCodeAt(i) - 48;
    let colon = false;
    if (line.charCodeAt(p) === 58 /* : */) {
      p++;
      colon = true;
    }
    if (p !== end) return false;
    if (!stamped && !(pid && colon)) return false;
    if (!colon && !pid && !closed) return false;
    // The name is kept from line to line: copied only when it changes.
    const daemon = line.slice(nameStart, nameEnd);
    if (daemon !== this.daemon) this.daemon = detached(daemon);
    this.daemonEnd = end;
    this.hasPid = pid;
    this.pidStart = pid ? pidStart : -1;
    this.pidEnd = pid ? pidEnd : -1;
    this.pid = pidValue;
    this.nameStart = nameStart;
    this.nameEnd = nameEnd;
    return true;
  }

  /**
   * Reads a line that differs from the lead in the seconds of its time stamp only, as most of
   * those that differ do; it becomes the lead. The time is the lead's moved by the seconds, as
   * the clock would read it.
   */
  private readNextSecond(line: string): boolean {
    const at = this.leadSecondAt;
    const tens = line.charCodeAt(at) - 48;
    const ones = line.charCodeAt(at + 1) - 48;
    if (!(tens >= 0 && tens <= 6 && ones >= 0 && ones <= 9)) return false;
    const second = tens * 10 + ones;
    const length = this.lead.length;
    if (second > 60 || line.slice(at + 2, length) !== this.leadTail || line.slice(0, at) !== this.leadHead) return false;
    const time = (this.leadTime as number) + (second - this.leadSecond) * 1000;
    if (!this.readAfterLead(line, length, time)) return false;
    this.lead = detached(line.slice(0, length));
    this.leadTime = time;
    this.leadSecond = second;
    return true;
  }

  /** Skips a kernel time (`kernel:[ 970.69]:`, `kernel: [ 970.69]`) and Solaris' `[ID 800047 auth.info]`. */
  private afterProgram(line: string, p: number): number {
    if (line.charCodeAt(p) === 107 /* k */ && line.startsWith('kernel:', p)) {
      let q = skipSpaces(line, p + 7);
      if (line.charCodeAt(q) === 91) {
        const close = line.indexOf(']', q);
        if (close > 0) {
          q = close + 1;
          if (line.charCodeAt(q) === 58) q++;
          p = skipSpaces(line, q);
        }
      }
    }
    if (line.charCodeAt(p) === 91 /* [ */ && line.startsWith('[ID ', p)) {
      const close = line.indexOf(']', p);
      if (close > 0) p = skipSpaces(line, close + 1);
    }
    if (line.charCodeAt(p) === 64 /* @ */ && line.startsWith('@vserver_', p)) p = skipSpaces(line, tokenEnd(line, p));
    return p;
  }

  /** `<pri>1 TIMESTAMP HOST APP PROCID MSGID [SD…]|- MSG`. */
  private rfc5424(line: string, p: number): boolean {
    if (line.charCodeAt(p) === 45 /* - */) {
      p++;
    } else {
      const iso = readIsoStamp(line, p);
      if (iso === null) return false;
      this.time = iso.time;
      p = iso.end;
    }
    p = skipSpaces(line, p);
    const hostEnd = tokenEnd(line, p);
    this.hostStart = p;
    this.hostEnd = hostEnd;
    const app = skipSpaces(line, hostEnd);
    const appEnd = tokenEnd(line, app);
    const proc = skipSpaces(line, appEnd);
    const procEnd = tokenEnd(line, proc);
    const msgid = skipSpaces(line, procEnd);
    const msgidEnd = tokenEnd(line, msgid);
    if (appEnd === app || procEnd === proc || msgidEnd === msgid) return false;
    this.daemon = detached(line.slice(app, appEnd));
    this.hasPid = line.charCodeAt(proc) !== 45;
    this.pidStart = this.pidEnd = -1;
    this.daemonEnd = procEnd;
    let q = skipSpaces(line, msgidEnd);
    if (line.charCodeAt(q) === 45) {
      q++;
    } else {
      // Structured data: [id key="value" …]…, values may hold escaped \] and brackets inside quotes.
      while (line.charCodeAt(q) === 91) {
        let inQuote = false;
        q++;
        while (q < line.length) {
          const c = line.charCodeAt(q);
          if (c === 92 /* \ */) {
            q += 2;
            continue;
          }
          if (c === 34) inQuote = !inQuote;
          else if (c === 93 && !inQuote) break;
          q++;
        }
        q++;
      }
    }
    this.message = this.afterProgram(line, skipSpaces(line, q));
    return true;
  }
}
