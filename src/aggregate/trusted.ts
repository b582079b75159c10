/**
 * Trusted addresses: the user's own, set apart from the attackers. An address is trusted when
 * the inputs show it logged in (an `accepted` event: sshd's `Accepted … for USER from ADDR`),
 * when it lies in the `ignoreip` of a fail2ban jail file among the inputs, or when it lies in the
 * `TRUSTED` parameter (`BOTMAP_TRUSTED`). An admin who mistypes a password is no attacker, and
 * fail2ban itself never bans what `ignoreip` names: left among the attackers, such an address
 * tops the ranking and is drawn on the map. The run leaves trusted addresses' events out of
 * everything it counts and draws unless `INCLUDE_TRUSTED` is set, and lists them in `tables/trusted.csv`.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { inNetwork, looksLikeHostname, parseNetwork, type IpNetwork } from '../locate/address';
import { EVENT_KINDS, KIND_CODES, type EventStore } from '../load/events';
import { ATTACK_KINDS, type TrustedEntry } from '../types';

/** trusted.csv's columns, in order. A contract: add columns, never rename or drop one. */
export const TRUSTED_COLUMNS = ['ip', 'reason', 'events', 'accepted_logins', 'users'] as const;

/** The reason of an address that logged in. */
export const ACCEPTED_LOGIN = 'sshd login accepted';

/** One way an address becomes trusted: a network and the reason it gives. */
export interface TrustRule {
  network: IpNetwork;
  /** `ignoreip 192.0.2.0/24 in jail.local [DEFAULT] line 4`, `BOTMAP_TRUSTED 10.0.0.0/8`. */
  reason: string;
}

/**
 * The entries of the `TRUSTED` parameter (`BOTMAP_TRUSTED`: addresses and networks separated by
 * commas), checked: an entry that is neither an address nor a network is an error naming it.
 */
export function trustedParameter(text: string, name = 'BOTMAP_TRUSTED'): string[] {
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) checkTrustedEntry(entry, name);
  return entries;
}

/** Throws, naming `entry` and the parameter, unless `entry` is an address or a network (CIDR). */
export function checkTrustedEntry(entry: string, name: string): void {
  if (parseNetwork(entry) !== null) return;
  const why = looksLikeHostname(entry) ? 'is a host name: BotMap does not look names up, give its address' : 'is not an address or a network (CIDR)';
  throw new Error(`${name}: "${entry}" ${why}. ${name} takes addresses and networks separated by commas, e.g. 192.0.2.10,198.51.100.0/24,2001:db8::/48.`);
}

/** The rules of a run: the jail files' `ignoreip` entries (`LoadResult.trusted`), then the `TRUSTED` parameter's. */
export function trustRules(ignoreIp: readonly TrustedEntry[], parameter: readonly string[]): TrustRule[] {
  const rules: TrustRule[] = [];
  for (const entry of ignoreIp) {
    const network = parseNetwork(entry.network);
    if (network !== null) rules.push({ network, reason: `ignoreip ${network.text} in ${entry.file}${entry.section === null ? '' : ` [${entry.section}]`} line ${entry.line}` });
  }
  for (const entry of parameter) {
    checkTrustedEntry(entry, 'BOTMAP_TRUSTED');
    const network = parseNetwork(entry)!;
    rules.push({ network, reason: `BOTMAP_TRUSTED ${network.text}` });
  }
  return rules;
}

/** The trusted addresses of a store. */
export interface Trust {
  /** 1 for each address of the store (by its code) that is trusted. */
  trusted: Uint8Array;
  /**
   * One row per trusted address that has events, as `tables/trusted.csv` lists them: `ip`,
   * `reason` (every reason, `; ` between), `events` (its attack events), `accepted_logins`,
   * `users` (the names it logged in as, `;` between, alphabetical); most attack events first, then by address.
   */
  table: ColumnTable;
}

/**
 * Which addresses of `store` are trusted under `rules` and by their logins, counting the events
 * that are not `duplicate` (every event read, whatever FROM/TO analyses).
 */
export function trustedAddresses(store: EventStore, duplicate: Uint8Array, rules: readonly TrustRule[]): Trust {
  const addresses = store.addresses;
  const trusted = new Uint8Array(addresses.length);
  const reasons = new Map<number, string[]>();
  const give = (address: number, reason: string) => {
    trusted[address] = 1;
    const list = reasons.get(address);
    if (list === undefined) reasons.set(address, [reason]);
    else if (!list.includes(reason)) list.push(reason);
  };
  const { ip, kind } = store.columns();
  const accepted = KIND_CODES.accepted;
  for (let event = 0; event < ip.length; event++) if (kind[event] === accepted && duplicate[event] !== 1) give(ip[event], ACCEPTED_LOGIN);
  if (rules.length > 0) addresses.forEach((address, code) => rules.forEach((rule) => inNetwork(address, rule.network) && give(code, rule.reason)));
  return { trusted, table: trustedTable(store, duplicate, trusted, reasons) };
}

/** The rows of trusted.csv: what the store's events say of each trusted address. */
function trustedTable(store: EventStore, duplicate: Uint8Array, trusted: Uint8Array, reasons: Map<number, string[]>): ColumnTable {
  const counts = new Map<number, { events: number; logins: number; users: Set<string> }>();
  if (reasons.size > 0) {
    const columns = store.columns();
    const { ip, kind } = columns;
    const user = columns.user;
    const isAttack = Uint8Array.from(EVENT_KINDS, (k) => (ATTACK_KINDS.has(k) ? 1 : 0));
    const accepted = KIND_CODES.accepted;
    for (let event = 0; event < ip.length; event++) {
      const address = ip[event];
      if (trusted[address] !== 1 || duplicate[event] === 1) continue;
      let count = counts.get(address);
      if (count === undefined) counts.set(address, (count = { events: 0, logins: 0, users: new Set() }));
      count.events += isAttack[kind[event]];
      if (kind[event] === accepted) {
        count.logins++;
        if (user[event] !== 0) count.users.add(store.users.values[user[event] - 1]);
      }
    }
  }
  const ipOf = (code: number) => store.addresses[code].ip;
  const rows = [...counts.keys()].sort((a, b) => counts.get(b)!.events - counts.get(a)!.events || (ipOf(a) < ipOf(b) ? -1 : ipOf(a) > ipOf(b) ? 1 : 0));
  return aq.table({
    ip: rows.map(ipOf),
    reason: rows.map((code) => reasons.get(code)!.join('; ')),
    events: rows.map((code) => counts.get(code)!.events),
    accepted_logins: rows.map((code) => counts.get(code)!.logins),
    users: rows.map((code) => [...counts.get(code)!.users].sort().join(';')),
  });
}

/**
 * The events to leave out of the analysis: the duplicates, and with them every event of a
 * trusted address (a mask like `LoadResult.duplicate`, for `eventsTable`).
 */
export function withoutTrusted(store: EventStore, duplicate: Uint8Array, trusted: Uint8Array): Uint8Array {
  const { ip } = store.columns();
  const leftOut = new Uint8Array(ip.length);
  for (let event = 0; event < ip.length; event++) leftOut[event] = duplicate[event] | trusted[ip[event]];
  return leftOut;
}
