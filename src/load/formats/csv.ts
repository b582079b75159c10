import { dsvFormat, type DSV } from 'd3-dsv';
import { looksLikeHostname } from '../../locate/address';
import { EVENT_KINDS } from '../events';
import type { EventKind, GivenLocation, InputReport } from '../../types';
import { BLANK_LINE, COMMENT, HOSTNAME, NOT_AN_ADDRESS, NULL_CONTEXT, isBlank, type Emit, type FormatParser, type LineParser, type LineResult, type ParseContext } from './parser';
import { readIsoStamp } from './grammar/time';
import type { TimeZone } from '../../time-zone';

/**
 * CSV or TSV (`,`, tab or `;`) whose header names an address column: `ip` (also `ip_address`,
 * `ipaddress`, `address`, `addr`, `src_ip`, `source_ip`, `client_ip`, `remote_addr`, `host_ip`).
 * Quoted fields (`"a, b"`, `""` for a quote) are read within one line, by `d3-dsv`. Other columns, when present:
 *
 * | column (any of) | becomes |
 * | --- | --- |
 * | `time`, `timestamp`, `datetime`, `date`, `timeofban`, `time_of_ban`, `ban_time`, `banned_at`, `first_seen`, `last_seen` | the event's time: ISO 8601 (with or without offset), `YYYY-MM-DD HH:MM:SS` (log time zone), or epoch seconds / milliseconds |
 * | `jail` | the jail |
 * | `user`, `username`, `user_name`, `login` | the user name tried |
 * | `kind`, `event`, `action`, `type` | the kind: one of BotMap's kinds, or `banned` → ban, `fail`/`failed` → failure; otherwise `listed` |
 * | `count`, `events`, `attempts`, `failures`, `hits` | how many events the row stands for (1 to 100 000; 0 skips the row) |
 * | `latitude`/`lat`, `longitude`/`lon`/`lng`/`long`, `city`, `subdivision`/`region`, `country`/`country_code`/`iso_code`, `country_name` | where the address is: handed to `ParseContext.locate` (`LoadResult.givenLocations`), to be used instead of the geolocation database |
 *
 * Without a kind column each row is an event of kind `listed`.
 */

export const HEADER = 'header';
export const EMPTY_ADDRESS = 'empty address field';
export const NETWORK_RANGE = 'network range, not an address';
export const ZERO_COUNT = 'count of zero';

const MAX_COUNT = 100_000;

const IP_NAMES = ['ip', 'ip_address', 'ipaddress', 'ip_addr', 'address', 'addr', 'src_ip', 'source_ip', 'client_ip', 'remote_addr', 'host_ip'];
const TIME_NAMES = ['time', 'timestamp', 'datetime', 'date', 'timeofban', 'time_of_ban', 'ban_time', 'banned_at', 'first_seen', 'last_seen'];
const JAIL_NAMES = ['jail'];
const USER_NAMES = ['user', 'username', 'user_name', 'login'];
const KIND_NAMES = ['kind', 'event', 'action', 'type'];
const COUNT_NAMES = ['count', 'events', 'attempts', 'failures', 'hits'];
const LAT_NAMES = ['latitude', 'lat'];
const LON_NAMES = ['longitude', 'lon', 'lng', 'long'];
const CITY_NAMES = ['city', 'city_name'];
const SUBDIVISION_NAMES = ['subdivision', 'region', 'state'];
const COUNTRY_NAMES = ['country', 'country_code', 'iso_code', 'countrycode'];
const COUNTRY_NAME_NAMES = ['country_name', 'countryname'];

/** The fields of one line, as `d3-dsv` reads them (`""` inside quotes is a quote). */
function splitFields(line: string, delimiter: string): string[] {
  let reader = READERS.get(delimiter);
  if (reader === undefined) READERS.set(delimiter, (reader = dsvFormat(delimiter)));
  return reader.parseRows(line)[0] ?? [''];
}

const READERS = new Map<string, DSV>();

