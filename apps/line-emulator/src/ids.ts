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

export function requestId(): string {
  return randomUUID();
}

let messageCounter = 0;
/** LINE message ids are numeric strings. */
export function messageId(): string {
  messageCounter++;
  return String(500_000_000_000_000 + Date.now() * 1000 + (messageCounter % 1000));
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
