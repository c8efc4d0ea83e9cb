// Recall: rules such as six-month cleaning (洗牙) after the last cleaning visit, a yearly
// check, or a chronic prescription refill (慢性處方箋領藥), a daily scan that puts due patients
// on the recall list and sends them a LINE message with a booking or call button (SMS when
// they are not bound), and outcome tracking for the front desk (booked, declined, no answer).
//
// Delivery goes through `deliverRecall` below, a small adapter over the pipeline the
// reminders use (LINE push job `line.push` with its retry key; SMS through `queueSms` with
// purpose 'recall'). Recall messages are non-essential: they count towards the month's LINE
// usage and stop at the clinic's non-essential cap (the one that pauses non-essential
// reminders); a patient over the cap stays on the list with a note, for a call instead.
import { Type } from 'typebox';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { enqueueJob, jobType, nextRunAt } from '../../platform/jobs.ts';
import { localDate } from '../../platform/tw.ts';
import { lastVisitsWithoutReturn } from '../appointments/for-patients.ts';
import { reachableLineUser } from '../binding/for-patients.ts';
import { queuePush } from '../line/push.ts';
import { clinicService } from '../clinics/service.ts';
import { lineService } from '../line/service.ts';
import { mergedAwayIds, patientById, patientsByIds, type Db } from '../patients/service.ts';
import { nonEssentialBudget } from '../reminders/quota.ts';
import { queueSms } from '../sms/service.ts';
import { recallRepository, type RuleRow } from './repository.ts';

