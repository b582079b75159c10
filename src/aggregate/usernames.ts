import { ATTACK_KINDS } from '../types';
import { EVENT_KINDS } from '../load/events';
import type { Analysis } from '../notebook/pipeline';

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

/** True when some event carries a user name (auth logs, fail2ban database matches). */
export function hasUsernames(analysis: Analysis): boolean {
  return analysis.load.store.users.size > 0;
}

/** The user names tried, most attempted first. */
export function topUsernames(analysis: Analysis, top = analysis.parameters.top): UsernameRow[] {
  const store = analysis.load.store;
  const { ip, kind, user } = store.columns();
  const attack = EVENT_KINDS.map((k) => ATTACK_KINDS.has(k));
  const countryOf = countryByAddress(analysis);
  const stats = new Map<number, { attempts: number; ips: Set<number>; countries: Set<string> }>();
  for (let i = 0; i < ip.length; i++) {
    if (user[i] === 0 || !attack[kind[i]]) continue;
    let s = stats.get(user[i]);
    if (!s) stats.set(user[i], (s = { attempts: 0, ips: new Set(), countries: new Set() }));
    s.attempts++;
    s.ips.add(ip[i]);
    const country = countryOf[ip[i]];
    if (country) s.countries.add(country);
  }
  return [...stats]
    .map(([code, s]) => ({ user: store.users.values[code - 1], attempts: s.attempts, ips: s.ips.size, countries: s.countries.size }))
    .sort((a, b) => b.attempts - a.attempts || b.ips - a.ips || a.user.localeCompare(b.user))
    .slice(0, top);
}

/** For the largest countries, the user names their addresses tried most. */
export function usernamesByCountry(analysis: Analysis, countries = 8, perCountry = 5): { country: string; name: string; users: { user: string; attempts: number }[] }[] {
  const store = analysis.load.store;
  const { ip, kind, user } = store.columns();
  const attack = EVENT_KINDS.map((k) => ATTACK_KINDS.has(k));
  const countryOf = countryByAddress(analysis);
  const perCountryCounts = new Map<string, Map<number, number>>();
  for (let i = 0; i < ip.length; i++) {
    if (user[i] === 0 || !attack[kind[i]]) continue;
    const country = countryOf[ip[i]];
    if (!country) continue;
    let counts = perCountryCounts.get(country);
    if (!counts) perCountryCounts.set(country, (counts = new Map()));
    counts.set(user[i], (counts.get(user[i]) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const row of analysis.aggregates.countries.objects() as { country: string; name: string }[]) names.set(row.country, row.name);
  return [...perCountryCounts]
    .map(([country, counts]) => ({ country, total: [...counts.values()].reduce((a, b) => a + b, 0), counts }))
    .sort((a, b) => b.total - a.total || a.country.localeCompare(b.country))
    .slice(0, countries)
    .map(({ country, counts }) => ({
      country,
      name: names.get(country) ?? country,
      users: [...counts]
        .sort((a, b) => b[1] - a[1] || store.users.values[a[0] - 1].localeCompare(store.users.values[b[0] - 1]))
        .slice(0, perCountry)
        .map(([code, attempts]) => ({ user: store.users.values[code - 1], attempts })),
    }));
}

function countryByAddress(analysis: Analysis): (string | null)[] {
  const byIp = new Map<string, string | null>();
  const ips = analysis.aggregates.ips;
  const ipColumn = ips.array('ip') as string[];
  const countryColumn = ips.array('country') as (string | null)[];
  for (let i = 0; i < ipColumn.length; i++) byIp.set(ipColumn[i], countryColumn[i]);
  return analysis.load.store.addresses.map((a) => byIp.get(a.ip) ?? null);
}
