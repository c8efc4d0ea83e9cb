// LINE pushes as jobs: the X-Line-Retry-Key is created when the job is written (before the
// first attempt), so a retry after a lost answer reuses it; LINE's 409 for an accepted key
// counts as sent. Also the per-user rich menu switch after binding/unbinding.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { Type, type Static } from 'typebox';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../platform/deps.ts';
import { defineJob, enqueueJob, PermanentJobError, type Job } from '../../platform/jobs.ts';
import { describeLineError, LineMessageSchema } from '../../platform/line.ts';
import { lineService } from '../line/service.ts';

type Db = Kysely<DB> | Transaction<DB>;

const PushPayload = Type.Object({
  to: Type.String(),
  messages: Type.Array(LineMessageSchema),
  retryKey: Type.String(),
  source: Type.String(),
  relatedType: Type.Optional(Type.String()),
  relatedId: Type.Optional(Type.String()),
});
export type PushPayload = Static<typeof PushPayload>;

export const PUSH_JOB = defineJob({
  type: 'line.push',
  payload: PushPayload,
  defaults: { maxAttempts: 8 },
  handler: pushJob,
});

export const USER_MENU_JOB = defineJob({
  type: 'richmenu.user',
  payload: Type.Object({
    lineUserId: Type.String(),
    kind: Type.Union([Type.Literal('bound'), Type.Literal('unbound')]),
  }),
  defaults: { maxAttempts: 8 },
  handler: userMenuJob,
});

export async function queuePush(db: Db, deps: Deps, clinicId: string, p: Omit<PushPayload, 'retryKey'>): Promise<void> {
  const retryKey = randomUUID();
  await enqueueJob(
    db,
    deps.clock,
    PUSH_JOB,
    { ...p, retryKey },
    { clinicId, idempotencyKey: `push:${retryKey}`, orderingKey: `line-push:${clinicId}:${p.to}` },
  );
}

async function pushJob(job: Job<PushPayload>, deps: Deps): Promise<void> {
  const clinicId = job.clinicId!;
  const line = lineService(deps);
  const client = await line.clientFor(clinicId);
  const p = job.payload;
  try {
    await client.push({ to: p.to, messages: p.messages }, p.retryKey);
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
  await enqueueJob(
    db,
    deps.clock,
    USER_MENU_JOB,
    { lineUserId, kind },
    { clinicId, orderingKey: `richmenu-user:${clinicId}:${lineUserId}` },
  );
}

async function userMenuJob(job: Job<{ lineUserId: string; kind: 'bound' | 'unbound' }>, deps: Deps): Promise<void> {
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
      await client.richMenus.linkToUser(lineUserId, menu.line_rich_menu_id);
    } else {
      await client.richMenus.unlinkFromUser(lineUserId);
    }
  } catch (err) {
    const e = describeLineError(err);
    if (e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 429)
      throw new PermanentJobError(`${e.message}: ${e.lineMessage}`);
    throw err;
  }
}
