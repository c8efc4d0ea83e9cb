// Ids, tokens, hashing and encryption of secrets and personal data (AES-256-GCM with
// ENCRYPTION_KEY; keyed lookup hashes with a key derived from it).
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** A time-ordered UUID (version 7): sortable, unique across processes. */
export function newId(): string {
  const b = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A random URL-safe token with `bytes` bytes of entropy. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type Crypto = {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** True when `sealed` was encrypted with the current key (false: an older key, or not ours). */
  isCurrent(sealed: string): boolean;
  /** Keyed hash for exact lookups of sensitive values (national id, phone) without storing them in clear. */
  lookupHash(value: string): string;
  hmacHex(secret: string, data: string): string;
};

/**
 * `masterKey` (ENCRYPTION_KEY) encrypts; `previous` (ENCRYPTION_KEYS_OLD) only decrypt, so a
 * key can be rotated while the service runs: ciphertext written under an older key keeps
 * reading until `npm run rotate-key` has rewritten it (docs/operations.md "Rotating the
 * encryption key"). `lookupKey` (LOOKUP_KEY, default: the master key) keys the lookup hashes
 * and the tokens derived from them, which cannot be re-encrypted, only recomputed from the
 * plain value: it stays when the encryption key rotates.
 */
export function createCrypto(masterKey: Buffer, opts: { previous?: Buffer[]; lookupKey?: Buffer | null } = {}): Crypto {
  const derive = (k: Buffer) => Buffer.from(hkdfSync('sha256', k, Buffer.alloc(0), 'careline:encrypt:v1', 32));
  const encKey = derive(masterKey);
  const decKeys = [encKey, ...(opts.previous ?? []).map(derive)];
  const hashKey = Buffer.from(
    hkdfSync('sha256', opts.lookupKey ?? masterKey, Buffer.alloc(0), 'careline:lookup:v1', 32),
  );
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', encKey, iv);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `v1:${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64')}`;
    },
    decrypt(sealed) {
      if (!sealed.startsWith('v1:')) throw new Error('unknown ciphertext version');
      const raw = Buffer.from(sealed.slice(3), 'base64');
      // GCM's tag tells the keys apart: the current key first, then the older ones
      for (let i = 0; ; i++) {
        try {
          const d = createDecipheriv('aes-256-gcm', decKeys[i], raw.subarray(0, 12));
          d.setAuthTag(raw.subarray(12, 28));
          return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
        } catch (err) {
          if (i === decKeys.length - 1) throw err;
        }
      }
    },
    isCurrent(sealed) {
      try {
        const raw = Buffer.from(sealed.slice(3), 'base64');
        const d = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
        d.setAuthTag(raw.subarray(12, 28));
        d.update(raw.subarray(28));
        d.final();
        return true;
      } catch {
        return false;
      }
    },
    lookupHash: (value) => createHmac('sha256', hashKey).update(value).digest('hex'),
    hmacHex: (secret, data) => createHmac('sha256', secret).update(data).digest('hex'),
  };
}
