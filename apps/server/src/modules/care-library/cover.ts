// The starter articles' covers: drawn in code (no file, nothing downloaded) as a PNG of LINE's
// hero ratio 20:13 — a soft two-tone background in the article's colour with a white tooth in
// the middle. Each clinic gets its own copy as an ordinary uploaded cover it may replace.
import { encodePng } from '../rich-menus/image.ts';

export const COVER_WIDTH = 800;
export const COVER_HEIGHT = 520;

type Rgb = [number, number, number];

/** Inside the tooth, in units where the tooth spans about -1…1 both ways. */
function inTooth(u: number, v: number): boolean {
  if (v < 0.2) {
    if ((u + 0.42) ** 2 + (v + 0.42) ** 2 < 0.5 ** 2) return true;
    if ((u - 0.42) ** 2 + (v + 0.42) ** 2 < 0.5 ** 2) return true;
    if (Math.abs(u) < 0.88 && v > -0.42) return true;
    return false;
  }
  if (v > 1) return false;
  const t = (v - 0.2) / 0.8;
  const half = 0.38 * (1 - 0.65 * t);
  const centre = 0.5 - 0.12 * t;
  return Math.abs(Math.abs(u) - centre) < half;
}

const cache = new Map<string, Buffer>();

/** A cover in `colour` (the background's darker tone); the same colour gives the same bytes. */
export function starterCover(colour: Rgb): Buffer {
  const key = colour.join(',');
  const hit = cache.get(key);
  if (hit) return hit;
  const w = COVER_WIDTH;
  const h = COVER_HEIGHT;
  const rgb = Buffer.alloc(w * h * 3);
  const light: Rgb = [0, 1, 2].map((i) => Math.round(colour[i] + (255 - colour[i]) * 0.55)) as Rgb;
  const cx = w / 2;
  const cy = h / 2 - 10;
  const scale = 150;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // The background: the light tone above a soft diagonal, the darker one below.
      const diag = (x / w) * 0.35 + y / h;
      const bgT = Math.min(1, Math.max(0, (diag - 0.55) * 6));
      const bg = [0, 1, 2].map((i) => light[i] + (colour[i] - light[i]) * bgT);
      // 2×2 samples per pixel for smooth edges.
      let cover = 0;
      for (const dx of [0.25, 0.75])
        for (const dy of [0.25, 0.75]) if (inTooth((x + dx - cx) / scale, (y + dy - cy) / scale)) cover++;
      const a = cover / 4;
      const o = (y * w + x) * 3;
      for (let i = 0; i < 3; i++) rgb[o + i] = Math.round(bg[i] * (1 - a) + 255 * a);
    }
  }
  const png = encodePng(w, h, rgb);
  cache.set(key, png);
  return png;
}
