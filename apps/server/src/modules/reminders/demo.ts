// The demo clinic's reminders of the past (npm run demo), from the day Careline went live to
// yesterday: for every past visit the 48-hour reminder (with its 確認／改期／取消 buttons) and,
// for patients on LINE, the visit-day one — by LINE to patients bound by then, otherwise as a
// LINE notification message to the phone or an SMS (the clinic's fallback) — and the patient's
// reply on the appointment. Written as already sent, with the timestamps of the past (nothing
// goes to LINE or the SMS gateway); the unit prices are set so the cost figures have values.
// Synthetic and deterministic (seeded): 報表 and 效益 have a history to show.
import { systemActor } from '../../platform/audit.ts';
import { demoId, logNormal } from '../../platform/demo-random.ts';
import type { Deps } from '../../platform/deps.ts';
import { localParts, zonedTime } from '../../platform/time.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { demoVisitsBetween, recordDemoReplies } from '../appointments/demo.ts';
import type { DemoBinding } from '../binding/demo.ts';
import type { DemoMessageLog } from '../line/demo.ts';
import { recordDemoSms, type DemoSms } from '../sms/demo.ts';
import { reminderDemoRepository } from './demo.repository.ts';
import { PNP_REASON } from './pnp.ts';
import { pricesOf, savePrices } from './quota.ts';
import type { ReminderDeliveriesTable } from './tables.ts';

/** NT$ per SMS point and per LINE notification message (typical Taiwanese prices; 額度與費用 shows them). */
export const DEMO_PRICES = { smsPoint: 0.8, pnpMessage: 0.3 };

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

export type DemoReminderStats = { deliveries: number; line: number; pnp: number; sms: number; replies: number };

