/**
 * An event read from several inputs of one server counts once: a log loaded beside its copy,
 * two exports that overlap, fail2ban's database beside its log, `fail2ban-client status`
 * snapshots taken a week apart. This file is the one definition of "the same event";
 * `loadPaths` applies it to what it read, and any store whose first inputs already hold events
 * (an archive, say) can be checked the same way: earlier inputs keep their events.
 */
import { KIND_CODES, type EventRun, type EventStore } from './events';

/** The fields an event's key can be made of; `second` is its time to the second. */
export type KeyField = 'server' | 'jail' | 'ip' | 'kind' | 'second' | 'user';

/**
 * What makes two events the same event. The user name is that of failures and of the failures
 * fail2ban's database stored; a ban has none of its own (the database gives a ban the user of
 * its first stored match line, which the log's `Ban` line does not carry), so a ban's key leaves
 * it out and the database's ban and the log's are one.
 */
export const SAME_EVENT_FIELDS: readonly KeyField[] = ['server', 'jail', 'ip', 'kind', 'second', 'user'];

/** What makes two listed bans without a time (`fail2ban-client status`, `banned`, `banip`) the same ban. */
export const SAME_LISTING_FIELDS: readonly KeyField[] = ['server', 'jail', 'ip'];

export interface Duplicates {
  /** 1 for each event of the store (in its order) that is a duplicate: left out of the counts. */
  duplicate: Uint8Array;
  /** How many of each input's events are duplicates (indexed like `LoadResult.inputs`). */
  perInput: number[];
}

const LISTED = KIND_CODES.listed;
const BAN = KIND_CODES.ban;

/**
 * The events of `store` that repeat others, by these rules:
 * - across the inputs of one server, an event key (`SAME_EVENT_FIELDS`) counts as many times as
 *   the one input that has it most: the earliest input keeps all its events, a later one only
 *   those beyond what the inputs before it had (a log and its copy: one copy; two overlapping
 *   logs: their union). Within one input, identical events are distinct (a brute force makes
 *   several failures a second as the same user): this rule never drops them;
 * - a listed ban without a time counts once per server, jail and address (`SAME_LISTING_FIELDS`),
 *   however many snapshots list it, and not at all when that server has a timed ban of that
 *   address in that jail: the ban is counted there.
 * Inputs are taken in their order (their index); `inputCount` sizes `perInput`. A server read
 * from one input can only have duplicates among its timeless listed bans, which is all a
 * single log pays for: one pass over the event kinds.
 */
export function findDuplicates(store: EventStore, inputCount: number): Duplicates {
  const runs = store
    .runs()
    .filter((run) => run.end > run.start)
    .sort((a, b) => a.input - b.input || a.start - b.start);
  const duplicate = new Uint8Array(store.length);
  const perInput = new Array<number>(runs.reduce((most, run) => Math.max(most, run.input + 1), inputCount)).fill(0);
  const drop = (event: number, input: number): void => {
    duplicate[event] = 1;
    perInput[input]++;
  };
  const columns = new KeyColumns(store);
  dropRepeatedListings(columns, runs, drop);
  dropCopiesAcrossInputs(columns, runs.filter(inServerReadSeveralTimes(runs)), drop);
  return { duplicate, perInput };
}

type Drop = (event: number, input: number) => void;

/** Whether a run is of a server whose events come from more than one input. */
function inServerReadSeveralTimes(runs: readonly EventRun[]): (run: EventRun) => boolean {
  const firstInput = new Map<number, number>();
  const several = new Set<number>();
  for (const { server, input } of runs) {
    const first = firstInput.get(server);
    if (first === undefined) firstInput.set(server, input);
    else if (first !== input) several.add(server);
  }
  return (run) => several.has(run.server);
}

/** Rule one (see `findDuplicates`): an input keeps of each key only what exceeds the most any earlier input had. */
function dropCopiesAcrossInputs(columns: KeyColumns, runs: readonly EventRun[], drop: Drop): void {
  if (runs.length === 0) return;
  const maxKeys = runs.reduce((sum, run) => sum + run.end - run.start, 0);
  const ids = new KeyIds(maxKeys, columns.key(SAME_EVENT_FIELDS));
  // Per key: the most events any earlier input had, and how many this input has had so far.
  const before = new Uint32Array(maxKeys);
  const here = new Uint32Array(maxKeys);
  const touched = new Int32Array(maxKeys);
  for (let r = 0; r < runs.length; ) {
    const input = runs[r].input;
    let touchedCount = 0;
    for (; r < runs.length && runs[r].input === input; r++) {
      for (let event = runs[r].start; event < runs[r].end; event++) {
        if (columns.isTimelessListing(event)) continue;
        const id = ids.idOf(event);
        const count = ++here[id];
        if (count === 1) touched[touchedCount++] = id;
        if (count <= before[id]) drop(event, input);
      }
    }
    for (let t = 0; t < touchedCount; t++) {
      const id = touched[t];
      if (here[id] > before[id]) before[id] = here[id];
      here[id] = 0;
    }
  }
}

