/**
 * Wall-clock times written in logs (`2026-09-14 00:03:20,019`) to epoch milliseconds.
 * Logs carry no zone, so the time is read in the process's local time zone.
 */

/** Epoch ms of a wall-clock time in the local time zone. The one place the zone is decided. */
export function wallClockToEpoch(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  return new Date(year, month - 1, day, hour, minute, second, ms).getTime();
}

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

/**
 * Reads `YYYY-MM-DD HH:MM:SS[,mmm]` stamps (already checked with `isStamp`). The zone
 * conversion is done once per distinct `YYYY-MM-DD HH` and minutes, seconds and ms are added
 * to it, which is exact wherever the zone's offset changes only on the hour.
 */
export class StampReader {
  private hourKey = '';
  private hourBase = 0;
  private readonly hours = new Map<number, number>();

  read(text: string, at: number): number {
    if (this.hourKey === '' || !text.startsWith(this.hourKey, at)) this.setHour(text, at);
    const minute = digit(text, at + 14) * 10 + digit(text, at + 15);
    const second = digit(text, at + 17) * 10 + digit(text, at + 18);
    let ms = 0;
    if (millisLength(text, at) > 0) ms = digit(text, at + 20) * 100 + digit(text, at + 21) * 10 + digit(text, at + 22);
    return this.hourBase + minute * 60_000 + second * 1000 + ms;
  }

  private setHour(text: string, at: number): void {
    const year = digit(text, at) * 1000 + digit(text, at + 1) * 100 + digit(text, at + 2) * 10 + digit(text, at + 3);
    const month = digit(text, at + 5) * 10 + digit(text, at + 6);
    const day = digit(text, at + 8) * 10 + digit(text, at + 9);
    const hour = digit(text, at + 11) * 10 + digit(text, at + 12);
    // A number, not the text: a string key cut from a line would keep the line's whole read chunk alive.
    const key = ((year * 100 + month) * 100 + day) * 100 + hour;
    let base = this.hours.get(key);
    if (base === undefined) {
      base = wallClockToEpoch(year, month, day, hour, 0, 0, 0);
      if (this.hours.size > 100_000) this.hours.clear();
      this.hours.set(key, base);
    }
    this.hourKey = text.substr(at, 13);
    this.hourBase = base;
  }
}
