import { escapeHtml } from '../html';
import { GAZETTEER_CREDIT } from '../aggregate/gazetteer';
import type { Summary } from '../aggregate/summary';

/** A notebook a run executed, with paths relative to the output folder. */
export interface NotebookEntry {
  name: string;
  html: string;
  ipynb: string;
  seconds: number;
}

const number = (n: number) => (typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US') : escapeHtml(n));

const STYLE = `
body { font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #14213d; }
h1 { margin-bottom: 0.2rem; } .muted { color: #56627a; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1rem; }
figure { margin: 0; } figure img { width: 100%; border: 1px solid #e2e8f0; }
.warning { background: #fff4e5; border-left: 4px solid #d9480f; padding: 0.5rem 1rem; }
`;

/**
 * `output/index.html`: the run at a glance, linking the executed notebooks, charts and tables.
 * Every value is escaped (file, city and organisation names come from attacker-written logs);
 * it refers only to files beside it, so it opens offline.
 */
export function indexHtml(summary: Summary, notebooks: readonly NotebookEntry[]): string {
  const { ips, database } = summary;
  const window = summary.window.first_event ? `${summary.window.first_event.slice(0, 10)} – ${(summary.window.last_event ?? '').slice(0, 10)}` : 'no event times in the inputs';
  const failed = summary.failed_inputs ?? [];
  const warnings = [
    ...(failed.length ? [`<b>${number(failed.length)} of ${number(summary.inputs.length)} input file(s) could not be read completely</b>: the figures cover what was read.`] : []),
    ...failed.map((f) => `Input <code>${escapeHtml(f.file)}</code> could not be read completely: ${escapeHtml(f.error)}`),
    ...summary.inputs.flatMap((i) => i.warnings ?? []).map((w) => escapeHtml(w)),
    ...summary.notes.map((n) => escapeHtml(n)),
  ];
  const charts = Object.entries(summary.charts)
    .map(
      ([name, files]) =>
        `<figure><a href="${escapeHtml(files.svg)}"><img src="${escapeHtml(files.png)}" alt="${escapeHtml(name)}"></a><figcaption>${escapeHtml(name)} · <a href="${escapeHtml(files.svg)}">SVG</a> · <a href="${escapeHtml(files.png)}">PNG</a></figcaption></figure>`,
    )
    .join('\n');
  const inputs = summary.inputs
    .map((i) => {
      const skipped = Object.entries(i.skipped)
        .map(([reason, count]) => {
          const at = i.skipped_examples?.[reason] ?? [];
          const lines = at.length ? ` <span class="muted">(line${at.length > 1 ? 's' : ''} ${at.join(', ')}${count > at.length ? ', …' : ''})</span>` : '';
          return `${escapeHtml(reason)}: ${number(count)}${lines}`;
        })
        .join('<br>');
      const problems = [...(i.error ? [`<b>${escapeHtml(i.error)}</b>`] : []), ...(i.warnings ?? []).map((w) => escapeHtml(w))].join('<br>');
      return `<tr><td><code>${escapeHtml(i.file)}</code></td><td>${escapeHtml(i.server)}</td><td>${escapeHtml(i.format)}</td><td class="n">${number(i.lines)}</td><td class="n">${number(i.records)}</td><td>${skipped || '—'}</td><td>${problems}</td></tr>`;
    })
    .join('\n');
  const notebookRows = notebooks
    .map((n) => `<tr><td><a href="${escapeHtml(n.html)}">${escapeHtml(n.name)}</a></td><td><a href="${escapeHtml(n.ipynb)}">.ipynb</a></td><td class="n">${n.seconds.toFixed(1)} s</td></tr>`)
    .join('\n');
  const tables = Object.entries(summary.tables)
    .map(([name, file]) => `<li><a href="${escapeHtml(file)}">${escapeHtml(name)}</a></li>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; style-src 'unsafe-inline'">
<title>BotMap · ${escapeHtml(window)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>BotMap</h1>
<p class="muted">${escapeHtml(window)} · ${number(ips.distinct)} distinct addresses from ${number(summary.inputs.length)} input file(s) · generated ${escapeHtml(summary.generated_at)}</p>
${warnings.length ? `<div class="warning"><ul>${warnings.map((w) => `<li>${w}</li>`).join('')}</ul></div>` : ''}
<h2>Addresses</h2>
<table>
<tr><td>located to a city</td><td class="n">${number(ips.located_city)}</td></tr>
<tr><td>located to a country only (not drawn as city dots)</td><td class="n">${number(ips.located_country_only)}</td></tr>
<tr><td>not in the database</td><td class="n">${number(ips.not_found)}</td></tr>
<tr><td>private or reserved (not looked up)</td><td class="n">${number(ips.not_public)}</td></tr>
<tr><th>distinct</th><th class="n">${number(ips.distinct)}</th></tr>
</table>
<p class="muted">Geolocation: ${escapeHtml(database.type)}, built ${escapeHtml(database.build_date)}. ${escapeHtml(database.attribution)}. ${escapeHtml(GAZETTEER_CREDIT)}.</p>
<h2>Charts</h2>
${summary.map ? `<p><a href="${escapeHtml(summary.map)}">The world map to zoom and pan</a>: hover a dot for its city, counts, dates and networks.</p>` : ''}
<div class="charts">
${charts}
</div>
<h2>Notebooks</h2>
<table><tr><th>notebook</th><th></th><th>run time</th></tr>
${notebookRows}
</table>
<h2>Tables</h2>
<ul>${tables}<li><a href="summary.json">summary.json</a></li></ul>
<h2>Inputs</h2>
<table><tr><th>file</th><th>server</th><th>format</th><th>lines</th><th>records</th><th>skipped</th><th>errors and warnings</th></tr>
${inputs}
</table>
</body>
</html>
`;
}
