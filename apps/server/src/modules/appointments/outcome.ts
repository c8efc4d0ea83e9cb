// Visit outcomes: when an HIS write changes an appointment's status (to completed, no_show,
// cancelled …), the ingest enqueues one `appointments.outcome` job per change in the same
// transaction (idempotency key: appointment id + version). Its handler calls hooks wired in
// apps/server/src/jobs.ts (care plans enrol on a completed visit, the no-show follow-up writes
// to the patient, …). The payload is the change as it was written, not the appointment as it
// is when the job runs.
//
// Nothing for the past (outcomeFor): connecting an HIS copies old visits over, and re-sending
// them must not enrol anyone or write to anyone about them. A change is an outcome only when the
// visit is on the clinic's today or yesterday (a clinic that closes its day in the HIS the next
// morning still counts), and, while the clinic's initial sync lasts, an appointment Careline sees
// for the first time already completed / no-show is a copy, not news.
//
// Freed slots: the day rule lets a visit still ahead through, so a known visit cancelled next
// week is an outcome (the waitlist offers its slot). A visit moved to another time (status
// unchanged) is one too, with `previousStartsAt` — only when the start it left is still ahead.
// The waitlist ignores a first sighting (previousStatus null): that never held a slot Careline knew.
//
// Hooks must be idempotent (the job is retried when any hook throws: every hook runs, then the
// first error is rethrown) and quick (enqueue their own jobs for slow work).
import type { Kysely, Transaction } from 'kysely';
import { Type, type Static } from 'typebox';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../platform/deps.ts';
import { defineJob, enqueueJobs, jobType, type JobDefinition } from '../../platform/jobs.ts';
import { addDays, localParts } from '../../platform/time.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const OutcomePayload = Type.Object({
  /** Careline's appointment id (not the HIS's). */
  appointmentId: Type.String(),
  /** The HIS's appointment id, for logs and people. */
  appointmentHisId: Type.String(),
  /** Careline's patient and doctor ids. */
  patientId: Type.String(),
  doctorId: Type.String(),
  visitType: Type.Union([Type.String(), Type.Null()]),
  treatmentCodes: Type.Union([Type.Array(Type.String()), Type.Null()]),
  status: Type.String(),
  /** Null when the appointment was first seen with this status (a walk-in entered as completed). */
  previousStatus: Type.Union([Type.String(), Type.Null()]),
  /** The visit's start, ISO 8601 UTC. */
  startsAt: Type.String(),
  /** Set when the visit was moved (status unchanged): the start it left, ISO 8601 UTC. */
  previousStartsAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  version: Type.Number(),
});
export type Outcome = Static<typeof OutcomePayload>;

export type OutcomeHook = (deps: Deps, clinicId: string, o: Outcome) => Promise<void>;

export const OUTCOME_JOB_TYPE = jobType({ type: 'appointments.outcome', payload: OutcomePayload });

/** The outcome job with its hooks (wired in jobs.ts). */
export function appointmentOutcomeJob(hooks: { onOutcome: OutcomeHook[] }): JobDefinition {
  return defineJob({
    ...OUTCOME_JOB_TYPE,
    handler: async (job, deps) => {
      if (!job.clinicId) return;
      let first: unknown = null;
      for (const hook of hooks.onOutcome) {
        try {
          await hook(deps, job.clinicId, job.payload);
        } catch (err) {
          first ??= err;
        }
      }
      if (first) throw first;
    },
  });
}

/**
 * Whether a change is an outcome worth acting on (see the header). A status change counts when
 * the visit is on the clinic's yesterday or later (a cancelled visit ahead included) and it is not
 * a first sighting during the initial sync; a move (`moved`, `startsAt` being the start it left)
 * counts only as a freed slot: when that start is still ahead.
 */
export function outcomeFor(
  change: { startsAt: string; firstSeen: boolean; moved: boolean },
  ctx: { now: Date; timeZone: string; initialSync: boolean },
): boolean {
  if (change.firstSeen && ctx.initialSync) return false;
  if (change.moved) return Date.parse(change.startsAt) > ctx.now.getTime();
  const visitDay = localParts(new Date(change.startsAt), ctx.timeZone).date;
  return visitDay >= addDays(localParts(ctx.now, ctx.timeZone).date, -1);
}

/** Enqueues outcome jobs in the caller's transaction (one per appointment version). */
export async function enqueueOutcomeJobs(trx: Db, deps: Deps, clinicId: string, items: Outcome[]): Promise<void> {
  if (!items.length) return;
  await enqueueJobs(
    trx,
    deps.clock,
    OUTCOME_JOB_TYPE,
    items.map((o) => ({
      payload: o,
      opts: {
        clinicId,
        idempotencyKey: `${OUTCOME_JOB_TYPE.type}:${o.appointmentId}:${o.version}`,
        orderingKey: `appointments-outcome:${o.appointmentId}`,
      },
    })),
  );
}
