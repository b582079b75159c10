/**
 * A small MaxMind DB writer (binary format 2.0), used only by tests to build fixture databases.
 *
 * Spec: "MaxMind DB File Format Specification" v2.0 (https://maxmind.github.io/MaxMind-DB/).
 * File layout:
 *
 *   search tree (node_count nodes, two records each)
 *   16 zero bytes (data section separator)
 *   data section (type-tagged values; search-tree records point here)
 *   "\xAB\xCD\xEFMaxMind.com" + metadata map
 *
 * Semantics of the entries passed to `writeMmdb`:
 * - An address resolves to the entry with the LONGEST matching prefix, whatever the insertion
 *   order (insert a /8 then a /24 inside it, or the other way round: the /24 wins for its range,
 *   the rest of the /8 keeps the /8's data). The same network given twice: the later entry wins.
 *   (MaxMind's own writers replace sub-networks when a containing network is inserted later; for
 *   fixtures an order-independent routing-table rule is less surprising.)
 * - Space no entry covers points at the "no data" record value (node_count).
 * - In an IPv6 tree, IPv4 networks live under ::/96 (::a.b.c.d), as the spec prescribes, and by
 *   default ::ffff:0:0/96 (IPv4-mapped) and 2002::/16 (6to4) are aliased to that IPv4 subtree,
 *   like MaxMind's GeoIP2/GeoLite2 databases. Entries inside an aliased range are rejected.
 * - Identical records are stored once; repeated sub-values (map keys, names, nested maps) are
 *   stored once too and referenced through data-section pointers, as MaxMind's writers do.
 *
 * JS values map to MMDB types as follows (use `mmdbType.*` to force another type):
 *   string -> utf8_string; boolean -> boolean; Uint8Array/Buffer -> bytes; array -> array;
 *   plain object -> map; bigint -> uint64 (uint128 when >= 2^64);
 *   number: integer >= 0 -> uint32 (uint64 above 2^32-1), negative integer -> int32
 *   (double below -2^31), anything else (fractions, -0, NaN, Infinity) -> double.
 *   null and undefined are rejected: the format has no null.
 */
import { isIP } from 'node:net';

export interface MmdbEntry {
  /** CIDR such as '81.2.69.0/24' or '2a02:cf40::/29'; a bare address means a single host. */
  network: string;
  data: Record<string, unknown>;
}

export interface MmdbOptions {
  databaseType: string;
  /** Build time, in seconds since the Unix epoch. */
  buildEpoch: number;
  languages?: string[];
  description?: Record<string, string>;
  /** 6 (default): 128-bit tree holding IPv4 under ::/96. 4: 32-bit tree, IPv4 networks only. */
  ipVersion?: 4 | 6;
  /** Bits per search-tree record (default 28). */
  recordSize?: 24 | 28 | 32;
  /** IPv6 trees only: alias ::ffff:0:0/96 and 2002::/16 to the IPv4 subtree (default true). */
  ipv4Aliases?: boolean;
}

/** MMDB data types a value can be forced to with `mmdbType`. */
export type MmdbScalarType =
  | 'utf8_string'
  | 'double'
  | 'float'
  | 'bytes'
  | 'uint16'
  | 'uint32'
  | 'int32'
  | 'uint64'
  | 'uint128'
  | 'boolean';

/** A value with an explicit MMDB type, e.g. `mmdbType.uint16(10)` for GeoIP2's accuracy_radius. */
export class MmdbTypedValue {
  constructor(
    readonly type: MmdbScalarType,
    readonly value: string | number | bigint | boolean | Uint8Array,
  ) {}
}

export const mmdbType = {
  utf8String: (v: string) => new MmdbTypedValue('utf8_string', v),
  double: (v: number) => new MmdbTypedValue('double', v),
  float: (v: number) => new MmdbTypedValue('float', v),
  bytes: (v: Uint8Array) => new MmdbTypedValue('bytes', v),
  uint16: (v: number) => new MmdbTypedValue('uint16', v),
  uint32: (v: number) => new MmdbTypedValue('uint32', v),
  int32: (v: number) => new MmdbTypedValue('int32', v),
  uint64: (v: number | bigint) => new MmdbTypedValue('uint64', v),
  uint128: (v: number | bigint) => new MmdbTypedValue('uint128', v),
  boolean: (v: boolean) => new MmdbTypedValue('boolean', v),
};

