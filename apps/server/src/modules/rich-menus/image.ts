// Image helpers for rich menus: dimensions from PNG/JPEG headers (no decoder needed) and a
// small PNG encoder (node:zlib) that draws a default menu image of coloured tiles.
import { deflateSync } from 'node:zlib';

export type ImageInfo = { type: 'image/png' | 'image/jpeg'; width: number; height: number };

export function imageInfo(buf: Buffer): ImageInfo | null {
  if (
    buf.length >= 24 &&
    buf.readUInt32BE(0) === 0x89504e47 &&
    buf.readUInt32BE(4) === 0x0d0a1a0a &&
    buf.toString('latin1', 12, 16) === 'IHDR'
  ) {
    return { type: 'image/png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    let i = 2;
    while (i + 9 < buf.length) {
      if (buf[i] !== 0xff) return null;
      const marker = buf[i + 1];
      if (marker === 0xff) {
        i++;
        continue;
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      const len = buf.readUInt16BE(i + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) return { type: 'image/jpeg', height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
      if (marker === 0xda || marker === 0xd9) return null;
      i += 2 + len;
    }
  }
  return null;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = -1;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** Encodes RGB pixels (3 bytes per pixel, row-major) as a PNG. */
export function encodePng(width: number, height: number, rgb: Buffer): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PALETTE: [number, number, number][] = [
  [6, 199, 85],
  [0, 150, 136],
  [33, 150, 243],
  [255, 152, 0],
  [121, 85, 72],
  [156, 39, 176],
  [0, 121, 107],
  [63, 81, 181],
];

export type Bounds = { x: number; y: number; width: number; height: number };

const cache = new Map<string, Buffer>();

/** A default menu image: one coloured tile per area (white gutters, a light circle as an icon spot). */
export function defaultMenuImage(width: number, height: number, areas: Bounds[]): Buffer {
  const key = JSON.stringify([width, height, areas]);
  const hit = cache.get(key);
  if (hit) return hit;
  const rgb = Buffer.alloc(width * height * 3, 0xf4);
  const gutter = 8;
  areas.forEach((a, i) => {
    const [r, g, b] = PALETTE[i % PALETTE.length];
    const cx = a.x + a.width / 2;
    const cy = a.y + a.height * 0.42;
    const rad = Math.min(a.width, a.height) * 0.18;
    for (let y = Math.max(0, a.y + gutter); y < Math.min(height, a.y + a.height - gutter); y++) {
      for (let x = Math.max(0, a.x + gutter); x < Math.min(width, a.x + a.width - gutter); x++) {
        const o = (y * width + x) * 3;
        const d = (x - cx) ** 2 + (y - cy) ** 2;
        const inCircle = d < rad * rad;
        rgb[o] = inCircle ? 255 : r;
        rgb[o + 1] = inCircle ? 255 : g;
        rgb[o + 2] = inCircle ? 255 : b;
      }
    }
  });
  const png = encodePng(width, height, rgb);
  if (cache.size > 20) cache.clear();
  cache.set(key, png);
  return png;
}
