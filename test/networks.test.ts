import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ipv6ToWords, normaliseAddress } from '../src/locate/address';
import { BotMapError } from '../src/errors';
import { GEOLITE_CREDIT } from '../src/locate/database';
import {
  ASN_CREDIT,
  findRange,
  loadPackagedTable,
  lookupNetworks,
  openAsnDatabase,
  openPackagedAsnData,
  parseRanges,
  type AsnDatabase,
  type RangeTable,
} from '../src/locate/networks';
import { ASN_FIXTURE_EXPECTATIONS, writeTestDatabases, type TestDatabasePaths } from './support/test-databases';
import { seededRandom } from './support/random';

const random = seededRandom;
const u32 = (next: () => number) => Math.floor(next() * 4294967296) >>> 0;
const toBig = (w: ArrayLike<number>, at = 0) => (BigInt(w[at]) << 96n) | (BigInt(w[at + 1]) << 64n) | (BigInt(w[at + 2]) << 32n) | BigInt(w[at + 3]);
const fromBig = (v: bigint) => ipaddr.IPv6.parse(Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':')).toRFC5952String();

let dbs: TestDatabasePaths;
beforeAll(() => {
  dbs = writeTestDatabases();
});

describe('range tables', () => {
  const v4Csv = [
    '16777216,16777471,13335,"Cloudflare, Inc."',
    '16778240,16779263,38803,Gtelecom Pty Ltd',
    '35309568,35313663,201907,"LLC ""SPUTNIK"""',
    // Overlaps the next one: trimmed to end where it starts.
    '3596550144,3607166975,749,United States Department of Defense (DoD)',
    '3607101440,3607167999,721,DoD Network Information Center\r',
    '',
  ].join('\n');

  it('parses quoted organisations, CRLF and overlapping ranges', () => {
    const t = parseRanges(v4Csv, 4);
    expect(t.length).toBe(5);
    expect(t.orgs[t.orgIndex[0]]).toBe('Cloudflare, Inc.');
    expect(t.orgs[t.orgIndex[2]]).toBe('LLC "SPUTNIK"');
    expect(t.orgs[t.orgIndex[4]]).toBe('DoD Network Information Center');
    expect(t.ends[3]).toBe(3607101439);
    expect(findRange(t, [16777216])).toBe(0);
    expect(findRange(t, [16777471])).toBe(0);
    expect(findRange(t, [16777472])).toBe(-1);
    expect(findRange(t, [0])).toBe(-1);
    expect(findRange(t, [3607101439])).toBe(3);
    expect(findRange(t, [3607101440])).toBe(4);
    expect(findRange(t, [0xffffffff])).toBe(-1);
    expect(() => parseRanges('5,1,1,x', 4)).toThrow(/line 1: bad range/);
    expect(() => parseRanges('5,9,1,x\n1,2,1,y', 4)).toThrow(/line 2: ranges are not sorted/);
  });

  it('parses IPv6 ranges', () => {
    const t = parseRanges(['2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC', '2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project', '2001:200:1ba::,2001:200:1ba:ffff:ffff:ffff:ffff:ffff,24047,"Internet Systems Consortium, Inc."'].join('\n'), 6);
    const words = new Uint32Array(4);
    const find = (ip: string) => (ipv6ToWords(ip, words), findRange(t, words));
    expect(find('2001::1')).toBe(0);
    expect(find('2001:0:ffff::')).toBe(0);
    expect(find('2001:1::')).toBe(-1);
    expect(find('2001:200:1b9:ffff:ffff:ffff:ffff:ffff')).toBe(1);
    expect(find('2001:200:1ba::')).toBe(2);
    expect(find('2001:200:1bb::')).toBe(-1);
    expect(find('::')).toBe(-1);
    expect(t.orgs[t.orgIndex[2]]).toBe('Internet Systems Consortium, Inc.');
  });

  it('binary search agrees with a linear scan', () => {
    const next = random(3);
    // Random disjoint ranges with gaps, in both families.
    const v4: string[] = [];
    let at = 1000;
    for (let i = 0; i < 300; i++) {
      const start = at + Math.floor(next() * 50);
      const end = start + Math.floor(next() * 50);
      v4.push(`${start},${end},${i},org ${i % 7}`);
      at = end + 1;
    }
    const t4 = parseRanges(v4.join('\n'), 4);
    const scan4 = (ip: number) => {
      for (let i = 0; i < t4.length; i++) if (t4.starts[i] <= ip && ip <= t4.ends[i]) return i;
      return -1;
    };
    for (let ip = 0; ip < at + 100; ip++) expect(findRange(t4, [ip])).toBe(scan4(ip));

    const v6: string[] = [];
    let big = 0x2001n << 112n;
    for (let i = 0; i < 200; i++) {
      const start = big + BigInt(Math.floor(next() * 4)) * (1n << 64n) + BigInt(Math.floor(next() * 3));
      const end = start + BigInt(Math.floor(next() * 3)) * (1n << 64n) + BigInt(Math.floor(next() * 3));
      v6.push(`${fromBig(start)},${fromBig(end)},${i},org`);
      big = end + 1n;
    }
    const t6 = parseRanges(v6.join('\n'), 6);
    const scan6 = (ip: bigint) => {
      for (let i = 0; i < t6.length; i++) if (toBig(t6.starts, i * 4) <= ip && ip <= toBig(t6.ends, i * 4)) return i;
      return -1;
    };
    const words = new Uint32Array(4);
    for (let i = 0; i < 3000; i++) {
      const ip = (0x2001n << 112n) + BigInt(Math.floor(next() * 700)) * (1n << 64n) + BigInt(Math.floor(next() * 4));
      ipv6ToWords(fromBig(ip), words);
      expect(findRange(t6, words)).toBe(scan6(ip));
    }
  });
});

