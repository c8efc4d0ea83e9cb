// The front desk's tasks: a patient's cancel or reschedule request waits here until the front
// desk handles it (or the patient withdraws it). Build the service with a transaction in
// `deps.db` to write in the caller's transaction.
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { taskRepository } from './repository.ts';

export type RequestKind = 'cancel_request' | 'reschedule_request';

/** What a patient's request carries (the task's payload). */
export type RequestDetails = {
  reason: string | null;
  preferredTimes: string[];
  note: string | null;
  lineUserId: string | null;
  /** The reply light before the request, restored when the patient withdraws it. */
  previousReply?: string;
};

export function taskService(deps: Pick<Deps, 'db' | 'clock'>) {
  const repo = taskRepository(deps.db);
  return {
    async openRequest(
      clinicId: string,
      r: { appointmentId: string; patientId: string; kind: RequestKind; source: string; details: RequestDetails },
    ): Promise<string> {
      const id = newId();
      await repo.insert({
        id,
        clinic_id: clinicId,
        appointment_id: r.appointmentId,
        patient_id: r.patientId,
        kind: r.kind,
        status: 'open',
        source: r.source,
        payload: JSON.stringify(r.details),
        created_at: deps.clock.now().toISOString(),
        handled_at: null,
        handled_by: null,
      });
      return id;
    },

    /** The appointment's newest open request of this kind with its details, or null. */
    async openRequestOf(clinicId: string, appointmentId: string, kind: RequestKind) {
      const t = await repo.latestOpen(clinicId, appointmentId, kind);
      return t ? { id: t.id, details: JSON.parse(t.payload) as RequestDetails } : null;
    },

    /** Adds a reason or a preferred time to the open request; false when none is open any more. */
    async addToOpenRequest(
      clinicId: string,
      appointmentId: string,
      kind: RequestKind,
      patch: { reason?: string; preferredTime?: string },
    ): Promise<boolean> {
      const t = await this.openRequestOf(clinicId, appointmentId, kind);
      if (!t) return false;
      const d = t.details;
      if (patch.reason) d.reason = patch.reason;
      if (patch.preferredTime)
        d.preferredTimes = [...new Set([...(d.preferredTimes ?? []), patch.preferredTime])].slice(-5);
      await repo.setPayload(clinicId, t.id, JSON.stringify(d));
      return true;
    },

    /** The patient took the request back: its open tasks close as `withdrawn`. Returns how many. */
    withdrawRequests: (clinicId: string, appointmentId: string, kinds: RequestKind[]) =>
      repo.closeOpen(clinicId, appointmentId, kinds, {
        status: 'withdrawn',
        handled_at: deps.clock.now().toISOString(),
        handled_by: null,
      }),
  };
}
