/** The program part of a syslog line prefix (`sshd[123]:`), what comes between it and the message, and RFC 5424's prefix. */
import { detached } from '../../detached';
import type { TimeZone } from '../../../time-zone';
import { readIsoStamp } from './time';
import { isDigitCode, skipSpace, tokenEnd } from './tokens';

/** What reading a prefix finds (see `SyslogPrefixReader`, whose fields these are). */
export interface SyslogPrefix {
  /** The zone of times without an offset. */
  readonly timeZone: TimeZone;
  /** Epoch ms of the line's time, or null when the line has none. */
  time: number | null;
  /** Start and end of the host name, equal when there is none. */
  hostStart: number;
  hostEnd: number;
  /** The program name, without brackets or pid: `sshd`, `sshd-session`, `fail2ban.actions`, `CRON`. */
  daemon: string;
  /** Where the program token ends (after its pid and colon). */
  daemonEnd: number;
  /** True when the program token carried a pid (`sshd[123]:`). */
  hasPid: boolean;
  /** Where the message starts. */
  message: number;
  /** Where the digits of the pid in `name[pid]` start and end, -1 when the program token has none; their value. */
  pidStart: number;
  pidEnd: number;
  pid: number;
  /** Where the program name of the last program token read starts and ends. */
  nameStart: number;
  nameEnd: number;
}

/**
 * A program token: `name:`, `name[pid]:`, `name[pid]`, `[name]:`, `[name]`, `name(sub):`.
 * Without a time stamp only `name[pid]:` counts, so ordinary text is not taken for a log line.
 */
export function readProgram(out: SyslogPrefix, line: string, start: number, end: number, stamped: boolean): boolean {
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
  if (daemon !== out.daemon) out.daemon = detached(daemon);
  out.daemonEnd = end;
  out.hasPid = pid;
  out.pidStart = pid ? pidStart : -1;
  out.pidEnd = pid ? pidEnd : -1;
  out.pid = pidValue;
  out.nameStart = nameStart;
  out.nameEnd = nameEnd;
  return true;
}

/** Skips a kernel time (`kernel:[ 970.69]:`, `kernel: [ 970.69]`) and Solaris' `[ID 800047 auth.info]`. */
export function messageStart(line: string, p: number): number {
  if (line.charCodeAt(p) === 107 /* k */ && line.startsWith('kernel:', p)) {
    let q = skipSpace(line, p + 7);
    if (line.charCodeAt(q) === 91) {
      const close = line.indexOf(']', q);
      if (close > 0) {
        q = close + 1;
        if (line.charCodeAt(q) === 58) q++;
        p = skipSpace(line, q);
      }
    }
  }
  if (line.charCodeAt(p) === 91 /* [ */ && line.startsWith('[ID ', p)) {
    const close = line.indexOf(']', p);
    if (close > 0) p = skipSpace(line, close + 1);
  }
  if (line.charCodeAt(p) === 64 /* @ */ && line.startsWith('@vserver_', p)) p = skipSpace(line, tokenEnd(line, p));
  return p;
}

/** `<pri>1 TIMESTAMP HOST APP PROCID MSGID [SD…]|- MSG`. */
export function readRfc5424(out: SyslogPrefix, line: string, p: number): boolean {
  if (line.charCodeAt(p) === 45 /* - */) {
    p++;
  } else {
    const iso = readIsoStamp(line, p, out.timeZone);
    if (iso === null) return false;
    out.time = iso.time;
    p = iso.end;
  }
  p = skipSpace(line, p);
  const hostEnd = tokenEnd(line, p);
  out.hostStart = p;
  out.hostEnd = hostEnd;
  const app = skipSpace(line, hostEnd);
  const appEnd = tokenEnd(line, app);
  const proc = skipSpace(line, appEnd);
  const procEnd = tokenEnd(line, proc);
  const msgid = skipSpace(line, procEnd);
  const msgidEnd = tokenEnd(line, msgid);
  if (appEnd === app || procEnd === proc || msgidEnd === msgid) return false;
  out.daemon = detached(line.slice(app, appEnd));
  out.hasPid = line.charCodeAt(proc) !== 45;
  out.pidStart = out.pidEnd = -1;
  out.daemonEnd = procEnd;
  let q = skipSpace(line, msgidEnd);
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
  out.message = messageStart(line, skipSpace(line, q));
  return true;
}
