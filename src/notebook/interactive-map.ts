import { createHash } from 'node:crypto';
import type { Chart } from '../charts/frame';
import { drawingParameters, type ChartsOptions } from '../charts/charts';
import { fitWorld } from '../charts/geo';
import { MAP_WIDTH, mapPageHtml } from '../export/map-page';
import type { Analysis } from './pipeline';

/** What a reader sees where the front end runs no script (untrusted output, the published HTML, GitHub). */
export const STATIC_MAP_NOTE = 'Scripts are blocked here, so this is the static map: open map.html in the output folder to zoom and pan.';

/**
 * Height the page needs around its map (title, legend and filter rows, credits), as CSS of the
 * frame's width: its rows wrap as the frame narrows. Measured in Chromium on the sample: 183 px
 * in frames of 1084 px and more, 219 at 984–1034, 235 at 734–934, 279 at 684, 295 at 584–634,
 * 349 at 484. A line over the steps' corners: never short of them, at most 85 px over.
 */
const PAGE_CHROME = 'max(190px, 545px - 30%)';

/**
 * The notebook's interactive world map: `map.html`'s page in a frame, where the front end runs
 * scripts (Jupyter, JupyterLab with trusted output, VS Code), and the static world map with a
 * one-line note where it does not. `options` are the parameters cell's `params`, as for the charts.
 *
 * The output holds the static map; a small inline script swaps it for an `<iframe>` whose
 * `srcdoc` it sets as a DOM property from a JSON string (`<` written `\u003c`, so no log text
 * can end the script or start markup). With no script, no frame is made: a frame without its
 * script would stay blank wherever scripts are blocked. The frame is sandboxed without
 * `allow-same-origin`, so the page, which shows attacker-written names, runs in an origin of
 * its own, never the notebook server's. It cannot be measured from outside, so its height is
 * set from the map's proportions: the padding trick (a percentage of padding is of the width).
 */
export function interactiveMapHtml(analysis: Analysis, staticMap: Chart | string, options: ChartsOptions = {}): string {
  // Drawn as the notebook's other charts are: a theme or projection changed in the parameters
  // cell applies without a new analysis (and a changed DATA is the same error as theirs).
  const parameters = drawingParameters(analysis, options);
  const page = mapPageHtml({ ...analysis, parameters });
  // The map's proportions as map.html draws it, without building its data twice.
  const { height } = fitWorld(parameters.projection, MAP_WIDTH);
  const svg = typeof staticMap === 'string' ? staticMap : staticMap.svg.outerHTML;
  // The same for the same map; the script takes the id off its box once done, so a second
  // output of the same map finds its own box.
  const id = `botmap-map-${createHash('sha256').update(page).digest('hex').slice(0, 12)}`;
  const ratio = Number(((height / MAP_WIDTH) * 100).toFixed(3));
  return `<div id="${id}" class="botmap-interactive-map">
<p class="botmap-static-note" style="margin:0 0 0.5em;font-style:italic">${STATIC_MAP_NOTE}</p>
${svg}
</div>
<script>${frameScript(id, ratio, page)}</script>
`;
}

/** A JavaScript string literal that is safe inside `<script>`: no `<` (so no `</script>` or `<!--`), no line separators. */
function scriptString(text: string): string {
  return JSON.stringify(text).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * The text of the output's script: replaces the box `id` with a frame showing `page`, as wide
 * as the output and `heightPercent` of its width plus the page's header and footer high.
 * Exported for the output checks, which allow this script and no other in a notebook's outputs.
 */
export function frameScript(id: string, heightPercent: number, page: string): string {
  const frameStyle = 'position:absolute;inset:0;width:100%;height:100%;border:0';
  return `
(function () {
  var box = document.getElementById(${JSON.stringify(id)});
  if (!box) return;
  var holder = document.createElement('div');
  holder.style.cssText = 'position:relative;width:100%;padding-bottom:calc(${heightPercent}% + ${PAGE_CHROME})';
  var frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('title', 'BotMap: the world map to zoom and pan');
  frame.style.cssText = ${JSON.stringify(frameStyle)};
  frame.srcdoc = ${scriptString(page)};
  holder.appendChild(frame);
  box.removeAttribute('id');
  box.replaceChildren(holder);
})();
`;
}
