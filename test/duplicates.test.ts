/**
 * An event read from several inputs of one server counts once (`findDuplicates`); identical
 * events within one input stay distinct.
 */
import { describe, expect, it } from 'vitest';
import { findDuplicates } from '../src/load/duplicates';
import { EventStore } from '../src/load/events';

describe('findDuplicates', () => {
  const second = Date.UTC(2026, 9, 1, 10, 0, 0);
  const failure = (store: EventStore, input: number, ms: number, server = 'web1', user = 'root') =>
    store.add({ ip: '203.0.113.9', kind: 'failure', time: second + ms, jail: 'sshd', user }, { server, input });

  it('keeps the earliest input whole and of each later one what exceeds the inputs before it, per server', () => {
    const store = new EventStore();
    // Input 1's events are stored before input 0's: inputs are still taken in their order.
    for (const ms of [200, 300, 900]) failure(store, 1, ms);
    for (const ms of [0, 100]) failure(store, 0, ms);
    failure(store, 2, 999);
    failure(store, 3, 0, 'web2');
    failure(store, 4, 0, 'web1', 'admin');
    failure(store, 5, 1000);
    const { duplicate, perInput } = findDuplicates(store, 6);
    // Input 1 has 3 where input 0 had 2: its first 2 are duplicates; input 2's one is within them.
    expect(Array.from(duplicate)).toEqual([1, 1, 0, 0, 0, 1, 0, 0, 0]);
    expect(perInput).toEqual([0, 2, 1, 0, 0, 0]);
  });

  it('drops nothing of a single input but a listed ban listed again', () => {
    const store = new EventStore();
    for (const ms of [0, 0, 0]) failure(store, 0, ms);
    for (let i = 0; i < 2; i++) store.add({ ip: '192.0.2.1', kind: 'listed', time: null, jail: 'sshd' }, { server: 'web1', input: 0 });
    expect(findDuplicates(store, 1)).toEqual({ duplicate: Uint8Array.from([0, 0, 0, 0, 1]), perInput: [1] });
  });
});
