// Questionnaires (滿意度 › 問卷): the builder's questionnaires, sends to a saved segment or a tag,
// after-visit sends from the appointments.outcome hook, delivery, the LIFF form's read and
// submit, results per question and the CSV/XLSX export.
//
// Every send is a recipient row first (unique per questionnaire and patient: a questionnaire asks
// a patient once), then a `questionnaire.deliver` job per row at its send time; the job checks
// that the questionnaire is still open, the clinic's quiet hours (nextSendableAt: held until
// they end), the non-essential monthly cap (reminders/quota.ts; over it the row says so and
// nothing goes), and pushes a button to the LIFF form with a retry key derived from the row id,
// in the same transaction that marks the row sent — a retried job sends nothing twice.
import { Type } from 'typebox';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { enqueueJob, enqueueJobs, jobType } from '../../platform/jobs.ts';
import { formatInZone } from '../../platform/time.ts';
import type { LiffUser } from '../binding/service.ts';
import type { Outcome } from '../appointments/outcome.ts';
import { bindingsOfPatients, reachableLineUser } from '../binding/for-patients.ts';
import { clinicService } from '../clinics/service.ts';
import { liffUrl } from '../line/events.ts';
import { queuePush, retryKeyOf } from '../line/push.ts';
import { lineService } from '../line/service.ts';
import { matchingPatientIds, patientsByIds, searchCtx } from '../patients/service.ts';
import { nonEssentialBudget } from '../reminders/quota.ts';
import { nextSendableAt } from '../reminders/send-window.ts';
import { mayAskPatient, notePatientAsked } from '../satisfaction/service.ts';
import { resolveSegment, tagService } from '../tags/service.ts';
import {
  answerText,
  checkAnswers,
  normalizeQuestions,
  questionProblems,
  resultsOf,
  TEMPLATES,
  type Answers,
  type AnswerValue,
  type Question,
  type TemplateId,
} from './model.ts';
import { questionnaireRepository, type QuestionnaireRow } from './repository.ts';

export const QUESTIONNAIRE_DELIVER = jobType({
  type: 'questionnaire.deliver',
  defaults: { priority: 'bulk', maxAttempts: 8 },
  payload: Type.Object({ clinicId: Type.String(), recipientId: Type.String() }),
});

export const RECIPIENT_STATUS_LABELS: Record<string, string> = {
  queued: '排程中',
  sent: '已傳送',
  answered: '已填答',
  no_line: '未綁定 LINE',
  over_cap: '已達本月非必要訊息上限',
  closed: '問卷已截止，未傳送',
  recently_asked: '近期已請這位病患填過問卷或滿意度調查，略過',
  failed: '傳送失敗',
};
/** An after-visit send only for a visit that began at most this long ago (never for old visits). */
const VISIT_PAST_LIMIT_MS = 48 * 3_600_000;

export type QuestionnaireInput = {
  title: string;
  intro?: string;
  questions: Question[];
  closesAt?: string | null;
  afterVisit?: boolean;
  afterVisitDelayMinutes?: number;
  afterVisitTypes?: string[] | null;
  template?: TemplateId | null;
};

type Counts = { recipients: number; sent: number; answered: number; notSent: number; queued: number };

const isClosed = (q: Pick<QuestionnaireRow, 'closes_at'>, now: Date) =>
  q.closes_at !== null && Date.parse(q.closes_at) <= now.getTime();

function toQuestionnaire(q: QuestionnaireRow, counts: Counts, now: Date) {
  return {
    id: q.id,
    title: q.title,
    intro: q.intro,
    questions: JSON.parse(q.questions) as Question[],
    closesAt: q.closes_at,
    closed: isClosed(q, now),
    afterVisit: !!q.after_visit,
    afterVisitDelayMinutes: q.after_visit_delay_minutes,
    afterVisitTypes: q.after_visit_types ? (JSON.parse(q.after_visit_types) as string[]) : null,
    template: q.template,
    locked: counts.recipients > 0,
    ...counts,
    responseRate: counts.sent + counts.answered > 0 ? counts.answered / (counts.sent + counts.answered) : null,
    createdAt: q.created_at,
    updatedAt: q.updated_at,
  };
}

