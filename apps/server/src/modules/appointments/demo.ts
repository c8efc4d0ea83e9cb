// The demo clinic's past visits for the synthetic Careline history (npm run demo; see
// modules/reminders/demo.ts): read in time order, and the patients' replies written back.
import { writeTransaction } from '../../db/write-transaction.ts';
import type { Deps } from '../../platform/deps.ts';
import { appointmentDemoRepository } from './demo.repository.ts';

export type DemoVisit = {
  id: string;
  patientId: string;
  startsAt: string;
  status: string;
  version: number;
  visitType: string | null;
  replyStatus: string;
};

export async function demoVisitsBetween(deps: Deps, clinicId: string, from: Date, to: Date): Promise<DemoVisit[]> {
  const rows = await appointmentDemoRepository(deps.db).visitsBetween(clinicId, from.toISOString(), to.toISOString());
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    startsAt: r.starts_at,
    status: r.status,
    version: Number(r.version),
    visitType: r.visit_type,
    replyStatus: r.reply_status,
  }));
}

/** Patients with a visit from this instant on: the demo leaves their LINE state as the seed made it. */
export const demoPatientsVisitingFrom = (deps: Deps, clinicId: string, from: Date) =>
  appointmentDemoRepository(deps.db).patientsVisitingFrom(clinicId, from.toISOString());

/** The replies to past reminders (confirmed, cancel or reschedule requested, awaiting), in one transaction. */
export async function recordDemoReplies(
  deps: Deps,
  clinicId: string,
  rows: { id: string; replyStatus: string; at: string }[],
): Promise<void> {
  await writeTransaction(deps.db, deps.dialect, (trx) => appointmentDemoRepository(trx).setReplies(clinicId, rows));
}
