// An appointment write carrying `bookingRequestId` (the HIS writing a request back, or staff
// accepting one) fulfils the request in the same transaction: requested → accepted, linked to
// the appointment, and the patient is told. Called by the appointments ingest.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../platform/deps.ts';
import type { ErrorDetail } from '../../platform/errors.ts';
import { markRecallBooked } from '../recalls/service.ts';
import { tellPatient } from './notify.ts';
import { bookingRepository } from './repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type FulfilProblem = {
  code: 'UNKNOWN_REFERENCE' | 'BOOKING_REQUEST_CLOSED';
  message: string;
  details: ErrorDetail[];
};

/**
 * Whether an appointment (internal id) may fulfil the request: null when it may (an open
 * request, or one this same appointment already fulfilled), else why not.
 */
export async function checkFulfil(
  db: Db,
  clinicId: string,
  requestId: string,
  appointmentId: string,
): Promise<FulfilProblem | null> {
  const r = await bookingRepository(db).request(clinicId, requestId);
  if (!r)
    return {
      code: 'UNKNOWN_REFERENCE',
      message: '找不到這筆線上預約申請，此筆未儲存',
      details: [
        { field: 'bookingRequestId', code: 'unknown_booking_request', message: `找不到預約申請「${requestId}」` },
      ],
    };
  if (r.status === 'requested' || (r.status === 'accepted' && r.appointment_id === appointmentId)) return null;
  const why = { accepted: '已由另一筆預約成立', declined: '已被拒絕', expired: '已逾時', cancelled: '已取消' }[
    r.status
  ];
  const message = `預約申請「${requestId}」${why ?? '已結束'}，不可再成立預約；請不帶 bookingRequestId 重送`;
  return {
    code: 'BOOKING_REQUEST_CLOSED',
    message,
    details: [{ field: 'bookingRequestId', code: 'booking_request_closed', message }],
  };
}

/** Marks open requests accepted by their appointments and tells each patient (once). */
export async function fulfilRequests(
  db: Db,
  deps: Deps,
  clinicId: string,
  items: { requestId: string; appointmentId: string; by: string }[],
): Promise<void> {
  const repo = bookingRepository(db);
  const now = deps.clock.now().toISOString();
  for (const it of items) {
    const moved = await repo.moveFrom(clinicId, it.requestId, 'requested', {
      status: 'accepted',
      appointment_id: it.appointmentId,
      needs_approval: 0,
      decided_by: it.by,
      decided_at: now,
      updated_at: now,
    });
    if (!moved) continue;
    const r = await repo.request(clinicId, it.requestId);
    if (!r) continue;
    await tellPatient(db, deps, r, 'accepted');
    if (r.recall_id) await markRecallBooked(db, clinicId, r.recall_id, '線上預約', now);
  }
}
