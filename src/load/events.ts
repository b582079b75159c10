import { canonicalIPv4, ipv4Address, normaliseAddress, type NormalisedAddress } from '../locate/address';
import { ByteTable, asciiText } from './byte-table';
import { detached } from './detached';
import type { Emit, EventSink } from './formats/parser';
import type { AttackEvent, EventKind } from '../types';

/** Every kind, in code order: a new kind goes at the end, so the codes of the others never change. */
export const EVENT_KINDS: readonly EventKind[] = ['ban', 'unban', 'restore', 'found', 'listed', 'failure', 'accepted'];

/** Each kind's code in the `kind` column (its index in EVENT_KINDS). */
export const KIND_CODES = Object.fromEntries(EVENT_KINDS.map((kind, code) => [kind, code])) as Readonly<Record<EventKind, number>>;

/** Interns strings so each distinct value is stored once and events keep a small index. */
export class Dictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  intern(value: string): number {
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.values.length;
      const kept = detached(value);
      this.values.push(kept);
      this.index.set(kept, code);
    }
    return code;
  }
  get size(): number {
    return this.values.length;
  }
}

/** An event store as plain data (see `EventStore.snapshot`). */
export interface EventStoreSnapshot {
  addresses: NormalisedAddress[];
  servers: string[];
  jails: string[];
  users: string[];
  ip: Uint32Array;
  kind: Uint8Array;
  time: Float64Array;
  jail: Uint16Array | Uint32Array;
  user: Uint32Array | null;
  line: Uint32Array;
  runStart: number[];
  runServer: number[];
  runInput: number[];
}

/** Where an event came from, alongside the event itself. */
export interface EventOrigin {
  server: string;
  /** Index of the input file in the load result's `inputs`. */
  input: number;
}

/** Events `[start, end)` of the store, all from one origin: a server's code and an input. */
export interface EventRun {
  start: number;
  end: number;
  server: number;
  input: number;
}

/** Raw address texts remembered (as an address index, or as not an address); beyond it they are parsed each time. */
const RAW_TEXTS_REMEMBERED = 5_000_000;

/** Typed arrays the columns are. */
type Column = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/** A column of the same type as `data`, `length` (≥ its length) long, beginning with `data`. */
function resized<T extends Column>(data: T, length: number): T {
  const column = new (data.constructor as new (length: number) => T)(length);
  column.set(data);
  return column;
}

/**
 * Collects events from every parser as columns with each distinct address normalised once.
 * Per event it keeps an address index (4 bytes), a kind (1), a time (8), a jail (2) and the
 * line it was read from (4); user names (4) only once an input has one. Server and input are
 * kept per run of events from one input, since inputs are read one after another.
 */
export class EventStore {
  /** Distinct normalised addresses; the `ip` column points into it. */
  readonly addresses: NormalisedAddress[] = [];
  readonly servers = new Dictionary();
  readonly jails = new Dictionary();
  readonly users = new Dictionary();
  /** IPv6 addresses by their canonical text (IPv4 ones are in `ipv4Index`). */
  private readonly addressIndex = new Map<string, number>();
  /** Raw text → address index, or -1 when the text is not an address. */
  private readonly rawIndex = new Map<string, number>();
  /** Every IPv4 address by its number → address index: canonical texts (see `canonicalIPv4`) are found without hashing text. */
  private readonly ipv4Index = new Map<number, number>();
  /** Raw address texts seen by the byte path, by their bytes → address index (addresses only). */
  private readonly rawBytesIndex = new ByteTable();
  // One typed array per column, grown together; fields rather than a generic column class keep
  // each store in `push` monomorphic, which the parsers' hot loop notices.
  private capacity = 1024;
  private count = 0;
  private ipData = new Uint32Array(1024);
  private kindData = new Uint8Array(1024);
  private timeData = new Float64Array(1024);
  /** Widened to 32 bits if a run ever has more than 65,535 jails. */
  private jailData: Uint16Array | Uint32Array = new Uint16Array(1024);
  /** Allocated with the first user name: most inputs have none. */
  private userData: Uint32Array | null = null;
  private lineData = new Uint32Array(1024);
  /**
   * The 1-based line of its file that the events pushed now are read from, set by the load before
   * it parses each line; 0 for none (a row of fail2ban's database, an event `add`ed by hand).
   */
  line = 0;
  /** Runs of events from one origin: the first event of each run, and its server code and input. */
  private readonly runStart: number[] = [];
  private readonly runServer: number[] = [];
  private readonly runInput: number[] = [];