const METADATA_MARKER = Buffer.from('\xAB\xCD\xEFMaxMind.com', 'latin1');
const DATA_SECTION_SEPARATOR_SIZE = 16;
const MAX_METADATA_SIZE = 128 * 1024;

// ---------------------------------------------------------------------------------------------
// Data section encoding
// ---------------------------------------------------------------------------------------------

const TYPE_CODE = {
  pointer: 1,
  utf8_string: 2,
  double: 3,
  bytes: 4,
  uint16: 5,
  uint32: 6,
  map: 7,
  int32: 8,
  uint64: 9,
  uint128: 10,
  array: 11,
  boolean: 14,
  float: 15,
} as const;

/**
 * A value normalised to its MMDB type, with what the encoder needs precomputed:
 * `key` identifies equal values (type included) for deduplication, `size` is the byte length
 * of the inline encoding (without any pointers), used to decide whether a pointer is shorter.
 * Keys embed payloads as hex or decimal digits, never raw text, so that the separators used to
 * compose map and array keys cannot be forged by string contents (distinct values, distinct keys).
 */
type Val = { key: string; size: number } & (
  | { t: 'utf8_string' | 'bytes'; payload: Uint8Array }
  | { t: 'double' | 'float' | 'uint16' | 'uint32' | 'int32' | 'uint64' | 'uint128'; payload: Uint8Array }
  | { t: 'boolean'; v: boolean }
  | { t: 'map'; entries: [Val, Val][] }
  | { t: 'array'; items: Val[] }
);

/** Bytes taken by a control byte (+ extended type byte + size bytes) for a type and size. */
function controlSize(type: number, size: number): number {
  const ext = type > 7 ? 1 : 0;
  if (size < 29) return 1 + ext;
  if (size < 285) return 2 + ext;
  if (size < 65_821) return 3 + ext;
  return 4 + ext;
}

/** Big-endian bytes of a non-negative integer, as few as possible (zero takes no bytes). */
function minimalBytes(value: bigint): Uint8Array {
  const out: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  return Uint8Array.from(out);
}

