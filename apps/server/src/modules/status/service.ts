// Changing a light. Every change of a light goes through `changeStatus`: the light's owner
// writes its column (an appointment's `reply` and `status` in the appointments module, a
// patient's `line` in the patients module) and the change is appended to the lights feed with
// the webhook to the HIS (status/feed.ts), all inside the caller's transaction.
//
//   await db.transaction().execute((trx) => changeStatus(trx, deps, {
//     clinicId, subject: 'patient', subjectId: patient.id, light: 'line', to: 'bound',
//     source: 'patient', actor: { type: 'patient', id: patient.id, label: '病患本人（LINE）' },
//     reason: 'LINE 綁定完成',
//   }));
// It returns the change (with its cursor) or null when the light already had that value.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { changeAppointmentLight } from '../appointments/lights.ts';
import { patientById, setPatientLineStatus } from '../patients/service.ts';
import { recordStatusChange, type StatusChange, type StatusChangeInput } from './feed.ts';
import { LINE_STATUSES, type Light, type Subject } from './lights.ts';

export type { StatusChange, StatusChangeInput } from './feed.ts';

type Db = Kysely<DB> | Transaction<DB>;

const SUBJECT_OF: Record<Light, Subject> = { line: 'patient', reply: 'appointment', status: 'appointment' };

/**
 * Changes one status light. Call it inside a transaction (`trx`). Returns null when the light
 * already shows `to` (nothing is written).
 */
export async function changeStatus(trx: Db, deps: Deps, input: StatusChangeInput): Promise<StatusChange | null> {
  if (SUBJECT_OF[input.light] !== input.subject)
    throw new Error(`light ${input.light} does not belong to a ${input.subject}`);
  if (input.light !== 'line')
    return changeAppointmentLight(trx, deps, {
      clinicId: input.clinicId,
      appointmentId: input.subjectId,
      light: input.light,
      to: input.to,
      source: input.source,
      actor: input.actor,
      reason: input.reason,
    });
  if (!(LINE_STATUSES as readonly string[]).includes(input.to))
    throw errors.validation([{ field: 'line', code: 'enum', message: `不支援的燈號值：${input.to}` }]);
  const p = await patientById(trx, input.clinicId, input.subjectId);
  if (!p) throw errors.notFound('病患');
  if (p.lineStatus === input.to) return null;
  await setPatientLineStatus(trx, input.clinicId, p.id, input.to, deps.clock.now().toISOString());
  return recordStatusChange(trx, deps, { ...input, from: p.lineStatus, subjectHisId: p.hisId, patientHisId: p.hisId });
}