  constructor() {
    // Code 0 of the jail dictionary is the empty string, meaning "none".
    this.jails.intern('');
  }

  /** Index of the address in `addresses`, or -1 when the text is not an IP address. */
  addressOf(raw: string): number {
    const ipv4 = canonicalIPv4(raw);
    if (ipv4 !== null) return this.addressOfIPv4(ipv4);
    let index = this.rawIndex.get(raw);
    if (index !== undefined) return index;
    const address = normaliseAddress(raw);
    if (address === null) {
      index = -1;
    } else if (address.version === 4) {
      // Another way of writing an IPv4 address (`::ffff:192.0.2.1`): found by its number.
      index = this.addressOfIPv4(address.value);
    } else {
      index = this.addressIndex.get(address.ip);
      if (index === undefined) this.addressIndex.set(address.ip, (index = this.addresses.push(address) - 1));
    }
    // Bounded so a flood of junk tokens cannot grow memory with the line count.
    if (this.rawIndex.size < RAW_TEXTS_REMEMBERED) this.rawIndex.set(detached(raw), index);
    return index;
  }

  /** `addressOf` of a dotted quad as `normaliseAddress` writes it, given as its number (signed or unsigned). */
  addressOfIPv4(value: number): number {
    // Every IPv4 address is kept here by its number, however it was written: a new number is a new address.
    let index = this.ipv4Index.get(value | 0);
    if (index === undefined) this.ipv4Index.set(value | 0, (index = this.addresses.push(ipv4Address(value)) - 1));
    return index;
  }

  /** `addressOf` of the ASCII bytes `bytes[start, end)`: once an address, found again by its bytes without making a string. */
  addressOfBytes(bytes: Uint8Array, start: number, end: number): number {
    const known = this.rawBytesIndex.get(bytes, start, end);
    if (known >= 0) return known;
    const index = this.addressOf(asciiText(bytes, start, end));
    if (index >= 0 && this.rawBytesIndex.size < RAW_TEXTS_REMEMBERED) this.rawBytesIndex.add(bytes, start, end, index);
    return index;
  }

  /** Events added from now on come from `origin` (until the next call). */
  setOrigin(origin: EventOrigin): void {
    this.line = 0;
    const server = this.servers.intern(origin.server);
    let last = this.runStart.length - 1;
    if (last >= 0 && this.runServer[last] === server && this.runInput[last] === origin.input) return;
    // A previous origin that got no events is replaced.
    if (last < 0 || this.runStart[last] !== this.length) last = this.runStart.push(this.length) - 1;
    this.runServer[last] = server;
    this.runInput[last] = origin.input;
  }

  /**
   * Stores one event of the current origin (see `setOrigin`) by codes: the parsers' fast path.
   * `address` from `addressOf` (≥ 0), `kind` from KIND_CODES, `time` NaN when unknown,
   * `jail` a code of `jails` (0: none), `user` a code of `users` plus one (0: none).
   */
  push(address: number, kind: number, time: number, jail: number, user: number): void {
    if (this.runStart.length === 0) throw new Error('EventStore.push before setOrigin');
    const at = this.count;
    if (at === this.capacity) this.grow();
    this.ipData[at] = address;
    this.kindData[at] = kind;
    this.timeData[at] = time;
    if (jail > 65535 && this.jailData instanceof Uint16Array) this.jailData = Uint32Array.from(this.jailData);
    this.jailData[at] = jail;
    if (user !== 0 && this.userData === null) this.userData = new Uint32Array(this.capacity);
    if (this.userData !== null) this.userData[at] = user;
    this.lineData[at] = this.line;
    this.count = at + 1;
  }

