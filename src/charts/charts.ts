/**
 * Analysis → charts: each builder reads a run's tables and parameters and draws one chart with
 * its title, subtitle (data window, counts) and caption (what it shows, credits).
 * `allCharts` draws every chart of a run, keyed by output name.
 */
import { countryName } from './atlas';
import type { Analysis, Parameters } from '../notebook/pipeline';
import { countryMap, type CountryMapChart } from './country-map';
import { countOf, formatCount, type Chart } from './frame';
import { placeMap, placeMapView } from './place-map';
import { rankingChart, type RankingRow } from './ranking';
import { attackersPerWeekChart, eventTimeline, hourWeekdayHeatmap } from './time-charts';
import { worldMap, type CityPoint, type DotColor } from './world-map';
import { themeNamed, type Theme } from './theme';
import { attackersPerWeek, eventsOverTime, hourWeekday, timeSource } from '../aggregate/timeline';
import type { PlaceCluster } from '../types';
import { changeChart } from './change';
import { isoDay } from '../aggregate/summary';
import { distinctUsernames, topUsernames } from '../aggregate/usernames';
import { largestFirst } from '../aggregate/ranking';
import type { Comparison } from '../aggregate/compare';
import { printable } from '../html';
import { timeZone, type TimeZone } from '../time-zone';
import { BotMapError } from '../errors';
import { GAZETTEER_CREDIT } from '../aggregate/gazetteer';
import { cityAndCountry, cityLabel } from '../aggregate/places';

/**
 * Choices beyond the run's parameters. The drawing parameters given here (theme, labels, top,
 * zoomed, projection, out…) win over the analysis's: a notebook passes its `params`, so a
 * changed parameters cell takes effect without reading the data again (see `drawingParameters`).
 */
export interface ChartsOptions extends Partial<Parameters> {
  /** What the ranking bars show: distinct addresses (default) or events. The other measure is shown beside. */
  measure?: 'ips' | 'events';
  /** Colour the world map's dots by a second measure. */
  color?: DotColor;
  /** Draw a graticule on the world maps. */
  graticule?: boolean;
  /** The country map's colour scale. */
  countryScale?: 'log' | 'quantile';
  /** Timeline: one panel per server; default when the run has several servers. */
  facetByServer?: boolean;
}

/**
 * "2026-09-14 – 2026-10-25", days in the run's time zone (as the timelines count them); for
 * undated inputs, the date they were read. A subset is named first.
 */
export function dataWindow(analysis: Analysis): string {
  const scope = analysis.subset ? `subset: ${analysis.subset} · ` : '';
  const { first, last } = analysis.aggregates.window;
  if (first == null || last == null) return `${scope}no event times (read ${analysis.summary.generated_at.slice(0, 10)})`;
  const zone = zoneOf(analysis);
  const [from, to] = [first, last].map((ms) => isoDay(ms + zone.offsetAt(ms)));
  // A subset cut to exactly the days its events span names them already.
  if (analysis.subset?.endsWith(`${from} to ${to}`)) return scope.slice(0, -' · '.length);
  return scope + (from === to ? from : `${from} – ${to}`);
}

/** The credit line every chart carries. */
export function databaseCredit(analysis: Analysis): string {
  const info = analysis.database.info;
  return `Geolocation: ${info.type}, built ${info.build_date}. ${info.attribution}.`;
}

/** The credit line of charts drawn from networks (ASN and organisation). */
export function networkCredit(analysis: Analysis): string {
  const info = analysis.asnDatabase?.info;
  if (!info) return 'Networks: DB-IP (db-ip.com), CC BY 4.0.';
  const credit = info.attribution.replace(/\.$/, '');
  return `Networks: ${info.type}, built ${info.build_date}. ${credit}.`;
}

/** The credit line of charts that name places (GeoNames' names are CC BY 4.0). */
export function placeNamesCredit(): string {
  return `${GAZETTEER_CREDIT}.`;
}

/** What the `ips` counts count: addresses, or attackers with each IPv6 /64 counted once. */
function counted(analysis: Analysis): { noun: string; note: string | null } {
  return analysis.aggregates.counting?.ipv6Prefix64
    ? { noun: 'attackers', note: 'Attackers: IPv4 addresses, and IPv6 /64 networks counted once each.' }
    : { noun: 'addresses', note: null };
}

