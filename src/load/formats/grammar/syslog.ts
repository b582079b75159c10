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
import type { TimeZone } from '../../../time-zone';
import { SyslogClock, readIsoStamp } from './time';
import { PrefixLead } from './syslog-lead';
import { messageStart, readProgram, readRfc5424, type SyslogPrefix } from './syslog-program';
import { isDigitCode, isSpace, skipSpace, tokenEnd } from './tokens';

const SPACE = 32;

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
 * Reads line prefixes; after a successful `read`, the fields (see `SyslogPrefix`) describe the
 * line. One instance per file: it holds the file's syslog clock (year from the file's modification time).
 */
export class SyslogPrefixReader implements SyslogPrefix {
  time: number | null = null;
  hostStart = 0;
  hostEnd = 0;
  daemon = '';
  daemonEnd = 0;
  hasPid = false;
  message = 0;
  pidStart = -1;
  pidEnd = -1;
  pid = 0;
  nameStart = 0;
  nameEnd = 0;
  private readonly clock: SyslogClock;
  readonly timeZone: TimeZone;
  private readonly lead = new PrefixLead();
  /** True when the last line read starts with the lead. */
  private onLead = false;
  /** `host name[` texts numbered for `connectionKey`. */
  private readonly stems: string[] = [];

  /** `mtime`: epoch ms syslog times take their year from (see `SyslogClock`); `zone`: the zone of times without an offset. */
  constructor(mtime: number | null, zone: TimeZone) {
    this.clock = new SyslogClock(mtime, zone);
    this.timeZone = zone;
  }

  /**
   * The host and program part, `host sshd[123]`: identifies one sshd process (fail2ban's "mlfid").
   * A module's name after the program's (`sshd(pam_unix)[123]`, PAM in sshd's process) is left out.
   */
  connection(line: string): string {
    if (this.hasModule()) return line.slice(this.hostStart, this.nameEnd) + line.slice(this.pidStart - 1, this.daemonEnd);
    return line.slice(this.hostStart, this.daemonEnd);
  }

  /** The program token names a module between the program and its pid (`sshd(pam_unix)[123]`); a lead never does. */
  private hasModule(): boolean {
    return !this.onLead && this.pidStart > this.nameEnd + 1;
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
    let stem = this.onLead ? this.lead.stem : -1;
    if (stem < 0) {
      stem = this.stemOf(line);
      if (stem < 0) return this.connection(line);
      if (this.onLead) this.lead.stem = stem;
    }
    // `name[pid]:` and `name[pid]` are different texts.
    const colon = this.daemonEnd > pidEnd + 1 ? 1 : 0;
    return ((stem << 1) | colon) * PID_LIMIT + this.pid;
  }

  /** The number of the line's `host name[`, numbering it when new; -1 when all numbers are taken. */
  private stemOf(line: string): number {
    const hostStart = this.hostStart;
    const stems = this.stems;
    const stem = this.hasModule() ? `${line.slice(hostStart, this.nameEnd)}[` : line.slice(hostStart, this.pidStart);
    for (let i = 0; i < stems.length; i++) if (stems[i] === stem) return i;
    if (stems.length >= CONNECTION_STEMS) return -1;
    stems.push(detached(stem));
    return stems.length - 1;
  }

  /** Reads the prefix of `line`; false when it has none of the shapes above. */
  read(line: string): boolean {
    const lead = this.lead;
    const text = lead.text;
    if (text.length > 0) {
      // (A slice compared with `===` costs less than `startsWith` with a text that is not a literal.)
      if (line.slice(0, text.length) === text ? lead.readAfter(this, line, text.length, lead.time) : lead.secondAt >= 0 && lead.readNextSecond(this, line)) {
        this.onLead = true;
        return true;
      }
    }
    this.onLead = false;
    let p = skipSpace(line, 0);
    if (p >= line.length) return false;
    this.time = null;
    let c = line.charCodeAt(p);
    if (c === 60 /* < */) {
      const close = line.indexOf('>', p);
      if (close < 0 || close - p > 4) return false;
      p = close + 1;
      if (line.charCodeAt(p) === 49 /* 1 */ && line.charCodeAt(p + 1) === SPACE) return readRfc5424(this, line, p + 2);
      c = line.charCodeAt(p);
    }
    let stamped = false;
    let secondAt = -1;
    if (isDigitCode(c)) {
      const iso = readIsoStamp(line, p, this.timeZone);
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
      p = skipSpace(line, p);
      // BSD verbose `<auth.info>`.
      if (line.charCodeAt(p) === 60) {
        keepLead = false;
        const close = line.indexOf('>', p);
        if (close > 0 && line.indexOf('.', p) < close) p = skipSpace(line, close + 1);
      }
    }
    // Host, then program; or the program alone.
    const firstEnd = tokenEnd(line, p);
    if (firstEnd === p) return false;
    let programStart = p;
    if (readProgram(this, line, p, firstEnd, stamped)) {
      this.hostStart = this.hostEnd = p;
    } else {
      const next = skipSpace(line, firstEnd);
      const secondEnd = tokenEnd(line, next);
      if (secondEnd === next || !readProgram(this, line, next, secondEnd, stamped)) return false;
      this.hostStart = p;
      this.hostEnd = firstEnd;
      programStart = next;
    }
    this.message = messageStart(line, skipSpace(line, this.daemonEnd));
    // Every character looked at before the pid lies in the lead, but for a `<…>` after the time.
    if (keepLead && this.pidStart === this.nameEnd + 1 && this.nameStart === programStart) {
      lead.keep(this, line, stamped, secondAt);
      this.onLead = true;
    }
    return true;
  }
}