/** Rule two (see `findDuplicates`): a timeless listed ban once per server, jail and address, and not beside a timed ban. */
function dropRepeatedListings(columns: KeyColumns, runs: readonly EventRun[], drop: Drop): void {
  const { ip, kind, time } = columns.store;
  const n = kind.length;
  // Addresses listed without a time: only their bans need a key. This scan is all most runs pay.
  const listedAddress = new Uint8Array(columns.addressCount);
  let listings = 0;
  for (let event = 0; event < n; event++) {
    if (kind[event] === LISTED && Number.isNaN(time[event])) {
      listedAddress[ip[event]] = 1;
      listings++;
    }
  }
  if (listings === 0) return;
  const isTimedBanOfListed = (event: number) => kind[event] === BAN && !Number.isNaN(time[event]) && listedAddress[ip[event]] === 1;
  let bans = 0;
  for (let event = 0; event < n; event++) if (isTimedBanOfListed(event)) bans++;
  const ids = new KeyIds(listings + bans, columns.key(SAME_LISTING_FIELDS));
  const TIMED_BAN = 2;
  const LISTED_BEFORE = 1;
  const state = new Uint8Array(listings + bans);
  for (let event = 0; event < n; event++) if (isTimedBanOfListed(event)) state[ids.idOf(event)] = TIMED_BAN;
  for (const { start, end, input } of runs) {
    for (let event = start; event < end; event++) {
      if (!columns.isTimelessListing(event)) continue;
      const id = ids.idOf(event);
      if (state[id] === 0) state[id] = LISTED_BEFORE;
      else drop(event, input);
    }
  }
}

/** Events' hashes by some of their fields, and whether two events have the same fields. */
interface EventKey {
  hashes: Int32Array;
  same(a: number, b: number): boolean;
}

/** The store's columns a key reads, the derived ones (`second`, a key's `user`) made on first use. */
class KeyColumns {
  readonly store: ReturnType<EventStore['columns']>;
  readonly addressCount: number;
  private readonly derived = new Map<KeyField, ArrayLike<number>>();

  constructor(store: EventStore) {
    this.store = store.columns();
    this.addressCount = store.addresses.length;
  }

  isTimelessListing(event: number): boolean {
    return this.store.kind[event] === LISTED && Number.isNaN(this.store.time[event]);
  }

  column(field: KeyField): ArrayLike<number> {
    const { store } = this;
    if (field === 'server' || field === 'jail' || field === 'ip' || field === 'kind') return store[field];
    let column = this.derived.get(field);
    if (column === undefined) {
      const { time, user, kind } = store;
      const derived = field === 'second' ? new Float64Array(time.length) : new Uint32Array(time.length);
      // NaN, no time, stays NaN: `sameValue` takes it as equal to itself.
      if (field === 'second') for (let event = 0; event < time.length; event++) derived[event] = Math.floor(time[event] / 1000);
      else for (let event = 0; event < time.length; event++) derived[event] = kind[event] === BAN ? 0 : user[event];
      this.derived.set(field, (column = derived));
    }
    return column;
  }

  key(fields: readonly KeyField[]): EventKey {
    const columns = fields.map((field) => this.column(field));
    const hashes = new Int32Array(this.store.kind.length).fill(0x811c9dc5 | 0);
    // A column at a time, so that each loop reads one typed array.
    for (const column of columns) mixInto(hashes, column);
    return {
      hashes,
      same(a, b) {
        for (let f = 0; f < columns.length; f++) if (!sameValue(columns[f][a], columns[f][b])) return false;
        return true;
      },
    };
  }
}

/** Mixes each event's value in `column` into its hash; both halves of a second beyond 32 bits, NaN as 0. */
function mixInto(hashes: Int32Array, column: ArrayLike<number>): void {
  for (let event = 0; event < hashes.length; event++) {
    const value = column[event];
    hashes[event] = mix(mix(hashes[event], value | 0), (value / 4294967296) | 0);
  }
}

function mix(hash: number, value: number): number {
  const mixed = Math.imul(hash ^ value, 0x5bd1e995);
  return mixed ^ (mixed >>> 15);
}

function sameValue(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/**
 * A number from 0 up for each distinct key, an open-addressing hash table over event indexes:
 * a million events are keyed without a million strings.
 */
class KeyIds {
  /** 1 + a key's number, or 0 for an empty slot. */
  private readonly slots: Int32Array;
  /** The first event of each key, to compare others with. */
  private readonly firstEvent: Int32Array;
  private size = 0;

  constructor(
    maxKeys: number,
    private readonly key: EventKey,
  ) {
    let capacity = 16;
    while (capacity < maxKeys * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.firstEvent = new Int32Array(maxKeys);
  }

  idOf(event: number): number {
    const mask = this.slots.length - 1;
    const hash = this.key.hashes[event];
    for (let slot = (hash ^ (hash >>> 16)) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry === 0) {
        this.firstEvent[this.size] = event;
        this.slots[slot] = ++this.size;
        return this.size - 1;
      }
      if (this.key.same(this.firstEvent[entry - 1], event)) return entry - 1;
    }
  }
}