/** The parameters an analysis is made with, by their names in the parameters cell: changing one needs a new analysis. */
const ANALYSIS_PARAMETERS = {
  data: 'DATA', archive: 'ARCHIVE', mmdb: 'MMDB', asnMmdb: 'ASN_MMDB', timeZone: 'TIME_ZONE', clusterRadiusKm: 'CLUSTER_KM', placeNamingKm: 'PLACE_NAMING_KM', ipv6Prefix64: 'IPV6_64', from: 'FROM', to: 'TO',
  trusted: 'TRUSTED', includeTrusted: 'INCLUDE_TRUSTED', sshdMode: 'SSHD_MODE',
} as const;

/**
 * The parameters a chart of `analysis` is drawn with: the analysis's, with those given in
 * `options` instead. A parameter the analysis was made with (data, databases, time zone, place
 * radius, /64 counting, trusted addresses) cannot change at drawing time: a different value is an error that says
 * to run the analysis again, rather than a chart that silently ignores it.
 */
export function drawingParameters(analysis: Analysis, options: ChartsOptions = {}): Parameters {
  const made = analysis.parameters;
  const keys = Object.keys(ANALYSIS_PARAMETERS) as (keyof typeof ANALYSIS_PARAMETERS)[];
  const changed = keys.filter((key) => options[key] !== undefined && JSON.stringify(options[key]) !== JSON.stringify(made[key]));
  if (changed.length) {
    const names = changed.map((key) => ANALYSIS_PARAMETERS[key]).join(', ');
    throw new BotMapError(`${names} changed since the analysis was made: run the analysis cell again (botmap.analyse(params, …)), then this one.`);
  }
  const given = Object.entries(options).filter(([key, value]) => key in made && value !== undefined);
  return { ...made, ...Object.fromEntries(given) };
}

function themeOf(analysis: Analysis, options: ChartsOptions): Theme {
  return themeNamed(drawingParameters(analysis, options).theme);
}

/** Characters a slug keeps: a file name stays far below the 255 bytes a file system allows, whatever a city is called. */
const SLUG_LENGTH = 60;

/** The output-file slug of a place name: lower-case ASCII words joined by hyphens ("São Paulo" → "sao-paulo"), at most 60 characters. */
export function slug(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_LENGTH + 1)
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_LENGTH)
    .replace(/-+$/, '');
  return ascii || 'place';
}

function cityPoints(analysis: Analysis): CityPoint[] {
  return analysis.aggregates.cities.objects() as CityPoint[];
}

function places(analysis: Analysis): PlaceCluster[] {
  return analysis.aggregates.places ?? [];
}

function countryLabel(code: string | null, name: string | null | undefined): string | null {
  return name || (code && (countryName(code) || code)) || null;
}

/** A place with its country, as titles name it: `Buenos Aires, Argentina` (the name alone when it is the country's, or no country is known). */
function placeTitle(place: PlaceCluster): string {
  const country = countryLabel(place.country, place.country_name);
  return country && country !== place.name ? `${place.name}, ${country}` : place.name;
}

