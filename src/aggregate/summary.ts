import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { Aggregates } from './aggregate';
import type { DatabaseInfo, InputReport, PlaceCluster } from '../types';
import { ageInDays } from '../locate/database';

const op = aq.op;

/** The geolocation database in summary.json: what it is, how old, and what it can do. */
export interface SummaryDatabase extends DatabaseInfo {
  /** `city`: places addresses in cities; `country`: a Country database, no city results. */
  kind?: 'city' | 'country';
  /** Whole days from the build date to the run. */
  age_days?: number;
}

/** The ASN data in summary.json. */
export interface SummaryAsnDatabase extends DatabaseInfo {
  /** `ip-location-db`: the packaged DB-IP/RouteViews ranges; `mmdb`: the user's GeoLite2-ASN file. */
  source: 'ip-location-db' | 'mmdb';
  age_days: number;
}

/** One place (see `clusterPlaces`); `cities` are the member cities' names as the database gives them, largest first. */
export type SummaryPlace = Omit<PlaceCluster, 'cities'> & { cities: (string | null)[] };

/**
 * `output/summary.json`: the run in numbers. Keys are a contract read by automation: add, never rename.
 * `buildSummary` always writes every key; those added after the first release are optional in
 * this type only so that summaries written by hand (tests, older files) still type-check.
 */
export interface Summary {
  botmap_version: string;
  generated_at: string;
  database: SummaryDatabase;
  /** Where the networks (ASN, organisation) come from; null when networks were not looked up. */
  asn_database?: SummaryAsnDatabase | null;
  inputs: InputReport[];
  /** Inputs that could not be read to the end; their counts cover only what was read. */
  failed_inputs: { file: string; error: string }[];
  /** The first and last event analysed; `from` and `to`: the days the run was limited to (FROM, TO parameters), null for no bound. */
  window: { first_event: string | null; last_event: string | null; from?: string | null; to?: string | null };
  /**
   * The events counted (each once), the attack events among them, and both by kind; `duplicates`:
   * the events the inputs repeated and that are counted once elsewhere, the sum of the inputs'
   * `duplicates` (of the whole run, in a subset's summary too).
   */
  events: { total: number; attacks: number; by_kind: Record<string, number>; duplicates?: number };
  ips: {
    distinct: number;
    ipv4: number;
    ipv6: number;
    not_public: number;
    located_city: number;
    located_country_only: number;
    not_found: number;
    /** Public addresses whose network (ASN) is known. */
    with_asn?: number;
    /** Distinct IPv6 /64 networks among the addresses. */
    ipv6_networks_64?: number;
    /** What the rankings' `ips` count: distinct addresses, or with `options.ipv6_prefix64` each IPv6 /64 once. */
    attackers?: number;
    /**
     * Trusted addresses (the user's own: logged in, in a jail file's `ignoreip`, in `BOTMAP_TRUSTED`),
     * listed in `tables/trusted.csv`. Unless `options.include_trusted`, they and their events are
     * left out of every other figure, table and chart; with it, they are counted there too.
     */
    trusted?: number;
  };
  /** How the rankings count. */
  options?: {
    /** When true, every `ips` in top_cities, top_countries, top_places and top_asns counts an IPv6 /64 as one attacker. */
    ipv6_prefix64: boolean;
    /** Radius of the places in top_places, km. */
    cluster_radius_km: number;
    /** True when trusted addresses are counted and drawn with the attackers (`BOTMAP_INCLUDE_TRUSTED=1`). */
    include_trusted?: boolean;
    /** How sshd's lines were read: fail2ban's sshd filter mode (`normal`, `ddos`, `extra`, `aggressive`); set by the run. */
    sshd_mode?: string;
    /** A place is named after the most populous gazetteer city within this distance (km) of its largest city. */
    place_naming_km?: number;
  };
  top_cities: { city: string; subdivision: string | null; country: string; country_name: string; latitude: number; longitude: number; ips: number; events: number }[];
  /** Cities grouped into places (metro areas) within `options.cluster_radius_km`, largest first. */
  top_places?: SummaryPlace[];
  top_countries: { country: string; name: string; ips: number; events: number; ips_city: number; ips_country_only: number }[];
  /** Networks by distinct addresses, largest first. */
  top_asns?: { asn: number; org: string | null; ips: number; events: number }[];
  charts: Record<string, { svg: string; png: string }>;
  tables: Record<string, string>;
  /** The interactive world map page, relative to the output folder (`map.html`), once written. */
  map?: string;
  /** What the person running BotMap should act on: an old database, a Country database. Also listed in `notes`. */
  warnings?: string[];
  notes: string[];
}

export interface SummaryInput {
  version: string;
  database: DatabaseInfo & { kind?: 'city' | 'country'; age_days?: number };
  asnDatabase?: SummaryAsnDatabase | null;
  inputs: InputReport[];
  /** The events table the aggregates were computed from (see `eventsTable`). */
  events: ColumnTable;
  aggregates: Aggregates;
  topCities?: number;
  topCountries?: number;
  topPlaces?: number;
  topAsns?: number;
  /** Shown first in `notes` too. */
  warnings?: string[];
  notes?: string[];
  /** How many addresses are trusted (`ips.trusted`), and whether they are counted with the others. Default 0, false. */
  trusted?: number;
  includeTrusted?: boolean;
  /** The time of the run (epoch ms); default now. */
  now?: number;
}

