/**
 * A lean reader of MaxMind DB files (https://maxmind.github.io/MaxMind-DB/) for what BotMap
 * uses of a GeoIP2/GeoLite2 City or Country record: the country, the city, the first
 * subdivision and the location. Everything else in a record (names in other languages,
 * continents, postal codes, time zones) is skipped by its encoded size without being decoded.
 *
 * mmdb-lib's Reader decodes whole records into objects, which is most of the cost of a first
 * lookup; this reader walks the search tree and decodes the few fields itself. Records it does
 * not expect (other types, other layouts) are reported as such rather than read approximately,
 * so that the caller can decode them with a complete decoder.
 */

/** The metadata fields the search tree is laid out by (mmdb-lib's `Reader.metadata` has them). */
export interface MmdbTreeMetadata {
  readonly nodeCount: number;
  readonly recordSize: number;
  readonly ipVersion: number;
}

/** Where the parts of a MaxMind DB file are, checked against the file's size. */
export interface MmdbLayout {
  readonly db: Uint8Array;
  readonly nodeCount: number;
  readonly recordSize: 24 | 28 | 32;
  readonly ipVersion: 4 | 6;
  /** File offset of the data section: pointers and search-tree records count from here. */
  readonly dataStart: number;
  /** File offset of the metadata marker, where the data section ends. */
  readonly dataEnd: number;
}

const DATA_SECTION_SEPARATOR_SIZE = 16;
const METADATA_MARKER = Uint8Array.from([0xab, 0xcd, 0xef, ...Array.from('MaxMind.com', (c) => c.charCodeAt(0))]);

/** Checks that the search tree the metadata describes fits in the file; throws an Error saying why not. */
export function mmdbLayout(db: Uint8Array, metadata: MmdbTreeMetadata): MmdbLayout {
  const { nodeCount, recordSize, ipVersion } = metadata;
  if (recordSize !== 24 && recordSize !== 28 && recordSize !== 32) throw new Error(`unsupported record size ${recordSize}`);
  if (ipVersion !== 4 && ipVersion !== 6) throw new Error(`unsupported IP version ${ipVersion}`);
  if (!Number.isSafeInteger(nodeCount) || nodeCount <= 0) throw new Error(`invalid node count ${nodeCount}`);
  const dataEnd = lastIndexOf(db, METADATA_MARKER);
  const dataStart = (nodeCount * recordSize) / 4 + DATA_SECTION_SEPARATOR_SIZE;
  if (dataEnd < 0 || dataStart > dataEnd) {
    throw new Error(`the search tree of ${nodeCount} nodes does not fit in the file's ${db.length} bytes`);
  }
  return { db, nodeCount, recordSize, ipVersion, dataStart, dataEnd };
}

function lastIndexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let at = haystack.length - needle.length; at >= 0; at--) {
    for (let i = 0; i < needle.length; i++) if (haystack[at + i] !== needle[i]) continue outer;
    return at;
  }
  return -1;
}

/** What `SearchTree.recordOffset` returns for an address the database has no record for. */
export const NOT_IN_DATABASE = -1;

/**
 * The search tree of a MaxMind DB: finds where an address's record is. IPv4 addresses in an
 * IPv6 tree are looked up under ::/96, as the spec says; an IPv4-only tree has no records for
 * IPv6 addresses.
 */
export class SearchTree {
  private readonly db: Uint8Array;
  private readonly nodeCount: number;
  private readonly recordSize: 24 | 28 | 32;
  private readonly dataStart: number;
  private readonly hasIPv6: boolean;
  /**
   * Where the first 16 bits of each IPv4 address lead from the IPv4 root (the root, or the end
   * of ::/96 in an IPv6 tree): IPv4 walks start 16 levels down, past the levels they share.
   */
  private readonly ipv4Nodes = new Uint32Array(1 << 16);
  /** The address being looked up, as four big-endian 32-bit words (scratch space). */
  private readonly words = new Uint32Array(4);

