import { createHash } from 'node:crypto';
import type { Chart } from '../charts/frame';
import { drawingParameters, type ChartsOptions } from '../charts/charts';
import { fitWorld } from '../charts/geo';
import { mapPageHtml, scriptJson } from '../export/map-page';
import type { Analysis } from './pipeline';

/** What a reader sees where the front end runs no script (untrusted output, the published HTML, GitHub). */
export const STATIC_MAP_NOTE = 'Scripts are blocked here, so this is the static map: open map.html in the output folder to zoom and pan.';

/**
 * Height the page needs around its map, in pixels: title, subtitle, legend row and credits.
 * Measured in Chromium on the sample: 155 at 1100–1400 px wide, 171 at 900, 187 at 700 (the
 * credits wrap), 207 at 600 (the legend row too); narrower frames scroll a little.
 */
const PAGE_CHROME_PX = 200;

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
  // The map's proportions as map.html draws it (1200 px wide at zoom 1), without building its data twice.
  const width = 1200;
  const { height } = fitWorld(parameters.projection, width);
  const svg = typeof staticMap === 'string' ? staticMap : staticMap.svg.outerHTML;
  // The same for the same map; the script takes the id off its box once done, so a second
  // output of the same map finds its own box.
  const id = `botmap-map-${createHash('sha256').update(page).digest('hex').slice(0, 12)}`;
  const ratio = Number(((height / width) * 100).toFixed(3));
  return `<div id="${id}" class="botmap-interactive-map">
<p class="botmap-static-note" style="margin:0 0 0.5em;font-style:italic">${STATIC_MAP_NOTE}</p>
${svg}
</div>
<script>${frameScript(id, ratio, page)}</script>
`;
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
  holder.style.cssText = 'position:relative;width:100%;padding-bottom:calc(${heightPercent}% + ${PAGE_CHROME_PX}px)';
  var frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('title', 'BotMap: the world map to zoom and pan');
  frame.style.cssText = ${JSON.stringify(frameStyle)};
  frame.srcdoc = ${scriptJson(page)};
  holder.appendChild(frame);
  box.removeAttribute('id');
  box.replaceChildren(holder);
})();
`;
}
