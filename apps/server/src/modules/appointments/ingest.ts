// Appointments from the HIS: versioned upserts (single and batch) with the history of every
// change, and the HIS's reads.
//
// Versioned writes (docs/contracts.md): a lower version than the stored one changes nothing and
// answers 409 with the stored record; the same version answers 200 unchanged; a higher one is
// applied. Items of a batch are processed in order against the state left by the items before
// them, so a batch with repeated or reordered versions ends at the highest version. An
// appointment must reference a patient and a doctor the HIS has already sent (PUT patients /
// doctors); otherwise the item answers 422 UNKNOWN_REFERENCE and nothing is stored.
//
// The booking-day message is for bookings being made now. Whether an appointment may get one is
// decided once, when Careline first sees it (bookingMessageFor).
import type { Transaction } from 'kysely';
import type { Static, TSchema } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors, type ErrorDetail } from '../../platform/errors.ts';
import { localParts } from '../../platform/time.ts';
import { schemaErrors } from '../../platform/validate.ts';
import { clinicService } from '../clinics/service.ts';
import { doctorsByHisIds } from '../doctors/service.ts';
import { checkFulfil, fulfilRequests } from '../booking/fulfil.ts';
import { initialSyncOf } from '../his/sync.ts';
import { patientRefs, refreshVisits } from '../patients/service.ts';
import { enqueuePlanJobs } from '../reminders/service.ts';
import { recordStatusChanges, type RecordInput } from '../status/feed.ts';
import { labelOf, light, type ChangeSource } from '../status/lights.ts';
import type { Change } from './history.ts';
import { withPeople } from './people.ts';
import { enqueueOutcomeJobs, outcomeFor, type Outcome } from './outcome.ts';
import { appointmentRepository, type AppointmentRow, type NewHistory } from './repository.ts';
import { BatchItem, type AppointmentBody } from './schemas.ts';

export type AppointmentInput = Static<typeof AppointmentBody> & { appointmentId: string };

/** An appointment with the HIS ids of its patient and doctor and the patient's LINE light. */
export type AppointmentView = AppointmentRow & { patient_his_id: string; doctor_his_id: string; line_status: string };

export type ItemResult = {
  index: number;
  appointmentId: string | null;
  status: 200 | 201 | 409 | 422;
  result?: 'created' | 'updated' | 'unchanged';
  version?: number;
  error?: { code: string; message: string; details: ErrorDetail[] };
  current?: ReturnType<typeof toApiAppointment>;
};

