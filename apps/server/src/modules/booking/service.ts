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
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors, type ErrorDetail } from '../../platform/errors.ts';
import { defineJob, enqueueJob, wakeWorkers, type Job } from '../../platform/jobs.ts';
import { addDays, formatInZone, localIso, localParts, zonedTime } from '../../platform/time.ts';
import { heldSlotStarts, noShowsOf } from '../appointments/for-booking.ts';
import { appointmentIngest } from '../appointments/ingest.ts';
import { boundPatients } from '../binding/service.ts';
import { loadClinicCalendar } from '../calendar/service.ts';
import { clinicService } from '../clinics/service.ts';
import { clinicDoctors, doctorById, doctorByHisId, doctorsByIds } from '../doctors/service.ts';
import { patientById, patientsByIds } from '../patients/service.ts';
import { recallPatientOf } from '../recalls/service.ts';
import { emitClosed, emitRequested, slotText, tellPatient } from './notify.ts';
import {
  bookingRepository,
  type AvailabilityRow,
  type PolicyRow,
  type RequestRow,
  type RuleRow,
  type SettingsRow,
} from './repository.ts';
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
  /** source 'recall': the recall whose 線上預約 link the patient used (marked 已預約 on acceptance). */
  recallId?: string | null;
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
    recall_id: input.source === 'recall' ? (input.recallId ?? null) : null,
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

export const STATUS_LABELS: Record<string, string> = {
  requested: '預約申請中',
  accepted: '預約成功',
  declined: '未能預約',
  expired: '申請逾時',
  cancelled: '已取消申請',
};

/** Stable English codes of the LIFF and back-office answers for a refused request. */
export function bookingError(code: BookingFailure, message: string): AppError {
  const status = code === 'slot_taken' || code === 'duplicate_request' ? 409 : 422;
  return new AppError(code.toUpperCase(), status, message, [{ field: 'startsAt', code, message }]);
}

function checkRule(input: Omit<Rule, 'doctorId'>) {
  const details: ErrorDetail[] = [];
  if (input.visitTypes && new Set(input.visitTypes.map((v) => v.trim())).size !== input.visitTypes.length)
    details.push({ field: 'visitTypes', code: 'unique', message: '看診類別重複了' });
  if (input.cutoffMinutes >= (input.daysAhead + 1) * 1440)
    details.push({
      field: 'cutoffMinutes',
      code: 'range',
      message: '截止時間比可預約的天數還長，病患將沒有任何時段可以預約',
    });
  if (details.length) throw errors.validation(details);
}

/** Overlapping or malformed slots of an availability write, as the HIS API's field details. */
export function availabilityProblems(slots: { startsAt: string; endsAt: string }[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const parsed = slots.map((s, i) => ({ i, a: Date.parse(s.startsAt), b: Date.parse(s.endsAt) }));
  for (const p of parsed)
    if (!(p.b > p.a))
      details.push({
        field: `slots.${p.i}.endsAt`,
        code: 'range',
        message: `第 ${p.i + 1} 個時段的結束時間必須晚於開始時間`,
      });
  const sorted = parsed.filter((p) => p.b > p.a).sort((x, y) => x.a - y.a);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1];
    const cur = sorted[k];
    if (cur.a < prev.b)
      details.push({
        field: `slots.${cur.i}.startsAt`,
        code: 'overlap',
        message: `第 ${cur.i + 1} 個時段與第 ${prev.i + 1} 個時段重疊`,
      });
  }
  return details;
}

