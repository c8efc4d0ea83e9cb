// Recall (H2): rules such as six-month cleaning (洗牙) after the last cleaning visit, a yearly
// check, or a chronic prescription refill (慢性處方箋領藥), a daily scan that puts due patients
// on the recall list and sends them a LINE message with a booking or call button (SMS when
// they are not bound), and outcome tracking for the front desk (booked, declined, no answer).
//
// Delivery goes through `deliverRecall` below, a small adapter over the pipeline the
// reminders use (LINE push job `line.push` with its retry key; SMS through `queueSms` with
// purpose 'recall'). Recall messages are non-essential: they count towards the month's LINE
// usage and stop at the clinic's non-essential cap (the one that pauses non-essential
// reminders); a patient over the cap stays on the list with a note, for a call instead.
import { sql, type Kysely, type Transaction } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { defineJob, enqueueJob, nextRunAt, type Job } from '../../platform/jobs.ts';
import { localDate } from '../../platform/tw.ts';
import { queuePush } from '../line/push.ts';
import { queueSms } from '../sms/service.ts';
import { nonEssentialBudget } from '../reminders/quota.ts';
import { maskPhone } from './search.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The clinic's daily recall scan; with `repeat` it schedules the next day's. */
export const RECALL_SCAN_JOB = defineJob({
  type: 'recall.scan',
  payload: Type.Object({ clinicId: Type.String(), repeat: Type.Optional(Type.Boolean()) }),
  handler: recallScanJob,
});
export const RECALL_OUTCOMES = ['booked', 'declined', 'no_answer'] as const;
export const RECALL_STATUS_LABELS: Record<string, string> = {
  due: '待通知',
  sent: '已通知',
  booked: '已預約',
  declined: '婉拒',
  no_answer: '未接聽',
  skipped: '略過',
};

export type RecallRuleInput = {
  name: string;
  kind: 'after_visit' | 'yearly' | 'chronic_refill';
  visitType?: string | null;
  intervalDays: number;
  message: string;
  button: 'booking' | 'call';
  enabled?: boolean;
};

export const DEFAULT_RECALL_RULES: RecallRuleInput[] = [
  {
    name: '半年洗牙',
    kind: 'after_visit',
    visitType: '洗牙',
    intervalDays: 182,
    message: '{name} 您好，距離上次洗牙已約半年，建議您回診洗牙檢查。',
    button: 'booking',
  },
  {
    name: '年度健康檢查',
    kind: 'yearly',
    visitType: '健檢',
    intervalDays: 365,
    message: '{name} 您好，您的年度健康檢查時間到了，歡迎預約。',
    button: 'booking',
  },
  {
    name: '慢性處方箋領藥',
    kind: 'chronic_refill',
    visitType: '慢性處方',
    intervalDays: 20,
    message: '{name} 您好，您的慢性處方箋可以領下一次藥了（可於用藥期滿前 10 日內領取），請攜帶健保卡與處方箋。',
    button: 'call',
  },
];

