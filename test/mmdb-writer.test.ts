/**
 * Tests for the fixture MMDB writer (test/support/mmdb-writer.ts) and the fixture databases
 * (test/support/test-databases.ts).
 *
 * Every database is read back with two independent readers: the `maxmind` npm package and
 * MaxMind's C library through its `mmdblookup` tool (Debian/Ubuntu package mmdb-bin). The C
 * cross-check is mandatory unless BOTMAP_REQUIRE_MMDBLOOKUP=0.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { open as openMmdbFile, Reader, type AsnResponse, type CityResponse, type CountryResponse } from 'maxmind';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mmdbType, writeMmdb, type MmdbEntry, type MmdbOptions } from './support/mmdb-writer';
import {
  ASN_FIXTURE_EXPECTATIONS,
  CITY_FIXTURE_EXPECTATIONS,
  COUNTRY_FIXTURE_EXPECTATIONS,
  FIXTURE_BUILD_EPOCH,
  asnDatabase,
  cityDatabase,
  countryDatabase,
  writeTestDatabases,
  type TestDatabasePaths,
} from './support/test-databases';
import { seededRandom } from './support/random';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** A `maxmind` reader for records of any shape. */
interface RawReader {
  get(ip: string): unknown;
  getWithPrefixLength(ip: string): [unknown, number];
  metadata: Reader<CityResponse>['metadata'];
}

function open(buffer: Buffer): RawReader {
  return new Reader<CityResponse>(buffer);
}

const BASE_OPTIONS: MmdbOptions = { databaseType: 'BotMap-Test', buildEpoch: 1_700_000_000 };
const MARKER = Buffer.from('\xAB\xCD\xEFMaxMind.com', 'latin1');

/** Splits a file into its sections, checking the framing the spec requires. */
function sections(buffer: Buffer) {
  const { nodeCount, recordSize } = open(buffer).metadata;
  const treeSize = (nodeCount * recordSize * 2) / 8;
  const markerAt = buffer.lastIndexOf(MARKER);
  expect(markerAt).toBeGreaterThan(treeSize);
  expect(buffer.subarray(treeSize, treeSize + 16)).toEqual(Buffer.alloc(16));
  return { treeSize, dataSize: markerAt - treeSize - 16, nodeCount, recordSize };
}

/** Reads every record of the search tree (independently of the readers under test). */
function treeRecords(buffer: Buffer, nodeCount: number, recordSize: number): number[] {
  const records: number[] = [];
  const nodeBytes = recordSize / 4;
  for (let i = 0; i < nodeCount; i++) {
    const at = i * nodeBytes;
    if (recordSize === 28) {
      const middle = buffer[at + 3];
      records.push(((middle >> 4) * 2 ** 24) + buffer.readUIntBE(at, 3));
      records.push(((middle & 0x0f) * 2 ** 24) + buffer.readUIntBE(at + 4, 3));
    } else {
      records.push(buffer.readUIntBE(at, nodeBytes / 2), buffer.readUIntBE(at + nodeBytes / 2, nodeBytes / 2));
    }
  }
  return records;
}

/** Every record must be a node, "no data", or a data-section offset; every node must be reachable. */
function expectWellFormedTree(buffer: Buffer): void {
  const { nodeCount, recordSize, dataSize } = sections(buffer);
  const records = treeRecords(buffer, nodeCount, recordSize);
  const referenced = new Set<number>([0]);
  for (const r of records) {
    if (r < nodeCount) referenced.add(r);
    else if (r > nodeCount) {
      expect(r).toBeGreaterThanOrEqual(nodeCount + 16);
      expect(r - nodeCount - 16).toBeLessThan(dataSize);
    }
  }
  expect(referenced.size).toBe(nodeCount);
}

const prng = seededRandom;

const randomInt = (rand: () => number, n: number) => Math.floor(rand() * n);
const randomBits = (rand: () => number, bits: number): bigint => {
  let v = 0n;
  for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(randomInt(rand, 2 ** 32));
  return v >> BigInt(Math.ceil(bits / 32) * 32 - bits);
};

