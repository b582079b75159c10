/**
 * A map from byte strings to non-negative integers, looked up by a span of a larger byte array
 * (`bytes[start, end)`) without making a string of it: the byte path of the parsers finds a
 * line's IPv6 address or jail name in it with one hash of the bytes and one comparison. Keys are
 * copied into one arena; open addressing in typed arrays. Only the byte path uses it, which is
 * kept for speed: without that path fail2ban.log parses about 1.5 times slower (measured: see
 * `Fail2banLogParser.parseBytes`).
 */
export class ByteTable {
  private mask = 255;
  /** Per slot: the entry's number plus one, or 0 when free. */
  private slots = new Int32Array(256);
  private hashes = new Int32Array(256);
  private starts: Int32Array = new Int32Array(128);
  private lengths: Int32Array = new Int32Array(128);
  private values: Int32Array = new Int32Array(128);
  private arena = new Uint8Array(4096);
  private arenaUsed = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Bytes held, keys and tables together. */
  get byteLength(): number {
    return this.slots.byteLength + this.hashes.byteLength + this.starts.byteLength + this.lengths.byteLength + this.values.byteLength + this.arena.byteLength;
  }

  /** The value stored for the bytes `bytes[start, end)`, or -1. */
  get(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashOf(bytes, start, end);
    const mask = this.mask;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] - 1;
      if (entry < 0) return -1;
      if (this.hashes[slot] === hash && this.lengths[entry] === length && this.sameKey(entry, bytes, start, length)) return this.values[entry];
    }
  }

  /** Stores `value` (≥ 0) for the bytes `bytes[start, end)`, which must not be in the table yet. */
  add(bytes: Uint8Array, start: number, end: number, value: number): void {
    const length = end - start;
    const entry = this.count;
    if (entry === this.starts.length) {
      this.starts = grown(this.starts);
      this.lengths = grown(this.lengths);
      this.values = grown(this.values);
    }
    if (this.arenaUsed + length > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + length));
      arena.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = arena;
    }
    this.arena.set(bytes.subarray(start, end), this.arenaUsed);
    this.starts[entry] = this.arenaUsed;
    this.lengths[entry] = length;
    this.values[entry] = value;
    this.arenaUsed += length;
    this.count++;
    if (this.count * 2 > this.slots.length) this.rehash();
    else this.place(entry, hashOf(bytes, start, end));
  }

  private sameKey(entry: number, bytes: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    const at = this.starts[entry];
    for (let i = 0; i < length; i++) if (arena[at + i] !== bytes[start + i]) return false;
    return true;
  }

  private place(entry: number, hash: number): void {
    let slot = hash & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = entry + 1;
    this.hashes[slot] = hash;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size);
    this.hashes = new Int32Array(size);
    this.mask = size - 1;
    for (let entry = 0; entry < this.count; entry++) {
      const at = this.starts[entry];
      this.place(entry, hashOf(this.arena, at, at + this.lengths[entry]));
    }
  }
}

function grown(data: Int32Array): Int32Array {
  const bigger = new Int32Array(data.length * 2);
  bigger.set(data);
  return bigger;
}

/** FNV-1a over the bytes, then mixed so that the low bits (the slot) depend on every byte. */
function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  hash ^= hash >>> 15;
  return Math.imul(hash, 0x2c1b3c6d) ^ (hash >>> 12);
}

/** The text of ASCII bytes `bytes[start, end)`. */
export function asciiText(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
}