/** The clinic's daily recall scan; with `repeat` it schedules the next day's (jobs.ts runs it). */
export const RECALL_SCAN = jobType({
  type: 'recall.scan',
  defaults: { priority: 'bulk' },
  payload: Type.Object({ clinicId: Type.String(), repeat: Type.Optional(Type.Boolean()) }),
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

// kind and button are stored as written by saveRule, from the schema's enums.
const toRule = (r: RuleRow) => ({
  id: r.id,
  name: r.name,
  kind: r.kind as RecallRuleInput['kind'],
  visitType: r.visit_type,
  intervalDays: r.interval_days,
  message: r.message,
  button: r.button as RecallRuleInput['button'],
  enabled: !!r.enabled,
});

export function recallService(deps: Deps) {
  const db = deps.db;
  const repo = recallRepository(db);
  return {
    async listRules(clinicId: string) {
      return { items: (await repo.rules(clinicId)).map(toRule) };
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
        if (!(await repo.updateRule(clinicId, id, cols))) throw errors.notFound('回診提醒規則');
      } else {
        id = newId();
        await repo.insertRule({ id, clinic_id: clinicId, created_at: now, ...cols });
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
      // A rule that already listed patients is kept (disabled) so the list still names it.
      const found = (await repo.ruleInUse(clinicId, id))
        ? await repo.updateRule(clinicId, id, { enabled: 0 })
        : await repo.deleteRule(clinicId, id);
      if (!found) throw errors.notFound('回診提醒規則');
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
      const rows = await repo.page(clinicId, {
        status: f.status,
        ruleId: f.ruleId,
        limit: f.pageSize,
        offset: (f.page - 1) * f.pageSize,
      });
      const patients = new Map(
        (
          await patientsByIds(
            db,
            clinicId,
            rows.map((r) => r.patient_id),
          )
        ).map((p) => [p.id, p]),
      );
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'recall.list',
        entityType: 'recall',
        detail: { status: f.status ?? null, shown: rows.length },
        ip,
      });
      return {
        items: rows.flatMap((r) => {
          const p = patients.get(r.patient_id);
          if (!p) return [];
          return [
            {
              id: r.id,
              patientId: r.patient_id,
              patientName: p.name,
              chartNo: p.chartNo,
              phoneMasked: p.phoneMasked,
              lineStatus: p.lineStatus,
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
            },
          ];
        }),
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
      const updated = await repo.update(clinicId, id, {
        status: outcome,
        outcome,
        outcome_at: now,
        outcome_by: actor.label,
        ...(note !== undefined ? { note } : {}),
        updated_at: now,
      });
      if (!updated) throw errors.notFound('回診提醒');
      const row = (await repo.get(clinicId, id))!;
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
    preview: (clinicId: string) => previewRecalls(deps, clinicId),
  };
}

/**
 * Patients a rule makes due now: their last visit of the rule's type is at least the interval
 * ago, they have not booked or come again since, they were not merged away, and they are not
 * on the list for that visit already.
 */
async function dueForRule(
  db: Db,
  clinicId: string,
  rule: Pick<RuleRow, 'id' | 'visit_type' | 'interval_days'>,
  now: Date,
): Promise<{ patient_id: string; last: string }[]> {
  const cutoff = new Date(now.getTime() - rule.interval_days * 86_400_000).toISOString();
  const candidates = await lastVisitsWithoutReturn(db, clinicId, rule.visit_type, cutoff);
  const merged = await mergedAwayIds(
    db,
    clinicId,
    candidates.map((d) => d.patient_id),
  );
  const repo = recallRepository(db);
  const out: { patient_id: string; last: string }[] = [];
  for (const d of candidates) {
    if (merged.has(d.patient_id)) continue;
    if (await repo.listed(clinicId, rule.id, d.patient_id, d.last)) continue;
    out.push(d);
  }
  return out;
}

/**
 * How many patients each enabled rule would put on the list if the scan ran now, and when the
 * next automatic scan runs.
 */
export async function previewRecalls(
  deps: Deps,
  clinicId: string,
): Promise<{ rules: { ruleId: string; name: string; due: number }[]; total: number; nextScanAt: string | null }> {
  const now = deps.clock.now();
  const out = [];
  for (const r of await recallRepository(deps.db).rules(clinicId, true))
    out.push({ ruleId: r.id, name: r.name, due: (await dueForRule(deps.db, clinicId, r, now)).length });
  return {
    rules: out,
    total: out.reduce((n, r) => n + r.due, 0),
    nextScanAt: await nextRunAt(deps.db, clinicId, RECALL_SCAN.type),
  };
}

/** Puts due patients on the recall list and sends them the rule's message. */
export async function scanRecalls(
  deps: Deps,
  clinicId: string,
): Promise<{ created: number; sent: number; failed: number }> {
  const db = deps.db;
  const repo = recallRepository(db);
  const clinic = await clinicService(deps).get(clinicId);
  const now = deps.clock.now();
  const today = localDate(now, clinic.timeZone);
  const rules = await repo.rules(clinicId, true);
  let created = 0,
    sent = 0,
    failed = 0;
  let lineBudget = rules.length ? await nonEssentialBudget(deps, clinicId) : null;
  const liffId = rules.length ? ((await lineService(deps).getChannel(clinicId))?.liffId ?? '') : '';
  for (const rule of rules) {
    for (const d of await dueForRule(db, clinicId, rule, now)) {
      const id = newId();
      const dueDate = localDate(new Date(Date.parse(d.last) + rule.interval_days * 86_400_000), clinic.timeZone);
      const inserted = await repo.insertOnce({
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
      });
      if (!inserted) continue;
      created++;
      try {
        // The message and the recall's status in one transaction: a push that LINE refuses
        // (recallNotDelivered) always finds the recall already marked sent.
        const channel = await db.transaction().execute(async (trx) => {
          const result = await deliverRecall(trx, deps, clinicId, id, rule, clinic, {
            lineAllowed: lineBudget === null || lineBudget > 0,
            liffId,
          });
          const via = result === 'line' || result === 'sms' ? result : null;
          const note = via
            ? ''
            : result === 'over_cap'
              ? '已達本月 LINE 非必要訊息上限，未傳送；請以電話聯絡'
              : '無 LINE 綁定也無手機號碼，請以電話聯絡';
          await recallRepository(trx).update(clinicId, id, {
            status: via ? 'sent' : 'due',
            channel: via,
            sent_at: via ? now.toISOString() : null,
            note,
            updated_at: now.toISOString(),
          });
          return via;
        });
        if (channel === 'line' && lineBudget !== null) lineBudget--;
        if (channel) sent++;
      } catch (err) {
        failed++;
        await repo.update(clinicId, id, { note: `傳送失敗：${(err as Error).message}`, updated_at: now.toISOString() });
      }
    }
  }
  return { created, sent, failed };
}

/**
 * A recall's LINE message that will not arrive (LINE refused it, or its last attempt failed):
 * the recall goes back on the list to be called, with the reason. One with an outcome already
 * (booked, called, skipped) stays as it is.
 */
export async function recallNotDelivered(deps: Deps, clinicId: string, recallId: string, reason: string) {
  const repo = recallRepository(deps.db);
  const r = await repo.get(clinicId, recallId);
  if (!r || r.status !== 'sent' || r.channel !== 'line' || r.outcome !== null) return;
  await repo.update(clinicId, recallId, {
    status: 'due',
    channel: null,
    sent_at: null,
    note: `LINE 訊息未送達（${reason}）；請以電話聯絡`,
    updated_at: deps.clock.now().toISOString(),
  });
}

/** Adapter over the reminder delivery pipeline: LINE push when bound, else SMS to a mobile. */
export async function deliverRecall(
  trx: Db,
  deps: Deps,
  clinicId: string,
  recallId: string,
  rule: { message: string; button: string; name: string },
  clinic: { name: string; phone: string },
  opts: { lineAllowed: boolean; liffId: string },
): Promise<'line' | 'sms' | 'over_cap' | null> {
  const recall = await recallRepository(trx).get(clinicId, recallId);
  const p = recall && (await patientById(trx, clinicId, recall.patient_id));
  if (!p) throw errors.notFound('病患');
  const text = rule.message.replaceAll('{name}', p.name).replaceAll('{clinicName}', clinic.name);
  const lineUserId = await reachableLineUser(trx, clinicId, p.id);
  if (lineUserId) {
    if (!opts.lineAllowed) return 'over_cap';
    const action =
      rule.button === 'call' || !opts.liffId
        ? { type: 'uri' as const, label: '打電話到診所', uri: `tel:${clinic.phone.replace(/[^\d+]/g, '')}` }
        : {
            type: 'uri' as const,
            label: '線上預約',
            uri: `https://liff.line.me/${opts.liffId}/book?recall=${recallId}`,
          };
    await queuePush(trx, deps, clinicId, {
      to: lineUserId,
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
  if (p.phoneE164 && p.phoneIsMobile) {
    await queueSms(trx, deps, {
      clinicId,
      to: p.phoneE164,
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
    RECALL_SCAN,
    { clinicId, repeat: true },
    { clinicId, runAt: next, idempotencyKey: `recall:${clinicId}:${next.toISOString().slice(0, 10)}` },
  );
}

// ---- For the patients module's merge (`db` is its transaction) ----

/** Takes a merged-away patient's open recalls off the list (status skipped); returns their ids. */
export async function skipOpenRecalls(db: Db, clinicId: string, patientId: string, note: string, nowIso: string) {
  const repo = recallRepository(db);
  const ids = await repo.openOfPatient(clinicId, patientId);
  if (ids.length) await repo.setStatus(clinicId, ids, 'skipped', note, nowIso);
  return ids;
}

/** Puts recalls skipped by skipOpenRecalls back on the list (undo of a merge). */
export async function reopenRecalls(db: Db, clinicId: string, ids: string[], nowIso: string) {
  if (ids.length) await recallRepository(db).setStatus(clinicId, ids, 'due', '', nowIso, 'skipped');
}

// ---- For online booking (`db` is the caller's transaction) ----

/** The patient a recall was sent about, or null for an unknown id (a booking from its link). */
export async function recallPatientOf(db: Db, clinicId: string, recallId: string): Promise<string | null> {
  return (await recallRepository(db).get(clinicId, recallId))?.patient_id ?? null;
}

/**
 * A booking made from the recall's 「線上預約」 became an appointment: the recall is 已預約,
 * unless the front desk already recorded an outcome.
 */
export async function markRecallBooked(db: Db, clinicId: string, recallId: string, by: string, nowIso: string) {
  const r = await recallRepository(db).get(clinicId, recallId);
  if (!r || r.outcome) return;
  await recallRepository(db).update(clinicId, recallId, {
    status: 'booked',
    outcome: 'booked',
    outcome_at: nowIso,
    outcome_by: by,
    updated_at: nowIso,
  });
}
