import ipaddr from 'ipaddr.js';

/** What every parsed address has: its canonical text and whether it can be geolocated. */
interface AddressText {
  /** Canonical form: dotted IPv4, RFC 5952 compressed lower-case IPv6; `::ffff:a.b.c.d` becomes IPv4. */
  ip: string;
  /** False for private, loopback, link-local, CGNAT, documentation, multicast and other reserved ranges. */
  isPublic: boolean;
  /** ipaddr.js's range name (`unicast` for public addresses). */
  range: string;
}

/** An IPv4 address; `value` is its unsigned 32-bit number, what lookups search by. */
export interface IPv4Address extends AddressText {
  version: 4;
  value: number;
}

/** An IPv6 address; `words` are its 128 bits as four big-endian 32-bit words, what lookups search by. */
export interface IPv6Address extends AddressText {
  version: 6;
  words: Uint32Array;
}

/** A parsed address: its text for people, its numbers for lookups (parsed once, here). */
export type NormalisedAddress = IPv4Address | IPv6Address;

const IPV4_SHAPE = /^\d{1,3}(\.\d{1,3}){3}$/;
// Global unicast IPv6 lives in 2000::/3; everything outside it is special-purpose.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Validates and normalises one address. Returns null when the text is not an IP address.
 * Only strict dotted-quad IPv4 is accepted: `ipaddr.js` alone would also take `1` or `0x7f.1`.
 */
export function normaliseAddress(text: string): NormalisedAddress | null {
  // Most addresses in logs are dotted quads as written here: no parsing, no checks beyond the digits.
  const value = canonicalIPv4(text);
  if (value !== null) return ipv4Address(value);
  let raw = text.trim();
  if (raw.startsWith('[') && raw.endsWith(']')) raw = raw.slice(1, -1);
  const zone = raw.indexOf('%');
  if (zone >= 0) raw = raw.slice(0, zone);
  if (raw.includes(':')) return ipaddr.IPv6.isValid(raw) ? ipv6Address(ipaddr.IPv6.parse(raw)) : null;
  if (!IPV4_SHAPE.test(raw) || !ipaddr.IPv4.isValidFourPartDecimal(raw)) return null;
  return ipv4Address(octetsValue(ipaddr.IPv4.parse(raw).octets));
}

function ipv6Address(parsed: ipaddr.IPv6): NormalisedAddress {
  if (parsed.isIPv4MappedAddress()) return ipv4Address(octetsValue(parsed.toIPv4Address().octets));
  const range = parsed.range();
  const isPublic = range === 'unicast' && parsed.match(GLOBAL_UNICAST_V6);
  const words = wordsOf(parsed.parts, new Uint32Array(4));
  return { ip: parsed.toRFC5952String(), version: 6, isPublic, range: isPublic ? range : range === 'unicast' ? 'reserved' : range, words };
}

/** Eight 16-bit groups as four big-endian 32-bit words, written to `out` from `at`. */
function wordsOf(parts: readonly number[], out: Uint32Array, at = 0): Uint32Array {
  for (let w = 0; w < 4; w++) out[at + w] = parts[2 * w] * 65536 + parts[2 * w + 1];
  return out;
}

/** The unsigned 32-bit number of four octets, most significant first. */
function octetsValue(octets: readonly number[]): number {
  return octets.reduce((n, octet) => n * 256 + octet, 0);
}

/**
 * ipaddr.js's special IPv4 ranges, in the order its `range()` tries them, as numbers: a range is
 * found with integer masks, without the objects `range()` makes on each call.
 */
type Subnet = [ipaddr.IPv4, number];
const IPV4_RANGES = Object.entries((ipaddr.IPv4.prototype as unknown as { SpecialRanges: Record<string, Subnet | Subnet[]> }).SpecialRanges).flatMap(([name, subnets]) =>
  // A name with one subnet may give it unlisted, as ipaddr.js's subnetMatch allows.
  (Array.isArray(subnets[0]) ? (subnets as Subnet[]) : [subnets as Subnet]).map(([network, bits]) => {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return { name, network: (octetsValue(network.octets) & mask) >>> 0, mask };
  }),
);

/** `ipaddr.IPv4.range()` of an address given as its number. */
export function ipv4Range(value: number): string {
  const address = value >>> 0;
  for (const range of IPV4_RANGES) if ((address & range.mask) >>> 0 === range.network) return range.name;
  return 'unicast';
}

/** The normalised IPv4 address of a number (its text built anew: never a slice of a read chunk). */
export function ipv4Address(value: number): IPv4Address {
  const range = ipv4Range(value);
  return { ip: dottedQuad(value), version: 4, isPublic: range === 'unicast', range, value: value >>> 0 };
}

/**
 * The address as a 32-bit integer (as int32: the top octet's high bit is the sign) when the text
 * is a dotted quad exactly as `normaliseAddress` would write it (no leading zeros, no spaces),
 * else null. Such texts need no normalising: the parsers' fast path for IPv4.
 */
