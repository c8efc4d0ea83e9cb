// Online booking: which slots are free (per-doctor booking rules over the clinic's business
// hours and work calendar, or the slots the HIS publishes), booking requests and their life
// (requested → accepted | declined | expired | cancelled), and the no-show policy that may hold
// a patient's online requests for staff.
//
// Taking a slot is atomic: the request is written in a transaction that first takes the slot's
// lock row (booking_slot_locks), then counts the visits and open requests holding the slot.
// Concurrent requests for the same slot wait on that row, so each one counts the ones before.
import type { Kysely, Transaction } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { defineJob, enqueueJob, wakeWorkers, type Job } from '../../platform/jobs.ts';
import { addDays, localParts, zonedTime } from '../../platform/time.ts';
import { heldSlotStarts, noShowsOf } from '../appointments/for-booking.ts';
import { loadClinicCalendar } from '../calendar/service.ts';
import { clinicService } from '../clinics/service.ts';
import { clinicDoctors, doctorById } from '../doctors/service.ts';
import { patientById } from '../patients/service.ts';
import { emitClosed, emitRequested, tellPatient } from './notify.ts';
import { bookingRepository, type PolicyRow, type RequestRow, type RuleRow, type SettingsRow } from './repository.ts';
import { ruleSlots, type OpenDays, type SlotTime } from './slots.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type BookingSource = 'liff' | 'waitlist' | 'recall' | 'staff';
export type BookingFailure =
  | 'slot_taken'
  | 'slot_in_past'
  | 'too_late'
  | 'too_far'
  | 'not_a_slot'
  | 'no_rules'
  | 'visit_type_not_bookable'
  | 'duplicate_request'
  | 'booking_closed'
  | 'unknown_doctor'
  | 'unknown_patient'
  | 'invalid_slot';

export type BookingRequestInput = {
  patientId: string;
  doctorId: string;
  visitType: string | null;
  startsAt: Date;
  endsAt: Date;
  source: BookingSource;
  lineUserId: string | null;
  idempotencyKey: string;
};
export type BookingResult = { ok: true; requestId: string } | { ok: false; code: BookingFailure; message: string };

/** A free slot: `free` of `capacity` places are left. */
export type FreeSlot = {
  doctorId: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  free: number;
  visitTypes: string[] | null;
};

export const DEFAULT_SETTINGS = { enabled: true, slotSource: 'rules', acceptBy: 'staff', expireHours: 48 } as const;
export const DEFAULT_POLICY = {
  enabled: false,
  threshold: 3,
  message: '因您近 12 個月內有多次預約未到診，線上預約需由診所人員確認後才會成立，造成不便敬請見諒。',
};

const MESSAGES: Record<BookingFailure, string> = {
  slot_taken: '這個時段已經被預約走了，請選擇其他時段',
  slot_in_past: '這個時段已經過了，請選擇其他時段',
  too_late: '已超過這個時段的線上預約截止時間，請選擇其他時段或來電預約',
  too_far: '這個日期尚未開放線上預約，請選擇較近的日期',
  not_a_slot: '這不是可預約的時段，請從清單中選擇時段',
  no_rules: '這位醫師目前不開放線上預約，請選擇其他醫師或來電預約',
  visit_type_not_bookable: '這位醫師的這個看診類別不開放線上預約，請選擇其他類別或來電預約',
  duplicate_request: '您已申請過這個時段，請在「我的預約」查看',
  booking_closed: '診所目前不開放線上預約，請來電預約',
  unknown_doctor: '找不到這位醫師，請重新選擇',
  unknown_patient: '找不到這位病患，請重新選擇',
  invalid_slot: '時段的結束時間必須晚於開始時間',
};
const fail = (code: BookingFailure): BookingResult => ({ ok: false, code, message: MESSAGES[code] });

const json = (v: string | null) => (v === null ? null : (JSON.parse(v) as string[]));

export type Settings = {
  enabled: boolean;
  slotSource: 'rules' | 'his';
  acceptBy: 'his' | 'staff';
  expireHours: number;
};
export function toSettings(r: SettingsRow | undefined): Settings {
  if (!r) return { ...DEFAULT_SETTINGS };
  return {
    enabled: Number(r.enabled) === 1,
    slotSource: r.slot_source === 'his' ? 'his' : 'rules',
    acceptBy: r.accept_by === 'his' ? 'his' : 'staff',
    expireHours: Number(r.expire_hours),
  };
}

export type Rule = {
  doctorId: string;
  enabled: boolean;
  visitTypes: string[] | null;
  slotMinutes: number;
  daysAhead: number;
  cutoffMinutes: number;
  perSlot: number;
};
export const toRule = (r: RuleRow): Rule => ({
  doctorId: r.doctor_id,
  enabled: Number(r.enabled) === 1,
  visitTypes: json(r.visit_types),
  slotMinutes: Number(r.slot_minutes),
  daysAhead: Number(r.days_ahead),
  cutoffMinutes: Number(r.cutoff_minutes),
  perSlot: Number(r.per_slot),
});

