import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../project';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A dot in pixel space, which labels keep clear of. */
export interface Dot {
  x: number;
  y: number;
  r: number;
}

/** A label of `width` × `height` to place beside its dot. */
export type LabelRequest = Box & Dot;

/** Where a label went: its box (top-left corner, size) and whether it needs a leader line. */
export interface PlacedLabel extends Box {
  /** The anchor point the label belongs to. */
  anchorX: number;
  anchorY: number;
  /** Radius of the anchor's dot (leader lines start at its edge). */
  r?: number;
  /** True when the label sits away from its dot and a line must tie them. */
  leader: boolean;
}

export interface PlaceLabelsOptions {
  /** Areas no label may cover (legends, insets). */
  obstacles?: readonly Box[];
  /** Further dots labels keep clear of when they can (beyond the labelled ones). */
  dots?: readonly Dot[];
  /** Distance between successive rings of leader-line positions, px. */
  ringStep?: number;
  /** How many rings of leader-line positions to try. */
  rings?: number;
}

export function boxesOverlap(a: Box, b: Box, gap = 0): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

function circleHitsBox(cx: number, cy: number, r: number, box: Box): boolean {
  const nx = Math.max(box.x, Math.min(cx, box.x + box.width));
  const ny = Math.max(box.y, Math.min(cy, box.y + box.height));
  return (cx - nx) ** 2 + (cy - ny) ** 2 < r * r;
}

/** Whether the segment (x1,y1)–(x2,y2) passes through the box (Liang–Barsky). */
export function segmentHitsBox(x1: number, y1: number, x2: number, y2: number, box: Box): boolean {
  const dx = x2 - x1;
  const dy = y2 - y1;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, x1 - box.x],
    [dx, box.x + box.width - x1],
    [-dy, y1 - box.y],
    [dy, box.y + box.height - y1],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) {
        if (t > t1) return false;
        if (t > t0) t0 = t;
      } else {
        if (t < t0) return false;
        if (t < t1) t1 = t;
      }
    }
  }
  return t0 < t1;
}

/** The leader line of a placed label: from the edge of its dot to the nearest point of its box. */
export function leaderLine(label: PlacedLabel): { x1: number; y1: number; x2: number; y2: number } {
  const x2 = Math.max(label.x, Math.min(label.anchorX, label.x + label.width));
  const y2 = Math.max(label.y, Math.min(label.anchorY, label.y + label.height));
  const dx = x2 - label.anchorX;
  const dy = y2 - label.anchorY;
  const length = Math.hypot(dx, dy) || 1;
  const r = Math.min(label.r ?? 0, length);
  return { x1: label.anchorX + (dx / length) * r, y1: label.anchorY + (dy / length) * r, x2, y2 };
}

// ---------------------------------------------------------------------------------------------
// Text width. The PNGs are drawn with the bundled DejaVu Sans, so its advance widths (read from
// the font files' `cmap` and `hmtx` tables) give label boxes that fit the drawn text.

interface FontMetrics {
  unitsPerEm: number;
  advance(codePoint: number): number;
}

const fonts: Partial<Record<'normal' | 'bold', FontMetrics>> = {};

function readFontMetrics(file: string): FontMetrics {
  const data = fs.readFileSync(file);
  const tables = new Map<string, number>();
  const count = data.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    tables.set(data.toString('latin1', at, at + 4), data.readUInt32BE(at + 8));
  }
  const [head, hhea, hmtx, cmap] = ['head', 'hhea', 'hmtx', 'cmap'].map((name) => tables.get(name)!);
  const metrics = data.readUInt16BE(hhea + 34);
  const advanceOf = (glyph: number) => data.readUInt16BE(hmtx + 4 * Math.min(glyph, metrics - 1));

  // The full-Unicode (format 12) subtable: DejaVu has one, so the BMP-only format 4 is not read.
  let format12 = -1;
  const subtables = data.readUInt16BE(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const platform = data.readUInt16BE(cmap + 4 + i * 8);
    const offset = cmap + data.readUInt32BE(cmap + 8 + i * 8);
    if (data.readUInt16BE(offset) === 12 && (platform === 3 || platform === 0)) format12 = offset;
  }
  if (format12 < 0) throw new Error(`${file} has no format 12 cmap to measure text with.`);
  const groups = data.readUInt32BE(format12 + 12);
  const glyphOf = (c: number) => {
    let lo = 0;
    let hi = groups - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = format12 + 16 + mid * 12;
      const start = data.readUInt32BE(at);
      const end = data.readUInt32BE(at + 4);
      if (c < start) hi = mid - 1;
      else if (c > end) lo = mid + 1;
      else return data.readUInt32BE(at + 8) + (c - start);
    }
    return 0;
  };
  const advances = new Map<number, number>();
  return {
    unitsPerEm: data.readUInt16BE(head + 18),
    advance(c) {
      let a = advances.get(c);
      if (a === undefined) {
        a = advanceOf(glyphOf(c));
        advances.set(c, a);
      }
      return a;
    },
  };
}

/**
 * The width of `text` drawn in DejaVu Sans (the font the PNGs are rendered with, an npm
 * dependency) at `fontSize`, from the font's advance widths.
 */
