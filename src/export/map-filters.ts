/**
 * What map.html needs to recount itself under a filter by jail, server and time window: each
 * attacker's events by city (or country, for the addresses located to a country only), jail,
 * server and day or week (`activity`), as a stream of small numbers, and the countries to hover.
 */
import type { ColumnTable } from 'arquero';
import { activity, wholeWindow, type Activity, type ActivityBin } from '../aggregate/activity';
import { cityKey } from '../aggregate/places';
import { NO_JAIL, timeSource } from '../aggregate/timeline';
import { isoDay } from '../aggregate/summary';
import { countryName } from '../charts/atlas';
import { zoneOf } from '../charts/charts';
import { countryPaths } from '../charts/world-map';
import type { ProjectionName } from '../charts/geo';
import type { Analysis } from '../notebook/pipeline';

/** The page's filters and the data they recount from. */
export interface PageFilters {
  /** Names by code, as the cells give them. */
  jails: string[];
  servers: string[];
  /** The codes that occur in the cells, to choose from. */
  jailCodes: number[];
  serverCodes: number[];
  /** Days, weeks or months (`ActivityBin`); `whole` where finer bins would make too many cells (`MAX_CELLS`): no time filter then. */
  bin: ActivityBin;
  /** The local date (YYYY-MM-DD) each bin starts on. */
  starts: string[];
  /** The zone of those dates. */
  zone: string;
  /** Whether some events have no time: they count only while the whole window is chosen. */
  untimed: boolean;
  /** Why the page has no filters, where even one bin for the whole window makes too many cells; null when it has them. */
  off: string | null;
  /** Each city's country: index into `countries`. */
  cityCountry: number[];
  /** The cells (`activityNumbers`). Location i < cities is city i; cities + k is country k's addresses located to the country only. */
  cells: number[];
}

/** The countries of the run, to hover: whole-run totals, and the outline where the atlas has one. */
export interface PageCountries {
  code: string[];
  name: string[];
  ips: number[];
  events: number[];
  /** Projected outline at zoom 1; '' for a country too small for the 110m atlas. */
  path: string[];
}

/**
 * The cells as one stream of numbers, per attacker: the gap from the previous attacker's id, how
 * many locations, then per location its index, how many cells and per cell the gap from the
 * previous cell's `(jail × servers + server) × (bins + 1) + bin + 1` (bin 0: no time) and its attack events.
 * The gaps are small numbers: on the bench's 969,875 events (50,000 addresses, 53 days) the
 * 800,000-odd cells make 1.8 million numbers, 4.2 MB of JSON that gzip takes to 1 MB.
 */
export function activityNumbers({ cells, starts, servers }: Activity): number[] {
  const bins = starts.length + 1;
  const nServers = Math.max(1, servers.length);
  const n = cells.attacker.length;
  const out: number[] = [];
  let previousAttacker = 0;
  for (let c = 0; c < n; ) {
    const attacker = cells.attacker[c];
    let end = c;
    while (end < n && cells.attacker[end] === attacker) end++;
    const locations: number[] = [];
    for (let k = c; k < end; k++) if (k === c || cells.location[k] !== cells.location[k - 1]) locations.push(k);
    out.push(attacker - previousAttacker, locations.length);
    previousAttacker = attacker;
    for (let j = 0; j < locations.length; j++) {
      const from = locations[j];
      const to = j + 1 < locations.length ? locations[j + 1] : end;
      out.push(cells.location[from], to - from);
      let previous = 0;
      for (let k = from; k < to; k++) {
        const key = (cells.jail[k] * nServers + cells.server[k]) * bins + cells.bin[k] + 1;
        out.push(key - previous, cells.events[k]);
        previous = key;
      }
    }
    c = end;
  }
  return out;
}

/**
 * Where each address counts, by address code: its attacker (numbered in the per-address table's
 * order) and its location (its city's index on the page, else its country's after the cities).
 */
