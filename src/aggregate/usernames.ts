import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { ATTACK_KINDS } from '../types';
import type { Analysis } from '../notebook/pipeline';

const op = aq.op;

/** A user name attackers tried. The name is attacker-written text: escape it wherever it goes. */
export interface UsernameRow {
  user: string;
  /** Attempts (events) that named it. */
  attempts: number;
  /** Distinct addresses that tried it. */
  ips: number;
  /** Distinct countries those addresses are in. */
  countries: number;
}

/** The order of names of `String.localeCompare`, which these lists have always been sorted in. */
const byName = (name: string) => aq.collate(name, new Intl.Collator().compare);

/** The attack events that name a user, with the country of their address. */
function attempts(analysis: Analysis): ColumnTable {
  return analysis.events
    .params({ attack: [...ATTACK_KINDS] })
    .filter((d: any, $: any) => d.user != null && op.includes($.attack, d.kind))
    .lookup(analysis.aggregates.ips, 'ip', 'country');
}

/** True when some attack event carries a user name (auth logs, fail2ban database matches). */
export function hasUsernames(analysis: Analysis): boolean {
  // Most inputs carry none: the store knows without reading the events.
  return analysis.load.store.users.size > 0 && attempts(analysis).numRows() > 0;
}

/** How many distinct user names the attack events of the analysis (whole or filtered) tried. */
export function distinctUsernames(analysis: Analysis): number {
  return attempts(analysis).rollup({ names: op.distinct('user') }).get('names') as number;
}

/** The user names tried, most attempted first. */
export function topUsernames(analysis: Analysis, top = analysis.parameters.top): UsernameRow[] {
  return attempts(analysis)
    .groupby('user')
    .rollup({ attempts: op.count(), ips: op.distinct('ip'), countries: (d: any) => op.distinct(d.country) - (op.invalid(d.country) ? 1 : 0) })
    .orderby(aq.desc('attempts'), aq.desc('ips'), byName('user'))
    .slice(0, top)
    .objects() as UsernameRow[];
}

/** For the largest countries, the user names their addresses tried most. */
export function usernamesByCountry(analysis: Analysis, countries = 8, perCountry = 5): { country: string; name: string; users: { user: string; attempts: number }[] }[] {
  const counts = attempts(analysis)
    .filter((d: any) => d.country != null)
    .groupby('country', 'user')
    .count({ as: 'attempts' });
  const largest = counts
    .groupby('country')
    .rollup({ total: op.sum('attempts') })
    .orderby(aq.desc('total'), byName('country'))
    .slice(0, countries)
    .array('country') as string[];
  const names = new Map((analysis.aggregates.countries.objects() as { country: string; name: string }[]).map((row) => [row.country, row.name]));
  return largest.map((country) => ({
    country,
    name: names.get(country) ?? country,
    users: counts
      .params({ country })
      .filter((d: any, $: any) => d.country === $.country)
      .orderby(aq.desc('attempts'), byName('user'))
      .slice(0, perCountry)
      .select('user', 'attempts')
      .objects() as { user: string; attempts: number }[],
  }));
}