function scalar(t: Extract<Val, { payload: Uint8Array }>['t'], payload: Uint8Array, key: string): Val {
  return { t, payload, key: `${t}:${key}`, size: controlSize(TYPE_CODE[t], payload.length) + payload.length };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function checkInteger(value: number | bigint, min: bigint, max: bigint, type: string, path: string): bigint {
  if (typeof value === 'number' && !Number.isInteger(value)) {
    throw new TypeError(`${path}: ${type} needs an integer, got ${value}`);
  }
  const big = BigInt(value);
  if (big < min || big > max) throw new RangeError(`${path}: ${value} is out of range for ${type}`);
  return big;
}

function typedValue(tv: MmdbTypedValue, path: string): Val {
  const { type, value } = tv;
  const expect = (kind: string) => {
    if (typeof value !== kind) throw new TypeError(`${path}: ${type} needs a ${kind}, got ${typeof value}`);
  };
  switch (type) {
    case 'utf8_string': {
      expect('string');
      const bytes = Buffer.from(value as string, 'utf8');
      return scalar(type, bytes, hex(bytes));
    }
    case 'bytes': {
      if (!(value instanceof Uint8Array)) throw new TypeError(`${path}: bytes needs a Uint8Array`);
      return scalar(type, value, hex(value));
    }
    case 'double':
    case 'float': {
      expect('number');
      const buf = Buffer.alloc(type === 'double' ? 8 : 4);
      if (type === 'double') buf.writeDoubleBE(value as number);
      else buf.writeFloatBE(value as number);
      return scalar(type, buf, hex(buf));
    }
    case 'uint16':
    case 'uint32':
    case 'uint64':
    case 'uint128': {
      if (typeof value !== 'number' && typeof value !== 'bigint') {
        throw new TypeError(`${path}: ${type} needs a number or bigint`);
      }
      const bits = { uint16: 16n, uint32: 32n, uint64: 64n, uint128: 128n }[type];
      const big = checkInteger(value, 0n, (1n << bits) - 1n, type, path);
      return scalar(type, minimalBytes(big), big.toString());
    }
    case 'int32': {
      expect('number');
      const big = checkInteger(value as number, -(1n << 31n), (1n << 31n) - 1n, type, path);
      // Readers only sign-extend a full 4-byte payload, so negative numbers always take 4 bytes.
      const payload = big < 0n ? minimalBytes(big + (1n << 32n)) : minimalBytes(big);
      return scalar(type, payload, big.toString());
    }
    case 'boolean':
      expect('boolean');
      return { t: 'boolean', v: value as boolean, key: `boolean:${value}`, size: 2 };
    default:
      throw new TypeError(`${path}: unknown MMDB type ${String(type)}`);
  }
}

/** Converts a JS value to its MMDB representation (see the type mapping in the file header). */
function normalise(value: unknown, path: string): Val {
  if (value instanceof MmdbTypedValue) return typedValue(value, path);
  switch (typeof value) {
    case 'string':
      return typedValue(mmdbType.utf8String(value), path);
    case 'boolean':
      return typedValue(mmdbType.boolean(value), path);
    case 'bigint':
      return typedValue(value < 1n << 64n ? mmdbType.uint64(value) : mmdbType.uint128(value), path);
    case 'number': {
      if (!Number.isInteger(value) || Object.is(value, -0)) return typedValue(mmdbType.double(value), path);
      if (value >= 0) {
        if (value <= 0xffff_ffff) return typedValue(mmdbType.uint32(value), path);
        return typedValue(mmdbType.uint64(value), path);
      }
      if (value >= -(2 ** 31)) return typedValue(mmdbType.int32(value), path);
      return typedValue(mmdbType.double(value), path);
    }
  }
  if (value instanceof Uint8Array) return typedValue(mmdbType.bytes(value), path);
  if (Array.isArray(value)) {
    const items = value.map((item, i) => normalise(item, `${path}[${i}]`));
    const size = controlSize(TYPE_CODE.array, items.length) + items.reduce((sum, v) => sum + v.size, 0);
    return { t: 'array', items, size, key: `array[${items.map((v) => v.key).join(',')}]` };
  }
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    const entries = Object.entries(value).map(
      ([k, v]): [Val, Val] => [normalise(k, `${path}.${k} (key)`), normalise(v, `${path}.${k}`)],
    );
    const size =
      controlSize(TYPE_CODE.map, entries.length) + entries.reduce((sum, [k, v]) => sum + k.size + v.size, 0);
    return { t: 'map', entries, size, key: `map{${entries.map(([k, v]) => `${k.key}=${v.key}`).join(',')}}` };
  }
  throw new TypeError(`${path}: cannot store ${value === null ? 'null' : typeof value} in an MMDB`);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Growable byte buffer. */
class ByteWriter {
  private buf = Buffer.alloc(4096);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  bytes(bytes: ArrayLike<number>): void {
    this.reserve(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.buf[this.length++] = bytes[i];
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}

/**
 * Pointer encoding, control byte 001SSVVV: SS picks how many bytes follow and the bias added
 * to the value (0: 11 bits; 1: 19 bits + 2048; 2: 27 bits + 526336; 3: 32 bits, VVV unused).
 */
function pointerBytes(offset: number): number[] {
  if (offset < 2048) return [0x20 | (offset >> 8), offset & 0xff];
  if (offset < 526_336) {
    const v = offset - 2048;
    return [0x28 | (v >> 16), (v >> 8) & 0xff, v & 0xff];
  }
  if (offset < 526_336 + 2 ** 27) {
    const v = offset - 526_336;
    return [0x30 | (v >>> 24), (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
  }
  if (offset <= 0xffff_ffff) {
    return [0x38, offset >>> 24, (offset >> 16) & 0xff, (offset >> 8) & 0xff, offset & 0xff];
  }
  throw new RangeError(`data section offset ${offset} does not fit in a pointer (4 GiB limit)`);
}

class DataEncoder {
  readonly out = new ByteWriter();
  /** Offset of the first inline (non-pointer) encoding of each distinct value. */
  private readonly offsets = new Map<string, number>();

  /** @param dedupe false for the metadata section, which pointers should not be needed in. */
  constructor(private readonly dedupe: boolean) {}

  /**
   * Writes a top-level record and returns the offset search-tree records should point to.
   * That offset is always an inline encoding: a tree record must not lead to a pointer.
   */
  record(val: Val): number {
    return this.offsets.get(val.key) ?? this.encode(val);
  }

  /** Writes `val` (inline, or as a pointer to an earlier copy when that is shorter). */
  encode(val: Val): number {
    const start = this.out.length;
    const earlier = this.dedupe ? this.offsets.get(val.key) : undefined;
    if (earlier !== undefined) {
      // `earlier` is always an inline encoding, so a pointer never points at a pointer.
      const pointer = pointerBytes(earlier);
      if (pointer.length < val.size) {
        this.out.bytes(pointer);
        return earlier;
      }
    }
    this.inline(val);
    if (earlier === undefined) this.offsets.set(val.key, start);
    return start;
  }

  private control(type: number, size: number): void {
    let sizeBits: number;
    let sizeBytes: number[];
    if (size < 29) {
      sizeBits = size;
      sizeBytes = [];
    } else if (size < 285) {
      sizeBits = 29;
      sizeBytes = [size - 29];
    } else if (size < 65_821) {
      const s = size - 285;
      sizeBits = 30;
      sizeBytes = [s >> 8, s & 0xff];
    } else if (size < 65_821 + 2 ** 24) {
      const s = size - 65_821;
      sizeBits = 31;
      sizeBytes = [s >> 16, (s >> 8) & 0xff, s & 0xff];
    } else {
      throw new RangeError(`value of size ${size} exceeds the MMDB maximum of 16,843,036`);
    }
    // Types 1-7 fit in the control byte's top 3 bits; 8 and up are "extended": the top bits are
    // 0 and the byte after the control byte holds type - 7. Size bytes come after that.
    if (type <= 7) {
      this.out.byte((type << 5) | sizeBits);
    } else {
      this.out.byte(sizeBits);
      this.out.byte(type - 7);
    }
    this.out.bytes(sizeBytes);
  }

  private inline(val: Val): void {
    switch (val.t) {
      case 'boolean':
        this.control(TYPE_CODE.boolean, val.v ? 1 : 0); // the value is the size; no payload
        return;
      case 'map':
        this.control(TYPE_CODE.map, val.entries.length);
        for (const [k, v] of val.entries) {
          this.encode(k);
          this.encode(v);
        }
        return;
      case 'array':
        this.control(TYPE_CODE.array, val.items.length);
        for (const item of val.items) this.encode(item);
        return;
      default:
        this.control(TYPE_CODE[val.t], val.payload.length);
        this.out.bytes(val.payload);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Addresses and networks
// ---------------------------------------------------------------------------------------------

function parseIPv4(text: string): number[] {
  return text.split('.').map(Number);
}

/** 16 bytes of an IPv6 address (node's isIP has already validated the syntax). */
function parseIPv6(text: string): Uint8Array {
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two hextets.
  const withoutQuad = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    [(+a << 8) | +b, (+c << 8) | +d].map((n) => n.toString(16)).join(':'),
  );
  const halves = withoutQuad.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const groups = halves.length > 1 ? [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

function bitAt(bytes: Uint8Array, index: number): 0 | 1 {
  return ((bytes[index >> 3] >> (7 - (index & 7))) & 1) as 0 | 1;
}

interface TreeNetwork {
  /** Address in tree space: 4 bytes in an IPv4 tree, 16 in an IPv6 tree (IPv4 at ::a.b.c.d). */
  bytes: Uint8Array;
  /** Prefix length in tree space (an IPv4 /24 in an IPv6 tree is /120). */
  prefix: number;
}

function parseNetwork(network: string, ipVersion: 4 | 6): TreeNetwork {
  const slash = network.indexOf('/');
  const addressText = slash < 0 ? network : network.slice(0, slash);
  const version = addressText.includes('%') ? 0 : isIP(addressText);
  if (version === 0) throw new Error(`invalid network ${JSON.stringify(network)}: bad address`);
  const bits = version === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(bits) : network.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix <= bits)) throw new Error(`invalid network ${JSON.stringify(network)}: bad prefix length`);

  let bytes: Uint8Array;
  let treePrefix = prefix;
  if (version === 6) {
    if (ipVersion === 4) throw new Error(`IPv6 network ${network} cannot go in an IPv4 (ip_version 4) database`);
    bytes = parseIPv6(addressText);
  } else if (ipVersion === 4) {
    bytes = Uint8Array.from(parseIPv4(addressText));
  } else {
    bytes = new Uint8Array(16);
    bytes.set(parseIPv4(addressText), 12);
    treePrefix += 96;
  }
  for (let i = treePrefix; i < bytes.length * 8; i++) {
    if (bitAt(bytes, i)) throw new Error(`invalid network ${network}: host bits are set after /${prefix}`);
  }
  return { bytes, prefix: treePrefix };
}

// ---------------------------------------------------------------------------------------------
// Search tree
// ---------------------------------------------------------------------------------------------

/** A record: another node, a data-section offset, or null for "no data". */
type TreeRecord = TreeNode | number | null;

class TreeNode {
  readonly children: [TreeRecord, TreeRecord];
  constructor(left: TreeRecord = null, right: TreeRecord = null) {
    this.children = [left, right];
  }
}

/**
 * Makes every address of `network` resolve to `value`, replacing whatever was there (nodes on
 * the way that were leaves are split, so the rest of a containing network keeps its value).
 */
function setNetwork(root: TreeNode, { bytes, prefix }: TreeNetwork, value: TreeRecord): void {
  if (prefix === 0) {
    // The root itself must stay a node: set both halves of the address space.
    root.children[0] = value;
    root.children[1] = value;
    return;
  }
  let node = root;
  for (let depth = 0; depth < prefix - 1; depth++) {
    const bit = bitAt(bytes, depth);
    let child = node.children[bit];
    if (!(child instanceof TreeNode)) {
      child = new TreeNode(child, child);
      node.children[bit] = child;
    }
    node = child;
  }
  node.children[bitAt(bytes, prefix - 1)] = value;
}

/** What the tree holds at `network`: the node rooting it, or the leaf value covering it. */
function recordAt(root: TreeNode, { bytes, prefix }: TreeNetwork): TreeRecord {
  let record: TreeRecord = root;
  for (let depth = 0; depth < prefix && record instanceof TreeNode; depth++) {
    record = record.children[bitAt(bytes, depth)];
  }
  return record;
}

function contains(outer: TreeNetwork, inner: TreeNetwork): boolean {
  if (inner.prefix < outer.prefix) return false;
  for (let i = 0; i < outer.prefix; i++) if (bitAt(outer.bytes, i) !== bitAt(inner.bytes, i)) return false;
  return true;
}

/** Ranges MaxMind points at the IPv4 subtree of an IPv6 tree (IPv4-mapped and 6to4). */
const IPV4_ALIASES = ['::ffff:0:0/96', '2002::/16'];

function writeRecords(tree: Buffer, nodeIndex: number, recordSize: number, left: number, right: number): void {
  const at = (nodeIndex * recordSize) / 4;
  switch (recordSize) {
    case 24:
      tree.writeUIntBE(left, at, 3);
      tree.writeUIntBE(right, at + 3, 3);
      return;
    case 28:
      // Left's low 24 bits, then one byte holding left's top 4 bits and right's top 4 bits,
      // then right's low 24 bits.
      tree.writeUIntBE(left & 0xff_ffff, at, 3);
      tree[at + 3] = (((left >>> 24) & 0x0f) << 4) | ((right >>> 24) & 0x0f);
      tree.writeUIntBE(right & 0xff_ffff, at + 4, 3);
      return;
    case 32:
      tree.writeUInt32BE(left, at);
      tree.writeUInt32BE(right, at + 4);
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Whole file
// ---------------------------------------------------------------------------------------------

export function writeMmdb(entries: MmdbEntry[], options: MmdbOptions): Buffer {
  const ipVersion = options.ipVersion ?? 6;
  const recordSize = options.recordSize ?? 28;
  if (ipVersion !== 4 && ipVersion !== 6) throw new Error(`ipVersion must be 4 or 6, got ${ipVersion}`);
  if (recordSize !== 24 && recordSize !== 28 && recordSize !== 32) {
    throw new Error(`recordSize must be 24, 28 or 32, got ${recordSize}`);
  }
  if (!Number.isSafeInteger(options.buildEpoch) || options.buildEpoch < 0) {
    throw new Error(`buildEpoch must be a non-negative integer number of seconds, got ${options.buildEpoch}`);
  }
  const useAliases = ipVersion === 6 && options.ipv4Aliases !== false;
  const aliases = useAliases ? IPV4_ALIASES.map((a) => parseNetwork(a, 6)) : [];

  // Data section: records in entry order, identical ones stored once.
  const data = new DataEncoder(true);
  const parsed = entries.map((entry, index) => {
    const network = parseNetwork(entry.network, ipVersion);
    for (const [i, alias] of aliases.entries()) {
      if (contains(alias, network)) {
        throw new Error(
          `network ${entry.network} lies in ${IPV4_ALIASES[i]}, which is aliased to the IPv4 tree; ` +
            'insert the IPv4 network instead or pass ipv4Aliases: false',
        );
      }
    }
    if (!isPlainObject(entry.data)) throw new TypeError(`entry ${index} (${entry.network}): data must be a plain object`);
    const offset = data.record(normalise(entry.data, `entry ${index} (${entry.network})`));
    return { network, offset };
  });

  // Tree: inserting the least specific networks first, each replacing what it covers, gives
  // longest-prefix-match results; the stable sort keeps "later wins" among equal networks.
  const root = new TreeNode();
  const byPrefix = [...parsed].sort((a, b) => a.network.prefix - b.network.prefix);
  for (const { network, offset } of byPrefix) setNetwork(root, network, offset);
  if (useAliases) {
    const ipv4Root = recordAt(root, { bytes: new Uint8Array(16), prefix: 96 });
    // The aliases share the IPv4 subtree's nodes: the tree becomes a DAG, which readers allow.
    for (const alias of aliases) setNetwork(root, alias, ipv4Root);
  }

  // Number the nodes breadth-first; the root must be node 0.
  const ids = new Map<TreeNode, number>([[root, 0]]);
  const order: TreeNode[] = [root];
  for (let i = 0; i < order.length; i++) {
    for (const child of order[i].children) {
      if (child instanceof TreeNode && !ids.has(child)) {
        ids.set(child, order.length);
        order.push(child);
      }
    }
  }
  const nodeCount = order.length;
  const dataSection = data.out.toBuffer();

  // Record values: node number, node_count for "no data", or node_count + 16 + data offset.
  const maxRecord = 2 ** recordSize - 1;
  if (nodeCount + DATA_SECTION_SEPARATOR_SIZE + dataSection.length > maxRecord) {
    throw new RangeError(`${nodeCount} nodes and ${dataSection.length} data bytes overflow ${recordSize}-bit records`);
  }
  const recordValue = (r: TreeRecord): number =>
    r instanceof TreeNode ? ids.get(r)! : r === null ? nodeCount : nodeCount + DATA_SECTION_SEPARATOR_SIZE + r;
  const tree = Buffer.alloc((nodeCount * recordSize) / 4);
  order.forEach((node, i) =>
    writeRecords(tree, i, recordSize, recordValue(node.children[0]), recordValue(node.children[1])),
  );

  // Metadata, with the exact integer types the spec gives each key (libmaxminddb checks them).
  const metadata = new DataEncoder(false);
  metadata.encode(
    normalise(
      {
        node_count: mmdbType.uint32(nodeCount),
        record_size: mmdbType.uint16(recordSize),
        ip_version: mmdbType.uint16(ipVersion),
        database_type: options.databaseType,
        languages: options.languages ?? [],
        binary_format_major_version: mmdbType.uint16(2),
        binary_format_minor_version: mmdbType.uint16(0),
        build_epoch: mmdbType.uint64(options.buildEpoch),
        description: { ...(options.description ?? {}) },
      },
      'metadata',
    ),
  );
  const metadataSection = metadata.out.toBuffer();
  if (METADATA_MARKER.length + metadataSection.length > MAX_METADATA_SIZE) {
    throw new RangeError('metadata section exceeds the 128 KiB the spec allows');
  }

  return Buffer.concat([
    tree,
    Buffer.alloc(DATA_SECTION_SEPARATOR_SIZE),
    dataSection,
    METADATA_MARKER,
    metadataSection,
  ]);
}
