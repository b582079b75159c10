// The script of map.html, bundled with d3-zoom by `mapClientScript` (src/export/map-page.ts).
// Plain JavaScript: the project compiles without the DOM type library. Every name from the
// logs reaches the page through `textContent` or an attribute value, never as markup.
import { select } from 'd3-selection';
import { zoom, zoomIdentity } from 'd3-zoom';
import { recount, unpackCells } from './map-recount.js';

const SVG = 'http://www.w3.org/2000/svg';
const count = (n) => Math.round(n).toLocaleString('en-US');
const plural = (n, one, many) => `${count(n)} ${n === 1 ? one : many}`;

function svgEl(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (parent) parent.appendChild(node);
  return node;
}

function htmlEl(name, attributes, parent) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (parent) parent.appendChild(node);
  return node;
}

/** The page's data: gzipped JSON in base64 (see `packMapData`), unpacked by the browser's own gzip. */
async function readData() {
  const packed = atob(document.getElementById('botmap-data').textContent);
  const bytes = new Uint8Array(packed.length);
  for (let i = 0; i < packed.length; i++) bytes[i] = packed.charCodeAt(i);
  const json = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(json).text());
}

/** Ocean, land, the countries to hover, borders; then the dots, largest first so the small stay visible on top. */
function drawMap(data, svg) {
  const { theme, cities, countries } = data;
  const view = svgEl('g', { class: 'view' }, svg);
  const line = { fill: 'none', 'vector-effect': 'non-scaling-stroke', 'stroke-linejoin': 'round' };
  svgEl('path', { d: data.base.sphere, fill: theme.ocean }, view);
  svgEl('path', { d: data.base.land, fill: theme.land }, view);
  const countryGroup = svgEl('g', { class: 'countries', fill: theme.accent, 'fill-opacity': 0 }, view);
  const countryShapes = countries.path.map((d, i) => (d ? svgEl('path', { d, 'data-country': i }, countryGroup) : null));
  svgEl('path', { d: data.base.borders, stroke: theme.border, 'stroke-width': 0.5, 'pointer-events': 'none', ...line }, view);
  const dotGroup = svgEl('g', { class: 'dots', fill: theme.dotFill, 'fill-opacity': theme.dotOpacity, stroke: theme.dotStroke, 'stroke-width': 0.6 }, view);
  const dots = cities.x.map((x, i) => svgEl('circle', { cx: x, cy: cities.y[i], r: cities.r[i], 'data-i': i, 'vector-effect': 'non-scaling-stroke' }, dotGroup));
  return { view, countryGroup, countryShapes, dotGroup, dots };
}

function drawLabels(data, svg) {
  const { theme, labels } = data;
  const labelGroup = svgEl('g', { class: 'labels', 'font-size': 11, 'paint-order': 'stroke', stroke: theme.background, 'stroke-width': 3, 'stroke-linejoin': 'round' }, svg);
  const leaderGroup = svgEl('g', { class: 'leaders', stroke: theme.leader, 'stroke-width': 1 }, svg);
  return labels.map((label) => {
    const text = svgEl('text', { dy: '0.35em', display: 'none' }, labelGroup);
    svgEl('tspan', { fill: theme.text, 'font-weight': 'bold' }, text).textContent = label.name;
    const figure = svgEl('tspan', { fill: theme.accent }, text);
    figure.textContent = ` ${label.count}`;
    const leader = svgEl('line', { display: 'none' }, leaderGroup);
    return { text, figure, leader };
  });
}

/** The level whose label boxes fit zoom k: the highest not above it. */
function levelOf(levels, k) {
  let level = 0;
  while (level + 1 < levels.length && levels[level + 1] <= k + 1e-9) level++;
  return level;
}

