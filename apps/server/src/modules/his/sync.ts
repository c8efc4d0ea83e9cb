// A clinic's initial sync: from its first HIS call until an admin ends it on the HIS settings
// page, or 24 hours. While it lasts, an appointment the HIS sends without `bookedAt` is taken
// to be an existing booking being copied over, not one being made now, so it gets no
// booking-day message (the 48-hour and visit-day reminders still plan as usual).
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { hisSyncRepository } from './repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const INITIAL_SYNC_HOURS = 24;

export type InitialSync = {
  state: 'not_started' | 'active' | 'ended';
  startedAt: string | null;
  /** When it ends by itself (started + 24 h), or ended. */
  endsAt: string | null;
  endedAt: string | null;
  /** Who ended it; null when it ran out by itself. */
  endedBy: string | null;
};

export async function initialSyncOf(db: Db, clinicId: string, now: Date): Promise<InitialSync> {
  const r = await hisSyncRepository(db).get(clinicId);
  if (!r) return { state: 'not_started', startedAt: null, endsAt: null, endedAt: null, endedBy: null };
  const limit = new Date(Date.parse(r.started_at) + INITIAL_SYNC_HOURS * 3_600_000).toISOString();
  const endedAt = r.ended_at ?? (limit <= now.toISOString() ? limit : null);
  return {
    state: endedAt ? 'ended' : 'active',
    startedAt: r.started_at,
    endsAt: endedAt ?? limit,
    endedAt,
    endedBy: r.ended_at ? r.ended_by : null,
  };
}

/** Per database: clinics known (in this process) to have made their first HIS call (one write per clinic). */
const started = new WeakMap<object, Set<string>>();

/** Notes an HIS call: the clinic's first one starts its initial sync. */
export async function noteHisCall(deps: Pick<Deps, 'db' | 'clock'>, clinicId: string): Promise<void> {
  let known = started.get(deps.db);
  if (known?.has(clinicId)) return;
  await hisSyncRepository(deps.db).start(clinicId, deps.clock.now().toISOString());
  if (!known) started.set(deps.db, (known = new Set()));
  known.add(clinicId);
}

export async function endInitialSync(deps: Deps, clinicId: string, actor: Actor, ip: string): Promise<InitialSync> {
  const now = deps.clock.now();
  const cur = await initialSyncOf(deps.db, clinicId, now);
  if (cur.state === 'active') {
    await hisSyncRepository(deps.db).end(clinicId, now.toISOString(), actor.label);
    await recordAudit(deps.db, deps.clock, {
      clinicId,
      actor,
      action: 'his.initial_sync_ended',
      entityType: 'clinic',
      entityId: clinicId,
      ip,
    });
  }
  return initialSyncOf(deps.db, clinicId, now);
}