function addressPlaces(analysis: Analysis, source: { ips?: readonly string[] }, cityIndex: Map<string, number>, countryIndex: Map<string, number>) {
  const rows = analysis.aggregates.ips.objects() as { ip: string; attacker: string; precision: string; country: string | null; city: string | null; subdivision: string | null; latitude: number; longitude: number }[];
  const attackers = new Map<string, number>();
  const byIp = new Map<string, { attacker: number; location: number }>();
  const locationOf = (row: (typeof rows)[number]) => {
    if (row.precision === 'city') return cityIndex.get(cityKey(row)) ?? -1;
    const country = row.precision === 'country_only' && row.country != null ? countryIndex.get(row.country) : undefined;
    return country === undefined ? -1 : cityIndex.size + country;
  };
  for (const row of rows) {
    const location = locationOf(row);
    if (!attackers.has(row.attacker)) attackers.set(row.attacker, attackers.size);
    byIp.set(row.ip, { attacker: attackers.get(row.attacker)!, location });
  }
  if (!source.ips) throw new Error('map.html: the events table names no addresses');
  const attacker = Int32Array.from(source.ips, (ip) => byIp.get(ip)?.attacker ?? -1);
  const location = Int32Array.from(source.ips, (ip) => byIp.get(ip)?.location ?? -1);
  return { attacker, location };
}

/** The run's countries, largest first, with their outlines. */
export function pageCountries(countries: ColumnTable, projection: ProjectionName, width: number): PageCountries {
  const rows = countries.objects() as { country: string; name: string | null; ips: number; events: number }[];
  const outlines = countryPaths(rows.map((r) => r.country), '110m', projection, width);
  return {
    code: rows.map((r) => r.country),
    name: rows.map((r) => r.name || countryName(r.country) || r.country),
    ips: rows.map((r) => r.ips),
    events: rows.map((r) => r.events),
    path: rows.map((r) => outlines.get(r.country) ?? ''),
  };
}

/**
 * The most cells a page carries (~2.7 MB of page for 10,000 cities). Beyond, the time bins give
 * way to one for the whole window, then the filters to none. The bench's 1M-line log makes
 * 800,000-odd cells by day; its ~10M-event archive (84 weeks) made 6.4 million by week, 5 MB packed.
 */
export const MAX_CELLS = 1_000_000;

/** The codes among `codes`, ordered by their names. */
const occurring = (codes: ArrayLike<number>, names: readonly string[]) => [...new Set(Array.from(codes))].sort((a, b) => names[a].localeCompare(names[b]));

/** The filters of the page whose cities (in page order) have these keys (`cityKey`) and countries these codes. */
export function pageFilters(analysis: Analysis, cityKeys: readonly string[], cityCountries: readonly (string | null)[], countryCodes: readonly string[], maxCells = MAX_CELLS): PageFilters {
  const source = timeSource(analysis.events);
  const cityIndex = new Map(cityKeys.map((key, i) => [key, i]));
  const countryIndex = new Map(countryCodes.map((code, i) => [code, i]));
  const zone = zoneOf(analysis);
  let run = activity(source, addressPlaces(analysis, source, cityIndex, countryIndex), { timeZone: zone });
  if (run.cells.attacker.length > maxCells) run = wholeWindow(run);
  const off = run.cells.attacker.length > maxCells;
  return {
    jails: run.jails.map((jail) => jail || NO_JAIL),
    servers: [...run.servers],
    jailCodes: occurring(run.cells.jail, run.jails),
    serverCodes: occurring(run.cells.server, run.servers),
    bin: run.bin,
    starts: run.starts.map((start) => isoDay(start)),
    zone: zone.name,
    untimed: run.cells.bin.includes(-1),
    off: off ? `${run.cells.attacker.length.toLocaleString('en-US')} attacker × jail × server cells, over the ${maxCells.toLocaleString('en-US')} a page can carry` : null,
    cityCountry: cityCountries.map((code) => (code == null ? -1 : (countryIndex.get(code) ?? -1))),
    cells: off ? [] : activityNumbers(run),
  };
}
