// The script of map.html, bundled with d3-zoom by `mapClientScript` (src/export/map-page.ts).
// Plain JavaScript: the project compiles without the DOM type library. Every name from the
// logs reaches the page through `textContent` or an attribute value, never as markup.
import { select } from 'd3-selection';
import { zoom, zoomIdentity } from 'd3-zoom';

const SVG = 'http://www.w3.org/2000/svg';
const data = JSON.parse(document.getElementById('botmap-data').textContent);
const { theme, cities, labels, levels, width, height } = data;
const count = (n) => n.toLocaleString('en-US');
const plural = (n, one, many) => `${count(n)} ${n === 1 ? one : many}`;

function svgEl(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (parent) parent.appendChild(node);
  return node;
}

document.getElementById('title').textContent = data.title;
document.getElementById('subtitle').textContent = data.subtitle;
document.getElementById('credits').textContent = data.credits.join(' ');

const holder = document.getElementById('map');
const tip = document.getElementById('tip');
const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': data.title });
holder.insertBefore(svg, tip);
const view = svgEl('g', { class: 'view' }, svg);
const line = { fill: 'none', 'vector-effect': 'non-scaling-stroke', 'stroke-linejoin': 'round' };
svgEl('path', { d: data.base.sphere, fill: theme.ocean }, view);
svgEl('path', { d: data.base.land, fill: theme.land }, view);
svgEl('path', { d: data.base.borders, stroke: theme.border, 'stroke-width': 0.5, ...line }, view);

// Largest first, so the small dots stay visible on top.
const dotGroup = svgEl('g', { class: 'dots', fill: theme.dotFill, 'fill-opacity': theme.dotOpacity, stroke: theme.dotStroke, 'stroke-width': 0.6, 'vector-effect': 'non-scaling-stroke' }, view);
const dots = cities.x.map((x, i) => svgEl('circle', { cx: x, cy: cities.y[i], r: cities.r[i], 'data-i': i, 'vector-effect': 'non-scaling-stroke' }, dotGroup));

const labelGroup = svgEl('g', { class: 'labels', 'font-size': 11, 'paint-order': 'stroke', stroke: theme.background, 'stroke-width': 3, 'stroke-linejoin': 'round' }, svg);
const leaderGroup = svgEl('g', { class: 'leaders', stroke: theme.leader, 'stroke-width': 1 }, svg);
const labelNodes = labels.map((label) => {
  const text = svgEl('text', { dy: '0.35em', display: 'none' }, labelGroup);
  svgEl('tspan', { fill: theme.text, 'font-weight': 'bold' }, text).textContent = label.name;
  svgEl('tspan', { fill: theme.accent }, text).textContent = ` ${label.count}`;
  const leader = svgEl('line', { display: 'none' }, leaderGroup);
  return { text, leader };
});

/** The level whose label boxes fit zoom k: the highest not above it. */
function levelOf(k) {
  let level = 0;
  while (level + 1 < levels.length && levels[level + 1] <= k + 1e-9) level++;
  return level;
}

