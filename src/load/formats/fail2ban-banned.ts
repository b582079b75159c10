import { looksLikeHostname } from '../../locate/address';
import type { InputReport } from '../../types';
import { BLANK_LINE, HOSTNAME, NOT_AN_ADDRESS, isBlank, type Emit, type FormatParser, type LineParser, type LineResult, RejectedTokens } from './parser';

/**
 * `fail2ban-client banned`: the Python repr of a list of one-jail dictionaries, on one line or
 * spread over several (pretty-printed or wrapped), with single or double quotes:
 * ```
 * [{'sshd': ['192.0.2.1', '2001:db8::5']}, {'recidive': []}]
 * ```
 * Every address is an event of kind `listed` for its jail, time unknown. Strings that are not
 * addresses are counted in the report's `rejected_tokens`.
 */

export const JAIL_NAMES = 'jail names only';
export const LIST_PUNCTUATION = 'list punctuation only';
export const NOT_A_LIST = 'not part of the banned list';

class BannedParser implements LineParser {
  /** Open brackets and braces. */
  private readonly stack: number[] = [];
  /** Inside a dictionary, before its key's colon. */
  private expectKey = false;
  private jail: string | null = null;
  private ended = false;
  private readonly rejected = new RejectedTokens();

  parseLine(line: string, _lineNo: number, emit: Emit): LineResult {
    if (isBlank(line)) return BLANK_LINE;
    if (this.ended) return NOT_A_LIST;
    let listed = 0;
    let keys = 0;
    let strings = 0;
    let hostnames = 0;
    const n = line.length;
    for (let i = 0; i < n; i++) {
      const c = line.charCodeAt(i);
      if (c === 39 /* ' */ || c === 34 /* " */) {
        let j = i + 1;
        let text = '';
        while (j < n && line.charCodeAt(j) !== c) {
          if (line.charCodeAt(j) === 92 /* \ */ && j + 1 < n) {
            text += line[j + 1];
            j += 2;
          } else {
            text += line[j++];
          }
        }
        i = j;
        strings++;
        const top = this.stack[this.stack.length - 1];
        if (top === 123 /* { */ && this.expectKey) {
          this.jail = text;
          keys++;
        } else if (emit(text, 'listed', null, this.jail)) {
          listed++;
        } else {
          this.rejected.add(text.slice(0, 60));
          if (looksLikeHostname(text)) hostnames++;
        }
      } else if (c === 91 /* [ */ || c === 123 /* { */) {
        this.stack.push(c);
        if (c === 123) this.expectKey = true;
      } else if (c === 93 /* ] */ || c === 125 /* } */) {
        this.stack.pop();
        if (c === 125) this.jail = null;
        this.expectKey = false;
        if (this.stack.length === 0) this.ended = true;
      } else if (c === 58 /* : */) {
        this.expectKey = false;
      } else if (c === 44 /* , */) {
        if (this.stack[this.stack.length - 1] === 123) this.expectKey = true;
      }
    }
    if (listed > 0) return listed;
    if (strings > keys) return hostnames === strings - keys ? HOSTNAME : NOT_AN_ADDRESS;
    return keys > 0 ? JAIL_NAMES : LIST_PUNCTUATION;
  }

  finish(report: InputReport): void {
    this.rejected.report(report);
  }
}

export const fail2banBanned: FormatParser = {
  format: 'fail2ban-banned',
  /** The text starts with `[{'` or `[{"` (spaces and line breaks aside), or is `[]`. */
  detect(lines) {
    const start = lines.slice(0, 5).join('').replace(/\s+/g, '');
    return /^\[\{['"]/.test(start) || start === '[]';
  },
  begin() {
    return new BannedParser();
  },
};
