// Deterministic randomness for the demo's synthetic history (npm run demo) and the API fuzzer:
// the same seed draws the same clinic (or the same broken requests) every time, so screenshots,
// tests and a fuzz failure can be repeated exactly.

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A log-normal draw with this median (e.g. minutes until someone answers). */
export function logNormal(rnd: () => number, median: number, sigma: number): number {
  const u = Math.max(rnd(), 1e-9);
  const v = rnd();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

/** A deterministic id of the uuid shape (the demo's past rows; never collides with newId's v7 ids). */
export function demoId(rnd: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}
