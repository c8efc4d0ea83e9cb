// LINE pushes as jobs: the X-Line-Retry-Key is created when the job is written (before the
// first attempt), so a retry after a lost answer reuses it; LINE's 409 for an accepted key
// counts as sent. Also the per-user rich menu switch after binding/unbinding.
import type { messagingApi } from '@line/bot-sdk';
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../platform/deps.ts';
import { enqueue, PermanentJobError, type Job } from '../../platform/jobs.ts';
import { describeLineError } from '../../platform/line.ts';
import { lineService } from '../line/service.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const PUSH_JOB = 'line.push';
export const USER_MENU_JOB = 'richmenu.user';

export type PushPayload = {
  to: string;
  messages: messagingApi.Message[];
  retryKey: string;
  source: string;
  relatedType?: string;
  relatedId?: string;
};

export async function queuePush(db: Db, deps: Deps, clinicId: string, p: Omit<PushPayload, 'retryKey'>): Promise<void> {
  const retryKey = randomUUID();
  await enqueue(db as Kysely<DB>, deps.clock, {
    type: PUSH_JOB,
    clinicId,
    payload: { ...p, retryKey },
    idempotencyKey: `push:${retryKey}`,
    orderingKey: `line-push:${clinicId}:${p.to}`,
    maxAttempts: 8,
  });
}

export async function pushJob(job: Job<PushPayload>, deps: Deps): Promise<void> {
  const clinicId = job.clinicId!;
  const line = lineService(deps);
  const client = await line.clientFor(clinicId);
  const p = job.payload;
  try {
    await client.pushMessage({ to: p.to, messages: p.messages }, p.retryKey);
  } catch (err) {
    const e = describeLineError(err);
    if (e.status === 409) {
      // already accepted under this retry key: counts as sent
    } else if (e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 429) {
      throw new PermanentJobError(`${e.message}: ${e.lineMessage}`);
    } else throw err;
  }
  for (const m of p.messages) {
    await line.logMessage(clinicId, {
      lineUserId: p.to,
      direction: 'out',
      kind: m.type,
      text: m.type === 'text' ? m.text : 'altText' in m ? String(m.altText) : '',
      payload: m,
      source: p.source,
      relatedType: p.relatedType,
      relatedId: p.relatedId,
    });
  }
}

/** Switches one user's rich menu to the clinic's bound menu, or back to the default (unbound). */
export async function queueUserMenu(
  db: Db,
  deps: Deps,
  clinicId: string,
  lineUserId: string,
  kind: 'bound' | 'unbound',
): Promise<void> {
  await enqueue(db as Kysely<DB>, deps.clock, {
    type: USER_MENU_JOB,
    clinicId,
    payload: { lineUserId, kind },
    orderingKey: `richmenu-user:${clinicId}:${lineUserId}`,
    maxAttempts: 8,
  });
}

export async function userMenuJob(
  job: Job<{ lineUserId: string; kind: 'bound' | 'unbound' }>,
  deps: Deps,
): Promise<void> {
  const clinicId = job.clinicId!;
  const client = await lineService(deps).clientFor(clinicId);
  const { lineUserId, kind } = job.payload;
  try {
    if (kind === 'bound') {
      const menu = await deps.db
        .selectFrom('rich_menus')
        .select('line_rich_menu_id')
        .where('clinic_id', '=', clinicId)
        .where('kind', '=', 'bound')
        .executeTakeFirst();
      if (!menu?.line_rich_menu_id) return; // no bound menu published: the default stays
      await client.linkRichMenuIdToUser(lineUserId, menu.line_rich_menu_id);
    } else {
      await client.unlinkRichMenuIdFromUser(lineUserId);
    }
  } catch (err) {
    const e = describeLineError(err);
    if (e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 429)
      throw new PermanentJobError(`${e.message}: ${e.lineMessage}`);
    throw err;
  }
}
