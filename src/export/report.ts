import { escapeHtml, printable } from '../html';
import { EVENT_KINDS } from '../load/events';
import { ATTACK_KINDS } from '../types';
import type { Analysis } from '../notebook/pipeline';
import { isoDay, type Summary } from '../aggregate/summary';
import { GAZETTEER_CREDIT } from '../aggregate/gazetteer';
import { cityLabel } from '../aggregate/places';
import type { ChangeRow, Comparison } from '../aggregate/compare';
import { usernamesByCountry, type UsernameRow } from '../aggregate/usernames';

const number = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : escapeHtml(n));

/** An HTML table of rows; every cell escaped (file names, city and jail names come from logs). */
export function htmlTable(rows: readonly Record<string, unknown>[], columns: readonly string[], headers: readonly string[] = columns): string {
  const head = headers.map((h) => `<th style="text-align:left">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${columns.map((c) => `<td style="text-align:${typeof row[c] === 'number' ? 'right' : 'left'}">${number(row[c])}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** What was read: one row per input with its format, the accounting of its lines and its events counted elsewhere (`duplicates`). */
export function inputsTableHtml(analysis: Analysis): string {
  const rows = analysis.load.inputs.map((input) => ({
    file: input.file,
    server: input.server,
    format: input.format,
    lines: input.lines,
    records: input.records,
    events: input.events,
    duplicates: input.duplicates,
    skipped:
      Object.entries(input.skipped)
        .sort((a, b) => b[1] - a[1])
        .map(([reason, count]) => `${reason}: ${count.toLocaleString('en-US')}`)
        .join('; ') || '—',
    error: [input.error, ...(input.warnings ?? [])].filter(Boolean).join(' '),
  }));
  const failed = analysis.summary.failed_inputs;
  const warning = failed.length
    ? `<p style="color:#b00020"><b>${failed.length} input(s) could not be read completely</b>; their counts cover what was read.</p>`
    : '';
  return `${warning}${htmlTable(rows, ['file', 'server', 'format', 'lines', 'records', 'events', 'duplicates', 'skipped', 'error'])}`;
}

/** The addresses by how precisely they were placed, and the database that placed them. */
export function locationSummaryHtml(analysis: Analysis): string {
  const { ips, database } = analysis.summary;
  const rows = [
    { class: 'located to a city', addresses: ips.located_city },
    { class: 'located to a country only (not drawn on the map)', addresses: ips.located_country_only },
    { class: 'not in the database', addresses: ips.not_found },
    { class: 'private or reserved (not looked up)', addresses: ips.not_public },
    { class: 'distinct addresses', addresses: ips.distinct },
  ];
  return `<p>Database: <b>${escapeHtml(database.type)}</b>, built ${escapeHtml(database.build_date)} (<code>${escapeHtml(database.file)}</code>). <i>${escapeHtml(database.attribution)}.</i></p>${htmlTable(rows, ['class', 'addresses'])}<p>${number(ips.ipv4)} IPv4, ${number(ips.ipv6)} IPv6.</p>`;
}

/** The files a run wrote, as a list. */
export function outputsHtml(summary: Summary, out: string): string {
  const items = [
    ...Object.entries(summary.charts).map(([name, files]) => `${escapeHtml(name)}: <code>${escapeHtml(files.svg)}</code>, <code>${escapeHtml(files.png)}</code>`),
    ...Object.entries(summary.tables).map(([name, file]) => `${escapeHtml(name)}: <code>${escapeHtml(file)}</code>`),
    'summary: <code>summary.json</code>',
  ];
  return `<p>Written to <code>${escapeHtml(out)}</code>:</p><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

const WARNING_STYLE = 'background:#fff4e5;border-left:4px solid #d9480f;padding:0.4em 0.8em;color:#7a2e0b';

/**
 * Where the locations and networks come from: database type, kind, build date and age, file and
 * credit for the geolocation database and the ASN data, and the run's warnings (an old database,
 * a Country database) highlighted.
 */
export function databaseHtml(analysis: Analysis): string {
  const geo = analysis.database;
  const asn = analysis.asnDatabase;
  const rows = [
    { data: 'geolocation', db: geo, kind: geo.kind === 'city' ? 'City (cities and countries)' : 'Country (no city results)' },
    { data: 'networks (ASN)', db: asn, kind: asn.source === 'mmdb' ? 'ASN database (BOTMAP_ASN_MMDB)' : 'packaged IP ranges' },
  ].map(({ data, db, kind }) => ({
    data,
    type: db.info.type,
    kind,
    built: db.info.build_date,
    age: `${db.ageDays.toLocaleString('en-US')} days`,
    file: db.info.file,
    credit: db.info.attribution,
  }));
  const warnings = [...geo.warnings, ...asn.warnings].map((w) => `<p style="${WARNING_STYLE}"><b>Warning:</b> ${escapeHtml(w)}</p>`).join('');
  return `${warnings}${htmlTable(rows, ['data', 'type', 'kind', 'built', 'age', 'file', 'credit'])}`;
}

/** How many located addresses MaxMind gives each accuracy radius. */
export interface AccuracyRadiusRow {
  /** MaxMind's accuracy radius, km; null for addresses located without one. */
  radius_km: number | null;
  /** `≤ 20 km`, or `none`. */
  label: string;
  /** Addresses located to a city with this radius. */
  city: number;
  /** Addresses located to a country only with this radius. */
  country_only: number;
  /** Both. */
  ips: number;
  /** Fraction of all located addresses at this radius or smaller. */
  cumulative_share: number;
}

/**
 * The distribution of MaxMind's accuracy radius over located addresses (city and country-only),
 * smallest radius first (`none` last). Radii are counted per distinct address, as given.
 */
export function accuracyRadiusDistribution(analysis: Analysis): AccuracyRadiusRow[] {
  const counts = new Map<number | null, { city: number; country_only: number }>();
  const { locations } = analysis;
  for (const l of locations) {
    if (l.precision !== 'city' && l.precision !== 'country_only') continue;
    const r = l.accuracyRadius;
    let c = counts.get(r);
    if (!c) counts.set(r, (c = { city: 0, country_only: 0 }));
    c[l.precision]++;
  }
  const total = [...counts.values()].reduce((n, c) => n + c.city + c.country_only, 0);
  let running = 0;
  return [...counts]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a - b))
    .map(([radius, c]) => {
      running += c.city + c.country_only;
      return {
        radius_km: radius,
        label: radius === null ? 'none' : `≤ ${radius.toLocaleString('en-US')} km`,
        city: c.city,
        country_only: c.country_only,
        ips: c.city + c.country_only,
        cumulative_share: total ? running / total : 0,
      };
    });
}

/** The accuracy-radius distribution as a table, with the cumulative share in percent. */
export function accuracyRadiusHtml(analysis: Analysis): string {
  const rows = accuracyRadiusDistribution(analysis).map((r) => ({ ...r, cumulative: `${(100 * r.cumulative_share).toFixed(1)} %` }));
  if (!rows.length) return '<p>No address was located, so there is no accuracy radius to show.</p>';
  return `<p>MaxMind's accuracy radius: the database is confident, at about 67 %, that the address is within this distance of the point it gives.</p>${htmlTable(rows, ['label', 'city', 'country_only', 'ips', 'cumulative'], ['accuracy radius', 'city', 'country only', 'addresses', 'cumulative'])}`;
}

/** The largest places (metro areas) with their member cities. */
export function placesHtml(analysis: Analysis, top = analysis.parameters.top): string {
  if (analysis.database.kind !== 'city') return `<p>Places need a City database; ${escapeHtml(analysis.database.info.type)} gives countries only.</p>`;
  const rows = analysis.aggregates.places.slice(0, top).map((p) => ({
    place: p.name,
    country: p.country ?? '',
    ips: p.ips,
    events: p.events,
    radius: `${p.radius_km.toLocaleString('en-US')} km`,
    cities: p.cities.length > 1 ? `${p.cities.length}: ${p.cities.map(cityLabel).join(', ')}` : p.cities[0] ? cityLabel(p.cities[0]) : '',
  }));
  const table = htmlTable(rows, ['place', 'country', 'ips', 'events', 'radius', 'cities'], ['place', 'country', 'addresses', 'events', 'radius', 'cities']);
  return `${table}<p><i>Places are named after the most populous city within ${analysis.aggregates.counting?.placeNamingKm ?? analysis.parameters.placeNamingKm} km of their largest; the cities are the database's. ${escapeHtml(GAZETTEER_CREDIT)}.</i></p>`;
}

/** The networks (autonomous systems) with the most attacking addresses, with the data's credit. */
export function asnsHtml(analysis: Analysis, top = analysis.parameters.top): string {
  const rows = analysis.aggregates.asns.slice(0, top).objects() as { asn: number; org: string | null; ips: number; events: number }[];
  return `${htmlTable(
    rows.map((r) => ({ ...r, asn: `AS${r.asn}`, org: r.org ?? '' })),
    ['asn', 'org', 'ips', 'events'],
    ['ASN', 'organisation', 'addresses', 'events'],
  )}<p><i>${escapeHtml(analysis.asnDatabase.info.attribution)}.</i></p>`;
}

/** The largest countries and, for each, the networks most of its addresses come from. */
export function countryNetworkHtml(analysis: Analysis, countries = 10, networksPerCountry = 3): string {
  const rows = analysis.aggregates.ips.objects() as { country: string | null; country_name: string | null; asn: number | null; org: string | null; attacker: string }[];
  const byCountry = new Map<string, { name: string; ips: number; networks: Map<string, number> }>();
  for (const row of rows) {
    if (!row.country) continue;
    let entry = byCountry.get(row.country);
    if (!entry) byCountry.set(row.country, (entry = { name: row.country_name ?? row.country, ips: 0, networks: new Map() }));
    entry.ips++;
    const network = row.asn != null ? `AS${row.asn} ${row.org ?? ''}`.trim() : 'unknown network';
    entry.networks.set(network, (entry.networks.get(network) ?? 0) + 1);
  }
  const table = [...byCountry]
    .sort((a, b) => b[1].ips - a[1].ips || a[0].localeCompare(b[0]))
    .slice(0, countries)
    .map(([code, entry]) => ({
      country: `${entry.name} (${code})`,
      addresses: entry.ips,
      networks: [...entry.networks]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, networksPerCountry)
        .map(([name, n]) => `${name}: ${n}`)
        .join('; '),
    }));
  return htmlTable(table, ['country', 'addresses', 'networks'], ['country', 'addresses', `top ${networksPerCountry} networks (addresses)`]);
}

/** Attack events and distinct addresses per jail and per server, duplicates left out (see `findDuplicates`). */
export function jailsAndServersHtml(analysis: Analysis): string {
  const { store, duplicate } = analysis.load;
  const { ip, kind, jail, server } = store.columns();
  const attackCodes = new Set(EVENT_KINDS.flatMap((k, code) => (ATTACK_KINDS.has(k) ? [code] : [])));
  const tally = (codes: ArrayLike<number>, names: readonly string[], empty: string) => {
    const stats = new Map<number, { events: number; ips: Set<number> }>();
    for (let i = 0; i < ip.length; i++) {
      if (!attackCodes.has(kind[i]) || duplicate[i] === 1) continue;
      let s = stats.get(codes[i]);
      if (!s) stats.set(codes[i], (s = { events: 0, ips: new Set() }));
      s.events++;
      s.ips.add(ip[i]);
    }
    return [...stats]
      .map(([code, s]) => ({ name: names[code] || empty, events: s.events, addresses: s.ips.size }))
      .sort((a, b) => b.events - a.events || a.name.localeCompare(b.name));
  };
  const jails = tally(jail, store.jails.values, '(no jail)');
  const servers = tally(server, store.servers.values, '(unknown)');
  return `<p><b>Per jail</b></p>${htmlTable(jails, ['name', 'events', 'addresses'], ['jail', 'attack events', 'distinct addresses'])}<p><b>Per server</b></p>${htmlTable(servers, ['name', 'events', 'addresses'], ['server', 'attack events', 'distinct addresses'])}`;
}

/** A comparison of two periods as tables: what rose, fell, appeared and went quiet. */
export function comparisonHtml(comparison: Comparison, top = 15): string {
  const periods = htmlTable(
    (['before', 'after'] as const).map((period) => {
      const { from, to, ips, events } = comparison[period];
      return { period, from: isoDay(from), to: isoDay(to), addresses: ips, events };
    }),
    ['period', 'from', 'to', 'addresses', 'events'],
  );
  const section = (title: string, rows: ChangeRow[]) =>
    `<p><b>${escapeHtml(title)}</b> (largest changes first)</p>${htmlTable(
      rows.slice(0, top).map((r) => ({ ...r, change: r.change > 0 ? `+${r.change}` : String(r.change) })),
      ['label', 'before', 'after', 'change', 'status'],
      ['', 'addresses before', 'after', 'change', ''],
    )}`;
  const untimed = comparison.untimed ? `<p>${number(comparison.untimed)} attack events carry no time and belong to neither period.</p>` : '';
  return `<p>Split at <b>${escapeHtml(isoDay(comparison.split))}</b>.</p>${periods}${untimed}${section('Places', comparison.places)}${section('Networks', comparison.networks)}${section('Countries', comparison.countries)}`;
}

/** The user names tried, as a table (names escaped: attackers chose them). */
export function usernamesHtml(rows: readonly UsernameRow[]): string {
  return htmlTable(
    rows.map((r) => ({ ...r, user: r.user === '' ? '(empty user name)' : printable(r.user) })),
    ['user', 'attempts', 'ips', 'countries'],
    ['user name', 'attempts', 'distinct addresses', 'countries'],
  );
}

/** The per-country table of user names. */
export function usernamesByCountryHtml(analysis: Analysis): string {
  const rows = usernamesByCountry(analysis).map((c) => ({
    country: `${c.name} (${c.country})`,
    users: c.users.map((u) => `${u.user === '' ? '(empty)' : printable(u.user)}: ${u.attempts}`).join('; '),
  }));
  return htmlTable(rows, ['country', 'users'], ['country', 'user names tried most (attempts)']);
}