async function openDaysOf(deps: Deps, clinicId: string): Promise<OpenDays> {
  const [{ calendar, timeZone }, clinic] = await Promise.all([
    loadClinicCalendar(deps, clinicId),
    clinicService(deps).get(clinicId),
  ]);
  return { timeZone, hours: clinic.businessHours, isWorkingDay: (d) => calendar.isWorkingDay(d) };
}

type Candidate = SlotTime & { doctorId: string; visitTypes: string[] | null };

/**
 * The slots the clinic publishes for these doctors in [from, to) (nothing subtracted yet), and
 * the doctors that have no rule or published slots.
 */
async function publishedSlots(
  deps: Deps,
  clinicId: string,
  settings: Settings,
  doctorIds: string[],
  from: Date,
  to: Date,
): Promise<Candidate[]> {
  const now = deps.clock.now();
  const repo = bookingRepository(deps.db);
  if (settings.slotSource === 'his') {
    const rows = await repo.availability(clinicId, doctorIds, from.toISOString(), to.toISOString());
    return rows
      .filter((r) => Date.parse(r.starts_at) > now.getTime())
      .map((r) => ({
        doctorId: r.doctor_id,
        startsAt: new Date(r.starts_at),
        endsAt: new Date(r.ends_at),
        capacity: Number(r.capacity),
        visitTypes: json(r.visit_types),
      }));
  }
  const rules = (await repo.rules(clinicId)).map(toRule).filter((r) => r.enabled && doctorIds.includes(r.doctorId));
  if (!rules.length) return [];
  const open = await openDaysOf(deps, clinicId);
  return rules.flatMap((rule) =>
    ruleSlots(rule, open, now, from, to).map((s) => ({ ...s, doctorId: rule.doctorId, visitTypes: rule.visitTypes })),
  );
}

/** How many places of each slot visits and open requests hold (key: doctor + start ISO). */
async function heldCounts(db: Db, clinicId: string, slots: Candidate[]): Promise<Map<Candidate, number>> {
  const out = new Map<Candidate, number>();
  if (!slots.length) return out;
  const doctorIds = [...new Set(slots.map((s) => s.doctorId))];
  const from = new Date(Math.min(...slots.map((s) => s.startsAt.getTime()))).toISOString();
  const to = new Date(Math.max(...slots.map((s) => s.endsAt.getTime()))).toISOString();
  const [visits, open] = await Promise.all([
    heldSlotStarts(db, clinicId, doctorIds, from, to),
    bookingRepository(db).openRequests(clinicId, doctorIds, from, to),
  ]);
  const starts = [
    ...visits.map((v) => ({ d: v.doctorId, t: Date.parse(v.startsAt) })),
    ...open.map((r) => ({ d: r.doctor_id, t: Date.parse(r.starts_at) })),
  ];
  for (const s of slots) {
    const a = s.startsAt.getTime();
    const b = s.endsAt.getTime();
    out.set(s, starts.filter((x) => x.d === s.doctorId && x.t >= a && x.t < b).length);
  }
  return out;
}

/** The clinic's bookable doctors: active, with an enabled rule (rules) or any published slot (his). */
async function bookableDoctorIds(deps: Deps, clinicId: string, settings: Settings): Promise<string[]> {
  const active = new Set((await clinicDoctors(deps.db, clinicId, { activeOnly: true })).map((d) => d.id));
  const repo = bookingRepository(deps.db);
  const ids =
    settings.slotSource === 'his'
      ? await repo.availabilityDoctorIds(clinicId, deps.clock.now().toISOString())
      : (await repo.rules(clinicId)).filter((r) => Number(r.enabled) === 1).map((r) => r.doctor_id);
  return ids.filter((id) => active.has(id));
}

/**
 * Free slots of a doctor (every bookable doctor when `doctorId` is null) starting in [from, to),
 * in time order; with `visitType`, only slots that take it.
 */
export async function freeSlotsOf(
  deps: Deps,
  clinicId: string,
  q: { doctorId: string | null; from: Date; to: Date; visitType?: string | null },
): Promise<FreeSlot[]> {
  const settings = toSettings(await bookingRepository(deps.db).settings(clinicId));
  const bookable = await bookableDoctorIds(deps, clinicId, settings);
  const doctorIds = q.doctorId ? bookable.filter((d) => d === q.doctorId) : bookable;
  const slots = (await publishedSlots(deps, clinicId, settings, doctorIds, q.from, q.to)).filter(
    (s) => !q.visitType || !s.visitTypes || s.visitTypes.includes(q.visitType),
  );
  const held = await heldCounts(deps.db, clinicId, slots);
  return slots
    .map((s) => ({
      doctorId: s.doctorId,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      capacity: s.capacity,
      free: Math.max(0, s.capacity - (held.get(s) ?? 0)),
      visitTypes: s.visitTypes,
    }))
    .filter((s) => s.free > 0)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.doctorId.localeCompare(b.doctorId));
}

