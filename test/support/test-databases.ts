/**
 * Synthetic GeoLite2-style fixture databases (City, Country, ASN), built with our own MMDB writer
 * so that tests neither ship MaxMind's test files nor need network access.
 *
 * The records follow the GeoIP2/GeoLite2 schemas (including their integer types: geoname_id and
 * autonomous_system_number are uint32, accuracy_radius is uint16, latitude and longitude are
 * double even when whole, like France's 46.0, 2.0), but every value is made up for the fixture. The `*_FIXTURE_EXPECTATIONS` arrays state, independently of the builders,
 * what a lookup of each probe address must return.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mmdbType, writeMmdb, type MmdbEntry } from './mmdb-writer';

/** 2026-10-01T00:00:00Z, in seconds. */
export const FIXTURE_BUILD_EPOCH = Date.UTC(2026, 9, 1) / 1000;

/** A range deliberately left out of every fixture database. */
export const UNASSIGNED_NETWORK = '89.160.0.0/16';

// --- Shared building blocks ----------------------------------------------------------------

interface Continent {
  code: string;
  geonameId: number;
  name: string;
}

interface Country {
  isoCode: string;
  geonameId: number;
  name: string;
  continent: Continent;
  inEuropeanUnion: boolean;
  /** Where country-level records put a location: a central point with a wide radius. */
  centre: { latitude: number; longitude: number; accuracyRadius: number; timeZone: string };
}

interface City {
  geonameId: number;
  name: string;
  country: Country;
  subdivision: { isoCode: string; geonameId: number; name: string };
  latitude: number;
  longitude: number;
  accuracyRadius: number;
  timeZone: string;
  postalCode?: string;
}

const EUROPE: Continent = { code: 'EU', geonameId: 6255148, name: 'Europe' };
const ASIA: Continent = { code: 'AS', geonameId: 6255147, name: 'Asia' };
const NORTH_AMERICA: Continent = { code: 'NA', geonameId: 6255149, name: 'North America' };

const GB: Country = {
  isoCode: 'GB',
  geonameId: 2635167,
  name: 'United Kingdom',
  continent: EUROPE,
  inEuropeanUnion: false,
  centre: { latitude: 51.4964, longitude: -0.1224, accuracyRadius: 200, timeZone: 'Europe/London' },
};
const CN: Country = {
  isoCode: 'CN',
  geonameId: 1814991,
  name: 'China',
  continent: ASIA,
  inEuropeanUnion: false,
  centre: { latitude: 34.7732, longitude: 113.722, accuracyRadius: 1000, timeZone: 'Asia/Shanghai' },
};
const FR: Country = {
  isoCode: 'FR',
  geonameId: 3017382,
  name: 'France',
  continent: EUROPE,
  inEuropeanUnion: true,
  centre: { latitude: 46.0, longitude: 2.0, accuracyRadius: 500, timeZone: 'Europe/Paris' },
};
const US: Country = {
  isoCode: 'US',
  geonameId: 6252001,
  name: 'United States',
  continent: NORTH_AMERICA,
  inEuropeanUnion: false,
  centre: { latitude: 37.751, longitude: -97.822, accuracyRadius: 1000, timeZone: 'America/Chicago' },
};
const NO: Country = {
  isoCode: 'NO',
  geonameId: 3144096,
  name: 'Norway',
  continent: EUROPE,
  inEuropeanUnion: false,
  centre: { latitude: 61.0, longitude: 8.0, accuracyRadius: 500, timeZone: 'Europe/Oslo' },
};
const NL: Country = {
  isoCode: 'NL',
  geonameId: 2750405,
  name: 'Netherlands',
  continent: EUROPE,
  inEuropeanUnion: true,
  centre: { latitude: 52.3824, longitude: 4.8995, accuracyRadius: 100, timeZone: 'Europe/Amsterdam' },
};

