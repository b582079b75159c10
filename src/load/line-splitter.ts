/**
 * Cuts a file's bytes, chunk by chunk, into lines: decoded (UTF-8, or UTF-16 from its byte-order
 * mark), a line ended by LF or CRLF, a line begun in one chunk ended in the next, a line longer
 * than the maximum dropped as it comes (never held whole), an unfinished last line kept, the
 * first line's byte-order mark taken off. Each line goes to a `LineTarget`.
 */
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Where the lines go. */
export interface LineTarget {
  /** The line `text[start, end)`, without its line break, at most the maximum length. */
  line(text: string, start: number, end: number): void;
  /** A line longer than the maximum (its text is not kept). */
  tooLong(): void;
  /** True when the next lines may come as ASCII bytes, to `bytesLine`. */
  readsBytes(): boolean;
  /** The ASCII line `bytes[start, end)`, without its line break, at most the maximum length. */
  bytesLine(bytes: Buffer, start: number, end: number): void;
}

export class LineSplitter {
  private readonly decoder: StringDecoder;
  private readonly swap: ((chunk: Buffer) => Buffer) | null;
  /**
   * Logs are mostly ASCII: such chunks are copied as one-byte strings, skipping UTF-8 decoding,
   * until the first chunk that is not (from then on the decoder may hold a split character).
   */
  private asciiSoFar: boolean;
  /** The unended end of the text read so far. */
  private pending = '';
  /** Inside a line already longer than the maximum: its text is dropped until its end. */
  private overlong = false;
  private first = true;

  constructor(
    encoding: Encoding,
    private readonly maxLineLength: number,
    private readonly target: LineTarget,
  ) {
    this.decoder = new StringDecoder(encoding === 'utf-8' ? 'utf8' : 'utf16le');
    this.swap = encoding === 'utf-16be' ? byteSwapper() : null;
    this.asciiSoFar = encoding === 'utf-8';
  }

  /** A read chunk: as bytes when the target takes them and the text so far is ASCII, else decoded to text. */
  chunk(chunk: Buffer): void {
    if (!this.asciiSoFar || this.first || !this.target.readsBytes() || !isAscii(chunk)) {
      this.text(this.decode(chunk));
      return;
    }
    let start = 0;
    if (this.overlong || this.pending.length > 0) {
      // The line begun in the chunk before ends in this one: read as text, with its beginning.
      const newline = chunk.indexOf(10);
      if (newline < 0) {
        this.text(chunk.toString('latin1'));
        return;
      }
      this.text(chunk.toString('latin1', 0, newline + 1));
      start = newline + 1;
    }
    start = this.byteLines(chunk, start);
    this.keepRest(chunk.toString('latin1', start));
  }

  /** The end of the file: the decoder's last characters, and the last line when no line break ends it. */
  end(): void {
    this.text(this.decoder.end());
    if (this.overlong) this.deliverTooLong();
    else if (this.pending.length > 0) this.deliver(this.pending, 0, this.pending.endsWith('\r') ? this.pending.length - 1 : this.pending.length);
    this.pending = '';
    this.overlong = false;
  }

  private decode(chunk: Buffer): string {
    if (this.asciiSoFar && isAscii(chunk)) return chunk.toString('latin1');
    this.asciiSoFar = false;
    return this.decoder.write(this.swap === null ? chunk : this.swap(chunk));
  }

  private text(chunk: string): void {
    let start = 0;
    if (this.overlong) {
      const newline = chunk.indexOf('\n');
      if (newline < 0) return;
      this.overlong = false;
      this.deliverTooLong();
      start = newline + 1;
    }
    if (this.pending.length > 0) {
      // The line begun in the chunk before is joined on its own, so that the rest of the chunk is
      // read where it lies: a joined string or slices of one are slower to read.
      const newline = chunk.indexOf('\n', start);
      const joined = this.pending + (newline < 0 ? chunk.slice(start) : chunk.slice(start, newline + 1));
      this.pending = '';
      if (newline < 0) {
        this.keepRest(joined);
        return;
      }
      this.lines(joined, 0);
      start = newline + 1;
    }
    const after = this.lines(chunk, start);
    this.keepRest(after === 0 ? chunk : chunk.slice(after));
  }

  /** The lines of `text` from `start` (each ended by a line break); returns where the unended rest begins. */
  private lines(text: string, start: number): number {
    const max = this.maxLineLength;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) return start;
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      if (end - start > max) this.deliverTooLong();
      else if (this.first) this.deliver(text, start, end);
      else this.target.line(text, start, end);
      start = newline + 1;
    }
  }

  /** The lines of the ASCII `bytes` from `start`; returns where the unended rest begins. */
  private byteLines(bytes: Buffer, start: number): number {
    const max = this.maxLineLength;
    const target = this.target;
    for (;;) {
      const newline = bytes.indexOf(10, start);
      if (newline < 0) return start;
      const end = newline > start && bytes[newline - 1] === 13 ? newline - 1 : newline;
      if (end - start > max) target.tooLong();
      else target.bytesLine(bytes, start, end);
      start = newline + 1;
    }
  }

  private deliver(text: string, start: number, end: number): void {
    if (this.first) {
      this.first = false;
      if (text.charCodeAt(start) === 0xfeff) start++;
    }
    this.target.line(text, start, end);
  }

  private deliverTooLong(): void {
    this.first = false;
    this.target.tooLong();
  }

  /** Keeps the unended end of the text read so far for the next chunk, unless it is already too long a line. */
  private keepRest(rest: string): void {
    // A CR may end the text read so far and belong to a CRLF: it counts in the line's length only once the line ends.
    if (rest.length > this.maxLineLength + 1) this.overlong = true;
    else this.pending = rest;
  }
}

/** The text encoding of a file from its first bytes: UTF-16 when it starts with a UTF-16 byte-order mark. */
export function encodingOf(head: Uint8Array): Encoding {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

/** Swaps the bytes of each 16-bit unit (UTF-16BE → UTF-16LE), carrying an odd byte to the next chunk. */
function byteSwapper(): (chunk: Buffer) => Buffer {
  let carry: Buffer | null = null;
  return (chunk) => {
    let bytes: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
    carry = null;
    if (bytes.length % 2 === 1) {
      carry = Buffer.from(bytes.subarray(bytes.length - 1));
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    return Buffer.from(bytes).swap16();
  };
}