  constructor(layout: MmdbLayout) {
    this.db = layout.db;
    this.nodeCount = layout.nodeCount;
    this.recordSize = layout.recordSize;
    this.dataStart = layout.dataStart;
    this.hasIPv6 = layout.ipVersion === 6;
    const ipv4Root = this.hasIPv6 ? this.descend(this.descend(this.descend(0, 0, 32), 0, 32), 0, 32) : 0;
    this.fillIPv4Nodes(ipv4Root, 0, 0);
  }

  private fillIPv4Nodes(node: number, depth: number, prefix: number): void {
    if (depth === 16) {
      this.ipv4Nodes[prefix] = node;
      return;
    }
    if (node >= this.nodeCount) {
      this.ipv4Nodes.fill(node, prefix << (16 - depth), (prefix + 1) << (16 - depth));
      return;
    }
    this.fillIPv4Nodes(this.descend(node, 0, 1), depth + 1, prefix * 2);
    this.fillIPv4Nodes(this.descend(node, 1, 1), depth + 1, prefix * 2 + 1);
  }

  /**
   * The file offset of the record for `ip` (an IPv4 or IPv6 address), or NOT_IN_DATABASE.
   * Offsets identify records: addresses that share a record get the same offset.
   */
  recordOffset(ip: string): number {
    const ipv4 = parseIPv4(ip);
    let node: number;
    if (ipv4 >= 0) {
      node = this.descend(this.ipv4Nodes[ipv4 >>> 16], ipv4, 16);
    } else {
      const words = this.words;
      if (!parseIPv6(ip, words)) throw new TypeError(`Not an IP address: ${JSON.stringify(ip)}`);
      if (!this.hasIPv6) return NOT_IN_DATABASE;
      node = this.descend(this.descend(this.descend(this.descend(0, words[0], 32), words[1], 32), words[2], 32), words[3], 32);
    }
    // A record value above node_count points into the data section, counted from 16 bytes
    // before it (the separator); node_count itself means "no data", and so does running out of
    // address bits while still inside the tree.
    return node > this.nodeCount ? node - this.nodeCount - DATA_SECTION_SEPARATOR_SIZE + this.dataStart : NOT_IN_DATABASE;
  }

  /** Follows the low `bits` bits of `word`, most significant first, from `node` until it leaves the tree. */
  private descend(node: number, word: number, bits: number): number {
    const db = this.db;
    const nodeCount = this.nodeCount;
    let bit = bits - 1;
    // One loop per record size: this is the innermost loop of every lookup.
    switch (this.recordSize) {
      case 28:
        // Left's low 24 bits, a byte holding left's and right's top 4 bits, right's low 24 bits.
        for (; bit >= 0 && node < nodeCount; bit--) {
          const at = node * 7;
          node = (word >>> bit) & 1
            ? ((db[at + 3] & 0x0f) << 24) | (db[at + 4] << 16) | (db[at + 5] << 8) | db[at + 6]
            : ((db[at + 3] & 0xf0) << 20) | (db[at] << 16) | (db[at + 1] << 8) | db[at + 2];
        }
        return node;
      case 24:
        for (; bit >= 0 && node < nodeCount; bit--) {
          const at = node * 6 + ((word >>> bit) & 1) * 3;
          node = (db[at] << 16) | (db[at + 1] << 8) | db[at + 2];
        }
        return node;
      default:
        for (; bit >= 0 && node < nodeCount; bit--) {
          const at = node * 8 + ((word >>> bit) & 1) * 4;
          node = ((db[at] << 24) | (db[at + 1] << 16) | (db[at + 2] << 8) | db[at + 3]) >>> 0;
        }
        return node;
    }
  }
}

const DOT = 46;
const COLON = 58;
const DIGIT_0 = 48;

/** A dotted-quad IPv4 address as an unsigned 32-bit number, or -1 when `text` is not one. */
function parseIPv4(text: string): number {
  return parseIPv4At(text, 0, text.length);
}