const LONDON: City = {
  geonameId: 2643743,
  name: 'London',
  country: GB,
  subdivision: { isoCode: 'ENG', geonameId: 6269131, name: 'England' },
  latitude: 51.5142,
  longitude: -0.0931,
  accuracyRadius: 10,
  timeZone: 'Europe/London',
  postalCode: 'EC2V',
};
const CHANGCHUN: City = {
  geonameId: 2038180,
  name: 'Changchun',
  country: CN,
  subdivision: { isoCode: 'JL', geonameId: 2036500, name: 'Jilin' },
  latitude: 43.88,
  longitude: 125.3228,
  accuracyRadius: 50,
  timeZone: 'Asia/Shanghai',
};
const MILTON: City = {
  geonameId: 5803556,
  name: 'Milton',
  country: US,
  subdivision: { isoCode: 'WA', geonameId: 5815135, name: 'Washington' },
  latitude: 47.2513,
  longitude: -122.3149,
  accuracyRadius: 22,
  timeZone: 'America/Los_Angeles',
  postalCode: '98354',
};
const OSLO: City = {
  geonameId: 3143244,
  name: 'Oslo',
  country: NO,
  subdivision: { isoCode: '03', geonameId: 3143242, name: 'Oslo County' },
  latitude: 59.9127,
  longitude: 10.7461,
  accuracyRadius: 20,
  timeZone: 'Europe/Oslo',
  postalCode: '0151',
};

/** The networks of the City and Country databases, in insertion order. */
const GEO_NETWORKS: { network: string; place: City | Country }[] = [
  { network: '81.2.69.0/24', place: LONDON },
  { network: '175.16.199.0/24', place: CHANGCHUN },
  { network: '2.125.160.0/19', place: FR },
  // A country-level /16 with a city-level /24 inside it: the /24 overrides its part only.
  { network: '216.160.0.0/16', place: US },
  { network: '216.160.83.0/24', place: MILTON },
  { network: '2a02:cf40::/29', place: OSLO },
  { network: '2001:67c:2e8::/48', place: NL },
];

const isCity = (place: City | Country): place is City => 'subdivision' in place;

function countryRecord(country: Country): Record<string, unknown> {
  return {
    geoname_id: country.geonameId,
    ...(country.inEuropeanUnion ? { is_in_european_union: true } : {}),
    iso_code: country.isoCode,
    names: { en: country.name },
  };
}

function continentRecord(continent: Continent): Record<string, unknown> {
  return { code: continent.code, geoname_id: continent.geonameId, names: { en: continent.name } };
}

/** A GeoIP2 Country-schema record (what GeoLite2-Country holds). */
function countryLevelRecord(country: Country): Record<string, unknown> {
  return {
    continent: continentRecord(country.continent),
    country: countryRecord(country),
    registered_country: countryRecord(country),
  };
}

/** A GeoIP2 City-schema record; a bare country gives a country-only record (no city, no subdivisions). */
function cityLevelRecord(place: City | Country): Record<string, unknown> {
  if (!isCity(place)) {
    const { latitude, longitude, accuracyRadius, timeZone } = place.centre;
    return {
      ...countryLevelRecord(place),
      location: {
        accuracy_radius: mmdbType.uint16(accuracyRadius),
        latitude: mmdbType.double(latitude),
        longitude: mmdbType.double(longitude),
        time_zone: timeZone,
      },
    };
  }
  return {
    city: { geoname_id: place.geonameId, names: { en: place.name } },
    continent: continentRecord(place.country.continent),
    country: countryRecord(place.country),
    location: {
      accuracy_radius: mmdbType.uint16(place.accuracyRadius),
      latitude: mmdbType.double(place.latitude),
      longitude: mmdbType.double(place.longitude),
      time_zone: place.timeZone,
    },
    ...(place.postalCode ? { postal: { code: place.postalCode } } : {}),
    registered_country: countryRecord(place.country),
    subdivisions: [
      { geoname_id: place.subdivision.geonameId, iso_code: place.subdivision.isoCode, names: { en: place.subdivision.name } },
    ],
  };
}

// --- Databases -----------------------------------------------------------------------------

export const CITY_ENTRIES: MmdbEntry[] = GEO_NETWORKS.map(({ network, place }) => ({
  network,
  data: cityLevelRecord(place),
}));

export const COUNTRY_ENTRIES: MmdbEntry[] = GEO_NETWORKS.map(({ network, place }) => ({
  network,
  data: countryLevelRecord(isCity(place) ? place.country : place),
}));

export const ASN_ENTRIES: MmdbEntry[] = [
  { network: '81.2.64.0/19', data: { autonomous_system_number: 20712, autonomous_system_organization: 'Andrews & Arnold Ltd' } },
  { network: '175.16.0.0/15', data: { autonomous_system_number: 4837, autonomous_system_organization: 'CHINA UNICOM China169 Backbone' } },
  { network: '2.125.0.0/16', data: { autonomous_system_number: 3215, autonomous_system_organization: 'Orange S.A.' } },
  { network: '216.160.0.0/16', data: { autonomous_system_number: 209, autonomous_system_organization: 'CenturyLink Communications, LLC' } },
  { network: '2a02:cf40::/29', data: { autonomous_system_number: 64500, autonomous_system_organization: 'Example Fjord Networks AS' } },
  { network: '2001:67c:2e8::/48', data: { autonomous_system_number: 3333, autonomous_system_organization: 'Reseaux IP Europeens Network Coordination Centre (RIPE NCC)' } },
];

