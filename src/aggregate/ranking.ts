/**
 * The one ranking order of BotMap: most distinct attackers (`ips`) first, then most attack
 * events, then the ranked thing's own names (city, country, ASN …) ascending. Tables order by
 * `rankOrder`, arrays sort with `largestFirst` and `compareText`: change the order here.
 */
import * as aq from 'arquero';

/** Arquero `orderby` arguments of the ranking: `ips` and `events` descending, then `tieBreakers` ascending. */
export function rankOrder(...tieBreakers: string[]) {
  return [aq.desc('ips'), aq.desc('events'), ...tieBreakers];
}

/** A comparator putting larger first by each measure in turn (ips, then events, as the tables do). */
export function largestFirst<T>(...measures: ((row: T) => number)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const measure of measures) {
      const difference = measure(b) - measure(a);
      if (difference) return difference;
    }
    return 0;
  };
}

/** Arquero's ascending order of names: none (null, undefined) first, then by code units. */
export function compareText(a: string | null | undefined, b: string | null | undefined): number {
  if (a == null) return b == null ? 0 : -1;
  if (b == null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
