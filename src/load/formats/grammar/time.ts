/**
 * Times written in logs to epoch milliseconds.
 *
 * Most logs write wall-clock times without a zone (`2026-09-14 00:03:20,019`, `Sep 14 00:03:20`).
 * They are read in the run's time zone, a `TimeZone` value each reader is given (see
 * `src/time-zone.ts`). Times that carry their own offset (`2026-10-01T12:00:00.123+02:00`) are exact.
 * The zone's conversion is the costly part: it is done once per wall-clock hour, and the minutes,
 * seconds and milliseconds added to it, which is exact wherever the zone's offset changes only on the hour.
 */
import type { TimeZone, WallClock } from '../../../time-zone';
import { hasAt } from '../parser';

const STAMP = '0000-00-00 00:00:00';
const ISO_STAMP = '0000-00-00T00:00:00';
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS = 'janfebmaraprmayjunjulaugsepoctnovdec';

function isDigit(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** The number written by the `count` digits at `at` (checked to be digits). */
function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

function isDigitByte(bytes: Uint8Array, i: number): boolean {
  return bytes[i] >= 48 && bytes[i] <= 57;
}

/** `digits` of ASCII bytes. */
function digitBytes(bytes: Uint8Array, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) n = n * 10 + bytes[i] - 48;
  return n;
}

/** True when `text` holds `shape` at `at`: a digit where `shape` has a `0`, its other characters as they are. */
function hasShape(text: string, at: number, shape: string): boolean {
  if (text.length < at + shape.length) return false;
  for (let i = 0; i < shape.length; i++) {
    const want = shape.charCodeAt(i);
    const c = text.charCodeAt(at + i);
    if (want === 48 ? c < 48 || c > 57 : c !== want) return false;
  }
  return true;
}

/** True when `text` holds `YYYY-MM-DD HH:MM:SS` at `at`. */
export function isStamp(text: string, at: number): boolean {
  return hasShape(text, at, STAMP);
}

/**
 * `isStamp` of ASCII bytes (the caller checks that the 19 bytes lie in the line). Only the
 * byte path uses it, which is kept for speed: without that path fail2ban.log parses about 1.5
 * times slower (measured: see `Fail2banLogParser.parseBytes`).
 */
function isStampBytes(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 19; i++) {
    const want = STAMP.charCodeAt(i);
    if (want === 48 ? !isDigitByte(bytes, at + i) : bytes[at + i] !== want) return false;
  }
  return true;
}

/** Length of the `,mmm` / `.mmm` milliseconds after a stamp at `at`, or 0 when absent. */
export function millisLength(text: string, at: number): number {
  const c = text.charCodeAt(at + 19);
  return (c === 44 || c === 46) && hasShape(text, at + 20, '000') ? 4 : 0;
}

/** `millisLength` of ASCII bytes. */
export function millisLengthBytes(bytes: Uint8Array, at: number): number {
  const c = bytes[at + 19];
  const hasDigits = isDigitByte(bytes, at + 20) && isDigitByte(bytes, at + 21) && isDigitByte(bytes, at + 22);
  return (c === 44 || c === 46) && hasDigits ? 4 : 0;
}

/** Valid calendar fields: the day checked against the month, leap years included. */
function validDate(year: number, month: number, day: number, hour: number): boolean {
  if (month < 1 || month > 12 || day < 1 || hour > 23) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= MONTH_DAYS[month - 1] + (leap ? 1 : 0);
}

/** Epochs of wall-clock hours in a zone, each converted once. */
class HourEpochs {
  // Keyed by a number, not the text: a string cut from a line would keep the line's whole read chunk alive.
  private readonly epochs = new Map<number, number>();

  constructor(private readonly zone: TimeZone) {}

  /** The epoch of the hour `YYYYMMDDHH`; NaN for an impossible date. */
  of(hour: number): number {
    let epoch = this.epochs.get(hour);
    if (epoch === undefined) {
      const year = Math.floor(hour / 1_000_000);
      const month = Math.floor(hour / 10_000) % 100;
      const day = Math.floor(hour / 100) % 100;
      epoch = validDate(year, month, day, hour % 100) ? this.zone.wallClockToEpoch(year, month, day, hour % 100, 0, 0, 0) : Number.NaN;
      if (this.epochs.size > 10_000) this.epochs.clear();
      this.epochs.set(hour, epoch);
    }
    return epoch;
  }
}

