import type { Analysis } from './pipeline';
import { rankingChart, worldMap, type Chart, type CityPoint } from './plot';
import { themeNamed } from './theme';

const number = (n: number) => n.toLocaleString('en-US');

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "2026-09-14 – 2026-10-25", or a note that the inputs carry no times. */
export function dataWindow(analysis: Analysis): string {
  const { first, last } = analysis.aggregates.window;
  if (first == null || last == null) return 'inputs carry no event times';
  return day(first) === day(last) ? day(first) : `${day(first)} – ${day(last)}`;
}

/** The credit line every chart carries. */
export function databaseCredit(analysis: Analysis): string {
  const info = analysis.database.info;
  return `Geolocation: ${info.type}, built ${info.build_date}. ${info.attribution}.`;
}

/** The world map of the run, with title, subtitle and caption. */
export function worldMapChart(analysis: Analysis): Chart {
  const { summary, parameters } = analysis;
  const cities = analysis.aggregates.cities.objects() as CityPoint[];
  const ips = summary.ips;
  const undrawn = ips.located_country_only + ips.not_found + ips.not_public;
  return worldMap(cities, {
    theme: themeNamed(parameters.theme),
    labels: parameters.labels,
    title: 'Where the attacks come from',
    subtitle: `${dataWindow(analysis)} · ${number(ips.located_city)} addresses in ${number(cities.length)} cities · ${number(analysis.aggregates.countries.numRows())} countries`,
    caption: [
      `Each dot is a city; its area grows with the number of distinct attacking addresses located there. The ${Math.min(parameters.labels, cities.length)} largest are labelled with that count.`,
      `Not drawn: ${number(ips.located_country_only)} addresses located to a country only, ${number(ips.not_found)} not in the database, ${number(ips.not_public)} private or reserved (of ${number(ips.distinct)} distinct).`.replace(/^Not drawn: .*$/, (s) => (undrawn ? s : 'Every address was located to a city.')),
      databaseCredit(analysis),
    ],
  });
}

/** The top cities by distinct addresses, as a bar chart. */
export function topCitiesChart(analysis: Analysis): Chart {
  const { parameters } = analysis;
  const cities = analysis.aggregates.cities.slice(0, parameters.top).objects() as CityPoint[];
  return rankingChart(
    cities.map((c) => ({ label: `${c.city}, ${c.country}`, value: c.ips })),
    {
      theme: themeNamed(parameters.theme),
      measure: 'Distinct attacking addresses',
      title: `Top ${cities.length} attacking cities`,
      subtitle: `${dataWindow(analysis)} · distinct addresses per city`,
      caption: ['Cities as named by the geolocation database; addresses located to a country only are not counted here.', databaseCredit(analysis)],
    },
  );
}