export function toApiAppointment(r: AppointmentView) {
  return {
    appointmentId: r.his_id,
    patientId: r.patient_his_id,
    doctorId: r.doctor_his_id,
    startsAt: r.starts_at_local,
    durationMinutes: r.duration_minutes,
    visitType: r.visit_type,
    status: r.status,
    statusLabel: labelOf('status', r.status)!,
    note: r.note,
    bookedAt: r.booked_at,
    treatmentCodes: codesOf(r.treatment_codes),
    version: Number(r.version),
    lights: { reply: light('reply', r.reply_status), line: light('line', r.line_status) },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Adds the HIS ids of patient and doctor and the patient's LINE light to appointment rows. */
export async function viewsOf(
  db: Deps['db'] | Transaction<DB>,
  clinicId: string,
  rows: AppointmentRow[],
): Promise<AppointmentView[]> {
  return (await withPeople(db, clinicId, rows)).map(({ patient, doctor, ...r }) => ({
    ...r,
    patient_his_id: patient?.hisId ?? '',
    line_status: patient?.lineStatus ?? 'unbound',
    doctor_his_id: doctor.hisId,
  }));
}

/**
 * Whether a new appointment may get the booking-day message. With `bookedAt`: only when the
 * booking was made today in the clinic's time zone (a bookedAt in the future counts as now) —
 * the booking-day message is about the booking day, and an old booking copied over is not news
 * to the patient. Without it: not while the clinic's initial sync lasts (existing bookings are
 * being copied over), otherwise yes (the HIS is sending what happens now).
 */
export function bookingMessageFor(
  bookedAt: string | null | undefined,
  ctx: { now: Date; timeZone: string; initialSync: boolean },
): boolean {
  if (bookedAt) {
    const at = new Date(Math.min(Date.parse(bookedAt), ctx.now.getTime()));
    return localParts(at, ctx.timeZone).date === localParts(ctx.now, ctx.timeZone).date;
  }
  return !ctx.initialSync;
}

/** The stored treatment codes (JSON text) as an array; null when the HIS did not send any. */
export function codesOf(stored: string | null): string[] | null {
  return stored === null ? null : (JSON.parse(stored) as string[]);
}

// What changed, by API field: the column compared and the column shown (the HIS's ids of patient
// and doctor, not the internal ones).
const FIELDS = [
  ['patientId', 'patient_id', 'patient_his_id'],
  ['doctorId', 'doctor_id', 'doctor_his_id'],
  ['startsAt', 'starts_at', 'starts_at_local'],
  ['durationMinutes', 'duration_minutes', 'duration_minutes'],
  ['visitType', 'visit_type', 'visit_type'],
  ['status', 'status', 'status'],
  ['note', 'note', 'note'],
  ['treatmentCodes', 'treatment_codes', 'treatment_codes'],
] as const;

/** A stored value as the history shows it (treatment codes as an array, not JSON text). */
const shownValue = (field: string, v: unknown) =>
  field === 'treatmentCodes' && typeof v === 'string' ? (JSON.parse(v) as unknown) : v;

const errorOf = (e: AppError) => ({ code: e.code, message: e.message, details: e.details });

export type WriteContext = { clinicId: string; actor: Actor; source: ChangeSource };

/**
 * Applies validated items in order inside one transaction. Reads the stored rows, patients
 * and doctors of the whole chunk at once, applies the items to that state in memory, then
 * writes inserts, updates, history and status-change rows in a few statements.
 */
async function applyChunk(
  trx: Transaction<DB>,
  deps: Deps,
  ctx: WriteContext,
  items: { index: number; input: AppointmentInput }[],
): Promise<ItemResult[]> {
  const repo = appointmentRepository(trx);
  const nowD = deps.clock.now();
  const now = nowD.toISOString();
  const uniq = <T>(xs: T[]) => [...new Set(xs)];
  const existing = await viewsOf(
    trx,
    ctx.clinicId,
    await repo.byHisIds(ctx.clinicId, uniq(items.map((i) => i.input.appointmentId)), deps.dialect === 'postgres'),
  );
  const patients = new Map(
    (await patientRefs(trx, ctx.clinicId, uniq(items.map((i) => i.input.patientId)))).map((p) => [p.his_id, p]),
  );
  const doctors = await doctorsByHisIds(trx, ctx.clinicId, uniq(items.map((i) => i.input.doctorId)));
  const state = new Map<string, { row: AppointmentView; isNew: boolean; dirty: boolean }>(
    existing.map((r) => [r.his_id, { row: r, isNew: false, dirty: false }]),
  );
  // What decides the booking-day message of new appointments and whether a status change is an
  // outcome (not a copy of the past), read only when one needs it.
  let clinicCtx: { now: Date; timeZone: string; initialSync: boolean } | null = null;
  const ctxOf = async () =>
    (clinicCtx ??= {
      now: nowD,
      timeZone: (await clinicService({ ...deps, db: trx }).get(ctx.clinicId)).timeZone,
      initialSync: (await initialSyncOf(trx, ctx.clinicId, nowD)).state !== 'ended',
    });
  const bookingMessage = async (bookedAt: string | null | undefined) => bookingMessageFor(bookedAt, await ctxOf());
  const outcomes: Outcome[] = [];
  const outcome = async (row: AppointmentView, previousStatus: string | null, previousStartsAt?: string) => {
    const moved = previousStartsAt !== undefined;
    const change = { startsAt: previousStartsAt ?? row.starts_at, firstSeen: previousStatus === null, moved };
    if (!outcomeFor(change, await ctxOf())) return;
    outcomes.push({
      appointmentId: row.id,
      appointmentHisId: row.his_id,
      patientId: row.patient_id,
      doctorId: row.doctor_id,
      visitType: row.visit_type,
      treatmentCodes: codesOf(row.treatment_codes),
      status: row.status,
      previousStatus,
      startsAt: row.starts_at,
      ...(previousStartsAt !== undefined ? { previousStartsAt } : {}),
      version: row.version,
    });
  };
  const history: NewHistory[] = [];
  const changes: RecordInput[] = [];
  const fulfils: { requestId: string; appointmentId: string; by: string }[] = [];
  const results: ItemResult[] = [];
  const entry = (appointmentId: string, input: AppointmentInput, oldStatus: string | null, diff: Change[]) =>
    history.push({
      clinic_id: ctx.clinicId,
      appointment_id: appointmentId,
      version: input.version,
      source: ctx.source,
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      actor_label: ctx.actor.label,
      old_status: oldStatus,
      new_status: input.status,
      changed_fields: JSON.stringify(diff.map((c) => c.field)),
      changes: JSON.stringify(diff),
      reason: null,
      created_at: now,
    });

  for (const { index, input } of items) {
    const p = patients.get(input.patientId);
    const d = doctors.get(input.doctorId);
    if (!p || !d) {
      const details: ErrorDetail[] = [];
      if (!p)
        details.push({
          field: 'patientId',
          code: 'unknown_patient',
          message: `找不到病患「${input.patientId}」，請先以 PUT /his/v1/patients/${input.patientId} 建立病患`,
        });
      if (!d)
        details.push({
          field: 'doctorId',
          code: 'unknown_doctor',
          message: `找不到醫師「${input.doctorId}」，請先以 PUT /his/v1/doctors/${input.doctorId} 建立醫師`,
        });
      results.push({
        index,
        appointmentId: input.appointmentId,
        status: 422,
        error: { code: 'UNKNOWN_REFERENCE', message: '預約引用的病患或醫師尚未建立，此筆未儲存', details },
      });
      continue;
    }
    const next = {
      patient_id: p.id,
      doctor_id: d.id,
      starts_at: new Date(input.startsAt).toISOString(),
      starts_at_local: input.startsAt,
      duration_minutes: input.durationMinutes ?? null,
      visit_type: input.visitType?.trim() || null,
      status: input.status,
      note: input.note ?? null,
      treatment_codes: input.treatmentCodes ? JSON.stringify(input.treatmentCodes.map((c) => c.trim())) : null,
      version: input.version,
      patient_his_id: input.patientId,
      doctor_his_id: input.doctorId,
    };
    const cur = state.get(input.appointmentId);
    const rowId = cur?.row.id ?? newId();
    if (input.bookingRequestId) {
      // A write-back of an online booking request: refused on its own line when the request
      // is unknown or already closed, so the HIS learns it before anything is stored.
      const problem = await checkFulfil(trx, ctx.clinicId, input.bookingRequestId, rowId);
      if (problem) {
        results.push({ index, appointmentId: input.appointmentId, status: 422, error: problem });
        continue;
      }
    }
    const fulfil = () => {
      if (input.bookingRequestId)
        fulfils.push({ requestId: input.bookingRequestId, appointmentId: rowId, by: ctx.actor.label });
    };
    if (!cur) {
      const row: AppointmentView = {
        id: rowId,
        clinic_id: ctx.clinicId,
        his_id: input.appointmentId,
        ...next,
        reply_status: 'not_sent',
        reply_status_at: null,
        booked_at: input.bookedAt ?? null,
        // An online booking request it fulfils already tells the patient 「預約成功」 (booking/fulfil.ts):
        // the booking-day message would be a second confirmation of the same visit.
        booking_message: !input.bookingRequestId && (await bookingMessage(input.bookedAt)) ? 1 : 0,
        created_at: now,
        updated_at: now,
        line_status: p.line_status ?? 'unbound',
      };
      state.set(input.appointmentId, { row, isNew: true, dirty: true });
      entry(
        row.id,
        input,
        null,
        FIELDS.map(([field, , shown]) => ({ field, from: null, to: shownValue(field, row[shown]) })),
      );
      if (input.status !== 'booked') await outcome(row, null);
      changes.push({
        clinicId: ctx.clinicId,
        subject: 'appointment',
        subjectId: row.id,
        subjectHisId: row.his_id,
        patientHisId: input.patientId,
        light: 'status',
        from: null,
        to: input.status,
        source: ctx.source,
        actor: ctx.actor,
      });
      fulfil();
      results.push({
        index,
        appointmentId: input.appointmentId,
        status: 201,
        result: 'created',
        version: input.version,
      });
      continue;
    }
    const stored = cur.row;
    if (input.version < stored.version) {
      results.push({
        index,
        appointmentId: input.appointmentId,
        status: 409,
        current: toApiAppointment(stored),
        error: {
          code: 'VERSION_CONFLICT',
          message: `版本 ${input.version} 比已儲存的版本 ${stored.version} 舊，未變更；目前資料附於 current`,
          details: [],
        },
      });
      continue;
    }
    if (input.version === stored.version) {
      fulfil();
      results.push({
        index,
        appointmentId: input.appointmentId,
        status: 200,
        result: 'unchanged',
        version: stored.version,
      });
      continue;
    }
    const diff: Change[] = FIELDS.filter(([, col]) => stored[col] !== next[col]).map(([field, , shown]) => ({
      field,
      from: shownValue(field, stored[shown]),
      to: shownValue(field, next[shown]),
    }));
    entry(stored.id, input, stored.status, diff);
    if (stored.status !== input.status) {
      changes.push({
        clinicId: ctx.clinicId,
        subject: 'appointment',
        subjectId: stored.id,
        subjectHisId: stored.his_id,
        patientHisId: input.patientId,
        light: 'status',
        from: stored.status,
        to: input.status,
        source: ctx.source,
        actor: ctx.actor,
      });
    }
    cur.row = {
      ...stored,
      ...next,
      ...(input.bookedAt !== undefined ? { booked_at: input.bookedAt } : {}),
      updated_at: now,
      line_status: p.line_status ?? stored.line_status,
    };
    cur.dirty = true;
    if (stored.status !== input.status) await outcome(cur.row, stored.status);
    else if (stored.status === 'booked' && stored.starts_at !== next.starts_at)
      await outcome(cur.row, stored.status, stored.starts_at);
    fulfil();
    results.push({ index, appointmentId: input.appointmentId, status: 200, result: 'updated', version: input.version });
  }

  const strip = (r: AppointmentView): AppointmentRow => {
    const { patient_his_id: _p, doctor_his_id: _d, line_status: _l, ...rest } = r;
    return rest;
  };
  await repo.insertMany([...state.values()].filter((s) => s.isNew).map((s) => strip(s.row)));
  for (const s of state.values()) {
    if (s.isNew || !s.dirty) continue;
    const {
      id: _id,
      clinic_id: _c,
      his_id: _h,
      created_at: _ca,
      reply_status: _rs,
      reply_status_at: _ra,
      booking_message: _bm,
      ...patch
    } = strip(s.row);
    await repo.update(ctx.clinicId, s.row.id, patch);
  }
  await repo.insertHistory(history);
  await fulfilRequests(trx, deps, ctx.clinicId, fulfils);
  await recordStatusChanges(trx, deps, changes);
  const dirty = [...state.values()].filter((s) => s.dirty);
  // Reminders are (re)planned by a job written in this same transaction.
  await enqueuePlanJobs(
    trx,
    deps,
    ctx.clinicId,
    dirty.map((s) => ({ appointmentId: s.row.id, version: s.row.version })),
  );
  // Visit outcomes (care plans, the no-show follow-up …) by a job written in this same transaction.
  await enqueueOutcomeJobs(trx, deps, ctx.clinicId, outcomes);
  // The patient list's last/next visit columns.
  await refreshVisits(
    trx,
    ctx.clinicId,
    dirty.map((s) => s.row.patient_id),
    now,
  );
  return results;
}

const CHUNK_SIZE = 500;

export function appointmentIngest(deps: Deps) {
  const db = deps.db;

  async function runChunk(ctx: WriteContext, items: { index: number; input: AppointmentInput }[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute((trx) => applyChunk(trx, deps, ctx, items));
      } catch (err) {
        // A concurrent writer created one of these appointments first (unique key), or the
        // database was busy: read again and re-apply. Items are idempotent by version.
        // PostgreSQL may also pick this transaction as a deadlock victim under heavy contention.
        if (attempt >= 8) throw err;
        await new Promise((r) => setTimeout(r, Math.round(10 * 2 ** attempt * (0.5 + Math.random()))));
      }
    }
  }

  return {
    /** Validates each item (a bad one does not sink the others) and applies them in order, in chunks. */
    async upsertMany(ctx: WriteContext, raw: unknown[], ip = ''): Promise<ItemResult[]> {
      const results: (ItemResult | undefined)[] = Array.from({ length: raw.length });
      const valid: { index: number; input: AppointmentInput }[] = [];
      raw.forEach((item, index) => {
        const details = schemaErrors(BatchItem as TSchema, item);
        if (details.length) {
          const id =
            item && typeof item === 'object' && 'appointmentId' in item && typeof item.appointmentId === 'string'
              ? item.appointmentId
              : null;
          results[index] = {
            index,
            appointmentId: id,
            status: 422,
            error: errorOf(errors.validation(details, '預約資料格式不正確，此筆未儲存')),
          };
        } else valid.push({ index, input: item as AppointmentInput });
      });
      for (let i = 0; i < valid.length; i += CHUNK_SIZE) {
        for (const r of await runChunk(ctx, valid.slice(i, i + CHUNK_SIZE))) results[r.index] = r;
      }
      const out = results as ItemResult[];
      const count = (s: number, r?: string) => out.filter((x) => x.status === s && (!r || x.result === r)).length;
      await recordAudit(db, deps.clock, {
        clinicId: ctx.clinicId,
        actor: ctx.actor,
        action: 'appointment.batch_upserted',
        entityType: 'appointment',
        ip,
        detail: {
          items: out.length,
          created: count(201),
          updated: count(200, 'updated'),
          unchanged: count(200, 'unchanged'),
          conflicts: count(409),
          invalid: count(422),
        },
      });
      return out;
    },

    /** One appointment (PUT): the same rules as a batch of one. Throws 409/422 as HTTP errors. */
    async upsertOne(ctx: WriteContext, input: AppointmentInput, ip = '') {
      const [r] = await runChunk(ctx, [{ index: 0, input }]);
      if (r.status === 422) throw new AppError(r.error!.code, 422, r.error!.message, r.error!.details);
      if (r.status === 409) throw new AppError('VERSION_CONFLICT', 409, r.error!.message, [], { current: r.current });
      if (r.result !== 'unchanged') {
        await recordAudit(db, deps.clock, {
          clinicId: ctx.clinicId,
          actor: ctx.actor,
          action: r.status === 201 ? 'appointment.created' : 'appointment.updated',
          entityType: 'appointment',
          entityId: input.appointmentId,
          detail: { version: input.version, status: input.status },
          ip,
        });
      }
      return { status: r.status as 200 | 201, appointment: await this.get(ctx.clinicId, input.appointmentId) };
    },

    /** The HIS's read of one appointment with its lights. */
    async get(clinicId: string, hisId: string) {
      const row = await appointmentRepository(db).byHisId(clinicId, hisId);
      if (!row) throw errors.notFound('預約');
      const [view] = await viewsOf(db, clinicId, [row]);
      return toApiAppointment(view);
    },
  };
}
