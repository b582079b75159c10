/**
 * The text of a line before its pid, `Jun 21 16:47:48 host sshd[`, and what was read from it:
 * most lines repeat the line before up to there, and then only the pid is read. What is read
 * from that text (the time, where the host is, the program name) depends on it alone.
 */
import { detached } from '../../detached';
import { messageStart, type SyslogPrefix } from './syslog-program';
import { isSpace, skipSpace } from './tokens';

export class PrefixLead {
  text = '';
  time: number | null = null;
  stamped = false;
  hostStart = 0;
  hostEnd = 0;
  daemon = '';
  /** Where the seconds of the lead's time stamp are (-1 when it does not end with them), their value, and the text around them. */
  secondAt = -1;
  second = 0;
  head = '';
  tail = '';
  /** The number of the lead's `host name[` in the reader's stems, -1 until asked. */
  stem = -1;

  /**
   * Takes the text of `line` before its pid as the lead for the lines after it; `secondAt` is
   * where the seconds of its time stamp are when the stamp ends with them, else -1.
   */
  keep(out: SyslogPrefix, line: string, stamped: boolean, secondAt: number): void {
    const length = out.pidStart;
    const lead = line.slice(0, length);
    if (lead !== this.text) {
      this.text = detached(lead);
      this.stem = -1;
    }
    this.secondAt = secondAt;
    if (secondAt >= 0) {
      this.second = (line.charCodeAt(secondAt) - 48) * 10 + line.charCodeAt(secondAt + 1) - 48;
      const head = line.slice(0, secondAt);
      if (head !== this.head) this.head = detached(head);
      const tail = line.slice(secondAt + 2, length);
      if (tail !== this.tail) this.tail = detached(tail);
    }
    this.time = out.time;
    this.stamped = stamped;
    this.hostStart = out.hostStart;
    this.hostEnd = out.hostEnd;
    this.daemon = out.daemon;
  }

  /**
   * Reads the rest of a line that starts with the lead: the pid, `]`, an optional colon and the
   * end of the token, as `program` does. False when it is not that; the line is then read whole.
   */
  readAfter(out: SyslogPrefix, line: string, start: number, time: number | null): boolean {
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
    if ((p < line.length && !isSpace(line.charCodeAt(p))) || (!this.stamped && !colon)) return false;
    out.time = time;
    out.hostStart = this.hostStart;
    out.hostEnd = this.hostEnd;
    out.daemon = this.daemon;
    out.daemonEnd = p;
    out.hasPid = true;
    out.pidStart = start;
    out.pidEnd = pidEnd;
    out.pid = pid;
    out.message = messageStart(line, skipSpace(line, p));
    return true;
  }

  /**
   * Reads a line that differs from the lead in the seconds of its time stamp only, as most of
   * those that differ do; it becomes the lead. The time is the lead's moved by the seconds, as
   * the clock would read it.
   */
  readNextSecond(out: SyslogPrefix, line: string): boolean {
    const at = this.secondAt;
    const tens = line.charCodeAt(at) - 48;
    const ones = line.charCodeAt(at + 1) - 48;
    if (!(tens >= 0 && tens <= 6 && ones >= 0 && ones <= 9)) return false;
    const second = tens * 10 + ones;
    const length = this.text.length;
    if (second > 60 || line.slice(at + 2, length) !== this.tail || line.slice(0, at) !== this.head) return false;
    const time = (this.time as number) + (second - this.second) * 1000;
    if (!this.readAfter(out, line, length, time)) return false;
    this.text = detached(line.slice(0, length));
    this.time = time;
    this.second = second;
    return true;
  }
}
