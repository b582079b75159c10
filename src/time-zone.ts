/**
 * The time zone of a run: the one log times without an offset are read in (`2026-09-14 00:03:20`,
 * `Sep 14 00:03:20`), and the one days, weeks and hours are counted in by the timelines.
 *
 * A `TimeZone` is made once from its name by `timeZone` and passed as a value to whoever needs it
 * (`LoadOptions.timeZone`, the parsers' `ParseContext`, the timelines' options), never through the
 * environment: two loads in two zones can run side by side in one process.
 */
import { BotMapError } from './errors';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * Offsets are cached per quarter hour of UTC: every zone's offset since 1970 is a multiple of 15
 * minutes and changes on a quarter hour (Lord Howe's changes at 15:30 UTC, so an hour would not do).
 */
const SLOT_MS = 15 * 60_000;

/** The wall clock of a zone at an instant, to the hour. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
}

/** A time zone: its offset from UTC at each instant, and the conversions built on it. */
export abstract class TimeZone {
  /** How charts name it (`hours in UTC`): `UTC`, the IANA name or offset as given, or the machine zone's IANA name. */
  abstract readonly name: string;

  /** The zone's offset from UTC (ms) at the instant `epoch`. */
  abstract offsetAt(epoch: number): number;

  /**
   * Epoch ms of a wall-clock time in this zone. A time that the zone skips (spring forward) or
   * repeats (fall back) gets one of the candidate instants.
   */
  wallClockToEpoch(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
    const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    const first = this.offsetAt(utc);
    const epoch = utc - first;
    const second2 = this.offsetAt(epoch);
    return second2 === first ? epoch : utc - second2;
  }

  /** The wall clock in this zone at the instant `epoch`. */
  epochToWallClock(epoch: number): WallClock {
    const d = new Date(epoch + this.offsetAt(epoch));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours() };
  }

  /** The local date of `epoch`, as the epoch ms of that date's UTC midnight (how the timelines key days). */
  dayStart(epoch: number): number {
    return Math.floor((epoch + this.offsetAt(epoch)) / DAY_MS) * DAY_MS;
  }

  /** The local hour of `epoch`, 0–23. */
  hour(epoch: number): number {
    const local = epoch + this.offsetAt(epoch);
    return Math.floor((local - Math.floor(local / DAY_MS) * DAY_MS) / HOUR_MS);
  }
}

class FixedZone extends TimeZone {
  constructor(
    readonly name: string,
    private readonly offset: number,
  ) {
    super();
  }

  offsetAt(): number {
    return this.offset;
  }
}

/** A zone whose offset varies, computed once per quarter hour of UTC and cached. */
abstract class VaryingZone extends TimeZone {
  private readonly offsets = new Map<number, number>();
  // The last slot asked for: events come in time order, so most lookups skip the map.
  private lastSlot = Number.NaN;
  private lastOffset = 0;

  offsetAt(epoch: number): number {
    const slot = Math.floor(epoch / SLOT_MS);
    if (slot === this.lastSlot) return this.lastOffset;
    let offset = this.offsets.get(slot);
    if (offset === undefined) {
      offset = this.compute(slot * SLOT_MS);
      if (this.offsets.size > 200_000) this.offsets.clear();
      this.offsets.set(slot, offset);
    }
    this.lastSlot = slot;
    this.lastOffset = offset;
    return offset;
  }

  /** The offset at `epoch`, uncached. */
  protected abstract compute(epoch: number): number;
}

class IanaZone extends VaryingZone {
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly name: string) {
    super();
    const numeric = 'numeric';
    this.format = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: numeric, month: numeric, day: numeric, hour: numeric, minute: numeric, second: numeric });
  }

  protected compute(epoch: number): number {
    const f: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(epoch))) {
      if (part.type !== 'literal') f[part.type] = Number(part.value);
    }
    const hour = f.hour === 24 ? 0 : f.hour;
    return Date.UTC(f.year, f.month - 1, f.day, hour, f.minute, f.second) - epoch;
  }
}

/** The machine's own zone: wall clocks are read and written by `Date`'s local fields, as they always were. */
class MachineZone extends VaryingZone {
  readonly name = utcAlias(Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');

  protected compute(epoch: number): number {
    return -new Date(epoch).getTimezoneOffset() * 60_000;
  }

  wallClockToEpoch(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
    const date = new Date(year, month - 1, day, hour, minute, second, ms);
    if (year < 100) date.setFullYear(year);
    return date.getTime();
  }

  epochToWallClock(epoch: number): WallClock {
    const d = new Date(epoch);
    return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours() };
  }
}

const UTC_NAMES = /^(?:UTC|GMT|Z|Etc\/UTC)$/i;
const FIXED_OFFSET = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

function utcAlias(name: string): string {
  return UTC_NAMES.test(name) ? 'UTC' : name;
}

/** Coordinated Universal Time. */
export const UTC: TimeZone = new FixedZone('UTC', 0);

let machineZone: TimeZone | null = null;
const zones = new Map<string, TimeZone>();

/**
 * The zone named `name`: an IANA name (`Europe/Berlin`), `UTC`, or a fixed offset (`+02:00`,
 * `UTC-0530`); null, undefined or blank for this machine's zone. The same name gives the same
 * value. Throws a BotMapError for a name that is none of these, naming `from`: the variable or
 * parameter the name came from.
 */
export function timeZone(name?: string | null, from = 'BOTMAP_TZ'): TimeZone {
  const trimmed = name?.trim() ?? '';
  if (trimmed.length === 0) return (machineZone ??= new MachineZone());
  let zone = zones.get(trimmed);
  if (zone === undefined) {
    zone = zoneNamed(trimmed, from);
    zones.set(trimmed, zone);
  }
  return zone;
}

function zoneNamed(name: string, from: string): TimeZone {
  if (UTC_NAMES.test(name)) return UTC;
  const fixed = FIXED_OFFSET.exec(name);
  if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3] ?? 0);
    return new FixedZone(name, (fixed[1] === '-' ? -minutes : minutes) * 60_000);
  }
  try {
    return new IanaZone(name);
  } catch {
    throw new BotMapError(
      `${from}="${name}" is not a time zone: give an IANA name such as Europe/Berlin or UTC, or an offset such as +02:00 (or unset it to use this machine's zone).`,
    );
  }
}
