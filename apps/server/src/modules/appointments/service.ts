// The back office's appointments: the front desk's list (any date range, doctor, visit type,
// status, lights, search by patient; sorted and paged in SQL), the calendar's events, one
// appointment's detail (patient, doctor, history in words, notes, requests, reminders) and the
// front desk's actions on it (note, mark handled, message the patient, resend the reminder),
// and each staff member's saved list filters. Reads the other modules through their services.
import type { messagingApi } from '@line/bot-sdk';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { addDays, localParts, zonedTime } from '../../platform/time.ts';
import { bindingService } from '../binding/service.ts';
import { clinicService } from '../clinics/service.ts';
import { doctorByHisId, doctorsByHisIds, doctorsByIds } from '../doctors/service.ts';
import { conversationWith } from '../line/for-appointments.ts';
import { queuePush } from '../line/push.ts';
import { lineService } from '../line/service.ts';
import { searchPatientIds } from '../patients/for-appointments.ts';
import { maskPhone } from '../patients/grams.ts';
import { reminderBackOffice } from '../reminders/backoffice.ts';
import { remindersOfAppointment } from '../reminders/for-appointments.ts';
import { labelOf, light, visitLight } from '../status/lights.ts';
import { taskService } from '../tasks/service.ts';
import { describeHistory, type Change } from './history.ts';
import { withPeople } from './people.ts';
import { appointmentListRepository } from './list.repository.ts';
import { appointmentRepository, type AppointmentRow } from './repository.ts';
import type { SortKey } from './schemas.ts';

export type StaffRef = { userId: string; name: string; email: string; role: string };
const actorOf = (s: StaffRef): Actor => ({ type: 'staff', id: s.userId, label: s.email });

export type ListQuery = {
  from?: string;
  to?: string;
  fromDate?: string;
  toDate?: string;
  doctorId?: string;
  visitType?: string;
  status?: string;
  reply?: string;
  line?: string;
  q?: string;
  failed?: boolean;
  openTasks?: boolean;
  sort?: SortKey;
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
};

/** UTC ISO bounds of a clinic-local date range (toDate inclusive). */
export function localRange(fromDate: string, toDate: string, timeZone: string): { from: string; to: string } {
  return {
    from: zonedTime(fromDate, '00:00', timeZone).toISOString(),
    to: zonedTime(addDays(toDate, 1), '00:00', timeZone).toISOString(),
  };
}

/** A search matching more patients than this (a one-character surname) lists the first ones' visits. */
const MAX_MATCHES = 2000;

/** Appointment rows with their patient and doctor, for the reads that show both. */
export { withPeople, type AppointmentWithPeople } from './people.ts';

/** Appointments starting in [from, to) (UTC ISO) with their patient and doctor, by start time. */
export async function appointmentsStartingIn(
  deps: Pick<Deps, 'db'>,
  clinicId: string,
  from: string,
  to: string,
  limit: number,
) {
  return withPeople(deps.db, clinicId, await appointmentRepository(deps.db).startingIn(clinicId, from, to, { limit }));
}

/** Appointments by internal id with their patient and doctor (in no particular order). */
export async function appointmentsByIds(deps: Pick<Deps, 'db'>, clinicId: string, ids: string[]) {
  return ids.length ? withPeople(deps.db, clinicId, await appointmentRepository(deps.db).byIds(clinicId, ids)) : [];
}

/** A calendar feed's events: appointments starting in [from, to) with people and their number of changes. */
export async function appointmentsForFeed(
  deps: Pick<Deps, 'db'>,
  clinicId: string,
  q: { from: string; to: string; doctorId?: string; limit: number },
) {
  const repo = appointmentRepository(deps.db);
  const rows = await withPeople(
    deps.db,
    clinicId,
    await repo.startingIn(clinicId, q.from, q.to, { doctorId: q.doctorId, limit: q.limit }),
  );
  const changes = await repo.historyCounts(
    clinicId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, changes: changes.get(r.id) ?? 0 }));
}

/**
 * The appointment counts of the KPI strip for visits starting in [from, to): all, not cancelled,
 * reminded (reply light past 尚未提醒), confirmed, cancelled or asked to cancel/reschedule, and of
 * those already past with an outcome from the HIS, how many were no-shows.
 */
