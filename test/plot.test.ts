import { describe, expect, it } from 'vitest';
import { dotRadius, logTicks, rankingChart, worldMap } from '../src/charts/index';
import { svgText, svgToPng } from '../src/export/files';
import { DARK, LIGHT } from '../src/charts/theme';
import { CITIES, expectNoOverlaps, PLACES, TEXT } from './plot-fixtures';
import { expectSvgSnapshot } from './support/snapshot';

describe('worldMap', () => {
  it.each([
    ['dark', DARK],
    ['light', LIGHT],
  ] as const)('matches its snapshot (%s theme)', (name, theme) => {
    const chart = worldMap(CITIES, { ...TEXT, theme });
    expectSvgSnapshot(`world-map-${name}`, svgText(chart));
  });

  it.each([
    ['dark', DARK],
    ['light', LIGHT],
  ] as const)('labels places, colours dots by events, draws a graticule (%s theme)', (name, theme) => {
    const chart = worldMap(CITIES, { ...TEXT, theme, places: PLACES, color: 'events', graticule: true, projection: 'natural-earth' });
    const svg = svgText(chart);
    expectSvgSnapshot(`world-map-places-events-${name}`, svg);
    expect(svg).toContain('>Buenos Aires</tspan>');
    expect(svg).toContain('> 472</tspan>'); // 388 + 44 + 40: the place's count, not the city's
    expect(svg).toContain('Events per city (colour)');
    expectNoOverlaps(chart);
  });

  it('labels the largest cities with their counts, no two labels overlapping', () => {
    const chart = worldMap(CITIES, { ...TEXT, labels: 10 });
    expect(chart.labels).toHaveLength(10);
    expectNoOverlaps(chart);
    const svg = svgText(chart);
    expect(svg).toContain('>Shanghai</tspan>');
    expect(svg).toContain('> 412</tspan>');
    expect(svg).not.toContain('>Sydney</tspan>'); // 20th: beyond the 10 labels
  });

  it('keeps every label on the frame and apart when all twenty are asked for', () => {
    const chart = worldMap(CITIES, { ...TEXT, labels: 20 });
    expect(chart.labels.length + chart.notes.length).toBe(20);
    expectNoOverlaps(chart);
  });

  it('draws the smallest dots without an outline', () => {
    const cities = [{ ...CITIES[0], ips: 1000 }, ...CITIES.slice(1, 6).map((c) => ({ ...c, ips: 1 }))];
    const svg = svgText(worldMap(cities, { ...TEXT, labels: 0 }));
    const small = svg.match(/<g [^>]*class="botmap-dots botmap-dots-small"[^>]*>(.*?)<\/g>/s);
    expect(small).not.toBeNull();
    expect(small![0]).not.toContain('stroke');
    // Still one dot per city: the large one a <circle>, the five small ones circles of one path.
    expect(svg.match(/<circle /g)).toHaveLength(1);
    expect(small![1].match(/<path /g)).toHaveLength(1);
    expect(small![1].match(/M/g)).toHaveLength(5);
  });

  it('draws the smallest dots as one path per colour when the dots are coloured', () => {
    const cities = [{ ...CITIES[0], ips: 1000 }, ...CITIES.slice(1, 6).map((c, i) => ({ ...c, ips: 1, events: i < 3 ? 10 : 1000 }))];
    const svg = svgText(worldMap(cities, { ...TEXT, labels: 0, color: 'events' }));
    const small = svg.match(/<g [^>]*class="botmap-dots botmap-dots-small"[^>]*>(.*?)<\/g>/s)![1];
    const paths = small.match(/<path [^>]*>/g)!;
    expect(paths.map((p) => p.match(/ d="([^"]*)"/)![1].match(/M/g)!.length).sort()).toEqual([2, 3]);
    expect(new Set(paths.map((p) => p.match(/ fill="([^"]*)"/)![1])).size).toBe(2);
  });

  it('draws a map again the same from its kept base map, whatever was drawn in between', () => {
    const first = svgText(worldMap(CITIES, { ...TEXT, width: 900 }));
    for (let width = 400; width < 1400; width += 100) worldMap(CITIES.slice(0, 3), { ...TEXT, width, graticule: true });
    expect(svgText(worldMap(CITIES, { ...TEXT, width: 900 }))).toBe(first);
  });

  it('sizes dots by area', () => {
    expect(dotRadius(400, 400, 20)).toBe(20);
    expect(dotRadius(100, 400, 20)).toBeCloseTo(10);
  });

  it('rounds coordinates to a tenth of a pixel', () => {
    const svg = svgText(worldMap(CITIES, TEXT));
    expect(svg).not.toMatch(/[MLHVZ,]-?\d+\.\d{2,}/);
    expect(svg).not.toMatch(/ (cx|cy|r|x|y)="-?\d+\.\d{2,}"/);
  });

  it('draws every projection the parameters offer, and refuses others', () => {
    for (const projection of ['equal-earth', 'natural-earth', 'equirectangular'] as const) expect(worldMap(CITIES.slice(0, 3), { ...TEXT, projection }).height).toBeGreaterThan(400);
    expect(() => worldMap(CITIES, { ...TEXT, projection: 'mercator' as any })).toThrow(/Unknown projection/);
  });

  it('is standalone: a title, fonts declared, no external references, text escaped', () => {
    const chart = worldMap([{ ...CITIES[0], city: '<script>alert(1)</script>' }], { ...TEXT, title: 'A & B <i>' });
    const svg = svgText(chart);
    expect(svg).toMatch(/^<\?xml[^>]*>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('font-family=');
    expect(svg).not.toMatch(/(href|src)=["'](https?:)?\/\//);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('A &amp; B &lt;i&gt;');
  });

  it('carries each dot’s details as a hover title: a circle its own, the smallest dots in squares of the map', () => {
    const cities = [{ ...CITIES[0], ips: 1000, events: 2000 }, ...['Buenos Aires', 'Quilmes', 'La Plata', 'Mumbai'].map((name) => ({ ...CITIES.find((c) => c.city === name)!, ips: 1, events: 10 }))];
    const svg = svgText(worldMap(cities, { ...TEXT, labels: 0 }));
    // 1,004 addresses and 2,040 events in all.
    expect(svg).toContain('<circle r="22" cy="161.5" cx="971.5"><title>Shanghai, CN\n1,000 addresses (99.6% of all)\n2,000 events (98% of all)</title></circle>');
    const hover = svg.match(/<g opacity="0" class="botmap-hover">(.*?)<\/g>/s)![1];
    const squares = hover.match(/<path d="M\d+,\d+h8v8h-8z"><title>[^<]*<\/title><\/path>/g)!;
    expect(squares.join('')).toBe(hover);
    expect(squares).toEqual([
      '<path d="M424,440h8v8h-8z"><title>Buenos Aires, AR: 1 address, 10 events\nLa Plata, AR: 1 address, 10 events\nQuilmes, AR: 1 address, 10 events\nThese 3 cities: 3 addresses (0.3% of all), 30 events (1.5% of all)</title></path>',
      '<path d="M832,208h8v8h-8z"><title>Mumbai, IN\n1 address (&lt;0.1% of all)\n10 events (0.5% of all)</title></path>',
    ]);
  });

  it('lists, in a hover square over a larger dot, that dot too: the square hides it from the pointer', () => {
    const cities = [{ ...CITIES[0], ips: 1000, events: 2000 }, { ...CITIES[0], city: 'Pudong', latitude: 31.23, longitude: 121.5, ips: 1, events: 10 }];
    const svg = svgText(worldMap(cities, { ...TEXT, labels: 0 }));
    const hover = svg.match(/<g opacity="0" class="botmap-hover">(.*?)<\/g>/s)![1];
    expect(hover).toMatch(/^<path d="M\d+,\d+h8v8h-8z"><title>Shanghai, CN: 1,000 addresses, 2,000 events\nPudong, CN: 1 address, 10 events\nThese 2 cities: 1,001 addresses \(100% of all\), 2,010 events \(100% of all\)<\/title><\/path>$/);
  });

  it('draws the same PNG as without its hover titles (no renderer draws a title; the hover squares are transparent)', () => {
    const cities = [...CITIES, ...CITIES.map((c) => ({ ...c, city: `${c.city} 2`, latitude: c.latitude + 0.3, ips: 1 }))];
    const svg = svgText(worldMap(cities, { ...TEXT, color: 'events' }));
    expect(svg).toContain('botmap-hover');
    const bare = svg.replace(/<g opacity="0" class="botmap-hover">.*?<\/g>/s, '').replace(/<title>[^<]*<\/title>/g, '');
    expect(bare).not.toContain('<title>');
    expect(svgToPng(svg).equals(svgToPng(bare))).toBe(true);
  });

  it('draws an empty map when there is no city', () => {
    const chart = worldMap([], TEXT);
    expect(chart.labels).toEqual([]);
    expect(svgText(chart)).not.toContain('<circle');
  });
});

describe('logTicks', () => {
  it('gives powers of ten (and 2×, 5× on short ranges) inside the domain', () => {
    expect(logTicks(1, 1000)).toEqual([1, 10, 100, 1000]);
    expect(logTicks(3, 60)).toEqual([5, 10, 20, 50]);
  });
});

describe('rankingChart', () => {
  const rows = CITIES.slice(0, 12).map((c) => ({ label: `${c.city}, ${c.country}`, value: c.ips, secondary: c.events }));
  it.each([
    ['dark', DARK],
    ['light', LIGHT],
  ] as const)('matches its snapshot (%s theme)', (name, theme) => {
    const chart = rankingChart(rows, {
      theme,
      measure: 'Distinct attacking addresses',
      secondaryMeasure: 'events',
      title: 'Top 12 attacking cities',
      subtitle: 'test cities',
      caption: ['Geolocation: test data.'],
    });
    const svg = svgText(chart);
    expectSvgSnapshot(`top-cities-${name}`, svg);
    expect(svg).toContain('>412</text>');
    expect(svg).toContain('>9,120</text>');
    expect(svg).toContain('>events</text>');
  });

  it('carries each bar’s details as an escaped hover title, with its shares of the totals', () => {
    const chart = rankingChart([...rows, { label: '<script>&"', value: 1, secondary: 2 }], {
      measure: 'Distinct attacking addresses',
      secondaryMeasure: 'events',
      totals: { value: 4120, secondary: 91_200 },
      title: 't',
    });
    const svg = svgText(chart);
    expect(svg).toContain('<title>Shanghai, CN\nDistinct attacking addresses: 412 (10% of all)\nEvents: 9,120 (10% of all)</title>');
    expect(svg).toContain('<title>&lt;script&gt;&amp;"\nDistinct attacking addresses: 1 (&lt;0.1% of all)\nEvents: 2 (&lt;0.1% of all)</title>');
    expect(svg).not.toContain('<script');
    expect(svg.match(/<title>/g)).toHaveLength(1 + rows.length + 1);
    const bare = svg.replace(/<title>[^<]*<\/title>/g, '');
    expect(svgToPng(svg).equals(svgToPng(bare))).toBe(true);
  });

  it('shortens long labels and keeps repeated ones apart', () => {
    const svg = svgText(
      rankingChart(
        [
          { label: 'AS45090 Shenzhen Tencent Computer Systems Company Limited of Very Long Names Incorporated', value: 5 },
          { label: 'Springfield', value: 3 },
          { label: 'Springfield', value: 2 },
        ],
        { measure: 'addresses', title: 't' },
      ),
    );
    expect(svg).toContain('…');
    expect(svg).toContain('Springfield (2)');
  });
});
