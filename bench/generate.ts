/**
 * The bench's inputs, generated deterministically into `.cache/bench/` (gitignored):
 *
 * - `fail2ban.log`: 1,000,000 lines of fail2ban 1.0 log (Found / Ban / Unban mix, a few
 *   `already banned`, `Restore Ban`, `Increase Ban` and server lines) over 50,000 distinct
 *   addresses, IPv4 and IPv6, with a heavy tail (a few addresses attack a lot);
 * - `auth.log`: 1,000,000 lines of an sshd auth log (invalid users, failed passwords, PAM
 *   failures, disconnects, plus cron / logind / accepted-login noise) over the same addresses;
 * - `ips.txt`: a plain list of 100,000 distinct public addresses (the logs' public addresses
 *   and 50,000 more), the set the lookup benchmarks run on.
 *
 * Addresses are drawn from public space with a seeded PRNG and kept by how the packaged
 * GeoLite2 City database places them, so that most are located to a city (as attackers in
 * real logs mostly are), some to a country only and a few not at all. IPv6 addresses are
 * drawn by walking the database's own search tree, since random IPv6 addresses are almost
 * never in it. The same database (pinned in package.json) gives byte-identical files; the
 * bench prints their SHA-256.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { Reader, type CityResponse } from 'maxmind';
import { normaliseAddress } from '../src/locate/address';
import { seededRandom } from '../test/support/random';

/** Bump when the generated files change, so cached inputs are regenerated. */
export const GENERATOR_VERSION = 1;

export const LOG_LINES = 1_000_000;
export const AUTH_LINES = 1_000_000;
export const LOG_ADDRESSES = 50_000;
export const LIST_ADDRESSES = 100_000;

export interface GeneratedFile {
  file: string;
  lines: number;
  bytes: number;
  sha256: string;
}

export interface Inputs {
  version: number;
  database: string;
  fail2banLog: GeneratedFile;
  authLog: GeneratedFile;
  ipList: GeneratedFile;
  /** `fail2ban.log` gzip-compressed, to read as a stream. */
  fail2banLogGz: GeneratedFile;
  /** Distinct addresses in the logs, and how many of them are IPv6 / not public. */
  logAddresses: { distinct: number; ipv6: number; notPublic: number };
  seconds: number;
}

// --- A seeded PRNG (mulberry32) ----------------------------------------------------------------

const prng = seededRandom;

// --- Addresses ---------------------------------------------------------------------------------

type Placement = 'city' | 'country' | 'none';

function placement(record: CityResponse | null): Placement {
  if (!record || !(record.country ?? record.registered_country)) return 'none';
  return record.city?.names?.en && record.location ? 'city' : 'country';
}

/** How often a candidate address of each placement is kept: mostly city-located attackers. */
const KEEP: Record<Placement, number> = { city: 1, country: 0.12, none: 0.04 };

interface Walker {
  left(offset: number): number;
  right(offset: number): number;
}

class AddressSource {
  private readonly nodeCount: number;
  private readonly nodeBytes: number;
  private readonly walker: Walker;
  private readonly seen = new Set<string>();

  constructor(
    private readonly reader: Reader<CityResponse>,
    private readonly random: () => number,
  ) {
    this.nodeCount = reader.metadata.nodeCount;
    this.nodeBytes = reader.metadata.nodeByteSize;
    // mmdb-lib's search-tree walker (not in its typings): reads a node's two records.
    this.walker = (reader as unknown as { walker: Walker }).walker;
  }

  /** A new distinct public address of the family, or null when this draw was not kept. */
  draw(version: 4 | 6): string | null {
    const text = version === 4 ? this.randomV4() : this.randomV6();
    if (text === null) return null;
    const address = normaliseAddress(text);
    if (address === null || !address.isPublic || this.seen.has(address.ip)) return null;
    if (this.random() >= KEEP[placement(this.reader.get(address.ip))]) return null;
    this.seen.add(address.ip);
    return address.ip;
  }

  /** Take `count` new addresses, a share `v6` of them IPv6. */
  take(count: number, v6: number): string[] {
    const out: string[] = [];
    while (out.length < count) {
      const version = this.random() < v6 ? 6 : 4;
      let ip: string | null = null;
      while (ip === null) ip = this.draw(version);
      out.push(ip);
    }
    return out;
  }