/** A place as summary.json lists it. */
export function summaryPlace(p: PlaceCluster): SummaryPlace {
  return {
    name: p.name,
    largest_city: p.largest_city,
    country: p.country,
    country_name: p.country_name,
    latitude: p.latitude,
    longitude: p.longitude,
    radius_km: p.radius_km,
    ips: p.ips,
    events: p.events,
    cities: p.cities.map((c) => c.city),
  };
}

/** YYYY-MM-DD (UTC) of an epoch-ms time, or a dash when there is none. */
export function isoDay(ms: number | null | undefined): string {
  return ms == null || !Number.isFinite(ms) ? '—' : new Date(ms).toISOString().slice(0, 10);
}

export function isoTime(ms: number | null | undefined): string | null {
  return ms == null || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

export function buildSummary(input: SummaryInput): Summary {
  const now = input.now ?? Date.now();
  const { kind, age_days, ...info } = input.database;
  const database: SummaryDatabase = {
    ...info,
    kind: kind ?? (/country/i.test(info.type) && !/city/i.test(info.type) ? 'country' : 'city'),
    age_days: age_days ?? ageInDays(info.build_date, now),
  };
  const warnings = input.warnings ?? [];
  return {
    botmap_version: input.version,
    generated_at: new Date(now).toISOString(),
    database,
    asn_database: input.asnDatabase ?? null,
    inputs: input.inputs,
    failed_inputs: input.inputs.filter((i) => i.error).map((i) => ({ file: i.file, error: i.error! })),
    ...withTrusted(withDuplicates(eventFigures(input.events, input.aggregates, input), input.inputs), input.trusted ?? 0, input.includeTrusted ?? false),
    charts: {},
    tables: {},
    warnings,
    notes: [...warnings, ...(input.notes ?? []).filter((n) => !warnings.includes(n))],
  };
}

/** What summary.json says of the events and their rankings: the part that a filtered events table changes. */
export function eventFigures(events: ColumnTable, aggregates: Aggregates, top: Pick<SummaryInput, 'topCities' | 'topCountries' | 'topPlaces' | 'topAsns'> = {}) {
  const { ips, counting } = aggregates;
  // In the order the kinds first appear.
  const byKind = Object.fromEntries(events.groupby('kind').count().objects().map((row: any) => [row.kind, row.count])) as Record<string, number>;
  const precision = Object.fromEntries(ips.groupby('precision').count().objects().map((row: any) => [row.precision, row.count])) as Record<string, number>;
  const ipv4 = ips.filter((d: any) => d.version === 4).numRows();
  return {
    window: { first_event: isoTime(aggregates.window.first), last_event: isoTime(aggregates.window.last) },
    events: { total: events.numRows(), attacks: ips.numRows() ? (ips.rollup({ attacks: op.sum('events') }).get('attacks') as number) : 0, by_kind: byKind },
    ips: {
      distinct: ips.numRows(),
      ipv4,
      ipv6: ips.numRows() - ipv4,
      not_public: precision.not_public ?? 0,
      located_city: precision.city ?? 0,
      located_country_only: precision.country_only ?? 0,
      not_found: precision.not_found ?? 0,
      with_asn: ips.filter((d: any) => d.asn != null).numRows(),
      ipv6_networks_64: counting.ipv6Networks64,
      attackers: counting.attackers,
    },
    options: { ipv6_prefix64: counting.ipv6Prefix64, cluster_radius_km: counting.clusterRadiusKm, place_naming_km: counting.placeNamingKm },
    top_cities: aggregates.cities.slice(0, top.topCities ?? 50).objects() as Summary['top_cities'],
    top_places: aggregates.places.slice(0, top.topPlaces ?? 50).map(summaryPlace),
    top_countries: aggregates.countries.slice(0, top.topCountries ?? 50).objects() as Summary['top_countries'],
    top_asns: aggregates.asns.slice(0, top.topAsns ?? 50).objects() as Summary['top_asns'],
  };
}

/** The figures with `events.duplicates`, the duplicates of `inputs` (see `InputReport.duplicates`). */
export function withDuplicates<T extends { events: Summary['events'] }>(figures: T, inputs: readonly InputReport[]): T {
  return { ...figures, events: { ...figures.events, duplicates: inputs.reduce((sum, input) => sum + input.duplicates, 0) } };
}

/** The figures with `ips.trusted` and `options.include_trusted`: of the whole run, in a subset's summary too. */
export function withTrusted<T extends Pick<Summary, 'ips' | 'options'>>(figures: T, trusted: number, includeTrusted: boolean): T {
  return { ...figures, ips: { ...figures.ips, trusted }, options: figures.options && { ...figures.options, include_trusted: includeTrusted } };
}

/** A failed input's error for a console line, naming its file once (load errors usually name it already). */
export function namingFile(failed: { file: string; error: string }): string {
  return failed.error.includes(failed.file) ? failed.error : `${failed.file}: ${failed.error}`;
}
