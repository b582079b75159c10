import { describe, expect, it } from 'vitest';
import { indexHtml } from '../src/export/site';
import { stripNotebook } from '../scripts/strip-notebooks';
import type { Summary } from '../src/aggregate/summary';

const hostile = '<script>alert(1)</script>';

function summary(): Summary {
  return {
    botmap_version: '0.1.0',
    generated_at: '2026-11-26T00:00:00.000Z',
    database: { type: 'GeoLite2-City', build_date: '2026-09-18', file: 'x.mmdb', attribution: 'This product includes GeoLite2 data created by MaxMind' },
    inputs: [{ file: `logs/${hostile}.log`, format: 'fail2ban-log', server: `"><img src=x onerror=alert(1)>`, lines: 3, records: 2, events: 2, duplicates: 0, skipped: { [hostile]: 1 }, skipped_examples: {} }],
    failed_inputs: [{ file: 'broken.gz', error: `unexpected end of file ${hostile}` }],
    window: { first_event: '2026-09-14T00:00:00.000Z', last_event: '2026-10-25T00:00:00.000Z' },
    events: { total: 2, attacks: 2, by_kind: { ban: 2 } },
    ips: { distinct: 2, ipv4: 2, ipv6: 0, not_public: 0, located_city: 2, located_country_only: 0, not_found: 0 },
    top_cities: [],
    top_countries: [],
    charts: { 'world-map': { svg: 'charts/world-map.svg', png: 'charts/world-map.png' } },
    tables: { ips: 'tables/ips.csv' },
    notes: [`note ${hostile}`],
  };
}

describe('indexHtml', () => {
  const html = indexHtml(summary(), [{ name: '01-botmap', html: 'notebooks/01-botmap.html', ipynb: 'notebooks/01-botmap.ipynb', seconds: 6.5 }]);

  it('escapes every value that came from the inputs', () => {
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('links charts, notebooks and tables by relative paths only, and forbids scripts', () => {
    expect(html).toContain('href="charts/world-map.svg"');
    expect(html).toContain('src="charts/world-map.png"');
    expect(html).toContain('href="notebooks/01-botmap.html"');
    expect(html).toContain('href="tables/ips.csv"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain("default-src 'none'");
  });

  it('says which inputs failed', () => {
    expect(html).toContain('broken.gz');
    expect(html).toContain('could not be read completely');
  });
});

describe('stripNotebook', () => {
  it('removes outputs and execution counts, and leaves clean notebooks alone', () => {
    const dirty = JSON.stringify({ cells: [{ cell_type: 'code', source: 'x', metadata: {}, outputs: [{ output_type: 'stream', text: 'hi' }], execution_count: 3 }, { cell_type: 'markdown', source: 'y', metadata: {} }] });
    const stripped = JSON.parse(stripNotebook(dirty)!);
    expect(stripped.cells[0]).toMatchObject({ outputs: [], execution_count: null, source: 'x' });
    expect(stripped.cells[1]).toEqual({ cell_type: 'markdown', source: 'y', metadata: {} });
    expect(stripNotebook(JSON.stringify(stripped))).toBeNull();
  });
});