export function bookingService(deps: Deps) {
  const db = deps.db;
  const repo = bookingRepository(db);

  async function names(clinicId: string, rows: RequestRow[]) {
    const [patients, doctors, counts] = await Promise.all([
      patientsByIds(db, clinicId, [...new Set(rows.map((r) => r.patient_id))]),
      doctorsByIds(db, clinicId, [...new Set(rows.map((r) => r.doctor_id))]),
      noShowCountsOf(deps, clinicId, [...new Set(rows.map((r) => r.patient_id))]),
    ]);
    const p = new Map(patients.map((x) => [x.id, x]));
    return rows.map((r) => ({
      id: r.id,
      patientId: r.patient_id,
      patientName: p.get(r.patient_id)?.name ?? '',
      chartNo: p.get(r.patient_id)?.chartNo ?? null,
      doctorId: r.doctor_id,
      doctorName: doctors.get(r.doctor_id)?.name ?? '',
      visitType: r.visit_type,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      source: r.source as BookingSource,
      status: r.status as 'requested',
      statusLabel: STATUS_LABELS[r.status] ?? r.status,
      needsApproval: Number(r.needs_approval) === 1,
      noShows: counts.get(r.patient_id) ?? 0,
      declineReason: r.decline_reason,
      appointmentId: r.appointment_id,
      decidedBy: r.decided_by,
      decidedAt: r.decided_at,
      expiresAt: r.expires_at,
      createdAt: r.created_at,
    }));
  }

  async function openRequest(clinicId: string, id: string) {
    const r = await repo.request(clinicId, id);
    if (!r) throw errors.notFound('預約申請');
    if (r.status !== 'requested')
      throw errors.conflict(
        'BOOKING_REQUEST_CLOSED',
        `這筆申請已是「${STATUS_LABELS[r.status] ?? r.status}」，無法再處理`,
      );
    return r;
  }

  return {
    async settings(clinicId: string): Promise<Settings> {
      return toSettings(await repo.settings(clinicId));
    },
    async saveSettings(clinicId: string, input: Settings, actor: Actor, ip: string) {
      await repo.saveSettings({
        clinic_id: clinicId,
        enabled: input.enabled ? 1 : 0,
        slot_source: input.slotSource,
        accept_by: input.acceptBy,
        expire_hours: input.expireHours,
        updated_at: deps.clock.now().toISOString(),
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'booking.settings_saved',
        entityType: 'booking_settings',
        entityId: clinicId,
        detail: { ...input },
        ip,
      });
      return this.settings(clinicId);
    },

    async rules(clinicId: string) {
      const [doctors, rules, clinic] = await Promise.all([
        clinicDoctors(db, clinicId),
        repo.rules(clinicId),
        clinicService(deps).get(clinicId),
      ]);
      const byDoctor = new Map(rules.map((r) => [r.doctor_id, toRule(r)]));
      return {
        doctors: doctors.map((d) => ({
          doctorId: d.id,
          name: d.name,
          active: Number(d.active) === 1,
          rule: byDoctor.get(d.id) ?? null,
        })),
        businessHours: clinic.businessHours,
      };
    },
    async saveRule(clinicId: string, doctorId: string, input: Omit<Rule, 'doctorId'>, actor: Actor, ip: string) {
      if (!(await doctorById(db, clinicId, doctorId))) throw errors.notFound('醫師');
      const visitTypes = input.visitTypes?.map((v) => v.trim()) ?? null;
      checkRule({ ...input, visitTypes });
      await repo.saveRule({
        clinic_id: clinicId,
        doctor_id: doctorId,
        enabled: input.enabled ? 1 : 0,
        visit_types: visitTypes ? JSON.stringify(visitTypes) : null,
        slot_minutes: input.slotMinutes,
        days_ahead: input.daysAhead,
        cutoff_minutes: input.cutoffMinutes,
        per_slot: input.perSlot,
        updated_at: deps.clock.now().toISOString(),
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'booking.rule_saved',
        entityType: 'doctor',
        entityId: doctorId,
        detail: { ...input, visitTypes },
        ip,
      });
      return { doctorId, ...input, visitTypes };
    },
    async deleteRule(clinicId: string, doctorId: string, actor: Actor, ip: string) {
      await repo.deleteRule(clinicId, doctorId);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'booking.rule_deleted',
        entityType: 'doctor',
        entityId: doctorId,
        ip,
      });
    },

    /** The HIS replaces a doctor's published slots from now on (overlaps refused, nothing stored). */
    async putAvailability(
      clinicId: string,
      doctorHisId: string,
      slots: { startsAt: string; endsAt: string; capacity?: number; visitTypes?: string[] | null }[],
      actor: Actor,
      ip: string,
    ) {
      const doctor = await doctorByHisId(db, clinicId, doctorHisId);
      if (!doctor)
        throw new AppError('UNKNOWN_REFERENCE', 422, '醫師尚未建立，此筆未儲存', [
          {
            field: 'doctorId',
            code: 'unknown_doctor',
            message: `找不到醫師「${doctorHisId}」，請先以 PUT /his/v1/doctors/${doctorHisId} 建立醫師`,
          },
        ]);
      const problems = availabilityProblems(slots);
      if (problems.length) throw errors.validation(problems, '可預約時段有誤（重疊或結束早於開始），此次全部未儲存');
      const now = deps.clock.now();
      const nowIso = now.toISOString();
      const rows: AvailabilityRow[] = slots
        .filter((s) => Date.parse(s.endsAt) > now.getTime())
        .map((s) => ({
          id: newId(),
          clinic_id: clinicId,
          doctor_id: doctor.id,
          starts_at: new Date(s.startsAt).toISOString(),
          ends_at: new Date(s.endsAt).toISOString(),
          capacity: s.capacity ?? 1,
          visit_types: s.visitTypes ? JSON.stringify(s.visitTypes.map((v) => v.trim())) : null,
          created_at: nowIso,
        }));
      const before = (await repo.availability(clinicId, [doctor.id], nowIso, '9999')).length;
      await db
        .transaction()
        .execute((trx) => bookingRepository(trx).replaceAvailability(clinicId, doctor.id, nowIso, rows));
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'booking.availability_replaced',
        entityType: 'doctor',
        entityId: doctor.id,
        detail: { slots: rows.length, replaced: before },
        ip,
      });
      return { doctorId: doctorHisId, slots: rows.length, replaced: before };
    },

    async list(clinicId: string, q: { status?: string; limit?: number }) {
      const status = q.status === 'all' ? null : (q.status ?? 'requested');
      const [rows, open, settings] = await Promise.all([
        repo.list(clinicId, { status, limit: q.limit ?? 200 }),
        repo.countOpen(clinicId),
        this.settings(clinicId),
      ]);
      return { items: await names(clinicId, rows), open, acceptBy: settings.acceptBy };
    },

    /**
     * Staff accept a request. Clinics whose HIS writes back (acceptBy his) only approve one the
     * no-show rule held: it goes to the HIS now. Otherwise the appointment is made here, through
     * the same write the HIS uses (HIS id CL-<request id>), which fulfils the request.
     */
    async accept(clinicId: string, id: string, actor: Actor, ip: string) {
      const r = await openRequest(clinicId, id);
      const settings = await this.settings(clinicId);
      if (settings.acceptBy === 'his') {
        if (Number(r.needs_approval) !== 1)
          throw errors.conflict(
            'WAITING_FOR_HIS',
            '這筆申請已送到 HIS，由 HIS 建立預約後會自動成立；若 HIS 無法處理，請婉拒並說明原因',
          );
        await db.transaction().execute(async (trx) => {
          const now = deps.clock.now().toISOString();
          if (
            !(await bookingRepository(trx).moveFrom(clinicId, id, 'requested', { needs_approval: 0, updated_at: now }))
          )
            return;
          const row = (await bookingRepository(trx).request(clinicId, id))!;
          await emitRequested(trx, deps, row);
          await tellPatient(trx, deps, row, 'received');
        });
      } else {
        const [patient, doctor, timeZone] = await Promise.all([
          patientById(db, clinicId, r.patient_id),
          doctorById(db, clinicId, r.doctor_id),
          clinicService(deps).timeZoneOf(clinicId),
        ]);
        if (!patient || !doctor) throw errors.notFound('病患或醫師');
        const hisId = `CL-${r.id}`;
        await appointmentIngest(deps).upsertOne(
          { clinicId, actor, source: 'staff' },
          {
            appointmentId: hisId,
            patientId: patient.hisId,
            doctorId: doctor.his_id,
            startsAt: localIso(new Date(r.starts_at), timeZone),
            durationMinutes: Math.round((Date.parse(r.ends_at) - Date.parse(r.starts_at)) / 60_000),
            visitType: r.visit_type,
            status: 'booked',
            bookedAt: localIso(new Date(r.created_at), timeZone),
            version: 1,
            bookingRequestId: r.id,
          },
          ip,
        );
      }
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'booking.request_accepted',
        entityType: 'booking_request',
        entityId: id,
        detail: { acceptBy: settings.acceptBy },
        ip,
      });
      const [row] = await names(clinicId, [(await repo.request(clinicId, id))!]);
      return row;
    },

    async decline(clinicId: string, id: string, reason: string, actor: Actor, ip: string) {
      await openRequest(clinicId, id);
      const text = reason.trim();
      if (!text) throw errors.validation([{ field: 'reason', code: 'required', message: '請說明婉拒的原因' }]);
      if (!(await closeRequest(deps, clinicId, id, 'declined', text, actor.label)))
        throw errors.conflict('BOOKING_REQUEST_CLOSED', '這筆申請剛剛已被處理，請重新整理');
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'booking.request_declined',
        entityType: 'booking_request',
        entityId: id,
        detail: { reason: text },
        ip,
      });
      const [row] = await names(clinicId, [(await repo.request(clinicId, id))!]);
      return row;
    },

    // ---- the no-show policy ----
    async policy(clinicId: string): Promise<Policy> {
      return toPolicy(await repo.policy(clinicId));
    },
    async savePolicy(clinicId: string, input: Policy, actor: Actor, ip: string) {
      const message = input.message.trim();
      if (!message) throw errors.validation([{ field: 'message', code: 'required', message: '請填寫病患看到的說明' }]);
      await repo.savePolicy({
        clinic_id: clinicId,
        enabled: input.enabled ? 1 : 0,
        threshold: input.threshold,
        message,
        updated_at: deps.clock.now().toISOString(),
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'booking.no_show_policy_saved',
        entityType: 'booking_settings',
        entityId: clinicId,
        detail: { ...input, message },
        ip,
      });
      return this.policy(clinicId);
    },
    async overrides(clinicId: string) {
      const rows = await repo.overrides(clinicId);
      const ids = rows.map((r) => r.patient_id);
      const [patients, counts] = await Promise.all([
        patientsByIds(db, clinicId, ids),
        noShowCountsOf(deps, clinicId, ids),
      ]);
      const p = new Map(patients.map((x) => [x.id, x]));
      return {
        items: rows
          .filter((r) => p.has(r.patient_id))
          .map((r) => ({
            patientId: r.patient_id,
            patientName: p.get(r.patient_id)!.name,
            chartNo: p.get(r.patient_id)!.chartNo,
            mode: r.mode as 'exempt' | 'require',
            note: r.note,
            setBy: r.set_by,
            updatedAt: r.updated_at,
            noShows: counts.get(r.patient_id) ?? 0,
          })),
      };
    },
    async setOverride(
      clinicId: string,
      patientId: string,
      input: { mode: 'exempt' | 'require'; note: string },
      actor: Actor,
      ip: string,
    ) {
      if (!(await patientById(db, clinicId, patientId))) throw errors.notFound('病患');
      await repo.saveOverride({
        clinic_id: clinicId,
        patient_id: patientId,
        mode: input.mode,
        note: input.note.trim(),
        set_by: actor.label,
        updated_at: deps.clock.now().toISOString(),
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'booking.no_show_override_set',
        entityType: 'patient',
        entityId: patientId,
        detail: { mode: input.mode, note: input.note.trim() },
        ip,
      });
      return this.patientNoShows(clinicId, patientId);
    },
    async clearOverride(clinicId: string, patientId: string, actor: Actor, ip: string) {
      await repo.deleteOverride(clinicId, patientId);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'booking.no_show_override_cleared',
        entityType: 'patient',
        entityId: patientId,
        ip,
      });
      return this.patientNoShows(clinicId, patientId);
    },
    async patientNoShows(clinicId: string, patientId: string) {
      if (!(await patientById(db, clinicId, patientId))) throw errors.notFound('病患');
      const [a, [o], policy] = await Promise.all([
        approvalNeeded(deps, clinicId, patientId),
        repo.overrides(clinicId, [patientId]),
        this.policy(clinicId),
      ]);
      return {
        noShows: a.noShows,
        needsApproval: a.needed,
        override: o ? { mode: o.mode as 'exempt' | 'require', note: o.note, setBy: o.set_by } : null,
        policy,
      };
    },

    // ---- the patient's LIFF booking page ----
    async liffOptions(clinicId: string, lineUserId: string) {
      const [settings, patients, clinic] = await Promise.all([
        this.settings(clinicId),
        boundPatients(deps, clinicId, lineUserId),
        clinicService(deps).get(clinicId),
      ]);
      const doctorIds = settings.enabled ? await bookableDoctorIds(deps, clinicId, settings) : [];
      const doctors = await doctorsByIds(db, clinicId, doctorIds);
      const rules = new Map((await repo.rules(clinicId)).map((r) => [r.doctor_id, toRule(r)]));
      const now = deps.clock.now();
      const from = zonedTime(localParts(now, clinic.timeZone).date, '00:00', clinic.timeZone);
      const slots = doctorIds.length
        ? await freeSlotsOf(deps, clinicId, { doctorId: null, from, to: new Date(from.getTime() + 92 * 86_400_000) })
        : [];
      const days = new Map<string, number>();
      for (const s of slots) {
        const d = formatInZone(s.startsAt, clinic.timeZone, 'date');
        days.set(d, (days.get(d) ?? 0) + 1);
      }
      return {
        enabled: settings.enabled,
        patients: patients.map((p) => ({ id: p.id, name: p.name })),
        doctors: doctorIds
          .filter((id) => doctors.has(id))
          .map((id) => ({
            id,
            name: doctors.get(id)!.name,
            visitTypes: settings.slotSource === 'rules' ? (rules.get(id)?.visitTypes ?? null) : null,
          }))
          .sort((a, b) => a.name.localeCompare(b.name, 'zh-Hant')),
        days: [...days].map(([date, free]) => ({ date, free })),
        clinicPhone: clinic.phone,
      };
    },

    async liffSlots(clinicId: string, q: { date: string; doctorId?: string; visitType?: string }) {
      const timeZone = await clinicService(deps).timeZoneOf(clinicId);
      const from = zonedTime(q.date, '00:00', timeZone);
      const to = zonedTime(addDays(q.date, 1), '00:00', timeZone);
      const slots = await freeSlotsOf(deps, clinicId, {
        doctorId: q.doctorId ?? null,
        from,
        to,
        visitType: q.visitType ?? null,
      });
      const doctors = await doctorsByIds(db, clinicId, [...new Set(slots.map((s) => s.doctorId))]);
      return {
        slots: slots.map((s) => ({
          doctorId: s.doctorId,
          doctorName: doctors.get(s.doctorId)?.name ?? '',
          startsAt: s.startsAt,
          endsAt: s.endsAt,
          time: formatInZone(s.startsAt, timeZone, 'time'),
          free: s.free,
        })),
      };
    },

    /**
     * A patient (or a family member they are bound to) asks for a slot. "Any doctor": the
     * first doctor free at that time; when they lose the race, the next one.
     */
    async liffBook(
      clinicId: string,
      lineUserId: string,
      input: {
        patientId: string;
        doctorId?: string;
        visitType?: string;
        startsAt: string;
        submissionId: string;
        recallId?: string;
      },
    ) {
      const mine = await boundPatients(deps, clinicId, lineUserId);
      if (!mine.some((p) => p.id === input.patientId)) throw errors.notFound('病患');
      const key = `liff:${lineUserId}:${input.submissionId}`;
      const again = await repo.byKey(clinicId, key);
      if (again) return { request: (await this.liffRequests(clinicId, lineUserId, again.id, true))[0] };
      const startsAt = new Date(input.startsAt);
      let candidates = input.doctorId ? [input.doctorId] : [];
      if (!input.doctorId) {
        const open = await repo.ofPatients(clinicId, [input.patientId], deps.clock.now().toISOString());
        if (open.some((r) => r.status === 'requested' && Date.parse(r.starts_at) === startsAt.getTime()))
          throw bookingError('duplicate_request', MESSAGES.duplicate_request);
        const free = await freeSlotsOf(deps, clinicId, {
          doctorId: null,
          from: startsAt,
          to: new Date(startsAt.getTime() + 1),
          visitType: input.visitType ?? null,
        });
        candidates = free.filter((s) => Date.parse(s.startsAt) === startsAt.getTime()).map((s) => s.doctorId);
        if (!candidates.length) throw bookingError('slot_taken', MESSAGES.slot_taken);
      }
      const recallPatient = input.recallId ? await recallPatientOf(db, clinicId, input.recallId) : null;
      let last: BookingResult | null = null;
      for (const doctorId of candidates) {
        last = await createBookingRequest(deps, clinicId, {
          patientId: input.patientId,
          doctorId,
          visitType: input.visitType ?? null,
          startsAt,
          // the rule's slot decides the end; this only has to be after the start
          endsAt: new Date(startsAt.getTime() + 60_000),
          source: input.recallId ? 'recall' : 'liff',
          lineUserId,
          idempotencyKey: key,
          // only a recall about this patient (a parent may book for a child from their own recall)
          recallId: recallPatient === input.patientId ? input.recallId : null,
        });
        if (last.ok || last.code !== 'slot_taken') break;
      }
      if (!last!.ok) throw bookingError(last!.code, last!.message);
      const [item] = await this.liffRequests(clinicId, lineUserId, last!.requestId, true);
      return { request: item };
    },

    /** The user's (and their family's) open requests and those decided in the last 14 days. */
    async liffRequests(clinicId: string, lineUserId: string, only?: string, withAccepted = false) {
      const mine = await boundPatients(deps, clinicId, lineUserId);
      const since = new Date(deps.clock.now().getTime() - 14 * 86_400_000).toISOString();
      let rows = await repo.ofPatients(
        clinicId,
        mine.map((p) => p.id),
        since,
      );
      if (only) rows = rows.filter((r) => r.id === only);
      const [doctors, policy, timeZone] = await Promise.all([
        doctorsByIds(db, clinicId, [...new Set(rows.map((r) => r.doctor_id))]),
        this.policy(clinicId),
        clinicService(deps).timeZoneOf(clinicId),
      ]);
      const names = new Map(mine.map((p) => [p.id, p.name]));
      return rows
        .filter((r) => withAccepted || r.status !== 'accepted')
        .map((r) => ({
          id: r.id,
          patientId: r.patient_id,
          patientName: names.get(r.patient_id) ?? '',
          doctorName: doctors.get(r.doctor_id)?.name ?? '',
          visitType: r.visit_type,
          startsAt: r.starts_at,
          // in the clinic's zone, not the phone's: the visit is at the clinic
          whenLabel: slotText(r.starts_at, timeZone),
          status: r.status as 'requested',
          statusLabel: STATUS_LABELS[r.status] ?? r.status,
          needsApproval: Number(r.needs_approval) === 1,
          note:
            r.status === 'declined'
              ? `原因：${r.decline_reason ?? ''}`
              : r.status === 'requested' && Number(r.needs_approval) === 1
                ? policy.message
                : null,
        }));
    },

    async liffCancel(clinicId: string, lineUserId: string, id: string) {
      const mine = await boundPatients(deps, clinicId, lineUserId);
      const r = await repo.request(clinicId, id);
      if (!r || !mine.some((p) => p.id === r.patient_id)) throw errors.notFound('預約申請');
      if (r.status !== 'requested')
        throw errors.conflict('BOOKING_REQUEST_CLOSED', `這筆申請已是「${STATUS_LABELS[r.status] ?? r.status}」`);
      await closeRequest(deps, clinicId, id, 'cancelled', null, '病患本人');
      return { ok: true };
    },
  };
}
