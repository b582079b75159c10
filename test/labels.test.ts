import { describe, expect, it } from 'vitest';
import { boxesOverlap, placeLabels, textWidth, type LabelRequest } from '../src/charts/labels';
import { truncate } from '../src/charts/ranking';

function seeded(seed: number) {
  return () => ((seed = (Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x6d2b79f5) >>> 0) / 4294967296);
}

describe('placeLabels', () => {
  const frame = { x: 0, y: 0, width: 800, height: 400 };

  it('puts a lone label right beside its dot, without a leader', () => {
    const [label] = placeLabels([{ x: 100, y: 100, r: 5, width: 60, height: 16 }], frame);
    expect(label).toMatchObject({ leader: false, anchorX: 100, anchorY: 100 });
    expect(label!.x).toBeGreaterThanOrEqual(105);
    expect(label!.x).toBeLessThan(115);
  });

  it('keeps labels inside the frame near its edge', () => {
    const [label] = placeLabels([{ x: 795, y: 3, r: 4, width: 80, height: 16 }], frame);
    expect(label!.x + label!.width).toBeLessThanOrEqual(800);
    expect(label!.y).toBeGreaterThanOrEqual(0);
  });

  it('never overlaps labels, even for a crowded cluster, and uses leaders for displaced ones', () => {
    const random = seeded(42);
    const requests: LabelRequest[] = Array.from({ length: 12 }, () => ({
      x: 380 + random() * 40,
      y: 180 + random() * 40,
      r: 3 + random() * 10,
      width: 50 + random() * 60,
      height: 16,
    }));
    const placed = placeLabels(requests, frame);
    const boxes = placed.filter((p) => p !== null);
    expect(boxes.length).toBe(12);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) expect(boxesOverlap(boxes[i]!, boxes[j]!)).toBe(false);
    }
    expect(boxes.some((b) => b!.leader)).toBe(true);
  });

  it('drops a label (null) rather than overlap when there is no room at all', () => {
    const tiny = { x: 0, y: 0, width: 100, height: 20 };
    const placed = placeLabels(
      [
        { x: 2, y: 10, r: 1, width: 90, height: 18 },
        { x: 4, y: 10, r: 1, width: 90, height: 18 },
      ],
      tiny,
    );
    expect(placed[0]).not.toBeNull();
    expect(placed[1]).toBeNull();
  });
});

describe('ranking labels shortened to fit', () => {
  it('cut whole characters, never half of an emoji (a lone surrogate is not allowed in XML)', () => {
    const label = `d${'😀'.repeat(40)}`;
    // At 40 px, cutting a code unit at a time stopped on `d😀😀\ud83d…`: a lone half fits where the whole emoji does not.
    for (const max of [40, 60]) {
      const short = truncate(label, max);
      expect(short).toMatch(/^d(😀)+…$/u);
      const kept = Array.from(short).length - 2;
      expect(textWidth(short, 12)).toBeLessThanOrEqual(max);
      expect(textWidth(`d${'😀'.repeat(kept + 1)}…`, 12)).toBeGreaterThan(max);
    }
    expect(truncate('short', 60)).toBe('short');
  });
});