const description = (kind: string) => ({ en: `BotMap synthetic ${kind} test fixture (not MaxMind data)` });

export function cityDatabase(): Buffer {
  return writeMmdb(CITY_ENTRIES, {
    databaseType: 'GeoLite2-City',
    buildEpoch: FIXTURE_BUILD_EPOCH,
    languages: ['en'],
    description: description('GeoLite2-City'),
  });
}

export function countryDatabase(): Buffer {
  return writeMmdb(COUNTRY_ENTRIES, {
    databaseType: 'GeoLite2-Country',
    buildEpoch: FIXTURE_BUILD_EPOCH,
    languages: ['en'],
    description: description('GeoLite2-Country'),
  });
}

export function asnDatabase(): Buffer {
  return writeMmdb(ASN_ENTRIES, {
    databaseType: 'GeoLite2-ASN',
    buildEpoch: FIXTURE_BUILD_EPOCH,
    languages: ['en'],
    description: description('GeoLite2-ASN'),
  });
}

export interface TestDatabasePaths {
  city: string;
  country: string;
  asn: string;
}

/**
 * Writes the three databases as GeoLite2-City.mmdb, GeoLite2-Country.mmdb and GeoLite2-ASN.mmdb
 * into `dir` (created if needed; default: a fresh temporary directory) and returns their paths.
 */
export function writeTestDatabases(dir?: string): TestDatabasePaths {
  const target = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-mmdb-'));
  fs.mkdirSync(target, { recursive: true });
  const paths: TestDatabasePaths = {
    city: path.join(target, 'GeoLite2-City.mmdb'),
    country: path.join(target, 'GeoLite2-Country.mmdb'),
    asn: path.join(target, 'GeoLite2-ASN.mmdb'),
  };
  fs.writeFileSync(paths.city, cityDatabase());
  fs.writeFileSync(paths.country, countryDatabase());
  fs.writeFileSync(paths.asn, asnDatabase());
  return paths;
}

// --- Expected lookups ----------------------------------------------------------------------

export interface CityFixtureExpectation {
  ip: string;
  /** The fixture network the address falls in, or null for a miss. */
  network: string | null;
  /** 'city': record has city + subdivision; 'country_only': country and a country-wide location. */
  precision: 'city' | 'country_only' | 'not_found';
  /** ISO 3166-1 alpha-2 code (country.iso_code). */
  country: string | null;
  /** city.names.en */
  city: string | null;
  /** subdivisions[0].iso_code */
  subdivision: string | null;
  latitude: number | null;
  longitude: number | null;
  accuracyRadius: number | null;
  timeZone: string | null;
}

const miss = (ip: string): CityFixtureExpectation => ({
  ip,
  network: null,
  precision: 'not_found',
  country: null,
  city: null,
  subdivision: null,
  latitude: null,
  longitude: null,
  accuracyRadius: null,
  timeZone: null,
});

const london = (ip: string): CityFixtureExpectation => ({
  ip,
  network: '81.2.69.0/24',
  precision: 'city',
  country: 'GB',
  city: 'London',
  subdivision: 'ENG',
  latitude: 51.5142,
  longitude: -0.0931,
  accuracyRadius: 10,
  timeZone: 'Europe/London',
});

const unitedStates = (ip: string): CityFixtureExpectation => ({
  ip,
  network: '216.160.0.0/16',
  precision: 'country_only',
  country: 'US',
  city: null,
  subdivision: null,
  latitude: 37.751,
  longitude: -97.822,
  accuracyRadius: 1000,
  timeZone: 'America/Chicago',
});

const oslo = (ip: string): CityFixtureExpectation => ({
  ip,
  network: '2a02:cf40::/29',
  precision: 'city',
  country: 'NO',
  city: 'Oslo',
  subdivision: '03',
  latitude: 59.9127,
  longitude: 10.7461,
  accuracyRadius: 20,
  timeZone: 'Europe/Oslo',
});

const france = (ip: string): CityFixtureExpectation => ({
  ip,
  network: '2.125.160.0/19',
  precision: 'country_only',
  country: 'FR',
  city: null,
  subdivision: null,
  latitude: 46.0,
  longitude: 2.0,
  accuracyRadius: 500,
  timeZone: 'Europe/Paris',
});