export async function appointmentCounts(
  deps: Pick<Deps, 'db'>,
  clinicId: string,
  from: string,
  to: string,
  nowIso: string,
) {
  const repo = appointmentRepository(deps.db);
  const [all, reminded, confirmed, cancelled, reported, noShow, patientIds] = await Promise.all([
    repo.count(clinicId, from, to),
    repo.count(clinicId, from, to, { notReply: 'not_sent' }),
    repo.count(clinicId, from, to, { reply: ['confirmed'] }),
    repo.countCancelled(clinicId, from, to),
    repo.count(clinicId, from, to, { before: nowIso, status: ['checked_in', 'completed', 'no_show'] }),
    repo.count(clinicId, from, to, { before: nowIso, status: ['no_show'] }),
    repo.patientIdsIn(clinicId, from, to),
  ]);
  return { all, reminded, confirmed, cancelled, reported, noShow, patientIds };
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

async function forPatientView(db: Deps['db'], clinicId: string, rows: AppointmentRow[]): Promise<PatientAppointment[]> {
  const doctors = await doctorsByIds(
    db,
    clinicId,
    rows.map((r) => r.doctor_id),
  );
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    startsAt: r.starts_at,
    status: r.status,
    replyStatus: r.reply_status,
    visitType: r.visit_type,
    doctorName: doctors.get(r.doctor_id)?.name ?? '',
  }));
}