/** The world map of the run, with title, subtitle and caption; the largest places labelled. */
export function worldMapChart(analysis: Analysis, options: ChartsOptions = {}): Chart {
  const { summary } = analysis;
  const parameters = drawingParameters(analysis, options);
  const cities = cityPoints(analysis);
  const placeList = places(analysis);
  const ips = summary.ips;
  const { noun, note } = counted(analysis);
  const undrawn = ips.located_country_only + ips.not_found + ips.not_public;
  const labelled = Math.min(parameters.labels, placeList.length || cities.length);
  const radius = analysis.aggregates.counting?.clusterRadiusKm ?? parameters.clusterRadiusKm;
  const located = cities.reduce((s, c) => s + c.ips, 0);
  return worldMap(cities, {
    theme: themeOf(analysis, options),
    labels: parameters.labels,
    projection: parameters.projection,
    graticule: options.graticule,
    color: options.color ?? null,
    places: placeList.length ? placeList : undefined,
    title: 'Where the attacks come from',
    subtitle: `${dataWindow(analysis)} · ${formatCount(located)} ${noun} in ${countOf(cities.length, 'city', 'cities')} · ${countOf(analysis.aggregates.countries.numRows(), 'country', 'countries')}`,
    caption: [
      `Each dot is a city; its area grows with the number of distinct attacking ${noun} located there.` +
        (placeList.length
          ? ` The ${labelled} largest places (cities within ${radius} km of each other, counted together, named after the largest city near them) are labelled with their count; a ring encloses each place's cities.`
          : ` The ${labelled} largest are labelled with that count.`) +
        (options.color === 'events' ? ' Colour: attack events per city.' : options.color === 'share' ? ' Colour: the city’s share of all attack events.' : ''),
      undrawn
        ? `Not drawn: ${formatCount(ips.located_country_only)} addresses located to a country only, ${formatCount(ips.not_found)} not in the database, ${formatCount(ips.not_public)} private or reserved (of ${formatCount(ips.distinct)} distinct).`
        : 'Every address was located to a city.',
      ...(note ? [note] : []),
      placeList.length ? `${databaseCredit(analysis)} ${placeNamesCredit()}` : databaseCredit(analysis),
    ],
  });
}

/** A zoomed map of the `rank`-th largest place (1-based), or null when there is no such place. */
export function placeMapChart(analysis: Analysis, rank: number, options: ChartsOptions = {}): Chart | null {
  const place = places(analysis)[rank - 1];
  if (!place) return null;
  const { noun, note } = counted(analysis);
  const radius = analysis.aggregates.counting?.clusterRadiusKm ?? analysis.parameters.clusterRadiusKm;
  const largest = place.cities[0] ? cityLabel(place.cities[0]) : place.name;
  const span = place.cities.length > 1 ? ` within ${formatCount(Math.max(1, place.radius_km))} km` : '';
  return placeMap(place, {
    theme: themeOf(analysis, options),
    context: cityPoints(analysis),
    title: `${placeTitle(place)}: ${formatCount(place.ips)} attacking ${noun}`,
    subtitle: `${dataWindow(analysis)} · place ${rank} of ${formatCount(places(analysis).length)} · ${countOf(place.cities.length, 'city', 'cities')}${span} · ${countOf(place.events, 'event')}`,
    caption: [
      `Cities within ${radius} km of ${largest} counted as one place${largest === place.name ? '' : `, named after ${place.name}, the largest city near ${largest}`}. Dot area: distinct attacking ${noun} per city; grey dots: other located cities nearby; dashed circle: the place's extent.`,
      ...(note ? [note] : []),
      `${databaseCredit(analysis)} ${placeNamesCredit()} Shapes: Natural Earth 1:${placeMapView(place).resolution}.`,
    ],
  });
}

/** Charts not drawn yet, keyed by output name: a caller can draw, write and drop one at a time. */
export type ChartDrawers = Record<string, () => Chart>;

/** Draws every chart of `drawers`, in their order. */
function drawAll(drawers: ChartDrawers): Record<string, Chart> {
  return Object.fromEntries(Object.entries(drawers).map(([name, draw]) => [name, draw()]));
}

function placeMapDrawers(analysis: Analysis, options: ChartsOptions): ChartDrawers {
  const drawers: ChartDrawers = {};
  const list = places(analysis);
  for (let rank = 1; rank <= Math.min(drawingParameters(analysis, options).zoomed, list.length); rank++) {
    drawers[`place-${rank}-${slug(list[rank - 1].name)}`] = () => placeMapChart(analysis, rank, options)!;
  }
  return drawers;
}

/** Zoomed maps of the largest places (`parameters.zoomed`, default 2), keyed `place-<rank>-<slug>`. */
export function placeMapCharts(analysis: Analysis, options: ChartsOptions = {}): Record<string, Chart> {
  return drawAll(placeMapDrawers(analysis, options));
}

