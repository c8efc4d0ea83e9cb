// Appointments from the HIS: versioned upserts (single and batch), history of every change,
// and the reads for the HIS (with lights) and the back office.
//
// Versioned writes (CONTRACTS.md): a lower version than the stored one changes nothing and
// answers 409 with the stored record; the same version answers 200 unchanged; a higher one
// is applied. Items of a batch are processed in order against the state left by the items
// before them, so a batch with repeated or reordered versions ends at the highest version.
// An appointment must reference a patient and a doctor the HIS has already sent (PUT
// patients / doctors); otherwise the item answers 422 UNKNOWN_REFERENCE and nothing is stored.
import type { Transaction } from 'kysely';
import type { TSchema } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors, type ErrorDetail } from '../../platform/errors.ts';
import { schemaErrors } from '../../platform/validate.ts';
import type { AppointmentsTable } from './tables.ts';
import { labelOf, light, type AppointmentStatus, type ChangeSource } from '../status/lights.ts';
import { recordStatusChanges, type RecordInput } from '../status/service.ts';
import { enqueuePlanJobs } from '../reminders/service.ts';
import { refreshVisits } from '../patients/service.ts';
import { appointmentRepository, type AppointmentRow } from './repository.ts';
import { BatchItem } from './schemas.ts';

export type AppointmentInput = {
  appointmentId: string;
  patientId: string;
  doctorId: string;
  startsAt: string;
  durationMinutes?: number | null;
  visitType?: string | null;
  status: AppointmentStatus;
  note?: string | null;
  version: number;
};

export type ItemResult = {
  index: number;
  appointmentId: string | null;
  status: 200 | 201 | 409 | 422;
  result?: 'created' | 'updated' | 'unchanged';
  version?: number;
  error?: { code: string; message: string; details: ErrorDetail[] };
  current?: ReturnType<typeof toApiAppointment>;
};

