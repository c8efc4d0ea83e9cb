// The front desk's home page: today at a glance (appointments by hour and doctor with the same
// light every other page shows, open cancel/reschedule requests, blocked patients with a visit
// today, reminders that could not be delivered) and the KPI strip: binding, reminder delivery,
// confirmation, cancel and no-show rates. No tables of its own: it composes the appointments,
// tasks, reminders, patients and follow-ups modules.
import type { Deps } from '../../platform/deps.ts';
import { localParts } from '../../platform/time.ts';
import {
  appointmentCounts,
  appointmentsByIds,
  appointmentsStartingIn,
  localRange,
  type AppointmentWithPeople,
} from '../appointments/service.ts';
import { patientsByIds } from '../patients/service.ts';
import { failedReminders, reminderOutcomes } from '../reminders/for-appointments.ts';
import { labelOf, visitLight } from '../status/lights.ts';
import { taskService } from '../tasks/service.ts';
import { followUpCounts } from '../follow-ups/service.ts';

const LIST_LIMIT = 50;

export function homeService(deps: Deps) {
  return {
    async today(clinicId: string, timeZone: string, now: Date) {
      const nowIso = now.toISOString();
      const date = localParts(now, timeZone).date;
      const range = localRange(date, date, timeZone);
      const tasks = taskService(deps);
      const [rows, openTasks, openRequests, failed, followUps] = await Promise.all([
        appointmentsStartingIn(deps, clinicId, range.from, range.to, 5000),
        tasks.list(clinicId, { status: 'open', limit: LIST_LIMIT }),
        tasks.countOpen(clinicId),
        failedReminders(deps.db, clinicId, range.from, LIST_LIMIT),
        followUpCounts(deps, clinicId),
      ]);
      const others = new Map(
        (
          await appointmentsByIds(deps, clinicId, [
            ...openTasks.map((t) => t.appointmentId),
            ...failed.items.map((f) => f.appointmentId),
          ])
        ).map((a) => [a.id, a]),
      );

      const item = (r: AppointmentWithPeople) => ({
        id: r.id,
        startsAt: r.starts_at,
        patientRef: r.patient_id,
        patientName: r.patient?.name ?? '',
        chartNo: r.patient?.chartNo ?? null,
        phoneMasked: r.patient?.phoneMasked ?? null,
        doctorId: r.doctor.hisId,
        doctorName: r.doctor.name,
        visitType: r.visit_type,
        status: r.status,
        statusLabel: labelOf('status', r.status) ?? r.status,
        reply: r.reply_status,
        replyLabel: labelOf('reply', r.reply_status) ?? r.reply_status,
        visit: visitLight(r, nowIso),
        line: r.patient?.lineStatus ?? 'unbound',
      });

      const active = rows.filter((r) => r.status !== 'cancelled');
      const codeOf = (r: AppointmentWithPeople) => visitLight(r, nowIso).code;
      const hourOf = (iso: string) => localParts(new Date(iso), timeZone).hour;
      const doctors = new Map<string, { doctorId: string; name: string; total: number }>();
      type Cell = {
        doctorId: string;
        hour: number;
        total: number;
        confirmed: number;
        awaiting: number;
        notSent: number;
        requests: number;
        done: number;
        missed: number;
      };
      const cells = new Map<string, Cell>();
      const bucket: Record<string, keyof Cell> = {
        confirmed: 'confirmed',
        awaiting_reply: 'awaiting',
        not_sent: 'notSent',
        cancel_requested: 'requests',
        reschedule_requested: 'requests',
        checked_in: 'done',
        completed: 'done',
        no_show: 'missed',
        not_arrived: 'missed',
      };
      for (const r of active) {
        const doc = doctors.get(r.doctor.hisId) ?? { doctorId: r.doctor.hisId, name: r.doctor.name, total: 0 };
        doc.total++;
        doctors.set(r.doctor.hisId, doc);
        const hour = hourOf(r.starts_at);
        const k = `${r.doctor.hisId}|${hour}`;
        const c = cells.get(k) ?? {
          doctorId: r.doctor.hisId,
          hour,
          total: 0,
          confirmed: 0,
          awaiting: 0,
          notSent: 0,
          requests: 0,
          done: 0,
          missed: 0,
        };
        c.total++;
        const b = bucket[codeOf(r)];
        if (b) (c[b] as number)++;
        cells.set(k, c);
      }
      const count = (...codes: string[]) => active.filter((r) => codes.includes(codeOf(r))).length;
      const awaiting = active.filter((r) => codeOf(r) === 'awaiting_reply');
      const blocked = active.filter((r) => r.patient?.lineStatus === 'blocked');
      const seen = new Set<string>();
      return {
        date,
        timeZone,
        generatedAt: nowIso,
        counts: {
          total: active.length,
          cancelled: rows.length - active.length,
          confirmed: count('confirmed'),
          awaitingReply: count('awaiting_reply'),
          notSent: count('not_sent'),
          checkedIn: count('checked_in', 'completed'),
          noShow: count('no_show'),
          notArrived: count('not_arrived'),
          openRequests,
          blockedToday: blocked.length,
          failedMessages: failed.appointments,
          followUps: followUps.active,
          followUpsOverdue: followUps.overdue,
        },
        hours: [...new Set([...cells.values()].map((c) => c.hour))].sort((a, b) => a - b),
        doctors: [...doctors.values()].sort((a, b) => a.doctorId.localeCompare(b.doctorId)),
        cells: [...cells.values()],
        awaiting: awaiting.slice(0, LIST_LIMIT).map(item),
        requests: openTasks.flatMap((t) => {
          const a = others.get(t.appointmentId);
          return a
            ? [
                {
                  ...item(a),
                  taskId: t.id,
                  kind: t.kind,
                  requestedAt: t.createdAt,
                  // the patient's own words when no reason was picked
                  reason: t.details.reason ?? t.details.note ?? null,
                },
              ]
            : [];
        }),
        blocked: blocked.slice(0, LIST_LIMIT).map(item),
        // One line per appointment: its first failed reminder.
        failed: failed.items.flatMap((f) => {
          const a = others.get(f.appointmentId);
          if (!a || seen.has(a.id)) return [];
          seen.add(a.id);
          return [{ ...item(a), deliveryId: f.id, ruleName: f.ruleName, error: f.error, failedAt: f.failedAt }];
        }),
      };
    },

    /** The KPI strip, today or this month in the clinic's time zone. */
    async kpis(clinicId: string, timeZone: string, now: Date, period: 'today' | 'month') {
      const today = localParts(now, timeZone).date;
      const fromDate = period === 'today' ? today : `${today.slice(0, 8)}01`;
      const range = localRange(fromDate, today, timeZone);
      const [c, outcomes] = await Promise.all([
        appointmentCounts(deps, clinicId, range.from, range.to, now.toISOString()),
        reminderOutcomes(deps.db, clinicId, range.from, range.to),
      ]);
      const bound = (await patientsByIds(deps.db, clinicId, c.patientIds)).filter((p) => p.lineStatus === 'bound');
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
            bound.length,
            c.patientIds.length,
            'LINE 綁定率',
            `${when}有預約（未取消）的病患中，已完成 LINE 綁定的比例。`,
          ),
          deliveryRate: k(
            outcomes.sent,
            outcomes.sent + outcomes.failed,
            '提醒送達率',
            `${when}排定發送的提醒中，成功送出（LINE 或簡訊）的比例；分母為已送出加上發送失敗的則數，尚在排程中的不計。`,
          ),
          confirmationRate: k(
            c.confirmed,
            c.reminded,
            '確認率',
            `${when}的預約中，已發出提醒（LINE 或簡訊）者按下「確認赴約」的比例。`,
          ),
          cancelRate: k(c.cancelled, c.all, '取消率', `${when}的預約中，已取消或病患提出取消／改期申請的比例。`),
          noShowRate: k(
            c.noShow,
            c.reported,
            '未到率',
            `${when}已過看診時間、且 HIS 已回報結果（報到、完成或未到）的預約中，未到診的比例。`,
          ),
        },
      };
    },
  };
}
