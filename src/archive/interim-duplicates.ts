/**
 * TEMPORARY: stands in for `src/load/duplicates.ts`, which branch wt15-dedup is writing (not merged
 * yet), behind its planned signature. Once that lands, delete this file and import
 * `findDuplicates` from '../load/duplicates' instead: there must be one duplicate rule, shared by
 * in-run loading and the archive.
 *
 * The rule. Two events are the same when server, jail, address, kind, time to the second and user
 * (where there is one) agree. Within one input identical events are distinct (a log can ban an
 * address twice in a second); across inputs a key counts the most times any one input has it, so
 * overlapping exports count an event once. A ban listed without a time counts once per server +
 * jail + address, and not at all when that server has a timed `ban` of the address in the jail.
 */
import { KIND_CODES, type EventStore } from '../load/events';

export interface Duplicates {
  /** 1 for each event that repeats one counted already (or a hidden timeless listing), else 0. */
  duplicate: Uint8Array;
  /** Duplicates per input. */
  perInput: number[];
}

/** How often a key has been counted: the most of any earlier input, and the count in the input being read. */
interface KeyCount {
  kept: number;
  input: number;
  inInput: number;
}

/** Which events of `store` (inputs 0 … inputCount - 1, taken in that order) are duplicates. */
export function findDuplicates(store: EventStore, inputCount: number): Duplicates {
  const columns = store.columns();
  const { ip, kind, time, jail } = columns;
  const [user, server, input] = [columns.user, columns.server, columns.input];
  const duplicate = new Uint8Array(store.length);
  const perInput = new Array<number>(inputCount).fill(0);
  const place = (i: number) => `${server[i]} ${jail[i]} ${ip[i]}`;
  const timedBans = new Set<string>();
  for (let i = 0; i < store.length; i++) if (kind[i] === KIND_CODES.ban && !Number.isNaN(time[i])) timedBans.add(place(i));
  const listed = new Set<string>();
  const counts = new Map<string, KeyCount>();
  for (const i of inInputOrder(input, inputCount)) {
    let repeated: boolean;
    if (kind[i] === KIND_CODES.listed && Number.isNaN(time[i])) {
      const key = place(i);
      repeated = listed.has(key) || timedBans.has(key);
      listed.add(key);
    } else {
      const key = `${place(i)} ${kind[i]} ${Math.floor(time[i] / 1000)} ${user[i]}`;
      let count = counts.get(key);
      if (count === undefined) counts.set(key, (count = { kept: 0, input: input[i], inInput: 0 }));
      if (count.input !== input[i]) {
        count.kept = Math.max(count.kept, count.inInput);
        count.input = input[i];
        count.inInput = 0;
      }
      repeated = ++count.inInput <= count.kept;
    }
    if (repeated) {
      duplicate[i] = 1;
      perInput[input[i]]++;
    }
  }
  return { duplicate, perInput };
}

/** The event indices ordered by input (a stable counting sort): inputs are taken first to last. */
function inInputOrder(input: Uint32Array, inputCount: number): Uint32Array {
  const start = new Uint32Array(inputCount + 1);
  for (const i of input) start[i + 1]++;
  for (let k = 0; k < inputCount; k++) start[k + 1] += start[k];
  const order = new Uint32Array(input.length);
  for (let i = 0; i < input.length; i++) order[start[input[i]]++] = i;
  return order;
}
