/**
 * BotMap's lean .mmdb reader (src/locate/mmdb.ts) against the complete decoder it replaced: every
 * lookup must give the Location that mmdb-lib's `Reader.get` followed by BotMap's original
 * field picking gives, field for field, on the packaged GeoLite2 City database and on
 * databases built here to cover record sizes, IPv4-only trees, Country records, missing
 * fields, other value types, every size and pointer encoding, and records only a complete
 * decoder reads the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Reader, type CityResponse } from 'maxmind';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { normaliseAddress } from '../src/locate/address';
import { locateAddresses, openGeoDatabase, resolveDatabasePath, type GeoDatabase } from '../src/locate/database';
import { mmdbLayout, SearchTree } from '../src/locate/mmdb';
import type { Location } from '../src/types';
import { mmdbType, writeMmdb, type MmdbEntry, type MmdbOptions } from './support/mmdb-writer';
import { seededRandom } from './support/random';
import { CITY_FIXTURE_EXPECTATIONS, cityDatabase, countryDatabase } from './support/test-databases';

// --- The reference: BotMap's lookups before the lean reader ----------------------------------

const NOT_FOUND: Location = {
  precision: 'not_found',
  country: null,
  countryName: null,
  city: null,
  subdivision: null,
  latitude: null,
  longitude: null,
  accuracyRadius: null,
};

/** BotMap's `toLocation` as it was before the lean reader, verbatim. */
function referenceLocation(record: CityResponse | null): Location {
  if (!record) return NOT_FOUND;
  const country = record.country ?? record.registered_country;
  if (!country?.iso_code) return NOT_FOUND;
  const cityName = record.city?.names?.en ?? null;
  const loc = record.location;
  const hasPoint = loc != null && typeof loc.latitude === 'number' && typeof loc.longitude === 'number';
  return {
    precision: cityName && hasPoint ? 'city' : 'country_only',
    country: country.iso_code,
    countryName: country.names?.en ?? country.iso_code,
    city: cityName,
    subdivision: record.subdivisions?.[0]?.names?.en ?? null,
    latitude: hasPoint ? loc!.latitude : null,
    longitude: hasPoint ? loc!.longitude : null,
    accuracyRadius: loc?.accuracy_radius ?? null,
  };
}

const FIELDS = Object.keys(NOT_FOUND) as (keyof Location)[];
const show = (value: unknown) => (typeof value === 'bigint' ? `${value}n` : JSON.stringify(value));

/**
 * Looks every address up with BotMap and with the reference, and describes each field that
 * differs. BotMap looks up an address as the store holds it (`::ffff:a.b.c.d` is a.b.c.d), so
 * the reference is given that form too. Both databases stay open across the addresses, so
 * records met again come from BotMap's caches.
 */
function mismatches(database: GeoDatabase, reader: Reader<CityResponse>, ips: readonly string[]): string[] {
  const found: string[] = [];
  for (const ip of ips) {
    const actual = database.lookup(ip);
    const expected = referenceLocation(reader.get(normaliseAddress(ip)!.ip));
    for (const field of FIELDS) {
      if (!Object.is(actual[field], expected[field])) found.push(`${ip} ${field}: BotMap ${show(actual[field])}, reference ${show(expected[field])}`);
    }
    if (Object.keys(actual).length !== FIELDS.length) found.push(`${ip}: BotMap has fields ${Object.keys(actual).join(', ')}`);
  }
  return found;
}