function parseIPv4At(text: string, start: number, end: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      const digit = c - DIGIT_0;
      if (digit < 0 || digit > 9 || digits === 3) return -1;
      octet = octet * 10 + digit;
      if (octet > 255) return -1;
      digits++;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

const IPV6_GROUPS = new Uint16Array(8);

/**
 * Parses an IPv6 address (with `::` and an optional dotted IPv4 tail) into four 32-bit words.
 * False when `text` is not an IPv6 address.
 */
function parseIPv6(text: string, words: Uint32Array): boolean {
  // Sixteen-bit groups before and after the `::`; `gap` is where the zeros of `::` go.
  const groups = IPV6_GROUPS;
  let count = 0;
  let gap = -1;
  let i = 0;
  const end = text.length;
  if (end < 2) return false;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    if (count === 8) return false;
    let group = 0;
    let digits = 0;
    let j = i;
    for (; j < end && digits <= 4; j++) {
      const digit = hexDigit(text.charCodeAt(j));
      if (digit < 0) break;
      group = (group << 4) | digit;
      digits++;
    }
    if (j < end && text.charCodeAt(j) === DOT) {
      // A dotted IPv4 tail takes the last two groups.
      if (count > 6) return false;
      const ipv4 = parseIPv4At(text, i, end);
      if (ipv4 < 0) return false;
      groups[count++] = ipv4 >>> 16;
      groups[count++] = ipv4 & 0xffff;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4) return false;
    groups[count++] = group;
    i = j;
    if (i === end) break;
    if (text.charCodeAt(i) !== COLON) return false;
    i++;
    if (i < end && text.charCodeAt(i) === COLON) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    } else if (i === end) {
      return false;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const zeros = 8 - count;
  for (let w = 0; w < 4; w++) {
    const high = expandedGroup(groups, 2 * w, gap, zeros);
    const low = expandedGroup(groups, 2 * w + 1, gap, zeros);
    words[w] = ((high << 16) | low) >>> 0;
  }
  return true;
}

/** Group `index` of the full eight, with the `::` at `gap` standing for `zeros` zero groups. */
function expandedGroup(groups: Uint16Array, index: number, gap: number, zeros: number): number {
  if (gap < 0 || index < gap) return groups[index];
  if (index < gap + zeros) return 0;
  return groups[index - zeros];
}

// ---------------------------------------------------------------------------------------------
// Data section
// ---------------------------------------------------------------------------------------------

/** The names BotMap reads; `en` only. */
export interface PlaceNames {
  readonly en?: string;
}

/** A city, country or subdivision: GeoIP2's `{ iso_code, names, ... }` maps. */
export interface NamedPlace {
  readonly iso_code?: string;
  readonly names?: PlaceNames;
}

export interface PlaceLocation {
  readonly latitude?: number;
  readonly longitude?: number;
  readonly accuracy_radius?: number;
}

/**
 * The part of a GeoIP2 City or Country record BotMap uses, with the record's own key names:
 * a complete record (mmdb-lib's CityResponse) has this shape too.
 */
export interface CityFields {
  readonly city?: NamedPlace;
  readonly country?: NamedPlace;
  readonly registered_country?: NamedPlace;
  readonly subdivisions?: readonly NamedPlace[];
  readonly location?: PlaceLocation;
}

// Data types (the spec's numbering).
const POINTER = 1;
const UTF8_STRING = 2;
const DOUBLE = 3;
const BYTES = 4;
const UINT16 = 5;
const UINT32 = 6;
const MAP = 7;
const INT32 = 8;
const UINT64 = 9;
const UINT128 = 10;
const ARRAY = 11;
const BOOLEAN = 14;
const FLOAT = 15;

/** Pointer values with 1, 2 and 3 bytes after the control byte are biased by these amounts. */
const POINTER_BIAS = [0, 2048, 526_336, 0];

const keyBytes = (key: string) => Uint8Array.from(key, (c) => c.charCodeAt(0));
const CITY = keyBytes('city');
const COUNTRY = keyBytes('country');
const LOCATION = keyBytes('location');
const SUBDIVISIONS = keyBytes('subdivisions');
const REGISTERED_COUNTRY = keyBytes('registered_country');
const ISO_CODE = keyBytes('iso_code');
const NAMES = keyBytes('names');
const EN = keyBytes('en');
const LATITUDE = keyBytes('latitude');
const LONGITUDE = keyBytes('longitude');
const ACCURACY_RADIUS = keyBytes('accuracy_radius');
// A complete decoder that builds objects by assignment lets a `__proto__` key replace the
// object's prototype, and with it what every other key reads as.
const PROTO = keyBytes('__proto__');

/** Thrown inside the decoder when a record is not in the shape it reads; never escapes it. */
class UnexpectedRecord extends Error {}

function unexpected(): never {
  throw new UnexpectedRecord();
}

/**
 * Reads the CityFields of records. Values that records share through pointers (a country,
 * a city, a location) are read once per pointer target.
 */
export class CityRecordReader {
  private readonly db: Uint8Array;
  private readonly view: DataView;
  private readonly text: Buffer;
  private readonly dataStart: number;
  private readonly dataEnd: number;
  private readonly places = new Map<number, NamedPlace>();
  private readonly locations = new Map<number, PlaceLocation>();
  private readonly subdivisionLists = new Map<number, readonly NamedPlace[]>();

  // The value `head` read last: its type, its size (for a pointer: the target's file offset),
  // and where its payload starts (for a pointer: the byte after it).
  private type = 0;
  private size = 0;
  private payload = 0;
  /** Where the value the last reader of a field (place, names, location, string...) read ends: after it, or after the pointer to it. */
  private next = 0;

  constructor(layout: MmdbLayout) {
    const db = layout.db;
    this.db = db;
    this.view = new DataView(db.buffer, db.byteOffset, db.byteLength);
    this.text = Buffer.from(db.buffer, db.byteOffset, db.byteLength);
    this.dataStart = layout.dataStart;
    this.dataEnd = layout.dataEnd;
  }

  /**
   * The fields of the record at `offset` (from `SearchTree.recordOffset`), or undefined when
   * the record is not in the shape this reader expects (a value of another type, a malformed
   * value): such a record needs a complete decoder.
   */
  read(offset: number): CityFields | undefined {
    try {
      return this.record(offset);
    } catch (error) {
      if (error instanceof UnexpectedRecord) return undefined;
      throw error;
    }
  }

  private record(offset: number): CityFields {
    if (offset < this.dataStart) unexpected();
    this.resolve(offset);
    if (this.type !== MAP) unexpected();
    let city: NamedPlace | undefined;
    let country: NamedPlace | undefined;
    let registeredCountry: NamedPlace | undefined;
    let subdivisions: readonly NamedPlace[] | undefined;
    let location: PlaceLocation | undefined;
    let at = this.payload;
    for (let n = this.size; n > 0; n--) {
      at = this.key(at);
      const key = this.payload;
      switch (this.size) {
        case 4:
          if (this.keyIs(key, CITY)) {
            city = this.place(at);
            at = this.next;
            continue;
          }
          break;
        case 7:
          if (this.keyIs(key, COUNTRY)) {
            country = this.place(at);
            at = this.next;
            continue;
          }
          break;
        case 8:
          if (this.keyIs(key, LOCATION)) {
            location = this.location(at);
            at = this.next;
            continue;
          }
          break;
        case 9:
          if (this.keyIs(key, PROTO)) unexpected();
          break;
        case 12:
          if (this.keyIs(key, SUBDIVISIONS)) {
            subdivisions = this.subdivisions(at);
            at = this.next;
            continue;
          }
          break;
        case 18:
          if (this.keyIs(key, REGISTERED_COUNTRY)) {
            registeredCountry = this.place(at);
            at = this.next;
            continue;
          }
          break;
      }
      at = this.skip(at);
    }
    return { city, country, registered_country: registeredCountry, subdivisions, location };
  }

  private place(at: number): NamedPlace {
    return this.shared(at, this.places, this.placeAt);
  }

  private location(at: number): PlaceLocation {
    return this.shared(at, this.locations, this.locationAt);
  }

  private subdivisions(at: number): readonly NamedPlace[] {
    return this.shared(at, this.subdivisionLists, this.subdivisionsAt);
  }

  /**
   * The value at `at` read by `read`; when it is a pointer, the value it points to, read once per
   * target and kept in `cache` (many records share a country or a city). `next` is set after it.
   */
  private shared<T>(at: number, cache: Map<number, T>, read: (this: CityRecordReader, at: number) => T): T {
    this.head(at);
    if (this.type !== POINTER) return read.call(this, at);
    const after = this.payload;
    const target = this.size;
    let value = cache.get(target);
    if (value === undefined) {
      value = read.call(this, target);
      cache.set(target, value);
    }
    this.next = after;
    return value;
  }

  /** The map at `at` (not a pointer to it). */
  private placeAt(at: number): NamedPlace {
    this.head(at);
    if (this.type !== MAP) unexpected();
    let isoCode: string | undefined;
    let names: PlaceNames | undefined;
    at = this.payload;
    for (let n = this.size; n > 0; n--) {
      at = this.key(at);
      const key = this.payload;
      if (this.size === 5 && this.keyIs(key, NAMES)) {
        names = this.names(at);
        at = this.next;
      } else if (this.size === 8 && this.keyIs(key, ISO_CODE)) {
        isoCode = this.string(at);
        at = this.next;
      } else {
        if (this.size === 9 && this.keyIs(key, PROTO)) unexpected();
        at = this.skip(at);
      }
    }
    this.next = at;
    return { iso_code: isoCode, names };
  }

  private names(at: number): PlaceNames {
    const after = this.resolve(at);
    if (this.type !== MAP) unexpected();
    let en: string | undefined;
    at = this.payload;
    for (let n = this.size; n > 0; n--) {
      at = this.key(at);
      const key = this.payload;
      if (this.size === 2 && this.keyIs(key, EN)) {
        en = this.string(at);
        at = this.next;
      } else {
        if (this.size === 9 && this.keyIs(key, PROTO)) unexpected();
        at = this.skip(at);
      }
    }
    this.next = after >= 0 ? after : at;
    return { en };
  }

  /** The map at `at` (not a pointer to it). */
  private locationAt(at: number): PlaceLocation {
    this.head(at);
    if (this.type !== MAP) unexpected();
    let latitude: number | undefined;
    let longitude: number | undefined;
    let accuracyRadius: number | undefined;
    at = this.payload;
    for (let n = this.size; n > 0; n--) {
      at = this.key(at);
      const key = this.payload;
      const length = this.size;
      if (length === 8 && this.keyIs(key, LATITUDE)) {
        latitude = this.number(at);
        at = this.next;
      } else if (length === 9 && this.keyIs(key, LONGITUDE)) {
        longitude = this.number(at);
        at = this.next;
      } else if (length === 15 && this.keyIs(key, ACCURACY_RADIUS)) {
        accuracyRadius = this.number(at);
        at = this.next;
      } else {
        if (length === 9 && this.keyIs(key, PROTO)) unexpected();
        at = this.skip(at);
      }
    }
    this.next = at;
    return { latitude, longitude, accuracy_radius: accuracyRadius };
  }

  /** The array at `at` (not a pointer to it). Only the first subdivision is read: the largest, in GeoIP2's order. */
  private subdivisionsAt(at: number): readonly NamedPlace[] {
    this.head(at);
    if (this.type !== ARRAY) unexpected();
    const count = this.size;
    if (count === 0) {
      this.next = this.payload;
      return [];
    }
    const first = this.place(this.payload);
    at = this.next;
    for (let n = count - 1; n > 0; n--) at = this.skip(at);
    this.next = at;
    return [first];
  }

  /** Reads the map key at `at` (its bytes: `payload`, `size`); returns where its value starts. */
  private key(at: number): number {
    const after = this.resolve(at);
    if (this.type !== UTF8_STRING) unexpected();
    const end = this.payload + this.size;
    if (end > this.dataEnd) unexpected();
    return after >= 0 ? after : end;
  }

  private keyIs(start: number, key: Uint8Array): boolean {
    const db = this.db;
    for (let i = 0; i < key.length; i++) if (db[start + i] !== key[i]) return false;
    return true;
  }

  private string(at: number): string {
    const after = this.resolve(at);
    if (this.type !== UTF8_STRING) unexpected();
    const start = this.payload;
    const end = start + this.size;
    if (end > this.dataEnd) unexpected();
    this.next = after >= 0 ? after : end;
    return this.text.toString('utf8', start, end);
  }

  /** A number of a type that decodes to a JS number (not uint64/uint128, which are bigints). */
  private number(at: number): number {
    const after = this.resolve(at);
    const { type, size, payload } = this;
    const end = payload + size;
    if (end > this.dataEnd) unexpected();
    this.next = after >= 0 ? after : end;
    switch (type) {
      case DOUBLE:
        if (size !== 8) unexpected();
        return this.view.getFloat64(payload);
      case FLOAT:
        if (size !== 4) unexpected();
        return this.view.getFloat32(payload);
      case UINT16:
      case UINT32:
        if (size > 4) unexpected();
        return this.unsigned(payload, size);
      case INT32:
        if (size > 4) unexpected();
        return size === 4 ? this.view.getInt32(payload) : this.unsigned(payload, size);
    }
    return unexpected();
  }

  private unsigned(at: number, size: number): number {
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + this.db[at + i];
    return value;
  }

  /**
   * Reads the head of the value at `at`, following a pointer (pointers to pointers are not
   * valid). Returns where the pointer at `at` ends, or -1 when `at` holds the value itself.
   */
  private resolve(at: number): number {
    this.head(at);
    if (this.type !== POINTER) return -1;
    const after = this.payload;
    this.head(this.size);
    if (this.type === POINTER) unexpected();
    return after;
  }

  /** Where the value at `at` ends; a pointer ends after itself, whatever it points to. */
  private skip(at: number): number {
    this.head(at);
    const { type, size, payload } = this;
    let end = payload;
    switch (type) {
      case POINTER:
      case BOOLEAN:
        return payload;
      case MAP:
        for (let n = size * 2; n > 0; n--) end = this.skip(end);
        return end;
      case ARRAY:
        for (let n = size; n > 0; n--) end = this.skip(end);
        return end;
      case UTF8_STRING:
      case DOUBLE:
      case BYTES:
      case INT32:
      case FLOAT:
        end = payload + size;
        break;
      case UINT16:
      case UINT32:
        // Sizes a complete decoder rejects are left to it, so that the error is the same.
        if (size > 4) unexpected();
        end = payload + size;
        break;
      case UINT64:
      case UINT128:
        if (size > 16) unexpected();
        end = payload + size;
        break;
      default:
        unexpected();
    }
    if (end > this.dataEnd) unexpected();
    return end;
  }

  /** Reads the control byte(s) of the value at `at` into `type`, `size` and `payload`. */
  private head(at: number): void {
    const db = this.db;
    const limit = this.dataEnd;
    if (at >= limit) unexpected();
    const control = db[at];
    let type = control >>> 5;
    let next = at + 1;
    if (type === POINTER) {
      const extra = (control >>> 3) & 3;
      if (next + extra + 1 > limit) unexpected();
      let value: number;
      switch (extra) {
        case 0:
          value = ((control & 7) << 8) | db[next];
          break;
        case 1:
          value = ((control & 7) << 16) | (db[next] << 8) | db[next + 1];
          break;
        case 2:
          value = ((control & 7) << 24) | (db[next] << 16) | (db[next + 1] << 8) | db[next + 2];
          break;
        default:
          value = ((db[next] << 24) | (db[next + 1] << 16) | (db[next + 2] << 8) | db[next + 3]) >>> 0;
      }
      this.type = POINTER;
      this.size = this.dataStart + POINTER_BIAS[extra] + value;
      this.payload = next + extra + 1;
      return;
    }
    if (type === 0) {
      // Extended types: the next byte holds the type minus 7.
      if (next >= limit) unexpected();
      type = db[next++] + 7;
      if (type < 8) unexpected();
    }
    let size = control & 0x1f;
    if (size >= 29) {
      const extra = size - 28;
      if (next + extra > limit) unexpected();
      if (size === 29) size = 29 + db[next];
      else if (size === 30) size = 285 + ((db[next] << 8) | db[next + 1]);
      else size = 65_821 + ((db[next] << 16) | (db[next + 1] << 8) | db[next + 2]);
      next += extra;
    }
    this.type = type;
    this.size = size;
    this.payload = next;
  }
}