/** Countries shaded by distinct addresses (country-only addresses included), with the codes that matched no shape reported. */
export function countriesChart(analysis: Analysis, options: ChartsOptions = {}): CountryMapChart {
  const rows = analysis.aggregates.countries.objects() as { country: string; name: string | null; ips: number; events: number; ips_country_only: number }[];
  const { noun, note } = counted(analysis);
  const total = rows.reduce((s, r) => s + r.ips, 0);
  const countryOnly = rows.reduce((s, r) => s + (r.ips_country_only ?? 0), 0);
  const scale = options.countryScale ?? 'log';
  return countryMap(rows, {
    theme: themeOf(analysis, options),
    projection: drawingParameters(analysis, options).projection,
    graticule: options.graticule,
    scale,
    title: 'Attacking addresses by country',
    subtitle: `${dataWindow(analysis)} · ${formatCount(total)} ${noun} in ${countOf(rows.length, 'country', 'countries')}`,
    caption: [
      `Countries shaded by distinct attacking ${noun} (${scale === 'quantile' ? 'quantile classes' : 'log scale'}), including ${formatCount(countryOnly)} located to a country only. Countries too small to draw at this scale are dots.`,
      ...(note ? [note] : []),
      `${databaseCredit(analysis)} Shapes: Natural Earth; codes matched with i18n-iso-countries.`,
    ],
  });
}

/**
 * Rows of one kind (cities, places…) as ranking bars: the top `parameters.top` by the chosen
 * measure, the other measure beside; `kind` names one row and many ("city", "cities").
 */
function rankingOf<T extends { ips: number; events: number }>(
  analysis: Analysis,
  options: ChartsOptions,
  all: readonly T[],
  label: (r: T) => string,
  [one, many]: [string, string],
  caption: string[],
): Chart {
  const byEvents = options.measure === 'events';
  const { noun } = counted(analysis);
  const rows: RankingRow[] = all
    .map((r) => ({ label: label(r), value: byEvents ? r.events : r.ips, secondary: byEvents ? r.ips : r.events }))
    .sort(largestFirst((r) => r.value, (r) => r.secondary))
    .slice(0, drawingParameters(analysis, options).top);
  const ips = all.reduce((sum, r) => sum + r.ips, 0);
  const events = all.reduce((sum, r) => sum + r.events, 0);
  return rankingChart(rows, {
    theme: themeOf(analysis, options),
    totals: byEvents ? { value: events, secondary: ips } : { value: ips, secondary: events },
    measure: byEvents ? 'Attack events' : `Distinct attacking ${noun}`,
    secondaryMeasure: byEvents ? noun : 'events',
    title: `Top ${rows.length} attacking ${many}`,
    subtitle: `${dataWindow(analysis)} · ${byEvents ? 'attack events' : `distinct ${noun}`} per ${one} · ${countOf(all.length, one, many)} in all`,
    caption,
  });
}

/** The top cities as bars (distinct addresses, or events with `measure: 'events'`), the other measure beside. */
export function topCitiesChart(analysis: Analysis, options: ChartsOptions = {}): Chart {
  return rankingOf(analysis, options, cityPoints(analysis), cityAndCountry, ['city', 'cities'], [
    'Cities as named by the geolocation database; addresses located to a country only are not counted here.',
    databaseCredit(analysis),
  ]);
}

/** The top places (nearby cities counted together) as bars. */
export function topPlacesChart(analysis: Analysis, options: ChartsOptions = {}): Chart {
  const radius = analysis.aggregates.counting?.clusterRadiusKm ?? analysis.parameters.clusterRadiusKm;
  const label = (p: PlaceCluster) => `${p.country ? `${p.name}, ${p.country}` : p.name}${p.cities.length > 1 ? ` (${p.cities.length} cities)` : ''}`;
  const naming = analysis.aggregates.counting?.placeNamingKm ?? analysis.parameters.placeNamingKm;
  return rankingOf(analysis, options, places(analysis), label, ['place', 'places'], [
    `A place is a city with every city within ${radius} km of it, named after the most populous city within ${naming} km of its largest; addresses located to a country only are not counted here.`,
    `${databaseCredit(analysis)} ${placeNamesCredit()}`,
  ]);
}

