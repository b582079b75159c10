/**
 * Times written in logs to epoch milliseconds.
 *
 * Most logs write wall-clock times without a zone (`2026-09-14 00:03:20,019`, `Sep 14 00:03:20`).
 * They are read in the run's time zone, a `TimeZone` value each reader is given (see
 * `src/time-zone.ts`). Times that carry their own offset (`2026-10-01T12:00:00.123+02:00`) are exact.
 */
import type { TimeZone, WallClock } from '../../../time-zone';
import { hasAt } from '../parser';

function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1000;
}

function isDigit(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** True when `text` holds `YYYY-MM-DD HH:MM:SS` at `at`. */
export function isStamp(text: string, at: number): boolean {
  return (
    text.length >= at + 19 &&
    text.charCodeAt(at + 4) === 45 &&
    text.charCodeAt(at + 7) === 45 &&
    text.charCodeAt(at + 10) === 32 &&
    text.charCodeAt(at + 13) === 58 &&
    text.charCodeAt(at + 16) === 58 &&
    isDigit(text, at) &&
    isDigit(text, at + 1) &&
    isDigit(text, at + 2) &&
    isDigit(text, at + 3) &&
    isDigit(text, at + 5) &&
    isDigit(text, at + 6) &&
    isDigit(text, at + 8) &&
    isDigit(text, at + 9) &&
    isDigit(text, at + 11) &&
    isDigit(text, at + 12) &&
    isDigit(text, at + 14) &&
    isDigit(text, at + 15) &&
    isDigit(text, at + 17) &&
    isDigit(text, at + 18)
  );
}

/** Length of the `,mmm` / `.mmm` milliseconds after a stamp at `at`, or 0 when absent. */
export function millisLength(text: string, at: number): number {
  const c = text.charCodeAt(at + 19);
  if (c !== 44 && c !== 46) return 0;
  return digit(text, at + 20) >= 0 && digit(text, at + 21) >= 0 && digit(text, at + 22) >= 0 ? 4 : 0;
}

/** Valid calendar fields (the day checked against the month, leap years included). */
function validDate(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60 || hour < 0 || minute < 0 || second < 0) return false;
  const days = month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

/**
 * Reads `YYYY-MM-DD HH:MM:SS[,mmm]` stamps (already checked with `isStamp`). The zone
 * conversion is done once per distinct `YYYY-MM-DD HH` and minutes, seconds and ms are added
 * to it, which is exact wherever the zone's offset changes only on the hour.
 * Returns NaN for impossible dates (month 13, February 30).
 */
export class StampReader {
  /** The `YYYY-MM-DD HH` of the last stamp read, as character codes (compared without a string). */
  private readonly hourCodes = new Uint16Array(13);
  private hasHour = false;
  private hourBase = 0;
  private readonly hours = new Map<number, number>();

  /** `zone`: the zone the stamps are wall clock in. */
  constructor(private readonly zone: TimeZone) {}

  /** True when `text` holds the last stamp's `YYYY-MM-DD HH` at `at`. */
  private sameHour(text: string, at: number): boolean {
    if (!this.hasHour || at + 13 > text.length) return false;
    const codes = this.hourCodes;
    // The hour's digits first: they are what changes.
    if (text.charCodeAt(at + 12) !== codes[12] || text.charCodeAt(at + 11) !== codes[11]) return false;
    for (let i = 0; i < 11; i++) if (text.charCodeAt(at + i) !== codes[i]) return false;
    return true;
  }

  /**
   * True when `text` holds a `YYYY-MM-DD HH:MM:SS` stamp at `at` in the same hour as the last one
   * read: its first 13 characters are compared with the last stamp's. (False says nothing: use `isStamp`.)
   */
  sameHourStamp(text: string, at: number): boolean {
    return (
      this.sameHour(text, at) &&
      text.charCodeAt(at + 13) === 58 &&
      text.charCodeAt(at + 16) === 58 &&
      isDigit(text, at + 14) &&
      isDigit(text, at + 15) &&
      isDigit(text, at + 17) &&
      isDigit(text, at + 18)
    );
  }

  read(text: string, at: number): number {
    if (!this.sameHour(text, at)) {
      for (let i = 0; i < 13; i++) this.hourCodes[i] = text.charCodeAt(at + i);
      this.setHour();
    }
    const minute = digit(text, at + 14) * 10 + digit(text, at + 15);
    const second = digit(text, at + 17) * 10 + digit(text, at + 18);
    if (minute > 59 || second > 60) return Number.NaN;
    let ms = 0;
    if (millisLength(text, at) > 0) ms = digit(text, at + 20) * 100 + digit(text, at + 21) * 10 + digit(text, at + 22);
    return this.hourBase + minute * 60_000 + second * 1000 + ms;
  }

  /**
   * `read` for the loader's byte path: the time of a `YYYY-MM-DD HH:MM:SS[,mmm]` stamp at `at` in
   * ASCII `bytes`, the stamp ending by `end`; NaN for an impossible date, `NO_STAMP` where there is no stamp.
   */
  readBytes(bytes: Uint8Array, at: number, end: number): number {
    if (at + 19 > end) return NO_STAMP;
    const codes = this.hourCodes;
    // Most stamps are in the hour of the one before: then only the rest of the stamp is checked.
    if (this.hasHour && bytes[at + 12] === codes[12] && bytes[at + 11] === codes[11] && sameBytes(bytes, at, codes, 11)) {
      if (bytes[at + 13] !== 58 || bytes[at + 16] !== 58 || !isDigitByte(bytes, at + 14) || !isDigitByte(bytes, at + 15) || !isDigitByte(bytes, at + 17) || !isDigitByte(bytes, at + 18)) {
        return NO_STAMP;
      }
    } else {
      if (!isStampBytes(bytes, at)) return NO_STAMP;
      for (let i = 0; i < 13; i++) codes[i] = bytes[at + i];
      this.setHour();
    }
    const minute = (bytes[at + 14] - 48) * 10 + bytes[at + 15] - 48;
    const second = (bytes[at + 17] - 48) * 10 + bytes[at + 18] - 48;
    if (minute > 59 || second > 60) return Number.NaN;
    let ms = 0;
    if (millisLengthBytes(bytes, at) > 0) ms = (bytes[at + 20] - 48) * 100 + (bytes[at + 21] - 48) * 10 + bytes[at + 22] - 48;
    return this.hourBase + minute * 60_000 + second * 1000 + ms;
  }

  /** Sets the hour from `hourCodes`, just filled in with the `YYYY-MM-DD HH` of a stamp. */
  private setHour(): void {
    const c = this.hourCodes;
    const d = (i: number): number => {
      const value = c[i] - 48;
      return value >= 0 && value <= 9 ? value : -1000;
    };
    const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
    const month = d(5) * 10 + d(6);
    const day = d(8) * 10 + d(9);
    const hour = d(11) * 10 + d(12);
    // A number, not the text: a string key cut from a line would keep the line's whole read chunk alive.
    const key = ((year * 100 + month) * 100 + day) * 100 + hour;
    let base = this.hours.get(key);
    if (base === undefined) {
      base = validDate(year, month, day, hour, 0, 0) ? this.zone.wallClockToEpoch(year, month, day, hour, 0, 0, 0) : Number.NaN;
      if (this.hours.size > 100_000) this.hours.clear();
      this.hours.set(key, base);
    }
    this.hasHour = true;
    this.hourBase = base;
  }
}

/** What `StampReader.readBytes` returns where there is no stamp. */
export const NO_STAMP = Number.NEGATIVE_INFINITY;

/** True when `bytes` holds the first `length` of `codes` at `at`. */
function sameBytes(bytes: Uint8Array, at: number, codes: Uint16Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[at + i] !== codes[i]) return false;
  return true;
}

