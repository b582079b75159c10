import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { ATTACK_KINDS } from './types';
import { EVENT_KINDS, type EventStore } from './events';
import type { Location } from './types';

const op = aq.op;

/** The tables every chart and export is drawn from. */
export interface Aggregates {
  /** One row per distinct address: `ip, version, events, records, first_seen, last_seen, country, country_name, city, subdivision, latitude, longitude, accuracy_radius, precision` (times in epoch ms, null when unknown). */
  ips: ColumnTable;
  /** City-located addresses grouped by city: `city, subdivision, country, country_name, latitude, longitude, ips, events`, largest first. */
  cities: ColumnTable;
  /** Addresses with a known country, grouped by country: `country, name, ips, events, ips_city, ips_country_only`, largest first. */
  countries: ColumnTable;
  /** First and last event time (epoch ms), null when no event has a time. */
  window: { first: number | null; last: number | null };
}

/** Builds the per-address, per-city and per-country tables from the loaded events and their locations. */
export function aggregate(store: EventStore, locations: readonly Location[]): Aggregates {
  const columns = store.columns();
  const attackCode = new Uint8Array(EVENT_KINDS.length);
  EVENT_KINDS.forEach((kind, code) => (attackCode[code] = ATTACK_KINDS.has(kind) ? 1 : 0));
  const attack = new Uint8Array(columns.kind.length);
  for (let i = 0; i < attack.length; i++) attack[i] = attackCode[columns.kind[i]];

  const perAddress = aq
    .table({ index: columns.ip, attack, time: columns.time })
    .groupby('index')
    .rollup({ events: op.sum('attack'), records: op.count(), first: op.min('time'), last: op.max('time') });

  const addresses = store.addresses;
  const located = aq.table({
    index: Uint32Array.from(addresses, (_, i) => i),
    ip: addresses.map((a) => a.ip),
    version: addresses.map((a) => a.version),
    country: locations.map((l) => l.country),
    country_name: locations.map((l) => l.countryName),
    city: locations.map((l) => l.city),
    subdivision: locations.map((l) => l.subdivision),
    latitude: locations.map((l) => l.latitude),
    longitude: locations.map((l) => l.longitude),
    accuracy_radius: locations.map((l) => l.accuracyRadius),
    precision: locations.map((l) => l.precision),
  });

  const ips = located
    .join_left(perAddress, 'index')
    .derive({
      // min/max over a group whose times are all unknown (NaN) give a non-finite value.
      first_seen: (d: any) => (op.is_finite(d.first) ? d.first : null),
      last_seen: (d: any) => (op.is_finite(d.last) ? d.last : null),
    })
    .select('ip', 'version', 'events', 'records', 'first_seen', 'last_seen', 'country', 'country_name', 'city', 'subdivision', 'latitude', 'longitude', 'accuracy_radius', 'precision')
    .orderby(aq.desc('events'), 'ip');

  const cities = ips
    .filter((d: any) => d.precision === 'city')
    .groupby('country', 'country_name', 'subdivision', 'city')
    .rollup({ latitude: op.mean('latitude'), longitude: op.mean('longitude'), ips: op.count(), events: op.sum('events') })
    .select('city', 'subdivision', 'country', 'country_name', 'latitude', 'longitude', 'ips', 'events')
    .orderby(aq.desc('ips'), aq.desc('events'), 'city', 'country');

  const countries = ips
    .filter((d: any) => d.country != null)
    .groupby('country', 'country_name')
    .rollup({
      ips: op.count(),
      events: op.sum('events'),
      ips_city: (d: any) => op.sum(d.precision === 'city' ? 1 : 0),
      ips_country_only: (d: any) => op.sum(d.precision === 'country_only' ? 1 : 0),
    })
    .rename({ country_name: 'name' })
    .select('country', 'name', 'ips', 'events', 'ips_city', 'ips_country_only')
    .orderby(aq.desc('ips'), aq.desc('events'), 'country');

  let first = Infinity;
  let last = -Infinity;
  for (const t of columns.time) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  return {
    ips,
    cities,
    countries,
    window: { first: Number.isFinite(first) ? first : null, last: Number.isFinite(last) ? last : null },
  };
}