export function toApiAppointment(r: AppointmentRow) {
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
    version: Number(r.version),
    lights: { reply: light('reply', r.reply_status), line: light('line', r.line_status) },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const FIELD_NAMES: Record<string, string> = {
  patient_id: 'patientId',
  doctor_id: 'doctorId',
  starts_at_local: 'startsAt',
  duration_minutes: 'durationMinutes',
  visit_type: 'visitType',
  status: 'status',
  note: 'note',
};

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
  const now = deps.clock.now().toISOString();
  const uniq = <T>(xs: T[]) => [...new Set(xs)];
  const existing = await repo.byHisIds(
    ctx.clinicId,
    uniq(items.map((i) => i.input.appointmentId)),
    deps.dialect === 'postgres',
  );
  const patients = new Map(
    (await repo.refs(ctx.clinicId, 'patients', uniq(items.map((i) => i.input.patientId)))).map((p) => [p.his_id, p]),
  );
  const doctors = new Map(
    (await repo.refs(ctx.clinicId, 'doctors', uniq(items.map((i) => i.input.doctorId)))).map((d) => [d.his_id, d]),
  );
  const state = new Map<string, { row: AppointmentRow; isNew: boolean; dirty: boolean }>(
    existing.map((r) => [r.his_id, { row: r, isNew: false, dirty: false }]),
  );
  const history: Parameters<typeof repo.insertHistory>[0] = [];
  const changes: RecordInput[] = [];
  const results: ItemResult[] = [];

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
      version: input.version,
    };
    const cur = state.get(input.appointmentId);
    if (!cur) {
      const row: AppointmentRow = {
        id: newId(),
        clinic_id: ctx.clinicId,
        his_id: input.appointmentId,
        ...next,
        reply_status: 'not_sent',
        reply_status_at: null,
        created_at: now,
        updated_at: now,
        patient_his_id: input.patientId,
        doctor_his_id: input.doctorId,
        line_status: p.line_status ?? 'unbound',
      };
      state.set(input.appointmentId, { row, isNew: true, dirty: true });
      history.push({
        clinic_id: ctx.clinicId,
        appointment_id: row.id,
        version: input.version,
        source: ctx.source,
        actor_type: ctx.actor.type,
        actor_id: ctx.actor.id,
        actor_label: ctx.actor.label,
        old_status: null,
        new_status: input.status,
        changed_fields: JSON.stringify(Object.values(FIELD_NAMES)),
        created_at: now,
      });
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
      results.push({
        index,
        appointmentId: input.appointmentId,
        status: 200,
        result: 'unchanged',
        version: stored.version,
      });
      continue;
    }
    const changed = (Object.keys(FIELD_NAMES) as (keyof typeof FIELD_NAMES)[])
      .filter((k) => (stored as never)[k] !== (next as never)[k])
      .map((k) => FIELD_NAMES[k]);
    history.push({
      clinic_id: ctx.clinicId,
      appointment_id: stored.id,
      version: input.version,
      source: ctx.source,
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      actor_label: ctx.actor.label,
      old_status: stored.status,
      new_status: input.status,
      changed_fields: JSON.stringify(changed),
      created_at: now,
    });
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
      updated_at: now,
      patient_his_id: input.patientId,
      doctor_his_id: input.doctorId,
      line_status: p.line_status ?? stored.line_status,
    };
    cur.dirty = true;
    results.push({ index, appointmentId: input.appointmentId, status: 200, result: 'updated', version: input.version });
  }

  const strip = (r: AppointmentRow): AppointmentsTable => {
    const { patient_his_id: _p, doctor_his_id: _d, line_status: _l, ...rest } = r;
    return rest;
  };
  const fresh = [...state.values()].filter((s) => s.isNew).map((s) => strip(s.row));
  await repo.insertMany(fresh);
  for (const s of state.values()) {
    if (s.isNew || !s.dirty) continue;
    const {
      id: _id,
      clinic_id: _c,
      his_id: _h,
      created_at: _ca,
      reply_status: _rs,
      reply_status_at: _ra,
      ...patch
    } = strip(s.row);
    await repo.update(ctx.clinicId, s.row.id, patch);
  }
  await repo.insertHistory(history);
  await recordStatusChanges(trx, deps, changes);
  // Reminders are (re)planned by a job written in this same transaction (issue 7).
  await enqueuePlanJobs(
    trx,
    deps,
    ctx.clinicId,
    [...state.values()].filter((s) => s.dirty).map((s) => ({ appointmentId: s.row.id, version: s.row.version })),
  );
  // The patient list's last/next visit columns (issue 9).
  await refreshVisits(
    trx,
    ctx.clinicId,
    [...state.values()].filter((s) => s.dirty).map((s) => s.row.patient_id),
    now,
  );
  return results;
}

/** An appointment as its patient sees it (LIFF, LINE answers): no HIS ids, the doctor by name. */
export type PatientAppointment = {
  id: string;
  patientId: string;
  startsAt: string;
  status: string;
  replyStatus: string;
  visitType: string | null;
  doctorName: string;
};

const toPatientAppointment = (r: {
  id: string;
  patient_id: string;
  starts_at: string;
  status: string;
  reply_status: string;
  visit_type: string | null;
  doctor_name: string;
}): PatientAppointment => ({
  id: r.id,
  patientId: r.patient_id,
  startsAt: r.starts_at,
  status: r.status,
  replyStatus: r.reply_status,
  visitType: r.visit_type,
  doctorName: r.doctor_name,
});

const CHUNK_SIZE = 500;