/** The addresses whose records BotMap's lookups handed to mmdb-lib's complete decoder. */
function handedOver(database: GeoDatabase, ips: readonly string[]): string[] {
  const get = vi.spyOn(Reader.prototype, 'get');
  try {
    for (const ip of ips) database.lookup(ip);
    return get.mock.calls.map(([ip]) => ip);
  } finally {
    get.mockRestore();
  }
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-lean-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let written = 0;
/** BotMap's database and the reference reader on the same file. */
function openBoth(buffer: Buffer): { database: GeoDatabase; reader: Reader<CityResponse> } {
  const file = path.join(dir, `test-${written++}.mmdb`);
  fs.writeFileSync(file, buffer);
  return { database: openGeoDatabase(file), reader: new Reader<CityResponse>(buffer) };
}

// --- Addresses -------------------------------------------------------------------------------

const u32 = (random: () => number) => Math.floor(random() * 2 ** 32);
const byte = (random: () => number) => Math.floor(random() * 256);
const hextet = (random: () => number) => Math.floor(random() * 65536).toString(16);
const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** IPv6 forms that reach IPv4 data through an IPv6 tree: IPv4-mapped, 6to4, and spelled out. */
function ipv6FormsOf(ipv4: string): string[] {
  const [a, b, c, d] = ipv4.split('.').map(Number);
  const high = ((a << 8) | b).toString(16);
  const low = ((c << 8) | d).toString(16);
  return [`::ffff:${ipv4}`, `::ffff:${high}:${low}`, `2002:${high}:${low}::1`, `0:0:0:0:0:FFFF:${high}:${low}`];
}

// --- The packaged GeoLite2 City database -----------------------------------------------------

describe('the packaged GeoLite2 City database', () => {
  // Most of the IPv6 space is unallocated; these /16s hold many of the RIRs' allocations.
  const IPV6_BLOCKS = [0x2001, 0x2400, 0x2401, 0x2402, 0x2403, 0x2404, 0x2405, 0x2406, 0x2407, 0x2408, 0x2600, 0x2601, 0x2602, 0x2603, 0x2604, 0x2605, 0x2606, 0x2607, 0x2800, 0x2801, 0x2803, 0x2804, 0x2a00, 0x2a01, 0x2a02, 0x2a03, 0x2a04, 0x2a05, 0x2a06, 0x2a0a, 0x2a0b, 0x2a10, 0x2c0f];

  function sample(): { ipv4: string[]; ipv6: string[] } {
    const random = seededRandom(7_2026);
    const ipv4 = ['81.2.69.142', '8.8.8.8', '1.1.1.1', '0.0.0.0', '255.255.255.255', '10.0.0.1', '127.0.0.1', '89.160.20.128'];
    for (let i = 0; i < 8000; i++) ipv4.push(dotted(u32(random)));
    const ipv6 = ['2001:4860:4860::8888', '2606:4700:4700::1111', '2a02:cf40::1', '::', '::1', 'fe80::1', 'ff02::1'];
    for (let i = 0; i < 4000; i++) {
      const block = IPV6_BLOCKS[Math.floor(random() * IPV6_BLOCKS.length)].toString(16);
      // Mostly a few leading bits past the block, so that allocated networks are hit often.
      const second = (Math.floor(random() * 16) << 8).toString(16);
      ipv6.push(i % 4 === 0 ? `${block}:${hextet(random)}::${hextet(random)}` : `${block}:${second}:${hextet(random)}:${hextet(random)}:${hextet(random)}::${hextet(random)}`);
    }
    for (let i = 0; i < 500; i++) ipv6.push(...ipv6FormsOf(dotted(u32(random))));
    // Random global unicast: mostly not in the database.
    for (let i = 0; i < 500; i++) ipv6.push(`2${Math.floor(random() * 0x1000).toString(16).padStart(3, '0')}:${hextet(random)}:${hextet(random)}::${hextet(random)}`);
    return { ipv4, ipv6 };
  }

  it('gives the reference Location for thousands of IPv4 and IPv6 addresses', () => {
    const file = resolveDatabasePath(null);
    const database = openGeoDatabase(file);
    const reader = new Reader<CityResponse>(fs.readFileSync(file));
    const { ipv4, ipv6 } = sample();
    // MaxMind's records are all in the shape the lean reader reads itself.
    expect(handedOver(database, [...ipv4, ...ipv6])).toEqual([]);
    expect(mismatches(database, reader, ipv4).slice(0, 20)).toEqual([]);
    expect(mismatches(database, reader, ipv6).slice(0, 20)).toEqual([]);

    // The sample covers every outcome in both families.
    const tally = (ips: string[]) => {
      const counts: Record<string, number> = { city: 0, country_only: 0, not_found: 0 };
      for (const ip of ips) counts[database.lookup(ip).precision]++;
      return counts;
    };
    const v4 = tally(ipv4);
    const v6 = tally(ipv6);
    expect(v4.city).toBeGreaterThan(3000);
    expect(v4.country_only).toBeGreaterThan(300);
    expect(v4.not_found).toBeGreaterThan(300);
    expect(v6.city + v6.country_only).toBeGreaterThan(1500);
    expect(v6.not_found).toBeGreaterThan(500);
  });

  it('gives the same answers the second time, from its caches', () => {
    const database = openGeoDatabase(resolveDatabasePath(null));
    const { ipv4, ipv6 } = sample();
    const ips = [...ipv4.slice(0, 2000), ...ipv6.slice(0, 1000)];
    const first = ips.map((ip) => database.lookup(ip));
    expect(ips.map((ip) => database.lookup(ip))).toEqual(first);
  });
});

// --- The fixture databases -------------------------------------------------------------------

describe('the fixture City and Country databases', () => {
  const probes = () => {
    const random = seededRandom(31);
    const ips = CITY_FIXTURE_EXPECTATIONS.map((e) => e.ip);
    for (const base of ['81.2.69', '175.16.199', '216.160.83', '216.160.82', '2.125.160', '89.160.20']) {
      for (let i = 0; i < 20; i++) ips.push(`${base}.${byte(random)}`);
    }
    for (let i = 0; i < 50; i++) ips.push(dotted(u32(random)));
    for (let i = 0; i < 20; i++) ips.push(`2a02:cf4${Math.floor(random() * 16).toString(16)}::${hextet(random)}`, `2001:67c:2e8:${hextet(random)}::1`);
    ips.push(...ipv6FormsOf('81.2.69.142'), ...ipv6FormsOf('175.16.199.1'));
    return ips;
  };

  it.each([
    ['City', cityDatabase],
    ['Country', countryDatabase],
  ])('%s', (_, build) => {
    const { database, reader } = openBoth(build());
    expect(mismatches(database, reader, probes())).toEqual([]);
  });
});

// --- Databases with every shape of record ----------------------------------------------------

const LANGUAGES = ['de', 'en', 'es', 'fr', 'ja', 'pt-BR', 'ru', 'zh-CN'];
const namesOf = (en: string) => Object.fromEntries(LANGUAGES.map((l) => [l, l === 'en' ? en : `${en} (${l})`]));

const COUNTRIES = ['GB', 'FR', 'NO', 'CN', 'US', 'NZ', 'BR', 'KE'].map((iso, i) => ({
  geoname_id: 1000 + i,
  iso_code: iso,
  names: namesOf(`Country ${iso}`),
}));
const CONTINENT = { code: 'EU', geoname_id: 6255148, names: namesOf('Europe') };

/**
 * The country of record `k`. The last three countries appear nowhere else and only in the last
 * fifth of the records, so that later records reach them through the longer pointer encodings.
 */
const countryOf = (k: number, count: number) => COUNTRIES[k < count * 0.8 ? k % 5 : 5 + (k % 3)];
const earlyCountry = (k: number) => COUNTRIES[k % 5];

/** A GeoLite2-like City record, unique to `k` (its postal code pads the data section). */
function cityRecord(k: number, count: number): Record<string, unknown> {
  const country = countryOf(k, count);
  return {
    city: { geoname_id: 10_000 + (k >> 1), names: namesOf(`City ${k >> 1}`) },
    continent: CONTINENT,
    country,
    location: {
      accuracy_radius: mmdbType.uint16(k % 1001),
      latitude: mmdbType.double(((k * 7919) % 18000) / 100 - 90),
      longitude: mmdbType.double(((k * 104729) % 36000) / 100 - 180),
      time_zone: 'Europe/London',
    },
    postal: { code: `${'P'.repeat(300)}${k}` },
    registered_country: earlyCountry(k + 1),
    subdivisions: [
      { geoname_id: 20_000 + (k % 40), iso_code: `S${k % 40}`, names: namesOf(`Region ${k % 40}`) },
      { geoname_id: 30_000 + (k % 7), iso_code: `T${k % 7}`, names: namesOf(`County ${k % 7}`) },
    ],
  };
}

/** Values of every type and size encoding, in fields BotMap does not read (so they are skipped). */
const EVERY_TYPE = {
  bytes: mmdbType.bytes(Uint8Array.from([0, 1, 2, 255])),
  empty_bytes: mmdbType.bytes(new Uint8Array(0)),
  yes: true,
  no: false,
  uint16: mmdbType.uint16(65535),
  uint32: mmdbType.uint32(4_294_967_295),
  zero: mmdbType.uint32(0),
  int32: mmdbType.int32(-2_147_483_648),
  small_int32: mmdbType.int32(7),
  uint64: mmdbType.uint64(2n ** 64n - 1n),
  uint128: mmdbType.uint128(2n ** 128n - 1n),
  float: mmdbType.float(1.5),
  double: mmdbType.double(-0),
  empty_map: {},
  empty_array: [],
  nested: [[1, [2, { deep: ['x', { deeper: true }] }]], { a: { b: { c: 'd' } } }],
  string_29: 'x'.repeat(40),
  string_285: 'y'.repeat(300),
  string_65821: 'z'.repeat(70_000),
  many_keys: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`key${i}`, i])),
  long_array: Array.from({ length: 40 }, (_, i) => i),
};

