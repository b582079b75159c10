import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { aggregate, type AggregateOptions } from '../../src/aggregate/aggregate';
import { locatedAddresses } from '../../src/aggregate/addresses';
import { eventsTable } from '../../src/load/events-table';
import type { EventStore } from '../../src/load/events';
import type { Network } from '../../src/locate/networks';
import type { Location } from '../../src/types';

/** The events table of a store filled by a test (one input, `test.log`). */
export const eventsOf = (store: EventStore) => eventsTable({ store, inputs: [{ file: 'test.log' }] });

/** aggregate() of everything in a store, its addresses at `locations` in `networks`. */
export function aggregateStore(store: EventStore, locations: readonly Location[], options: AggregateOptions & { networks?: readonly (Network | null)[] } = {}) {
  return aggregate(eventsOf(store), locatedAddresses(store.addresses, locations, options.networks), options);
}

/** The same table with plain arrays for columns: what a user's own table (or any other verb's output) looks like to aggregate(). */
export const plainTable = (table: ColumnTable) => aq.table(Object.fromEntries(table.columnNames().map((name) => [name, table.array(name)])));
