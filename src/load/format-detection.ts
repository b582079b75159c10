/**
 * Which format a file is in, from its first lines: the lines are held back until enough are
 * seen (DETECT_LINES non-blank ones, or a bound on lines or characters), then replayed into the
 * parser chosen.
 */
import { authLog } from './formats/auth-log';
import { csv } from './formats/csv';
import { fail2banBanip } from './formats/fail2ban-banip';
import { fail2banBanned } from './formats/fail2ban-banned';
import { fail2banJail } from './formats/fail2ban-jail';
import { fail2banLog } from './formats/fail2ban-log';
import { fail2banStatus } from './formats/fail2ban-status';
import { ipList } from './formats/ip-list';
import { journalJson } from './formats/journal-json';
import { BLANK_LINE, isBlank, type FormatParser, type LineParser, type ParseContext } from './formats/parser';
import type { InputFormat } from '../types';

/**
 * The line formats, in the order detection tries them: the most distinctive first.
 * (`fail2ban-db` is not among them: a database is recognised by its SQLite header.)
 */
export const FORMATS: readonly FormatParser[] = [fail2banStatus, fail2banBanned, fail2banLog, authLog, journalJson, fail2banJail, csv, fail2banBanip, ipList];

/** Every format, as `LoadOptions.format` accepts them. */
export const INPUT_FORMATS: readonly InputFormat[] = [...FORMATS.map((parser) => parser.format), 'fail2ban-db'];

/** The skip reason of every line of a file whose format was not recognised. */
export const UNRECOGNISED_FORMAT = 'unrecognised format';

const DETECT_LINES = 50;
/** Detection decides after this many lines even when fewer than DETECT_LINES were non-blank. */
const DETECT_MAX_BUFFERED = 10_000;
/** Detection also decides once the lines held back for it reach this many characters. */
const DETECT_MAX_CHARS = 4 * 1024 * 1024;

/**
 * The format of a file from its first lines (line breaks removed), or null when no parser
 * recognises them. Only the first 50 non-blank lines are looked at.
 */
export function detectFormat(firstLines: string[]): InputFormat | null {
  const lines: string[] = [];
  for (let line of firstLines) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (lines.length === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (isBlank(line)) continue;
    lines.push(line);
    if (lines.length === DETECT_LINES) break;
  }
  if (lines.length === 0) return null;
  for (const parser of FORMATS) if (parser.detect(lines)) return parser.format;
  return null;
}

export function supportedFormats(): string {
  return INPUT_FORMATS.join(', ');
}

/** The line parser of a format named by `LoadOptions.format` (undefined for `fail2ban-db`, read by rows). */
export function lineFormat(format: InputFormat | undefined): FormatParser | undefined {
  return format === undefined ? undefined : FORMATS.find((candidate) => candidate.format === format);
}

/** The first lines of a file, held back until its format can be told. */
export class HeldLines {
  private lines: string[] = [];
  private lineNos: number[] = [];
  private chars = 0;
  /** Lines held so far that are not blank. */
  nonBlank = 0;

  /** Holds a line back; true once enough are held to tell the format. */
  hold(line: string, lineNo: number): boolean {
    this.lines.push(line);
    this.lineNos.push(lineNo);
    this.chars += line.length;
    if (!isBlank(line)) this.nonBlank++;
    return this.nonBlank >= DETECT_LINES || this.lines.length >= DETECT_MAX_BUFFERED || this.chars >= DETECT_MAX_CHARS;
  }

  /** What to parse the file with: the forced format, else the one its held lines are in (see `chooseParser`). */
  choose(forced: FormatParser | undefined, context: ParseContext, head: Uint8Array): Choice {
    return chooseParser(forced ?? FORMATS.find((candidate) => candidate.format === detectFormat(this.lines)), this.nonBlank, context, head);
  }

  /** Hands the held lines to `take` in order, and forgets them. */
  release(take: (line: string, lineNo: number) => void): void {
    const lines = this.lines;
    const lineNos = this.lineNos;
    this.lines = [];
    this.lineNos = [];
    this.chars = 0;
    for (let i = 0; i < lines.length; i++) take(lines[i], lineNos[i]);
  }
}

/** The parser a file is read with, and, when no format fits, why (to end with the file's name). */
export interface Choice {
  parser: LineParser;
  format: InputFormat | null;
  error?: string;
}

/** Parses `chosen`'s way; with no format, every line as unrecognised (or, for a file of blank lines only, as blank). */
function chooseParser(chosen: FormatParser | undefined, nonBlank: number, context: ParseContext, head: Uint8Array): Choice {
  if (chosen !== undefined) return { parser: chosen.begin(context), format: chosen.format };
  if (nonBlank === 0) return { parser: constantParser(BLANK_LINE), format: null };
  return {
    parser: constantParser(UNRECOGNISED_FORMAT),
    format: null,
    error:
      `unrecognised format: its first lines are not fail2ban-client output, a fail2ban.log, an auth log, ` +
      `a journal export, fail2ban's jail settings, a CSV with an ip column or a list of addresses (supported formats: ${supportedFormats()}).${contentHint(head)}`,
  };
}

function constantParser(reason: string): LineParser {
  return { parseLine: () => reason };
}

/** What a file that no format recognised looks like, to say in its error. */
function contentHint(head: Uint8Array): string {
  if (head.length === 0) return '';
  let nul = 0;
  let oddNul = 0;
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b === 0) {
      nul++;
      if (i % 2 === 1) oddNul++;
    } else if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) {
      control++;
    }
  }
  if (nul > 0 && oddNul >= head.length / 4 && oddNul >= nul * 0.9) return ' It looks like UTF-16 text without a byte-order mark: convert it to UTF-8 (iconv -f UTF-16LE -t UTF-8).';
  if (nul > 0 || control > head.length / 10) return ' It looks like binary data, not text.';
  return '';
}