type RecordMaker = (k: number, count: number) => Record<string, unknown>;

/** Records with BotMap's fields missing, empty, of other types, or in unusual places. */
const USUAL_VARIANTS: Record<string, RecordMaker> = {
  full: cityRecord,
  countryLevel: (k, count) => {
    const { city: _city, subdivisions: _subdivisions, ...rest } = cityRecord(k, count);
    return rest;
  },
  countrySchema: (k, count) => ({ continent: CONTINENT, country: countryOf(k, count), registered_country: COUNTRIES[0] }),
  registeredOnly: (k) => ({ registered_country: earlyCountry(k), location: { latitude: 1.5, longitude: 2.5 } }),
  countryWithoutIsoCode: (k, count) => ({ ...cityRecord(k, count), country: { geoname_id: 5, names: namesOf('Nowhere') } }),
  countryWithoutNames: (k, count) => ({ ...cityRecord(k, count), country: { iso_code: 'XK' } }),
  countryNamesWithoutEnglish: (k, count) => ({ ...cityRecord(k, count), country: { iso_code: 'XK', names: { de: 'Kosovo' } } }),
  emptyIsoCode: (k, count) => ({ ...cityRecord(k, count), country: { iso_code: '', names: namesOf('Empty') } }),
  noLocation: (k, count) => {
    const { location: _location, ...rest } = cityRecord(k, count);
    return rest;
  },
  latitudeOnly: (k, count) => ({ ...cityRecord(k, count), location: { latitude: 10.25, accuracy_radius: mmdbType.uint16(5) } }),
  accuracyOnly: (k, count) => ({ ...cityRecord(k, count), location: { accuracy_radius: mmdbType.uint16(50) } }),
  emptyLocation: (k, count) => ({ ...cityRecord(k, count), location: {} }),
  cityWithoutNames: (k, count) => ({ ...cityRecord(k, count), city: { geoname_id: 9 } }),
  cityNamesWithoutEnglish: (k, count) => ({ ...cityRecord(k, count), city: { names: { fr: 'Ville' } } }),
  emptyCityName: (k, count) => ({ ...cityRecord(k, count), city: { names: { en: '' } } }),
  emptySubdivisions: (k, count) => ({ ...cityRecord(k, count), subdivisions: [] }),
  subdivisionWithoutNames: (k, count) => ({ ...cityRecord(k, count), subdivisions: [{ iso_code: 'Q' }, { names: { en: 'Second' } }] }),
  nonAsciiNames: (k, count) => ({
    ...cityRecord(k, count),
    city: { names: { en: `Zürich ${k}`, ja: 'チューリッヒ' } },
    subdivisions: [{ names: { en: 'Île-de-France 🗼' } }],
  }),
  longNames: (k, count) => ({
    ...cityRecord(k, count),
    city: { names: { en: `Llanfairpwllgwyngyll ${'-'.repeat(30)} ${k}` } },
    subdivisions: [{ names: { en: 'S'.repeat(300) } }],
    country: { iso_code: 'LN', names: { en: 'C'.repeat(66_000) } },
  }),
  manyLanguages: (k, count) => ({
    ...cityRecord(k, count),
    city: { names: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`l${i}`, `Name ${i}`]).concat([['en', `City of forty names ${k}`]])) },
  }),
  otherNumberTypes: (k, count) => ({
    ...cityRecord(k, count),
    location: { latitude: mmdbType.float(12.5), longitude: mmdbType.int32(-77), accuracy_radius: mmdbType.uint32(100_000) },
  }),
  smallIntegers: (k, count) => ({
    ...cityRecord(k, count),
    location: { latitude: mmdbType.uint16(0), longitude: mmdbType.int32(3), accuracy_radius: mmdbType.int32(-1) },
  }),
  // Keys as long as the ones BotMap reads, after them: only the right key may be read.
  lookalikeKeys: (k, count) => {
    const decoy = { iso_codx: 'XX', namex: { en: 'Decoy' } };
    const record = cityRecord(k, count) as { city: object; country: object; location: object };
    return {
      ...record,
      city: { ...record.city, ...decoy },
      country: { ...record.country, ...decoy },
      location: { ...record.location, latitudx: 1, longitudx: 2, accuracy_radiux: 3 },
      citx: decoy,
      countrx: decoy,
      locatiox: { latitude: 3, longitude: 4 },
      subdivisionx: [decoy],
      registered_countrx: decoy,
    };
  },
  everyTypeSkipped: (k, count) => ({ ...cityRecord(k, count), extra: EVERY_TYPE, traits: { is_anycast: true }, represented_country: COUNTRIES[3] }),
  everyTypeInside: (k, count) => {
    const record = cityRecord(k, count) as { city: object; location: object };
    return { ...record, city: { ...EVERY_TYPE, ...record.city }, location: { ...EVERY_TYPE, ...record.location } };
  },
};