/** Probe addresses for cityDatabase(); countryDatabase() has the same networks. */
export const CITY_FIXTURE_EXPECTATIONS: readonly CityFixtureExpectation[] = [
  london('81.2.69.142'),
  london('81.2.69.0'),
  london('81.2.69.255'),
  miss('81.2.70.1'),
  {
    ip: '175.16.199.37',
    network: '175.16.199.0/24',
    precision: 'city',
    country: 'CN',
    city: 'Changchun',
    subdivision: 'JL',
    latitude: 43.88,
    longitude: 125.3228,
    accuracyRadius: 50,
    timeZone: 'Asia/Shanghai',
  },
  france('2.125.160.216'),
  france('2.125.191.255'),
  miss('2.125.192.0'),
  // Inside the /24 that overrides the US-wide /16 ...
  {
    ip: '216.160.83.56',
    network: '216.160.83.0/24',
    precision: 'city',
    country: 'US',
    city: 'Milton',
    subdivision: 'WA',
    latitude: 47.2513,
    longitude: -122.3149,
    accuracyRadius: 22,
    timeZone: 'America/Los_Angeles',
  },
  // ... and the rest of the /16, on both sides of it.
  unitedStates('216.160.82.255'),
  unitedStates('216.160.84.0'),
  unitedStates('216.160.0.1'),
  miss('216.161.0.1'),
  oslo('2a02:cf40::1'),
  oslo('2a02:cf47:ffff:ffff:ffff:ffff:ffff:ffff'),
  miss('2a02:cf48::1'),
  {
    ip: '2001:67c:2e8:22::c100:68b',
    network: '2001:67c:2e8::/48',
    precision: 'country_only',
    country: 'NL',
    city: null,
    subdivision: null,
    latitude: 52.3824,
    longitude: 4.8995,
    accuracyRadius: 100,
    timeZone: 'Europe/Amsterdam',
  },
  miss('89.160.20.128'),
  miss('89.160.255.255'),
  miss('10.0.0.1'),
  miss('2001:480::1'),
  // IPv4-mapped and 6to4 forms of 81.2.69.142 reach the IPv4 data through the tree's aliases.
  london('::ffff:81.2.69.142'),
  london('2002:5102:458e::1'),
];

export interface CountryFixtureExpectation {
  ip: string;
  network: string | null;
  country: string | null;
}

/** Probe addresses for countryDatabase(). */
export const COUNTRY_FIXTURE_EXPECTATIONS: readonly CountryFixtureExpectation[] = CITY_FIXTURE_EXPECTATIONS.map(
  ({ ip, network, country }) => ({ ip, network, country }),
);

export interface AsnFixtureExpectation {
  ip: string;
  network: string | null;
  asn: number | null;
  organization: string | null;
}

/** Probe addresses for asnDatabase(). */
export const ASN_FIXTURE_EXPECTATIONS: readonly AsnFixtureExpectation[] = [
  { ip: '81.2.69.142', network: '81.2.64.0/19', asn: 20712, organization: 'Andrews & Arnold Ltd' },
  { ip: '81.2.95.255', network: '81.2.64.0/19', asn: 20712, organization: 'Andrews & Arnold Ltd' },
  { ip: '81.2.96.0', network: null, asn: null, organization: null },
  { ip: '175.17.255.255', network: '175.16.0.0/15', asn: 4837, organization: 'CHINA UNICOM China169 Backbone' },
  { ip: '2.125.160.216', network: '2.125.0.0/16', asn: 3215, organization: 'Orange S.A.' },
  { ip: '216.160.83.56', network: '216.160.0.0/16', asn: 209, organization: 'CenturyLink Communications, LLC' },
  { ip: '2a02:cf40::1', network: '2a02:cf40::/29', asn: 64500, organization: 'Example Fjord Networks AS' },
  {
    ip: '2001:67c:2e8:22::c100:68b',
    network: '2001:67c:2e8::/48',
    asn: 3333,
    organization: 'Reseaux IP Europeens Network Coordination Centre (RIPE NCC)',
  },
  { ip: '89.160.20.128', network: null, asn: null, organization: null },
  { ip: '2001:480::1', network: null, asn: null, organization: null },
  { ip: '::ffff:81.2.69.142', network: '81.2.64.0/19', asn: 20712, organization: 'Andrews & Arnold Ltd' },
];