/** Reads `YYYY-MM-DD HH:MM:SS[,mmm]` stamps, wall clock in `zone`. NaN for impossible dates (month 13, February 30). */
export class StampReader {
  /** `YYYYMMDDHH` of the last stamp read, and its epoch. */
  private hour = -1;
  private hourBase = Number.NaN;
  private readonly hours: HourEpochs;
  /**
   * The byte path's last `YYYY-MM-DD HH`, as bytes and as `YYYYMMDDHH`: most stamps are in the hour
   * of the one before, whose bytes are then compared, not read again (the byte path is kept for speed).
   */
  private readonly byteHourCodes = new Uint8Array(13);
  private byteHour = -1;

  constructor(zone: TimeZone) {
    this.hours = new HourEpochs(zone);
  }

  /** The time of the stamp at `at`, already checked with `isStamp`. */
  read(text: string, at: number): number {
    const day = digits(text, at, 4) * 10_000 + digits(text, at + 5, 2) * 100 + digits(text, at + 8, 2);
    const ms = millisLength(text, at) > 0 ? digits(text, at + 20, 3) : 0;
    return this.time(day * 100 + digits(text, at + 11, 2), digits(text, at + 14, 2), digits(text, at + 17, 2), ms);
  }

  /**
   * `read` for the loader's byte path: the time of a stamp at `at` in ASCII `bytes`, the stamp
   * ending by `end`; `NO_STAMP` where there is none.
   */
  readBytes(bytes: Uint8Array, at: number, end: number): number {
    if (at + 19 > end) return NO_STAMP;
    const codes = this.byteHourCodes;
    let same = this.byteHour >= 0;
    // The hour's digits first: they are what changes.
    for (let i = 12; same && i >= 0; i--) same = bytes[at + i] === codes[i];
    if (same) {
      if (bytes[at + 13] !== 58 || bytes[at + 16] !== 58 || !isDigitByte(bytes, at + 14) || !isDigitByte(bytes, at + 15)) return NO_STAMP;
      if (!isDigitByte(bytes, at + 17) || !isDigitByte(bytes, at + 18)) return NO_STAMP;
    } else {
      if (!isStampBytes(bytes, at)) return NO_STAMP;
      codes.set(bytes.subarray(at, at + 13));
      const day = digitBytes(bytes, at, 4) * 10_000 + digitBytes(bytes, at + 5, 2) * 100 + digitBytes(bytes, at + 8, 2);
      this.byteHour = day * 100 + digitBytes(bytes, at + 11, 2);
    }
    const minute = (bytes[at + 14] - 48) * 10 + bytes[at + 15] - 48;
    const second = (bytes[at + 17] - 48) * 10 + bytes[at + 18] - 48;
    const ms = millisLengthBytes(bytes, at) > 0 ? (bytes[at + 20] - 48) * 100 + (bytes[at + 21] - 48) * 10 + bytes[at + 22] - 48 : 0;
    return this.time(this.byteHour, minute, second, ms);
  }

  /** `hour` is `YYYYMMDDHH`. */
  private time(hour: number, minute: number, second: number, ms: number): number {
    if (hour !== this.hour) {
      this.hourBase = this.hours.of(hour);
      this.hour = hour;
    }
    if (minute > 59 || second > 60) return Number.NaN;
    return this.hourBase + minute * 60_000 + second * 1000 + ms;
  }
}

/** What `StampReader.readBytes` returns where there is no stamp. */
export const NO_STAMP = Number.NEGATIVE_INFINITY;

/** Milliseconds of a fraction `.f…` / `,f…` at `at` (any number of digits), and where it ends. */
function fraction(text: string, at: number): { ms: number; end: number } {
  const c = text.charCodeAt(at);
  if ((c !== 46 && c !== 44) || !isDigit(text, at + 1)) return { ms: 0, end: at };
  let end = at + 1;
  let ms = 0;
  let scale = 100;
  while (isDigit(text, end)) {
    if (scale >= 1) ms += digits(text, end, 1) * scale;
    scale /= 10;
    end++;
  }
  return { ms: Math.floor(ms), end };
}

/**
 * An ISO 8601 / RFC 3339 time at `at`: `YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|±HH:MM|±HHMM]`.
 * With an offset the time is exact; without one it is wall clock in `zone`.
 * Returns null when there is none; `end` is the index after it.
 */