/** Places one label's text and leader line for the view `transform`, from its box at `level`. */
function placeLabel(label, node, at, transform) {
  const [dx, dy, w, h, hasLeader] = at;
  const ax = transform.applyX(label.x);
  const ay = transform.applyY(label.y);
  const bx = ax + dx;
  const by = ay + dy;
  const centre = bx + w / 2;
  const side = Math.abs(centre - ax) < w * 0.25 ? 'middle' : centre < ax ? 'end' : 'start';
  node.text.setAttribute('text-anchor', side);
  node.text.setAttribute('x', String(side === 'middle' ? centre : side === 'end' ? bx + w - 3 : bx + 3));
  node.text.setAttribute('y', String(by + h / 2));
  node.text.setAttribute('display', 'inline');
  if (hasLeader) {
    node.leader.setAttribute('x1', String(ax));
    node.leader.setAttribute('y1', String(ay));
    node.leader.setAttribute('x2', String(Math.max(bx, Math.min(ax, bx + w))));
    node.leader.setAttribute('y2', String(Math.max(by, Math.min(ay, by + h))));
    node.leader.setAttribute('display', 'inline');
  } else node.leader.setAttribute('display', 'none');
}

/** The filters' state and what it shows: the whole run's counts until a filter is chosen. */
function wholeRun(data) {
  const { cities, labels, countries } = data;
  return {
    active: false,
    text: '',
    cityIps: cities.ips,
    cityEvents: cities.events,
    placeCount: labels.map((l) => l.count),
    countryIps: countries.ips,
    countryEvents: countries.events,
    subtitle: data.subtitle,
    radius: cities.r,
  };
}

/** The counts under a filter, recounted from the cells (unpacked on the first filter). */
function filteredCounts(data, cellsOnce, filter, text) {
  const { filters, cities, labels, countries, radius } = data;
  const counts = recount(cellsOnce(), filter, {
    cities: cities.x.length,
    places: labels.length,
    countries: countries.code.length,
    cityPlace: data.cityPlace,
    cityCountry: filters.cityCountry,
    binCount: filters.starts.length,
  });
  const r = Array.from(counts.city.ips, (ips) => (ips > 0 ? Math.max(radius.min, radius.max * Math.sqrt(ips / radius.of)) : 0));
  return {
    active: true,
    text,
    cityIps: counts.city.ips,
    cityEvents: counts.city.events,
    placeCount: Array.from(counts.place.ips, (ips) => (ips > 0 ? count(ips) : '')),
    countryIps: counts.country.ips,
    countryEvents: counts.country.events,
    subtitle: `${text} · ${plural(counts.whole.ips, 'address', 'addresses')} in ${plural(counts.whole.cities, 'city', 'cities')} · ${plural(counts.whole.events, 'event', 'events')}`,
    radius: r,
  };
}

/** A select of "all" and each name, calling `change` with the chosen code (-1: all). */
function nameSelect(holder, id, caption, all, names, codes, change) {
  const label = htmlEl('label', {}, holder);
  label.textContent = `${caption} `;
  const select = htmlEl('select', { id }, label);
  htmlEl('option', { value: -1 }, select).textContent = all;
  for (const code of codes) htmlEl('option', { value: code }, select).textContent = names[code];
  select.addEventListener('change', () => change(Number(select.value)));
  if (codes.length < 2) label.style.display = 'none';
  return select;
}

