/**
 * The accounting of one file: every line is parsed into records or skipped with a reason,
 * `records + sum(skipped) === lines`, with the first line numbers of each reason as examples.
 */
import { printable } from '../html';
import { BLANK_LINE, LINE_TOO_LONG, NO_RECORD, SETTING_RECORD, type LineResult } from './formats/parser';
import type { InputReport } from '../types';

const EXAMPLES_PER_REASON = 5;

export class FileReport {
  lines = 0;
  records = 0;
  events = 0;
  readonly warnings: string[] = [];
  /** The report as it stands; `finish` fills in the counts. */
  readonly report: InputReport;
  private readonly skipped = new Map<string, number>();
  private readonly examples = new Map<string, number[]>();

  /** `display`: the file as reports name it (printable). */
  constructor(
    readonly display: string,
    server: string,
  ) {
    this.report = { file: display, format: 'unknown', server, lines: 0, records: 0, events: 0, duplicates: 0, skipped: {}, skipped_examples: {} };
  }

  skip(reason: string, lineNo: number): void {
    const count = this.skipped.get(reason);
    if (count === undefined) {
      this.skipped.set(reason, 1);
      this.examples.set(reason, [lineNo]);
    } else {
      this.skipped.set(reason, count + 1);
      if (count < EXAMPLES_PER_REASON) this.examples.get(reason)!.push(lineNo);
    }
  }

  /** Counts what a parser made of line `lineNo`: its events, or why it has none. */
  count(result: LineResult, lineNo: number): void {
    if (result === SETTING_RECORD) {
      this.records++;
    } else if (typeof result === 'number') {
      if (result > 0) {
        this.records++;
        this.events += result;
      } else {
        this.skip(NO_RECORD, lineNo);
      }
    } else {
      this.skip(result, lineNo);
    }
  }

  /** Line `lineNo`, counted as a record of `events` events, is skipped for `reason` instead (see `ParseContext.withdraw`). */
  withdraw(lineNo: number, events: number, reason: string): void {
    this.records--;
    this.events -= events;
    this.skip(reason, lineNo);
  }

  /** Lines skipped for `reason` so far. */
  skippedFor(reason: string): number {
    return this.skipped.get(reason) ?? 0;
  }

  /** The finished report, with the warnings the counts call for (`maxLineLength` to name the limit). */
  finish(maxLineLength: number): InputReport {
    const { report, lines, records, warnings, display } = this;
    report.lines = lines;
    report.records = records;
    report.events = this.events;
    // Skip reasons and rejected words may quote the input: keep them printable too.
    for (const [reason, n] of this.skipped) report.skipped[printable(reason)] = (report.skipped[printable(reason)] ?? 0) + n;
    for (const [reason, lineNos] of this.examples) report.skipped_examples[printable(reason)] = lineNos;
    if (report.rejected_token_examples !== undefined) report.rejected_token_examples = report.rejected_token_examples.map(printable);
    const tooLong = this.skipped.get(LINE_TOO_LONG);
    if (tooLong !== undefined) {
      const at = this.examples.get(LINE_TOO_LONG)!;
      warnings.push(
        `${display}: ${tooLong === 1 ? `line ${at[0]} is` : `${tooLong.toLocaleString('en-US')} lines are`} longer than ${formatChars(maxLineLength)}: skipped as "${LINE_TOO_LONG}"${tooLong > 1 ? ` (lines ${at.join(', ')}${tooLong > at.length ? ', …' : ''})` : ''}.`,
      );
    }
    if (report.error === undefined && lines > 0 && records === 0 && this.skippedFor(BLANK_LINE) === lines) warnings.push(`${display}: only blank lines (${lines.toLocaleString('en-US')}): nothing to read.`);
    // A parser's own warnings (see `LineParser.finish`) come first.
    if (warnings.length > 0) report.warnings = [...(report.warnings ?? []), ...warnings];
    if (report.error !== undefined) report.error = printable(report.error);
    return report;
  }
}

export function formatChars(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / 1024 / 1024} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n.toLocaleString('en-US')} characters`;
}