export async function seedDemoReminderHistory(
  deps: Deps,
  clinicId: string,
  o: {
    live: Date;
    today: Date;
    timeZone: string;
    bindings: DemoBinding[];
    mobiles: Map<string, string>;
    log: DemoMessageLog;
    rnd: () => number;
  },
): Promise<DemoReminderStats> {
  const { rnd, log } = o;
  const p = await pricesOf(deps, clinicId);
  if (p.smsPoint === null && p.pnpMessage === null)
    await savePrices(deps, clinicId, DEMO_PRICES, systemActor, '127.0.0.1');
  const userOf = new Map(o.bindings.map((b) => [b.patientId, b]));
  const visits = await demoVisitsBetween(deps, clinicId, o.live, o.today);
  const deliveries: ReminderDeliveriesTable[] = [];
  const sms: DemoSms[] = [];
  const replies: { id: string; replyStatus: string; at: string }[] = [];
  const stats: DemoReminderStats = { deliveries: 0, line: 0, pnp: 0, sms: 0, replies: 0 };
  const nowIso = deps.clock.now().toISOString();
  for (const v of visits) {
    const r = rnd(); // one draw per visit first, so each visit's fate does not shift with the others
    const start = Date.parse(v.startsAt);
    const due = new Date(start - 48 * 3_600_000);
    if (due < o.live || v.replyStatus !== 'not_sent') continue;
    const b = userOf.get(v.patientId);
    const mobile = o.mobiles.get(v.patientId) ?? null;
    const onLine = !!b && b.at <= due.toISOString();
    // Most HIS cancellations happen before the reminder; some patients cancel through it.
    const cancelledEarly = v.status === 'cancelled' && r < (onLine ? 0.55 : 0.75);
    if (cancelledEarly || (!onLine && !mobile)) continue;
    const channel = onLine ? 'line' : rnd() < 0.4 ? 'pnp' : 'sms';
    const sentAt = new Date(due.getTime() + Math.floor(rnd() * 90_000));
    const failed = channel === 'line' ? rnd() < 0.012 : channel === 'sms' ? rnd() < 0.025 : false;
    const local = localParts(new Date(start), o.timeZone);
    const when = `${local.date.slice(5).replace('-', '/')}（${WEEKDAYS[local.weekday]}）${local.time}`;
    const id = demoId(rnd);
    const base = {
      clinic_id: clinicId,
      appointment_id: v.id,
      appointment_version: v.version,
      visit_starts_at: v.startsAt,
      essential: 1,
      template_id: 'default',
      attempts: 1,
      next_attempt_at: null,
      locked_by: null,
      locked_until: null,
      line_request_id: null,
      requested_by: null,
      family_group_id: null,
      family_size: null,
      cancel_reason: null,
      created_at: new Date(
        start - 14 * 86_400_000 > o.live.getTime() ? start - 14 * 86_400_000 : o.live.getTime(),
      ).toISOString(),
    };
    const row: ReminderDeliveriesTable = {
      ...base,
      id,
      rule_id: 'before-48h',
      rule_name: '看診前 48 小時提醒',
      due_at: due.toISOString(),
      explanation: `看診時間 ${when} 的 48 小時前`,
      state: failed ? 'failed' : 'sent',
      channel,
      retry_key: id,
      last_error: failed
        ? channel === 'line'
          ? '病患已封鎖診所的 LINE 官方帳號'
          : '簡訊無法送達（空號或關機）'
        : null,
      line_user_id: channel === 'line' ? b!.lineUserId : null,
      sms_message_id: null,
      sent_at: failed ? null : sentAt.toISOString(),
      delivered_at: channel === 'pnp' ? new Date(sentAt.getTime() + 20_000).toISOString() : null,
      channel_reason: channel === 'pnp' ? PNP_REASON : channel === 'sms' ? '病患尚未綁定 LINE，改以簡訊傳送' : null,
      updated_at: sentAt.toISOString(),
    };
    deliveries.push(row);
    stats.deliveries++;
    const text = `【晴光牙醫診所】提醒您 ${when} 的看診。確認、改期或取消請點連結回覆：https://careline.tw/r/${id.slice(0, 8)}`;
    if (channel === 'line' && !failed)
      log.add({
        lineUserId: b!.lineUserId,
        direction: 'out',
        kind: 'flex',
        text: `看診提醒：${when}`,
        source: 'reminder',
        method: 'push',
        relatedType: 'appointment',
        relatedId: v.id,
        at: sentAt.toISOString(),
      });
    if (channel === 'pnp')
      log.add({
        lineUserId: '',
        direction: 'out',
        kind: 'flex',
        text: `看診提醒：${when}`,
        source: 'reminder',
        method: 'pnp',
        relatedType: 'appointment',
        relatedId: v.id,
        at: sentAt.toISOString(),
      });
    if (channel === 'sms') {
      const smsId = demoId(rnd);
      row.sms_message_id = smsId;
      sms.push({
        id: smsId,
        to: mobile!,
        text,
        purpose: 'reminder',
        relatedType: 'reminder_delivery',
        relatedId: id,
        at: sentAt.toISOString(),
        error: failed ? '空號或關機' : null,
      });
    }
    stats[channel]++;
    if (failed) continue;
    // The reply: on LINE most tap 確認 (fewer of those who then do not come); by SMS link fewer.
    const q = rnd();
    const confirmP = (channel === 'line' ? 0.85 : channel === 'pnp' ? 0.7 : 0.5) * (v.status === 'no_show' ? 0.35 : 1);
    const replyAt = new Date(
      Math.min(sentAt.getTime() + logNormal(rnd, 45, 1.1) * 60_000, start - 30 * 60_000, Date.parse(nowIso)),
    ).toISOString();
    const reply =
      v.status === 'cancelled'
        ? 'cancel_requested'
        : q < confirmP
          ? 'confirmed'
          : q < confirmP + 0.035
            ? 'reschedule_requested'
            : 'awaiting_reply';
    replies.push({ id: v.id, replyStatus: reply, at: reply === 'awaiting_reply' ? sentAt.toISOString() : replyAt });
    if (reply !== 'awaiting_reply') stats.replies++;
    if (channel === 'line' && reply !== 'awaiting_reply')
      log.add({
        lineUserId: b!.lineUserId,
        direction: 'in',
        kind: 'postback',
        text: reply === 'confirmed' ? '確認赴約' : reply === 'cancel_requested' ? '取消預約' : '我要改期',
        source: 'user',
        method: null,
        relatedType: 'appointment',
        relatedId: v.id,
        at: replyAt,
      });
    // The visit-day reminder at 08:00, for patients on LINE whose visit still stands.
    if (onLine && v.status !== 'cancelled' && reply !== 'cancel_requested' && reply !== 'reschedule_requested') {
      const morning = zonedTime(local.date, '08:00', o.timeZone);
      if (morning.getTime() < start - 30 * 60_000) {
        const id2 = demoId(rnd);
        const at2 = new Date(morning.getTime() + Math.floor(rnd() * 60_000)).toISOString();
        deliveries.push({
          ...base,
          id: id2,
          rule_id: 'visit-day',
          rule_name: '看診當天提醒',
          essential: 0,
          due_at: morning.toISOString(),
          explanation: `看診當天 08:00（看診時間 ${when}）`,
          state: 'sent',
          channel: 'line',
          retry_key: id2,
          last_error: null,
          line_user_id: b!.lineUserId,
          sms_message_id: null,
          sent_at: at2,
          delivered_at: null,
          channel_reason: null,
          updated_at: at2,
        });
        log.add({
          lineUserId: b!.lineUserId,
          direction: 'out',
          kind: 'flex',
          text: `今日看診提醒：${local.time}`,
          source: 'reminder',
          method: 'push',
          relatedType: 'appointment',
          relatedId: v.id,
          at: at2,
        });
        stats.deliveries++;
        stats.line++;
      }
    }
  }
  await recordDemoSms(deps, clinicId, sms);
  await writeTransaction(deps.db, deps.dialect, (trx) => reminderDemoRepository(trx).insert(deliveries));
  await recordDemoReplies(deps, clinicId, replies);
  return stats;
}