/** Shapes only a complete decoder reads the reference's way: the lean reader hands them over. */
const HANDED_OVER_VARIANTS: Record<string, RecordMaker> = {
  latitudeAsText: (k, count) => ({ ...cityRecord(k, count), location: { latitude: '51.5', longitude: 0.1 } }),
  isoCodeAsNumber: (k, count) => ({ ...cityRecord(k, count), country: { iso_code: 826, names: { en: 'Numbered' } } }),
  namesAsText: (k, count) => ({ ...cityRecord(k, count), city: { names: 'London' } }),
  countryAsText: (k, count) => ({ ...cityRecord(k, count), country: 'GB' }),
  subdivisionsAsMap: (k, count) => ({ ...cityRecord(k, count), subdivisions: { 0: { names: { en: 'Zeroth' } } } }),
  locationAsArray: (k, count) => ({ ...cityRecord(k, count), location: [1, 2] }),
  bigIntegerRadius: (k, count) => ({ ...cityRecord(k, count), location: { latitude: 1, longitude: 2, accuracy_radius: mmdbType.uint64(5) } }),
  booleanIsoCode: (k, count) => ({ ...cityRecord(k, count), country: { iso_code: true } }),
  protoKey: () => ({ ['__proto__']: { country: COUNTRIES[2], city: { names: { en: 'Inherited' } } }, location: { latitude: 1, longitude: 2 } }),
  protoKeyInNames: (k, count) => ({ ...cityRecord(k, count), city: { names: { ['__proto__']: { en: 'Inherited' } } } }),
};

