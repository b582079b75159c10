/**
 * The data section of a MaxMind DB file, read value by value: control bytes, pointers, strings,
 * numbers, and maps walked for the keys a caller names. Values nobody asked for are skipped by
 * their encoded size without being decoded. A value not in the shape asked for throws
 * UnexpectedRecord, so that the caller can hand the record to a complete decoder instead.
 */
import type { MmdbLayout } from './mmdb';

/** Thrown inside the readers when a value is not in the shape they read; caught by the record reader. */
export class UnexpectedRecord extends Error {}

export function unexpected(): never {
  throw new UnexpectedRecord();
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
export const ARRAY = 11;
const BOOLEAN = 14;
const FLOAT = 15;

/** Pointer values with 1, 2 and 3 bytes after the control byte are biased by these amounts. */
const POINTER_BIAS = [0, 2048, 526_336, 0];

const keyBytes = (key: string) => Uint8Array.from(key, (c) => c.charCodeAt(0));
// A complete decoder that builds objects by assignment lets a `__proto__` key replace the
// object's prototype, and with it what every other key reads as.
const PROTO = keyBytes('__proto__');

/** A map key a reader wants, and what it does with the value at `at` (leaving `next` after it). */
export interface MapField<T> {
  readonly key: Uint8Array;
  readonly read: (at: number, into: T) => void;
}

/** The fields of a map a reader wants, by key. */
export function mapFields<T>(readers: Record<string, (at: number, into: T) => void>): readonly MapField<T>[] {
  return Object.entries(readers).map(([key, read]) => ({ key: keyBytes(key), read }));
}

export class DataSection {
  private readonly db: Uint8Array;
  private readonly view: DataView;
  private readonly text: Buffer;
  private readonly dataStart: number;
  private readonly dataEnd: number;

  // The value `head` read last: its type, its size (for a pointer: the target's file offset),
  // and where its payload starts (for a pointer: the byte after it).
  type = 0;
  size = 0;
  payload = 0;
  /** Where the pointer `valueAt` followed ends, or -1 when it found the value itself. */
  pointerEnd = -1;
  /** Where the value the last reader read ends: after it, or after the pointer to it. */
  next = 0;

  constructor(layout: MmdbLayout) {
    const db = layout.db;
    this.db = db;
    this.view = new DataView(db.buffer, db.byteOffset, db.byteLength);
    this.text = Buffer.from(db.buffer, db.byteOffset, db.byteLength);
    this.dataStart = layout.dataStart;
    this.dataEnd = layout.dataEnd;
  }

  /** True when `offset` lies in the data section. */
  holds(offset: number): boolean {
    return offset >= this.dataStart && offset < this.dataEnd;
  }

  /**
   * Where the value at `at` is: `at`, or the target of the pointer at `at` (a pointer to a pointer
   * is not valid). Leaves the value's head read and `pointerEnd` set.
   */
  valueAt(at: number): number {
    this.head(at);
    if (this.type !== POINTER) {
      this.pointerEnd = -1;
      return at;
    }
    const target = this.size;
    this.pointerEnd = this.payload;
    this.head(target);
    if (this.type === POINTER) unexpected();
    return target;
  }

  /** Sets `next` after the value read, which ended at `end`: after the pointer to it, if any. */
  private ended(pointerEnd: number, end: number): void {
    if (end > this.dataEnd) unexpected();
    this.next = pointerEnd >= 0 ? pointerEnd : end;
  }

  /** Walks the map at `at`, handing the values of the wanted keys to their readers; returns `into`. */
  map<T>(at: number, fields: readonly MapField<T>[], into: T): T {
    this.valueAt(at);
    const pointerEnd = this.pointerEnd;
    if (this.type !== MAP) unexpected();
    at = this.payload;
    for (let n = this.size; n > 0; n--) {
      at = this.key(at);
      const field = this.wanted(fields);
      if (field === undefined) {
        at = this.skip(at);
      } else {
        field.read(at, into);
        at = this.next;
      }
    }
    this.ended(pointerEnd, at);
    return into;
  }

  /** The field whose key `key` just read; undefined for a key nobody wants. */
  private wanted<T>(fields: readonly MapField<T>[]): MapField<T> | undefined {
    const { payload, size } = this;
    for (const field of fields) if (field.key.length === size && this.keyIs(payload, field.key)) return field;
    if (size === PROTO.length && this.keyIs(payload, PROTO)) unexpected();
    return undefined;
  }

  /** Reads the map key at `at` (its bytes: `payload`, `size`); returns where its value starts. */
  private key(at: number): number {
    this.valueAt(at);
    const pointerEnd = this.pointerEnd;
    if (this.type !== UTF8_STRING) unexpected();
    const end = this.payload + this.size;
    if (end > this.dataEnd) unexpected();
    return pointerEnd >= 0 ? pointerEnd : end;
  }

  private keyIs(start: number, key: Uint8Array): boolean {
    const db = this.db;
    for (let i = 0; i < key.length; i++) if (db[start + i] !== key[i]) return false;
    return true;
  }

  string(at: number): string {
    this.valueAt(at);
    if (this.type !== UTF8_STRING) unexpected();
    const start = this.payload;
    const end = start + this.size;
    this.ended(this.pointerEnd, end);
    return this.text.toString('utf8', start, end);
  }

  /** A number of a type that decodes to a JS number (not uint64/uint128, which are bigints). */
  number(at: number): number {
    this.valueAt(at);
    const { type, size, payload } = this;
    this.ended(this.pointerEnd, payload + size);
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

  /** Where the value at `at` ends; a pointer ends after itself, whatever it points to. */
  skip(at: number): number {
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
  head(at: number): void {
    const db = this.db;
    const limit = this.dataEnd;
    if (at >= limit) unexpected();
    const control = db[at];
    let type = control >>> 5;
    let next = at + 1;
    if (type === POINTER) {
      this.pointer(control, next);
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

  /** Reads a pointer whose control byte is `control` and whose value bytes start at `next`. */
  private pointer(control: number, next: number): void {
    const db = this.db;
    const extra = (control >>> 3) & 3;
    if (next + extra + 1 > this.dataEnd) unexpected();
    // The control byte's low 3 bits lead the value, except in the 4-byte form.
    let value = extra === 3 ? 0 : control & 7;
    for (let i = 0; i <= extra; i++) value = value * 256 + db[next + i];
    this.type = POINTER;
    this.size = this.dataStart + POINTER_BIAS[extra] + value;
    this.payload = next + extra + 1;
  }
}
