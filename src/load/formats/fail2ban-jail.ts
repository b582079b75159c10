import { looksLikeHostname } from '../../locate/address';
import type { InputReport } from '../../types';
import { BLANK_LINE, COMMENT, NULL_CONTEXT, SETTING_RECORD, isBlank, whyNotAnAddress, type FormatParser, type LineParser, type LineResult, type ParseContext } from './parser';

/**
 * fail2ban's jail settings: `jail.conf`, `jail.local` and `jail.d/*.conf`, read for the one setting
 * that says which addresses are the user's own, `ignoreip`:
 * ```
 * [DEFAULT]
 * ignoreip = 127.0.0.1/8 ::1
 *            192.0.2.10 198.51.100.0/24   ; the office
 *            admin.example.com
 * [sshd]
 * enabled = true
 * ```
 * Lines are read as fail2ban's parser (Python's configparser) reads them: `[section]` headers,
 * `key = value` (or `key: value`), values continued on indented lines, `#` and `;` comment
 * lines, a `;` after a space starting a comment within a value (BotMap takes a `#` after a space
 * the same way: fail2ban would look the words after it up as host names, which finds nothing).
 * Entries are separated by spaces or commas. Each `ignoreip` line naming an address or a network
 * is a record (a setting, no event); a host name is not resolved: a line of host names only is
 * skipped as "hostname, not an address", and each one is named in a warning. An `ignoreip` in a
 * jail's section trusts its addresses everywhere, as one in `[DEFAULT]` does (see the README).
 */

export const SECTION_HEADER = 'section header';
export const OTHER_SETTING = 'setting other than ignoreip';
export const EMPTY_IGNOREIP = 'ignoreip without an address on this line';
export const NOT_A_SETTING = 'not a jail setting';

const SECTION = /^\[([^\]]+)\]\s*(?:[#;].*)?$/;
const SETTING = /^([^\s=:[#;][^=:]*?)\s*[=:]\s*(.*)$/;
/** The settings of fail2ban's jails and of its `[INCLUDES]`, which detection looks for. */
const JAIL_KEYS = new Set([
  'ignoreip', 'ignoreself', 'ignorecommand', 'enabled', 'bantime', 'findtime', 'maxretry', 'port', 'filter', 'logpath', 'backend',
  'banaction', 'banaction_allports', 'action', 'usedns', 'logencoding', 'mode', 'before', 'after', 'bantime.increment', 'maxmatches', 'journalmatch',
]);

/** Where a value's comment begins (`;` or `#` after a space or tab), or its end. */
function valueEnd(value: string): number {
  const comment = /[ \t][;#]/.exec(value);
  return comment === null ? value.length : comment.index;
}

class JailParser implements LineParser {
  private section: string | null = null;
  /** The setting whose indented continuation lines may follow: 'ignoreip', another, or none. */
  private setting: 'ignoreip' | 'other' | null = null;
  private readonly hostnames: { name: string; line: number }[] = [];

  constructor(private readonly context: ParseContext) {}

  parseLine(line: string, lineNo: number): LineResult {
    if (isBlank(line)) return BLANK_LINE;
    const text = line.trim();
    if (text.startsWith('#') || text.startsWith(';')) return COMMENT;
    const indented = line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9;
    if (indented && this.setting !== null) return this.setting === 'ignoreip' ? this.entries(text, lineNo) : OTHER_SETTING;
    const section = SECTION.exec(text);
    if (section !== null) {
      this.section = section[1].trim();
      this.setting = null;
      return SECTION_HEADER;
    }
    const setting = SETTING.exec(text);
    if (setting === null) {
      this.setting = null;
      return NOT_A_SETTING;
    }
    if (setting[1].toLowerCase() !== 'ignoreip') {
      this.setting = 'other';
      return OTHER_SETTING;
    }
    this.setting = 'ignoreip';
    return this.entries(setting[2], lineNo);
  }

  /** The entries of an `ignoreip` value's line: each address or network trusted; host names kept for the warning. */
  private entries(value: string, lineNo: number): LineResult {
    const words = value.slice(0, valueEnd(value)).split(/[\s,]+/).filter(Boolean);
    let trusted = 0;
    let firstRejected: string | null = null;
    for (const word of words) {
      if (this.context.trust(word, this.section, lineNo)) {
        trusted++;
        continue;
      }
      firstRejected ??= word;
      if (looksLikeHostname(word) && this.hostnames.length < 100) this.hostnames.push({ name: word, line: lineNo });
    }
    if (trusted > 0) return SETTING_RECORD;
    return firstRejected === null ? EMPTY_IGNOREIP : whyNotAnAddress(firstRejected);
  }

  finish(report: InputReport): void {
    if (this.hostnames.length === 0) return;
    const named = this.hostnames.map((h) => `${h.name} (line ${h.line})`).join(', ');
    const warning = `${report.file}: ignoreip names ${this.hostnames.length === 1 ? 'a host' : 'hosts'}, not trusted (BotMap does not look names up; give ${this.hostnames.length === 1 ? 'its address' : 'their addresses'} in BOTMAP_TRUSTED): ${named}.`;
    report.warnings = [...(report.warnings ?? []), warning];
  }
}

/** True for a line a jail file can hold: blank, a comment, a section header, a setting or a value's continuation. */
function jailShaped(line: string): boolean {
  const text = line.trim();
  return text.length === 0 || text.startsWith('#') || text.startsWith(';') || SECTION.test(text) || SETTING.test(text) || /^[ \t]/.test(line);
}

export const fail2banJail: FormatParser = {
  format: 'fail2ban-jail',
  /**
   * Every line is shaped as in a jail file, and a `[section]` header comes with a setting
   * fail2ban's jails have (`ignoreip`, `bantime`, `enabled`, …), or the lines are comments that
   * name `jail.conf`, `jail.local` or `jail.d` (the long header of fail2ban's own `jail.conf`).
   */
  detect(lines) {
    if (!lines.every(jailShaped)) return false;
    const section = lines.some((line) => SECTION.test(line.trim()));
    const jailKey = lines.some((line) => {
      const setting = SETTING.exec(line.trim());
      return setting !== null && /^[^ \t]/.test(line) && JAIL_KEYS.has(setting[1].toLowerCase());
    });
    if (section && jailKey) return true;
    return lines.every((line) => /^\s*[#;]/.test(line)) && lines.some((line) => /jail\.(?:conf|local|d)\b/.test(line));
  },
  begin(context = NULL_CONTEXT) {
    return new JailParser(context);
  },
};