  private randomV4(): string {
    const r = this.random;
    return `${1 + Math.floor(r() * 223)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`;
  }

  /** Descends the database's IPv6 tree under 2000::/3 at random, then fills the host bits at random. */
  private randomV6(): string | null {
    const bits = new Uint8Array(128);
    bits[2] = 1;
    let node = 0;
    for (let depth = 0; depth < 128; depth++) {
      if (node >= this.nodeCount) {
        for (let k = depth; k < 128; k++) bits[k] = this.random() < 0.5 ? 1 : 0;
        break;
      }
      const offset = node * this.nodeBytes;
      const left = this.walker.left(offset);
      const right = this.walker.right(offset);
      let bit: number;
      if (depth < 3) bit = bits[depth];
      else if (left === this.nodeCount && right === this.nodeCount) return null;
      else if (left === this.nodeCount) bit = 1;
      else if (right === this.nodeCount) bit = 0;
      else bit = this.random() < 0.5 ? 0 : 1;
      bits[depth] = bit;
      node = bit ? right : left;
    }
    const bytes: number[] = [];
    for (let i = 0; i < 16; i++) {
      let v = 0;
      for (let k = 0; k < 8; k++) v = v * 2 + bits[i * 8 + k];
      bytes.push(v);
    }
    const ip = ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
    // 2001::/32 (Teredo) and 2002::/16 (6to4) are IPv4 aliases in MaxMind's trees.
    if (bytes[0] === 0x20 && (bytes[1] === 0x02 || (bytes[1] === 0x01 && bytes[2] === 0 && bytes[3] === 0))) return null;
    return ip.toRFC5952String();
  }
}

const PRIVATE = ['10.0.3.17', '10.12.0.4', '192.168.1.20', '192.168.178.34', '172.16.5.9', '100.64.12.7', 'fd00:1234:5678::42', 'fe80::1c2b:3aff:fe4d:5e6f'];

// --- Writing -------------------------------------------------------------------------------------

/** Buffers text and writes it in large blocks; hashes what it writes. */
class Writer {
  private parts: string[] = [];
  private size = 0;
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  bytes = 0;
  lines = 0;

  /** Lines past `limit` are dropped, so a multi-line sequence cut short still gives exactly `limit` lines. */
  constructor(
    readonly file: string,
    private readonly limit = Infinity,
  ) {
    this.fd = fs.openSync(file, 'w');
  }