function isDigitByte(bytes: Uint8Array, i: number): boolean {
  const c = bytes[i];
  return c >= 48 && c <= 57;
}

/**
 * `isStamp` of ASCII bytes (the caller checks that the 19 bytes lie in the line). Only the
 * byte path uses it, which is kept for speed: without that path fail2ban.log parses about 1.5
 * times slower (measured: see `Fail2banLogParser.parseBytes`).
 */
function isStampBytes(bytes: Uint8Array, at: number): boolean {
  return (
    bytes[at + 4] === 45 &&
    bytes[at + 7] === 45 &&
    bytes[at + 10] === 32 &&
    bytes[at + 13] === 58 &&
    bytes[at + 16] === 58 &&
    isDigitByte(bytes, at) &&
    isDigitByte(bytes, at + 1) &&
    isDigitByte(bytes, at + 2) &&
    isDigitByte(bytes, at + 3) &&
    isDigitByte(bytes, at + 5) &&
    isDigitByte(bytes, at + 6) &&
    isDigitByte(bytes, at + 8) &&
    isDigitByte(bytes, at + 9) &&
    isDigitByte(bytes, at + 11) &&
    isDigitByte(bytes, at + 12) &&
    isDigitByte(bytes, at + 14) &&
    isDigitByte(bytes, at + 15) &&
    isDigitByte(bytes, at + 17) &&
    isDigitByte(bytes, at + 18)
  );
}

