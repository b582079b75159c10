/**
 * The records that flow through BotMap's pipeline:
 * load (AttackEvent, InputReport) → locate (Location) → aggregate → plot → export.
 */

/** What a line says happened to an address. */
export type EventKind =
  /** fail2ban banned the address (`Ban`, `Increase Ban`, or a ban row in its database). */
  | 'ban'
  /** fail2ban lifted a ban. Bookkeeping: kept as a record, not counted as an attack event. */
  | 'unban'
  /** fail2ban re-applied an earlier ban after a restart. Bookkeeping, not a new attack. */
  | 'restore'
  /** fail2ban's filter matched a failure (`Found`). */
  | 'found'
  /** The address was listed as banned in a snapshot (`fail2ban-client status`, a plain list). */
  | 'listed'
  /** A failed login seen in an auth log. */
  | 'failure'
  /**
   * A successful login seen in an auth log (sshd `Accepted … for USER from ADDR`). Never an attack:
   * it makes its address trusted (see `aggregate/trusted.ts`).
   */
  | 'accepted';

/** Kinds that count as attack events in rankings; the others are kept but not counted. */
export const ATTACK_KINDS: ReadonlySet<EventKind> = new Set<EventKind>(['ban', 'found', 'listed', 'failure']);

/** One thing a log line says about one address. */
export interface AttackEvent {
  /** The address as written in the input; normalised by the collector. */
  ip: string;
  kind: EventKind;
  /** Epoch milliseconds, or null when the export carries no time. */
  time: number | null;
  /** The fail2ban jail, when the input names one. */
  jail: string | null;
  /** The user name tried, when the input carries one. */
  user?: string | null;
}

/** The formats BotMap recognises. */
export type InputFormat =
  | 'fail2ban-status'
  | 'fail2ban-log'
  | 'ip-list'
  /** `fail2ban-client banned`: a Python repr `[{'sshd': ['192.0.2.1', ...]}, ...]`, possibly over several lines. */
  | 'fail2ban-banned'
  /** `fail2ban-client get <jail> banip [sep | --with-time]`. */
  | 'fail2ban-banip'
  /** fail2ban's sqlite database (`fail2ban.sqlite3`), recognised by its SQLite header; "lines" are table rows. */
  | 'fail2ban-db'
  /** sshd lines of `/var/log/auth.log`, `/var/log/secure` or `journalctl` text output (fail2ban lines in them are read too). */
  | 'auth-log'
  /** `journalctl -o json` export: one JSON object per line. */
  | 'journal-json'
  /** CSV or TSV with a header naming an `ip` column. */
  | 'csv'
  /** fail2ban's jail settings (`jail.conf`, `jail.local`, `jail.d/*.conf`): read for their `ignoreip`, no events. */
  | 'fail2ban-jail';

/** Why a line carried no record. Free text, but each parser uses a small fixed set. */
export type SkipReason = string;

/** The accounting for one input file: every line is either a record or skipped with a reason. */
export interface InputReport {
  file: string;
  /**
   * `botmap-archive`: a BotMap archive (DuckDB, recognised by its header), read as one input whose
   * "lines" are its rows (see `load/archive-input.ts`); `unknown`: no format recognised.
   */
  format: InputFormat | 'botmap-archive' | 'unknown';
  /** The server its events are attributed to; for an archive, the servers its rows name, joined by ", ". */
  server: string;
  /** Lines read. */
  lines: number;
  /** Lines that yielded at least one record. */
  records: number;
  /** Records (events) those lines yielded; a status line listing 50 banned addresses is one line, 50 events. */
  events: number;
  /**
   * Of those events, the duplicates (see `findDuplicates`): events an earlier input of the same
   * server already has (a copy of a log, overlapping exports, fail2ban's database beside its
   * log), and listed bans without a time listed before or banned with a time on that server.
   * They stay in `records` and `events`; every other figure leaves them out. 0 when none.
   */
  duplicates: number;
  /** Lines that yielded nothing, by reason. `records + sum(skipped) == lines`. */
  skipped: Record<SkipReason, number>;
  /** The first few line numbers (1-based) for each skip reason, to find them in the file. */
  skipped_examples: Record<SkipReason, number[]>;
  /**
   * Set when the file could not be read to its end, or not used at all (unreadable, not a
   * regular file, unrecognised format, a .gz that is truncated or expands past the limit, an
   * SQLite file that is not a fail2ban database): the counts cover what was read. Such inputs are
   * listed in `summary.failed_inputs`. The message names the file, and the line where there is one.
   */
  error?: string;
  /**
   * What was read but deserves a word, the file being otherwise complete: an empty file, a file
   * of blank lines only, lines over the maximum length (skipped), a UTF-16 file (decoded).
   */
  warnings?: string[];
  /** The text encoding when it is not UTF-8 (a UTF-16 file recognised by its byte-order mark). */
  encoding?: 'utf-16le' | 'utf-16be';
  /**
   * Words on record lines that were not addresses (fail2ban-status: tokens on a ban list line).
   * Set only by formats whose lines list several addresses.
   */
  rejected_tokens?: number;
  /** The first few of those words, to see what they were. */
  rejected_token_examples?: string[];
  /**
   * Lines that banned a network range (`Ban 192.0.2.96/28`) rather than one address. Each is
   * also counted under the skip reason "network range ban"; the ranges themselves are in
   * `LoadResult.ranges`. Set only by formats that can carry ranges (fail2ban-log, auth-log, journal-json).
   */
  ranges?: number;
  /** Rows of the file that came with a place of their own (CSV `latitude`/`longitude`/`city`/`country` columns). */
  given_locations?: number;
  /** The mode of fail2ban's sshd filter its sshd lines were read in (auth-log, journal-json): `normal`, `ddos`, `extra` or `aggressive`. */
  sshd_mode?: string;
}

