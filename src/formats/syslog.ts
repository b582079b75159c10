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

  constructor(mtime: number | null) {
    this.clock = new SyslogClock(mtime);
  }

  /** The host and program part, `host sshd[123]`: identifies one sshd process (fail2ban's "mlfid"). */
  connection(line: string): string {
    return line.slice(this.hostStart, this.daemonEnd);
  }

  /** Reads the prefix of `line`; false when it has none of the shapes above. */
  read(line: string): boolean {
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
        p = end;
        stamped = true;
      }
    }
    if (stamped) {
      if (!isSpace(line.charCodeAt(p))) return false;
      p = skipSpaces(line, p);
      // BSD verbose `<auth.info>`.
      if (line.charCodeAt(p) === 60) {
        const close = line.indexOf('>', p);
        if (close > 0 && line.indexOf('.', p) < close) p = skipSpaces(line, close + 1);
      }
    }
    // Host, then program; or the program alone.
    const firstEnd = tokenEnd(line, p);
    if (firstEnd === p) return false;
    if (this.program(line, p, firstEnd, stamped)) {
      this.hostStart = this.hostEnd = p;
    } else {
      const next = skipSpaces(line, firstEnd);
      const secondEnd = tokenEnd(line, next);
      if (secondEnd === next || !this.program(line, next, secondEnd, stamped)) return false;
      this.hostStart = p;
      this.hostEnd = firstEnd;
    }
    this.message = this.afterProgram(line, skipSpaces(line, this.daemonEnd));
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
    if (line.charCodeAt(p) === 91 /* [ */) {
      let q = p + 1;
      while (q < end && isDigitCode(line.charCodeAt(q))) q++;
      if (q === p + 1 || line.charCodeAt(q) !== 93) return false;
      p = q + 1;
      pid = true;
    }
    let colon = false;
    if (line.charCodeAt(p) === 58 /* : */) {
      p++;
      colon = true;
    }
    if (p !== end) return false;
    if (!stamped && !(pid && colon)) return false;
    if (!colon && !pid && !closed) return false;
    this.daemon = line.slice(nameStart, nameEnd);
    this.daemonEnd = end;
    this.hasPid = pid;
    return true;
  }

  /** Skips a kernel time (`kernel:[ 970.69]:`, `kernel: [ 970.69]`) and Solaris' `[ID 800047 auth.info]`. */
  private afterProgram(line: string, p: number): number {
    if (line.startsWith('kernel:', p)) {
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
    if (line.startsWith('[ID ', p)) {
      const close = line.indexOf(']', p);
      if (close > 0) p = skipSpaces(line, close + 1);
    }
    if (line.startsWith('@vserver_', p)) p = skipSpaces(line, tokenEnd(line, p));
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
    this.daemon = line.slice(app, appEnd);
    this.hasPid = line.charCodeAt(proc) !== 45;
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
