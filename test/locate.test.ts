import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { normaliseAddress } from '../src/locate/address';
import { BotMapError } from '../src/errors';
import { ageInDays, GEOLITE_CREDIT, locateAddresses, openGeoDatabase, openGeoDatabaseInBackground, resolveDatabasePath, staleDataWarning, type GeoDatabase } from '../src/locate/database';
import { CITY_FIXTURE_EXPECTATIONS, writeTestDatabases, type TestDatabasePaths } from './support/test-databases';

let dbs: TestDatabasePaths;
beforeAll(() => {
  dbs = writeTestDatabases();
});

const savedEnv = process.env.BOTMAP_MMDB;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.BOTMAP_MMDB;
  else process.env.BOTMAP_MMDB = savedEnv;
});

describe('openGeoDatabase', () => {
  it('reads the type and build date of a City database', () => {
    const db = openGeoDatabase(dbs.city);
    expect(db.kind).toBe('city');
    expect(db.info).toMatchObject({ type: 'GeoLite2-City', build_date: '2026-10-01', attribution: GEOLITE_CREDIT });
  });

  it('takes BOTMAP_MMDB when no path is given', () => {
    process.env.BOTMAP_MMDB = dbs.country;
    expect(resolveDatabasePath()).toBe(dbs.country);
    expect(openGeoDatabase().kind).toBe('country');
  });

  it('defaults to the packaged GeoLite2 City database, decompressed once into .cache', () => {
    delete process.env.BOTMAP_MMDB;
    const file = resolveDatabasePath();
    expect(file).toMatch(/\.cache\/GeoLite2-City-[\d.]+\.mmdb$/);
    const before = fs.statSync(file).mtimeMs;
    const db = openGeoDatabase();
    expect(db.info.type).toBe('GeoLite2-City');
    expect(db.info.build_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(fs.statSync(resolveDatabasePath()).mtimeMs).toBe(before);
  });

  it('refuses an ASN database, saying what it got and what it needs', () => {
    expect(() => openGeoDatabase(dbs.asn)).toThrow(BotMapError);
    expect(() => openGeoDatabase(dbs.asn)).toThrow(/GeoLite2-ASN\.mmdb is a "GeoLite2-ASN" database, which does not locate addresses\. BotMap needs a City database.*BOTMAP_ASN_MMDB/);
  });

  it('opens a Country database with a warning that city results are unavailable', () => {
    const db = openGeoDatabase(dbs.country, { now: Date.UTC(2026, 10, 1) });
    expect(db.kind).toBe('country');
    expect(db.warnings).toEqual([expect.stringMatching(/GeoLite2-Country\.mmdb is a GeoLite2-Country database: city results are unavailable/)]);
  });

  it('measures the age of the database and warns when it is more than six months old', () => {
    // Built 2026-10-01: six calendar months later is 2027-04-01.
    const fresh = openGeoDatabase(dbs.city, { now: Date.UTC(2027, 3, 1) });
    expect(fresh.ageDays).toBe(182);
    expect(fresh.warnings).toEqual([]);
    const old = openGeoDatabase(dbs.city, { now: Date.UTC(2027, 3, 2) });
    expect(old.ageDays).toBe(183);
    expect(old.warnings).toHaveLength(1);
    expect(old.warnings[0]).toMatch(/^The geolocation database .*GeoLite2-City\.mmdb \(GeoLite2-City\) was built on 2026-10-01, 183 days ago \(more than 6 months\).*BOTMAP_MMDB/);
    expect(ageInDays('2026-10-01', Date.UTC(2026, 9, 1))).toBe(0);
    expect(staleDataWarning('X', '2026-01-31', 'fix', Date.UTC(2026, 6, 31, 1))).toMatch(/^X was built on 2026-01-31, 181 days ago/);
  });

  it('names a missing file, a folder and a corrupt file', () => {
    expect(() => openGeoDatabase('/nonexistent/x.mmdb')).toThrow(/\/nonexistent\/x\.mmdb does not exist/);
    expect(() => openGeoDatabase(os.tmpdir())).toThrow(/is a folder/);
    const corrupt = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-corrupt-')), 'bad.mmdb');
    fs.writeFileSync(corrupt, Buffer.from('this is not a MaxMind database at all'));
    expect(() => openGeoDatabase(corrupt)).toThrow(/bad\.mmdb is not a readable MaxMind \.mmdb file/);
  });
});

describe('openGeoDatabaseInBackground', () => {
  const failure = (open: () => unknown): string => {
    try {
      open();
    } catch (error) {
      expect(error).toBeInstanceOf(BotMapError);
      return (error as Error).message;
    }
    throw new Error('no failure');
  };

  it('fails at once, as openGeoDatabase does, on what the end of the file tells', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-background-'));
    const corrupt = path.join(dir, 'bad.mmdb');
    fs.writeFileSync(corrupt, Buffer.from('this is not a MaxMind database at all'));
    for (const file of ['/nonexistent/x.mmdb', os.tmpdir(), corrupt, dbs.asn]) {
      expect(failure(() => openGeoDatabaseInBackground(file))).toBe(failure(() => openGeoDatabase(file)));
    }
    fs.rmSync(dir, { recursive: true });
  });

  it('opens what openGeoDatabase opens, with the same lookups', async () => {
    for (const file of [dbs.city, dbs.country]) {
      const now = Date.UTC(2026, 10, 1);
      const later = await openGeoDatabaseInBackground(file, { now });
      const atOnce = openGeoDatabase(file, { now });
      expect({ ...later, lookup: null }).toEqual({ ...atOnce, lookup: null });
      for (const { ip } of CITY_FIXTURE_EXPECTATIONS) expect(later.lookup(normaliseAddress(ip)!.ip), ip).toEqual(atOnce.lookup(normaliseAddress(ip)!.ip));
    }
  });

  it('gives a failure found in the whole file to whoever awaits the database', async () => {
    // The metadata at its end is sound, but the search tree it describes is cut off.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-background-'));
    const file = path.join(dir, 'GeoLite2-City.mmdb');
    const whole = fs.readFileSync(dbs.city);
    fs.writeFileSync(file, whole.subarray(whole.length - 4096));
    const opening = openGeoDatabaseInBackground(file);
    await expect(opening).rejects.toThrow(/GeoLite2-City\.mmdb is not a readable MaxMind \.mmdb file \(the search tree of \d+ nodes does not fit/);
    expect(failure(() => openGeoDatabase(file))).toBe(await opening.catch((error: Error) => error.message));
    fs.rmSync(dir, { recursive: true });
  });
});

describe('lookups', () => {
  it.each(CITY_FIXTURE_EXPECTATIONS.map((e) => [e.ip, e] as const))('%s', (ip, expected) => {
    const db = openGeoDatabase(dbs.city);
    const location = db.lookup(normaliseAddress(ip)!.ip);
    expect(location.precision).toBe(expected.precision);
    expect(location.country).toBe(expected.country ?? null);
    expect(location.city).toBe(expected.city ?? null);
    if (expected.precision === 'city') {
      expect(location).toMatchObject({ latitude: expected.latitude, longitude: expected.longitude, accuracyRadius: expected.accuracyRadius });
    }
  });

  it('a Country database places addresses in countries only', () => {
    const db = openGeoDatabase(dbs.country);
    expect(db.lookup('81.2.69.142')).toMatchObject({ precision: 'country_only', country: 'GB', city: null });
  });
});

describe('locateAddresses', () => {
  it('looks each public address up once and never looks up private ones', () => {
    const real = openGeoDatabase(dbs.city);
    const asked: string[] = [];
    const counting: GeoDatabase = { ...real, lookup: (address) => (asked.push(typeof address === 'string' ? address : address.ip), real.lookup(address)) };
    const addresses = ['81.2.69.142', '10.0.0.1', '2a02:cf40::1', '192.0.2.1', '89.160.20.128'].map((a) => normaliseAddress(a)!);
    const progress: number[] = [];
    const result = locateAddresses(addresses, counting, (p) => progress.push(p.done));
    expect(asked).toEqual(['81.2.69.142', '2a02:cf40::1', '89.160.20.128']);
    expect(result.map((l) => l.precision)).toEqual(['city', 'not_public', 'city', 'not_public', 'not_found']);
    expect(result[2]).toMatchObject({ city: 'Oslo', country: 'NO' });
    expect(progress.at(-1)).toBe(5);
  });
});

describe('a database path that is not a file', () => {
  it('refuses a FIFO at once instead of waiting on it forever', async () => {
    const { execFileSync } = await import('node:child_process');
    const fifo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-fifo-')), 'city.mmdb');
    execFileSync('mkfifo', [fifo]);
    expect(() => openGeoDatabase(fifo)).toThrow(/city\.mmdb is not a regular file/);
  });
});
