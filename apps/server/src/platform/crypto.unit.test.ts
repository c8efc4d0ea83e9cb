// Key rotation at the crypto layer: the current key encrypts, older keys only decrypt, and the
// lookup hashes follow LOOKUP_KEY (not the encryption key) when it is set.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCrypto } from './crypto.ts';

const A = randomBytes(32);
const B = randomBytes(32);

describe('createCrypto with older keys', () => {
  it('reads what an older key encrypted, writes only under the current key', () => {
    const old = createCrypto(A);
    const sealed = old.encrypt('A123456789');
    const rotated = createCrypto(B, { previous: [A] });
    expect(rotated.decrypt(sealed)).toBe('A123456789');
    expect(rotated.isCurrent(sealed)).toBe(false);
    const fresh = rotated.encrypt('A123456789');
    expect(rotated.isCurrent(fresh)).toBe(true);
    // once the old key is dropped, only the rewritten value still opens
    const onlyB = createCrypto(B);
    expect(onlyB.decrypt(fresh)).toBe('A123456789');
    expect(() => onlyB.decrypt(sealed)).toThrow();
    expect(() => old.decrypt(fresh)).toThrow();
  });

  it('keys the lookup hashes with LOOKUP_KEY when given, so they survive a rotation', () => {
    const before = createCrypto(A).lookupHash('+886912345678');
    expect(createCrypto(B, { previous: [A], lookupKey: A }).lookupHash('+886912345678')).toBe(before);
    expect(createCrypto(B).lookupHash('+886912345678')).not.toBe(before);
  });
});