/** The jail, server and time-window controls; `apply` gets the filter and its description. */
function filterControls(filters, apply) {
  const holder = document.getElementById('filters');
  const filter = { jail: -1, server: -1, from: 0, to: Math.max(0, filters.starts.length - 1) };
  const describe = () => {
    const parts = [];
    if (filter.jail >= 0) parts.push(`jail ${filters.jails[filter.jail]}`);
    if (filter.server >= 0) parts.push(`server ${filters.servers[filter.server]}`);
    const whole = filter.from === 0 && filter.to === filters.starts.length - 1;
    if (filters.starts.length && !whole) parts.push(dateRange());
    return parts.join(' · ');
  };
  const last = filters.starts.length - 1;
  const endOf = (i) => (filters.bin === 'week' ? `week of ${filters.starts[i]}` : filters.starts[i]);
  const dateRange = () => (filter.from === filter.to ? endOf(filter.from) : `${endOf(filter.from)} – ${endOf(filter.to)}`);
  const changed = () => apply(filter, describe());
  nameSelect(holder, 'jail', 'Jail', 'All jails', filters.jails, filters.jailCodes, (code) => ((filter.jail = code), changed()));
  nameSelect(holder, 'server', 'Server', 'All servers', filters.servers, filters.serverCodes, (code) => ((filter.server = code), changed()));
  if (last < 0) return;
  const range = htmlEl('span', { class: 'range' }, holder);
  range.appendChild(document.createElement('span')).textContent = 'From';
  const from = htmlEl('input', { type: 'range', id: 'from', min: 0, max: last, value: 0, 'aria-label': `first ${filters.bin}` }, range);
  range.appendChild(document.createElement('span')).textContent = 'to';
  const to = htmlEl('input', { type: 'range', id: 'to', min: 0, max: last, value: last, 'aria-label': `last ${filters.bin}` }, range);
  const shown = htmlEl('span', { id: 'window', class: 'muted' }, range);
  const note = filters.untimed ? ' (events without a time count only over the whole window)' : '';
  const show = () => (shown.textContent = `${dateRange()} · ${filters.zone}${filter.from === 0 && filter.to === last ? '' : note}`);
  from.addEventListener('input', () => {
    filter.from = Math.min(Number(from.value), filter.to);
    from.value = String(filter.from);
    show();
    changed();
  });
  to.addEventListener('input', () => {
    filter.to = Math.max(Number(to.value), filter.from);
    to.value = String(filter.to);
    show();
    changed();
  });
  show();
}

/** The tooltip's heading and lines, placed beside the pointer. */
function showTip(holder, tip, heading, lines, event) {
  tip.replaceChildren();
  const title = document.createElement('b');
  title.textContent = heading;
  const body = document.createElement('span');
  body.textContent = lines.join('\n');
  tip.append(title, body);
  const box = holder.getBoundingClientRect();
  tip.style.left = `${Math.max(0, Math.min(event.clientX - box.left + 12, box.width - 260))}px`;
  tip.style.top = `${event.clientY - box.top + 12}px`;
  tip.style.display = 'block';
}

function cityLines(data, shown, i) {
  const { cities } = data;
  const whole = shown.active ? ' (whole run)' : '';
  return [
    ...(shown.active ? [shown.text] : []),
    `${plural(shown.cityIps[i], 'address', 'addresses')} · ${plural(shown.cityEvents[i], 'event', 'events')}`,
    `first seen ${cities.first[i] ?? 'unknown'}${whole}`,
    `last seen ${cities.last[i] ?? 'unknown'}${whole}`,
    ...cities.networks[i].map(([asn, org, ips]) => `AS${asn} ${org ?? ''}: ${plural(ips, 'address', 'addresses')}${whole}`),
  ];
}

function countryLines(shown, i) {
  return [...(shown.active ? [shown.text] : []), `${plural(shown.countryIps[i], 'address', 'addresses')} · ${plural(shown.countryEvents[i], 'event', 'events')}`];
}

/** The size legend: a dot per value, at the size it has on the map at zoom 1. */
function drawLegend(data) {
  const holder = document.getElementById('legend');
  holder.appendChild(document.createElement('span')).textContent = 'Distinct addresses per city: ';
  for (const { value, r } of data.legend) {
    const size = 2 * r + 2;
    const key = svgEl('svg', { width: size, height: size, viewBox: `0 0 ${size} ${size}` });
    svgEl('circle', { cx: size / 2, cy: size / 2, r, fill: data.theme.dotFill, 'fill-opacity': data.theme.dotOpacity, stroke: data.theme.dotStroke }, key);
    const caption = document.createElement('span');
    caption.textContent = ` ${count(value)}  `;
    holder.append(key, caption);
  }
}

