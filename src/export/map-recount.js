// map.html's counts under a filter, recounted from each attacker's cells (see
// src/export/map-filters.ts for the stream's layout). Plain JavaScript, bundled into the page.

/** The cells stream as flat arrays, one entry a cell. */
export function unpackCells(stream, binCount, serverCount) {
  const bins = binCount + 1;
  const servers = Math.max(1, serverCount);
  const out = { attacker: [], location: [], jail: [], server: [], bin: [], events: [] };
  let attacker = 0;
  for (let i = 0; i < stream.length; ) {
    attacker += stream[i++];
    const locations = stream[i++];
    for (let l = 0; l < locations; l++) {
      const location = stream[i++];
      const cells = stream[i++];
      let key = 0;
      for (let c = 0; c < cells; c++) {
        key += stream[i++];
        out.attacker.push(attacker);
        out.location.push(location);
        out.bin.push((key % bins) - 1);
        const combo = Math.floor(key / bins);
        out.server.push(combo % servers);
        out.jail.push(Math.floor(combo / servers));
        out.events.push(stream[i++]);
      }
    }
  }
  return {
    attacker: Int32Array.from(out.attacker),
    location: Int32Array.from(out.location),
    jail: Int32Array.from(out.jail),
    server: Int32Array.from(out.server),
    bin: Int32Array.from(out.bin),
    events: Int32Array.from(out.events),
  };
}

/** Distinct attackers and events of each group (city, place, country), an attacker counted once a group. */
function tallies(size) {
  return { ips: new Int32Array(size), events: new Float64Array(size), last: new Int32Array(size).fill(-1) };
}

function tally(t, group, attacker, events) {
  if (group < 0) return;
  if (t.last[group] !== attacker) {
    t.last[group] = attacker;
    t.ips[group]++;
  }
  t.events[group] += events;
}

/**
 * The counts of the cells the filter keeps: `jail` and `server` (a code, or -1 for all), bins
 * `from`…`to`, and events without a time only while the whole window is kept.
 */
export function recount(cells, filter, shape) {
  const { cities, places, countries, cityPlace, cityCountry, binCount } = shape;
  const city = tallies(cities);
  const place = tallies(places);
  const country = tallies(countries);
  const whole = tallies(1);
  const withUntimed = binCount === 0 || (filter.from === 0 && filter.to === binCount - 1);
  const n = cells.attacker.length;
  for (let c = 0; c < n; c++) {
    if (filter.jail >= 0 && cells.jail[c] !== filter.jail) continue;
    if (filter.server >= 0 && cells.server[c] !== filter.server) continue;
    const bin = cells.bin[c];
    if (bin < 0 ? !withUntimed : bin < filter.from || bin > filter.to) continue;
    const attacker = cells.attacker[c];
    const location = cells.location[c];
    const events = cells.events[c];
    if (location < cities) {
      tally(city, location, attacker, events);
      tally(place, cityPlace[location], attacker, events);
      tally(country, cityCountry[location], attacker, events);
      tally(whole, 0, attacker, events);
    } else tally(country, location - cities, attacker, events);
  }
  return { city, place, country, whole: { ips: whole.ips[0], events: whole.events[0], cities: city.ips.reduce((s, ips) => s + (ips > 0 ? 1 : 0), 0) } };
}
