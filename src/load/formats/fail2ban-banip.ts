import { looksLikeHostname, normaliseAddress } from '../../locate/address';
import type { InputReport } from '../../types';
import { BLANK_LINE, COMMENT, HOSTNAME, NOT_AN_ADDRESS, NULL_CONTEXT, isBlank, type Emit, type FormatParser, type LineParser, type LineResult, RejectedTokens } from './parser';
import type { TimeZone } from '../../time-zone';

/**
 * `fail2ban-client get <jail> banip`, in its three shapes:
 * ```
 * 192.0.2.1 198.51.100.7 2001:db8::5                          (default: spaces)
 * 192.0.2.1,198.51.100.7                                      (get sshd banip ,  — any separator)
 * 192.0.2.1 	2026-10-01 12:00:00 + 600 = 2026-10-01 12:10:00   (--with-time: one per line)
 * 192.0.2.9 	2026-10-01 12:00:00 + -1 = 9999-12-31 23:59:59    (a permanent ban)
 * ```
 * Without times every address is an event of kind `listed`; with `--with-time` it is a `ban`
 * at the ban time (wall clock in the run's time zone, `ParseContext.timeZone`). The jail is not in the output: null.
 * Separators: whitespace, `,`, `;` and `|`. Words that are not addresses are counted in the
 * report's `rejected_tokens`.
 */

export const NO_ADDRESS_ON_LINE = 'no address on line';
const WITH_TIME = /^\s*(\S+)\s+(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) \+ (-?\d+) = \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s*$/;
const SEPARATORS = /[\s,;|]+/;

class BanipParser implements LineParser {
  private readonly rejected = new RejectedTokens();

  constructor(private readonly zone: TimeZone) {}

  parseLine(line: string, _lineNo: number, emit: Emit): LineResult {
    if (isBlank(line)) return BLANK_LINE;
    if (line.trimStart().startsWith('#')) return COMMENT;
    const timed = WITH_TIME.exec(line);
    if (timed) {
      const [, ip, y, mo, d, h, mi, s] = timed;
      const time = this.zone.wallClockToEpoch(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), 0);
      if (emit(ip, 'ban', Number.isNaN(time) ? null : time, null)) return 1;
      this.reject(ip);
      return looksLikeHostname(ip) ? HOSTNAME : NOT_AN_ADDRESS;
    }
    let listed = 0;
    let hostnames = 0;
    let words = 0;
    for (const token of line.split(SEPARATORS)) {
      if (token.length === 0) continue;
      words++;
      if (emit(token, 'listed', null, null)) {
        listed++;
      } else {
        this.reject(token);
        if (looksLikeHostname(token)) hostnames++;
      }
    }
    if (listed > 0) return listed;
    return hostnames > 0 && hostnames === words ? HOSTNAME : NO_ADDRESS_ON_LINE;
  }

  private reject(token: string): void {
    this.rejected.add(token.slice(0, 60));
  }

  finish(report: InputReport): void {
    this.rejected.report(report);
  }
}

export const fail2banBanip: FormatParser = {
  format: 'fail2ban-banip',
  /**
   * `--with-time` lines make at least half of the lines; or, without times, a line holds two
   * or more addresses and at least nine in ten of all words are addresses.
   */
  detect(lines) {
    let content = 0;
    let timed = 0;
    let words = 0;
    let addresses = 0;
    let several = false;
    for (const line of lines) {
      if (isBlank(line) || line.trimStart().startsWith('#')) continue;
      content++;
      if (WITH_TIME.test(line) && normaliseAddress(WITH_TIME.exec(line)![1]) !== null) {
        timed++;
        continue;
      }
      let onLine = 0;
      for (const token of line.split(SEPARATORS)) {
        if (token.length === 0) continue;
        words++;
        if (normaliseAddress(token) !== null) {
          addresses++;
          onLine++;
        }
      }
      if (onLine >= 2) several = true;
    }
    if (content === 0) return false;
    if (timed > 0 && timed * 2 >= content) return true;
    return several && addresses * 10 >= words * 9;
  },
  begin(context = NULL_CONTEXT) {
    return new BanipParser(context.timeZone);
  },
};
