/**
 * Agreement with the reference implementation: thousands of addresses looked up through BotMap
 * (`openGeoDatabase().lookup`, the `maxmind` npm reader plus BotMap's reading of the record) and
 * through MaxMind's own C library (`mmdblookup`, Debian package mmdb-bin) on the same database
 * file, the packaged GeoLite2 City. Country, city, latitude and longitude must be identical for
 * every address (and precision, subdivision and accuracy radius too).
 *
 * The addresses are drawn with a seeded generator, so every run checks the same ones: public
 * IPv4 addresses from the whole space, IPv6 addresses inside allocated ranges (taken from the
 * packaged ASN data, so most are found) and from all of 2000::/3 (mostly misses).
 *
 * mmdblookup is required unless BOTMAP_REQUIRE_MMDBLOOKUP=0 (as in mmdb-writer.test.ts).
 */
import { execFile, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { normaliseAddress } from '../src/locate/address';
import { openGeoDatabase, resolveDatabasePath } from '../src/locate/database';
import { loadPackagedTable } from '../src/locate/networks';
import type { Location } from '../src/types';
import { seededRandom } from './support/random';

const HAVE_MMDBLOOKUP = !spawnSync('mmdblookup', ['--version'], { encoding: 'utf8' }).error;
const REQUIRE_MMDBLOOKUP = process.env.BOTMAP_REQUIRE_MMDBLOOKUP !== '0';
const MMDBLOOKUP_MISSING =
  'mmdblookup (libmaxminddb) is not on PATH, so BotMap cannot be checked against MaxMind\'s C reader. ' +
  'Install it: `sudo apt-get install mmdb-bin` (Debian/Ubuntu), `brew install libmaxminddb` (macOS). ' +
  'To run without it, set BOTMAP_REQUIRE_MMDBLOOKUP=0.';

const IPV4_COUNT = 4000;
const IPV6_ALLOCATED_COUNT = 1600;
const IPV6_ANYWHERE_COUNT = 400;

const random = seededRandom;

const u32 = (next: () => number) => Math.floor(next() * 4294967296) >>> 0;
const hextets = (words: readonly number[]) => words.flatMap((w) => [(w >>> 16).toString(16), (w & 0xffff).toString(16)]).join(':');

/** The deterministic sample: canonical public addresses, no duplicates. */
function sampleAddresses(): string[] {
  const next = random(20261126);
  const chosen = new Set<string>();
  const add = (text: string) => {
    const a = normaliseAddress(text);
    if (a?.isPublic) chosen.add(a.ip);
  };
  for (const fixed of ['81.2.69.142', '8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '2606:4700:4700::1111', '2a02:cf40::1']) add(fixed);
  while (chosen.size < 6 + IPV4_COUNT) {
    const n = u32(next);
    add([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  }
  // Inside allocated IPv6 ranges: a random range, then a random address in it (its first 64
  // bits from the range's start, the rest random when the range spans whole /64s).
  const v6 = loadPackagedTable(6);
  const target = chosen.size + IPV6_ALLOCATED_COUNT;
  while (chosen.size < target) {
    const i = Math.floor(next() * v6.length);
    const start = Array.from(v6.starts.subarray(i * 4, i * 4 + 4));
    const end = Array.from(v6.ends.subarray(i * 4, i * 4 + 4));
    const words = start[0] === end[0] && start[1] === end[1] && (start[2] !== 0 || start[3] !== 0 || end[2] !== 0xffffffff || end[3] !== 0xffffffff) ? start : [start[0], start[1], u32(next), u32(next)];
    add(hextets(words));
  }
  // Anywhere in global unicast space (2000::/3): mostly not in the database.
  while (chosen.size < target + IPV6_ANYWHERE_COUNT) add(hextets([((u32(next) & 0x1fffffff) | 0x20000000) >>> 0, u32(next), u32(next), u32(next)]));
  return [...chosen];
}

// --- mmdblookup ------------------------------------------------------------------------------

type Dumped = { [key: string]: Dumped } | Dumped[] | string;

/** Parses mmdblookup's dump (one token a line: braces, `"key":`, `value <type>`), keeping scalars as printed. */
function parseDump(text: string): Dumped {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  let i = 0;
  const value = (): Dumped => {
    const line = lines[i++];
    if (line === '{') {
      const map: { [key: string]: Dumped } = {};
      while (lines[i] !== '}') {
        const key = /^"(.*)":$/.exec(lines[i++]);
        if (!key) throw new Error(`unexpected mmdblookup line ${lines[i - 1]}`);
        map[key[1]] = value();
      }
      i++;
      return map;
    }
    if (line === '[') {
      const items: Dumped[] = [];
      while (lines[i] !== ']') items.push(value());
      i++;
      return items;
    }
    const scalar = /^(.*?)\s*<([a-z0-9_]+)>$/.exec(line);
    if (!scalar) throw new Error(`unexpected mmdblookup line ${line}`);
    return scalar[2] === 'utf8_string' ? scalar[1].slice(1, -1) : scalar[1];
  };
  return value();
}

/**
 * The records mmdblookup finds for `ips` (null where there is none), in order. Each worker is a
 * small shell looping over its share of the addresses: starting mmdblookup from it costs about a
 * millisecond, where starting it from this (large) Node process costs several.
 */
async function mmdblookupAll(file: string, ips: readonly string[], workers: number): Promise<(Dumped | null)[]> {
  const script = 'while IFS= read -r ip; do printf "@@begin %s\\n" "$ip"; mmdblookup --file "$0" --ip "$ip" 2>&1; printf "@@end %s\\n" "$?"; done';
  const share = Math.ceil(ips.length / workers);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const mine = ips.slice(w * share, (w + 1) * share);
      return new Promise<(Dumped | null)[]>((resolve, reject) => {
        const child = execFile('/bin/sh', ['-c', script, file], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 }, (error, stdout) => {
          if (error) return reject(error);
          try {
            resolve(parseBatch(stdout, mine));
          } catch (e) {
            reject(e);
          }
        });
        child.stdin!.end(mine.map((ip) => `${ip}\n`).join(''));
      });
    }),
  );
  return parts.flat();
}

/** Splits a worker's output into one record per address, checking each block's address and status. */
function parseBatch(output: string, ips: readonly string[]): (Dumped | null)[] {
  const blocks = output.split('@@begin ').slice(1);
  if (blocks.length !== ips.length) throw new Error(`mmdblookup answered ${blocks.length} of ${ips.length} addresses`);
  return blocks.map((block, i) => {
    const newline = block.indexOf('\n');
    const ip = block.slice(0, newline);
    const endAt = block.lastIndexOf('@@end ');
    const status = Number(block.slice(endAt + 6).trim());
    const body = block.slice(newline + 1, endAt);
    if (ip !== ips[i]) throw new Error(`mmdblookup output out of order: ${ip} for ${ips[i]}`);
    if (/Could not find an entry/.test(body)) return null;
    if (status !== 0) throw new Error(`mmdblookup --ip ${ip} failed (${status}): ${body}`);
    return parseDump(body);
  });
}

const at = (d: Dumped | null | undefined, ...keys: (string | number)[]): string | null => {
  let v: Dumped | null | undefined = d;
  for (const k of keys) v = v && typeof v === 'object' ? (v as Record<string | number, Dumped>)[k] : undefined;
  return typeof v === 'string' ? v : null;
};

/** What libmaxminddb's record says, in BotMap's terms (coordinates as printed: %f, 6 decimals). */
interface Reference {
  precision: Location['precision'];
  country: string | null;
  city: string | null;
  subdivision: string | null;
  latitude: string | null;
  longitude: string | null;
  accuracyRadius: number | null;
}

function reference(record: Dumped | null): Reference {
  const country = at(record, 'country', 'iso_code') ?? at(record, 'registered_country', 'iso_code');
  if (!country) return { precision: 'not_found', country: null, city: null, subdivision: null, latitude: null, longitude: null, accuracyRadius: null };
  const city = at(record, 'city', 'names', 'en');
  const latitude = at(record, 'location', 'latitude');
  const longitude = at(record, 'location', 'longitude');
  const radius = at(record, 'location', 'accuracy_radius');
  return {
    precision: city && latitude !== null && longitude !== null ? 'city' : 'country_only',
    country,
    city,
    subdivision: at(record, 'subdivisions', 0, 'names', 'en'),
    latitude,
    longitude,
    accuracyRadius: radius === null ? null : Number(radius),
  };
}

function botmapView(l: Location): Reference {
  return {
    precision: l.precision,
    country: l.country,
    city: l.city,
    subdivision: l.subdivision,
    latitude: l.latitude === null ? null : l.latitude.toFixed(6),
    longitude: l.longitude === null ? null : l.longitude.toFixed(6),
    accuracyRadius: l.accuracyRadius,
  };
}

describe('agreement with libmaxminddb (mmdblookup) on the packaged GeoLite2 City', () => {
  if (!HAVE_MMDBLOOKUP && REQUIRE_MMDBLOOKUP) {
    it('needs mmdblookup (package mmdb-bin)', () => {
      throw new Error(MMDBLOOKUP_MISSING);
    });
  }

  it.runIf(HAVE_MMDBLOOKUP)(
    `gives identical country, city, latitude and longitude for ${IPV4_COUNT + IPV6_ALLOCATED_COUNT + IPV6_ANYWHERE_COUNT}+ addresses, IPv6 included`,
    async () => {
      const file = resolveDatabasePath(null);
      const database = openGeoDatabase(file);
      const addresses = sampleAddresses();
      const started = performance.now();
      const records = await mmdblookupAll(file, addresses, 2);
      const seconds = (performance.now() - started) / 1000;

      const mismatches: string[] = [];
      const tally = { ipv4: 0, ipv6: 0, city: 0, country_only: 0, not_found: 0, ipv6_found: 0 };
      addresses.forEach((ip, i) => {
        const expected = reference(records[i]);
        const actual = botmapView(database.lookup(ip));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${ip}: BotMap ${JSON.stringify(actual)} ≠ mmdblookup ${JSON.stringify(expected)}`);
        const v6 = ip.includes(':');
        tally[v6 ? 'ipv6' : 'ipv4']++;
        tally[expected.precision === 'not_public' ? 'not_found' : expected.precision]++;
        if (v6 && expected.precision !== 'not_found') tally.ipv6_found++;
      });
      console.log(`agreement: ${addresses.length} addresses (${JSON.stringify(tally)}) through mmdblookup in ${seconds.toFixed(1)} s`);

      expect(mismatches.slice(0, 20)).toEqual([]);
      expect(addresses.length).toBeGreaterThanOrEqual(5000);
      expect(tally.ipv6).toBeGreaterThanOrEqual(1000);
      // The sample exercises every outcome: cities, country-only records and misses, in both families.
      expect(tally.city).toBeGreaterThan(500);
      expect(tally.country_only).toBeGreaterThan(500);
      expect(tally.not_found).toBeGreaterThan(100);
      expect(tally.ipv6_found).toBeGreaterThan(1000);
    },
    300_000,
  );
});