export function recallService(deps: Deps) {
  const db = deps.db;
  return {
    async listRules(clinicId: string) {
      const rows = await db
        .selectFrom('recall_rules')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('created_at')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          name: r.name,
          kind: r.kind,
          visitType: r.visit_type,
          intervalDays: r.interval_days,
          message: r.message,
          button: r.button,
          enabled: !!r.enabled,
        })),
      };
    },
    async saveRule(clinicId: string, id: string | null, input: RecallRuleInput, actor: Actor, ip: string) {
      const now = deps.clock.now().toISOString();
      const cols = {
        name: input.name.trim(),
        kind: input.kind,
        visit_type: input.visitType?.trim() || null,
        interval_days: input.intervalDays,
        message: input.message,
        button: input.button,
        enabled: input.enabled === false ? 0 : 1,
        updated_at: now,
      };
      if (id) {
        const r = await db
          .updateTable('recall_rules')
          .set(cols)
          .where('clinic_id', '=', clinicId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!Number(r.numUpdatedRows)) throw errors.notFound('回診提醒規則');
      } else {
        id = newId();
        await db
          .insertInto('recall_rules')
          .values({ id, clinic_id: clinicId, created_at: now, ...cols })
          .execute();
      }
      await scheduleRecallScans(deps, clinicId);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'recall_rule.saved',
        entityType: 'recall_rule',
        entityId: id,
        detail: { name: input.name },
        ip,
      });
      return (await this.listRules(clinicId)).items.find((x) => x.id === id)!;
    },
    async removeRule(clinicId: string, id: string, actor: Actor, ip: string) {
      const used = await db
        .selectFrom('recalls')
        .select('id')
        .where('clinic_id', '=', clinicId)
        .where('rule_id', '=', id)
        .executeTakeFirst();
      const r = used
        ? await db
            .updateTable('recall_rules')
            .set({ enabled: 0 })
            .where('clinic_id', '=', clinicId)
            .where('id', '=', id)
            .executeTakeFirst()
        : await db.deleteFrom('recall_rules').where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst();
      if (!Number('numUpdatedRows' in r ? r.numUpdatedRows : r.numDeletedRows)) throw errors.notFound('回診提醒規則');
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'recall_rule.deleted',
        entityType: 'recall_rule',
        entityId: id,
        ip,
      });
    },
    async list(
      clinicId: string,
      f: { status?: string; ruleId?: string; page: number; pageSize: number },
      actor: Actor,
      ip: string,
    ) {
      let q = db
        .selectFrom('recalls as r')
        .innerJoin('patients as p', 'p.id', 'r.patient_id')
        .innerJoin('recall_rules as rr', 'rr.id', 'r.rule_id')
        .select([
          'r.id',
          'r.patient_id',
          'r.due_date',
          'r.status',
          'r.channel',
          'r.sent_at',
          'r.outcome',
          'r.outcome_at',
          'r.outcome_by',
          'r.note',
          'r.basis_visit_at',
          'p.name',
          'p.chart_no',
          'p.phone_e164',
          'p.line_status',
          'rr.name as rule_name',
        ])
        .where('r.clinic_id', '=', clinicId);
      if (f.status) q = q.where('r.status', '=', f.status);
      if (f.ruleId) q = q.where('r.rule_id', '=', f.ruleId);
      const rows = await q
        .orderBy('r.due_date', 'desc')
        .orderBy('r.id')
        .limit(f.pageSize)
        .offset((f.page - 1) * f.pageSize)
        .execute();
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'recall.list',
        entityType: 'recall',
        detail: { status: f.status ?? null, shown: rows.length },
        ip,
      });
      return {
        items: rows.map((r) => ({
          id: r.id,
          patientId: r.patient_id,
          patientName: r.name,
          chartNo: r.chart_no,
          phoneMasked: maskPhone(r.phone_e164),
          lineStatus: r.line_status,
          ruleName: r.rule_name,
          basisVisitAt: r.basis_visit_at,
          dueDate: r.due_date,
          status: r.status,
          statusLabel: RECALL_STATUS_LABELS[r.status] ?? r.status,
          channel: r.channel,
          sentAt: r.sent_at,
          outcome: r.outcome,
          outcomeAt: r.outcome_at,
          outcomeBy: r.outcome_by,
          note: r.note,
        })),
      };
    },
    async setOutcome(
      clinicId: string,
      id: string,
      outcome: (typeof RECALL_OUTCOMES)[number],
      note: string | undefined,
      actor: Actor,
      ip: string,
    ) {
      const now = deps.clock.now().toISOString();
      const r = await db
        .updateTable('recalls')
        .set({
          status: outcome,
          outcome,
          outcome_at: now,
          outcome_by: actor.label,
          ...(note !== undefined ? { note } : {}),
          updated_at: now,
        })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!Number(r.numUpdatedRows)) throw errors.notFound('回診提醒');
      const row = await db.selectFrom('recalls').select('patient_id').where('id', '=', id).executeTakeFirstOrThrow();
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'recall.outcome',
        entityType: 'patient',
        entityId: row.patient_id,
        detail: { recallId: id, outcome },
        ip,
      });
      return { ok: true };
    },
    async runNow(clinicId: string, actor: Actor, ip: string) {
      const r = await scanRecalls(deps, clinicId);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'recall.scan',
        entityType: 'recall',
        detail: r,
        ip,
      });
      return r;
    },
  };
}

type RuleRow = { id: string; visit_type: string | null; interval_days: number };

/**
 * Patients a rule makes due now: their last visit of the rule's type is at least the interval
 * ago, they have not booked or come again since, they were not merged away, and they are not
 * on the list for that visit already.
 */