describe('the packaged ASN data (@ip-location-db/asn)', () => {
  let v4: RangeTable;
  let v6: RangeTable;
  beforeAll(() => {
    v4 = loadPackagedTable(4);
    v6 = loadPackagedTable(6);
  });

  it('is sorted and disjoint, and every range finds itself at both ends and nothing in the gaps', () => {
    expect(v4.length).toBeGreaterThan(300_000);
    expect(v6.length).toBeGreaterThan(50_000);
    const problems: string[] = [];
    for (let i = 0; i < v4.length; i++) {
      if (!(v4.starts[i] <= v4.ends[i])) problems.push(`IPv4 range ${i} ends before it starts`);
      if (i > 0 && !(v4.ends[i - 1] < v4.starts[i])) problems.push(`IPv4 ranges ${i - 1} and ${i} overlap`);
      if (findRange(v4, [v4.starts[i]]) !== i || findRange(v4, [v4.ends[i]]) !== i) problems.push(`IPv4 range ${i} not found at its ends`);
      if (i + 1 < v4.length && v4.ends[i] + 1 < v4.starts[i + 1] && findRange(v4, [v4.ends[i] + 1]) !== -1) problems.push(`IPv4 gap after range ${i} found`);
    }
    for (let i = 0; i < v6.length; i++) {
      const start = toBig(v6.starts, i * 4);
      const end = toBig(v6.ends, i * 4);
      if (!(start <= end)) problems.push(`IPv6 range ${i} ends before it starts`);
      if (i > 0 && !(toBig(v6.ends, (i - 1) * 4) < start)) problems.push(`IPv6 ranges ${i - 1} and ${i} overlap`);
      if (findRange(v6, v6.starts.subarray(i * 4, i * 4 + 4)) !== i || findRange(v6, v6.ends.subarray(i * 4, i * 4 + 4)) !== i) problems.push(`IPv6 range ${i} not found at its ends`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('knows well-known networks', () => {
    const db = openPackagedAsnData();
    expect(db.info).toMatchObject({ type: '@ip-location-db/asn 2.3.2026061719', build_date: '2026-06-17', attribution: ASN_CREDIT });
    expect(db.source).toBe('ip-location-db');
    expect(db.lookup('1.1.1.1')).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
    expect(db.lookup('8.8.8.8')?.asn).toBe(15169);
    expect(db.lookup('2001:4860:4860::8888')?.asn).toBe(15169);
    expect(db.lookup('2606:4700:4700::1111')?.asn).toBe(13335);
    // Unallocated space.
    expect(db.lookup('2c0f:ffff:ffff::1')).toBeNull();
    // The same range gives the same object: no allocation per lookup.
    expect(db.lookup('1.1.1.1')).toBe(db.lookup('1.1.1.2'));
  });

  it('credits DB-IP under CC BY 4.0', () => {
    expect(ASN_CREDIT).toContain('DB-IP (db-ip.com)');
    expect(ASN_CREDIT).toContain('CC BY 4.0');
  });

  it('caches the parsed ranges: the second load reads the cache and gives the same table', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-asn-cache-'));
    const loads: { fromCache: boolean; milliseconds: number }[] = [];
    const parsed = loadPackagedTable(6, { cacheDir: dir, onLoad: (l) => loads.push(l) });
    const cached = loadPackagedTable(6, { cacheDir: dir, onLoad: (l) => loads.push(l) });
    expect(loads.map((l) => l.fromCache)).toEqual([false, true]);
    expect(cached.length).toBe(parsed.length);
    expect(Buffer.from(cached.starts.buffer, cached.starts.byteOffset, cached.starts.byteLength).equals(Buffer.from(parsed.starts.buffer, parsed.starts.byteOffset, parsed.starts.byteLength))).toBe(true);
    expect(cached.orgs).toEqual(parsed.orgs);
    // A damaged cache is ignored and rebuilt.
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.bin'))!;
    fs.writeFileSync(path.join(dir, file), 'garbage');
    loadPackagedTable(6, { cacheDir: dir, onLoad: (l) => loads.push(l) });
    expect(loads.at(-1)!.fromCache).toBe(false);
  });

  it('finds the network of 200,000 random IPv4 addresses as the old hand-written lookup did', () => {
    const db = openPackagedAsnData();
    const next = random(5);
    const ips = Array.from({ length: 200_000 }, () => {
      const n = u32(next);
      return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    });
    const asns = new Set<number>();
    let found = 0;
    for (const ip of ips) {
      const network = db.lookup(ip);
      if (network) {
        found++;
        asns.add(network.asn);
      }
    }
    // Counted with the lookup this one replaced (its own IPv4 parser and binary search).
    expect(found).toBe(154_131);
    expect(asns.size).toBe(12_082);
  });
});

describe('openAsnDatabase', () => {
  it('reads a GeoLite2-ASN .mmdb given as BOTMAP_ASN_MMDB', () => {
    const db = openAsnDatabase(dbs.asn);
    expect(db.source).toBe('mmdb');
    expect(db.info).toMatchObject({ type: 'GeoLite2-ASN', build_date: '2026-10-01', attribution: GEOLITE_CREDIT });
    for (const e of ASN_FIXTURE_EXPECTATIONS) {
      const ip = normaliseAddress(e.ip)!.ip;
      expect(db.lookup(ip), e.ip).toEqual(e.asn === null ? null : { asn: e.asn, org: e.organization });
    }
  });

  it('takes BOTMAP_ASN_MMDB from the environment', () => {
    const saved = process.env.BOTMAP_ASN_MMDB;
    try {
      process.env.BOTMAP_ASN_MMDB = dbs.asn;
      expect(openAsnDatabase().source).toBe('mmdb');
      delete process.env.BOTMAP_ASN_MMDB;
      expect(openAsnDatabase().source).toBe('ip-location-db');
    } finally {
      if (saved === undefined) delete process.env.BOTMAP_ASN_MMDB;
      else process.env.BOTMAP_ASN_MMDB = saved;
    }
  });

  it('refuses a City database, saying what it got and what it needs', () => {
    expect(() => openAsnDatabase(dbs.city)).toThrow(BotMapError);
    expect(() => openAsnDatabase(dbs.city)).toThrow(/GeoLite2-City\.mmdb is a "GeoLite2-City" database.*needs a GeoLite2-ASN/);
    expect(() => openAsnDatabase('/nonexistent/asn.mmdb')).toThrow(/ASN database \/nonexistent\/asn\.mmdb does not exist/);
  });

  it('warns when the data is more than six months old', () => {
    const fresh = openAsnDatabase(dbs.asn, { now: Date.UTC(2027, 3, 1) });
    expect(fresh.warnings).toEqual([]);
    expect(fresh.ageDays).toBe(182);
    const old = openAsnDatabase(dbs.asn, { now: Date.UTC(2027, 3, 2) });
    expect(old.warnings).toHaveLength(1);
    expect(old.warnings[0]).toMatch(/built on 2026-10-01, 183 days ago \(more than 6 months\)/);
    expect(openPackagedAsnData({ now: Date.UTC(2027, 0, 1) }).warnings[0]).toMatch(/ASN data node_modules\/@ip-location-db\/asn was built on 2026-06-17/);
  });
});

describe('lookupNetworks', () => {
  it('looks up public addresses only, aligned with the input', () => {
    const asked: string[] = [];
    const real = openAsnDatabase(dbs.asn);
    const counting: AsnDatabase = { ...real, lookup: (address) => (asked.push(typeof address === 'string' ? address : address.ip), real.lookup(address)) };
    const addresses = ['81.2.69.142', '10.0.0.1', '2a02:cf40::1', '89.160.20.128', '::1'].map((a) => normaliseAddress(a)!);
    const progress: number[] = [];
    const result = lookupNetworks(addresses, counting, (p) => progress.push(p.done));
    expect(asked).toEqual(['81.2.69.142', '2a02:cf40::1', '89.160.20.128']);
    expect(result).toEqual([{ asn: 20712, org: 'Andrews & Arnold Ltd' }, null, { asn: 64500, org: 'Example Fjord Networks AS' }, null, null]);
    expect(progress.at(-1)).toBe(5);
  });
});
