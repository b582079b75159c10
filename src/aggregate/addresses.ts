/**
 * Per address: what the events say of each (attack events, records, first and last seen) and
 * what the locate stage found (place, network), joined into one row per address.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { ATTACK_KINDS, type Location } from '../types';
import { ipv6Network64OfWords, type NormalisedAddress } from '../locate/address';
import type { Network } from '../locate/networks';
import { CodedColumn, DictionaryColumn } from '../load/events-table';

const op = aq.op;

/** The columns of `locatedAddresses` besides `ip`. */
export const ADDRESS_COLUMNS = ['version', 'network64', 'country', 'country_name', 'city', 'subdivision', 'latitude', 'longitude', 'accuracy_radius', 'precision', 'asn', 'org', 'trusted'];

/**
 * The located addresses as a table keyed by `ip`: `ip, version, network64, country,
 * country_name, city, subdivision, latitude, longitude, accuracy_radius, precision, asn, org, trusted`
 * (`network64`: the /64 of an IPv6 address, null for IPv4; `asn`/`org` null when unknown or not
 * public), `trusted` (a boolean: the user's own address, see `aggregate/trusted.ts`). `locations`,
 * `networks` and `trusted` (1 for trusted, as `trustedAddresses` gives it) are aligned with `addresses`.
 */
export function locatedAddresses(addresses: readonly NormalisedAddress[], locations: readonly Location[], networks: readonly (Network | null)[] = [], trusted?: Uint8Array): ColumnTable {
  return aq.table({
    ip: addresses.map((a) => a.ip),
    version: addresses.map((a) => a.version),
    network64: addresses.map((a) => (a.version === 6 ? ipv6Network64OfWords(a.words) : null)),
    country: locations.map((l) => l.country),
    country_name: locations.map((l) => l.countryName),
    city: locations.map((l) => l.city),
    subdivision: locations.map((l) => l.subdivision),
    latitude: locations.map((l) => l.latitude),
    longitude: locations.map((l) => l.longitude),
    accuracy_radius: locations.map((l) => l.accuracyRadius),
    precision: locations.map((l) => l.precision),
    asn: addresses.map((_, i) => networks[i]?.asn ?? null),
    org: addresses.map((_, i) => networks[i]?.org ?? null),
    trusted: addresses.map((_, i) => trusted?.[i] === 1),
  });
}

/**
 * One row per address of the events, most attack events first (then by address): `ip, events,
 * records, first_seen, last_seen` (attack events, all events, and the first and last event time
 * in epoch ms, null when none has one) and the address's columns in `addresses` (`locatedAddresses`).
 */
export function eventsByAddress(events: ColumnTable, addresses: ColumnTable): ColumnTable {
  return (
    eventsByAddressCode(events, addresses) ??
    eventsByAddressText(events).lookup(addresses, 'ip', ADDRESS_COLUMNS).orderby(aq.desc('events'), 'ip').reify()
  );
}

/** The definition: Arquero verbs over any events table. */
function eventsByAddressText(events: ColumnTable): ColumnTable {
  const epochMs = (time: Date | null | undefined) => (time == null ? null : +time);
  return events
    .params({ attack: [...ATTACK_KINDS] })
    .groupby('ip')
    .rollup({
      events: (d: any, $: any) => op.sum(op.includes($.attack, d.kind) ? 1 : 0),
      records: op.count(),
      first_seen: op.min('time'),
      last_seen: op.max('time'),
    })
    .derive({ first_seen: aq.escape((d: any) => epochMs(d.first_seen)), last_seen: aq.escape((d: any) => epochMs(d.last_seen)) });
}

/**
 * The same table in one pass over the store's codes, for an events table whose `ip`, `kind` and
 * `time` are still the store's (see `eventsTable`), filtered or not, and the located addresses of
 * that store (row = address code): their rows are taken by code, not looked up by text. Null for
 * any other. On the bench's 969,875 events, the Arquero verbs took 1,437–1,813 ms of CPU and this
 * pass 67–79 ms (shared machine); taking the rows by code instead of `lookup` and `orderby` by
 * text took the per-address table from 311–402 ms of CPU to 159–161 ms (first call, loaded machine).
 */
function eventsByAddressCode(events: ColumnTable, addresses: ColumnTable): ColumnTable | null {
  const ip = events.column('ip');
  const kind = events.column('kind');
  const time = events.column('time');
  if (!(ip instanceof DictionaryColumn && kind instanceof DictionaryColumn && time instanceof CodedColumn)) return null;
  const addressIps = addresses.column('ip');
  if (addresses.numRows() !== ip.size || addressIps == null) return null;
  const isAttack = Uint8Array.from({ length: kind.size }, (_, code) => (ATTACK_KINDS.has(kind.value(code)) ? 1 : 0));
  const attacks = new Float64Array(ip.size);
  const records = new Float64Array(ip.size);
  const first = new Float64Array(ip.size).fill(Infinity);
  const last = new Float64Array(ip.size).fill(-Infinity);
  const seen: number[] = [];
  const rows = events.indices(false);
  const { codes: ipCodes } = ip;
  const { codes: kindCodes } = kind;
  const { codes: times } = time;
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k];
    const a = ipCodes[row];
    if (records[a]++ === 0) seen.push(a);
    attacks[a] += isAttack[kindCodes[row]];
    // NaN (no time) fails both comparisons.
    const t = times[row];
    if (t < first[a]) first[a] = t;
    if (t > last[a]) last[a] = t;
  }
  if (!seen.every((a) => addressIps.at(a) === ip.value(a))) return null;
  seen.sort((a, b) => attacks[b] - attacks[a] || (addressIps.at(a) < addressIps.at(b) ? -1 : 1));
  const finite = (t: number) => (Number.isFinite(t) ? t : null);
  return addresses.reify(seen).assign({
    events: seen.map((a) => attacks[a]),
    records: seen.map((a) => records[a]),
    first_seen: seen.map((a) => finite(first[a])),
    last_seen: seen.map((a) => finite(last[a])),
  });
}