function countsOf(rows: { questionnaire_id: string; status: string; n: number | string }[], id: string): Counts {
  const c: Counts = { recipients: 0, sent: 0, answered: 0, notSent: 0, queued: 0 };
  for (const r of rows) {
    if (r.questionnaire_id !== id) continue;
    const n = Number(r.n);
    c.recipients += n;
    if (r.status === 'sent') c.sent += n;
    else if (r.status === 'answered') c.answered += n;
    else if (r.status === 'queued') c.queued += n;
    else c.notSent += n;
  }
  return c;
}

export function questionnaireService(deps: Deps) {
  const db = deps.db;
  const repo = questionnaireRepository(db);
  const now = () => deps.clock.now();

  async function getRow(clinicId: string, id: string) {
    const q = await repo.get(clinicId, id);
    if (!q) throw errors.notFound('問卷');
    return q;
  }
  async function one(clinicId: string, id: string) {
    const q = await getRow(clinicId, id);
    return toQuestionnaire(q, countsOf(await repo.statusCounts(clinicId, id), id), now());
  }
  function checkInput(input: QuestionnaireInput) {
    const problems = questionProblems(input.questions);
    if (!input.title.trim()) problems.push({ field: 'title', code: 'required', message: '請填寫問卷名稱' });
    if (input.closesAt && Number.isNaN(Date.parse(input.closesAt)))
      problems.push({ field: 'closesAt', code: 'invalid', message: '截止時間格式不正確' });
    if (problems.length) throw errors.validation(problems);
  }

  return {
    templates: () => ({
      items: TEMPLATES.map((t) => ({ id: t.id, title: t.title, intro: t.intro, questions: t.questions })),
    }),

    async list(clinicId: string) {
      const rows = await repo.list(clinicId);
      const counts = await repo.statusCounts(clinicId);
      return { items: rows.map((q) => toQuestionnaire(q, countsOf(counts, q.id), now())) };
    },
    get: one,

    async create(clinicId: string, input: QuestionnaireInput, actor: Actor, ip: string) {
      checkInput(input);
      const id = newId();
      const at = now().toISOString();
      await repo.insert({
        id,
        clinic_id: clinicId,
        title: input.title.trim(),
        intro: input.intro?.trim() ?? '',
        questions: JSON.stringify(normalizeQuestions(input.questions)),
        closes_at: input.closesAt ? new Date(input.closesAt).toISOString() : null,
        after_visit: input.afterVisit ? 1 : 0,
        after_visit_delay_minutes: input.afterVisitDelayMinutes ?? 120,
        after_visit_types: input.afterVisitTypes?.length ? JSON.stringify(input.afterVisitTypes) : null,
        template: input.template ?? null,
        created_by: actor.label,
        created_at: at,
        updated_at: at,
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'questionnaire.created',
        entityType: 'questionnaire',
        entityId: id,
        detail: { title: input.title },
        ip,
      });
      return one(clinicId, id);
    },

    async update(clinicId: string, id: string, input: QuestionnaireInput, actor: Actor, ip: string) {
      checkInput(input);
      const row = await getRow(clinicId, id);
      const questions = JSON.stringify(normalizeQuestions(input.questions));
      // Once sent, the questions stay as the patients saw them (answers refer to them).
      if (questions !== row.questions && (await repo.hasRecipients(clinicId, id)))
        throw errors.conflict(
          'QUESTIONNAIRE_LOCKED',
          '這份問卷已經寄出，題目不能再修改（名稱、說明與截止時間仍可修改）；要改題目請建立新問卷',
        );
      await repo.update(clinicId, id, {
        title: input.title.trim(),
        intro: input.intro?.trim() ?? '',
        questions,
        closes_at: input.closesAt ? new Date(input.closesAt).toISOString() : null,
        after_visit: input.afterVisit ? 1 : 0,
        after_visit_delay_minutes: input.afterVisitDelayMinutes ?? row.after_visit_delay_minutes,
        after_visit_types: input.afterVisitTypes?.length ? JSON.stringify(input.afterVisitTypes) : null,
        ...(input.template !== undefined ? { template: input.template } : {}),
        updated_at: now().toISOString(),
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'questionnaire.updated',
        entityType: 'questionnaire',
        entityId: id,
        detail: { title: input.title },
        ip,
      });
      return one(clinicId, id);
    },

    async close(clinicId: string, id: string, actor: Actor, ip: string) {
      const row = await getRow(clinicId, id);
      if (!isClosed(row, now()))
        await repo.update(clinicId, id, { closes_at: now().toISOString(), updated_at: now().toISOString() });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'questionnaire.closed',
        entityType: 'questionnaire',
        entityId: id,
        ip,
      });
      return one(clinicId, id);
    },

    async remove(clinicId: string, id: string, actor: Actor, ip: string) {
      await getRow(clinicId, id);
      if (await repo.hasRecipients(clinicId, id))
        throw errors.conflict(
          'QUESTIONNAIRE_SENT',
          '這份問卷已經寄出，不能刪除（保留填答紀錄）；不再使用時請按「截止」',
        );
      await repo.remove(clinicId, id);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'questionnaire.deleted',
        entityType: 'questionnaire',
        entityId: id,
        ip,
      });
    },

    /**
     * Sends the questionnaire to a saved segment or a tag: a recipient row per patient (those
     * already asked by this questionnaire are skipped), then one delivery job per row.
     */
    async send(
      clinicId: string,
      id: string,
      audience: { kind: 'segment' | 'tag'; id: string },
      actor: Actor,
      ip: string,
    ) {
      const q = await getRow(clinicId, id);
      if (isClosed(q, now()))
        throw errors.conflict('QUESTIONNAIRE_CLOSED', '這份問卷已截止，不能再寄出；請修改截止時間後再寄');
      let patientIds: string[];
      let label: string;
      if (audience.kind === 'segment') {
        const seg = (await tagService(deps).listSegments(clinicId)).items.find((s) => s.id === audience.id);
        if (!seg) throw errors.notFound('分眾');
        label = `分眾：${seg.name}`;
        patientIds = await resolveSegment(deps, clinicId, audience.id);
      } else {
        const tag = (await tagService(deps).list(clinicId)).items.find((t) => t.id === audience.id);
        if (!tag) throw errors.notFound('標籤');
        label = `標籤：${tag.name}`;
        patientIds = [];
        const ctx = await searchCtx(deps, clinicId);
        for await (const ids of matchingPatientIds(db, clinicId, { tagIds: [audience.id] }, ctx))
          patientIds.push(...ids);
      }
      if (patientIds.length === 0)
        throw new AppError('AUDIENCE_EMPTY', 422, `${label} 目前沒有任何病患，沒有寄出問卷`, [
          { field: 'audience', code: 'empty', message: '這個對象目前沒有病患' },
        ]);
      const sendId = newId();
      const at = now();
      const bindings = await bindingsOfPatients(db, clinicId, patientIds);
      const result = await db.transaction().execute(async (trx) => {
        const r = questionnaireRepository(trx);
        const rows = patientIds.map((pid) => {
          const lineUserId = (bindings.get(pid) ?? []).find((b) => b.state === 'friend')?.lineUserId ?? null;
          return {
            id: newId(),
            clinic_id: clinicId,
            questionnaire_id: id,
            patient_id: pid,
            line_user_id: lineUserId,
            source: audience.kind,
            source_ref: sendId,
            status: lineUserId ? 'queued' : 'no_line',
            send_at: at.toISOString(),
            sent_at: null,
            answered_at: null,
            note: lineUserId ? '' : '病患未綁定 LINE 或已封鎖',
            created_at: at.toISOString(),
            updated_at: at.toISOString(),
          };
        });
        const inserted = new Set(await r.insertRecipients(rows));
        const queued = rows.filter((x) => inserted.has(x.id) && x.status === 'queued');
        await r.insertSend({
          id: sendId,
          clinic_id: clinicId,
          questionnaire_id: id,
          audience_kind: audience.kind,
          audience_id: audience.id,
          audience_label: label,
          matched: patientIds.length,
          queued: queued.length,
          created_by: actor.label,
          created_at: at.toISOString(),
        });
        await enqueueJobs(
          trx,
          deps.clock,
          QUESTIONNAIRE_DELIVER,
          queued.map((x) => ({
            payload: { clinicId, recipientId: x.id },
            opts: { clinicId, idempotencyKey: `questionnaire-deliver:${x.id}` },
          })),
        );
        return {
          matched: patientIds.length,
          added: inserted.size,
          alreadyAsked: patientIds.length - inserted.size,
          queued: queued.length,
          noLine: rows.filter((x) => inserted.has(x.id) && x.status === 'no_line').length,
        };
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'questionnaire.sent',
        entityType: 'questionnaire',
        entityId: id,
        detail: { audience: label, matched: result.matched, queued: result.queued },
        ip,
      });
      return { sendId, audienceLabel: label, ...result };
    },

    async sends(clinicId: string, id: string) {
      await getRow(clinicId, id);
      const rows = await repo.sends(clinicId, id);
      return {
        items: rows.map((s) => ({
          id: s.id,
          audienceKind: s.audience_kind,
          audienceLabel: s.audience_label,
          matched: s.matched,
          queued: s.queued,
          createdBy: s.created_by,
          createdAt: s.created_at,
        })),
      };
    },

    async results(clinicId: string, id: string) {
      const q = await one(clinicId, id);
      const rows = await repo.responses(clinicId, id);
      const responses = rows.map((r) => ({ answers: JSON.parse(r.answers) as Answers, submittedAt: r.submitted_at }));
      return { questionnaire: q, responses: rows.length, questions: resultsOf(q.questions, responses) };
    },

    /** Every response as rows of text, times in the clinic's zone (audited). */
    async exportRows(clinicId: string, id: string, format: 'csv' | 'xlsx', actor: Actor, ip: string) {
      const q = await one(clinicId, id);
      const clinic = await clinicService(deps).get(clinicId);
      const rows = await repo.responses(clinicId, id);
      const patients = new Map(
        (
          await patientsByIds(
            db,
            clinicId,
            rows.map((r) => r.patient_id),
          )
        ).map((p) => [p.id, p]),
      );
      const SOURCE: Record<string, string> = { segment: '分眾', tag: '標籤', visit: '看診後' };
      const header = [
        `填答時間（${clinic.timeZone}）`,
        '病歷號',
        '姓名',
        '寄送方式',
        ...q.questions.map((x, i) => `${i + 1}. ${x.title}`),
      ];
      const body = rows.map((r) => {
        const a = JSON.parse(r.answers) as Answers;
        const p = patients.get(r.patient_id);
        return [
          formatInZone(r.submitted_at, clinic.timeZone),
          p?.chartNo ?? '',
          p?.name ?? '',
          SOURCE[r.source] ?? r.source,
          // scores stay numbers (a spreadsheet can average them)
          ...q.questions.map((x) => (typeof a[x.id] === 'number' ? (a[x.id] as number) : answerText(x, a[x.id]))),
        ];
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'questionnaire.exported',
        entityType: 'questionnaire',
        entityId: id,
        detail: { format, rows: body.length },
        ip,
      });
      return { title: q.title, header, rows: body };
    },

    // ---- The patient's LIFF form ----

    async liffForm(user: LiffUser, recipientId: string) {
      const { r, q } = await recipientOf(user, recipientId);
      const clinic = await clinicService(deps).get(user.clinicId);
      const answered = r.status === 'answered';
      return {
        id: r.id,
        title: q.title,
        intro: q.intro,
        clinicName: clinic.name,
        questions: JSON.parse(q.questions) as Question[],
        closesAt: q.closes_at,
        state: answered ? ('answered' as const) : isClosed(q, now()) ? ('closed' as const) : ('open' as const),
        answeredAt: r.answered_at,
      };
    },

    async submitLiff(user: LiffUser, recipientId: string, input: { questionId: string; value: AnswerValue }[]) {
      const { r, q } = await recipientOf(user, recipientId);
      if (r.status === 'answered')
        throw errors.conflict('ALREADY_ANSWERED', '您已經填寫過這份問卷了，謝謝您！每個人只需要填寫一次。');
      if (isClosed(q, now()))
        throw new AppError(
          'QUESTIONNAIRE_CLOSED',
          410,
          `這份問卷已於 ${formatInZone(q.closes_at!, (await clinicService(deps).get(user.clinicId)).timeZone)} 截止，謝謝您的關心。`,
        );
      const checked = checkAnswers(JSON.parse(q.questions) as Question[], input);
      if (!checked.ok) throw errors.validation(checked.problems, '有題目需要修正，請看標示的題目');
      const at = now().toISOString();
      const saved = await db.transaction().execute(async (trx) => {
        const rr = questionnaireRepository(trx);
        const ok = await rr.insertResponse({
          id: newId(),
          clinic_id: user.clinicId,
          questionnaire_id: q.id,
          recipient_id: r.id,
          patient_id: r.patient_id,
          answers: JSON.stringify(checked.answers),
          submitted_at: at,
        });
        if (ok) await rr.setRecipient(user.clinicId, r.id, { status: 'answered', answered_at: at, updated_at: at });
        return ok;
      });
      if (!saved) throw errors.conflict('ALREADY_ANSWERED', '您已經填寫過這份問卷了，謝謝您！每個人只需要填寫一次。');
      return { ok: true, submittedAt: at };
    },
  };

  async function recipientOf(user: LiffUser, recipientId: string) {
    const r = await repo.recipientById(recipientId);
    // Another clinic's or another LINE user's questionnaire is simply not found.
    if (!r || r.clinic_id !== user.clinicId || r.line_user_id !== user.lineUserId) throw errors.notFound('問卷');
    const q = await repo.get(user.clinicId, r.questionnaire_id);
    if (!q) throw errors.notFound('問卷');
    return { r, q };
  }
}