interface Generated {
  entries: MmdbEntry[];
  /** Addresses in every network and outside them all. */
  probes: string[];
}

/**
 * `count` /24 networks (and in IPv6 trees as many /48s), their records cycling through the
 * variants, plus a /16 with networks of its own inside it.
 */
function generated(count: number, ipVersion: 4 | 6, seed: number): Generated {
  const random = seededRandom(seed);
  const makers = [...Object.values(USUAL_VARIANTS), ...Object.values(HANDED_OVER_VARIANTS)];
  const entries: MmdbEntry[] = [];
  const probes: string[] = [];
  for (let k = 0; k < count; k++) {
    const data = makers[k % makers.length](k, count);
    const prefix = `11.${k >> 8}.${k & 255}`;
    entries.push({ network: `${prefix}.0/24`, data });
    probes.push(`${prefix}.${byte(random)}`);
    if (ipVersion === 6) {
      const v6 = `2001:db8:${k.toString(16)}`;
      entries.push({ network: `${v6}::/48`, data: makers[(k * 7 + 3) % makers.length](k, count) });
      probes.push(`${v6}:${hextet(random)}::${hextet(random)}`);
    }
  }
  entries.push({ network: '12.0.0.0/16', data: USUAL_VARIANTS.countrySchema(1, count) }, { network: '12.0.7.0/24', data: cityRecord(3, count) });
  probes.push('12.0.6.255', '12.0.7.0', '12.0.7.255', '12.0.8.0', '12.1.0.0');
  // Not in the database: beyond the /24s, and elsewhere.
  for (let i = 0; i < 200; i++) probes.push(`11.${200 + (i % 50)}.${byte(random)}.${byte(random)}`, dotted(u32(random)));
  if (ipVersion === 6) {
    for (let i = 0; i < 100; i++) probes.push(`2001:db9::${hextet(random)}`, `3fff:${hextet(random)}::1`);
    for (let i = 0; i < 50; i++) probes.push(...ipv6FormsOf(`11.${i}.${byte(random)}.${byte(random)}`));
  }
  return { entries, probes };
}