async function dueForRule(
  db: Db,
  clinicId: string,
  rule: RuleRow,
  now: Date,
): Promise<{ patient_id: string; last: string }[]> {
  const cutoff = new Date(now.getTime() - rule.interval_days * 86_400_000).toISOString();
  let q = db
    .selectFrom('appointments')
    .select(['patient_id', sql<string>`max(starts_at)`.as('last')])
    .where('clinic_id', '=', clinicId)
    .where('status', 'in', ['completed', 'checked_in']);
  if (rule.visit_type) q = q.where('visit_type', '=', rule.visit_type);
  const out: { patient_id: string; last: string }[] = [];
  for (const d of await q
    .groupBy('patient_id')
    .having(sql`max(starts_at)`, '<=', cutoff)
    .execute()) {
    const upcoming = await db
      .selectFrom('appointments')
      .select('id')
      .where('clinic_id', '=', clinicId)
      .where('patient_id', '=', d.patient_id)
      .where('starts_at', '>', d.last)
      .where('status', 'in', ['booked', 'checked_in', 'completed'])
      .executeTakeFirst();
    if (upcoming) continue;
    const prof = await db
      .selectFrom('patient_profiles')
      .select('merged_into')
      .where('clinic_id', '=', clinicId)
      .where('patient_id', '=', d.patient_id)
      .executeTakeFirst();
    if (prof?.merged_into) continue;
    const listed = await db
      .selectFrom('recalls')
      .select('id')
      .where('clinic_id', '=', clinicId)
      .where('rule_id', '=', rule.id)
      .where('patient_id', '=', d.patient_id)
      .where('basis_visit_at', '=', d.last)
      .executeTakeFirst();
    if (listed) continue;
    out.push(d);
  }
  return out;
}

/** How many patients each enabled rule would put on the list if the scan ran now, and when the next automatic scan runs. */
export async function previewRecalls(
  deps: Deps,
  clinicId: string,
): Promise<{ rules: { ruleId: string; name: string; due: number }[]; total: number; nextScanAt: string | null }> {
  const db = deps.db;
  const now = deps.clock.now();
  const rules = await db
    .selectFrom('recall_rules')
    .select(['id', 'name', 'visit_type', 'interval_days'])
    .where('clinic_id', '=', clinicId)
    .where('enabled', '=', 1)
    .orderBy('created_at')
    .execute();
  const out = [];
  for (const r of rules) out.push({ ruleId: r.id, name: r.name, due: (await dueForRule(db, clinicId, r, now)).length });
  return {
    rules: out,
    total: out.reduce((n, r) => n + r.due, 0),
    nextScanAt: await nextRunAt(db, clinicId, RECALL_SCAN_JOB.type),
  };
}

/** Puts due patients on the recall list and sends them the rule's message. */
export async function scanRecalls(
  deps: Deps,
  clinicId: string,
): Promise<{ created: number; sent: number; failed: number }> {
  const db = deps.db;
  const clinic = await db
    .selectFrom('clinics')
    .select(['time_zone', 'name', 'phone'])
    .where('id', '=', clinicId)
    .executeTakeFirstOrThrow();
  const now = deps.clock.now();
  const today = localDate(now, clinic.time_zone);
  const rules = await db
    .selectFrom('recall_rules')
    .selectAll()
    .where('clinic_id', '=', clinicId)
    .where('enabled', '=', 1)
    .execute();
  let created = 0,
    sent = 0,
    failed = 0;
  let lineBudget = rules.length ? await nonEssentialBudget(deps, clinicId) : null;
  for (const rule of rules) {
    for (const d of await dueForRule(db, clinicId, rule, now)) {
      const id = newId();
      const dueDate = localDate(new Date(Date.parse(d.last) + rule.interval_days * 86_400_000), clinic.time_zone);
      const ins = await db
        .insertInto('recalls')
        .values({
          id,
          clinic_id: clinicId,
          rule_id: rule.id,
          patient_id: d.patient_id,
          basis_visit_at: d.last,
          due_date: dueDate <= today ? dueDate : today,
          status: 'due',
          channel: null,
          sent_at: null,
          outcome: null,
          outcome_at: null,
          outcome_by: null,
          note: '',
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        })
        .onConflict((oc) => oc.columns(['clinic_id', 'rule_id', 'patient_id', 'basis_visit_at']).doNothing())
        .executeTakeFirst();
      if (!Number(ins.numInsertedOrUpdatedRows ?? 0)) continue;
      created++;
      try {
        const result = await db.transaction().execute((trx) =>
          deliverRecall(trx, deps, clinicId, id, rule, clinic, {
            lineAllowed: lineBudget === null || lineBudget > 0,
          }),
        );
        const channel = result === 'line' || result === 'sms' ? result : null;
        if (channel === 'line' && lineBudget !== null) lineBudget--;
        const note = channel
          ? ''
          : result === 'over_cap'
            ? '已達本月 LINE 非必要訊息上限，未傳送；請以電話聯絡'
            : '無 LINE 綁定也無手機號碼，請以電話聯絡';
        await db
          .updateTable('recalls')
          .set({
            status: channel ? 'sent' : 'due',
            channel,
            sent_at: channel ? now.toISOString() : null,
            note,
            updated_at: now.toISOString(),
          })
          .where('id', '=', id)
          .execute();
        if (channel) sent++;
      } catch (err) {
        failed++;
        await db
          .updateTable('recalls')
          .set({ note: `傳送失敗：${(err as Error).message}`, updated_at: now.toISOString() })
          .where('id', '=', id)
          .execute();
      }
    }
  }
  return { created, sent, failed };
}

