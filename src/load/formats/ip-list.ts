import { normaliseAddress } from '../../locate/address';
import { BLANK_LINE, COMMENT, mostLines, whyNotAnAddress, type Emit, type FormatParser, type LineParser, type LineResult } from './parser';

/**
 * A plain list of addresses, one per line, with `#` comments (whole-line or trailing) and
 * blank lines. Only the first whitespace-separated word of a line is read, so
 * `203.0.113.5  sshd` counts too (detection, though, wants addresses alone on their lines). Each address is an event of kind `listed`, no time, no jail.
 */

/** The line without its comment, trimmed. */
function uncommented(line: string): string {
  const hash = line.indexOf('#');
  return (hash >= 0 ? line.slice(0, hash) : line).trim();
}

/** The address word of a line, or '' when the line is blank or a comment. */
function addressWord(line: string): string {
  const text = uncommented(line);
  const space = text.search(/\s/);
  return space < 0 ? text : text.slice(0, space);
}

class IpListParser implements LineParser {
  parseLine(line: string, _lineNo: number, emit: Emit): LineResult {
    const word = addressWord(line);
    if (word.length === 0) return line.includes('#') ? COMMENT : BLANK_LINE;
    return emit(word, 'listed', null, null) ? 1 : whyNotAnAddress(word);
  }
}

export const ipList: FormatParser = {
  format: 'ip-list',
  /**
   * At least one line, and at least half of the lines that are not blank or comments, hold
   * an address alone (so a web server log, whose lines start with an address, is not a list).
   */
  detect(lines) {
    return mostLines(lines.map(uncommented), (text) => !/\s/.test(text) && normaliseAddress(text) !== null);
  },
  begin() {
    return new IpListParser();
  },
};
