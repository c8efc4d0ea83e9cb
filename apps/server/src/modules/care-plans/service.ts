// Care plans (照護計畫): plans of timed steps sent to a patient after a visit (a completed visit
// of a visit type or with a treatment code, a tag added, or staff enrolling the patient), each a
// message with an optional check-in whose answers route: fine → nothing more (the next step
// follows as planned), worrying → a follow-up task (normal), "please call me" → a high-priority
// task. 「不用再傳」 is always offered and stops the plan.
//
// Every step of an enrolment is a care_sends row written when the patient is enrolled, with its
// due time (the clinic's zone; quiet hours via reminders/send-window.ts; the work calendar does
// not apply to after-care) and its push retry key, and one `care.send` job at that time. The job
// moves the row planned → sent and queues the push with the row's retry key in one transaction,
// so a retried job sends nothing twice. A step whose time passed before the patient was enrolled
// is sent at once while its day lasts, otherwise skipped (model.ts catchUp).
//
// Care messages are LINE only (no SMS: the check-in needs quick replies, and after-care by text
// message would cost per segment for little): a patient without LINE is skipped with a reason;
// one who blocked or unfollowed the account ends the enrolment when a step is due. They are
// essential messages: they count in the month's LINE usage but do not stop at the non-essential
// cap (stopping after-care halfway is worse than a few pushes).
//
// A plan's steps are copied into each enrolment: editing a plan changes new enrolments only.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, systemActor, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { defineJob, enqueueJobs, wakeWorkers, type Job } from '../../platform/jobs.ts';
import { bindingsOfPatients } from '../binding/for-patients.ts';
import { articleMessage, articlesByIds } from '../care-library/service.ts';
import { clinicService } from '../clinics/service.ts';
import { inboxService } from '../line/inbox.service.ts';
import { queuePush } from '../line/push.ts';
import { assertPatientsExist, patientById, patientsByIds } from '../patients/service.ts';
import { sendableAt, sendWindowOf } from '../reminders/send-window.ts';
import { tagService } from '../tags/service.ts';
import {
  catchUp,
  checkPlan,
  END_REASON_LABELS,
  ENROLMENT_STATUS_LABELS,
  ordered,
  SEND_STATUS_LABELS,
  stepMessages,
  stepTime,
  whenText,
  type PlanStep,
  type PlanTrigger,
} from './model.ts';
import { carePlanRepository, type EnrolmentRow, type PlanRow } from './repository.ts';
import { SHIPPED_PLANS } from './shipped.ts';

/** LINE's preview image limit: a step's image is its own preview. */
export const MAX_STEP_IMAGE_BYTES = 1024 * 1024;

export type PlanInput = { name: string; enabled?: boolean; trigger: PlanTrigger; steps: PlanStep[] };

export const CARE_SEND_JOB = defineJob({
  type: 'care.send',
  payload: Type.Object({ sendId: Type.String() }),
  handler: sendJob,
});

const audit = (deps: Deps, clinicId: string, actor: Actor, action: string, id: string, detail = {}, ip = '') =>
  recordAudit(deps.db, deps.clock, { clinicId, actor, action, entityType: 'care_plan', entityId: id, detail, ip });