export function textWidth(text: string, fontSize: number, weight: 'normal' | 'bold' = 'normal'): number {
  const file = weight === 'bold' ? 'DejaVuSans-Bold.ttf' : 'DejaVuSans.ttf';
  const metrics = (fonts[weight] ??= readFontMetrics(path.join(projectRoot(), 'node_modules', 'dejavu-fonts-ttf', 'ttf', file)));
  let units = 0;
  for (const ch of text) units += metrics.advance(ch.codePointAt(0)!);
  return (units / metrics.unitsPerEm) * fontSize;
}

// ---------------------------------------------------------------------------------------------

/**
 * Places labels greedily in the order given (most important first): beside the dot when
 * there is room, otherwise further out along rings of directions with a leader line. A label
 * never overlaps another label, an obstacle or leaves the frame; it avoids the other dots, and
 * its leader line avoids other labels, when it can. The result is aligned with `requests`: null
 * where no room was left for a label.
 */
export function placeLabels(requests: readonly LabelRequest[], frame: Box, padding = 2, options: PlaceLabelsOptions = {}): (PlacedLabel | null)[] {
  const placed: PlacedLabel[] = [];
  const leaders: { x1: number; y1: number; x2: number; y2: number }[] = [];
  const result: (PlacedLabel | null)[] = [];
  const obstacles = options.obstacles ?? [];
  const dots: Dot[] = [...requests, ...(options.dots ?? [])];
  const ringStep = options.ringStep ?? 14;
  const rings = options.rings ?? 14;
  const inside = (b: Box) => b.x >= frame.x && b.y >= frame.y && b.x + b.width <= frame.x + frame.width && b.y + b.height <= frame.y + frame.height;
  for (const request of requests) {
    const { x, y, r, width, height } = request;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      result.push(null);
      continue;
    }
    const gap = r + 3;
    const diagonal = gap * 0.7;
    const near: Box[] = [
      { x: x + gap, y: y - height / 2, width, height },
      { x: x - gap - width, y: y - height / 2, width, height },
      { x: x - width / 2, y: y - gap - height, width, height },
      { x: x - width / 2, y: y + gap, width, height },
      { x: x + diagonal, y: y - diagonal - height, width, height },
      { x: x + diagonal, y: y + diagonal, width, height },
      { x: x - diagonal - width, y: y - diagonal - height, width, height },
      { x: x - diagonal - width, y: y + diagonal, width, height },
    ];
    const candidates: { box: Box; leader: boolean }[] = near.map((box) => ({ box, leader: false }));
    for (let ring = 1; ring <= rings; ring++) {
      const distance = gap + ring * ringStep;
      const steps = 16 + 4 * ring;
      for (let k = 0; k < steps; k++) {
        // Start east and alternate either side, so nearer-to-horizontal positions come first.
        const turn = k === 0 ? 0 : (k % 2 ? 1 : -1) * Math.ceil(k / 2);
        const angle = (turn / steps) * 2 * Math.PI;
        const cx = x + Math.cos(angle) * distance;
        const cy = y + Math.sin(angle) * distance;
        // Anchor the box on the side facing away from the dot, so the leader meets its edge.
        const bx = Math.abs(Math.cos(angle)) < 0.2 ? cx - width / 2 : Math.cos(angle) > 0 ? cx : cx - width;
        const by = Math.abs(Math.sin(angle)) > 0.95 ? (Math.sin(angle) > 0 ? cy : cy - height) : cy - height / 2;
        candidates.push({ box: { x: bx, y: by, width, height }, leader: true });
      }
    }
    // Three passes, each less demanding: clear of other dots and leader lines; clear of leader
    // lines only; then anywhere a label fits without overlapping another.
    const fits = (candidate: { box: Box; leader: boolean }, level: 0 | 1 | 2) => {
      const { box } = candidate;
      if (!inside(box)) return false;
      if (circleHitsBox(x, y, r + 1, box)) return false;
      if (placed.some((p) => boxesOverlap(p, box, padding))) return false;
      if (obstacles.some((o) => boxesOverlap(o, box))) return false;
      if (level === 2) return true;
      if (level === 0 && dots.some((o) => o !== request && circleHitsBox(o.x, o.y, o.r, box))) return false;
      if (leaders.some((l) => segmentHitsBox(l.x1, l.y1, l.x2, l.y2, box))) return false;
      if (candidate.leader) {
        const line = leaderLine({ ...box, anchorX: x, anchorY: y, r, leader: true });
        if (placed.some((p) => segmentHitsBox(line.x1, line.y1, line.x2, line.y2, p))) return false;
      }
      return true;
    };
    const choice = candidates.find((c) => fits(c, 0)) ?? candidates.find((c) => fits(c, 1)) ?? candidates.find((c) => fits(c, 2));
    if (!choice) {
      result.push(null); // no room anywhere: dropped rather than drawn over another label
      continue;
    }
    const label: PlacedLabel = { ...choice.box, anchorX: x, anchorY: y, r, leader: choice.leader };
    placed.push(label);
    if (label.leader) leaders.push(leaderLine(label));
    result.push(label);
  }
  return result;
}
