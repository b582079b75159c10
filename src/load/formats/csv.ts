import { dsvFormat, type DSV } from 'd3-dsv';
import { EVENT_KINDS } from '../events';
import type { EventKind, GivenLocation, InputReport } from '../../types';
import { BLANK_LINE, COMMENT, NULL_CONTEXT, isBlank, whyNotAnAddress, type Emit, type FormatParser, type LineParser, type LineResult, type ParseContext } from './parser';
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
export const ZERO_COUNT = 'count of zero';

const MAX_COUNT = 100_000;

/** The names each column may have in the header, the first found taken. */
const COLUMNS = {
  ip: ['ip', 'ip_address', 'ipaddress', 'ip_addr', 'address', 'addr', 'src_ip', 'source_ip', 'client_ip', 'remote_addr', 'host_ip'],
  time: ['time', 'timestamp', 'datetime', 'date', 'timeofban', 'time_of_ban', 'ban_time', 'banned_at', 'first_seen', 'last_seen'],
  jail: ['jail'],
  user: ['user', 'username', 'user_name', 'login'],
  kind: ['kind', 'event', 'action', 'type'],
  count: ['count', 'events', 'attempts', 'failures', 'hits'],
  lat: ['latitude', 'lat'],
  lon: ['longitude', 'lon', 'lng', 'long'],
  city: ['city', 'city_name'],
  subdivision: ['subdivision', 'region', 'state'],
  country: ['country', 'country_code', 'iso_code', 'countrycode'],
  countryName: ['country_name', 'countryname'],
};

type Column = keyof typeof COLUMNS;

/** Where each column is, -1 when the header does not name it. */
type Layout = Record<Column, number> & { delimiter: string };

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

/** The layout a header line describes, or null when it names no address column. */
function headerLayout(line: string): Layout | null {
  for (const delimiter of ['\t', ',', ';']) {
    if (delimiter !== ',' && line.indexOf(delimiter) < 0) continue;
    const names = splitFields(line, delimiter).map(columnName);
    const find = (column: Column) => {
      for (const name of COLUMNS[column]) {
        const i = names.indexOf(name);
        if (i >= 0) return i;
      }
      return -1;
    };
    if (find('ip') < 0 || (names.length === 1 && delimiter !== ',')) continue;
    const columns = Object.fromEntries(Object.keys(COLUMNS).map((column) => [column, find(column as Column)]));
    return { delimiter, ...(columns as Record<Column, number>) };
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
    // A column the header does not name is at -1, where `cells` has no cell.
    const n = numberCell(cells[layout.count]);
    if (n !== null && n <= 0) return ZERO_COUNT;
    const count = n === null ? 1 : Math.min(MAX_COUNT, Math.max(1, Math.round(n)));
    const time = parseTimeCell(cells[layout.time] ?? '', this.context.timeZone);
    const jail = textCell(cells[layout.jail]);
    const user = textCell(cells[layout.user]);
    const kind = kindOf(cells[layout.kind] ?? '');
    let emitted = 0;
    for (let i = 0; i < count; i++) {
      if (!emit(ip, kind, time, jail, user)) break;
      emitted++;
    }
    if (emitted === 0) return whyNotAnAddress(ip);
    const where = this.where(cells, layout);
    if (where !== null) {
      this.context.locate(ip, where);
      this.located++;
    }
    return emitted;
  }

  private where(cells: string[], layout: Layout): GivenLocation | null {
    let latitude = numberCell(cells[layout.lat]);
    let longitude = numberCell(cells[layout.lon]);
    if (latitude === null || longitude === null || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
      latitude = null;
      longitude = null;
    }
    const city = textCell(cells[layout.city]);
    const subdivision = textCell(cells[layout.subdivision]);
    const countryText = textCell(cells[layout.country]);
    let country: string | null = null;
    let countryName = textCell(cells[layout.countryName]);
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
