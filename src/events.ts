import { normaliseAddress, type NormalisedAddress } from './address';
import type { AttackEvent, EventKind } from './types';

export const EVENT_KINDS: readonly EventKind[] = ['ban', 'unban', 'restore', 'found', 'listed', 'failure'];
const KIND_CODE = new Map<EventKind, number>(EVENT_KINDS.map((kind, code) => [kind, code]));

/** A growable column of numbers backed by a typed array: a million events cost megabytes, not objects. */
class NumberColumn<T extends Float64Array | Uint32Array | Uint8Array> {
  length = 0;
  constructor(private data: T, private readonly make: (size: number) => T) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = this.make(Math.max(1024, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** Interns strings so each distinct value is stored once and events keep a small index. */
export class Dictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  intern(value: string): number {
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.index.set(value, code);
    }
    return code;
  }
  get size(): number {
    return this.values.length;
  }
}

/** Where an event came from, alongside the event itself. */
export interface EventOrigin {
  server: string;
  /** Index of the input file in the load result's `inputs`. */
  input: number;
}

/**
 * Collects events from every parser as columns, one entry per event, with each distinct
 * address normalised once. Addresses that are not addresses are rejected at `add` time
 * so the parser can count the line as skipped.
 */
export class EventStore {
  /** Distinct normalised addresses; `ipIndex` points into it. */
  readonly addresses: NormalisedAddress[] = [];
  readonly servers = new Dictionary();
  readonly jails = new Dictionary();
  readonly users = new Dictionary();
  private readonly addressIndex = new Map<string, number>();
  /** Raw text → address index, or -1 when the text is not an address. */
  private readonly rawIndex = new Map<string, number>();
  private readonly ipCol = new NumberColumn(new Uint32Array(1024), (n) => new Uint32Array(n));
  private readonly kindCol = new NumberColumn(new Uint8Array(1024), (n) => new Uint8Array(n));
  private readonly timeCol = new NumberColumn(new Float64Array(1024), (n) => new Float64Array(n));
  private readonly jailCol = new NumberColumn(new Uint32Array(1024), (n) => new Uint32Array(n));
  private readonly userCol = new NumberColumn(new Uint32Array(1024), (n) => new Uint32Array(n));
  private readonly serverCol = new NumberColumn(new Uint32Array(1024), (n) => new Uint32Array(n));
  private readonly inputCol = new NumberColumn(new Uint32Array(1024), (n) => new Uint32Array(n));

  /** Index of the address in `addresses`, or -1 when the text is not an IP address. */
  addressOf(raw: string): number {
    let index = this.rawIndex.get(raw);
    if (index !== undefined) return index;
    const address = normaliseAddress(raw);
    if (address === null) {
      index = -1;
    } else {
      index = this.addressIndex.get(address.ip);
      if (index === undefined) {
        index = this.addresses.length;
        this.addresses.push(address);
        this.addressIndex.set(address.ip, index);
      }
    }
    // Bounded so a flood of junk tokens cannot grow memory with the line count.
    if (this.rawIndex.size < 5_000_000) this.rawIndex.set(raw, index);
    return index;
  }

  /** Stores the event; returns false (storing nothing) when its address is not an IP address. */
  add(event: AttackEvent, origin: EventOrigin): boolean {
    const ip = this.addressOf(event.ip);
    if (ip < 0) return false;
    this.ipCol.push(ip);
    this.kindCol.push(KIND_CODE.get(event.kind)!);
    this.timeCol.push(event.time ?? Number.NaN);
    // Code 0 of each dictionary is the empty string, meaning "none".
    this.jailCol.push(event.jail ? this.jails.intern(event.jail) : 0);
    this.userCol.push(event.user != null ? this.users.intern(event.user) + 1 : 0);
    this.serverCol.push(this.servers.intern(origin.server));
    this.inputCol.push(origin.input);
    return true;
  }

  get length(): number {
    return this.ipCol.length;
  }

  /** The events as columns (views, not copies). `time` is NaN where unknown; `jail`/`user` 0 where none. */
  columns() {
    return {
      ip: this.ipCol.view(),
      kind: this.kindCol.view(),
      time: this.timeCol.view(),
      jail: this.jailCol.view(),
      user: this.userCol.view(),
      server: this.serverCol.view(),
      input: this.inputCol.view(),
    };
  }

  constructor() {
    this.jails.intern('');
  }
}