/** No-shows per patient over the last 12 months (up to now). */
export async function noShowCountsOf(deps: Deps, clinicId: string, patientIds: string[]) {
  const now = deps.clock.now();
  const since = new Date(now);
  since.setUTCFullYear(since.getUTCFullYear() - 1);
  return noShowsOf(deps.db, clinicId, patientIds, since.toISOString(), now.toISOString());
}

export type Policy = { enabled: boolean; threshold: number; message: string };
export const toPolicy = (r: PolicyRow | undefined): Policy =>
  r ? { enabled: Number(r.enabled) === 1, threshold: Number(r.threshold), message: r.message } : { ...DEFAULT_POLICY };

/** Whether the no-show policy holds this patient's online requests for staff, and the message then shown. */
export async function approvalNeeded(
  deps: Deps,
  clinicId: string,
  patientId: string,
): Promise<{ needed: boolean; message: string; noShows: number }> {
  const repo = bookingRepository(deps.db);
  const [policy, [override], counts] = await Promise.all([
    repo.policy(clinicId).then(toPolicy),
    repo.overrides(clinicId, [patientId]),
    noShowCountsOf(deps, clinicId, [patientId]),
  ]);
  const noShows = counts.get(patientId) ?? 0;
  const needed =
    override?.mode === 'exempt'
      ? false
      : override?.mode === 'require'
        ? true
        : policy.enabled && noShows >= policy.threshold;
  return { needed, message: policy.message, noShows };
}

/** Why a requested start is not one of the doctor's bookable slots (a booking from LIFF or a recall). */
async function whyNotASlot(
  deps: Deps,
  clinicId: string,
  settings: Settings,
  input: BookingRequestInput,
): Promise<{ slot: Candidate } | { code: BookingFailure }> {
  const bookable = await bookableDoctorIds(deps, clinicId, settings);
  if (!bookable.includes(input.doctorId)) return { code: 'no_rules' };
  const day = 86_400_000;
  const around = await publishedSlots(
    deps,
    clinicId,
    settings,
    [input.doctorId],
    new Date(input.startsAt.getTime() - day),
    new Date(input.startsAt.getTime() + day),
  );
  const slot = around.find((s) => s.startsAt.getTime() === input.startsAt.getTime());
  if (!slot) {
    if (settings.slotSource === 'rules') {
      const rule = (await bookingRepository(deps.db).rules(clinicId))
        .map(toRule)
        .find((r) => r.doctorId === input.doctorId);
      if (rule) {
        const now = deps.clock.now();
        if (input.startsAt.getTime() < now.getTime() + rule.cutoffMinutes * 60_000) return { code: 'too_late' };
        const tz = await clinicService(deps).timeZoneOf(clinicId);
        const latest = zonedTime(addDays(localParts(now, tz).date, rule.daysAhead + 1), '00:00', tz);
        if (input.startsAt.getTime() >= latest.getTime()) return { code: 'too_far' };
      }
    }
    return { code: 'not_a_slot' };
  }
  if (input.visitType && slot.visitTypes && !slot.visitTypes.includes(input.visitType))
    return { code: 'visit_type_not_bookable' };
  return { slot };
}

/** Whether an insert failed on a unique key (the idempotency key of a request). */
const isUniqueViolation = (err: unknown) => /unique|duplicate key/i.test(String((err as Error)?.message ?? err));

/**
 * Asks for a visit. From LIFF or a recall the start must be one of the doctor's free slots; the
 * waitlist and staff may ask for any slot (a freed visit's time), holding one place of it. The
 * same idempotency key is the same request (its id again). Taking the place is atomic.
 */
