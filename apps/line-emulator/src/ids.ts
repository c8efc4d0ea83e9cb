import { createHash, randomBytes, randomUUID } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (26 chars, Crockford base32: 48-bit ms time + 80 random bits), as LINE's webhookEventId. */
export function ulid(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const rnd = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[rnd[i] % 32];
  return time + random;
}

/** X-Line-Request-Id: a random UUID (Node draws them from a cache of random bytes, ~0.2 µs). */
export function requestId(): string {
  return randomUUID();
}

// LINE message ids are numeric strings: 500,000,000,000,000 + ms × 1000 + a counter mod 1000.
// The leading digits change once a millisecond, so they are formatted once a millisecond.
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let messageCounter = 0;
let idMs = Number.NaN;
let idHead = '';

/** LINE message ids are numeric strings. */
export function messageId(): string {
  messageCounter++;
  const now = Date.now();
  if (now !== idMs) {
    idMs = now;
    idHead = String(500_000_000_000 + now);
  }
  return idHead + THREE_DIGITS[messageCounter % 1000];
}

export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A LINE user id: "U" + 32 lowercase hex characters. */
export function userIdFor(seed?: string): string {
  if (seed) return 'U' + createHash('sha256').update(seed).digest('hex').slice(0, 32);
  return 'U' + hex(16);
}

export function token(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export const USER_ID_RE = /^U[0-9a-f]{32}$/;
export const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
