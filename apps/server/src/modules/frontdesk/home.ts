// The front desk's home page: today at a glance (appointments by hour and doctor, replies,
// open cancel/reschedule requests, blocked patients with a visit today, failed messages) and
// the first KPI strip (K4): binding, reminder delivery, confirmation, cancel and no-show rates.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { localParts } from '../../platform/time.ts';
import { labelOf } from '../status/lights.ts';
import { localRange, maskPhone } from './list.ts';

const LIST_LIMIT = 50;

export function homeService(db: Kysely<DB>) {
  return {
    async today(clinicId: string, timeZone: string, now: Date) {
      const date = localParts(now, timeZone).date;
      const range = localRange(date, date, timeZone);
      const rows = await db
        .selectFrom('appointments as a')
        .innerJoin('patients as p', 'p.id', 'a.patient_id')
        .innerJoin('doctors as d', 'd.id', 'a.doctor_id')
        .select([
          'a.id',
          'a.starts_at',
          'a.visit_type',
          'a.status',
          'a.reply_status',
          'p.name as patient_name',
          'p.phone_e164',
          'p.line_status',
          'p.chart_no',
          'd.his_id as doctor_his_id',
          'd.name as doctor_name',
        ])
        .where('a.clinic_id', '=', clinicId)
        .where('a.starts_at', '>=', range.from)
        .where('a.starts_at', '<', range.to)
        .orderBy('a.starts_at')
        .orderBy('a.id')
        .limit(5000)
        .execute();

      const active = rows.filter((r) => r.status !== 'cancelled');
      const hourOf = (iso: string) => localParts(new Date(iso), timeZone).hour;
      const doctors = new Map<string, { doctorId: string; name: string; total: number }>();
      const cells = new Map<
        string,
        {
          doctorId: string;
          hour: number;
          total: number;
          confirmed: number;
          awaiting: number;
          notSent: number;
          requests: number;
        }
      >();
      for (const r of active) {
        const doc = doctors.get(r.doctor_his_id) ?? { doctorId: r.doctor_his_id, name: r.doctor_name, total: 0 };
        doc.total++;
        doctors.set(r.doctor_his_id, doc);
        const hour = hourOf(r.starts_at);
        const k = `${r.doctor_his_id}|${hour}`;
        const c = cells.get(k) ?? {
          doctorId: r.doctor_his_id,
          hour,
          total: 0,
          confirmed: 0,
          awaiting: 0,
          notSent: 0,
          requests: 0,
        };
        c.total++;
        if (r.reply_status === 'confirmed') c.confirmed++;
        else if (r.reply_status === 'awaiting_reply') c.awaiting++;
        else if (r.reply_status === 'not_sent') c.notSent++;
        else c.requests++;
        cells.set(k, c);
      }
      const item = (r: (typeof rows)[number]) => ({
        id: r.id,
        startsAt: r.starts_at,
        patientName: r.patient_name,
        chartNo: r.chart_no,
        phoneMasked: maskPhone(r.phone_e164),
        doctorId: r.doctor_his_id,
        doctorName: r.doctor_name,
        visitType: r.visit_type,
        status: r.status,
        statusLabel: labelOf('status', r.status) ?? r.status,
        reply: r.reply_status,
        replyLabel: labelOf('reply', r.reply_status) ?? r.reply_status,
        line: r.line_status,
      });
      const awaiting = active.filter((r) => r.reply_status === 'awaiting_reply' && r.status === 'booked');
      const blocked = active.filter((r) => r.line_status === 'blocked');

      // Open cancel/reschedule requests (any visit date), oldest first: the front desk handles them.
      const tasks = await db
        .selectFrom('front_desk_tasks as t')
        .innerJoin('appointments as a', 'a.id', 't.appointment_id')
        .innerJoin('patients as p', 'p.id', 'a.patient_id')
        .innerJoin('doctors as d', 'd.id', 'a.doctor_id')
        .select([
          't.id as task_id',
          't.kind',
          't.created_at as requested_at',
          't.payload',
          'a.id',
          'a.starts_at',
          'a.visit_type',
          'a.status',
          'a.reply_status',
          'p.name as patient_name',
          'p.phone_e164',
          'p.line_status',
          'p.chart_no',
          'd.his_id as doctor_his_id',
          'd.name as doctor_name',
        ])
        .where('t.clinic_id', '=', clinicId)
        .where('t.status', '=', 'open')
        .orderBy('t.created_at')
        .limit(LIST_LIMIT)
        .execute();
      const openRequests = await db
        .selectFrom('front_desk_tasks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('clinic_id', '=', clinicId)
        .where('status', '=', 'open')
        .executeTakeFirst();

      // Reminders that could not be delivered, for visits from today on.
      const failed = await db
        .selectFrom('reminder_deliveries as rd')
        .innerJoin('appointments as a', 'a.id', 'rd.appointment_id')
        .innerJoin('patients as p', 'p.id', 'a.patient_id')
        .innerJoin('doctors as d', 'd.id', 'a.doctor_id')
        .select([
          'rd.id as delivery_id',
          'rd.rule_name',
          'rd.last_error',
          'rd.updated_at as failed_at',
          'a.id',
          'a.starts_at',
          'a.visit_type',
          'a.status',
          'a.reply_status',
          'p.name as patient_name',
          'p.phone_e164',
          'p.line_status',
          'p.chart_no',
          'd.his_id as doctor_his_id',
          'd.name as doctor_name',
        ])
        .where('rd.clinic_id', '=', clinicId)
        .where('rd.state', '=', 'failed')
        .where('a.starts_at', '>=', range.from)
        .orderBy('a.starts_at')
        .limit(LIST_LIMIT)
        .execute();

      const failedCount = await db
        .selectFrom('reminder_deliveries as rd')
        .innerJoin('appointments as a', 'a.id', 'rd.appointment_id')
        .select((eb) => eb.fn.count<number>('rd.appointment_id').distinct().as('n'))
        .where('rd.clinic_id', '=', clinicId)
        .where('rd.state', '=', 'failed')
        .where('a.starts_at', '>=', range.from)
        .executeTakeFirst();
      const count = (f: (r: (typeof rows)[number]) => boolean) => active.filter(f).length;
      const hours = [...new Set([...cells.values()].map((c) => c.hour))].sort((a, b) => a - b);
      return {
        date,
        timeZone,
        generatedAt: now.toISOString(),
        counts: {
          total: active.length,
          cancelled: rows.length - active.length,
          confirmed: count((r) => r.reply_status === 'confirmed'),
          awaitingReply: count((r) => r.reply_status === 'awaiting_reply'),
          notSent: count((r) => r.reply_status === 'not_sent'),
          checkedIn: count((r) => r.status === 'checked_in' || r.status === 'completed'),
          noShow: count((r) => r.status === 'no_show'),
          openRequests: Number(openRequests?.n ?? 0),
          blockedToday: blocked.length,
          failedMessages: Number(failedCount?.n ?? 0), // appointments (from today on) with a reminder that could not be delivered
        },
        hours,
        doctors: [...doctors.values()].sort((a, b) => a.doctorId.localeCompare(b.doctorId)),
        cells: [...cells.values()],
        awaiting: awaiting.slice(0, LIST_LIMIT).map(item),
        requests: tasks.map((t) => ({
          ...item(t),
          taskId: t.task_id,
          kind: t.kind,
          requestedAt: t.requested_at,
          reason: (JSON.parse(t.payload || '{}') as { reason?: string }).reason ?? null,
        })),
        blocked: blocked.slice(0, LIST_LIMIT).map(item),
        failed: failed
          .filter((f, i) => failed.findIndex((g) => g.id === f.id) === i)
          .map((f) => ({
            ...item(f),
            deliveryId: f.delivery_id,
            ruleName: f.rule_name,
            error: f.last_error,
            failedAt: f.failed_at,
          })),
      };
    },

    /** KPI strip (K4 first cut), today or this month in the clinic's time zone. */
    async kpis(clinicId: string, timeZone: string, now: Date, period: 'today' | 'month') {
      const today = localParts(now, timeZone).date;
      const fromDate = period === 'today' ? today : `${today.slice(0, 8)}01`;
      const range = localRange(fromDate, today, timeZone);
      const nowIso = now.toISOString();
      const appts = db
        .selectFrom('appointments')
        .where('clinic_id', '=', clinicId)
        .where('starts_at', '>=', range.from)
        .where('starts_at', '<', range.to);
      const n = async (q: { executeTakeFirst(): Promise<{ n: unknown } | undefined> }) =>
        Number((await q.executeTakeFirst())?.n ?? 0);

      const patientsWithVisits = await n(
        db
          .selectFrom('patients')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('clinic_id', '=', clinicId)
          .where('id', 'in', appts.select('patient_id').where('status', '!=', 'cancelled')),
      );
      const boundPatients = await n(
        db
          .selectFrom('patients')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('clinic_id', '=', clinicId)
          .where('line_status', '=', 'bound')
          .where('id', 'in', appts.select('patient_id').where('status', '!=', 'cancelled')),
      );
      const deliveries = db
        .selectFrom('reminder_deliveries')
        .where('clinic_id', '=', clinicId)
        .where('due_at', '>=', range.from)
        .where('due_at', '<', range.to);
      const sent = await n(deliveries.select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'sent'));
      const failedD = await n(
        deliveries.select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'failed'),
      );
      const reminded = await n(
        appts.select((eb) => eb.fn.countAll<number>().as('n')).where('reply_status', '!=', 'not_sent'),
      );
      const confirmed = await n(
        appts.select((eb) => eb.fn.countAll<number>().as('n')).where('reply_status', '=', 'confirmed'),
      );
      const all = await n(appts.select((eb) => eb.fn.countAll<number>().as('n')));
      const cancelled = await n(
        appts
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where((eb) =>
            eb.or([
              eb('status', '=', 'cancelled'),
              eb('reply_status', 'in', ['cancel_requested', 'reschedule_requested']),
            ]),
          ),
      );
      const past = appts.where('starts_at', '<', nowIso).where('status', 'in', ['checked_in', 'completed', 'no_show']);
      const pastAll = await n(past.select((eb) => eb.fn.countAll<number>().as('n')));
      const noShow = await n(past.select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'no_show'));

      const k = (numerator: number, denominator: number, label: string, definition: string) => ({
        label,
        value: denominator ? Math.round((numerator / denominator) * 1000) / 1000 : null,
        numerator,
        denominator,
        definition,
      });
      const when = period === 'today' ? '今天' : '本月';
      return {
        period,
        from: fromDate,
        to: today,
        kpis: {
          bindingRate: k(
            boundPatients,
            patientsWithVisits,
            'LINE 綁定率',
            `${when}有預約（未取消）的病患中，已完成 LINE 綁定的比例。`,
          ),
          deliveryRate: k(
            sent,
            sent + failedD,
            '提醒送達率',
            `${when}排定發送的提醒中，成功送出（LINE 或簡訊）的比例；分母為已送出加上發送失敗的則數，尚在排程中的不計。`,
          ),
          confirmationRate: k(confirmed, reminded, '確認率', `${when}的預約中，已發出提醒者按下「確認赴約」的比例。`),
          cancelRate: k(cancelled, all, '取消率', `${when}的預約中，已取消或病患提出取消／改期申請的比例。`),
          noShowRate: k(
            noShow,
            pastAll,
            '未到率',
            `${when}已過看診時間、且 HIS 已回報結果（報到、完成或未到）的預約中，未到診的比例。`,
          ),
        },
      };
    },
  };
}
