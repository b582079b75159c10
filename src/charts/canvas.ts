import zlib from 'node:zlib';
import { encodePng } from '../png';

/**
 * Plot paints a continuous colour legend (`legend: 'ramp'`) on a 256×1 canvas and embeds it as a
 * PNG data URL; linkedom's canvas paints nothing (`getContext` returns null, and Plot then fails).
 * This canvas is just enough for that: `fillRect` in a solid colour, and `toDataURL` as PNG.
 */
export interface RampCanvas {
  width: number;
  height: number;
  getContext(type: string): { fillStyle: string; fillRect(x: number, y: number, width: number, height: number): void } | null;
  toDataURL(): string;
}

type Rgba = [number, number, number, number];

/** `#rgb`, `#rrggbb`, `rgb(r, g, b)` and `rgba(r, g, b, a)`: the forms d3's interpolators return. */
export function parseColor(text: string): Rgba | null {
  const s = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(s);
  if (hex) {
    const digits = hex[1].length === 3 ? [...hex[1]].map((d) => d + d) : hex[1].match(/../g)!;
    return [...digits.map((d) => parseInt(d, 16)), 255] as Rgba;
  }
  const fn = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(s);
  if (!fn) return null;
  const channel = (v: string) => Math.max(0, Math.min(255, Math.round(Number(v))));
  const alpha = fn[4] === undefined ? 255 : Math.max(0, Math.min(255, Math.round(Number(fn[4]) * 255)));
  return [channel(fn[1]), channel(fn[2]), channel(fn[3]), alpha];
}

export function rampCanvas(): RampCanvas {
  let pixels = new Uint8Array(0);
  let size = { width: 0, height: 0 };
  const ensure = () => {
    if (pixels.length !== canvas.width * canvas.height * 4) {
      pixels = new Uint8Array(canvas.width * canvas.height * 4);
      size = { width: canvas.width, height: canvas.height };
    }
  };
  const context = {
    fillStyle: '#000',
    fillRect(x: number, y: number, w: number, h: number) {
      ensure();
      const color = parseColor(context.fillStyle);
      if (!color) return;
      for (let row = Math.max(0, y); row < Math.min(size.height, y + h); row++) {
        for (let col = Math.max(0, x); col < Math.min(size.width, x + w); col++) pixels.set(color, (row * size.width + col) * 4);
      }
    },
  };
  const canvas: RampCanvas = {
    width: 300,
    height: 150,
    getContext: (type) => (type === '2d' ? context : null),
    toDataURL: () => {
      ensure();
      return `data:image/png;base64,${encodePng(zlib, pixels, size.width, size.height).toString('base64')}`;
    },
  };
  return canvas;
}