/** The top countries as bars, country-only addresses included. */
export function topCountriesChart(analysis: Analysis, options: ChartsOptions = {}): Chart {
  const countries = analysis.aggregates.countries.objects() as { country: string; name: string | null; ips: number; events: number }[];
  return rankingOf(analysis, options, countries, (c) => `${countryLabel(c.country, c.name)} (${c.country})`, ['country', 'countries'], [
    'Countries as the geolocation database gives them, addresses located to a country only included.',
    databaseCredit(analysis),
  ]);
}

/** The top networks (ASN and organisation) as bars. */
export function topAsnsChart(analysis: Analysis, options: ChartsOptions = {}): Chart {
  const table = analysis.aggregates.asns;
  const asns = (table ? table.objects() : []) as { asn: number; org: string | null; ips: number; events: number }[];
  const withNetwork = asns.reduce((s, a) => s + a.ips, 0);
  return rankingOf(analysis, options, asns, (a) => `AS${a.asn}${a.org ? ` ${a.org}` : ''}`, ['network', 'networks'], [
    `Networks are autonomous systems (ASN) with the organisation that announces them; ${formatCount(withNetwork)} ${counted(analysis).noun} have a known network.`,
    networkCredit(analysis),
    databaseCredit(analysis),
  ]);
}

/** The run's zone: its days, weeks and hours are the ones the logs' times were read in. */
export function zoneOf(analysis: Analysis): TimeZone {
  return timeZone(analysis.parameters.timeZone);
}

function untimedNote(untimed: number): string {
  return untimed ? ` ${countOf(untimed, 'attack event')} without a time (ban lists) are not shown.` : '';
}

/** Attack events per day or week (chosen from the span), stacked by jail, or one panel per server. */
export function timelineChart(analysis: Analysis, options: ChartsOptions = {}): Chart {
  const timeline = eventsOverTime(timeSource(analysis.events), { timeZone: zoneOf(analysis) });
  const facet = options.facetByServer ?? timeline.servers.length > 1;
  return eventTimeline(timeline.rows, {
    theme: themeOf(analysis, options),
    bin: timeline.bin,
    jails: timeline.jails,
    servers: timeline.servers,
    facetByServer: facet,
    title: `Attack events per ${timeline.bin}`,
    subtitle: `${dataWindow(analysis)} · ${countOf(timeline.timed, 'event')} · ${countOf(timeline.jails.length, 'jail')}${timeline.servers.length > 1 ? ` · ${countOf(timeline.servers.length, 'server')}` : ''} · ${timeline.bin === 'day' ? 'days' : 'weeks (from Monday)'} in ${timeline.timeZone}`,
    caption: [
      `Events counted: fail2ban Found and Ban lines, listed bans and failed logins (Unban and Restore lines are bookkeeping).${untimedNote(timeline.untimed)}`,
      databaseCredit(analysis),
    ],
  });
}

/** Attack events by hour of day and weekday. */
export function hourWeekdayChart(analysis: Analysis, options: ChartsOptions = {}): Chart {
  const data = hourWeekday(timeSource(analysis.events), { timeZone: zoneOf(analysis) });
  return hourWeekdayHeatmap(data.cells, {
    theme: themeOf(analysis, options),
    title: 'When the attacks come',
    subtitle: `${dataWindow(analysis)} · ${countOf(data.timed, 'event')} by hour and weekday · hours in ${data.timeZone}`,
    caption: [`Each cell counts the attack events in that hour of that weekday over the whole window; the column at the right totals each weekday.${untimedNote(data.untimed)}`, databaseCredit(analysis)],
  });
}

/** New attacking addresses per week (first attack that week) beside returning ones. */
export function newAttackersChart(analysis: Analysis, options: ChartsOptions = {}): Chart {
  const data = attackersPerWeek(timeSource(analysis.events), analysis.load.store.addresses.length, { timeZone: zoneOf(analysis) });
  const total = data.weeks.reduce((s, w) => s + w.new, 0);
  return attackersPerWeekChart(data.weeks, {
    theme: themeOf(analysis, options),
    title: 'New attackers per week',
    subtitle: `${dataWindow(analysis)} · ${countOf(total, 'address', 'addresses')} first seen over ${countOf(data.weeks.length, 'week')} · weeks from Monday in ${data.timeZone}`,
    caption: [
      'Each address counts once as new, in the week of its first attack event in the inputs, and as returning in every later week it attacks again. Addresses seen only in undated ban lists are not shown.',
      databaseCredit(analysis),
    ],
  });
}

