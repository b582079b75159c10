/** A label to place beside a point, in pixel space. */
export interface LabelRequest {
  x: number;
  y: number;
  /** Radius of the point's dot: labels keep clear of it. */
  r: number;
  width: number;
  height: number;
}

/** Where a label went: its box (top-left corner, size) and whether it needs a leader line. */
export interface PlacedLabel {
  x: number;
  y: number;
  width: number;
  height: number;
  /** The anchor point the label belongs to. */
  anchorX: number;
  anchorY: number;
  /** True when the label sits away from its dot and a line must tie them. */
  leader: boolean;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function boxesOverlap(a: Box, b: Box, gap = 0): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

function circleHitsBox(cx: number, cy: number, r: number, box: Box): boolean {
  const nx = Math.max(box.x, Math.min(cx, box.x + box.width));
  const ny = Math.max(box.y, Math.min(cy, box.y + box.height));
  return (cx - nx) ** 2 + (cy - ny) ** 2 < r * r;
}

/** A rough text width for the sans-serif chart font; generous so real text never spills over. */
export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    if (/[il.,:;'|!]/.test(ch)) em += 0.32;
    else if (/[A-Z0-9mwMW@%#]/.test(ch)) em += 0.72;
    else if (ch === ' ') em += 0.32;
    else em += 0.6;
  }
  return em * fontSize;
}

/**
 * Places labels greedily in the order given (most important first): beside the dot when
 * there is room, otherwise further out along a ring of directions with a leader line. A label
 * never overlaps another label or leaves the frame; it avoids the other anchors' dots when it can.
 * The result is aligned with `requests`: null where no room was left for a label.
 */
export function placeLabels(requests: readonly LabelRequest[], frame: Box, padding = 2): (PlacedLabel | null)[] {
  const placed: PlacedLabel[] = [];
  const result: (PlacedLabel | null)[] = [];
  const inside = (b: Box) => b.x >= frame.x && b.y >= frame.y && b.x + b.width <= frame.x + frame.width && b.y + b.height <= frame.y + frame.height;
  for (const request of requests) {
    const { x, y, r, width, height } = request;
    const gap = r + 3;
    const near: Box[] = [
      { x: x + gap, y: y - height / 2, width, height },
      { x: x - gap - width, y: y - height / 2, width, height },
      { x: x - width / 2, y: y - gap - height, width, height },
      { x: x - width / 2, y: y + gap, width, height },
      { x: x + gap * 0.7, y: y - gap * 0.7 - height, width, height },
      { x: x + gap * 0.7, y: y + gap * 0.7, width, height },
      { x: x - gap * 0.7 - width, y: y - gap * 0.7 - height, width, height },
      { x: x - gap * 0.7 - width, y: y + gap * 0.7, width, height },
    ];
    const candidates: { box: Box; leader: boolean }[] = near.map((box) => ({ box, leader: false }));
    for (let ring = 1; ring <= 12; ring++) {
      const distance = gap + ring * 14;
      for (let k = 0; k < 16; k++) {
        const angle = (k / 16) * 2 * Math.PI;
        const cx = x + Math.cos(angle) * distance;
        const cy = y + Math.sin(angle) * distance;
        // Anchor the box on the side facing away from the dot, so the leader meets its edge.
        const bx = Math.cos(angle) >= 0 ? cx : cx - width;
        candidates.push({ box: { x: bx, y: cy - height / 2, width, height }, leader: true });
      }
    }
    const fits = (box: Box, strict: boolean) =>
      inside(box) &&
      placed.every((p) => !boxesOverlap(p, box, padding)) &&
      (!strict || requests.every((o) => o === request || !circleHitsBox(o.x, o.y, o.r, box)));
    const choice = candidates.find((c) => fits(c.box, true)) ?? candidates.find((c) => fits(c.box, false));
    if (!choice) {
      result.push(null); // no room anywhere: dropped rather than drawn over another label
      continue;
    }
    const label = { ...choice.box, anchorX: x, anchorY: y, leader: choice.leader };
    placed.push(label);
    result.push(label);
  }
  return result;
}