let shownLevel = -1;
function draw(transform) {
  view.setAttribute('transform', transform.toString());
  // Dots keep their size on screen: the view's scale is undone on each radius.
  if (dotGroup.dataset.k !== String(transform.k)) {
    for (let i = 0; i < dots.length; i++) dots[i].setAttribute('r', String(cities.r[i] / transform.k));
    dotGroup.dataset.k = String(transform.k);
  }
  const level = levelOf(transform.k);
  labels.forEach((label, i) => {
    const at = label.at[level];
    const { text, leader } = labelNodes[i];
    if (!at) {
      if (level !== shownLevel) (text.setAttribute('display', 'none'), leader.setAttribute('display', 'none'));
      return;
    }
    const [dx, dy, w, h, hasLeader] = at;
    const ax = transform.applyX(label.x);
    const ay = transform.applyY(label.y);
    const bx = ax + dx;
    const by = ay + dy;
    const centre = bx + w / 2;
    const side = Math.abs(centre - ax) < w * 0.25 ? 'middle' : centre < ax ? 'end' : 'start';
    text.setAttribute('text-anchor', side);
    text.setAttribute('x', String(side === 'middle' ? centre : side === 'end' ? bx + w - 3 : bx + 3));
    text.setAttribute('y', String(by + h / 2));
    text.setAttribute('display', 'inline');
    if (hasLeader) {
      leader.setAttribute('x1', String(ax));
      leader.setAttribute('y1', String(ay));
      leader.setAttribute('x2', String(Math.max(bx, Math.min(ax, bx + w))));
      leader.setAttribute('y2', String(Math.max(by, Math.min(ay, by + h))));
      leader.setAttribute('display', 'inline');
    } else leader.setAttribute('display', 'none');
  });
  shownLevel = level;
  document.getElementById('zoom').textContent = `zoom ×${transform.k.toFixed(1)} · ${labels.filter((l) => l.at[level]).length} places named`;
}

function showDetails(i, event) {
  tip.replaceChildren();
  const heading = document.createElement('b');
  heading.textContent = cities.country[i] && cities.country[i] !== cities.name[i] ? `${cities.name[i]}, ${cities.country[i]}` : cities.name[i];
  const lines = [
    `${plural(cities.ips[i], 'address', 'addresses')} · ${plural(cities.events[i], 'event', 'events')}`,
    `first seen ${cities.first[i] ?? 'unknown'}`,
    `last seen ${cities.last[i] ?? 'unknown'}`,
    ...cities.networks[i].map(([asn, org, ips]) => `AS${asn} ${org ?? ''}: ${plural(ips, 'address', 'addresses')}`),
  ];
  const body = document.createElement('span');
  body.textContent = lines.join('\n');
  tip.append(heading, body);
  const box = holder.getBoundingClientRect();
  tip.style.left = `${Math.min(event.clientX - box.left + 12, box.width - 260)}px`;
  tip.style.top = `${event.clientY - box.top + 12}px`;
  tip.style.display = 'block';
}

dotGroup.addEventListener('pointerover', (event) => {
  const i = event.target.getAttribute('data-i');
  if (i !== null) showDetails(Number(i), event);
});
dotGroup.addEventListener('pointerdown', (event) => {
  const i = event.target.getAttribute('data-i');
  if (i !== null) showDetails(Number(i), event);
});
dotGroup.addEventListener('pointerout', () => {
  tip.style.display = 'none';
});

const behaviour = zoom()
  .scaleExtent([1, 64])
  .translateExtent([
    [0, 0],
    [width, height],
  ])
  .on('zoom', (event) => draw(event.transform));
const selection = select(svg).call(behaviour);
// Made here rather than in the markup: the page's HTML holds no control a payload could imitate.
const reset = document.createElement('button');
reset.type = 'button';
reset.id = 'reset';
reset.textContent = 'Reset view';
reset.addEventListener('click', () => selection.call(behaviour.transform, zoomIdentity));
document.getElementById('controls').prepend(reset);

// The size legend: a dot per value, at the size it has on the map at zoom 1.
const legendHolder = document.getElementById('legend');
const legendLabel = document.createElement('span');
legendLabel.textContent = 'Distinct addresses per city: ';
legendHolder.appendChild(legendLabel);
for (const { value, r } of data.legend) {
  const size = 2 * r + 2;
  const key = svgEl('svg', { width: size, height: size, viewBox: `0 0 ${size} ${size}` });
  svgEl('circle', { cx: size / 2, cy: size / 2, r, fill: theme.dotFill, 'fill-opacity': theme.dotOpacity, stroke: theme.dotStroke }, key);
  const caption = document.createElement('span');
  caption.textContent = ` ${count(value)}  `;
  legendHolder.append(key, caption);
}

draw(zoomIdentity);
// Tests and the bench wait for this mark: the map is drawn and answers to zoom and hover.
document.documentElement.dataset.ready = '1';