/** The delivery job's work for one recipient row (see the header). */
export async function deliverQuestionnaire(deps: Deps, clinicId: string, recipientId: string): Promise<void> {
  const repo = questionnaireRepository(deps.db);
  const r = await repo.recipient(clinicId, recipientId);
  if (!r || r.status !== 'queued') return;
  const q = await repo.get(clinicId, r.questionnaire_id);
  const now = deps.clock.now();
  const stamp = now.toISOString();
  if (!q || isClosed(q, now)) {
    await repo.setRecipient(
      clinicId,
      r.id,
      { status: 'closed', note: '問卷已截止，未傳送', updated_at: stamp },
      'queued',
    );
    return;
  }
  const sendable = await nextSendableAt(deps, clinicId, now);
  if (sendable.getTime() > now.getTime()) {
    // Quiet hours: the same row waits for their end (a job of its own for that time).
    await enqueueJob(
      deps.db,
      deps.clock,
      QUESTIONNAIRE_DELIVER,
      { clinicId, recipientId },
      { clinicId, runAt: sendable, idempotencyKey: `questionnaire-deliver:${r.id}:${sendable.toISOString()}` },
    );
    await repo.setRecipient(clinicId, r.id, { send_at: sendable.toISOString(), updated_at: stamp }, 'queued');
    return;
  }
  // After a visit: at most one survey or questionnaire per patient per N days (調查設定).
  if (r.source === 'visit' && !(await mayAskPatient(deps, clinicId, r.patient_id, now))) {
    await repo.setRecipient(
      clinicId,
      r.id,
      { status: 'recently_asked', note: RECIPIENT_STATUS_LABELS.recently_asked, updated_at: stamp },
      'queued',
    );
    return;
  }
  const lineUserId = r.line_user_id ?? (await reachableLineUser(deps.db, clinicId, r.patient_id));
  if (!lineUserId) {
    await repo.setRecipient(
      clinicId,
      r.id,
      { status: 'no_line', note: '病患未綁定 LINE 或已封鎖', updated_at: stamp },
      'queued',
    );
    return;
  }
  const budget = await nonEssentialBudget(deps, clinicId);
  if (budget !== null && budget <= 0) {
    await repo.setRecipient(
      clinicId,
      r.id,
      { status: 'over_cap', note: '已達本月 LINE 非必要訊息上限，未傳送', updated_at: stamp },
      'queued',
    );
    return;
  }
  const channel = await lineService(deps).channelOrThrow(clinicId);
  const url = liffUrl(deps, channel, `/questionnaire?r=${r.id}`);
  await deps.db.transaction().execute(async (trx) => {
    // Marking the row is the claim: a concurrent or retried run that finds it sent pushes nothing.
    const claimed = await questionnaireRepository(trx).setRecipient(
      clinicId,
      r.id,
      { status: 'sent', sent_at: stamp, line_user_id: lineUserId, updated_at: stamp },
      'queued',
    );
    if (!claimed) return;
    // Every questionnaire counts as asking the patient (the after-visit survey then waits N days).
    await notePatientAsked({ db: trx }, clinicId, r.patient_id, now, { source: 'questionnaire', refId: r.id });
    await queuePush(
      trx,
      deps,
      clinicId,
      {
        to: lineUserId,
        source: 'questionnaire',
        relatedType: 'questionnaire',
        relatedId: q.id,
        messages: [
          {
            type: 'template',
            altText: `問卷：${q.title}`.slice(0, 400),
            template: {
              type: 'buttons',
              title: q.title.slice(0, 40),
              text: (q.intro || '請花 1 分鐘填寫，幫助我們做得更好。').slice(0, 60),
              actions: [{ type: 'uri', label: '填寫問卷', uri: url }],
            },
          },
        ],
      },
      retryKeyOf(`questionnaire:${r.id}`),
    );
  });
}