/** `millisLength` of ASCII bytes: 4 when `,mmm` or `.mmm` follows the stamp at `at`, else 0. */
export function millisLengthBytes(bytes: Uint8Array, at: number): number {
  const c = bytes[at + 19];
  if (c !== 44 && c !== 46) return 0;
  return isDigitByte(bytes, at + 20) && isDigitByte(bytes, at + 21) && isDigitByte(bytes, at + 22) ? 4 : 0;
}

/** Milliseconds of a fraction `.f…` / `,f…` at `at` (any number of digits), and where it ends. */
function fraction(text: string, at: number): { ms: number; end: number } {
  const c = text.charCodeAt(at);
  if ((c !== 46 && c !== 44) || !isDigit(text, at + 1)) return { ms: 0, end: at };
  let end = at + 1;
  let ms = 0;
  let scale = 100;
  while (isDigit(text, end)) {
    if (scale >= 1) ms += digit(text, end) * scale;
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
  if (text.length < at + 19) return null;
  const sep = text.charCodeAt(at + 10);
  if (
    !(sep === 84 || sep === 32) ||
    text.charCodeAt(at + 4) !== 45 ||
    text.charCodeAt(at + 7) !== 45 ||
    text.charCodeAt(at + 13) !== 58 ||
    text.charCodeAt(at + 16) !== 58
  ) {
    return null;
  }
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) if (!isDigit(text, at + i)) return null;
  const year = digit(text, at) * 1000 + digit(text, at + 1) * 100 + digit(text, at + 2) * 10 + digit(text, at + 3);
  const month = digit(text, at + 5) * 10 + digit(text, at + 6);
  const day = digit(text, at + 8) * 10 + digit(text, at + 9);
  const hour = digit(text, at + 11) * 10 + digit(text, at + 12);
  const minute = digit(text, at + 14) * 10 + digit(text, at + 15);
  const second = digit(text, at + 17) * 10 + digit(text, at + 18);
  if (!validDate(year, month, day, hour, minute, second)) return null;
  const frac = fraction(text, at + 19);
  let end = frac.end;
  const z = text.charCodeAt(end);
  if (z === 90 /* Z */ || z === 122 /* z */) {
    return { time: Date.UTC(year, month - 1, day, hour, minute, second, frac.ms), end: end + 1 };
  }
  if ((z === 43 || z === 45) && isDigit(text, end + 1) && isDigit(text, end + 2)) {
    let minutes = (digit(text, end + 1) * 10 + digit(text, end + 2)) * 60;
    let offEnd = end + 3;
    if (text.charCodeAt(offEnd) === 58 && isDigit(text, offEnd + 1) && isDigit(text, offEnd + 2)) {
      minutes += digit(text, offEnd + 1) * 10 + digit(text, offEnd + 2);
      offEnd += 3;
    } else if (isDigit(text, offEnd) && isDigit(text, offEnd + 1)) {
      minutes += digit(text, offEnd) * 10 + digit(text, offEnd + 1);
      offEnd += 2;
    }
    const offset = (z === 45 ? -minutes : minutes) * 60_000;
    return { time: Date.UTC(year, month - 1, day, hour, minute, second, frac.ms) - offset, end: offEnd };
  }
  return { time: zone.wallClockToEpoch(year, month, day, hour, minute, second, frac.ms), end };
}

