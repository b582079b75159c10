import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { findDuplicates } from './duplicates';
import { EVENT_KINDS, type EventStore } from './events';

/**
 * A column of an events table that keeps the store's codes and names each value when read:
 * a million events cost no million strings (or Dates), and filtering keeps the codes.
 */
export class CodedColumn<T> {
  constructor(
    readonly codes: ArrayLike<number>,
    /** The value of a code. */
    readonly value: (code: number) => T,
  ) {}

  get length(): number {
    return this.codes.length;
  }

  at(row: number): T {
    return this.value(this.codes[row]);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let row = 0; row < this.codes.length; row++) yield this.value(this.codes[row]);
  }
}

/** A coded column of names: codes run from 0 to `size` - 1. */
export class DictionaryColumn<T> extends CodedColumn<T> {
  constructor(
    codes: ArrayLike<number>,
    value: (code: number) => T,
    readonly size: number,
  ) {
    super(codes, value);
  }

  /**
   * Arquero's groupby asks a column for its groups when it is the only key of an unfiltered
   * table: by code, with one lookup by value per distinct code, instead of a text key per row
   * (grouping the bench's 969,875 events by address: 710–735 ms of CPU by text keys, 47–61 ms
   * by codes, on a shared machine).
   */
  groups(names: string[]) {
    const codes = this.codes;
    const keys = new Uint32Array(codes.length);
    const groupOfCode = new Int32Array(this.size).fill(-1);
    const groupOfValue = new Map<T, number>();
    const rows: number[] = [];
    for (let row = 0; row < codes.length; row++) {
      let group = groupOfCode[codes[row]];
      if (group < 0) {
        const value = this.value(codes[row]);
        group = groupOfValue.get(value) ?? rows.push(row) - 1;
        groupOfValue.set(value, (groupOfCode[codes[row]] = group));
      }
      keys[row] = group;
    }
    return { keys, get: [(row: number) => this.at(row)], names, rows, size: rows.length };
  }
}

/** What an events table is built from: a load result (`loadPaths`) or its parts. */
export interface EventsSource {
  store: EventStore;
  /** The input files, in reading order (`LoadResult.inputs`). */
  inputs: readonly { file: string }[];
  /** The events to leave out (`LoadResult.duplicate`); found by `findDuplicates` when absent. */
  duplicate?: Uint8Array;
}

/**
 * The loaded events as an Arquero table, one row per event: `time` (a Date, or null), `ip`
 * (the normalised address), `kind`, `jail` (null for none), `server`, `user` (null for none),
 * `file` and `line`: the 1-based line of `file` the event was read from, null for an input that
 * has no lines (a row of fail2ban's sqlite database). Filter it with Arquero verbs and hand it to
 * `aggregate` like the whole. Duplicates (see `findDuplicates`) are not in it: each event counts once.
 *
 * The columns read the store's typed columns: building the table copies no event (unless there
 * are duplicates to leave out), and a value is made only when read.
 */
export function eventsTable({ store, inputs, duplicate }: EventsSource): ColumnTable {
  const columns = columnsWithout(store, duplicate ?? findDuplicates(store, inputs.length).duplicate);
  const addresses = store.addresses;
  const jails = store.jails.values;
  const users = store.users.values;
  const servers = store.servers.values;
  return aq.table({
    time: new CodedColumn(columns.time, (ms) => (Number.isNaN(ms) ? null : new Date(ms))),
    ip: new DictionaryColumn(columns.ip, (code) => addresses[code].ip, addresses.length),
    kind: new DictionaryColumn(columns.kind, (code) => EVENT_KINDS[code], EVENT_KINDS.length),
    jail: new DictionaryColumn(columns.jail, (code) => (code === 0 ? null : jails[code]), jails.length),
    server: new DictionaryColumn(columns.server, (code) => servers[code], servers.length),
    user: new DictionaryColumn(columns.user, (code) => (code === 0 ? null : users[code - 1]), users.length + 1),
    file: new DictionaryColumn(columns.input, (code) => inputs[code].file, inputs.length),
    line: new CodedColumn(columns.line, (line) => (line === 0 ? null : line)),
  } as never);
}

/**
 * The store's columns without the events marked in `leftOut`: the store's own columns when none
 * is, else copies of the rest, so that the table stays unfiltered (Arquero's groupings by code
 * take only unfiltered tables) and every row is an event counted once.
 */
function columnsWithout(store: EventStore, leftOut: Uint8Array): Omit<ReturnType<EventStore['columns']>, 'user' | 'server' | 'input'> & Record<'user' | 'server' | 'input', Uint32Array> {
  const all = store.columns();
  const n = store.length;
  let leftOutCount = 0;
  for (let event = 0; event < n; event++) leftOutCount += leftOut[event] === 1 ? 1 : 0;
  if (leftOutCount === 0) return all;
  const rows = new Uint32Array(n - leftOutCount);
  for (let event = 0, row = 0; event < n; event++) if (leftOut[event] !== 1) rows[row++] = event;
  const pick = <T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(column: T): T => {
    const picked = new (column.constructor as new (length: number) => T)(rows.length);
    for (let row = 0; row < rows.length; row++) picked[row] = column[rows[row]];
    return picked;
  };
  return { ip: pick(all.ip), kind: pick(all.kind), time: pick(all.time), jail: pick(all.jail), line: pick(all.line), user: pick(all.user), server: pick(all.server), input: pick(all.input) };
}