/**
 * The appointments.outcome hook: a visit newly completed (today or yesterday, within the last
 * 48 hours) gets a recipient row on every open after-visit questionnaire whose visit types match,
 * due after the questionnaire's delay (moved out of quiet hours); the delivery job checks the
 * one-ask-per-N-days rule at send time. Idempotent: one row per questionnaire and patient.
 */
export async function questionnaireOnOutcome(deps: Deps, clinicId: string, o: Outcome): Promise<void> {
  if (o.status !== 'completed' || o.previousStatus === 'completed') return;
  const now = deps.clock.now();
  if (Date.parse(o.startsAt) < now.getTime() - VISIT_PAST_LIMIT_MS) return;
  const list = await questionnaireRepository(deps.db).afterVisit(clinicId, now.toISOString());
  for (const q of list) {
    const types = q.after_visit_types ? (JSON.parse(q.after_visit_types) as string[]) : null;
    if (types && !(o.visitType && types.includes(o.visitType))) continue;
    const sendAt = await nextSendableAt(deps, clinicId, new Date(now.getTime() + q.after_visit_delay_minutes * 60_000));
    await deps.db.transaction().execute(async (trx) => {
      const id = newId();
      const inserted = await questionnaireRepository(trx).insertRecipients([
        {
          id,
          clinic_id: clinicId,
          questionnaire_id: q.id,
          patient_id: o.patientId,
          line_user_id: null,
          source: 'visit',
          source_ref: o.appointmentId,
          status: 'queued',
          send_at: sendAt.toISOString(),
          sent_at: null,
          answered_at: null,
          note: '',
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        },
      ]);
      if (inserted.length)
        await enqueueJob(
          trx,
          deps.clock,
          QUESTIONNAIRE_DELIVER,
          { clinicId, recipientId: id },
          { clinicId, runAt: sendAt, idempotencyKey: `questionnaire-deliver:${id}` },
        );
    });
  }
}
