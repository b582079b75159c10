import { looksLikeHostname, normaliseAddress } from '../../locate/address';
import { BLANK_LINE, COMMENT, HOSTNAME, NOT_AN_ADDRESS, type Emit, type FormatParser, type LineParser, type LineResult } from './parser';

/**
 * A plain list of addresses, one per line, with `#` comments (whole-line or trailing) and
 * blank lines. Only the first whitespace-separated word of a line is read, so
 * `203.0.113.5  sshd` counts too (detection, though, wants addresses alone on their lines). Each address is an event of kind `listed`, no time, no jail.
 */

export { COMMENT, HOSTNAME };
export const NETWORK_RANGE = 'network range, not an address';

/** The address word of a line, or '' when the line is blank or a comment. */
function addressWord(line: string): string {
  const hash = line.indexOf('#');
  const text = (hash >= 0 ? line.slice(0, hash) : line).trim();
  if (text.length === 0) return '';
  const space = text.search(/\s/);
  return space < 0 ? text : text.slice(0, space);
}

class IpListParser implements LineParser {
  parseLine(line: string, _lineNo: number, emit: Emit): LineResult {
    const word = addressWord(line);
    if (word.length === 0) return line.includes('#') ? COMMENT : BLANK_LINE;
    if (emit(word, 'listed', null, null)) return 1;
    if (looksLikeHostname(word)) return HOSTNAME;
    if (/^[0-9a-f:.]+\/\d{1,3}$/i.test(word)) return NETWORK_RANGE;
    return NOT_AN_ADDRESS;
  }
}

export const ipList: FormatParser = {
  format: 'ip-list',
  /**
   * At least one line, and at least half of the lines that are not blank or comments, hold
   * an address alone (so a web server log, whose lines start with an address, is not a list).
   */
  detect(lines) {
    let content = 0;
    let addresses = 0;
    for (const line of lines) {
      const word = addressWord(line);
      if (word.length === 0) continue;
      content++;
      const hash = line.indexOf('#');
      const alone = (hash >= 0 ? line.slice(0, hash) : line).trim() === word;
      if (alone && normaliseAddress(word) !== null) addresses++;
    }
    return addresses > 0 && addresses * 2 >= content;
  },
  begin() {
    return new IpListParser();
  },
};
