// Front-desk actions on one appointment (detail, notes, mark handled, message the patient,
// resend a reminder, the LINE thread), saved filters per staff member, the doctors list with
// the caller's own doctor (a staff ↔ doctor link, or the same name), and settings.
import type { messagingApi } from '@line/bot-sdk';
import { sql } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { queuePush } from '../line/push.ts';
import { labelOf, light } from '../status/lights.ts';
import { maskPhone } from './list.ts';
import { reminderBackOffice } from '../reminders/backoffice.ts';

export type StaffRef = { userId: string; name: string; email: string; role: string };

const actorOf = (s: StaffRef): Actor => ({ type: 'staff', id: s.userId, label: s.email });

export function frontdeskService(deps: Deps) {
  const { db } = deps;
  const now = () => deps.clock.now().toISOString();

  async function appointmentOrThrow(clinicId: string, id: string) {
    const a = await db
      .selectFrom('appointments as a')
      .innerJoin('patients as p', 'p.id', 'a.patient_id')
      .innerJoin('doctors as d', 'd.id', 'a.doctor_id')
      .selectAll('a')
      .select([
        'p.his_id as patient_his_id',
        'p.name as patient_name',
        'p.chart_no',
        'p.phone_e164',
        'p.national_id_masked',
        'p.birth_date',
        'p.gender',
        'p.line_status',
        'd.his_id as doctor_his_id',
        'd.name as doctor_name',
        'd.department as doctor_department',
      ])
      .where('a.clinic_id', '=', clinicId)
      .where('a.id', '=', id)
      .executeTakeFirst();
    if (!a) throw errors.notFound('預約');
    return a;
  }

  const boundUsers = (clinicId: string, patientId: string) =>
    db
      .selectFrom('line_bindings')
      .select(['line_user_id', 'phone_masked', 'created_at'])
      .where('clinic_id', '=', clinicId)
      .where('patient_id', '=', patientId)
      .execute();

  async function addNote(clinicId: string, appointmentId: string, staff: StaffRef | null, kind: string, body: string) {
    const row = {
      id: newId(),
      clinic_id: clinicId,
      appointment_id: appointmentId,
      staff_id: staff?.userId ?? null,
      author_label: staff?.name ?? '系統',
      kind,
      body,
      created_at: now(),
    };
    await db.insertInto('appointment_notes').values(row).execute();
    return { id: row.id, kind, body, author: row.author_label, at: row.created_at };
  }

  async function push(clinicId: string, appointmentId: string, patientId: string, text: string, source: string) {
    const users = await boundUsers(clinicId, patientId);
    if (!users.length)
      throw new AppError('PATIENT_NOT_BOUND', 409, '這位病患尚未綁定 LINE，無法傳送訊息；請改以電話聯絡');
    const channel = await db
      .selectFrom('line_channels')
      .select('clinic_id')
      .where('clinic_id', '=', clinicId)
      .executeTakeFirst();
    if (!channel)
      throw new AppError('LINE_NOT_CONNECTED', 409, '尚未設定 LINE 官方帳號，請先到「設定 → LINE 官方帳號」填寫');
    const messages: messagingApi.Message[] = [{ type: 'text', text }];
    for (const u of users)
      await queuePush(db, deps, clinicId, {
        to: u.line_user_id,
        messages,
        source,
        relatedType: 'appointment',
        relatedId: appointmentId,
      });
    return users.length;
  }

  return {
    async detail(clinicId: string, id: string, actor: Actor, ip: string) {
      const a = await appointmentOrThrow(clinicId, id);
      const [history, notes, tasks, reminders, bindings] = await Promise.all([
        db
          .selectFrom('appointment_history')
          .selectAll()
          .where('clinic_id', '=', clinicId)
          .where('appointment_id', '=', id)
          .orderBy('id')
          .execute(),
        db
          .selectFrom('appointment_notes')
          .selectAll()
          .where('clinic_id', '=', clinicId)
          .where('appointment_id', '=', id)
          .orderBy('created_at')
          .execute(),
        db
          .selectFrom('front_desk_tasks')
          .selectAll()
          .where('clinic_id', '=', clinicId)
          .where('appointment_id', '=', id)
          .orderBy('created_at')
          .execute(),
        db
          .selectFrom('reminder_deliveries as rd')
          .leftJoin('sms_messages as sm', (j) =>
            j.onRef('sm.id', '=', 'rd.sms_message_id').onRef('sm.clinic_id', '=', 'rd.clinic_id'),
          )
          .selectAll('rd')
          .select([
            'sm.status as sms_status',
            'sm.to_masked as sms_to',
            'sm.segments as sms_segments',
            'sm.cost as sms_cost',
            'sm.delivered_at as sms_delivered_at',
            'sm.error as sms_error',
          ])
          .where('rd.clinic_id', '=', clinicId)
          .where('rd.appointment_id', '=', id)
          .orderBy('rd.due_at')
          .execute(),
        boundUsers(clinicId, a.patient_id),
      ]);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'appointment.viewed',
        entityType: 'appointment',
        entityId: id,
        ip,
      });
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
        version: Number(a.version),
        lights: { reply: light('reply', a.reply_status), line: light('line', a.line_status) },
        createdAt: a.created_at,
        updatedAt: a.updated_at,
        patient: {
          id: a.patient_his_id,
          name: a.patient_name,
          chartNo: a.chart_no,
          phoneMasked: maskPhone(a.phone_e164),
          nationalIdMasked: a.national_id_masked,
          birthDate: a.birth_date,
          gender: a.gender,
          line: light('line', a.line_status),
          boundLineUsers: bindings.length,
        },
        doctor: { id: a.doctor_his_id, name: a.doctor_name, department: a.doctor_department },
        history: history.map((h) => ({
          version: h.version === null ? null : Number(h.version),
          source: h.source,
          actor: h.actor_label,
          oldStatus: h.old_status,
          newStatus: h.new_status,
          oldStatusLabel: labelOf('status', h.old_status),
          newStatusLabel: labelOf('status', h.new_status) ?? h.new_status,
          changedFields: JSON.parse(h.changed_fields) as string[],
          at: h.created_at,
        })),
        notes: notes.map((n) => ({ id: n.id, kind: n.kind, body: n.body, author: n.author_label, at: n.created_at })),
        tasks: tasks.map((t) => ({
          id: t.id,
          kind: t.kind,
          status: t.status,
          source: t.source,
          payload: JSON.parse(t.payload || '{}') as Record<string, unknown>,
          createdAt: t.created_at,
          handledAt: t.handled_at,
          handledBy: t.handled_by,
        })),
        reminders: reminders.map((r) => ({
          id: r.id,
          ruleName: r.rule_name,
          dueAt: r.due_at,
          explanation: r.explanation,
          state: r.state,
          channel: r.channel,
          sentAt: r.sent_at,
          attempts: Number(r.attempts),
          lastError: r.last_error,
          cancelReason: r.cancel_reason,
          sms:
            r.sms_status === null
              ? null
              : {
                  status: r.sms_status,
                  toMasked: r.sms_to ?? '',
                  segments: Number(r.sms_segments ?? 0),
                  cost: Number(r.sms_cost ?? 0),
                  deliveredAt: r.sms_delivered_at,
                  error: r.sms_error,
                },
        })),
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
      const at = now();
      const r = await db
        .updateTable('front_desk_tasks')
        .set({ status: 'handled', handled_at: at, handled_by: staff.name })
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      const handled = Number(r.numUpdatedRows ?? 0);
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
    async sendMessage(clinicId: string, id: string, staff: StaffRef, text: string, ip: string) {
      const a = await appointmentOrThrow(clinicId, id);
      const sentTo = await push(clinicId, id, a.patient_id, text.trim(), 'staff');
      const note = await addNote(clinicId, id, staff, 'message', text.trim());
      await recordAudit(db, deps.clock, {
        clinicId,
        actor: actorOf(staff),
        action: 'appointment.message_sent',
        entityType: 'appointment',
        entityId: id,
        detail: { recipients: sentTo },
        ip,
      });
      return { recipients: sentTo, note };
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
      const users = await boundUsers(clinicId, a.patient_id);
      const ids = users.map((u) => u.line_user_id);
      const rows = ids.length
        ? await db
            .selectFrom('line_messages')
            .selectAll()
            .where('clinic_id', '=', clinicId)
            .where('line_user_id', 'in', ids)
            .orderBy('id', 'desc')
            .limit(100)
            .execute()
        : [];
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'appointment.thread_viewed',
        entityType: 'appointment',
        entityId: id,
        ip,
      });
      return {
        bound: ids.length > 0,
        items: rows.reverse().map((m) => ({
          id: Number(m.id),
          direction: m.direction,
          kind: m.kind,
          text: m.text,
          source: m.source,
          at: m.created_at,
          relatedToThis: m.related_type === 'appointment' && m.related_id === id,
        })),
      };
    },

    // ---- saved filters (per staff member)
    async savedFilters(clinicId: string, staffId: string) {
      const rows = await db
        .selectFrom('saved_filters')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('staff_id', '=', staffId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        filters: JSON.parse(r.filters) as Record<string, unknown>,
        createdAt: r.created_at,
      }));
    },
    async saveFilter(clinicId: string, staffId: string, name: string, filters: Record<string, unknown>) {
      const count = await db
        .selectFrom('saved_filters')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('clinic_id', '=', clinicId)
        .where('staff_id', '=', staffId)
        .executeTakeFirst();
      if (Number(count?.n ?? 0) >= 30)
        throw errors.conflict('TOO_MANY_FILTERS', '最多可儲存 30 組篩選條件，請先刪除不用的');
      const row = {
        id: newId(),
        clinic_id: clinicId,
        staff_id: staffId,
        name: name.trim(),
        filters: JSON.stringify(filters),
        created_at: now(),
      };
      await db.insertInto('saved_filters').values(row).execute();
      return { id: row.id, name: row.name, filters, createdAt: row.created_at };
    },
    async deleteFilter(clinicId: string, staffId: string, id: string) {
      const r = await db
        .deleteFrom('saved_filters')
        .where('clinic_id', '=', clinicId)
        .where('staff_id', '=', staffId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!Number(r.numDeletedRows)) throw errors.notFound('篩選條件');
    },

    // ---- doctors and the caller's own doctor
    async doctors(clinicId: string, staff: StaffRef) {
      const rows = await db
        .selectFrom('doctors')
        .select(['id', 'his_id', 'name', 'department', 'title', 'active'])
        .where('clinic_id', '=', clinicId)
        .orderBy('his_id')
        .execute();
      const link = await db
        .selectFrom('staff_users')
        .select(sql<string | null>`doctor_id`.as('doctor_id'))
        .where('id', '=', staff.userId)
        .executeTakeFirst();
      let mine = link?.doctor_id ? rows.find((r) => r.id === link.doctor_id) : undefined;
      let matchedBy: 'link' | 'name' | null = mine ? 'link' : null;
      if (!mine && staff.role === 'doctor') {
        mine = rows.find((r) => r.name.replace(/\s/g, '') === staff.name.replace(/\s/g, ''));
        if (mine) matchedBy = 'name';
      }
      return {
        items: rows.map((r) => ({
          id: r.his_id,
          name: r.name,
          department: r.department,
          title: r.title,
          active: Number(r.active) === 1,
        })),
        myDoctorId: mine?.his_id ?? null,
        matchedBy,
      };
    },
    /** Doctor accounts with their linked doctor (null: matched by name, see doctors()). */
    async doctorLinks(clinicId: string) {
      const rows = await db
        .selectFrom('staff_users')
        .select(['id', 'name', 'email', 'status', sql<string | null>`doctor_id`.as('doctor_id')])
        .where('clinic_id', '=', clinicId)
        .where('role', '=', 'doctor')
        .where('status', '!=', 'disabled')
        .orderBy('name')
        .execute();
      const docs = await db
        .selectFrom('doctors')
        .select(['id', 'his_id', 'name'])
        .where('clinic_id', '=', clinicId)
        .execute();
      return rows.map((r) => {
        const linked = docs.find((d) => d.id === r.doctor_id);
        const byName = docs.find((d) => d.name.replace(/\s/g, '') === r.name.replace(/\s/g, ''));
        return {
          staffId: r.id,
          name: r.name,
          email: r.email,
          doctorId: linked?.his_id ?? null,
          matchedByName: linked ? null : (byName?.his_id ?? null),
        };
      });
    },
    async linkDoctor(clinicId: string, staffId: string, doctorHisId: string | null, actor: Actor, ip: string) {
      const s = await db
        .selectFrom('staff_users')
        .select('id')
        .where('clinic_id', '=', clinicId)
        .where('id', '=', staffId)
        .executeTakeFirst();
      if (!s) throw errors.notFound('人員');
      let doctorId: string | null = null;
      if (doctorHisId) {
        const d = await db
          .selectFrom('doctors')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('his_id', '=', doctorHisId)
          .executeTakeFirst();
        if (!d) throw errors.notFound('醫師');
        doctorId = d.id;
      }
      await sql`UPDATE staff_users SET doctor_id = ${doctorId} WHERE id = ${staffId} AND clinic_id = ${clinicId}`.execute(
        db,
      );
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'staff.doctor_linked',
        entityType: 'staff',
        entityId: staffId,
        detail: { doctorId: doctorHisId },
        ip,
      });
      return { staffId, doctorId: doctorHisId };
    },
  };
}
