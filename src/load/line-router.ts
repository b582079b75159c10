import type { EventStore } from './events';
import type { EventSink, Emit, LineParser } from './formats/parser';
import { LINE_TOO_LONG } from './formats/parser';
import type { FileReport } from './file-report';
import type { LineTarget } from './line-splitter';
import { HeldLines } from './format-detection';
import { DUPLICATE_OF_ROTATED, type RotationTail, type SeamFilter } from './rotation';

/**
 * Takes a file's lines from the splitter to where each goes: held back until the format is
 * chosen, held at the head of a rotated file until the seam with the file before is found, kept
 * in the file's tail for the file rotated after it, parsed (the store told the line's number
 * first, for its events' `line`), and counted in the file's report.
 * Once none of that is pending (the common case), a line goes straight to the parser, read where
 * it lies in the chunk (`parseSpan`) or from its bytes (`parseBytes`).
 */
export class LineRouter implements LineTarget {
  private parser: LineParser | null = null;
  private readonly held = new HeldLines();

  /**
   * `choose` picks the parser once enough lines are held (from them); `seam` finds the head
   * repeating the previous rotated file, `tail` keeps this file's last lines (each null when not wanted).
   */
  constructor(
    private readonly account: FileReport,
    private readonly store: EventStore,
    private readonly emit: Emit,
    private readonly sink: EventSink,
    private readonly choose: (held: HeldLines) => LineParser,
    private readonly seam: SeamFilter | null,
    private readonly tail: RotationTail | null,
  ) {}

  line(text: string, start: number, end: number): void {
    const parser = this.parser;
    if (parser === null || !this.direct()) {
      this.rawLine(text.slice(start, end));
      return;
    }
    const account = this.account;
    const lineNo = ++account.lines;
    this.store.line = lineNo;
    const result = parser.parseSpan !== undefined ? parser.parseSpan(text, start, end, lineNo, this.emit) : parser.parseLine(text.slice(start, end), lineNo, this.emit);
    if (result === 1) {
      account.records++;
      account.events++;
    } else {
      account.count(result, lineNo);
    }
  }

  tooLong(): void {
    this.rawLine(null);
  }

  readsBytes(): boolean {
    return this.parser?.parseBytes !== undefined && this.direct();
  }

  bytesLine(bytes: Buffer, start: number, end: number): void {
    const parser = this.parser!;
    const account = this.account;
    const lineNo = ++account.lines;
    this.store.line = lineNo;
    if (parser.parseBytes!(bytes, start, end, this.sink) === 1) {
      account.records++;
      account.events++;
    } else {
      account.count(parser.parseLine(bytes.toString('latin1', start, end), lineNo, this.emit), lineNo);
    }
  }

  /** Chooses the parser now (a forced format, or the end of the file) unless chosen already, and parses the lines held for it. */
  decide(): LineParser {
    if (this.parser === null) {
      const parser = (this.parser = this.choose(this.held));
      this.held.release((line, lineNo) => {
        this.store.line = lineNo;
        this.account.count(parser.parseLine(line, lineNo, this.emit), lineNo);
      });
    }
    return this.parser;
  }

  /** After the last line: releases what is still held. */
  end(): LineParser {
    this.seam?.release(this.onLine);
    return this.decide();
  }

  /** The non-blank lines held for format detection. */
  get nonBlank(): number {
    return this.held.nonBlank;
  }

  /** No line is held or kept: lines go straight to the parser. */
  private direct(): boolean {
    return this.tail === null && (this.seam === null || this.seam.done);
  }

  /** A line through the seam filter; null stands for a line longer than the maximum, not kept. */
  private rawLine(line: string | null): void {
    const seam = this.seam;
    if (seam === null || seam.done) {
      this.onLine(line, false);
    } else if (line === null) {
      // A line too long to keep ends any repeat of the previous file's tail.
      seam.release(this.onLine);
      this.onLine(null, false);
    } else {
      seam.push(line, this.onLine);
    }
  }

  private readonly onLine = (line: string | null, duplicate: boolean): void => {
    const account = this.account;
    const lineNo = ++account.lines;
    this.tail?.push(line);
    if (line === null) account.skip(LINE_TOO_LONG, lineNo);
    else if (duplicate) account.skip(DUPLICATE_OF_ROTATED, lineNo);
    else if (this.parser !== null) {
      this.store.line = lineNo;
      account.count(this.parser.parseLine(line, lineNo, this.emit), lineNo);
    }
    else if (this.held.hold(line, lineNo)) this.decide();
  };
}
