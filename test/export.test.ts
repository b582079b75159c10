import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { Resvg } from '@resvg/resvg-js';
import { csvCell, PngWorker, svgToPng, toCsv, writeFileAtomic, writeTableCsv } from '../src/export/files';

describe('CSV', () => {
  it('neutralises spreadsheet formulas from log text', () => {
    for (const text of ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(text).startsWith("'")).toBe(true);
    expect(csvCell('root')).toBe('root');
    expect(csvCell(-33.5)).toBe('-33.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('writes a table in pieces as toCsv writes it whole, across piece boundaries, formatters and missing columns included', () => {
    const n = 12_001;
    const names = ['=cmd', 'a,b', 'say "hi"', 'line\nbreak', '-58', 'plain', ''];
    const table = aq.table({ ip: Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}`), name: Array.from({ length: n }, (_, i) => names[i % names.length]), seen: Array.from({ length: n }, (_, i) => (i % 3 ? i * 1000 : null)), lat: Float64Array.from({ length: n }, (_, i) => i / 7 - 100) });
    const columns = ['ip', 'name', 'seen', 'lat', 'absent'];
    const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-export-')), 't.csv');
    writeTableCsv(table, file, columns, { seen: iso });
    const whole = toCsv(columns, (table.objects() as Record<string, unknown>[]).map((r) => ({ ...r, seen: iso(r.seen as number | null) })));
    expect(fs.readFileSync(file, 'utf8')).toBe(whole);
    // A header, n rows, the final newline, and a second line for each cell with a line break.
    expect(whole.split('\n').length).toBe(n + 2 + Math.ceil((n - 3) / 7));
  });

  it('quotes commas, quotes and newlines', () => {
    const csv = toCsv(['a', 'b'], [{ a: 'x,y', b: 'say "hi"\nthere' }]);
    expect(csv).toBe('a,b\n"x,y","say ""hi""\nthere"\n');
  });
});

describe('writeFileAtomic', () => {
  it('creates folders and leaves no temporary file behind', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-export-'));
    const file = path.join(dir, 'a', 'b', 'out.txt');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['out.txt']);
  });
});

describe('svgToPng', () => {
  it('renders at twice the size with the bundled font', () => {
    const png = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15" font-size="12">Hi</text></svg>');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(80);
    expect(png.readUInt32BE(20)).toBe(40);
  });

  it('encodes exactly the pixels resvg drew, as resvg itself reads them back', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><rect width="60" height="30" fill="#123"/><circle cx="20" cy="15" r="9" fill="rgba(255,80,0,0.5)"/><text x="30" y="20" font-size="12" fill="#eee">Hi</text></svg>';
    const drawn = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: false } }).render();
    const png = svgToPng(svg);
    const readBack = new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><image width="120" height="60" href="data:image/png;base64,${png.toString('base64')}"/></svg>`).render();
    // The text is drawn with the bundled font by svgToPng and without any font here: compare the left half only.
    const leftHalf = (pixels: Buffer) => Buffer.concat(Array.from({ length: 60 }, (_, y) => pixels.subarray(y * 480, y * 480 + 240)));
    expect(leftHalf(readBack.pixels).equals(leftHalf(drawn.pixels))).toBe(true);
    expect(readBack.pixels.length).toBe(120 * 60 * 4);
  });
});

describe('PngWorker', () => {
  it('renders in its thread the same bytes as svgToPng, in the order asked, and reports a broken SVG', async () => {
    const svgs = ['Hi', 'there', '<script>'].map((t, i) => `<svg xmlns="http://www.w3.org/2000/svg" width="${40 + i}" height="20"><text x="2" y="15" font-size="12">${t.replace(/</g, '&lt;')}</text></svg>`);
    const worker = new PngWorker();
    try {
      const pngs = await Promise.all(svgs.map((svg) => worker.render(svg)));
      expect(pngs.map((png) => png.readUInt32BE(16))).toEqual([80, 82, 84]);
      pngs.forEach((png, i) => expect(png.equals(svgToPng(svgs[i]))).toBe(true));
      await expect(worker.render('<svg')).rejects.toThrow(/PNG rendering failed/);
    } finally {
      await worker.close();
    }
  });
});