/**
 * Every chart of a run, not drawn yet, keyed by output name: `world-map`, `place-1-<slug>`,
 * `place-2-<slug>`…, `countries`, `top-cities`, `top-places`, `top-countries`, `top-asns`,
 * `timeline`, `hour-weekday`, `new-attackers`.
 */
export function chartDrawers(analysis: Analysis, options: ChartsOptions = {}): ChartDrawers {
  return {
    'world-map': () => worldMapChart(analysis, options),
    ...placeMapDrawers(analysis, options),
    countries: () => countriesChart(analysis, options),
    'top-cities': () => topCitiesChart(analysis, options),
    'top-places': () => topPlacesChart(analysis, options),
    'top-countries': () => topCountriesChart(analysis, options),
    'top-asns': () => topAsnsChart(analysis, options),
    timeline: () => timelineChart(analysis, options),
    'hour-weekday': () => hourWeekdayChart(analysis, options),
    'new-attackers': () => newAttackersChart(analysis, options),
  };
}

/** Every chart of a run, drawn, keyed by output name (see `chartDrawers`). */
export function allCharts(analysis: Analysis, options: ChartsOptions = {}): Record<string, Chart> {
  return drawAll(chartDrawers(analysis, options));
}

/** The rows that changed most (places or networks), as a before → after chart. */
export function compareChart(analysis: Analysis, comparison: Comparison, what: 'places' | 'networks' | 'countries', top = 15, options: ChartsOptions = {}): Chart | null {
  const rows = comparison[what].slice(0, top);
  if (!rows.length) return null;
  const split = isoDay(comparison.split);
  return changeChart(
    rows.map((r) => ({ label: r.label, before: r.before, after: r.after })),
    {
      theme: themeOf(analysis, options),
      measure: 'Distinct attacking addresses in the period',
      beforeLabel: `before ${split}`,
      afterLabel: `from ${split}`,
      totals: { before: comparison.before.ips, after: comparison.after.ips },
      title: `The ${what} that changed most`,
      subtitle: `${isoDay(comparison.before.from)} – ${isoDay(comparison.before.to)} against ${isoDay(comparison.after.from)} – ${isoDay(comparison.after.to)} · ${comparison.before.ips.toLocaleString('en-US')} → ${comparison.after.ips.toLocaleString('en-US')} addresses`,
      caption: [
        `Hollow dot: distinct addresses with an attack event before ${split}; filled dot: from ${split} on. Largest changes first.`,
        what === 'networks' ? `${databaseCredit(analysis)} ${networkCredit(analysis)}` : what === 'places' ? `${databaseCredit(analysis)} ${placeNamesCredit()}` : databaseCredit(analysis),
      ],
    },
  );
}

/** The most tried user names as a bar chart (names shown as text, never markup); `top` (a number, or from the options' parameters). */
export function usernamesChart(analysis: Analysis, topOrOptions: number | ChartsOptions = {}): Chart {
  const options = typeof topOrOptions === 'number' ? { top: topOrOptions } : topOrOptions;
  const all = topUsernames(analysis, Infinity);
  const rows = all.slice(0, drawingParameters(analysis, options).top);
  return rankingChart(
    rows.map((r) => ({ label: r.user === '' ? '(empty user name)' : printable(r.user), value: r.attempts, secondary: r.ips })),
    {
      theme: themeOf(analysis, options),
      // An address tries many names: addresses summed over names are no total to share.
      totals: { value: all.reduce((sum, r) => sum + r.attempts, 0) },
      measure: 'Login attempts',
      secondaryMeasure: 'addresses',
      title: `The ${rows.length} user names tried most`,
      subtitle: `${dataWindow(analysis)} · ${distinctUsernames(analysis).toLocaleString('en-US')} distinct user names`,
      caption: ['User names as the attackers typed them, from sshd logs and fail2ban database matches; control characters are shown as escapes.', databaseCredit(analysis)],
    },
  );
}
