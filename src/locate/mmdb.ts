/**
 * The search tree of a MaxMind DB file (https://maxmind.github.io/MaxMind-DB/): where the record
 * of an address is. With `city-record.ts` (the few fields BotMap reads of a record), it is
 * BotMap's lean reader, kept because it is faster than mmdb-lib's `Reader` on the bench's locate
 * job (see MEASURED_GAIN in `database.ts`).
 */
import type { NormalisedAddress } from './address';


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
  const dataEnd = Buffer.from(db.buffer, db.byteOffset, db.byteLength).lastIndexOf(METADATA_MARKER);
  const dataStart = (nodeCount * recordSize) / 4 + DATA_SECTION_SEPARATOR_SIZE;
  if (dataEnd < 0 || dataStart > dataEnd) {
    throw new Error(`the search tree of ${nodeCount} nodes does not fit in the file's ${db.length} bytes`);
  }
  return { db, nodeCount, recordSize, ipVersion, dataStart, dataEnd };
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
   * The file offset of the record for an address, or NOT_IN_DATABASE. Offsets identify records:
   * addresses that share a record get the same offset.
   */
  recordOffset(address: NormalisedAddress): number {
    let node: number;
    if (address.version === 4) {
      const value = address.value;
      node = this.descend(this.ipv4Nodes[value >>> 16], value, 16);
    } else {
      if (!this.hasIPv6) return NOT_IN_DATABASE;
      const words = address.words;
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
