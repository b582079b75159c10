import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineTarget } from '../src/load/line-splitter';
import { FileReport } from '../src/load/file-report';
import { progressThrottle } from '../src/load/progress';

/** The lines a splitter hands over, chunk by chunk: texts, `null` for a line too long, `bytes:` for the byte path. */
function split(chunks: (string | Buffer)[], maxLineLength = 10, bytes = false, encoding: 'utf-8' | 'utf-16le' = 'utf-8'): (string | null)[] {
  const seen: (string | null)[] = [];
  const target: LineTarget = {
    line: (text, start, end) => seen.push(text.slice(start, end)),
    tooLong: () => seen.push(null),
    readsBytes: () => bytes,
    bytesLine: (chunk, start, end) => seen.push(`bytes:${chunk.toString('latin1', start, end)}`),
  };
  const splitter = new LineSplitter(encoding, maxLineLength, target);
  for (const chunk of chunks) splitter.chunk(typeof chunk === 'string' ? Buffer.from(chunk, encoding === 'utf-8' ? 'utf8' : 'utf16le') : chunk);
  splitter.end();
  return seen;
}

describe('LineSplitter', () => {
  it('ends lines at LF and CRLF, keeps a lone CR inside a line, and hands over an unfinished last line', () => {
    expect(split(['a\nb\r\nc\rd\n', 'last'])).toEqual(['a', 'b', 'c\rd', 'last']);
    expect(split(['a\r\n', 'b\r'])).toEqual(['a', 'b']);
  });

  it('joins a line split across chunks, a CRLF split between its CR and its LF included', () => {
    expect(split(['ab', 'cd\r', '\nef\n'])).toEqual(['abcd', 'ef']);
  });

  it('drops a line over the maximum as it comes, also across chunks, and reads on at the next line', () => {
    expect(split(['0123456789\n', '0123456789A\n', 'ok\n'])).toEqual(['0123456789', null, 'ok']);
    expect(split(['012345', '6789AB', 'CDEF', '\nnext'])).toEqual([null, 'next']);
    // The CR of a CRLF does not count in the length.
    expect(split(['0123456789\r\n'])).toEqual(['0123456789']);
  });

  it('takes the byte-order mark off the first line only, in UTF-8 and UTF-16', () => {
    expect(split(['\uFEFFa\n\uFEFFb\n'])).toEqual(['a', '\uFEFFb']);
    expect(split([Buffer.from('\uFEFFx\ny\n', 'utf16le')], 10, false, 'utf-16le')).toEqual(['x', 'y']);
  });

  it('hands ASCII chunks to the byte path after the first line, and a line begun in the chunk before as text', () => {
    expect(split(['first\nab', 'c\nde\n'], 10, true)).toEqual(['first', 'abc', 'bytes:de']);
    expect(split(['first\n', 'é\nx\n'], 10, true)).toEqual(['first', 'é', 'x']);
  });
});

describe('FileReport', () => {
  it('accounts for every line: records plus skipped lines make the lines, with the first line numbers of each reason', () => {
    const account = new FileReport('f.log', 'web1');
    const results = [1, 'blank line', 2, 0, 'blank line', 'x', 'x', 'x', 'x', 'x', 'x', 'x'];
    results.forEach((result, i) => account.count(result, ++account.lines));
    account.skip('line too long', ++account.lines);
    const report = account.finish(100);
    expect(report).toMatchObject({ lines: 13, records: 2, events: 3, skipped: { 'blank line': 2, 'no record': 1, x: 7, 'line too long': 1 } });
    expect(report.skipped_examples).toEqual({ 'blank line': [2, 5], 'no record': [4], x: [6, 7, 8, 9, 10], 'line too long': [13] });
    expect(report.records + Object.values(report.skipped).reduce((a, b) => a + b, 0)).toBe(report.lines);
    expect(report.warnings).toEqual(['f.log: line 13 is longer than 100 characters: skipped as "line too long".']);
  });
});

describe('progressThrottle', () => {
  it('lets a report through once the period has passed since the last, or when it must go', () => {
    const due = progressThrottle(60_000, Date.now());
    expect(due()).toBe(false);
    expect(due(true)).toBe(true);
    expect(due()).toBe(false);
    expect(progressThrottle(60_000)()).toBe(true);
  });
});
