import type { EventKind, InputFormat, InputReport } from '../types';

/**
 * Hands one event to the collector. Returns false (storing nothing) when `ip` is not an IP
 * address, so the parser can count the token or line as rejected.
 */
export type Emit = (ip: string, kind: EventKind, time: number | null, jail: string | null, user?: string | null) => boolean;

/**
 * What `parseLine` returns: the number of events the line yielded (≥ 1), or the reason the
 * line yielded nothing. Returning 0 counts the line as skipped with reason "no record".
 */
export type LineResult = number | string;

/** The parsing state for one file. */
export interface LineParser {
  /** Parses one line (without its line break); `lineNo` is 1-based. */
  parseLine(line: string, lineNo: number, emit: Emit): LineResult;
  /** Called once after the last line, to add format-specific counts to the report. */
  finish?(report: InputReport): void;
}

/**
 * One input format. Adding a format means writing one of these and listing it in
 * `FORMATS` in `src/load.ts`.
 */
export interface FormatParser {
  readonly format: InputFormat;
  /** True when these lines (the first ≤ 50 non-blank lines of a file, without line breaks) are in this format. */
  detect(lines: readonly string[]): boolean;
  /** Fresh state for parsing one file. */
  begin(): LineParser;
}

/** Skip reasons shared by several formats. */
export const BLANK_LINE = 'blank line';
export const NOT_AN_ADDRESS = 'not an address';
export const NO_RECORD = 'no record';

/** True when the line holds only spaces and tabs (or nothing). */
export function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) return false;
  }
  return true;
}