export function appointmentService(deps: Deps) {
  const db = deps.db;

  async function runChunk(
    ctx: WriteContext,
    items: { index: number; input: AppointmentInput }[],
  ): Promise<ItemResult[]> {
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
            item && typeof item === 'object' && typeof (item as { appointmentId?: unknown }).appointmentId === 'string'
              ? (item as { appointmentId: string }).appointmentId
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
      const row = await appointmentRepository(db).get(ctx.clinicId, input.appointmentId);
      return { status: r.status as 200 | 201, appointment: toApiAppointment(row!) };
    },

    /** One appointment as its patient sees it (with the doctor's name), or null. */
    async forPatient(clinicId: string, id: string): Promise<PatientAppointment | null> {
      const [r] = await appointmentRepository(db).forPatients(clinicId, { ids: [id] }, 1);
      return r ? toPatientAppointment(r) : null;
    },

    /** These patients' appointments from `since` on, earliest first (a LINE user's family view). */
    async ofPatients(clinicId: string, patientIds: string[], since: string): Promise<PatientAppointment[]> {
      const rows = await appointmentRepository(db).forPatients(clinicId, { patientIds, since });
      return rows.map(toPatientAppointment);
    },

    /** A history entry for a change made outside the HIS (e.g. the patient's answer changed the reply light). */
    async addHistory(
      clinicId: string,
      appointmentId: string,
      e: { source: ChangeSource; actor: Actor; oldStatus: string; newStatus: string; changedFields: string[] },
    ): Promise<void> {
      await appointmentRepository(db).insertHistory([
        {
          clinic_id: clinicId,
          appointment_id: appointmentId,
          version: null,
          source: e.source,
          actor_type: e.actor.type,
          actor_id: e.actor.id,
          actor_label: e.actor.label,
          old_status: e.oldStatus,
          new_status: e.newStatus,
          changed_fields: JSON.stringify(e.changedFields),
          created_at: deps.clock.now().toISOString(),
        },
      ]);
    },

    async get(clinicId: string, hisId: string) {
      const row = await appointmentRepository(db).get(clinicId, hisId);
      if (!row) throw errors.notFound('預約');
      return toApiAppointment(row);
    },

    /** Back office: filtered list (date range in UTC ISO or dates, doctor, status, reply light). */
    async list(
      clinicId: string,
      q: {
        from?: string;
        to?: string;
        doctorId?: string;
        status?: string;
        reply?: string;
        page: number;
        pageSize: number;
      },
    ) {
      let query = appointmentRepository(db).base().where('appointments.clinic_id', '=', clinicId);
      if (q.from) query = query.where('appointments.starts_at', '>=', new Date(q.from).toISOString());
      if (q.to) query = query.where('appointments.starts_at', '<', new Date(q.to).toISOString());
      if (q.doctorId) query = query.where('doctors.his_id', '=', q.doctorId);
      if (q.status) query = query.where('appointments.status', '=', q.status);
      if (q.reply) query = query.where('appointments.reply_status', '=', q.reply);
      const rows = await query
        .select(['patients.name as patient_name', 'doctors.name as doctor_name'])
        .orderBy('appointments.starts_at')
        .orderBy('appointments.id')
        .limit(q.pageSize + 1)
        .offset((q.page - 1) * q.pageSize)
        .execute();
      const items = rows.slice(0, q.pageSize).map((r) => ({
        id: r.id,
        ...toApiAppointment({ ...r, version: Number(r.version) } as AppointmentRow),
        startsAtUtc: r.starts_at,
        patientName: r.patient_name,
        doctorName: r.doctor_name,
      }));
      return { items, page: q.page, pageSize: q.pageSize, hasMore: rows.length > q.pageSize };
    },

    async detail(clinicId: string, id: string, actor: Actor, ip = '') {
      const repo = appointmentRepository(db);
      const row = await repo.getById(clinicId, id);
      if (!row) throw errors.notFound('預約');
      const history = await repo.history(clinicId, id);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'appointment.viewed',
        entityType: 'appointment',
        entityId: id,
        ip,
      });
      return {
        id: row.id,
        ...toApiAppointment(row),
        history: history.map((h) => ({
          version: h.version === null ? null : Number(h.version),
          source: h.source,
          actor: h.actor_label,
          oldStatus: h.old_status,
          newStatus: h.new_status,
          changedFields: JSON.parse(h.changed_fields) as string[],
          at: h.created_at,
        })),
      };
    },
  };
}
