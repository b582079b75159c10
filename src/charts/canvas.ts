import { deflateSync } from 'node:zlib';

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

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA pixels, row by row, as a PNG file. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, no interlace
  const rows = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) rows.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', new Uint8Array(0))]);
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
      return `data:image/png;base64,${encodePng(size.width, size.height, pixels).toString('base64')}`;
    },
  };
  return canvas;
}