  line(text: string): void {
    if (this.lines === this.limit) return;
    this.parts.push(text);
    this.size += text.length + 1;
    this.lines++;
    if (this.size > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const buffer = Buffer.from(`${this.parts.join('\n')}\n`, 'utf8');
    fs.writeSync(this.fd, buffer);
    this.hash.update(buffer);
    this.bytes += buffer.length;
    this.parts = [];
    this.size = 0;
  }

  close(): GeneratedFile {
    this.flush();
    fs.closeSync(this.fd);
    return { file: this.file, lines: this.lines, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
/** `2026-01-05 00:03:17` in UTC. */
function isoSeconds(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `Jan  5 00:03:17` in UTC (syslog). */
function syslogStamp(ms: number): string {
  const d = new Date(ms);
  const day = d.getUTCDate();
  return `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ` ${day}` : day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

const START = Date.UTC(2026, 0, 5);
const JAILS = ['sshd', 'sshd', 'sshd', 'sshd', 'sshd', 'sshd', 'nginx-botsearch', 'postfix-sasl', 'recidive', 'dovecot'];
const USERS = ['root', 'admin', 'ubuntu', 'test', 'user', 'oracle', 'postgres', 'git', 'ftpuser', 'guest', 'pi', 'deploy', 'support', 'mysql', 'hadoop', 'debian'];

/** Picks addresses with a heavy tail, while visiting every address at least once. */
function addressPicker(addresses: readonly string[], random: () => number): () => string {
  const order = addresses.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  let next = 0;
  return () => {
    if (random() < 0.3) return order[next++ % order.length];
    const u = random();
    return order[Math.floor(order.length * u * u * u)];
  };
}

function writeFail2banLog(file: string, addresses: readonly string[], random: () => number): GeneratedFile {
  const out = new Writer(file, LOG_LINES);
  const pick = addressPicker(addresses, random);
  let time = START;
  let pid = 812;
  const stamp = () => `${isoSeconds(time)},${pad3(time % 1000)}`;
  out.line(`${stamp()} fail2ban.server         [${pid}]: INFO    Starting Fail2ban v1.0.2`);
  while (out.lines < LOG_LINES) {
    time += 1 + Math.floor(random() * 9000);
    const jail = JAILS[Math.floor(random() * JAILS.length)];
    const ip = pick();
    const r = random();
    if (r < 0.76) {
      out.line(`${stamp()} fail2ban.filter         [${pid}]: INFO    [${jail}] Found ${ip} - ${isoSeconds(time - Math.floor(random() * 2000))}`);
    } else if (r < 0.86) {
      out.line(`${stamp()} fail2ban.actions        [${pid}]: NOTICE  [${jail}] Ban ${ip}`);
    } else if (r < 0.955) {
      out.line(`${stamp()} fail2ban.actions        [${pid}]: NOTICE  [${jail}] Unban ${ip}`);
    } else if (r < 0.975) {
      out.line(`${stamp()} fail2ban.actions        [${pid}]: NOTICE  [${jail}] ${ip} already banned`);
    } else if (r < 0.985) {
      out.line(`${stamp()} fail2ban.actions        [${pid}]: NOTICE  [recidive] Increase Ban ${ip} (3 # 2:00:00 -> ${isoSeconds(time + 7_200_000)})`);
    } else if (r < 0.99) {
      out.line(`${stamp()} fail2ban.actions        [${pid}]: NOTICE  [${jail}] Restore Ban ${ip}`);
    } else if (r < 0.995) {
      out.line(`${stamp()} fail2ban.filter         [${pid}]: INFO    [${jail}] Added logfile: '/var/log/auth.log' (pos = 0, ino = 1311)`);
    } else if (r < 0.998) {
      out.line(`${stamp()} fail2ban.jail           [${pid}]: INFO    Jail '${jail}' started`);
    } else {
      pid++;
      out.line(`${stamp()} fail2ban.server         [${pid}]: INFO    Starting Fail2ban v1.0.2`);
    }
  }
  return out.close();
}

function writeAuthLog(file: string, addresses: readonly string[], random: () => number): GeneratedFile {
  const out = new Writer(file, AUTH_LINES);
  const pick = addressPicker(addresses, random);
  let time = START;
  let pid = 20_000;
  let session = 1;
  const host = 'web1';
  const line = (program: string, message: string) => out.line(`${syslogStamp(time)} ${host} ${program}: ${message}`);
  while (out.lines < AUTH_LINES) {
    time += 200 + Math.floor(random() * 5000);
    const ip = pick();
    const port = 1024 + Math.floor(random() * 64000);
    const user = USERS[Math.floor(random() * USERS.length)];
    const sshd = `sshd[${++pid}]`;
    const r = random();
    if (r < 0.45) {
      // An unknown user: sshd's full sequence.
      line(sshd, `Invalid user ${user} from ${ip} port ${port}`);
      line(sshd, 'pam_unix(sshd:auth): check pass; user unknown');
      line(sshd, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}`);
      line(sshd, `Failed password for invalid user ${user} from ${ip} port ${port} ssh2`);
      line(sshd, `Received disconnect from ${ip} port ${port}:11: Bye Bye [preauth]`);
      line(sshd, `Disconnected from invalid user ${user} ${ip} port ${port} [preauth]`);
    } else if (r < 0.75) {
      // root, several attempts.
      line(sshd, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=root`);
      line(sshd, `Failed password for root from ${ip} port ${port} ssh2`);
      if (random() < 0.4) line(sshd, `message repeated 2 times: [ Failed password for root from ${ip} port ${port} ssh2]`);
      line(sshd, `Connection closed by authenticating user root ${ip} port ${port} [preauth]`);
    } else if (r < 0.85) {
      line(sshd, `Connection closed by ${ip} port ${port} [preauth]`);
    } else if (r < 0.9) {
      line(sshd, `Unable to negotiate with ${ip} port ${port}: no matching key exchange method found. Their offer: diffie-hellman-group14-sha1,diffie-hellman-group1-sha1 [preauth]`);
    } else if (r < 0.93) {
      line(sshd, 'error: kex_exchange_identification: Connection closed by remote host');
      line(sshd, `Connection closed by ${ip} port ${port}`);
    } else if (r < 0.97) {
      line(`CRON[${++pid}]`, 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)');
      line(`CRON[${pid}]`, 'pam_unix(cron:session): session closed for user root');
    } else {
      line(sshd, `Accepted publickey for deploy from 198.51.100.${(session % 200) + 1} port ${port} ssh2: ED25519 SHA256:5yGpB1lT4wq0d4LzO0dD5rS3QeFh0i8xw9kA0a1bC2c`);
      line(sshd, 'pam_unix(sshd:session): session opened for user deploy(uid=1000) by (uid=0)');
      line('systemd-logind[512]', `New session ${session} of user deploy.`);
      line(sshd, 'pam_unix(sshd:session): session closed for user deploy');
      line('systemd-logind[512]', `Session ${session++} logged out. Waiting for processes to exit.`);
    }
  }
  const result = out.close();
  // Syslog times carry no year: it comes from the file's modification time.
  const mtime = new Date(time + 60_000);
  fs.utimesSync(file, mtime, mtime);
  return result;
}

/** Compresses a generated file as a stream (gzip level 6; the header carries no name or time). */
async function gzipFile(source: GeneratedFile, file: string): Promise<GeneratedFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(fs.createReadStream(source.file), zlib.createGzip({ level: 6 }), count, fs.createWriteStream(file));
  return { file, lines: source.lines, bytes, sha256: hash.digest('hex') };
}

function writeList(file: string, addresses: readonly string[]): GeneratedFile {
  const out = new Writer(file);
  for (const ip of addresses) out.line(ip);
  return out.close();
}

/**
 * Writes the inputs into `dir` (unless a manifest of this generator version and database is
 * already there with the files intact) and returns their manifest.
 */
export async function generateInputs(dir: string, databaseFile: string, log: (text: string) => void = () => {}): Promise<Inputs> {
  const manifestFile = path.join(dir, 'inputs.json');
  const database = path.basename(databaseFile);
  // The manifest names the files relative to `dir`; the caller gets absolute paths.
  const files = ['fail2banLog', 'fail2banLogGz', 'authLog', 'ipList'] as const;
  const absolute = (inputs: Inputs): Inputs => {
    const copy = { ...inputs };
    for (const key of files) copy[key] = { ...inputs[key], file: path.resolve(dir, inputs[key].file) };
    return copy;
  };
  try {
    const cached = absolute(JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Inputs);
    const intact = files.every((key) => fs.existsSync(cached[key].file) && fs.statSync(cached[key].file).size === cached[key].bytes);
    if (cached.version === GENERATOR_VERSION && cached.database === database && intact) return cached;
  } catch {
    // No usable manifest: generate.
  }
  const started = performance.now();
  log(`generating the bench inputs in ${path.relative(process.cwd(), dir) || dir}/ …`);
  fs.mkdirSync(dir, { recursive: true });
  const reader = new Reader<CityResponse>(fs.readFileSync(databaseFile));
  const random = prng(0xb07a9);
  const source = new AddressSource(reader, random);
  const publicLog = source.take(LOG_ADDRESSES - PRIVATE.length, 0.15);
  const logAddresses = [...publicLog, ...PRIVATE];
  const extra = source.take(LIST_ADDRESSES - publicLog.length, 0.15);
  const listAddresses = [...publicLog, ...extra];
  for (let i = listAddresses.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [listAddresses[i], listAddresses[j]] = [listAddresses[j], listAddresses[i]];
  }
  const fail2banLog = writeFail2banLog(path.join(dir, 'fail2ban.log'), logAddresses, random);
  const inputs: Inputs = {
    version: GENERATOR_VERSION,
    database,
    fail2banLog,
    fail2banLogGz: await gzipFile(fail2banLog, `${fail2banLog.file}.gz`),
    authLog: writeAuthLog(path.join(dir, 'auth.log'), logAddresses, random),
    ipList: writeList(path.join(dir, 'ips.txt'), listAddresses),
    logAddresses: { distinct: logAddresses.length, ipv6: logAddresses.filter((ip) => ip.includes(':')).length, notPublic: PRIVATE.length },
    seconds: (performance.now() - started) / 1000,
  };
  const manifest = { ...inputs };
  for (const key of files) manifest[key] = { ...inputs[key], file: path.basename(inputs[key].file) };
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return inputs;
}