const BASE: MmdbOptions = { databaseType: 'GeoIP2-City', buildEpoch: 1_780_000_000 };

describe('databases with every shape of record', () => {
  it('covers every record size and both tree kinds', () => {
    for (const recordSize of [24, 28, 32] as const) {
      for (const ipVersion of [4, 6] as const) {
        const { entries, probes } = generated(300, ipVersion, recordSize * ipVersion);
        const { database, reader } = openBoth(writeMmdb(entries, { ...BASE, recordSize, ipVersion }));
        expect(mismatches(database, reader, probes), `record size ${recordSize}, IPv${ipVersion} tree`).toEqual([]);
      }
    }
  });

  it('follows pointers of every encoding in a large data section', () => {
    const { entries, probes } = generated(2000, 6, 1);
    const buffer = writeMmdb(entries, { ...BASE, recordSize: 28 });
    // Pointers take 2, 3 or 4 bytes below 2 KiB, 514 KiB and 128 MiB (5 bytes above: see
    // below); the countries that first appear in the last fifth of the records are reached
    // with 4-byte pointers.
    expect(buffer.length).toBeGreaterThan(1_000_000);
    const { database, reader } = openBoth(buffer);
    expect(mismatches(database, reader, probes)).toEqual([]);
    // The test's own writer takes most of the time (28 s of 31 on a shared, loaded 2-core machine).
  }, 90_000);

  it('hands over only the records it does not expect', () => {
    const makers = { ...USUAL_VARIANTS, ...HANDED_OVER_VARIANTS };
    const names = Object.keys(makers);
    const entries = Object.values(makers).map((make, i) => ({ network: `11.0.${i}.0/24`, data: make(i, names.length) }));
    const { database } = openBoth(writeMmdb(entries, BASE));
    const over = handedOver(database, names.map((_, i) => `11.0.${i}.1`));
    expect(over.map((ip) => names[Number(ip.split('.')[2])])).toEqual(Object.keys(HANDED_OVER_VARIANTS));
  });

  it('follows a pointer of the 5-byte encoding, and hands over a pointer to a pointer', () => {
    const place = { iso_code: 'NZ', names: { en: 'Pointed To' } };
    const buffer = writeMmdb(
      [
        { network: '1.0.0.0/8', data: place },
        { network: '2.0.0.0/8', data: { country: 'ABCD', location: { latitude: 1.5, longitude: 2.5 } } },
        { network: '3.0.0.0/8', data: { city: place } },
      ],
      { ...BASE, ipVersion: 4 },
    );
    const layout = mmdbLayout(buffer, new Reader(buffer).metadata);
    const tree = new SearchTree(layout);
    const placeOffset = tree.recordOffset(normaliseAddress('1.1.1.1')!) - layout.dataStart;
    // Record 3 is a map of one entry: its control byte, the key "city" (new, so inline: 1 + 4
    // bytes), then a pointer to record 1.
    const pointerOffset = tree.recordOffset(normaliseAddress('3.3.3.3')!) - layout.dataStart + 1 + 5;
    expect(buffer[layout.dataStart + pointerOffset] >> 5).toBe(1);
    // Record 2's country, a 4-byte string (control byte 0x44), becomes a 5-byte pointer.
    const country = buffer.indexOf(Buffer.from('\x44ABCD', 'latin1'), layout.dataStart);
    expect(country).toBeGreaterThan(0);
    const pointTo = (offset: number) => {
      const copy = Buffer.from(buffer);
      copy[country] = 0x38;
      copy.writeUInt32BE(offset, country + 1);
      return copy;
    };

    const direct = openBoth(pointTo(placeOffset));
    expect(handedOver(direct.database, ['2.2.2.2'])).toEqual([]);
    expect(direct.database.lookup('2.2.2.2')).toMatchObject({ country: 'NZ', countryName: 'Pointed To', latitude: 1.5 });
    expect(mismatches(direct.database, direct.reader, ['1.1.1.1', '2.2.2.2', '3.3.3.3'])).toEqual([]);

    const twice = openBoth(pointTo(pointerOffset));
    expect(handedOver(twice.database, ['2.2.2.2'])).toEqual(['2.2.2.2']);
    expect(twice.database.lookup('2.2.2.2').country).toBe('NZ');
    expect(mismatches(twice.database, twice.reader, ['1.1.1.1', '2.2.2.2', '3.3.3.3'])).toEqual([]);
  });

  it('reads IPv4 addresses in an IPv6 tree without the IPv4-mapped aliases', () => {
    const { entries, probes } = generated(100, 6, 5);
    const { database, reader } = openBoth(writeMmdb(entries, { ...BASE, ipv4Aliases: false }));
    expect(mismatches(database, reader, probes)).toEqual([]);
    // IPv4 lives under ::/96 in an IPv6 tree: the IPv4-mapped ::ffff:11.0.1.1, looked up as the
    // IPv6 address it is, finds nothing here.
    const mapped = { ip: '::ffff:b00:101', version: 6, isPublic: true, range: 'unicast', words: Uint32Array.of(0, 0, 0xffff, 0x0b000101) } as const;
    expect(database.lookup(mapped).precision).toBe('not_found');
    expect(database.lookup('11.0.1.1').precision).not.toBe('not_found');
  });

  it('reads a record that covers all of IPv4, or all addresses', () => {
    for (const network of ['0.0.0.0/0', '::/0']) {
      const { database, reader } = openBoth(writeMmdb([{ network, data: cityRecord(1, 10) }], { ...BASE, ipv4Aliases: false }));
      expect(mismatches(database, reader, ['1.2.3.4', '255.255.255.255', '::1', '2001:db8::1'])).toEqual([]);
      expect(database.lookup('1.2.3.4').precision).toBe('city');
    }
  });
});