function start(data) {
  document.getElementById('title').textContent = data.title;
  document.getElementById('subtitle').textContent = data.subtitle;
  document.getElementById('credits').textContent = data.credits.join(' ');
  const holder = document.getElementById('map');
  const tip = document.getElementById('tip');
  const svg = svgEl('svg', { viewBox: `0 0 ${data.width} ${data.height}`, role: 'img', 'aria-label': data.title });
  holder.insertBefore(svg, tip);
  const map = drawMap(data, svg);
  const labelNodes = drawLabels(data, svg);
  let shown = wholeRun(data);
  let transform = zoomIdentity;
  let sized = { k: 0, shown: null };

  function draw() {
    map.view.setAttribute('transform', transform.toString());
    // Dots keep their size on screen: the view's scale is undone on each radius (not redone while panning).
    if (sized.k !== transform.k || sized.shown !== shown) {
      for (let i = 0; i < map.dots.length; i++) {
        const r = shown.radius[i];
        if (r > 0) map.dots[i].setAttribute('r', String(r / transform.k));
        if (sized.shown !== shown) map.dots[i].setAttribute('display', r > 0 ? 'inline' : 'none');
      }
      sized = { k: transform.k, shown };
    }
    const level = levelOf(data.levels, transform.k);
    let named = 0;
    data.labels.forEach((label, i) => {
      const node = labelNodes[i];
      const at = label.at[level];
      if (!at || !shown.placeCount[i]) {
        node.text.setAttribute('display', 'none');
        node.leader.setAttribute('display', 'none');
        return;
      }
      node.figure.textContent = ` ${shown.placeCount[i]}`;
      placeLabel(label, node, at, transform);
      named++;
    });
    document.getElementById('zoom').textContent = `zoom ×${transform.k.toFixed(1)} · ${named} places named`;
  }

  let cells = null;
  const cellsOnce = () => (cells ??= unpackCells(data.filters.cells, data.filters.starts.length, data.filters.servers.length));
  filterControls(data.filters, (filter, text) => {
    shown = text ? filteredCounts(data, cellsOnce, filter, text) : wholeRun(data);
    document.getElementById('subtitle').textContent = shown.subtitle;
    tip.style.display = 'none';
    draw();
  });

  const hover = (event) => {
    const city = event.target.getAttribute('data-i');
    const country = event.target.getAttribute('data-country');
    if (city !== null) {
      const i = Number(city);
      const name = data.cities.country[i] && data.cities.country[i] !== data.cities.name[i] ? `${data.cities.name[i]}, ${data.cities.country[i]}` : data.cities.name[i];
      showTip(holder, tip, name, cityLines(data, shown, i), event);
    } else if (country !== null) {
      event.target.setAttribute('fill-opacity', 0.25);
      showTip(holder, tip, data.countries.name[Number(country)], countryLines(shown, Number(country)), event);
    }
  };
  svg.addEventListener('pointerover', hover);
  svg.addEventListener('pointerdown', hover);
  svg.addEventListener('pointerout', (event) => {
    if (event.target.getAttribute('data-country') !== null) event.target.removeAttribute('fill-opacity');
    tip.style.display = 'none';
  });

  const behaviour = zoom()
    .scaleExtent([1, 64])
    .translateExtent([
      [0, 0],
      [data.width, data.height],
    ])
    .on('zoom', (event) => ((transform = event.transform), draw()));
  const selection = select(svg).call(behaviour);
  // Made here rather than in the markup: the page's HTML holds no control a payload could imitate.
  const reset = document.createElement('button');
  reset.type = 'button';
  reset.id = 'reset';
  reset.textContent = 'Reset view';
  reset.addEventListener('click', () => selection.call(behaviour.transform, zoomIdentity));
  document.getElementById('controls').prepend(reset);
  drawLegend(data);
  draw();
  // Tests and the bench wait for this mark: the map is drawn and answers to zoom, hover and filters.
  document.documentElement.dataset.ready = '1';
}

readData().then(start, (error) => {
  document.getElementById('subtitle').textContent = `The map's data could not be read: ${error}`;
});