export function appointmentService(deps: Deps) {
  const { db } = deps;
  const repo = appointmentRepository(db);
  const now = () => deps.clock.now().toISOString();
  const tzOf = async (clinicId: string) => (await clinicService(deps).get(clinicId)).timeZone;

  /** The LINE users the patient is bound to (the front desk messages them and reads the conversation). */
  const lineUsersOf = async (clinicId: string, patientId: string) =>
    ((await bindingService(deps).lineUsersOfPatients(clinicId, [patientId])).get(patientId) ?? []).map(
      (b) => b.lineUserId,
    );

  async function appointmentOrThrow(clinicId: string, id: string) {
    const a = await repo.byId(clinicId, id);
    if (!a) throw errors.notFound('預約');
    return a;
  }

  async function addNote(clinicId: string, appointmentId: string, staff: StaffRef, kind: string, body: string) {
    const row = {
      id: newId(),
      clinic_id: clinicId,
      appointment_id: appointmentId,
      staff_id: staff.userId,
      author_label: staff.name,
      kind,
      body,
      created_at: now(),
    };
    await repo.insertNote(row);
    return { id: row.id, kind, body, author: row.author_label, at: row.created_at };
  }

  return {
    /** One appointment as its patient sees it (with the doctor's name), or null. */
    async forPatient(clinicId: string, id: string): Promise<PatientAppointment | null> {
      const [r] = await forPatientView(db, clinicId, await repo.forPatients(clinicId, { ids: [id] }, 1));
      return r ?? null;
    },

    /** These patients' appointments from `since` on, earliest first (a LINE user's family view). */
    async ofPatients(clinicId: string, patientIds: string[], since: string): Promise<PatientAppointment[]> {
      return forPatientView(db, clinicId, await repo.forPatients(clinicId, { patientIds, since }));
    },

    async list(clinicId: string, q: ListQuery) {
      const timeZone = await tzOf(clinicId);
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 50;
      const range = {
        from: q.from ? new Date(q.from).toISOString() : undefined,
        to: q.to ? new Date(q.to).toISOString() : undefined,
      };
      if (q.fromDate) range.from = localRange(q.fromDate, q.fromDate, timeZone).from;
      if (q.toDate) range.to = localRange(q.toDate, q.toDate, timeZone).to;
      // Search: the patients are matched first (a clinic has tens of thousands, not hundreds of
      // thousands) and their appointments are then read through (clinic_id, patient_id, starts_at).
      const patientIds = q.q?.trim() ? await searchPatientIds(deps, clinicId, q.q, MAX_MATCHES) : null;
      let doctorId: string | null | undefined;
      if (q.doctorId) doctorId = (await doctorByHisId(db, clinicId, q.doctorId))?.id ?? null;
      const filter = {
        clinicId,
        ...range,
        doctorId,
        visitType: q.visitType,
        status: q.status,
        reply: q.reply,
        line: q.line,
        patientIds,
        failed: q.failed,
        openTasks: q.openTasks,
      };
      const anyDate = !q.from && !q.to && !q.fromDate && !q.toDate;
      // A search over all dates (the front desk looking someone up): today's and upcoming visits
      // first, then the past — not last year's visits on top of today's.
      const today = localParts(deps.clock.now(), timeZone).date;
      const upcomingFirst =
        patientIds && anyDate && !q.sort && !q.order ? localRange(today, today, timeZone).from : null;
      const list = appointmentListRepository(db);
      const [rows, total] = await Promise.all([
        list.page(filter, {
          sort: q.sort ?? 'startsAt',
          order: q.order ?? 'asc',
          upcomingFirst,
          limit: pageSize,
          offset: (page - 1) * pageSize,
        }),
        list.count(filter),
      ]);
      const nowIso = now();
      return {
        items: rows.map((r) => ({
          id: r.id,
          appointmentId: r.his_id,
          patientId: r.patient_his_id,
          patientRef: r.patient_id,
          doctorId: r.doctor_his_id,
          startsAt: r.starts_at_local,
          startsAtUtc: r.starts_at,
          durationMinutes: r.duration_minutes,
          visitType: r.visit_type,
          status: r.status,
          statusLabel: labelOf('status', r.status) ?? r.status,
          note: r.note,
          version: Number(r.version),
          lights: { reply: light('reply', r.reply_status), line: light('line', r.line_status) },
          visit: visitLight(r, nowIso),
          patientName: r.patient_name,
          chartNo: r.chart_no,
          phoneMasked: maskPhone(r.phone_e164),
          doctorName: r.doctor_name,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        })),
        page,
        pageSize,
        total,
        hasMore: page * pageSize < total,
      };
    },

    /** The clinic's own visit types (as its HIS names them) over the last two years, most used first. */
    async visitTypes(clinicId: string) {
      const since = new Date(deps.clock.now().getTime() - 730 * 86_400_000).toISOString();
      const rows = await repo.visitTypes(clinicId, since);
      return { items: rows.map((r) => ({ visitType: r.visit_type!, count: Number(r.n) })) };
    },

    /** Compact events for the calendar views (a day, a week or a month; at most 5,000). */
    async schedule(clinicId: string, q: { fromDate: string; toDate: string; doctorId?: string }) {
      if (q.toDate < q.fromDate || Date.parse(q.toDate) - Date.parse(q.fromDate) > 62 * 86_400_000)
        throw errors.badRequest('日期範圍不正確（最多 62 天）');
      const range = localRange(q.fromDate, q.toDate, await tzOf(clinicId));
      let doctorId: string | undefined;
      if (q.doctorId) {
        const d = await doctorByHisId(db, clinicId, q.doctorId);
        if (!d) return { items: [], truncated: false };
        doctorId = d.id;
      }
      const rows = await withPeople(
        db,
        clinicId,
        await repo.startingIn(clinicId, range.from, range.to, { doctorId, limit: 5001 }),
      );
      const nowIso = now();
      return {
        items: rows.slice(0, 5000).map((r) => ({
          id: r.id,
          startsAt: r.starts_at,
          durationMinutes: r.duration_minutes,
          visitType: r.visit_type,
          status: r.status,
          reply: r.reply_status,
          visit: visitLight(r, nowIso),
          line: r.patient?.lineStatus ?? 'unbound',
          patientName: r.patient?.name ?? '',
          doctorId: r.doctor.hisId,
          doctorName: r.doctor.name,
        })),
        truncated: rows.length > 5000,
      };
    },

    async detail(clinicId: string, id: string, actor: Actor, ip: string) {
      const [a] = await withPeople(db, clinicId, [await appointmentOrThrow(clinicId, id)]);
      const [history, notes, tasks, reminders, lineUsers, timeZone] = await Promise.all([
        repo.history(clinicId, id),
        repo.notes(clinicId, id),
        taskService(deps).ofAppointment(clinicId, id),
        remindersOfAppointment(db, clinicId, id),
        lineUsersOf(clinicId, a.patient_id),
        tzOf(clinicId),
      ]);
      const changes = history.map((h) => (h.changes ? (JSON.parse(h.changes) as Change[]) : null));
      const doctorHisIds = changes.flatMap((cs) =>
        (cs ?? []).filter((c) => c.field === 'doctorId').flatMap((c) => [c.from, c.to].map(String)),
      );
      const doctorNames = new Map(
        [...(await doctorsByHisIds(db, clinicId, doctorHisIds)).values()].map((d) => [d.his_id, d.name]),
      );
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'appointment.viewed',
        entityType: 'appointment',
        entityId: id,
        ip,
      });
      const p = a.patient;
      return {
        id: a.id,
        appointmentId: a.his_id,
        startsAt: a.starts_at_local,
        startsAtUtc: a.starts_at,
        durationMinutes: a.duration_minutes,
        visitType: a.visit_type,
        status: a.status,
        statusLabel: labelOf('status', a.status) ?? a.status,
        note: a.note,
        bookedAt: a.booked_at,
        version: Number(a.version),
        lights: { reply: light('reply', a.reply_status), line: light('line', p?.lineStatus ?? 'unbound') },
        visit: visitLight(a, now()),
        createdAt: a.created_at,
        updatedAt: a.updated_at,
        patient: {
          ref: a.patient_id,
          id: p?.hisId ?? '',
          name: p?.name ?? '',
          chartNo: p?.chartNo ?? null,
          phoneMasked: p?.phoneMasked ?? null,
          nationalIdMasked: p?.nationalIdMasked ?? null,
          birthDate: p?.birthDate ?? null,
          gender: p?.gender ?? null,
          line: light('line', p?.lineStatus ?? 'unbound'),
          boundLineUsers: lineUsers.length,
        },
        doctor: { id: a.doctor.hisId, name: a.doctor.name, department: a.doctor.department },
        history: history.map((h, i) => ({
          version: h.version === null ? null : Number(h.version),
          source: h.source,
          actor: h.actor_label,
          oldStatus: h.old_status,
          newStatus: h.new_status,
          oldStatusLabel: labelOf('status', h.old_status),
          newStatusLabel: labelOf('status', h.new_status) ?? h.new_status,
          changedFields: JSON.parse(h.changed_fields) as string[],
          lines: describeHistory(
            {
              version: h.version === null ? null : Number(h.version),
              source: h.source,
              actorLabel: h.actor_label,
              oldStatus: h.old_status,
              newStatus: h.new_status,
              changedFields: JSON.parse(h.changed_fields) as string[],
              changes: changes[i],
              reason: h.reason,
            },
            { timeZone, doctorNames },
          ),
          at: h.created_at,
        })),
        notes: notes.map((n) => ({ id: n.id, kind: n.kind, body: n.body, author: n.author_label, at: n.created_at })),
        tasks: tasks.map((t) => ({
          id: t.id,
          kind: t.kind,
          status: t.status,
          source: t.source,
          payload: t.details,
          createdAt: t.createdAt,
          handledAt: t.handledAt,
          handledBy: t.handledBy,
        })),
        reminders,
      };
    },

    async addNote(clinicId: string, id: string, staff: StaffRef, body: string, ip: string) {
      await appointmentOrThrow(clinicId, id);
      const note = await addNote(clinicId, id, staff, 'note', body.trim());
      await recordAudit(db, deps.clock, {
        clinicId,
        actor: actorOf(staff),
        action: 'appointment.note_added',
        entityType: 'appointment',
        entityId: id,
        ip,
      });
      return note;
    },

    /** Closes the appointment's open front-desk tasks (cancel/reschedule requests) and notes who did it. */
    async markHandled(clinicId: string, id: string, staff: StaffRef, comment: string | undefined, ip: string) {
      await appointmentOrThrow(clinicId, id);
      const handled = await taskService(deps).handleAllOf(clinicId, id, staff.name);
      const note = await addNote(
        clinicId,
        id,
        staff,
        'handled',
        comment?.trim() || (handled ? `已處理 ${handled} 筆病患申請` : '已標記為處理完成'),
      );
      await recordAudit(db, deps.clock, {
        clinicId,
        actor: actorOf(staff),
        action: 'appointment.handled',
        entityType: 'appointment',
        entityId: id,
        detail: { tasks: handled },
        ip,
      });
      return { handledTasks: handled, note };
    },

    /** A LINE push to every LINE user bound to the patient (a job with its retry key stored first). */
    async sendMessage(clinicId: string, id: string, staff: StaffRef, raw: string, ip: string) {
      const a = await appointmentOrThrow(clinicId, id);
      const text = raw.trim();
      const users = await lineUsersOf(clinicId, a.patient_id);
      if (!users.length)
        throw new AppError('PATIENT_NOT_BOUND', 409, '這位病患尚未綁定 LINE，無法傳送訊息；請改以電話聯絡');
      if (!(await lineService(deps).getChannel(clinicId)))
        throw new AppError('LINE_NOT_CONNECTED', 409, '尚未設定 LINE 官方帳號，請先到「設定 → LINE 官方帳號」填寫');
      const messages: messagingApi.Message[] = [{ type: 'text', text }];
      for (const to of users)
        await queuePush(db, deps, clinicId, {
          to,
          messages,
          source: 'staff',
          relatedType: 'appointment',
          relatedId: id,
        });
      const note = await addNote(clinicId, id, staff, 'message', text);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor: actorOf(staff),
        action: 'appointment.message_sent',
        entityType: 'appointment',
        entityId: id,
        detail: { recipients: users.length },
        ip,
      });
      return { recipients: users.length, note };
    },

    /**
     * Sends the appointment's reminder again now through the reminder engine: the same message
     * as the scheduled reminder (template, buttons), by LINE or by the SMS fallback.
     */
    async resendReminder(clinicId: string, id: string, staff: StaffRef, ip: string) {
      const a = await appointmentOrThrow(clinicId, id);
      if (a.status === 'cancelled') throw new AppError('APPOINTMENT_CANCELLED', 409, '這筆預約已取消，不需要再提醒');
      if (a.starts_at < now()) throw new AppError('APPOINTMENT_PAST', 409, '看診時間已過，不需要再提醒');
      await reminderBackOffice(deps).resendForAppointment(clinicId, id, actorOf(staff), ip);
      const note = await addNote(clinicId, id, staff, 'reminder', '重送看診提醒');
      return { recipients: 1, note };
    },

    /** The LINE conversation with the patient's bound LINE users, oldest first. */
    async thread(clinicId: string, id: string, actor: Actor, ip: string) {
      const a = await appointmentOrThrow(clinicId, id);
      const users = await lineUsersOf(clinicId, a.patient_id);
      const items = await conversationWith(db, clinicId, users, 100);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'appointment.thread_viewed',
        entityType: 'appointment',
        entityId: id,
        ip,
      });
      return {
        bound: users.length > 0,
        items: items.map(({ relatedType, relatedId, ...m }) => ({
          ...m,
          relatedToThis: relatedType === 'appointment' && relatedId === id,
        })),
      };
    },

    // ---- saved filters (per staff member)
    async savedFilters(clinicId: string, staffId: string) {
      const rows = await repo.savedFilters(clinicId, staffId);
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        filters: JSON.parse(r.filters) as Record<string, unknown>,
        createdAt: r.created_at,
      }));
    },
    async saveFilter(clinicId: string, staffId: string, name: string, filters: Record<string, unknown>) {
      if ((await repo.countSavedFilters(clinicId, staffId)) >= 30)
        throw errors.conflict('TOO_MANY_FILTERS', '最多可儲存 30 組篩選條件，請先刪除不用的');
      const row = {
        id: newId(),
        clinic_id: clinicId,
        staff_id: staffId,
        name: name.trim(),
        filters: JSON.stringify(filters),
        created_at: now(),
      };
      await repo.insertSavedFilter(row);
      return { id: row.id, name: row.name, filters, createdAt: row.created_at };
    },
    async deleteFilter(clinicId: string, staffId: string, id: string) {
      if (!(await repo.deleteSavedFilter(clinicId, staffId, id))) throw errors.notFound('篩選條件');
    },
  };
}
