// Pure parts of the repository's batched writes.
import { describe, expect, it } from 'vitest';
import { fixedChunks } from './repository.ts';

describe('fixedChunks', () => {
  it('splits into chunks of 128, 32, 8 and 1 (few distinct statement shapes), keeping order and every item', () => {
    for (const n of [0, 1, 7, 8, 9, 127, 128, 200, 500, 1000]) {
      const list = Array.from({ length: n }, (_, i) => i);
      const chunks = fixedChunks(list);
      expect(chunks.flat()).toEqual(list);
      expect(chunks.every((c) => [128, 32, 8, 1].includes(c.length))).toBe(true);
      expect(chunks.length).toBeLessThanOrEqual(Math.floor(n / 128) + 3 + 3 + 7);
    }
    expect(fixedChunks(Array(200).fill(0)).map((c) => c.length)).toEqual([128, 32, 32, 8]);
  });
});
