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

/**
 * The map itself on a canvas: ocean, land, the hovered country, borders and the dots, largest
 * first so the small stay visible on top. As SVG, 10,000 circles made each zoom step cost 65–95 ms
 * in headless Chromium (the bench's page job), most of it the browser restyling and repainting them.
 */
function canvasMap(data, canvas) {
  const { theme, cities } = data;
  const shapes = { sphere: new Path2D(data.base.sphere), land: new Path2D(data.base.land), borders: new Path2D(data.base.borders) };
  const countries = data.countries.path.map((d) => (d ? new Path2D(d) : null));
  const context = canvas.getContext('2d');
  let size = { scale: 1, ratio: 1 };
  /** The backing store follows the canvas's size on screen and the display's pixel ratio. */
  function resize() {
    const ratio = window.devicePixelRatio || 1;
    const cssWidth = canvas.clientWidth || data.width;
    canvas.width = Math.round(cssWidth * ratio);
    canvas.height = Math.round(((cssWidth * data.height) / data.width) * ratio);
    size = { scale: cssWidth / data.width, ratio };
  }
  function paint(transform, radius, hoveredCountry) {
    const { k, x, y } = transform;
    const s = size.scale * size.ratio;
    context.setTransform(s, 0, 0, s, 0, 0);
    context.clearRect(0, 0, data.width, data.height);
    context.transform(k, 0, 0, k, x, y);
    context.fillStyle = theme.ocean;
    context.fill(shapes.sphere);
    context.fillStyle = theme.land;
    context.fill(shapes.land);
    if (hoveredCountry >= 0 && countries[hoveredCountry]) {
      context.globalAlpha = 0.25;
      context.fillStyle = theme.accent;
      context.fill(countries[hoveredCountry]);
      context.globalAlpha = 1;
    }
    context.lineJoin = 'round';
    context.strokeStyle = theme.border;
    context.lineWidth = 0.5 / k;
    context.stroke(shapes.borders);
    // Only the dots in view: at ×32 a few hundred of 10,000. As on the static map, the dots under
    // SMALL_DOT px go without an outline, filled together on top (the bench's worst zoom step,
    // at ×1 with every dot in view: 60–90 ms with each dot filled and outlined alone).
    const [left, top, right, bottom] = [-x / k, -y / k, (data.width - x) / k, (data.height - y) / k];
    context.fillStyle = theme.dotFill;
    context.strokeStyle = theme.dotStroke;
    context.lineWidth = 0.6 / k;
    const small = new Path2D();
    let drawn = 0;
    for (let i = 0; i < cities.x.length; i++) {
      const r = radius[i] / k;
      const cx = cities.x[i];
      const cy = cities.y[i];
      if (!(r > 0) || cx + r < left || cx - r > right || cy + r < top || cy - r > bottom) continue;
      drawn++;
      if (radius[i] < data.smallDot) {
        small.moveTo(cx + r, cy);
        small.arc(cx, cy, r, 0, 2 * Math.PI);
        continue;
      }
      context.beginPath();
      context.arc(cx, cy, r, 0, 2 * Math.PI);
      context.globalAlpha = theme.dotOpacity;
      context.fill();
      context.globalAlpha = 0.9;
      context.stroke();
    }
    context.globalAlpha = 0.9;
    context.fillStyle = theme.smallDot;
    context.fill(small);
    context.globalAlpha = 1;
    return drawn;
  }
  /** The dot under a point of the map (zoom-1 pixels): the smallest, drawn last, wins. */
  function dotAt(mx, my, transform, radius) {
    for (let i = cities.x.length - 1; i >= 0; i--) {
      const r = radius[i] / transform.k;
      if (r > 0 && (cities.x[i] - mx) ** 2 + (cities.y[i] - my) ** 2 <= r * r) return i;
    }
    return -1;
  }
  const hitContext = document.createElement('canvas').getContext('2d');
  const countryAt = (mx, my) => countries.findIndex((shape) => shape !== null && hitContext.isPointInPath(shape, mx, my));
  resize();
  return { paint, resize, dotAt, countryAt };
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

/** Places one label's text and leader line for the view `transform`, from its box at `level`; false where the box leaves the map. */
function placeLabel(label, node, at, transform, width, height) {
  const [dx, dy, w, h, hasLeader] = at;
  const ax = transform.applyX(label.x);
  const ay = transform.applyY(label.y);
  const bx = ax + dx;
  const by = ay + dy;
  if (bx < 0 || by < 0 || bx + w > width || by + h > height) return false;
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
  return true;
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
  if (filters.off) {
    htmlEl('span', { class: 'muted' }, holder).textContent = `No filters: this run has too many addresses for the page to recount (${filters.off}).`;
    return;
  }
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
  const endOf = (i) => (filters.bin === 'week' ? `week of ${filters.starts[i]}` : filters.bin === 'month' ? filters.starts[i].slice(0, 7) : filters.starts[i]);
  const dateRange = () => (filter.from === filter.to ? endOf(filter.from) : `${endOf(filter.from)} – ${endOf(filter.to)}`);
  const changed = () => apply(filter, describe());
  nameSelect(holder, 'jail', 'Jail', 'All jails', filters.jails, filters.jailCodes, (code) => ((filter.jail = code), changed()));
  nameSelect(holder, 'server', 'Server', 'All servers', filters.servers, filters.serverCodes, (code) => ((filter.server = code), changed()));
  if (filters.bin === 'whole') {
    htmlEl('span', { class: 'muted' }, holder).textContent = 'No time window to choose: by day, week or month this run would need more data than the page can carry.';
  }
  // One bin (or none): no window to choose.
  if (last < 1) return;
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

/** What the pointer is over, in map pixels at zoom 1, from a pointer event on the overlay. */
function mapPoint(svg, data, transform, event) {
  const box = svg.getBoundingClientRect();
  const px = ((event.clientX - box.left) * data.width) / box.width;
  const py = ((event.clientY - box.top) * data.height) / box.height;
  return transform.invert([px, py]);
}

function cityHeading(cities, i) {
  return cities.country[i] && cities.country[i] !== cities.name[i] ? `${cities.name[i]}, ${cities.country[i]}` : cities.name[i];
}

function start(data) {
  document.getElementById('title').textContent = data.title;
  document.getElementById('subtitle').textContent = data.subtitle;
  document.getElementById('credits').textContent = data.credits.join(' ');
  const holder = document.getElementById('map');
  const tip = document.getElementById('tip');
  const canvas = htmlEl('canvas', { role: 'img', 'aria-label': data.title });
  const svg = svgEl('svg', { viewBox: `0 0 ${data.width} ${data.height}`, class: 'overlay' });
  holder.insertBefore(canvas, tip);
  holder.insertBefore(svg, tip);
  const map = canvasMap(data, canvas);
  const labelNodes = drawLabels(data, svg);
  let shown = wholeRun(data);
  let transform = zoomIdentity;
  let hoveredCountry = -1;

  function draw() {
    // Tests, the bench and the docs' pictures read the view from here.
    holder.dataset.transform = transform.toString();
    holder.dataset.dots = String(map.paint(transform, shown.radius, hoveredCountry));
    const level = levelOf(data.levels, transform.k);
    let named = 0;
    data.labels.forEach((label, i) => {
      const node = labelNodes[i];
      const at = label.at[level];
      node.figure.textContent = ` ${shown.placeCount[i]}`;
      if (at && shown.placeCount[i] && placeLabel(label, node, at, transform, data.width, data.height)) named++;
      else {
        node.text.setAttribute('display', 'none');
        node.leader.setAttribute('display', 'none');
      }
    });
    document.getElementById('zoom').textContent = `zoom ×${transform.k.toFixed(1)} · ${named} places named in view`;
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
    const [mx, my] = mapPoint(svg, data, transform, event);
    const city = map.dotAt(mx, my, transform, shown.radius);
    const country = city < 0 ? map.countryAt(mx, my) : -1;
    if (country !== hoveredCountry) {
      hoveredCountry = country;
      holder.dataset.dots = String(map.paint(transform, shown.radius, hoveredCountry));
    }
    if (city >= 0) showTip(holder, tip, cityHeading(data.cities, city), cityLines(data, shown, city), event);
    else if (country >= 0) showTip(holder, tip, data.countries.name[country], countryLines(shown, country), event);
    else tip.style.display = 'none';
  };
  svg.addEventListener('pointermove', hover);
  svg.addEventListener('pointerdown', hover);
  svg.addEventListener('pointerleave', () => {
    tip.style.display = 'none';
    if (hoveredCountry >= 0) (hoveredCountry = -1), draw();
  });
  new ResizeObserver(() => (map.resize(), draw())).observe(canvas);

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
