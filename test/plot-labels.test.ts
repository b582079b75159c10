import { Resvg } from '@resvg/resvg-js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxesOverlap, leaderLine, placeLabels, segmentHitsBox, textWidth } from '../src/charts/labels';

const FONTS = path.join(import.meta.dirname, '..', 'node_modules', 'dejavu-fonts-ttf', 'ttf');

/** The width resvg draws a text with (ink bounds: a little under the advance width). */
function drawnWidth(text: string, size: number, weight: 'normal' | 'bold'): number {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="60"><text x="10" y="40" font-size="${size}" font-weight="${weight}" font-family="DejaVu Sans">${escaped}</text></svg>`;
  const resvg = new Resvg(svg, { font: { fontFiles: [path.join(FONTS, 'DejaVuSans.ttf'), path.join(FONTS, 'DejaVuSans-Bold.ttf')], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' } });
  return resvg.getBBox()!.width;
}

describe('textWidth', () => {
  it.each([
    ['Buenos Aires', 'bold'],
    ['Frankfurt am Main 118', 'normal'],
    ['São Paulo', 'bold'],
    ['Ho Chi Minh City', 'bold'],
    ['WWW mmm iii 1,234', 'normal'],
  ] as const)('measures "%s" (%s) as the PNG renderer draws it', (text, weight) => {
    const measured = textWidth(text, 12, weight);
    const drawn = drawnWidth(text, 12, weight);
    // Advance widths include the side bearings that ink bounds leave out: a few pixels more, never less.
    expect(measured).toBeGreaterThanOrEqual(drawn);
    expect(measured - drawn).toBeLessThan(5);
  });

  it('measures bold wider than normal', () => {
    expect(textWidth('Shanghai', 12, 'bold')).toBeGreaterThan(textWidth('Shanghai', 12));
  });
});

describe('segmentHitsBox', () => {
  const box = { x: 10, y: 10, width: 20, height: 10 };
  it('finds segments through, into and past a box', () => {
    expect(segmentHitsBox(0, 15, 40, 15, box)).toBe(true);
    expect(segmentHitsBox(0, 0, 15, 15, box)).toBe(true);
    expect(segmentHitsBox(0, 0, 40, 0, box)).toBe(false);
    expect(segmentHitsBox(0, 30, 5, 0, box)).toBe(false);
  });
});

describe('placeLabels', () => {
  const frame = { x: 0, y: 0, width: 800, height: 400 };

  it('keeps out of obstacles (legends, insets)', () => {
    const obstacle = { x: 100, y: 80, width: 200, height: 40 };
    const [label] = placeLabels([{ x: 95, y: 100, r: 4, width: 80, height: 16 }], frame, 2, { obstacles: [obstacle] });
    expect(boxesOverlap(label!, obstacle)).toBe(false);
  });

  it('keeps clear of other dots when it can', () => {
    const [label] = placeLabels([{ x: 200, y: 200, r: 3, width: 60, height: 16 }], frame, 2, { dots: [{ x: 240, y: 200, r: 12 }] });
    const hit = label!.x < 252 && label!.x + label!.width > 228 && label!.y < 212 && label!.y + label!.height > 188;
    expect(hit).toBe(false);
  });

  it('starts leader lines at the edge of the dot and ends them on the label', () => {
    // A crowded cluster, but not one where labels must wall a dot in: ten dots within 60 px.
    const placed = placeLabels(
      Array.from({ length: 10 }, (_, i) => ({ x: 400 + ((i * 37) % 60), y: 200 + ((i * 23) % 40), r: 4 + (i % 3) * 3, width: 70, height: 16 })),
      frame,
    );
    const leaders = placed.filter((p) => p!.leader);
    expect(leaders.length).toBeGreaterThan(0);
    for (const p of leaders) {
      const line = leaderLine(p!);
      expect(Math.hypot(line.x1 - p!.anchorX, line.y1 - p!.anchorY)).toBeCloseTo(p!.r!, 5);
      expect(line.x2).toBeGreaterThanOrEqual(p!.x);
      expect(line.x2).toBeLessThanOrEqual(p!.x + p!.width);
      expect(line.y2).toBeGreaterThanOrEqual(p!.y);
      expect(line.y2).toBeLessThanOrEqual(p!.y + p!.height);
    }
    // No leader line passes under another label.
    for (const p of leaders) {
      const line = leaderLine(p!);
      for (const q of placed) if (q !== p) expect(segmentHitsBox(line.x1, line.y1, line.x2, line.y2, q!)).toBe(false);
    }
  });

  it('skips anchors that did not project', () => {
    expect(placeLabels([{ x: Number.NaN, y: 3, r: 1, width: 10, height: 10 }], frame)).toEqual([null]);
  });
});