/**
 * Where an input itself says an address is (CSV columns `latitude`, `longitude`, `city`,
 * `country`, …), to be used instead of the geolocation database. Fields the input left empty are null.
 */
export interface GivenLocation {
  latitude: number | null;
  longitude: number | null;
  city: string | null;
  subdivision: string | null;
  /** ISO 3166-1 alpha-2 (upper case) when the input gave a two-letter code, else null. */
  country: string | null;
  /** The country's name when the input gave a name rather than a code. */
  countryName: string | null;
}

/** A ban of a whole network (`Ban 192.0.2.96/28`): kept beside the events, not as one. */
export interface RangeRecord {
  /** Normalised CIDR: the network address (host bits cleared) and prefix length, e.g. `192.0.2.96/28`. */
  cidr: string;
  kind: EventKind;
  /** Epoch ms, or null when unknown. */
  time: number | null;
  jail: string | null;
  server: string;
  /** Index of the input file in the load result's `inputs`. */
  input: number;
}

/** An address or network an input says is the user's own: an `ignoreip` entry of a fail2ban jail file. */
export interface TrustedEntry {
  /** The address or network in its normal form (`192.0.2.10`, `198.51.100.0/24`). */
  network: string;
  /** The file it was read from, as reports name it. */
  file: string;
  /** The jail file's section (`DEFAULT`, `sshd`), null before any. */
  section: string | null;
  /** Its 1-based line. */
  line: number;
}

/** How precisely an address was placed. */
export type Precision = 'city' | 'country_only' | 'not_found' | 'not_public';

/** Where one distinct address is, as the geolocation database says. */
export interface Location {
  precision: Precision;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  countryName: string | null;
  city: string | null;
  subdivision: string | null;
  latitude: number | null;
  longitude: number | null;
  /** MaxMind's accuracy radius in km. */
  accuracyRadius: number | null;
}

/** What the geolocation database is. */
export interface DatabaseInfo {
  /** MaxMind's `databaseType`, e.g. `GeoLite2-City`. */
  type: string;
  /** Build date, YYYY-MM-DD. */
  build_date: string;
  /** The file read. */
  file: string;
  /** Human-readable credit to show wherever its data is shown. */
  attribution: string;
}

/** A city inside a place cluster. */
export interface PlaceCity {
  /** The database's name; null where none was given (a CSV of points with empty cities). */
  city: string | null;
  subdivision: string | null;
  /** ISO code; null where none was given (a CSV of points without a country column). */
  country: string | null;
  latitude: number;
  longitude: number;
  ips: number;
  events: number;
}

/**
 * A place: city-located addresses whose cities lie within a radius of each other, named after
 * the largest city, so a metro area split into many towns ranks as one.
 */
export interface PlaceCluster {
  /**
   * The name people know it by: the most populous gazetteer city within the naming radius of its
   * largest city, else the largest city's name (else its country, else its coordinates).
   */
  name: string;
  /** The database's name of the city holding the most addresses (null where it has none). */
  largest_city: string | null;
  country: string | null;
  country_name: string | null;
  /** Centre, weighted by distinct addresses. */
  latitude: number;
  longitude: number;
  /** Distance from the centre to the farthest member city, km. */
  radius_km: number;
  ips: number;
  events: number;
  /** Member cities, largest first. */
  cities: PlaceCity[];
}
