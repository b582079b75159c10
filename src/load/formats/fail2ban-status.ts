import type { InputReport } from '../../types';
import { BLANK_LINE, type Emit, type FormatParser, type LineParser, type LineResult, RejectedTokens } from './parser';

/**
 * `fail2ban-client status <jail>` output, one or several jails per file.
 *
 * 0.9+ (a copy-paste may have turned the tabs after the colons into spaces):
 * ```
 * Status for the jail: sshd
 * |- Filter
 * |  |- Currently failed:	3
 * |  `- File list:	/var/log/auth.log
 * `- Actions
 *    |- Currently banned:	2
 *    `- Banned IP list:	192.0.2.1 2001:db8::5
 * ```
 * 0.8 nests `|  `- IP list:	1.2.3.4 5.6.7.8 ` (trailing space) under `` `- action ``.
 * `fail2ban-client status --all` (1.1) nests every jail under `` `- Status for the jails: ``,
 * each opened by `|- Jail: sshd`.
 *
 * Every address on the list line is an event of kind `listed` for the jail named by the
 * last `Status for the jail:` line, time unknown. Tokens on the list line that are not
 * addresses are counted in the report's `rejected_tokens`.
 */

export const STATUS_HEADER = 'status header';
export const STATUS_FIELD = 'status field';
export const EMPTY_BAN_LIST = 'empty ban list';
export const NO_ADDRESS_IN_LIST = 'no address in ban list';
export const NOT_A_STATUS_LINE = 'not a status line';

const JAIL_HEADER = /^\s*Status for the jail:\s*(.*?)\s*$/;
/** The tree drawing at the start of a field line: `|- `, `|  `- `, `   |  |- `. */
const TREE_PREFIX = /^[\s|`-]*/;
const LIST_FIELD = /^(?:Banned )?IP list:/i;
/** `|- Jail: sshd` inside `status --all`. */
const NESTED_JAIL = /^Jail:\s*(.*?)\s*$/;
const TOKEN_SEPARATOR = /[\s,]+/;

class StatusParser implements LineParser {
  private jail: string | null = null;
  private readonly rejected = new RejectedTokens();

  parseLine(line: string, _lineNo: number, emit: Emit): LineResult {
    const header = JAIL_HEADER.exec(line);
    if (header) {
      this.jail = header[1] || null;
      return STATUS_HEADER;
    }
    const body = line.replace(TREE_PREFIX, '');
    if (body.length === 0) return line.trim().length === 0 ? BLANK_LINE : STATUS_FIELD;
    const nested = NESTED_JAIL.exec(body);
    if (nested) {
      this.jail = nested[1] || null;
      return STATUS_HEADER;
    }
    const list = LIST_FIELD.exec(body);
    if (list) return this.parseList(body.slice(list[0].length), emit);
    if (body.trim() === 'Status' || /^Status for the jails:\s*$/.test(body)) return STATUS_HEADER;
    // `Filter`, `Actions`, `filter`, `action`, `Currently failed:	3`, `File list:	/var/log/auth.log`, …
    if (body.includes(':') || /^(?:filter|actions?)\s*$/i.test(body)) return STATUS_FIELD;
    return NOT_A_STATUS_LINE;
  }

  private parseList(rest: string, emit: Emit): LineResult {
    const text = rest.trim();
    if (text.length === 0) return EMPTY_BAN_LIST;
    let listed = 0;
    for (const token of text.split(TOKEN_SEPARATOR)) {
      if (token.length === 0) continue;
      if (emit(token, 'listed', null, this.jail)) {
        listed++;
      } else {
        this.rejected.add(token);
      }
    }
    return listed > 0 ? listed : NO_ADDRESS_IN_LIST;
  }

  finish(report: InputReport): void {
    this.rejected.report(report);
  }
}

export const fail2banStatus: FormatParser = {
  format: 'fail2ban-status',
  detect(lines) {
    return lines.some(
      (line) =>
        JAIL_HEADER.test(line) ||
        /^\s*[|`]-\s*Number of jails:/.test(line) ||
        (/^\s*[|`]/.test(line) && LIST_FIELD.test(line.replace(TREE_PREFIX, ''))),
    );
  },
  begin() {
    return new StatusParser();
  },
};
