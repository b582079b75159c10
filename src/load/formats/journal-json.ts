import type { InputReport } from '../../types';
import type { SshdMode } from './grammar/sshd-modes';
import { SshdReader } from './auth-log';
import { Fail2banMessages, isFail2banDaemon } from './fail2ban-log';
import { BLANK_LINE, NULL_CONTEXT, isBlank, mostLines, type Emit, type FormatParser, type LineParser, type LineResult, type ParseContext } from './parser';
import { isSshd } from './grammar/syslog';

/**
 * `journalctl -o json` (one JSON object per line), e.g. `journalctl -u ssh -u fail2ban -o json`:
 * ```
 * {"__REALTIME_TIMESTAMP":"1790000000123456","_HOSTNAME":"web1","SYSLOG_IDENTIFIER":"sshd","_PID":"812","MESSAGE":"Failed password for root from 192.0.2.1 port 22 ssh2"}
 * ```
 * The time is `__REALTIME_TIMESTAMP` (µs since the epoch, exact). Entries of sshd
 * (`SYSLOG_IDENTIFIER` or `_COMM` `sshd`, `sshd-session`) are read as in auth-log, one
 * process being host + identifier + pid; entries of fail2ban as in fail2ban-log. `MESSAGE`
 * given as an array of bytes (journald's form for non-UTF-8 text) is decoded as UTF-8.
 */

export const NOT_JSON = 'not a JSON object';
export const NO_MESSAGE = 'journal entry without a message';
export const OTHER_PROGRAM = 'journal entry of another program';

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((b) => typeof b === 'number')) return Buffer.from(value as number[]).toString('utf8');
  return null;
}

class JournalJsonParser implements LineParser {
  private readonly sshd: SshdReader;
  private readonly fail2ban: Fail2banMessages;

  private readonly sshdMode: SshdMode;

  constructor(context: ParseContext) {
    this.sshdMode = context.sshdMode;
    this.sshd = new SshdReader(context);
    this.fail2ban = new Fail2banMessages(context);
  }

  parseLine(line: string, lineNo: number, emit: Emit): LineResult {
    if (isBlank(line)) return BLANK_LINE;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      return NOT_JSON;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return NOT_JSON;
    const e = entry as Record<string, unknown>;
    const message = text(e.MESSAGE);
    if (message === null) return NO_MESSAGE;
    const identifier = text(e.SYSLOG_IDENTIFIER) ?? text(e._COMM) ?? '';
    const micros = text(e.__REALTIME_TIMESTAMP);
    let time: number | null = null;
    if (micros !== null && /^\d{1,19}$/.test(micros)) time = Math.floor(Number(micros) / 1000);
    if (isSshd(identifier)) {
      const pid = text(e._PID) ?? text(e.SYSLOG_PID) ?? '';
      const host = text(e._HOSTNAME) ?? '';
      return this.sshd.read(message, 0, `${host} ${identifier}[${pid}]`, time, emit, lineNo);
    }
    if (isFail2banDaemon(identifier)) return this.fail2ban.readForwarded(message, 0, time, identifier, emit);
    return OTHER_PROGRAM;
  }

  finish(report: InputReport): void {
    if (this.fail2ban.ranges > 0) report.ranges = this.fail2ban.ranges;
    report.sshd_mode = this.sshdMode;
  }
}

export const journalJson: FormatParser = {
  format: 'journal-json',
  /** Most lines are JSON objects with a `MESSAGE` or `__REALTIME_TIMESTAMP` field. */
  detect(lines) {
    return mostLines(lines, (line) => {
      if (!line.trimStart().startsWith('{')) return false;
      try {
        const e = JSON.parse(line);
        return e !== null && typeof e === 'object' && ('MESSAGE' in e || '__REALTIME_TIMESTAMP' in e);
      } catch {
        return false;
      }
    });
  },
  begin(context = NULL_CONTEXT) {
    return new JournalJsonParser(context);
  },
};