function columnName(text: string): string {
  return text.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

interface Layout {
  delimiter: string;
  ip: number;
  time: number;
  jail: number;
  user: number;
  kind: number;
  count: number;
  lat: number;
  lon: number;
  city: number;
  subdivision: number;
  country: number;
  countryName: number;
  columns: number;
}

/** The layout a header line describes, or null when it names no address column. */
function headerLayout(line: string): Layout | null {
  for (const delimiter of ['\t', ',', ';']) {
    if (delimiter !== ',' && line.indexOf(delimiter) < 0) continue;
    const names = splitFields(line, delimiter).map(columnName);
    const find = (candidates: string[]) => {
      for (const c of candidates) {
        const i = names.indexOf(c);
        if (i >= 0) return i;
      }
      return -1;
    };
    const ip = find(IP_NAMES);
    if (ip < 0) continue;
    if (names.length === 1 && delimiter !== ',') continue;
    return {
      delimiter,
      ip,
      time: find(TIME_NAMES),
      jail: find(JAIL_NAMES),
      user: find(USER_NAMES),
      kind: find(KIND_NAMES),
      count: find(COUNT_NAMES),
      lat: find(LAT_NAMES),
      lon: find(LON_NAMES),
      city: find(CITY_NAMES),
      subdivision: find(SUBDIVISION_NAMES),
      country: find(COUNTRY_NAMES),
      countryName: find(COUNTRY_NAME_NAMES),
      columns: names.length,
    };
  }
  return null;
}

/**
 * A time cell: ISO 8601, `YYYY-MM-DD HH:MM:SS`, epoch seconds or milliseconds; null when empty or
 * unreadable. Times without an offset are wall clock in `zone`.
 */
function parseTimeCell(text: string, zone: TimeZone): number | null {
  const t = text.trim();
  if (t.length === 0) return null;
  if (/^\d+(?:\.\d+)?$/.test(t)) {
    const n = Number(t);
    if (!Number.isFinite(n)) return null;
    // Epoch seconds until the year 5138; above that, milliseconds.
    return n >= 1e11 ? Math.round(n) : Math.round(n * 1000);
  }
  const iso = readIsoStamp(t, 0, zone);
  if (iso !== null && iso.end === t.length) return iso.time;
  if (/^\d{4}-\d\d-\d\d$/.test(t)) {
    const day = readIsoStamp(`${t} 00:00:00`, 0, zone);
    return day === null ? null : day.time;
  }
  return null;
}

function kindOf(text: string): EventKind {
  const k = text.trim().toLowerCase();
  if ((EVENT_KINDS as readonly string[]).includes(k)) return k as EventKind;
  if (k === 'banned' || k === 'increase ban') return 'ban';
  if (k === 'unbanned') return 'unban';
  if (k === 'restore ban' || k === 'restored') return 'restore';
  if (k === 'fail' || k === 'failed' || k === 'failed login') return 'failure';
  return 'listed';
}

function numberCell(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (t.length === 0) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function textCell(text: string | undefined): string | null {
  if (text === undefined) return null;
  const t = text.trim();
  return t.length === 0 ? null : t;
}

class CsvParser implements LineParser {
  private layout: Layout | null = null;
  private located = 0;

  constructor(private readonly context: ParseContext) {}

  parseLine(line: string, _lineNo: number, emit: Emit): LineResult {
    if (isBlank(line)) return BLANK_LINE;
    if (this.layout === null) {
      if (line.trimStart().startsWith('#')) return COMMENT;
      this.layout = headerLayout(line);
      // A file forced to be CSV without such a header: read the first column as the address.
      if (this.layout === null) {
        this.layout = headerLayout('ip')!;
        return this.row(line, emit);
      }
      return HEADER;
    }
    if (line.trimStart().startsWith('#')) return COMMENT;
    return this.row(line, emit);
  }

  private row(line: string, emit: Emit): LineResult {
    const layout = this.layout!;
    const cells = splitFields(line, layout.delimiter);
    const ip = (cells[layout.ip] ?? '').trim();
    if (ip.length === 0) return EMPTY_ADDRESS;
    const cell = (i: number) => (i >= 0 ? cells[i] : undefined);
    let count = 1;
    if (layout.count >= 0) {
      const n = numberCell(cell(layout.count));
      if (n !== null) {
        if (n <= 0) return ZERO_COUNT;
        count = Math.min(MAX_COUNT, Math.max(1, Math.round(n)));
      }
    }
    const time = layout.time >= 0 ? parseTimeCell(cell(layout.time) ?? '', this.context.timeZone) : null;
    const jail = textCell(cell(layout.jail));
    const user = layout.user >= 0 ? textCell(cell(layout.user)) : null;
    const kind = layout.kind >= 0 ? kindOf(cell(layout.kind) ?? '') : 'listed';
    let emitted = 0;
    for (let i = 0; i < count; i++) {
      if (!emit(ip, kind, time, jail, user)) break;
      emitted++;
    }
    if (emitted === 0) {
      if (looksLikeHostname(ip)) return HOSTNAME;
      if (/^[0-9a-f:.]+\/\d{1,3}$/i.test(ip)) return NETWORK_RANGE;
      return NOT_AN_ADDRESS;
    }
    const where = this.where(cells, layout);
    if (where !== null) {
      this.context.locate(ip, where);
      this.located++;
    }
    return emitted;
  }

  private where(cells: string[], layout: Layout): GivenLocation | null {
    if (layout.lat < 0 && layout.lon < 0 && layout.city < 0 && layout.country < 0 && layout.countryName < 0) return null;
    let latitude = layout.lat >= 0 ? numberCell(cells[layout.lat]) : null;
    let longitude = layout.lon >= 0 ? numberCell(cells[layout.lon]) : null;
    if (latitude === null || longitude === null || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
      latitude = null;
      longitude = null;
    }
    const city = layout.city >= 0 ? textCell(cells[layout.city]) : null;
    const subdivision = layout.subdivision >= 0 ? textCell(cells[layout.subdivision]) : null;
    const countryText = layout.country >= 0 ? textCell(cells[layout.country]) : null;
    let country: string | null = null;
    let countryName = layout.countryName >= 0 ? textCell(cells[layout.countryName]) : null;
    if (countryText !== null) {
      if (/^[A-Za-z]{2}$/.test(countryText)) country = countryText.toUpperCase();
      else if (countryName === null) countryName = countryText;
    }
    if (latitude === null && city === null && country === null && countryName === null) return null;
    return { latitude, longitude, city, subdivision, country, countryName };
  }

  finish(report: InputReport): void {
    if (this.located > 0) report.given_locations = this.located;
  }
}

export const csv: FormatParser = {
  format: 'csv',
  /** The first line that is not blank or a comment is a header naming an address column. */
  detect(lines) {
    for (const line of lines) {
      if (isBlank(line) || line.trimStart().startsWith('#')) continue;
      return headerLayout(line) !== null;
    }
    return false;
  },
  begin(context = NULL_CONTEXT) {
    return new CsvParser(context);
  },
};