/** Adapter over the reminder delivery pipeline: LINE push when bound, else SMS to a mobile. */
export async function deliverRecall(
  trx: Db,
  deps: Deps,
  clinicId: string,
  recallId: string,
  rule: { message: string; button: string; name: string },
  clinic: { name: string; phone: string },
  opts: { lineAllowed: boolean },
): Promise<'line' | 'sms' | 'over_cap' | null> {
  const r = await trx
    .selectFrom('recalls as r')
    .innerJoin('patients as p', 'p.id', 'r.patient_id')
    .select(['p.id', 'p.name', 'p.phone_e164', 'p.phone_is_mobile'])
    .where('r.id', '=', recallId)
    .executeTakeFirstOrThrow();
  const text = rule.message.replaceAll('{name}', r.name).replaceAll('{clinicName}', clinic.name);
  const binding = await trx
    .selectFrom('line_bindings as b')
    .innerJoin('line_friends as f', (j) =>
      j.onRef('f.clinic_id', '=', 'b.clinic_id').onRef('f.line_user_id', '=', 'b.line_user_id'),
    )
    .select('b.line_user_id')
    .where('b.clinic_id', '=', clinicId)
    .where('b.patient_id', '=', r.id)
    .where('f.state', '=', 'friend')
    .executeTakeFirst();
  if (binding) {
    if (!opts.lineAllowed) return 'over_cap';
    const ch = await trx
      .selectFrom('line_channels')
      .select('liff_id')
      .where('clinic_id', '=', clinicId)
      .executeTakeFirst();
    const action =
      rule.button === 'call' || !ch?.liff_id
        ? { type: 'uri' as const, label: '打電話到診所', uri: `tel:${clinic.phone.replace(/[^\d+]/g, '')}` }
        : { type: 'uri' as const, label: '線上預約', uri: `https://liff.line.me/${ch.liff_id}` };
    await queuePush(trx, deps, clinicId, {
      to: binding.line_user_id,
      source: 'recall',
      relatedType: 'recall',
      relatedId: recallId,
      messages: [
        {
          type: 'template',
          altText: text.slice(0, 400),
          template: { type: 'buttons', title: rule.name.slice(0, 40), text: text.slice(0, 160), actions: [action] },
        },
      ],
    });
    return 'line';
  }
  if (r.phone_e164 && r.phone_is_mobile) {
    await queueSms(trx, deps, {
      clinicId,
      to: r.phone_e164,
      text: `${text} ${clinic.name} ${clinic.phone}`.trim(),
      purpose: 'recall',
      relatedType: 'recall',
      relatedId: recallId,
    });
    return 'sms';
  }
  return null;
}

/** Starts the clinic's daily scan (idempotent: one job per clinic and day). */
export async function scheduleRecallScans(deps: Deps, clinicId: string): Promise<void> {
  const next = new Date(deps.clock.now().getTime() + 86_400_000);
  await enqueueJob(
    deps.db,
    deps.clock,
    RECALL_SCAN_JOB,
    { clinicId, repeat: true },
    { clinicId, runAt: next, idempotencyKey: `recall:${clinicId}:${next.toISOString().slice(0, 10)}` },
  );
}

/** Daily job per clinic; it schedules the next day's run. */
async function recallScanJob(job: Job<{ clinicId: string; repeat?: boolean }>, deps: Deps): Promise<void> {
  const clinicId = job.payload.clinicId;
  await scanRecalls(deps, clinicId);
  if (job.payload.repeat) {
    const next = new Date(deps.clock.now().getTime() + 86_400_000);
    await enqueueJob(
      deps.db,
      deps.clock,
      RECALL_SCAN_JOB,
      { clinicId, repeat: true },
      { clinicId, runAt: next, idempotencyKey: `recall:${clinicId}:${next.toISOString().slice(0, 10)}` },
    );
  }
}