  /**
   * Removes the events the current origin's line `line` gave (a parser taking back what a later
   * line stands for, see `ParseContext.withdraw`); returns how many. The events of one line lie
   * together, and lines in the order read: they are found by bisection, and the events after
   * them (those of the few lines since) move up.
   */
  withdraw(line: number): number {
    const runFirst = this.runStart.length === 0 ? 0 : this.runStart[this.runStart.length - 1];
    const lines = this.lineData;
    const end = this.count;
    let lo = runFirst;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lines[mid] < line) lo = mid + 1;
      else hi = mid;
    }
    let last = lo;
    while (last < end && lines[last] === line) last++;
    const n = last - lo;
    if (n === 0) return 0;
    for (const column of [this.ipData, this.kindData, this.timeData, this.jailData, this.userData, this.lineData]) column?.copyWithin(lo, last, end);
    this.count = end - n;
    return n;
  }

  /**
   * Makes room for `events` more events at once. A reader that knows how many rows it will push
   * saves the doublings: 0.9 s of copying at 10.7M events read from an archive (profiled).
   */
  reserve(events: number): void {
    if (this.count + events > this.capacity) this.resize(this.count + events);
  }

  private grow(): void {
    this.resize(this.capacity * 2);
  }

  private resize(capacity: number): void {
    this.ipData = resized(this.ipData, capacity);
    this.kindData = resized(this.kindData, capacity);
    this.timeData = resized(this.timeData, capacity);
    this.jailData = resized(this.jailData, capacity);
    if (this.userData !== null) this.userData = resized(this.userData, capacity);
    this.lineData = resized(this.lineData, capacity);
    this.capacity = capacity;
  }

  /** Stores the event; returns false (storing nothing) when its address is not an IP address. */
  add(event: AttackEvent, origin: EventOrigin): boolean {
    const address = this.addressOf(event.ip);
    if (address < 0) return false;
    this.setOrigin(origin);
    const user = event.user != null ? this.users.intern(event.user) + 1 : 0;
    this.push(address, KIND_CODES[event.kind], event.time ?? Number.NaN, event.jail ? this.jails.intern(event.jail) : 0, user);
    return true;
  }

  get length(): number {
    return this.count;
  }

  /** The runs of events from one origin, in store order: events `[start, end)`, their server's code and their input. */
  runs(): EventRun[] {
    const { runStart, runServer, runInput } = this;
    return runStart.map((start, run) => ({ start, end: runStart[run + 1] ?? this.count, server: runServer[run], input: runInput[run] }));
  }

  /** What the store holds, as plain data and typed arrays (copies), for `EventStore.restore`. */
  snapshot(): EventStoreSnapshot {
    const n = this.count;
    return {
      addresses: this.addresses,
      servers: this.servers.values,
      jails: this.jails.values,
      users: this.users.values,
      ip: this.ipData.slice(0, n),
      kind: this.kindData.slice(0, n),
      time: this.timeData.slice(0, n),
      jail: this.jailData.slice(0, n),
      user: this.userData?.slice(0, n) ?? null,
      line: this.lineData.slice(0, n),
      runStart: this.runStart,
      runServer: this.runServer,
      runInput: this.runInput,
    };
  }

  /** A store holding what `snapshot` took: the same events, addresses and names under the same codes. */
  static restore(snapshot: EventStoreSnapshot): EventStore {
    const store = new EventStore();
    for (const address of snapshot.addresses) {
      const index = store.addresses.push(address) - 1;
      if (address.version === 4) store.ipv4Index.set(address.value | 0, index);
      else store.addressIndex.set(address.ip, index);
    }
    for (const server of snapshot.servers) store.servers.intern(server);
    for (const jail of snapshot.jails.slice(1)) store.jails.intern(jail);
    for (const user of snapshot.users) store.users.intern(user);
    const { ip, kind, time, jail, user, line } = snapshot;
    Object.assign(store, { ipData: ip, kindData: kind, timeData: time, jailData: jail, userData: user, lineData: line, count: ip.length });
    store.resize(Math.max(1024, ip.length));
    store.runStart.push(...snapshot.runStart);
    store.runServer.push(...snapshot.runServer);
    store.runInput.push(...snapshot.runInput);
    return store;
  }

  /** Bytes held by the event columns (their capacity, which grows by doubling): what events cost, apart from the per-address tables. */
  get columnBytes(): number {
    const columns = [this.ipData, this.kindData, this.timeData, this.jailData, this.userData, this.lineData];
    return columns.reduce((sum, column) => sum + (column?.byteLength ?? 0), 0);
  }

  /**
   * The events as columns. `ip`, `kind`, `time`, `jail` and `line` are views, not copies; `user`,
   * `server` and `input` are filled in when first read from the returned object (4 bytes an
   * event each), so read them once per pass. `time` is NaN where unknown; `jail`/`user`/`line` 0 where none.
   */
  columns() {
    const n = this.count;
    const userData = this.userData;
    const { runStart, runServer, runInput } = this;
    let user: Uint32Array | undefined;
    let server: Uint32Array | undefined;
    let input: Uint32Array | undefined;
    const origin = (values: readonly number[]): Uint32Array => {
      const column = new Uint32Array(n);
      runStart.forEach((start, run) => column.fill(values[run], start, runStart[run + 1] ?? n));
      return column;
    };
    return {
      ip: this.ipData.subarray(0, n),
      kind: this.kindData.subarray(0, n),
      time: this.timeData.subarray(0, n),
      jail: this.jailData.subarray(0, n),
      line: this.lineData.subarray(0, n),
      get user(): Uint32Array {
        return (user ??= userData?.subarray(0, n) ?? new Uint32Array(n));
      },
      get server(): Uint32Array {
        return (server ??= origin(runServer));
      },
      get input(): Uint32Array {
        return (input ??= origin(runInput));
      },
    };
  }
}