/** Month number (1–12) of an English three-letter abbreviation at `at`, or 0. */
function monthAt(text: string, at: number): number {
  const a = text.charCodeAt(at) | 32;
  const b = text.charCodeAt(at + 1) | 32;
  const c = text.charCodeAt(at + 2) | 32;
  switch (a) {
    case 106 /* j */:
      if (b === 97 && c === 110) return 1; // jan
      if (b === 117 && c === 110) return 6; // jun
      if (b === 117 && c === 108) return 7; // jul
      return 0;
    case 102 /* f */:
      return b === 101 && c === 98 ? 2 : 0; // feb
    case 109 /* m */:
      if (b === 97 && c === 114) return 3; // mar
      if (b === 97 && c === 121) return 5; // may
      return 0;
    case 97 /* a */:
      if (b === 112 && c === 114) return 4; // apr
      if (b === 117 && c === 103) return 8; // aug
      return 0;
    case 115 /* s */:
      return b === 101 && c === 112 ? 9 : 0; // sep
    case 111 /* o */:
      return b === 99 && c === 116 ? 10 : 0; // oct
    case 110 /* n */:
      return b === 111 && c === 118 ? 11 : 0; // nov
    case 100 /* d */:
      return b === 101 && c === 99 ? 12 : 0; // dec
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
  private readonly hours = new Map<number, number>();
  /** The time read by the last successful `read`. */
  time = 0;

  /** `mtime`: epoch ms the year is taken from; null for the current time. `zone`: the zone the stamps are wall clock in. */
  constructor(
    private readonly mtime: number | null,
    private readonly zone: TimeZone,
  ) {}

  /** `Mmm dd HH:` of the last stamp read, and its hour's epoch. */
  private lastHour = '';
  private lastBase = 0;

  /** Reads a stamp at `at`; returns the index after it, or -1 when there is none. Sets `time`. */
  read(text: string, at: number): number {
    // Fast path: the same hour as the line before.
    if (this.lastHour !== '' && hasAt(text, at, this.lastHour)) {
      const p = at + this.lastHour.length;
      if (
        text.charCodeAt(p + 2) === 58 &&
        isDigit(text, p) &&
        isDigit(text, p + 1) &&
        isDigit(text, p + 3) &&
        isDigit(text, p + 4) &&
        (p + 5 === text.length || !isDigit(text, p + 5))
      ) {
        const minute = digit(text, p) * 10 + digit(text, p + 1);
        const second = digit(text, p + 3) * 10 + digit(text, p + 4);
        if (minute <= 59 && second <= 60) {
          const frac = fraction(text, p + 5);
          this.time = this.lastBase + minute * 60_000 + second * 1000 + frac.ms;
          return frac.end;
        }
      }
    }
    const month = monthAt(text, at);
    if (month === 0 || text.charCodeAt(at + 3) !== 32) return -1;
    let p = at + 4;
    if (text.charCodeAt(p) === 32) p++;
    if (!isDigit(text, p)) return -1;
    let day = digit(text, p++);
    if (isDigit(text, p)) day = day * 10 + digit(text, p++);
    if (text.charCodeAt(p) !== 32) return -1;
    p++;
    if (
      text.length < p + 8 ||
      text.charCodeAt(p + 2) !== 58 ||
      text.charCodeAt(p + 5) !== 58 ||
      !isDigit(text, p) ||
      !isDigit(text, p + 1) ||
      !isDigit(text, p + 3) ||
      !isDigit(text, p + 4) ||
      !isDigit(text, p + 6) ||
      !isDigit(text, p + 7)
    ) {
      return -1;
    }
    const hour = digit(text, p) * 10 + digit(text, p + 1);
    const minute = digit(text, p + 3) * 10 + digit(text, p + 4);
    const second = digit(text, p + 6) * 10 + digit(text, p + 7);
    if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return -1;
    const frac = fraction(text, p + 8);
    const key = (month * 100 + day) * 100 + hour;
    let base = this.hours.get(key);
    if (base === undefined) {
      const year = this.yearOf(month, day);
      base = validDate(year, month, day, hour, 0, 0) ? this.zone.wallClockToEpoch(year, month, day, hour, 0, 0, 0) : Number.NaN;
      if (this.hours.size > 10_000) this.hours.clear();
      this.hours.set(key, base);
    }
    this.time = base + minute * 60_000 + second * 1000 + frac.ms;
    this.lastHour = text.slice(at, p + 3);
    this.lastBase = base;
    return frac.end;
  }

  private yearOf(month: number, day: number): number {
    if (this.reference === null) this.reference = this.zone.epochToWallClock(this.mtime ?? Date.now());
    const ref = this.reference;
    const later = month > ref.month || (month === ref.month && day > ref.day + 1);
    return later ? ref.year - 1 : ref.year;
  }
}