// --- Where BotMap differs from mmdb-lib on purpose -------------------------------------------

describe('addresses a database cannot answer for', () => {
  it('an IPv4-only database has no records for IPv6 addresses', () => {
    const buffer = writeMmdb([{ network: '42.2.0.0/16', data: cityRecord(1, 10) }], { ...BASE, ipVersion: 4 });
    const { database, reader } = openBoth(buffer);
    // mmdb-lib walks an IPv6 address's first 32 bits (2a02:cf40:: → 42.2.207.64) as if they
    // were an IPv4 address; BotMap finds nothing rather than another network's place.
    expect(reader.get('2a02:cf40::1')).not.toBeNull();
    expect(database.lookup('2a02:cf40::1')).toEqual(NOT_FOUND);
    expect(database.lookup('42.2.207.64').precision).toBe('city');
  });

  it('refuses text that is not an address', () => {
    const { database } = openBoth(cityDatabase());
    for (const text of ['', 'localhost', '1.2.3', '1.2.3.256', '1.2.3.4.5', '1..2.3', '01.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1::', '1:2:3:4:5:6:7:8::', '12345::', 'g::1', '::ffff:1.2.3', '1.2.3.4::']) {
      expect(() => database.lookup(text), text).toThrow(/^Not an IP address: /);
    }
  });
});

describe('counting lookups', () => {
  it('walks the search tree once per public address (what the bench counts)', () => {
    const { database } = openBoth(cityDatabase());
    const walks = vi.spyOn(SearchTree.prototype, 'recordOffset');
    try {
      const addresses = ['81.2.69.142', '10.0.0.1', '81.2.69.143', '2a02:cf40::1', '89.160.20.128'].map((a) => normaliseAddress(a)!);
      locateAddresses(addresses, database);
      expect(walks.mock.calls.map(([address]) => address.ip)).toEqual(['81.2.69.142', '81.2.69.143', '2a02:cf40::1', '89.160.20.128']);
    } finally {
      walks.mockRestore();
    }
  });
});