function toPlan(r: PlanRow, enrolled: number) {
  return {
    id: r.id,
    shippedKey: r.shipped_key,
    name: r.name,
    enabled: !!r.enabled,
    trigger: JSON.parse(r.trigger) as PlanTrigger,
    steps: JSON.parse(r.steps) as PlanStep[],
    enrolled,
    version: r.version,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

/** Copies the shipped plans (disabled) into a clinic once. */
export async function ensureShippedPlans(deps: Deps, clinicId: string): Promise<void> {
  const repo = carePlanRepository(deps.db);
  if (await repo.hasShipped(clinicId)) return;
  const at = deps.clock.now().toISOString();
  await repo.insertPlans(
    SHIPPED_PLANS.map((p) => ({
      id: newId(),
      clinic_id: clinicId,
      shipped_key: p.key,
      name: p.name,
      enabled: 0,
      archived: 0,
      trigger: JSON.stringify(p.trigger),
      steps: JSON.stringify(p.steps),
      version: 1,
      created_at: at,
      updated_at: at,
      updated_by: 'system',
    })),
  );
}

/** Normalises and checks a plan; images must be this clinic's uploads within LINE's preview size. */
async function cleanPlan(deps: Deps, clinicId: string, input: PlanInput) {
  const trigger: PlanTrigger =
    input.trigger.kind === 'visit'
      ? {
          kind: 'visit',
          visitTypes: [...new Set(input.trigger.visitTypes.map((s) => s.trim()).filter(Boolean))],
          treatmentCodes: [...new Set(input.trigger.treatmentCodes.map((s) => s.trim()).filter(Boolean))],
        }
      : input.trigger;
  const steps = input.steps.map((s) => ({
    ...s,
    text: s.text.trim(),
    checkIn: s.checkIn
      ? {
          question: s.checkIn.question.trim(),
          options: s.checkIn.options.map((o) => ({ label: o.label.trim(), route: o.route })),
        }
      : null,
  }));
  checkPlan({ name: input.name, trigger, steps });
  const inbox = inboxService(deps);
  for (const [i, s] of steps.entries()) {
    if (s.articleId) {
      const [a] = await articlesByIds(deps, clinicId, [s.articleId]);
      if (!a)
        throw errors.validation([
          { field: `steps/${i}/articleId`, code: 'unknown', message: `第 ${i + 1} 步的衛教文章不存在，請重新選擇` },
        ]);
      if (a.status !== 'published')
        throw errors.validation([
          {
            field: `steps/${i}/articleId`,
            code: 'unpublished',
            message: `第 ${i + 1} 步的衛教文章「${a.title}」尚未發布，請先在衛教文章頁發布`,
          },
        ]);
    }
    if (!s.imageId) continue;
    const img = await inbox.media(s.imageId);
    if (!img || img.clinic_id !== clinicId)
      throw errors.validation([
        { field: `steps/${i}/imageId`, code: 'unknown', message: `找不到第 ${i + 1} 步的圖片，請重新上傳` },
      ]);
    if (Number(img.size) > MAX_STEP_IMAGE_BYTES)
      throw new AppError('IMAGE_TOO_LARGE', 422, `第 ${i + 1} 步的圖片超過 1 MB（LINE 預覽圖的上限），請縮小後再上傳`, [
        { field: `steps/${i}/imageId`, code: 'too_large', message: '圖片超過 1 MB' },
      ]);
  }
  if (trigger.kind === 'tag') {
    const tags = (await tagService(deps).list(clinicId)).items;
    if (!tags.some((t) => t.id === trigger.tagId))
      throw errors.validation([{ field: 'trigger/tagId', code: 'unknown', message: '找不到這個標籤，請重新選擇' }]);
  }
  return { name: input.name.trim(), trigger, steps: ordered(steps) };
}

type EnrolInput = {
  patientId: string;
  appointmentId: string | null;
  source: 'visit' | 'tag' | 'staff';
  anchorAt: Date;
  key: string;
  actor: Actor;
};

/**
 * Enrols a patient in a plan: the enrolment, one care_sends row per step and a `care.send` job
 * for each planned one, in one transaction. Once per key; returns the enrolment id or null.
 */
export async function enrol(deps: Deps, clinicId: string, plan: PlanRow, e: EnrolInput): Promise<string | null> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const window = await sendWindowOf(deps, clinicId);
  const steps = ordered(JSON.parse(plan.steps) as PlanStep[]);
  const id = newId();
  const sends = steps.map((s, i) => {
    const when = catchUp(stepTime(s.when, e.anchorAt, window.timeZone), now, window.timeZone);
    return {
      id: newId(),
      clinic_id: clinicId,
      enrolment_id: id,
      patient_id: e.patientId,
      step_index: i,
      due_at: (when ? sendableAt(window, when) : stepTime(s.when, e.anchorAt, window.timeZone)).toISOString(),
      status: when ? 'planned' : 'skipped',
      reason: when ? null : '加入計畫時這一步的日子已過，不補發',
      retry_key: randomUUID(),
      line_user_id: null,
      sent_at: null,
      answer: null,
      answer_route: null,
      answered_at: null,
      follow_up_id: null,
      created_at: at,
      updated_at: at,
    };
  });
  const planned = sends.filter((s) => s.status === 'planned');
  const inserted = await deps.db.transaction().execute(async (trx) => {
    const repo = carePlanRepository(trx);
    const ok = await repo.insertEnrolment({
      id,
      clinic_id: clinicId,
      plan_id: plan.id,
      plan_name: plan.name,
      steps: JSON.stringify(steps),
      patient_id: e.patientId,
      appointment_id: e.appointmentId,
      source: e.source,
      anchor_at: e.anchorAt.toISOString(),
      status: planned.length ? 'active' : 'done',
      end_reason: null,
      ended_at: planned.length ? null : at,
      ended_by: null,
      idempotency_key: e.key,
      created_by: e.actor.label,
      created_at: at,
      updated_at: at,
    });
    if (!ok) return false;
    await repo.insertSends(sends);
    await enqueueJobs(
      trx,
      deps.clock,
      CARE_SEND_JOB,
      planned.map((s) => ({
        payload: { sendId: s.id },
        opts: { clinicId, runAt: new Date(s.due_at), idempotencyKey: `care.send:${s.id}` },
      })),
    );
    await recordAudit(trx as unknown as Kysely<DB>, deps.clock, {
      clinicId,
      actor: e.actor,
      action: 'care.enrolled',
      entityType: 'patient',
      entityId: e.patientId,
      detail: {
        planId: plan.id,
        enrolmentId: id,
        source: e.source,
        appointmentId: e.appointmentId,
        steps: planned.length,
      },
    });
    return true;
  });
  if (!inserted) return null;
  wakeWorkers();
  return id;
}

/** Ends an active enrolment and cancels its planned steps; false when it was not active. */
export async function endEnrolment(
  deps: Deps,
  clinicId: string,
  en: Pick<EnrolmentRow, 'id' | 'patient_id' | 'plan_id'>,
  reason: keyof typeof END_REASON_LABELS,
  actor: Actor,
  ip = '',
): Promise<boolean> {
  const at = deps.clock.now().toISOString();
  const ended = await deps.db.transaction().execute(async (trx) => {
    const repo = carePlanRepository(trx);
    if (!(await repo.end(clinicId, en.id, reason, actor.label, at))) return false;
    await repo.cancelPlanned(clinicId, en.id, END_REASON_LABELS[reason], at);
    return true;
  });
  if (ended)
    await recordAudit(deps.db, deps.clock, {
      clinicId,
      actor,
      action: 'care.enrolment_ended',
      entityType: 'patient',
      entityId: en.patient_id,
      detail: { planId: en.plan_id, enrolmentId: en.id, reason },
      ip,
    });
  return ended;
}

/**
 * Ends the patient's other active enrolments in this plan (a new trigger restarts the plan); the
 * one of this same trigger (a retried job) stays.
 */
async function restart(deps: Deps, clinicId: string, plan: PlanRow, patientId: string, key: string) {
  for (const en of await carePlanRepository(deps.db).activeOf(clinicId, { planId: plan.id, patientId }))
    if (en.idempotency_key !== key) await endEnrolment(deps, clinicId, en, 'new_visit', systemActor);
}

// ---- Sending ----

async function sendJob(job: Job<{ sendId: string }>, deps: Deps): Promise<void> {
  if (!job.clinicId) return;
  await sendStep(deps, job.clinicId, job.payload.sendId);
}

/** Sends one planned step (see the header); returns what became of it. */
export async function sendStep(deps: Deps, clinicId: string, sendId: string): Promise<string> {
  const repo = carePlanRepository(deps.db);
  const row = await repo.send(clinicId, sendId);
  if (!row || row.status !== 'planned') return row?.status ?? 'missing';
  const at = deps.clock.now().toISOString();
  const en = await repo.enrolment(clinicId, row.enrolment_id);
  if (!en || en.status !== 'active') {
    await repo.finish(clinicId, sendId, { status: 'cancelled', reason: '計畫已結束' }, at);
    return 'cancelled';
  }
  const bound = (await bindingsOfPatients(deps.db, clinicId, [en.patient_id])).get(en.patient_id) ?? [];
  const to = bound.find((b) => b.state === 'friend')?.lineUserId ?? null;
  if (!to) {
    if (bound.length) {
      await repo.finish(clinicId, sendId, { status: 'skipped', reason: END_REASON_LABELS.blocked }, at);
      await endEnrolment(deps, clinicId, en, 'blocked', systemActor);
      return 'blocked';
    }
    await repo.finish(clinicId, sendId, { status: 'skipped', reason: '病患未綁定 LINE（照護訊息只以 LINE 傳送）' }, at);
    await finishIfLast(deps, clinicId, en);
    return 'skipped';
  }
  const step = (JSON.parse(en.steps) as PlanStep[])[row.step_index];
  const [patient, clinic] = await Promise.all([
    patientById(deps.db, clinicId, en.patient_id),
    clinicService(deps).get(clinicId),
  ]);
  const messages = stepMessages(
    step,
    sendId,
    { name: patient?.name ?? '', clinic: clinic.name, phone: clinic.phone },
    {
      imageUrl: step.imageId ? `${deps.config.publicBaseUrl}/line/media/${step.imageId}` : null,
      // An article unpublished or deleted since: the step goes without its card.
      article: step.articleId ? await articleMessage(deps, clinicId, step.articleId).catch(() => null) : null,
    },
  );
  const sent = await deps.db.transaction().execute(async (trx) => {
    if (
      !(await carePlanRepository(trx).finish(clinicId, sendId, { status: 'sent', line_user_id: to, sent_at: at }, at))
    )
      return false;
    await queuePush(
      trx,
      deps,
      clinicId,
      { to, messages, source: 'care', relatedType: 'care_send', relatedId: sendId },
      row.retry_key,
    );
    return true;
  });
  if (sent) wakeWorkers();
  await finishIfLast(deps, clinicId, en);
  return sent ? 'sent' : 'raced';
}

/** An enrolment whose last step went out (or was skipped) is done. */
async function finishIfLast(deps: Deps, clinicId: string, en: EnrolmentRow) {
  const repo = carePlanRepository(deps.db);
  if ((await repo.plannedLeft(clinicId, en.id)) === 0)
    await repo.end(clinicId, en.id, '', 'system', deps.clock.now().toISOString(), 'done');
}

// ---- Back office ----

export function carePlanService(deps: Deps) {
  const db = deps.db;
  const repo = carePlanRepository(db);
  const getPlan = async (clinicId: string, id: string) => {
    const p = await repo.plan(clinicId, id);
    if (!p || p.archived) throw errors.notFound('照護計畫');
    return p;
  };
  const one = async (clinicId: string, id: string) =>
    toPlan(await getPlan(clinicId, id), (await repo.activeCounts(clinicId)).get(id) ?? 0);

  return {
    async list(clinicId: string) {
      await ensureShippedPlans(deps, clinicId);
      const counts = await repo.activeCounts(clinicId);
      return { items: (await repo.plans(clinicId)).map((p) => toPlan(p, counts.get(p.id) ?? 0)) };
    },
    get: one,

    async create(clinicId: string, input: PlanInput, actor: Actor, ip: string) {
      const p = await cleanPlan(deps, clinicId, input);
      const at = deps.clock.now().toISOString();
      const id = newId();
      await repo.insertPlans([
        {
          id,
          clinic_id: clinicId,
          shipped_key: null,
          name: p.name,
          enabled: input.enabled ? 1 : 0,
          archived: 0,
          trigger: JSON.stringify(p.trigger),
          steps: JSON.stringify(p.steps),
          version: 1,
          created_at: at,
          updated_at: at,
          updated_by: actor.label,
        },
      ]);
      await audit(deps, clinicId, actor, 'care_plan.created', id, { name: p.name, enabled: !!input.enabled }, ip);
      return one(clinicId, id);
    },

    async update(clinicId: string, id: string, input: PlanInput, actor: Actor, ip: string) {
      const cur = await getPlan(clinicId, id);
      const p = await cleanPlan(deps, clinicId, input);
      await repo.updatePlan(clinicId, id, {
        name: p.name,
        ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
        trigger: JSON.stringify(p.trigger),
        steps: JSON.stringify(p.steps),
        version: cur.version + 1,
        updated_at: deps.clock.now().toISOString(),
        updated_by: actor.label,
      });
      await audit(deps, clinicId, actor, 'care_plan.updated', id, { name: p.name, steps: p.steps.length }, ip);
      return one(clinicId, id);
    },

    async setEnabled(clinicId: string, id: string, enabled: boolean, actor: Actor, ip: string) {
      await getPlan(clinicId, id);
      await repo.updatePlan(clinicId, id, {
        enabled: enabled ? 1 : 0,
        updated_at: deps.clock.now().toISOString(),
        updated_by: actor.label,
      });
      await audit(deps, clinicId, actor, enabled ? 'care_plan.enabled' : 'care_plan.disabled', id, {}, ip);
      return one(clinicId, id);
    },

    /** Removes a plan from the list (kept for its enrolments); its active enrolments end. */
    async archive(clinicId: string, id: string, actor: Actor, ip: string) {
      const p = await getPlan(clinicId, id);
      await repo.updatePlan(clinicId, id, {
        archived: 1,
        enabled: 0,
        updated_at: deps.clock.now().toISOString(),
        updated_by: actor.label,
      });
      for (const en of await repo.activeOf(clinicId, { planId: id }))
        await endEnrolment(deps, clinicId, en, 'plan_archived', actor, ip);
      await audit(deps, clinicId, actor, 'care_plan.deleted', id, { name: p.name }, ip);
    },

    async enrolments(
      clinicId: string,
      f: { planId?: string; status?: string; patientId?: string; page: number; pageSize: number },
    ) {
      const { rows, total } = await repo.page(clinicId, {
        ...f,
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
      const sends = await repo.sendsOf(
        clinicId,
        rows.map((r) => r.id),
      );
      return {
        total,
        items: rows.map((r) => {
          const steps = JSON.parse(r.steps) as PlanStep[];
          const mine = sends.filter((s) => s.enrolment_id === r.id);
          const p = patients.get(r.patient_id);
          const next = mine.find((s) => s.status === 'planned');
          return {
            id: r.id,
            planId: r.plan_id,
            planName: r.plan_name,
            patientId: r.patient_id,
            patientName: p?.name ?? '',
            chartNo: p?.chartNo ?? null,
            lineStatus: p?.lineStatus ?? 'unbound',
            source: r.source,
            anchorAt: r.anchor_at,
            status: r.status,
            statusLabel: ENROLMENT_STATUS_LABELS[r.status] ?? r.status,
            endReason: r.end_reason,
            endReasonLabel: r.end_reason ? (END_REASON_LABELS[r.end_reason] ?? r.end_reason) : null,
            endedAt: r.ended_at,
            endedBy: r.ended_by,
            createdAt: r.created_at,
            nextStep: next ? next.step_index + 1 : null,
            nextAt: next?.due_at ?? null,
            steps: mine.map((s) => ({
              index: s.step_index + 1,
              when: whenText(steps[s.step_index].when),
              dueAt: s.due_at,
              status: s.status,
              statusLabel: SEND_STATUS_LABELS[s.status] ?? s.status,
              reason: s.reason,
              sentAt: s.sent_at,
              answer: s.answer,
              answerRoute: s.answer_route,
              followUpId: s.follow_up_id,
            })),
          };
        }),
      };
    },

    /** Staff enrol a patient now (day 0 = today); the plan must be enabled, the patient not in it already. */
    async enrolPatient(clinicId: string, planId: string, patientId: string, actor: Actor, ip: string) {
      const plan = await getPlan(clinicId, planId);
      await assertPatientsExist(db, clinicId, [patientId]);
      if (!plan.enabled) throw errors.conflict('PLAN_DISABLED', `「${plan.name}」尚未啟用，請先啟用計畫再加入病患`);
      if ((await repo.activeOf(clinicId, { planId, patientId })).length)
        throw errors.conflict('ALREADY_ENROLLED', `這位病患已在「${plan.name}」中，請先結束目前的照護再重新加入`);
      const id = await enrol(deps, clinicId, plan, {
        patientId,
        appointmentId: null,
        source: 'staff',
        anchorAt: deps.clock.now(),
        key: `staff:${randomUUID()}`,
        actor,
      });
      await audit(deps, clinicId, actor, 'care_plan.patient_enrolled', planId, { patientId, enrolmentId: id }, ip);
      return { id: id! };
    },

    async endByStaff(clinicId: string, enrolmentId: string, actor: Actor, ip: string) {
      const en = await repo.enrolment(clinicId, enrolmentId);
      if (!en) throw errors.notFound('照護紀錄');
      if (!(await endEnrolment(deps, clinicId, en, 'staff', actor, ip)))
        throw errors.conflict('NOT_ACTIVE', '這筆照護已結束');
      return { ok: true };
    },
  };
}

/** The care-library's usage hook: names of this clinic's plans whose steps send the article. */
export async function plansUsingArticle(deps: Deps, clinicId: string, articleId: string): Promise<string[]> {
  return (await carePlanRepository(deps.db).plans(clinicId))
    .filter((p) => (JSON.parse(p.steps) as PlanStep[]).some((s) => s.articleId === articleId))
    .map((p) => p.name);
}

// ---- Triggers (wired in jobs.ts) ----

/** appointments.outcome hook: a completed visit of a plan's visit type or treatment code enrols the patient. */
export async function careOnOutcome(
  deps: Deps,
  clinicId: string,
  o: {
    appointmentId: string;
    patientId: string;
    visitType: string | null;
    treatmentCodes: string[] | null;
    status: string;
    startsAt: string;
  },
): Promise<void> {
  if (o.status !== 'completed') return;
  await ensureShippedPlans(deps, clinicId);
  for (const plan of await carePlanRepository(deps.db).plans(clinicId)) {
    if (!plan.enabled) continue;
    const t = JSON.parse(plan.trigger) as PlanTrigger;
    if (t.kind !== 'visit') continue;
    const byType = !!o.visitType && t.visitTypes.includes(o.visitType.trim());
    const byCode = (o.treatmentCodes ?? []).some((c) => t.treatmentCodes.includes(c));
    if (!byType && !byCode) continue;
    const key = `visit:${o.appointmentId}:${plan.id}`;
    await restart(deps, clinicId, plan, o.patientId, key);
    await enrol(deps, clinicId, plan, {
      patientId: o.patientId,
      appointmentId: o.appointmentId,
      source: 'visit',
      anchorAt: new Date(o.startsAt),
      key,
      actor: { type: 'system', id: null, label: 'HIS' },
    });
  }
}

/** tags.added hook: a plan triggered by one of these tags enrols each patient (today = day 0). */
export async function careOnTagsAdded(
  deps: Deps,
  clinicId: string,
  a: { patientIds: string[]; tagIds: string[] },
): Promise<void> {
  const plans = (await carePlanRepository(deps.db).plans(clinicId)).filter((p) => {
    const t = JSON.parse(p.trigger) as PlanTrigger;
    return p.enabled && t.kind === 'tag' && a.tagIds.includes(t.tagId);
  });
  if (!plans.length) return;
  const { timeZone } = await clinicService(deps).get(clinicId);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone }).format(deps.clock.now());
  for (const plan of plans)
    for (const patientId of a.patientIds) {
      const key = `tag:${plan.id}:${patientId}:${day}`;
      await restart(deps, clinicId, plan, patientId, key);
      await enrol(deps, clinicId, plan, {
        patientId,
        appointmentId: null,
        source: 'tag',
        anchorAt: deps.clock.now(),
        key,
        actor: systemActor,
      });
    }
}
