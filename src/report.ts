import { escapeHtml } from './html';
import type { Analysis } from './pipeline';
import type { Summary } from './summary';

const number = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : escapeHtml(n));

/** An HTML table of rows; every cell escaped (file names, city and jail names come from logs). */
export function htmlTable(rows: readonly Record<string, unknown>[], columns: readonly string[], headers: readonly string[] = columns): string {
  const head = headers.map((h) => `<th style="text-align:left">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${columns.map((c) => `<td style="text-align:${typeof row[c] === 'number' ? 'right' : 'left'}">${number(row[c])}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** What was read: one row per input with its format and the accounting of its lines. */
export function inputsTableHtml(analysis: Analysis): string {
  const rows = analysis.load.inputs.map((input) => ({
    file: input.file,
    server: input.server,
    format: input.format,
    lines: input.lines,
    records: input.records,
    events: input.events,
    skipped:
      Object.entries(input.skipped)
        .sort((a, b) => b[1] - a[1])
        .map(([reason, count]) => `${reason}: ${count.toLocaleString('en-US')}`)
        .join('; ') || '—',
    error: input.error ?? '',
  }));
  const failed = analysis.summary.failed_inputs;
  const warning = failed.length
    ? `<p style="color:#b00020"><b>${failed.length} input(s) could not be read completely</b>; their counts cover what was read.</p>`
    : '';
  return `${warning}${htmlTable(rows, ['file', 'server', 'format', 'lines', 'records', 'events', 'skipped', 'error'])}`;
}

/** The addresses by how precisely they were placed, and the database that placed them. */
export function locationSummaryHtml(analysis: Analysis): string {
  const { ips, database } = analysis.summary;
  const rows = [
    { class: 'located to a city', addresses: ips.located_city },
    { class: 'located to a country only (not drawn on the map)', addresses: ips.located_country_only },
    { class: 'not in the database', addresses: ips.not_found },
    { class: 'private or reserved (not looked up)', addresses: ips.not_public },
    { class: 'distinct addresses', addresses: ips.distinct },
  ];
  return `<p>Database: <b>${escapeHtml(database.type)}</b>, built ${escapeHtml(database.build_date)} (<code>${escapeHtml(database.file)}</code>). <i>${escapeHtml(database.attribution)}.</i></p>${htmlTable(rows, ['class', 'addresses'])}<p>${number(ips.ipv4)} IPv4, ${number(ips.ipv6)} IPv6.</p>`;
}

/** The files a run wrote, as a list. */
export function outputsHtml(summary: Summary, out: string): string {
  const items = [
    ...Object.entries(summary.charts).map(([name, files]) => `${escapeHtml(name)}: <code>${escapeHtml(files.svg)}</code>, <code>${escapeHtml(files.png)}</code>`),
    ...Object.entries(summary.tables).map(([name, file]) => `${escapeHtml(name)}: <code>${escapeHtml(file)}</code>`),
    'summary: <code>summary.json</code>',
  ];
  return `<p>Written to <code>${escapeHtml(out)}</code>:</p><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}
