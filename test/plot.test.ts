import { describe, expect, it } from 'vitest';
import { boxesOverlap } from '../src/labels';
import { dotRadius, rankingChart, worldMap, type CityPoint } from '../src/plot';
import { svgText } from '../src/export';
import { DARK, LIGHT } from '../src/theme';
import { expectSvgSnapshot } from './support/snapshot';

// A fixed, hand-written set of cities: the charts' inputs, independent of any database.
const CITIES: CityPoint[] = [
  ['Shanghai', 'CN', 31.2222, 121.4581, 412, 9120],
  ['Buenos Aires', 'AR', -34.6021, -58.3845, 388, 7020],
  ['Beijing', 'CN', 39.9075, 116.3972, 240, 4410],
  ['São Paulo', 'BR', -23.5475, -46.6361, 201, 3002],
  ['Hanoi', 'VN', 21.0245, 105.8412, 160, 2200],
  ['Ashburn', 'US', 39.0437, -77.4875, 152, 1990],
  ['Seoul', 'KR', 37.566, 126.9784, 140, 1720],
  ['Amsterdam', 'NL', 52.374, 4.8897, 122, 2105],
  ['Frankfurt am Main', 'DE', 50.1155, 8.6842, 118, 1630],
  ['Mumbai', 'IN', 19.0728, 72.8826, 101, 1210],
  ['Jakarta', 'ID', -6.2146, 106.8451, 95, 1002],
  ['Moscow', 'RU', 55.7522, 37.6156, 90, 1500],
  ['Guangzhou', 'CN', 23.1167, 113.25, 88, 990],
  ['Singapore', 'SG', 1.2897, 103.8501, 77, 802],
  ['Santa Clara', 'US', 37.3541, -121.9552, 60, 700],
  ['La Plata', 'AR', -34.9215, -57.9545, 44, 400],
  ['Quilmes', 'AR', -34.7203, -58.2694, 40, 380],
  ['Paris', 'FR', 48.8534, 2.3488, 35, 300],
  ['Lagos', 'NG', 6.4541, 3.3947, 20, 150],
  ['Sydney', 'AU', -33.8678, 151.2073, 12, 90],
].map(([city, country, latitude, longitude, ips, events]) => ({ city, country, latitude, longitude, ips, events }) as CityPoint);

const TEXT = {
  title: 'Where the attacks come from',
  subtitle: '2026-09-14 – 2026-10-25 · test cities',
  caption: ['Each dot is a city; its area grows with the number of distinct attacking addresses.', 'Geolocation: test data.'],
};

describe('worldMap', () => {
  it.each([
    ['dark', DARK],
    ['light', LIGHT],
  ] as const)('matches its snapshot (%s theme)', (name, theme) => {
    const chart = worldMap(CITIES, { ...TEXT, theme });
    expectSvgSnapshot(`world-map-${name}`, svgText(chart));
  });

  it('labels the largest cities with their counts, no two labels overlapping', () => {
    const chart = worldMap(CITIES, { ...TEXT, labels: 10 });
    expect(chart.labels).toHaveLength(10);
    for (let i = 0; i < chart.labels.length; i++) {
      for (let j = i + 1; j < chart.labels.length; j++) expect(boxesOverlap(chart.labels[i], chart.labels[j])).toBe(false);
      expect(chart.labels[i].x).toBeGreaterThanOrEqual(0);
      expect(chart.labels[i].x + chart.labels[i].width).toBeLessThanOrEqual(chart.width);
    }
    const svg = svgText(chart);
    expect(svg).toContain('>Shanghai</tspan>');
    expect(svg).toContain('> 412</tspan>');
    expect(svg).not.toContain('>Sydney</tspan>'); // 20th: beyond the 10 labels
  });

  it('sizes dots by area', () => {
    expect(dotRadius(400, 400, 20)).toBe(20);
    expect(dotRadius(100, 400, 20)).toBeCloseTo(10);
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
});

describe('rankingChart', () => {
  it('matches its snapshot', () => {
    const chart = rankingChart(
      CITIES.slice(0, 12).map((c) => ({ label: `${c.city}, ${c.country}`, value: c.ips })),
      { measure: 'Distinct attacking addresses', title: 'Top 12 attacking cities', subtitle: 'test cities', caption: ['Geolocation: test data.'] },
    );
    const svg = svgText(chart);
    expectSvgSnapshot('top-cities-dark', svg);
    expect(svg).toContain('>412</text>');
  });
});
