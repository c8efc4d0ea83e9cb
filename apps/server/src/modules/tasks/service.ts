// The front desk's tasks: a patient's cancel or reschedule request waits here until the front
// desk handles it (or the patient withdraws it). Build the service with a transaction in
// `deps.db` to write in the caller's transaction. The only module that touches
// front_desk_tasks: the answers, reminders, appointments and home modules call this.
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { taskRepository } from './repository.ts';
import type { FrontDeskTasksTable } from './tables.ts';

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

    /** A task as other modules see it. */
    async get(clinicId: string, id: string) {
      const t = await repo.byId(clinicId, id);
      return t ? toTask(t) : null;
    },

    /** Every task of an appointment, oldest first (its detail page). */
    ofAppointment: async (clinicId: string, appointmentId: string) =>
      (await repo.ofAppointment(clinicId, appointmentId)).map(toTask),

    /** Open tasks oldest first, handled ones newest first. */
    list: async (clinicId: string, q: { status: 'open' | 'handled'; kind?: RequestKind; limit: number }) =>
      (await repo.list(clinicId, q.status, q.kind ?? null, q.limit)).map(toTask),

    countOpen: (clinicId: string) => repo.countOpen(clinicId),

    /** The front desk handled the appointment's open requests; returns how many were open. */
    handleAllOf: (clinicId: string, appointmentId: string, by: string) =>
      repo.closeOpen(clinicId, appointmentId, ['cancel_request', 'reschedule_request'], {
        status: 'handled',
        handled_at: deps.clock.now().toISOString(),
        handled_by: by,
      }),

    /** The front desk handled one task: 'handled', or why not ('already' handled by someone, 'missing'). */
    async handle(clinicId: string, id: string, by: string): Promise<'handled' | 'already' | 'missing'> {
      if (
        await repo.closeOne(clinicId, id, {
          status: 'handled',
          handled_at: deps.clock.now().toISOString(),
          handled_by: by,
        })
      )
        return 'handled';
      return (await repo.byId(clinicId, id)) ? 'already' : 'missing';
    },
  };
}

export type Task = ReturnType<typeof toTask>;

function toTask(t: FrontDeskTasksTable) {
  return {
    id: t.id,
    appointmentId: t.appointment_id,
    patientId: t.patient_id,
    kind: t.kind,
    status: t.status,
    source: t.source,
    details: JSON.parse(t.payload || '{}') as Partial<RequestDetails>,
    createdAt: t.created_at,
    handledAt: t.handled_at,
    handledBy: t.handled_by,
  };
}