/** A time no date can hold (a corrupt or absurd stamp) is no time: NaN. */
export function eventTime(time: number | null): number {
  return time !== null && Number.isFinite(time) && Math.abs(time) <= 8.64e15 ? time : Number.NaN;
}

/**
 * The parsers' two ways into `store` for one input (after `setOrigin`): `emit` by texts and, for
 * the byte path, `sink` by codes. Jail and user names are stored as `name` gives them.
 */
export function storeWriters(store: EventStore, name: (text: string) => string): { emit: Emit; sink: EventSink } {
  // Consecutive events mostly repeat the jail: the last one's code is kept.
  let lastJail: string | null = null;
  let lastJailCode = 0;
  const emit: Emit = (ip, kind, time, jail, user = null) => {
    const address = store.addressOf(ip);
    if (address < 0) return false;
    let jailCode = 0;
    if (jail === lastJail) jailCode = lastJailCode;
    else if (jail !== null) jailCode = lastJailCode = store.jails.intern(name((lastJail = jail)));
    const userCode = user === null || user === undefined ? 0 : store.users.intern(name(user)) + 1;
    store.push(address, KIND_CODES[kind], eventTime(time), jailCode, userCode);
    return true;
  };
  const sink: EventSink = {
    ipv4: (value) => store.addressOfIPv4(value),
    address: (bytes, start, end) => store.addressOfBytes(bytes, start, end),
    jail: (text) => store.jails.intern(name(text)),
    push: (address, kind, time, jail) => store.push(address, kind, eventTime(time), jail, 0),
  };
  return { emit, sink };
}