export async function createBookingRequest(
  deps: Deps,
  clinicId: string,
  input: BookingRequestInput,
): Promise<BookingResult> {
  const repo = bookingRepository(deps.db);
  const again = await repo.byKey(clinicId, input.idempotencyKey);
  if (again) return { ok: true, requestId: again.id };
  const now = deps.clock.now();
  if (!(input.endsAt.getTime() > input.startsAt.getTime())) return fail('invalid_slot');
  if (input.startsAt.getTime() <= now.getTime()) return fail('slot_in_past');
  const [doctor, patient, settings] = await Promise.all([
    doctorById(deps.db, clinicId, input.doctorId),
    patientById(deps.db, clinicId, input.patientId),
    repo.settings(clinicId).then(toSettings),
  ]);
  if (!doctor || Number(doctor.active) !== 1) return fail('unknown_doctor');
  if (!patient) return fail('unknown_patient');
  const fromPatient = input.source === 'liff' || input.source === 'recall';
  let capacity = 1;
  let endsAt = input.endsAt;
  if (fromPatient) {
    if (!settings.enabled) return fail('booking_closed');
    const s = await whyNotASlot(deps, clinicId, settings, input);
    if ('code' in s) return fail(s.code);
    capacity = s.slot.capacity;
    endsAt = s.slot.endsAt;
  }
  const approval = fromPatient
    ? await approvalNeeded(deps, clinicId, input.patientId)
    : { needed: false, message: '', noShows: 0 };
  const nowIso = now.toISOString();
  const row: RequestRow = {
    id: newId(),
    clinic_id: clinicId,
    patient_id: input.patientId,
    doctor_id: input.doctorId,
    visit_type: input.visitType?.trim() || null,
    starts_at: input.startsAt.toISOString(),
    ends_at: endsAt.toISOString(),
    source: input.source,
    line_user_id: input.lineUserId,
    idempotency_key: input.idempotencyKey,
    status: 'requested',
    needs_approval: approval.needed ? 1 : 0,
    decline_reason: null,
    appointment_id: null,
    decided_by: null,
    decided_at: null,
    expires_at: new Date(
      Math.min(now.getTime() + settings.expireHours * 3_600_000, input.startsAt.getTime()),
    ).toISOString(),
    created_at: nowIso,
    updated_at: nowIso,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await deps.db.transaction().execute(async (trx): Promise<BookingResult> => {
        const tx = bookingRepository(trx);
        await tx.lockSlot(clinicId, row.doctor_id, row.starts_at);
        const slot: Candidate = {
          doctorId: row.doctor_id,
          startsAt: input.startsAt,
          endsAt,
          capacity,
          visitTypes: null,
        };
        const open = await tx.openRequests(clinicId, [row.doctor_id], row.starts_at, row.ends_at);
        if (open.some((r) => r.patient_id === row.patient_id)) return fail('duplicate_request');
        const held = (await heldCounts(trx, clinicId, [slot])).get(slot) ?? 0;
        if (held >= capacity) return fail('slot_taken');
        await tx.insertRequest(row);
        // Held by the no-show rule: the HIS hears of it once staff approve.
        if (!approval.needed) await emitRequested(trx, deps, row);
        if (fromPatient)
          await tellPatient(trx, deps, row, approval.needed ? 'approval' : 'received', {
            approvalMessage: approval.message,
          });
        await enqueueJob(
          trx,
          deps.clock,
          EXPIRE_JOB,
          { requestId: row.id },
          {
            clinicId,
            runAt: new Date(row.expires_at),
            idempotencyKey: `booking-expire:${row.id}`,
          },
        );
        return { ok: true, requestId: row.id };
      });
      if (result.ok) wakeWorkers();
      return result;
    } catch (err) {
      // The same idempotency key won a race: that request is this one.
      if (isUniqueViolation(err)) {
        const won = await repo.byKey(clinicId, input.idempotencyKey);
        if (won) return { ok: true, requestId: won.id };
      }
      // A busy database or a deadlock victim under heavy contention: try again.
      if (attempt >= 8) throw err;
      await new Promise((r) => setTimeout(r, Math.round(10 * 2 ** attempt * (0.5 + Math.random()))));
    }
  }
}

/** An unanswered request expires at its time (the patient and the HIS are told). */
export const EXPIRE_JOB = defineJob({
  type: 'booking.expire',
  payload: Type.Object({ requestId: Type.String() }),
  handler: async (job: Job<{ requestId: string }>, deps: Deps) => {
    await closeRequest(deps, job.clinicId!, job.payload.requestId, 'expired', null, 'system');
  },
});

/** requested → declined | expired | cancelled; false when the request was no longer open. */
async function closeRequest(
  deps: Deps,
  clinicId: string,
  requestId: string,
  status: 'declined' | 'expired' | 'cancelled',
  reason: string | null,
  by: string,
): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const repo = bookingRepository(trx);
    const now = deps.clock.now().toISOString();
    const moved = await repo.moveFrom(clinicId, requestId, 'requested', {
      status,
      decline_reason: reason,
      decided_by: by,
      decided_at: now,
      updated_at: now,
    });
    if (!moved) return false;
    const r = (await repo.request(clinicId, requestId))!;
    // The HIS was told about it unless the no-show rule was still holding it for staff.
    if (Number(r.needs_approval) === 0) await emitClosed(trx, deps, r, status, reason);
    await tellPatient(trx, deps, r, status);
    return true;
  });
}