const formatIPv4 = (v: bigint) => [24n, 16n, 8n, 0n].map((s) => (v >> s) & 0xffn).join('.');
const formatIPv6 = (v: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');

// ---------------------------------------------------------------------------------------------
// mmdblookup (libmaxminddb)
// ---------------------------------------------------------------------------------------------

const HAVE_MMDBLOOKUP = !spawnSync('mmdblookup', ['--version'], { encoding: 'utf8' }).error;
const REQUIRE_MMDBLOOKUP = process.env.BOTMAP_REQUIRE_MMDBLOOKUP !== '0';
const MMDBLOOKUP_MISSING =
  'mmdblookup (libmaxminddb) is not on PATH, so the fixture databases cannot be cross-checked ' +
  "against MaxMind's C reader. Install it: `sudo apt-get install mmdb-bin` (Debian/Ubuntu), " +
  '`brew install libmaxminddb` (macOS). To run without it, set BOTMAP_REQUIRE_MMDBLOOKUP=0.';

/** A value as printed by mmdblookup, with its MMDB type. */
type Dumped =
  | { type: 'map'; value: Record<string, Dumped> }
  | { type: 'array'; value: Dumped[] }
  | { type: string; value: unknown };

interface LookupResult {
  found: boolean;
  pathMismatch: boolean;
  value: Dumped | null;
}

function mmdblookup(file: string, ip: string, lookupPath: (string | number)[] = []): LookupResult {
  const run = spawnSync('mmdblookup', ['--file', file, '--ip', ip, ...lookupPath.map(String)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  const output = run.stdout + run.stderr;
  if (/Could not find an entry/.test(output)) return { found: false, pathMismatch: false, value: null };
  if (/lookup path does not match the data/.test(output)) return { found: true, pathMismatch: true, value: null };
  if (run.status !== 0) throw new Error(`mmdblookup ${ip} failed (${run.status}): ${output}`);
  return { found: true, pathMismatch: false, value: parseDump(run.stdout) };
}

/** Parses mmdblookup's dump format (one token per line: braces, `"key":`, `value <type>`). */
function parseDump(text: string): Dumped {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  let i = 0;
  const value = (): Dumped => {
    const line = lines[i++];
    if (line === '{') {
      const map: Record<string, Dumped> = {};
      while (lines[i] !== '}') {
        const key = /^"(.*)":$/.exec(lines[i++]);
        if (!key) throw new Error(`unexpected mmdblookup line ${lines[i - 1]}`);
        map[key[1]] = value();
      }
      i++;
      return { type: 'map', value: map };
    }
    if (line === '[') {
      const items: Dumped[] = [];
      while (lines[i] !== ']') items.push(value());
      i++;
      return { type: 'array', value: items };
    }
    const scalar = /^(.*?)\s*<([a-z0-9_]+)>$/.exec(line);
    if (!scalar) throw new Error(`unexpected mmdblookup line ${line}`);
    const [, text, type] = scalar;
    switch (type) {
      case 'utf8_string':
        return { type, value: text.slice(1, -1) };
      case 'double':
      case 'float': // printed with printf's %f
        return { type, value: text === 'nan' || text === '-nan' ? NaN : text.endsWith('inf') ? Number(text.replace('inf', 'Infinity')) : Number(text) };
      case 'uint16':
      case 'uint32':
      case 'int32':
        return { type, value: Number(text) };
      case 'uint64':
      case 'uint128': // uint128 is printed as 0x-prefixed hex
        return { type, value: BigInt(text) };
      case 'boolean':
        return { type, value: text === 'true' };
      case 'bytes':
        return { type, value: Buffer.from(text, 'hex') };
      default:
        throw new Error(`unknown type in mmdblookup output: ${line}`);
    }
  };
  const result = value();
  expect(i, 'whole mmdblookup output parsed').toBe(lines.length);
  return result;
}

/** Asserts the `maxmind` package's decoded value equals what libmaxminddb printed. */
function expectSameAsDump(actual: unknown, dumped: Dumped, where: string): void {
  if (dumped.type === 'map') {
    const map = dumped.value as Record<string, Dumped>;
    expect(actual, where).toBeTypeOf('object');
    expect(Object.keys(actual as object).sort(), where).toEqual(Object.keys(map).sort());
    for (const [k, v] of Object.entries(map)) expectSameAsDump((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else if (dumped.type === 'array') {
    const items = dumped.value as Dumped[];
    expect(Array.isArray(actual), where).toBe(true);
    expect((actual as unknown[]).length, where).toBe(items.length);
    items.forEach((v, i) => expectSameAsDump((actual as unknown[])[i], v, `${where}[${i}]`));
  } else if (dumped.type === 'double' || dumped.type === 'float') {
    const printed = dumped.value as number;
    expect(actual, where).toBeTypeOf('number');
    if (Number.isNaN(printed) || !Number.isFinite(printed)) expect(actual, where).toBe(printed);
    // %f keeps 6 decimals.
    else expect(Math.abs((actual as number) - printed), where).toBeLessThanOrEqual(5e-7 + Math.abs(printed) * 1e-15);
  } else {
    expect(actual, where).toEqual(dumped.value);
  }
}

/** The MMDB type mmdblookup reports at a path in a dump. */
function typeAt(dumped: Dumped, ...keys: (string | number)[]): string {
  let d = dumped;
  for (const k of keys) d = (d.value as Record<string | number, Dumped>)[k];
  return d.type;
}

// ---------------------------------------------------------------------------------------------
// Value encoding
// ---------------------------------------------------------------------------------------------

/** One record holding every data type, at the edges of every size encoding. */
function everyTypeRecord(): Record<string, unknown> {
  const manyKeys = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
  return {
    strings: {
      empty: '',
      s28: 'a'.repeat(28), // largest size in the control byte
      s29: 'b'.repeat(29), // size 29: one extra size byte
      s284: 'c'.repeat(284),
      s285: 'd'.repeat(285), // size 30: two extra size bytes
      s65820: 'e'.repeat(65_820),
      s65821: 'f'.repeat(65_821), // size 31: three extra size bytes
      unicode: 'Zürich – 北京 – 🦀',
    },
    numbers: {
      uint16_max: mmdbType.uint16(65_535),
      uint16_zero: mmdbType.uint16(0),
      uint32_zero: 0,
      uint32_255: 255,
      uint32_256: 256,
      uint32_max: 0xffff_ffff,
      int32_min: -(2 ** 31),
      int32_minus_one: -1,
      int32_max: mmdbType.int32(2 ** 31 - 1),
      int32_small: mmdbType.int32(7),
      uint64_from_number: 2 ** 40,
      uint64_max: 2n ** 64n - 1n,
      uint128_max: 2n ** 128n - 1n,
      uint128_zero: mmdbType.uint128(0n),
      double: 51.5142,
      double_negative: -122.3149,
      double_negative_zero: -0,
      double_big_negative: -(2 ** 40),
      double_infinity: Infinity,
      float: mmdbType.float(1.5),
    },
    bytes: Buffer.from([0, 1, 2, 0xfe, 0xff]),
    no_bytes: new Uint8Array(0),
    yes: true,
    no: false,
    empty_map: {},
    empty_array: [],
    nested: [[1, [2, { deep: [true, 'x'] }]], { a: { b: { c: 'd' } } }],
    long_array: Array.from({ length: 40 }, (_, i) => (i % 2 ? `item${i}` : i)),
    many_keys: manyKeys,
  };
}

/** What the `maxmind` package decodes everyTypeRecord() to. */
function everyTypeDecoded(): Record<string, unknown> {
  const record = everyTypeRecord();
  return {
    ...record,
    numbers: {
      uint16_max: 65_535,
      uint16_zero: 0,
      uint32_zero: 0,
      uint32_255: 255,
      uint32_256: 256,
      uint32_max: 0xffff_ffff,
      int32_min: -(2 ** 31),
      int32_minus_one: -1,
      int32_max: 2 ** 31 - 1,
      int32_small: 7,
      uint64_from_number: 2n ** 40n, // 64- and 128-bit integers decode to bigint
      uint64_max: 2n ** 64n - 1n,
      uint128_max: 2n ** 128n - 1n,
      uint128_zero: 0n,
      double: 51.5142,
      double_negative: -122.3149,
      double_negative_zero: -0,
      double_big_negative: -(2 ** 40),
      double_infinity: Infinity,
      float: 1.5,
    },
    no_bytes: Buffer.alloc(0),
  };
}

/** Records placed so that one tree node has a small left record and a right record above 2^24. */
function bigDataEntries(): MmdbEntry[] {
  return [
    { network: '2.0.0.0/8', data: { before: 'padding' } },
    { network: '1.0.0.0/8', data: { pad: 'x'.repeat(2 ** 24) } },
    { network: '3.0.0.0/8', data: { after: 'padding' } },
  ];
}

describe('writeMmdb: value encoding', () => {
  it('round-trips every data type and size encoding', () => {
    const buffer = writeMmdb([{ network: '81.2.69.0/24', data: everyTypeRecord() }], BASE_OPTIONS);
    const record = open(buffer).get('81.2.69.1') as Record<string, Record<string, unknown>>;
    expect(record).toEqual(everyTypeDecoded());
    expect(Object.is(record.numbers.double_negative_zero, -0)).toBe(true);
    expect(Object.keys(record.many_keys)).toHaveLength(300);
  });

  it('stores identical records once', () => {
    const record = { country: { iso_code: 'GB', names: { en: 'United Kingdom' } }, n: 1 };
    const one = sections(writeMmdb([{ network: '81.2.69.0/24', data: record }], BASE_OPTIONS));
    const networks = Array.from({ length: 50 }, (_, i) => ({ network: `10.${i}.0.0/16`, data: structuredClone(record) }));
    const fifty = sections(writeMmdb(networks, BASE_OPTIONS));
    expect(fifty.dataSize).toBe(one.dataSize);
    // A record differing in one value is stored again, but shares its repeated parts via pointers.
    const two = sections(writeMmdb([...networks, { network: '11.0.0.0/8', data: { ...record, n: 2 } }], BASE_OPTIONS));
    expect(two.dataSize).toBeGreaterThan(one.dataSize);
    expect(two.dataSize).toBeLessThan(2 * one.dataSize);
  });

  it('uses each pointer size (11, 19 and 27 bits) and readers follow them', () => {
    // A value seen twice is written once; the second occurrence is a pointer whose size
    // depends on the first one's offset. Compare with a same-length value that cannot be shared.
    const sizeWith = (padding: number, repeat: boolean) => {
      const first = 'repeated-value-0123456789';
      const second = repeat ? first : 'distinct-value-0123456789';
      const buffer = writeMmdb(
        [
          { network: '1.0.0.0/8', data: { pad: 'p'.repeat(padding), first } },
          { network: '2.0.0.0/8', data: { second } },
        ],
        BASE_OPTIONS,
      );
      const reader = open(buffer);
      expect(reader.get('1.1.1.1')).toEqual({ pad: 'p'.repeat(padding), first: 'repeated-value-0123456789' });
      expect(reader.get('2.2.2.2')).toEqual({ second });
      return sections(buffer).dataSize;
    };
    const inline = 1 + 'repeated-value-0123456789'.length; // control byte + 25 bytes
    // The first copy sits after the padding string, at an offset of about `padding` bytes.
    for (const [padding, pointerSize] of [
      [10, 2],
      [5_000, 3],
      [600_000, 4],
    ] as const) {
      expect(sizeWith(padding, false) - sizeWith(padding, true), `padding ${padding}`).toBe(inline - pointerSize);
    }
  });

  it('infers MMDB types from JS values', () => {
    const buffer = writeMmdb([{ network: '1.0.0.0/8', data: { u: 5, big: 2 ** 33, neg: -5, frac: 0.5, b: 1n } }], BASE_OPTIONS);
    expect(open(buffer).get('1.2.3.4')).toEqual({ u: 5, big: 2n ** 33n, neg: -5, frac: 0.5, b: 1n });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['null', { a: null }, /null/],
    ['undefined', { a: undefined }, /undefined/],
    ['a Date', { a: new Date(0) }, /cannot store object/],
    ['a function', { a: () => 1 }, /cannot store function/],
    ['a negative bigint', { a: -1n }, /out of range for uint64/],
    ['a bigint >= 2^128', { a: 2n ** 128n }, /out of range for uint128/],
    ['a number >= 2^64', { a: 2 ** 64 }, /out of range for uint64/],
    ['uint16 overflow', { a: mmdbType.uint16(65_536) }, /out of range for uint16/],
    ['a fractional uint32', { a: mmdbType.uint32(1.5) }, /needs an integer/],
    ['int32 overflow', { a: mmdbType.int32(2 ** 31) }, /out of range for int32/],
    ['a nested null', { a: { b: [1, null] } }, /\.a\.b\[1\].*null/],
  ])('rejects %s', (_, data, message) => {
    expect(() => writeMmdb([{ network: '1.0.0.0/8', data }], BASE_OPTIONS)).toThrow(message);
  });
});

// ---------------------------------------------------------------------------------------------
// Search tree
// ---------------------------------------------------------------------------------------------

const london = { city: 'London' };
const gb = { country: 'GB' };

describe('writeMmdb: search tree', () => {
  it('writes the metadata the spec requires', () => {
    const buffer = writeMmdb([{ network: '81.2.69.0/24', data: london }], {
      databaseType: 'GeoLite2-City',
      buildEpoch: FIXTURE_BUILD_EPOCH,
      languages: ['en', 'de'],
      description: { en: 'English', de: 'Deutsch' },
    });
    const { metadata } = open(buffer);
    expect(metadata).toMatchObject({
      binaryFormatMajorVersion: 2,
      binaryFormatMinorVersion: 0,
      buildEpoch: new Date('2026-10-01T00:00:00Z'),
      databaseType: 'GeoLite2-City',
      description: { en: 'English', de: 'Deutsch' },
      ipVersion: 6,
      languages: ['en', 'de'],
      recordSize: 28,
    });
    expectWellFormedTree(buffer);
  });

  it.each<[Partial<MmdbOptions>, number]>([
    // A lone IPv4 /8 needs one node per bit above it: 8 in an IPv4 tree; 96 more in an IPv6 tree;
    // the ::ffff:0:0/96 alias adds the 15 nodes below ::/80 on its path (depths 81-95), and the
    // 2002::/16 alias the 13 below ::/2 on its path (depths 3-15).
    [{ ipVersion: 4 }, 8],
    [{ ipVersion: 6, ipv4Aliases: false }, 104],
    [{ ipVersion: 6 }, 132],
  ])('counts nodes exactly (%o)', (options, nodeCount) => {
    const buffer = writeMmdb([{ network: '1.0.0.0/8', data: gb }], { ...BASE_OPTIONS, ...options });
    expect(open(buffer).metadata.nodeCount).toBe(nodeCount);
    expectWellFormedTree(buffer);
  });

  for (const recordSize of [24, 28, 32] as const) {
    for (const ipVersion of [4, 6] as const) {
      it(`finds IPv4${ipVersion === 6 ? ' and IPv6' : ''} networks with ${recordSize}-bit records in an IPv${ipVersion} tree`, () => {
        const entries: MmdbEntry[] = [
          { network: '81.2.69.0/24', data: london },
          { network: '2.125.160.0/19', data: { country: 'FR' } },
          { network: '0.0.0.0/1', data: { half: 'lower' } },
          { network: '255.255.255.255/32', data: { last: true } },
          ...(ipVersion === 6
            ? [
                { network: '2a02:cf40::/29', data: { city: 'Oslo' } },
                { network: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', data: { last6: true } },
              ]
            : []),
        ];
        const buffer = writeMmdb(entries, { ...BASE_OPTIONS, recordSize, ipVersion });
        const reader = open(buffer);
        expect(reader.metadata).toMatchObject({ recordSize, ipVersion });
        expect(reader.getWithPrefixLength('81.2.69.142')).toEqual([london, 24]);
        expect(reader.getWithPrefixLength('2.125.191.255')).toEqual([{ country: 'FR' }, 19]);
        expect(reader.get('2.125.192.0')).toEqual({ half: 'lower' });
        expect(reader.get('127.255.255.255')).toEqual({ half: 'lower' });
        expect(reader.get('128.0.0.0')).toBeNull();
        expect(reader.get('255.255.255.254')).toBeNull();
        expect(reader.get('255.255.255.255')).toEqual({ last: true });
        if (ipVersion === 6) {
          expect(reader.getWithPrefixLength('2a02:cf47:ffff::1')).toEqual([{ city: 'Oslo' }, 29]);
          expect(reader.get('2a02:cf48::')).toBeNull();
          expect(reader.get('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toEqual({ last6: true });
          expect(reader.get('::ffff:81.2.69.142')).toEqual(london);
          expect(reader.get('::81.2.69.142')).toEqual(london);
          expect(reader.get('2002:5102:458e::')).toEqual(london);
        }
        expectWellFormedTree(buffer);
      });
    }
  }

  it.each([28, 32] as const)('stores record values beyond 24 bits in %i-bit records', (recordSize) => {
    const buffer = writeMmdb(bigDataEntries(), { ...BASE_OPTIONS, recordSize });
    const reader = open(buffer);
    expect(reader.get('2.2.2.2')).toEqual({ before: 'padding' });
    expect(reader.get('3.3.3.3')).toEqual({ after: 'padding' });
    expect((reader.get('1.1.1.1') as { pad: string }).pad).toHaveLength(2 ** 24);
    // 2.0.0.0/8 and 3.0.0.0/8 are the left and right records of one node; only the right one
    // needs bits above 24 (the 28-bit layout keeps those in the shared middle byte).
    const { nodeCount } = reader.metadata;
    const records = treeRecords(buffer, nodeCount, recordSize);
    expect(records.some((r) => r >= 2 ** 24)).toBe(true);
    expectWellFormedTree(buffer);
  });

  it('refuses data that 24-bit records cannot address', () => {
    expect(() => writeMmdb(bigDataEntries(), { ...BASE_OPTIONS, recordSize: 24 })).toThrow(/overflow 24-bit records/);
  });

  it('lets a more specific network override its containing network, in either insertion order', () => {
    const wide = { network: '81.0.0.0/8', data: gb };
    const narrow = { network: '81.2.69.0/24', data: london };
    for (const entries of [
      [wide, narrow],
      [narrow, wide],
    ]) {
      const reader = open(writeMmdb(entries, BASE_OPTIONS));
      expect(reader.get('81.2.69.142')).toEqual(london);
      expect(reader.get('81.2.69.0')).toEqual(london);
      expect(reader.get('81.2.69.255')).toEqual(london);
      expect(reader.get('81.2.68.255')).toEqual(gb);
      expect(reader.get('81.2.70.0')).toEqual(gb);
      expect(reader.get('81.0.0.0')).toEqual(gb);
      expect(reader.get('81.255.255.255')).toEqual(gb);
      expect(reader.get('82.0.0.0')).toBeNull();
      expect(reader.get('80.255.255.255')).toBeNull();
    }
  });

  it('lets the later of two identical networks win, and covers everything with /0', () => {
    const reader = open(
      writeMmdb(
        [
          { network: '::/0', data: { any: 6 } },
          { network: '0.0.0.0/0', data: { any: 4 } },
          { network: '81.2.69.0/24', data: { v: 1 } },
          { network: '81.2.69.0/24', data: { v: 2 } },
        ],
        BASE_OPTIONS,
      ),
    );
    expect(reader.get('81.2.69.1')).toEqual({ v: 2 });
    expect(reader.get('8.8.8.8')).toEqual({ any: 4 });
    expect(reader.get('::ffff:8.8.8.8')).toEqual({ any: 4 }); // the alias beats ::/0
    expect(reader.get('2a02::1')).toEqual({ any: 6 });
  });

  it('leaves IPv4-mapped and 6to4 addresses unmapped when aliases are off', () => {
    const reader = open(writeMmdb([{ network: '81.2.69.0/24', data: london }], { ...BASE_OPTIONS, ipv4Aliases: false }));
    expect(reader.get('81.2.69.142')).toEqual(london);
    expect(reader.get('::ffff:81.2.69.142')).toBeNull();
    expect(reader.get('2002:5102:458e::')).toBeNull();
  });

  it.each<[string, RegExp]>([
    ['81.2.69.1/24', /host bits/],
    ['2a02:cf41::/29', /host bits/],
    ['81.2.69.0/33', /prefix length/],
    ['81.2.69.0/', /prefix length/],
    ['81.2.69.0/-1', /prefix length/],
    ['81.2.69/24', /bad address/],
    ['081.2.69.0/24', /bad address/],
    ['fe80::1%eth0/64', /bad address/],
    ['not an address', /bad address/],
    ['::ffff:81.2.69.0/120', /aliased to the IPv4 tree/],
    ['2002:5102::/32', /aliased to the IPv4 tree/],
  ])('rejects network %s', (network, message) => {
    expect(() => writeMmdb([{ network, data: gb }], BASE_OPTIONS)).toThrow(message);
  });

  it('rejects IPv6 networks in an IPv4 tree and bad options', () => {
    expect(() => writeMmdb([{ network: '2a02:cf40::/29', data: gb }], { ...BASE_OPTIONS, ipVersion: 4 })).toThrow(/IPv4/);
    expect(() => writeMmdb([], { ...BASE_OPTIONS, recordSize: 30 as 28 })).toThrow(/recordSize/);
    expect(() => writeMmdb([], { ...BASE_OPTIONS, ipVersion: 5 as 6 })).toThrow(/ipVersion/);
    expect(() => writeMmdb([], { ...BASE_OPTIONS, buildEpoch: 1.5 })).toThrow(/buildEpoch/);
    expect(() => writeMmdb([], { ...BASE_OPTIONS, buildEpoch: -1 })).toThrow(/buildEpoch/);
  });

  it('accepts IPv6 notation for IPv4 space and a bare address as a host network', () => {
    const reader = open(
      writeMmdb(
        [
          { network: '::5102:4500/120', data: london },
          { network: '81.2.69.142', data: { host: true } },
        ],
        BASE_OPTIONS,
      ),
    );
    expect(reader.get('81.2.69.1')).toEqual(london);
    expect(reader.getWithPrefixLength('81.2.69.142')).toEqual([{ host: true }, 32]);
  });
});

// ---------------------------------------------------------------------------------------------
// Fixture databases
// ---------------------------------------------------------------------------------------------

describe('fixture databases', () => {
  it.each<[string, () => Buffer, string]>([
    ['city', cityDatabase, 'GeoLite2-City'],
    ['country', countryDatabase, 'GeoLite2-Country'],
    ['asn', asnDatabase, 'GeoLite2-ASN'],
  ])('%s database metadata', (_, build, databaseType) => {
    const buffer = build();
    expect(open(buffer).metadata).toMatchObject({
      databaseType,
      buildEpoch: new Date('2026-10-01T00:00:00Z'),
      ipVersion: 6,
      recordSize: 28,
      languages: ['en'],
      binaryFormatMajorVersion: 2,
      binaryFormatMinorVersion: 0,
    });
    expectWellFormedTree(buffer);
    expect(build().equals(buffer), 'output is deterministic').toBe(true);
  });

  it.each(CITY_FIXTURE_EXPECTATIONS)('city lookup $ip', (expected) => {
    const { ip } = expected;
    const record = new Reader<CityResponse>(cityDatabase()).get(ip);
    if (expected.precision === 'not_found') {
      expect(record).toBeNull();
      return;
    }
    expect(record).not.toBeNull();
    expect(record!.country?.iso_code).toBe(expected.country);
    expect(record!.registered_country?.iso_code).toBe(expected.country);
    expect(record!.continent?.code).toMatch(/^[A-Z]{2}$/);
    expect(record!.city?.names.en ?? null).toBe(expected.city);
    expect(record!.subdivisions?.[0]?.iso_code ?? null).toBe(expected.subdivision);
    expect(record!.location).toEqual({
      latitude: expected.latitude,
      longitude: expected.longitude,
      accuracy_radius: expected.accuracyRadius,
      time_zone: expected.timeZone,
    });
    if (expected.precision === 'country_only') {
      expect(record!.city).toBeUndefined();
      expect(record!.subdivisions).toBeUndefined();
      expect(record!.postal).toBeUndefined();
    } else {
      expect(record!.city?.geoname_id).toBeTypeOf('number');
      expect(record!.subdivisions).toHaveLength(1);
    }
  });

  it.each(COUNTRY_FIXTURE_EXPECTATIONS)('country lookup $ip', (expected) => {
    const { ip } = expected;
    const record = new Reader<CountryResponse>(countryDatabase()).get(ip);
    if (expected.country === null) {
      expect(record).toBeNull();
      return;
    }
    expect(record!.country?.iso_code).toBe(expected.country);
    expect(Object.keys(record!).sort()).toEqual(['continent', 'country', 'registered_country']);
  });

  it.each(ASN_FIXTURE_EXPECTATIONS)('ASN lookup $ip', (expected) => {
    const { ip } = expected;
    const record = new Reader<AsnResponse>(asnDatabase()).get(ip);
    if (expected.asn === null) {
      expect(record).toBeNull();
      return;
    }
    expect(record).toEqual({ autonomous_system_number: expected.asn, autonomous_system_organization: expected.organization });
  });

  it('writes the databases to files maxmind.open() can read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-mmdb-test-'));
    try {
      const explicit = writeTestDatabases(path.join(dir, 'nested', 'dir'));
      expect(explicit).toEqual({
        city: path.join(dir, 'nested', 'dir', 'GeoLite2-City.mmdb'),
        country: path.join(dir, 'nested', 'dir', 'GeoLite2-Country.mmdb'),
        asn: path.join(dir, 'nested', 'dir', 'GeoLite2-ASN.mmdb'),
      });
      const city = await openMmdbFile<CityResponse>(explicit.city);
      expect(city.get('81.2.69.142')?.city?.names.en).toBe('London');
      const asn = await openMmdbFile<AsnResponse>(explicit.asn);
      expect(asn.get('81.2.69.142')?.autonomous_system_number).toBe(20712);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const fresh = writeTestDatabases();
    try {
      expect(path.basename(path.dirname(fresh.city))).toMatch(/^botmap-mmdb-/);
      expect(fs.readFileSync(fresh.country).equals(countryDatabase())).toBe(true);
    } finally {
      fs.rmSync(path.dirname(fresh.city), { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Property test: random networks against a naive longest-prefix reference
// ---------------------------------------------------------------------------------------------

interface RandomCase {
  name: string;
  options: MmdbOptions;
  entries: MmdbEntry[];
  /** Address queries, with the expected record (null for a miss). */
  queries: { ip: string; expected: unknown }[];
}

const V4_IN_V6 = 0xffffn << 32n; // ::ffff:0:0
const SIX_TO_FOUR = 0x2002n; // top 16 bits of 2002::/16

/**
 * Builds a database from a few hundred random, heavily nested networks and computes the
 * expected answer for many addresses by brute force: among the inserted networks containing
 * the address, the longest prefix wins, and among equal networks the later one.
 */
function randomCase(seed: number, options: Omit<MmdbOptions, 'databaseType' | 'buildEpoch'>): RandomCase {
  const rand = prng(seed);
  const v6 = options.ipVersion !== 4;
  const aliases = v6 && options.ipv4Aliases !== false;
  const treeBits = v6 ? 128 : 32;

  // Networks cluster around a few hotspots so that they nest and overlap a lot.
  const hotspots: { addr: bigint; family: 4 | 6 }[] = [];
  for (let i = 0; i < 16; i++) hotspots.push({ addr: randomBits(rand, 32), family: 4 });
  if (v6) {
    while (hotspots.length < 32) {
      const addr = randomBits(rand, 128);
      // Networks inside the aliased ranges are rejected by the writer.
      if (addr >> 32n === 0xffffn || addr >> 112n === SIX_TO_FOUR) continue;
      hotspots.push({ addr, family: 6 });
    }
    // IPv4 space written in IPv6 notation (::a.b.c.d).
    hotspots.push({ addr: randomBits(rand, 32), family: 6 }, { addr: randomBits(rand, 32), family: 6 });
  }

  // Mostly /8-/32 (IPv4) and /12-/128 (IPv6), with a few very wide networks. IPv4 space in IPv6
  // notation stays within ::/96, so that some IPv4 addresses remain unassigned.
  const pickPrefix = (family: 4 | 6, ipv4Space: boolean): number => {
    if (family === 4) return rand() < 0.03 ? 4 + randomInt(rand, 4) : 8 + randomInt(rand, 25);
    if (ipv4Space) return 96 + randomInt(rand, 33);
    return rand() < 0.03 ? 4 + randomInt(rand, 8) : 12 + randomInt(rand, 117);
  };

  const networks: { start: bigint; prefix: number; data: Record<string, unknown>; text: string }[] = [];
  const shared = { shared: true, names: { en: 'Shared record' } };
  for (let i = 0; i < 300; i++) {
    const { addr, family } = hotspots[randomInt(rand, hotspots.length)];
    const bits = family === 4 ? 32 : 128;
    const prefix = pickPrefix(family, addr <= 0xffff_ffffn);
    const start = (addr >> BigInt(bits - prefix)) << BigInt(bits - prefix);
    const text = `${family === 4 ? formatIPv4(start) : formatIPv6(start)}/${prefix}`;
    const data = i % 10 === 0 ? shared : { id: i, label: `net${i % 17}`, score: rand() * 100 - 50, flag: i % 3 === 0 };
    // In tree space an IPv4 /p of an IPv6 tree is ::a.b.c.d/(96+p).
    networks.push({ start, prefix: family === 4 && v6 ? prefix + 96 : prefix, data, text });
  }

  const reference = (raw: bigint): unknown => {
    let addr = raw;
    if (aliases && addr >> 32n === 0xffffn) addr &= 0xffff_ffffn;
    else if (aliases && addr >> 112n === SIX_TO_FOUR) addr = (addr >> 80n) & 0xffff_ffffn;
    let best: (typeof networks)[number] | null = null;
    for (const n of networks) {
      const shift = BigInt(treeBits - n.prefix);
      if (addr >> shift === n.start >> shift && (best === null || n.prefix >= best.prefix)) best = n;
    }
    return best?.data ?? null;
  };

  // Query the edges of every network, just outside them, a point inside, and random addresses.
  const raws = new Set<bigint>();
  const max = (1n << BigInt(treeBits)) - 1n;
  for (const n of networks) {
    const size = 1n << BigInt(treeBits - n.prefix);
    for (const a of [n.start, n.start + size - 1n, n.start - 1n, n.start + size, n.start + (randomBits(rand, 128) % size)]) {
      if (a >= 0n && a <= max) raws.add(a);
    }
  }
  for (let i = 0; i < 300; i++) raws.add(randomBits(rand, 32));
  if (v6) for (let i = 0; i < 300; i++) raws.add(randomBits(rand, 128));

  const queries: RandomCase['queries'] = [];
  for (const raw of raws) {
    if (!v6) {
      queries.push({ ip: formatIPv4(raw), expected: reference(raw) });
    } else if (raw <= 0xffff_ffffn) {
      // An IPv4 address, asked for as IPv4 and through its IPv6 forms.
      queries.push({ ip: formatIPv4(raw), expected: reference(raw) });
      queries.push({ ip: formatIPv6(raw), expected: reference(raw) });
      queries.push({ ip: formatIPv6(V4_IN_V6 | raw), expected: reference(V4_IN_V6 | raw) });
      const sixToFour = (SIX_TO_FOUR << 112n) | (raw << 80n) | randomBits(rand, 80);
      queries.push({ ip: formatIPv6(sixToFour), expected: reference(sixToFour) });
    } else {
      queries.push({ ip: formatIPv6(raw), expected: reference(raw) });
    }
  }
  return {
    name: `seed ${seed}, ${JSON.stringify(options)}`,
    options: { ...BASE_OPTIONS, ...options },
    entries: networks.map(({ text, data }) => ({ network: text, data })),
    queries,
  };
}

const RANDOM_CASES: RandomCase[] = [
  randomCase(1, {}),
  randomCase(2, { recordSize: 24 }),
  randomCase(3, { recordSize: 32, ipv4Aliases: false }),
  randomCase(4, { ipVersion: 4 }),
  randomCase(5, { ipVersion: 4, recordSize: 24 }),
];

describe('property: random networks against a naive longest-prefix reference', () => {
  it.each(RANDOM_CASES)('$name', (c) => {
    const buffer = writeMmdb(c.entries, c.options);
    expectWellFormedTree(buffer);
    const reader = open(buffer);
    let hits = 0;
    for (const { ip, expected } of c.queries) {
      expect(reader.get(ip), ip).toEqual(expected);
      if (expected !== null) hits++;
    }
    // Guard against a vacuous run: plenty of both hits and misses.
    expect(hits).toBeGreaterThan(c.queries.length / 20);
    expect(c.queries.length - hits).toBeGreaterThan(c.queries.length / 20);
  });
});

// ---------------------------------------------------------------------------------------------
// Cross-check with libmaxminddb
// ---------------------------------------------------------------------------------------------

describe('cross-check with libmaxminddb (mmdblookup)', () => {
  if (!HAVE_MMDBLOOKUP && REQUIRE_MMDBLOOKUP) {
    it('needs mmdblookup (package mmdb-bin)', () => {
      throw new Error(MMDBLOOKUP_MISSING);
    });
  }

  describe.runIf(HAVE_MMDBLOOKUP)('with mmdblookup', () => {
    let dir: string;
    let paths: TestDatabasePaths;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-mmdblookup-'));
      paths = writeTestDatabases(dir);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const writeTemp = (name: string, buffer: Buffer) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, buffer);
      return file;
    };

    it('reads the same metadata', () => {
      for (const [file, type, buffer] of [
        [paths.city, 'GeoLite2-City', cityDatabase()],
        [paths.country, 'GeoLite2-Country', countryDatabase()],
        [paths.asn, 'GeoLite2-ASN', asnDatabase()],
      ] as const) {
        const run = spawnSync('mmdblookup', ['--file', file, '--ip', '81.2.69.142', '--verbose'], { encoding: 'utf8' });
        expect(run.status, run.stderr).toBe(0);
        const { nodeCount } = open(buffer).metadata;
        expect(run.stdout).toMatch(new RegExp(`Node count:\\s+${nodeCount}\\n`));
        expect(run.stdout).toMatch(/Record size:\s+28 bits/);
        expect(run.stdout).toMatch(/IP version:\s+IPv6/);
        expect(run.stdout).toMatch(/Binary format:\s+2\.0/);
        expect(run.stdout).toMatch(new RegExp(`Build epoch:\\s+${FIXTURE_BUILD_EPOCH} \\(2026-10-01 00:00:00 UTC\\)`));
        expect(run.stdout).toMatch(new RegExp(`Type:\\s+${type}\\n`));
        expect(run.stdout).toMatch(/Languages:\s+en\n/);
        expect(run.stdout).toMatch(/en:\s+BotMap synthetic/);
      }
    });

    it.each(CITY_FIXTURE_EXPECTATIONS)('city database, $ip', (expected) => {
      const { ip } = expected;
      const whole = mmdblookup(paths.city, ip);
      const fromNpm = open(cityDatabase()).get(ip);
      if (expected.precision === 'not_found') {
        expect(whole.found).toBe(false);
        expect(fromNpm).toBeNull();
        return;
      }
      expectSameAsDump(fromNpm, whole.value!, ip);
      // The GeoIP2 schema's integer types.
      expect(typeAt(whole.value!, 'location', 'accuracy_radius')).toBe('uint16');
      expect(typeAt(whole.value!, 'country', 'geoname_id')).toBe('uint32');
      expect(typeAt(whole.value!, 'location', 'latitude')).toBe('double');

      // Path lookups (MMDB_aget_value).
      const at = (...keys: (string | number)[]) => {
        const r = mmdblookup(paths.city, ip, keys);
        return r.pathMismatch ? null : r.value!.value;
      };
      expect(at('country', 'iso_code')).toBe(expected.country);
      expect(at('city', 'names', 'en')).toBe(expected.city);
      expect(at('subdivisions', 0, 'iso_code')).toBe(expected.subdivision);
      expect(at('location', 'latitude')).toBeCloseTo(expected.latitude!, 6);
      expect(at('location', 'longitude')).toBeCloseTo(expected.longitude!, 6);
      expect(at('location', 'accuracy_radius')).toBe(expected.accuracyRadius);
      expect(at('location', 'time_zone')).toBe(expected.timeZone);
    });

    it('country and ASN databases', () => {
      const country = open(countryDatabase());
      for (const { ip, country: iso } of COUNTRY_FIXTURE_EXPECTATIONS) {
        const r = mmdblookup(paths.country, ip);
        expect(r.found, ip).toBe(iso !== null);
        if (r.value) expectSameAsDump(country.get(ip), r.value, ip);
        if (iso !== null) expect(mmdblookup(paths.country, ip, ['country', 'iso_code']).value?.value).toBe(iso);
      }
      const asn = open(asnDatabase());
      for (const { ip, asn: number, organization } of ASN_FIXTURE_EXPECTATIONS) {
        const r = mmdblookup(paths.asn, ip);
        expect(r.found, ip).toBe(number !== null);
        if (!r.value) continue;
        expectSameAsDump(asn.get(ip), r.value, ip);
        expect(r.value.value).toEqual({
          autonomous_system_number: { type: 'uint32', value: number },
          autonomous_system_organization: { type: 'utf8_string', value: organization },
        });
      }
    });

    it('decodes every data type the same way', () => {
      const buffer = writeMmdb([{ network: '81.2.69.0/24', data: everyTypeRecord() }], BASE_OPTIONS);
      const file = writeTemp('every-type.mmdb', buffer);
      const r = mmdblookup(file, '81.2.69.1');
      expectSameAsDump(open(buffer).get('81.2.69.1'), r.value!, 'record');
      const types = Object.fromEntries(
        Object.entries((r.value!.value as Record<string, Dumped>).numbers.value as Record<string, Dumped>).map(([k, v]) => [k, v.type]),
      );
      expect(types).toEqual({
        uint16_max: 'uint16',
        uint16_zero: 'uint16',
        uint32_zero: 'uint32',
        uint32_255: 'uint32',
        uint32_256: 'uint32',
        uint32_max: 'uint32',
        int32_min: 'int32',
        int32_minus_one: 'int32',
        int32_max: 'int32',
        int32_small: 'int32',
        uint64_from_number: 'uint64',
        uint64_max: 'uint64',
        uint128_max: 'uint128',
        uint128_zero: 'uint128',
        double: 'double',
        double_negative: 'double',
        double_negative_zero: 'double',
        double_big_negative: 'double',
        double_infinity: 'double',
        float: 'float',
      });
      expect(typeAt(r.value!, 'bytes')).toBe('bytes');
      expect(typeAt(r.value!, 'yes')).toBe('boolean');
      // Long pointers, as in the pointer-size test above.
      const pointers = writeMmdb(
        [
          { network: '1.0.0.0/8', data: { pad: 'p'.repeat(600_000), first: 'repeated-value' } },
          { network: '2.0.0.0/8', data: { second: 'repeated-value', again: { first: 'repeated-value' } } },
        ],
        BASE_OPTIONS,
      );
      const pointersFile = writeTemp('pointers.mmdb', pointers);
      expect(mmdblookup(pointersFile, '2.2.2.2').value).toEqual({
        type: 'map',
        value: {
          second: { type: 'utf8_string', value: 'repeated-value' },
          again: { type: 'map', value: { first: { type: 'utf8_string', value: 'repeated-value' } } },
        },
      });
    });

    it('reads record values beyond 24 bits', () => {
      const file = writeTemp('big.mmdb', writeMmdb(bigDataEntries(), BASE_OPTIONS));
      expect(mmdblookup(file, '2.2.2.2').value).toEqual({ type: 'map', value: { before: { type: 'utf8_string', value: 'padding' } } });
      expect(mmdblookup(file, '3.3.3.3').value).toEqual({ type: 'map', value: { after: { type: 'utf8_string', value: 'padding' } } });
      expect(mmdblookup(file, '4.4.4.4').found).toBe(false);
    });

    it.each(RANDOM_CASES)('random networks, $name', (c) => {
      const buffer = writeMmdb(c.entries, c.options);
      const file = writeTemp('random.mmdb', buffer);
      const reader = open(buffer);
      // A spread-out sample: one process per lookup is slow.
      const step = Math.max(1, Math.floor(c.queries.length / 60));
      for (let i = 0; i < c.queries.length; i += step) {
        const { ip, expected } = c.queries[i];
        const r = mmdblookup(file, ip);
        expect(r.found, ip).toBe(expected !== null);
        if (r.value) expectSameAsDump(reader.get(ip), r.value, ip);
      }
    });
  });
});
