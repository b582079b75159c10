import { describe, expect, it } from 'vitest';
import { ByteTable, asciiText } from '../src/load/byte-table';
import { seededRandom } from './support/random';

const bytesOf = (text: string) => Buffer.from(text, 'latin1');

describe('ByteTable', () => {
  it('finds keys by a span of a larger array, and nothing else', () => {
    const table = new ByteTable();
    const line = bytesOf('[sshd] Ban 2001:db8::1 and [sshd-ddos]');
    table.add(line, 1, 5, 7);
    table.add(line, 28, 37, 0);
    expect(table.get(bytesOf('sshd'), 0, 4)).toBe(7);
    expect(table.get(bytesOf('x sshd-ddos y'), 2, 11)).toBe(0);
    expect(table.get(bytesOf('sshd-'), 0, 5)).toBe(-1);
    expect(table.get(bytesOf('ssh'), 0, 3)).toBe(-1);
    expect(table.get(bytesOf('sshe'), 0, 4)).toBe(-1);
    expect(table.get(bytesOf(''), 0, 0)).toBe(-1);
    table.add(bytesOf(''), 0, 0, 3);
    expect(table.get(line, 9, 9)).toBe(3);
    expect(table.size).toBe(3);
  });

  it('agrees with a Map over many keys, through its growth, with lookalike keys', () => {
    const table = new ByteTable();
    const reference = new Map<string, number>();
    const random = seededRandom(11);
    const alphabet = '0123456789abcdef:.';
    for (let i = 0; i < 30_000; i++) {
      let key = '';
      // Short keys over a small alphabet: many share prefixes, lengths and hash slots.
      const length = Math.floor(random() * 12);
      for (let j = 0; j < length; j++) key += alphabet[Math.floor(random() * alphabet.length)];
      const padded = bytesOf(`<${key}>`);
      const known = table.get(padded, 1, padded.length - 1);
      expect(known, key).toBe(reference.get(key) ?? -1);
      if (known < 0) {
        table.add(padded, 1, padded.length - 1, i);
        reference.set(key, i);
      }
    }
    expect(table.size).toBe(reference.size);
    expect(reference.size).toBeGreaterThan(10_000);
    for (const [key, value] of reference) expect(table.get(bytesOf(key), 0, key.length)).toBe(value);
  });

  it('keeps its own copy of a key', () => {
    const table = new ByteTable();
    const line = bytesOf('recidive');
    table.add(line, 0, line.length, 1);
    line.fill(0);
    expect(table.get(bytesOf('recidive'), 0, 8)).toBe(1);
  });
});

describe('asciiText', () => {
  it('is the text of a span', () => {
    expect(asciiText(bytesOf('ab [sshd] cd'), 4, 8)).toBe('sshd');
    expect(asciiText(bytesOf('x'), 1, 1)).toBe('');
  });
});
