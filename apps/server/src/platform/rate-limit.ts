// Fixed-window counters kept in the database, so limits hold across restarts and processes.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Clock } from './clock.ts';

export type Window = { limit: number; windowMs: number; blockMs?: number };

export type HitResult = { allowed: boolean; count: number; retryAfterSeconds: number };

/** Is the key currently blocked (without counting a hit)? */
export async function blockedFor(db: Kysely<DB>, clock: Clock, key: string): Promise<number> {
  const row = await db.selectFrom('rate_limits').select('blocked_until').where('key', '=', key).executeTakeFirst();
  if (!row?.blocked_until) return 0;
  const ms = new Date(row.blocked_until).getTime() - clock.now().getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/** Counts one hit for `key`. Over the limit → not allowed (and blocked for blockMs if set). */
export async function hit(db: Kysely<DB>, clock: Clock, key: string, w: Window): Promise<HitResult> {
  const now = clock.now();
  const nowIso = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('rate_limits').selectAll().where('key', '=', key).executeTakeFirst();
    if (row?.blocked_until && row.blocked_until > nowIso) {
      return {
        allowed: false,
        count: row.count,
        retryAfterSeconds: Math.ceil((new Date(row.blocked_until).getTime() - now.getTime()) / 1000),
      };
    }
    const windowOver =
      !row || new Date(row.window_start).getTime() + w.windowMs <= now.getTime() || row.blocked_until !== null;
    const count = windowOver ? 1 : row.count + 1;
    const windowStart = windowOver ? nowIso : row.window_start;
    const over = count > w.limit;
    const blockedUntil = over && w.blockMs ? new Date(now.getTime() + w.blockMs).toISOString() : null;
    if (row) {
      await trx
        .updateTable('rate_limits')
        .set({ count, window_start: windowStart, blocked_until: blockedUntil })
        .where('key', '=', key)
        .execute();
    } else {
      await trx
        .insertInto('rate_limits')
        .values({ key, count, window_start: windowStart, blocked_until: blockedUntil })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    }
    const retryAfterSeconds = over
      ? Math.ceil(
          ((blockedUntil ? new Date(blockedUntil).getTime() : new Date(windowStart).getTime() + w.windowMs) -
            now.getTime()) /
            1000,
        )
      : 0;
    return { allowed: !over, count, retryAfterSeconds };
  });
}

export async function resetLimit(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}