export function canonicalIPv4(text: string): number | null {
  const length = text.length;
  if (length < 7 || length > 15) return null;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return null;
      value = (value << 8) | part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || (digits === 1 && part === 0)) return null;
      part = part * 10 + d;
      if (part > 255) return null;
      digits++;
    }
  }
  if (digits === 0 || dots !== 3) return null;
  return (value << 8) | part;
}

/**
 * `canonicalIPv4` of the ASCII bytes `bytes[start, end)`, as an unsigned number (`>>> 0` of
 * canonicalIPv4's), or -1 when they are not a dotted quad as `normaliseAddress` writes it.
 */
export function canonicalIPv4Bytes(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length < 7 || length > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = (value << 8) | part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || (digits === 1 && part === 0)) return -1;
      part = part * 10 + d;
      if (part > 255) return -1;
      digits++;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return ((value << 8) | part) >>> 0;
}

/** The dotted quad of an IPv4 address's number. */
export function dottedQuad(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** `192.0.2.100/28` → `192.0.2.96/28`: the network address with the prefix length; null when not a range. */
export function normaliseCidr(text: string): string | null {
  const slash = text.indexOf('/');
  if (slash <= 0 || !/^\d{1,3}$/.test(text.slice(slash + 1))) return null;
  const address = normaliseAddress(text.slice(0, slash));
  if (address === null) return null;
  const length = Number(text.slice(slash + 1));
  if (length > (address.version === 4 ? 32 : 128)) return null;
  try {
    if (address.version === 4) return `${ipaddr.IPv4.networkAddressFromCIDR(`${address.ip}/${length}`).toString()}/${length}`;
    return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.ip}/${length}`).toRFC5952String()}/${length}`;
  } catch {
    return null;
  }
}

/**
 * The four big-endian 32-bit words of an IPv6 address's text, written to `out` from `at`; false
 * when the text is not an IPv6 address.
 */
export function ipv6ToWords(text: string, out: Uint32Array, at = 0): boolean {
  if (!text.includes(':') || !ipaddr.IPv6.isValid(text)) return false;
  wordsOf(ipaddr.IPv6.parse(text).parts, out, at);
  return true;
}

/** The /64 network of an IPv6 address in RFC 5952 form (`2001:db8:1:2::/64`); anything else is returned as it is. */
export function ipv6Network64(ip: string): string {
  const words = new Uint32Array(4);
  return ipv6ToWords(ip, words) ? ipv6Network64OfWords(words) : ip;
}

/**
 * `ipv6Network64` of an address already parsed (`IPv6Address.words`): 13–20 ms for the bench's
 * 7,616 IPv6 addresses, where parsing their text again took 64–95 ms.
 */
export function ipv6Network64OfWords([w0, w1]: Uint32Array): string {
  return `${new ipaddr.IPv6([w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, 0, 0, 0, 0]).toRFC5952String()}/64`;
}

/** True when the text looks like a host name rather than an address (`mail.example.com`). */
export function looksLikeHostname(text: string): boolean {
  return /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i.test(text);
}

/**
 * An address or a network (CIDR) an address can be tested against: fail2ban's `ignoreip`,
 * `BOTMAP_TRUSTED`. `text` is its normal form (`192.0.2.0/24`; a single address without `/32`).
 */
export interface IpNetwork {
  text: string;
  version: 4 | 6;
  /** The network's leading bits, as four big-endian 32-bit words (IPv4 in the first). */
  words: Uint32Array;
  prefix: number;
}

/** An address (`192.0.2.7`) or a network (`192.0.2.0/24`, `2001:db8::/32`) as an `IpNetwork`; null when it is neither. */
export function parseNetwork(text: string): IpNetwork | null {
  const slash = text.indexOf('/');
  const cidr = slash >= 0 ? normaliseCidr(text) : null;
  const address = normaliseAddress(slash >= 0 ? (cidr ?? '').slice(0, cidr?.indexOf('/')) : text);
  if (address === null) return null;
  const maxPrefix = address.version === 4 ? 32 : 128;
  const prefix = cidr === null ? maxPrefix : Number(cidr.slice(cidr.indexOf('/') + 1));
  const words = address.version === 4 ? Uint32Array.of(address.value, 0, 0, 0) : address.words;
  return { text: prefix === maxPrefix ? address.ip : `${address.ip}/${prefix}`, version: address.version, words, prefix };
}

/** True when `address` lies in `network` (an IPv4 address never lies in an IPv6 network, nor the other way). */
export function inNetwork(address: NormalisedAddress, network: IpNetwork): boolean {
  if (address.version !== network.version) return false;
  const words = address.version === 4 ? [address.value] : address.words;
  for (let w = 0, bits = network.prefix; bits > 0; w++, bits -= 32) {
    const mask = bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    if (((words[w] & mask) >>> 0) !== ((network.words[w] & mask) >>> 0)) return false;
  }
  return true;
}
