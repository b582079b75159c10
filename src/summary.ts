import type { Aggregates } from './aggregate';
import type { DatabaseInfo, InputReport } from './types';
import { EVENT_KINDS, type EventStore } from './events';

/** `output/summary.json`: the run in numbers. Keys are a contract read by automation: add, never rename. */
export interface Summary {
  botmap_version: string;
  generated_at: string;
  database: DatabaseInfo;
  inputs: InputReport[];
  /** Inputs that could not be read to the end; their counts cover only what was read. */
  failed_inputs: { file: string; error: string }[];
  window: { first_event: string | null; last_event: string | null };
  events: { total: number; attacks: number; by_kind: Record<string, number> };
  ips: { distinct: number; ipv4: number; ipv6: number; not_public: number; located_city: number; located_country_only: number; not_found: number };
  top_cities: { city: string; subdivision: string | null; country: string; country_name: string; latitude: number; longitude: number; ips: number; events: number }[];
  top_countries: { country: string; name: string; ips: number; events: number; ips_city: number; ips_country_only: number }[];
  charts: Record<string, { svg: string; png: string }>;
  tables: Record<string, string>;
  notes: string[];
}

export interface SummaryInput {
  version: string;
  database: DatabaseInfo;
  inputs: InputReport[];
  store: EventStore;
  aggregates: Aggregates;
  topCities?: number;
  topCountries?: number;
  notes?: string[];
}

export function isoTime(ms: number | null | undefined): string | null {
  return ms == null || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

export function buildSummary(input: SummaryInput): Summary {
  const { aggregates, store } = input;
  const precision = (aggregates.ips.array('precision') as string[]).reduce<Record<string, number>>((m, p) => ((m[p] = (m[p] ?? 0) + 1), m), {});
  const kinds = store.columns().kind;
  const byKind: Record<string, number> = {};
  for (const k of kinds) byKind[EVENT_KINDS[k]] = (byKind[EVENT_KINDS[k]] ?? 0) + 1;
  const attacks = (aggregates.ips.array('events') as number[]).reduce((a, b) => a + b, 0);
  const ipv4 = store.addresses.filter((a) => a.version === 4).length;
  return {
    botmap_version: input.version,
    generated_at: new Date().toISOString(),
    database: input.database,
    inputs: input.inputs,
    failed_inputs: input.inputs.filter((i) => i.error).map((i) => ({ file: i.file, error: i.error! })),
    window: { first_event: isoTime(aggregates.window.first), last_event: isoTime(aggregates.window.last) },
    events: { total: kinds.length, attacks, by_kind: byKind },
    ips: {
      distinct: store.addresses.length,
      ipv4,
      ipv6: store.addresses.length - ipv4,
      not_public: precision.not_public ?? 0,
      located_city: precision.city ?? 0,
      located_country_only: precision.country_only ?? 0,
      not_found: precision.not_found ?? 0,
    },
    top_cities: aggregates.cities.slice(0, input.topCities ?? 50).objects() as Summary['top_cities'],
    top_countries: aggregates.countries.slice(0, input.topCountries ?? 50).objects() as Summary['top_countries'],
    charts: {},
    tables: {},
    notes: input.notes ?? [],
  };
}
