// What the patient is told in LINE at each step of a booking request (received, waiting for
// the clinic's approval, accepted, declined with the reason, expired, cancelled), and what the
// HIS is told (the signed webhook events appointment.requested / appointment.request_closed).
// Messages are rows first: one push job per request and step, its retry key derived from both,
// so a retried step sends nothing twice.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../platform/deps.ts';
import { formatInZone, localIso, localParts, WEEKDAY_ZH } from '../../platform/time.ts';
import { reachableLineUser } from '../binding/for-patients.ts';
import { clinicService } from '../clinics/service.ts';
import { doctorById } from '../doctors/service.ts';
import { queuePush, retryKeyOf } from '../line/push.ts';
import { patientById } from '../patients/service.ts';
import { emitWebhookEvent } from '../webhooks/service.ts';
import type { RequestRow } from './repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type Step = 'received' | 'approval' | 'accepted' | 'declined' | 'expired' | 'cancelled';

/** '12/8（週二）09:00' in the clinic's time zone. */
export function slotText(startsAt: string, timeZone: string): string {
  const l = localParts(new Date(startsAt), timeZone);
  return `${l.month}/${l.day}（${WEEKDAY_ZH[l.weekday]}）${formatInZone(startsAt, timeZone, 'time')}`;
}

/** Queues the LINE message of one step (nothing when the patient cannot be reached in LINE). */
export async function tellPatient(
  db: Db,
  deps: Deps,
  r: RequestRow,
  step: Step,
  extra: { approvalMessage?: string } = {},
): Promise<void> {
  const to = r.line_user_id ?? (await reachableLineUser(db, r.clinic_id, r.patient_id));
  if (!to) return;
  const [clinic, patient, doctor] = await Promise.all([
    clinicService({ ...deps, db: db as Kysely<DB> }).get(r.clinic_id),
    patientById(db, r.clinic_id, r.patient_id),
    doctorById(db, r.clinic_id, r.doctor_id),
  ]);
  const who = patient?.name ?? '';
  const type = r.visit_type ? `（${r.visit_type}）` : '';
  const dr = doctor?.name ?? '';
  const what = `${slotText(r.starts_at, clinic.timeZone)} ${dr.endsWith('醫師') ? dr : `${dr}醫師`}${type}`;
  const text = {
    received: `已收到${who}的預約申請：${what}。\n目前為「預約申請中」，診所確認後會再通知您。`,
    approval: `已收到${who}的預約申請：${what}。\n${extra.approvalMessage ?? ''}`.trim(),
    accepted: `預約成功！${who}：${what}。\n請準時到診，如需取消請提早告知${clinic.name}。`,
    declined: `很抱歉，${who}的預約申請（${what}）未能成立。\n原因：${r.decline_reason ?? '診所未說明'}\n如有疑問請來電 ${clinic.phone}。`,
    expired: `${who}的預約申請（${what}）未在時限內獲得診所確認，已自動取消。請重新預約或來電 ${clinic.phone}。`,
    cancelled: `已取消${who}的預約申請：${what}。`,
  }[step];
  await queuePush(
    db,
    deps,
    r.clinic_id,
    {
      to,
      source: 'booking',
      relatedType: 'booking_request',
      relatedId: r.id,
      messages: [{ type: 'text', text: text.slice(0, 5000) }],
    },
    retryKeyOf(`booking:${r.clinic_id}:${r.id}:${step}`),
  );
}

/** The HIS ids and local times a webhook event about a request carries. */
async function eventData(db: Db, deps: Deps, r: RequestRow) {
  const [timeZone, patient, doctor] = await Promise.all([
    clinicService({ ...deps, db: db as Kysely<DB> }).timeZoneOf(r.clinic_id),
    patientById(db, r.clinic_id, r.patient_id),
    doctorById(db, r.clinic_id, r.doctor_id),
  ]);
  return {
    requestId: r.id,
    patientId: patient?.hisId ?? null,
    patientName: patient?.name ?? null,
    doctorId: doctor?.his_id ?? null,
    startsAt: localIso(new Date(r.starts_at), timeZone),
    endsAt: localIso(new Date(r.ends_at), timeZone),
    durationMinutes: Math.round((Date.parse(r.ends_at) - Date.parse(r.starts_at)) / 60_000),
    visitType: r.visit_type,
    source: r.source,
    requestedAt: r.created_at,
  };
}

/** `appointment.requested`: the HIS books the visit and writes it back with `bookingRequestId`. */
export async function emitRequested(db: Db, deps: Deps, r: RequestRow): Promise<void> {
  await emitWebhookEvent(db, deps, {
    clinicId: r.clinic_id,
    type: 'appointment.requested',
    orderingKey: `booking:${r.id}`,
    data: await eventData(db, deps, r),
  });
}

/** `appointment.request_closed`: a request the HIS was told about will not become an appointment. */
export async function emitClosed(db: Db, deps: Deps, r: RequestRow, status: string, reason: string | null) {
  await emitWebhookEvent(db, deps, {
    clinicId: r.clinic_id,
    type: 'appointment.request_closed',
    orderingKey: `booking:${r.id}`,
    data: { ...(await eventData(db, deps, r)), status, reason },
  });
}
