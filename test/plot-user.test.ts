import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Plot from '@observablehq/plot';
import { describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { plot } from '../src/charts/index';
import zlib from 'node:zlib';
import { parseColor } from '../src/charts/canvas';
import { encodePng } from '../src/png';
import { svgText, svgToPng, writeChart } from '../src/export/files';
import type { Analysis } from '../src/notebook/pipeline';
import { CITIES } from './plot-fixtures';
import { expectSvgSnapshot } from './support/snapshot';

const PNG_SIGNATURE = '89504e470d0a1a0a';

/** Width and height of a PNG, from its header. */
function pngSize(png: Buffer): [number, number] {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

/** Just what `plot` reads of an analysis: its theme and database. */
const ANALYSIS = {
  parameters: { theme: 'light' },
  database: { info: { type: 'GeoLite2-City', build_date: '2025-06-17', attribution: 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com' } },
} as unknown as Analysis;

/** The example of the README: addresses against events per city, coloured by country (a legend, so Plot returns a figure). */
function citiesScatter() {
  return plot(
    {
      width: 720,
      height: 360,
      x: { type: 'log', label: 'Attack events →' },
      y: { type: 'log', label: '↑ Distinct addresses' },
      color: { legend: true },
      marks: [Plot.dot(CITIES.filter((c) => ['CN', 'US', 'AR'].includes(c.country!)), { x: 'events', y: 'ips', fill: 'country', r: 6, title: (c) => `${c.city}: ${c.ips} addresses` })],
    },
    { title: 'Cities: addresses against events', subtitle: 'test cities of three countries', caption: 'One dot per city.', analysis: ANALYSIS },
  );
}

describe('plot: any Plot spec as a BotMap chart', () => {
  it('turns a figure with a colour legend into one standalone SVG that resvg renders', () => {
    const chart = citiesScatter();
    const svg = svgText(chart);
    expectSvgSnapshot('user-plot-light', svg);
    expect(chart.svg.outerHTML).toMatch(/^<svg [^>]*\bxmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<(figure|div|span|h2|figcaption)\b/);
    // The legend's swatches, one per country, drawn in SVG beside their names.
    for (const country of ['CN', 'US', 'AR']) expect(svg).toMatch(new RegExp(`<text [^>]*>${country}</text>`));
    expect(svg).toContain('>Cities: addresses against events</text>');
    expect(svg).toContain('This product includes GeoLite2 data created by MaxMind');
    expect(svg).toContain('<title>Shanghai: 412 addresses</title>');
    const png = svgToPng(svg);
    expect(png.subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual([2 * chart.width, 2 * chart.height]);
  });

  it('draws a continuous colour legend (Plot paints it on a canvas) as an embedded PNG', () => {
    const chart = plot({ color: { legend: true, type: 'linear', scheme: 'blues' }, marks: [Plot.cell(CITIES, { x: 'country', y: 'city', fill: 'ips' })] }, { theme: 'dark' });
    const svg = svgText(chart);
    expect(XMLValidator.validate(svg)).toBe(true);
    // linkedom writes Plot's xlink:href as SVG 2's href; a prefix left over would need its namespace.
    if (svg.includes('xlink:')) expect(chart.svg.getAttribute('xmlns:xlink')).toBe('http://www.w3.org/1999/xlink');
    const image = svg.match(/<image [^>]*href="data:image\/png;base64,([^"]+)"/);
    expect(image).not.toBeNull();
    const ramp = Buffer.from(image![1], 'base64');
    expect(pngSize(ramp)).toEqual([256, 1]);
    expect(svgToPng(svg).subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
    // No title given: none drawn, and none made up.
    expect(svg).not.toContain('<title>');
  });

  it('keeps hostile text in titles, text marks, legends and the frame escaped', () => {
    const hostile = '<script>&"';
    const rows = [{ name: hostile, n: 3 }, { name: 'root', n: 5 }];
    const chart = plot(
      { color: { legend: true }, marks: [Plot.barX(rows, { x: 'n', y: 'name', fill: 'name', title: (d) => `${d.name}: ${d.n}` }), Plot.text(rows, { x: 'n', y: 'name', text: 'name' })] },
      { title: hostile, caption: [hostile] },
    );
    const svg = svgText(chart);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('<title>&lt;script&gt;&amp;": 3</title>');
    expect(svg.match(/&lt;script&gt;&amp;"/g)!.length).toBeGreaterThanOrEqual(5); // title, caption, tooltip, text mark, axis, legend
  });

  it('keeps hostile text in attributes (a link, an ARIA label) well-formed XML', () => {
    const hostile = 'https://example.com/?a=1&b="<script>';
    const chart = plot({ ariaLabel: hostile, marks: [Plot.dot([1, 2], { x: (d) => d, href: () => hostile })] });
    const svg = svgText(chart);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('href="https://example.com/?a=1&amp;b=&quot;&lt;script>"');
    expect(svg).not.toContain('<script');
    expect(svgToPng(svg).subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
  });

  it('exports through writeChart like the built-in charts: SVG and PNG', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-user-plot-'));
    try {
      const files = writeChart(citiesScatter(), dir, 'my-chart');
      expect(files).toEqual({ svg: path.join(dir, 'my-chart.svg'), png: path.join(dir, 'my-chart.png') });
      expect(fs.readFileSync(files.svg, 'utf8')).toMatch(/<svg [^>]*\bxmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(fs.readFileSync(files.png).subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the spec’s own title, subtitle and caption as the frame’s', () => {
    const svg = svgText(plot({ title: 'From the spec', subtitle: 'a subtitle', caption: 'a caption', marks: [Plot.dot([1, 2, 3])] }));
    expect(svg).toContain('<title>From the spec</title>');
    expect(svg).toContain('>a subtitle</text>');
    expect(svg).toContain('>a caption</text>');
  });
});

describe('the ramp canvas', () => {
  it('reads the colours d3 interpolators give', () => {
    expect(parseColor('#abc')).toEqual([0xaa, 0xbb, 0xcc, 255]);
    expect(parseColor('#0a1b2c')).toEqual([10, 27, 44, 255]);
    expect(parseColor('rgb(66, 105, 208)')).toEqual([66, 105, 208, 255]);
    expect(parseColor('rgba(1, 2, 3, 0.5)')).toEqual([1, 2, 3, 128]);
    expect(parseColor('steelblue')).toBeNull();
  });

  it('encodes a PNG that resvg draws', () => {
    const png = encodePng(zlib, new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]), 2, 1);
    expect(png.subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="2" height="1"><image width="2" height="1" xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
    const drawn = svgToPng(svg, 1);
    expect(pngSize(drawn)).toEqual([2, 1]);
  });
});