export function readIsoStamp(text: string, at: number, zone: TimeZone): { time: number; end: number } | null {
  if (!isStamp(text, at) && !hasShape(text, at, ISO_STAMP)) return null;
  const year = digits(text, at, 4);
  const month = digits(text, at + 5, 2);
  const day = digits(text, at + 8, 2);
  const hour = digits(text, at + 11, 2);
  const minute = digits(text, at + 14, 2);
  const second = digits(text, at + 17, 2);
  if (!validDate(year, month, day, hour) || minute > 59 || second > 60) return null;
  const frac = fraction(text, at + 19);
  const end = frac.end;
  const z = text.charCodeAt(end);
  if (z === 90 /* Z */ || z === 122 /* z */) {
    return { time: Date.UTC(year, month - 1, day, hour, minute, second, frac.ms), end: end + 1 };
  }
  if ((z === 43 || z === 45) && hasShape(text, end + 1, '00')) {
    let minutes = digits(text, end + 1, 2) * 60;
    let offEnd = end + 3;
    if (hasShape(text, offEnd, ':00')) {
      minutes += digits(text, offEnd + 1, 2);
      offEnd += 3;
    } else if (hasShape(text, offEnd, '00')) {
      minutes += digits(text, offEnd, 2);
      offEnd += 2;
    }
    const offset = (z === 45 ? -minutes : minutes) * 60_000;
    return { time: Date.UTC(year, month - 1, day, hour, minute, second, frac.ms) - offset, end: offEnd };
  }
  return { time: zone.wallClockToEpoch(year, month, day, hour, minute, second, frac.ms), end };
}

/** Month number (1–12) of an English three-letter abbreviation at `at`, in any case, or 0. */
function monthAt(text: string, at: number): number {
  const a = text.charCodeAt(at) | 32;
  const b = text.charCodeAt(at + 1) | 32;
  const c = text.charCodeAt(at + 2) | 32;
  for (let m = 0; m < 36; m += 3) {
    if (a === MONTHS.charCodeAt(m) && b === MONTHS.charCodeAt(m + 1) && c === MONTHS.charCodeAt(m + 2)) return m / 3 + 1;
  }
  return 0;
}

/**
 * Reads syslog times without a year, `Mmm dd HH:MM:SS[.ffffff]` (day space-padded, bare or
 * zero-padded). The year comes from a reference instant, the file's modification time: a
 * line dated later in the year than the reference (by more than a day) is from the year
 * before, so a line of Dec 30 in a file modified on Jan 2 is from the previous year.
 */
export class SyslogClock {
  private reference: WallClock | null = null;
  private readonly hours: HourEpochs;
  /** `Mmm dd HH:` of the last stamp read, and its hour's epoch: most lines are in the hour of the line before. */
  private lastHour = '';
  private lastBase = 0;
  /** The time read by the last successful `read`. */
  time = 0;

  /** `mtime`: epoch ms the year is taken from; null for the current time. `zone`: the zone the stamps are wall clock in. */
  constructor(
    private readonly mtime: number | null,
    private readonly zone: TimeZone,
  ) {
    this.hours = new HourEpochs(zone);
  }

  /** Reads a stamp at `at`; returns the index after it, or -1 when there is none. Sets `time`. */
  read(text: string, at: number): number {
    let p = at + this.lastHour.length;
    if (this.lastHour === '' || !hasAt(text, at, this.lastHour)) {
      p = this.readHour(text, at);
      if (p < 0) return -1;
    }
    // `MM:SS`
    if (!hasShape(text, p, '00:00')) return -1;
    const minute = digits(text, p, 2);
    const second = digits(text, p + 3, 2);
    if (minute > 59 || second > 60) return -1;
    const frac = fraction(text, p + 5);
    this.time = this.lastBase + minute * 60_000 + second * 1000 + frac.ms;
    return frac.end;
  }

  /** Reads `Mmm dd HH:` at `at` as the hour of the stamps to come; returns the index after it, or -1. */
  private readHour(text: string, at: number): number {
    const month = monthAt(text, at);
    if (month === 0 || text.charCodeAt(at + 3) !== 32) return -1;
    let p = at + 4;
    if (text.charCodeAt(p) === 32) p++;
    if (!isDigit(text, p)) return -1;
    const dayEnd = isDigit(text, p + 1) ? p + 2 : p + 1;
    const day = digits(text, p, dayEnd - p);
    p = dayEnd;
    if (!hasShape(text, p, ' 00:')) return -1;
    const hour = digits(text, p + 1, 2);
    if (day < 1 || day > 31 || hour > 23) return -1;
    this.lastBase = this.hours.of(((this.yearOf(month, day) * 100 + month) * 100 + day) * 100 + hour);
    this.lastHour = text.slice(at, p + 4);
    return p + 4;
  }

  private yearOf(month: number, day: number): number {
    if (this.reference === null) this.reference = this.zone.epochToWallClock(this.mtime ?? Date.now());
    const ref = this.reference;
    const later = month > ref.month || (month === ref.month && day > ref.day + 1);
    return later ? ref.year - 1 : ref.year;
  }
}
