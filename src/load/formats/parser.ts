import { looksLikeHostname, parseNetwork } from '../../locate/address';
import { timeZone, type TimeZone } from '../../time-zone';
import type { EventKind, GivenLocation, InputFormat, InputReport } from '../../types';
import { DEFAULT_SSHD_MODE, type SshdMode } from './grammar/sshd-modes';

/**
 * Hands one event to the collector. Returns false (storing nothing) when `ip` is not an IP
 * address, so the parser can count the token or line as rejected.
 */
export type Emit = (ip: string, kind: EventKind, time: number | null, jail: string | null, user?: string | null) => boolean;

/**
 * What `parseLine` returns: the number of events the line yielded (≥ 1), or the reason the
 * line yielded nothing, or `SETTING_RECORD` for a line that yielded a setting and no event (a
 * fail2ban `ignoreip` line). Returning 0 counts the line as skipped with reason "no record".
 */
export type LineResult = number | string | typeof SETTING_RECORD;

/** A line that is a record (it gave the run something) without an event: counted in `records`, not in `events`. */
export const SETTING_RECORD: unique symbol = Symbol('setting record');

/** Where a parser's byte path (`LineParser.parseBytes`) stores events: by codes, not texts. */
export interface EventSink {
  /** Index of an IPv4 address written as a canonical dotted quad (see `canonicalIPv4`), given as its number. */
  ipv4(value: number): number;
  /** Index of the address written in the ASCII bytes `bytes[start, end)`, or -1 when they are not an IP address. */
  address(bytes: Uint8Array, start: number, end: number): number;
  /** The code of a jail name, as `Emit` would store it. */
  jail(name: string): number;
  /** Stores one event: `kind` a code of KIND_CODES, `time` NaN when unknown. */
  push(address: number, kind: number, time: number, jail: number): void;
}

/** The parsing state for one file. */
export interface LineParser {
  /** Parses one line (without its line break); `lineNo` is 1-based. */
  parseLine(line: string, lineNo: number, emit: Emit): LineResult;
  /**
   * Optional: parses the line `text[start, end)` where it lies in the text read, without cutting
   * it out (reading a long flat string is faster than reading slices of it). Must return what
   * `parseLine(text.slice(start, end), …)` would, and read nothing outside the line.
   */
  parseSpan?(text: string, start: number, end: number, lineNo: number, emit: Emit): LineResult;
  /**
   * Optional: a fast path over the bytes of an ASCII line, `bytes[start, end)`, for the common
   * shapes of big files. Returns 1 once it has stored the line's one event in `sink`, or null,
   * having stored nothing, when the line is to be read as text (`parseLine`/`parseSpan`). For every
   * line it reads, the events, their fields and the state left behind are what the text path gives.
   */
  parseBytes?(bytes: Uint8Array, start: number, end: number, sink: EventSink): 1 | null;
  /** Called once after the last line, to add format-specific counts to the report. */
  finish?(report: InputReport): void;
}

/** What a parser may know about the file it reads, and where it hands what is not an event. */
export interface ParseContext {
  /**
   * The file's modification time (epoch ms), from which syslog lines without a year take
   * theirs; null when unknown (the current time is used then).
   */
  mtime: number | null;
  /** The zone the file's times without an offset are wall clock in. */
  timeZone: TimeZone;
  /**
   * Records a ban of a network range (`Ban 192.0.2.96/28`). `cidr` is as written; it is
   * normalised by the collector. Returns false when it is not a valid range.
   */
  range(cidr: string, kind: EventKind, time: number | null, jail: string | null): boolean;
  /** Records where the input says an address is (call it after the address's event was emitted). */
  locate(ip: string, where: GivenLocation): void;
  /**
   * Records an address or network (CIDR) the input says is the user's own (fail2ban's `ignoreip`,
   * in jail section `section` at line `line`): its addresses are trusted (see `aggregate/trusted.ts`).
   * Returns false when `entry` is neither an address nor a network.
   */
  trust(entry: string, section: string | null, line: number): boolean;
  /** How sshd's messages are read: fail2ban's `sshd` filter mode (see `SSHD_MODES`). */
  sshdMode: SshdMode;
  /**
   * Takes back the events of the earlier line `line` of this file (a PAM failure that sshd's own
   * line of the same attempt, read later, stands for): they leave the store, and the line is
   * counted as skipped for `reason` instead of as a record.
   */
  withdraw(line: number, reason: string): void;
}

/** A context that records nothing, in the machine's zone: for parsers run outside `loadPaths` (tests, conformance). */
export const NULL_CONTEXT: ParseContext = {
  mtime: null,
  timeZone: timeZone(null),
  range: () => true,
  locate: () => undefined,
  trust: (entry) => parseNetwork(entry) !== null,
  sshdMode: DEFAULT_SSHD_MODE,
  withdraw: () => undefined,
};

/**
 * One input format. Adding a format means writing one of these and listing it in
 * `FORMATS` in `src/load.ts`.
 */
export interface FormatParser {
  readonly format: InputFormat;
  /** True when these lines (the first ≤ 50 non-blank lines of a file, without line breaks) are in this format. */
  detect(lines: readonly string[]): boolean;
  /** Fresh state for parsing one file. */
  begin(context?: ParseContext): LineParser;
}

/** Skip reasons shared by several formats. */
export const BLANK_LINE = 'blank line';
/** The skip reason of a line longer than the maximum line length (1 MiB by default). */
export const LINE_TOO_LONG = 'line too long';
export const NOT_AN_ADDRESS = 'not an address';
export const NO_RECORD = 'no record';
export const HOSTNAME = 'hostname, not an address';
export const NETWORK_RANGE_BAN = 'network range ban';
export const COMMENT = 'comment';
export const NETWORK_RANGE = 'network range, not an address';

/** Why `word`, which `Emit` refused, is not an address. */
export function whyNotAnAddress(word: string): string {
  if (looksLikeHostname(word)) return HOSTNAME;
  return /^[0-9a-f:.]+\/\d{1,3}$/i.test(word) ? NETWORK_RANGE : NOT_AN_ADDRESS;
}

/**
 * True when `text` holds `word` at `at`, ending by `end`, compared code by code: on the sliced strings lines are,
 * V8 runs this several times faster than `startsWith` (a call it cannot inline), which shows on
 * the big files' hot paths.
 */
export function hasAt(text: string, at: number, word: string, end: number = text.length): boolean {
  const length = word.length;
  if (at < 0 || at + length > end) return false;
  for (let i = 0; i < length; i++) if (text.charCodeAt(at + i) !== word.charCodeAt(i)) return false;
  return true;
}

/** True when the line holds only spaces and tabs (or nothing). */
export function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) return false;
  }
  return true;
}

/** True when at least one of the lines that are not blank passes `test`, and at least half of them do. */
export function mostLines(lines: readonly string[], test: (line: string) => boolean): boolean {
  let content = 0;
  let passed = 0;
  for (const line of lines) {
    if (isBlank(line)) continue;
    content++;
    if (test(line)) passed++;
  }
  return passed > 0 && passed * 2 >= content;
}

/** Words of a list that are not addresses: counted in the report's `rejected_tokens`, the first five kept as its examples. */
export class RejectedTokens {
  private count = 0;
  private readonly examples: string[] = [];

  add(example: string): void {
    this.count++;
    if (this.examples.length < 5) this.examples.push(example);
  }

  report(report: InputReport): void {
    report.rejected_tokens = this.count;
    if (this.examples.length > 0) report.rejected_token_examples = this.examples.slice();
  }
}
