// Post-visit satisfaction (滿意度調查). When the HIS marks a visit completed (the
// `appointments.outcome` hook), a survey row is written for the visit (one per visit) and a send
// job is queued for completion + the clinic's delay, moved out of quiet hours (nextSendableAt;
// closed days do not hold a survey: it is about a visit that happened, and a low score's case
// is timed in open hours by the cases module). At send time the survey goes, as a Flex message
// with 1–5 star postback buttons (`sv=<surveyId>:<stars>`) and a link to the comment page, to
// the LINE user bound to the patient (theirs or a family member's binding), unless the patient
// was asked for feedback in the last N days (mayAskPatient, shared with questionnaires) or the
// clinic's non-essential LINE cap is reached. The push is written in the same transaction as
// the row's move to `sent`, with a retry key derived from the survey id: sent once.
//
// Google reviews without gating: EVERY respondent, whatever the stars, is offered the clinic's
// Google review link (its Place ID). Those who give 3 stars or fewer are ALSO asked
// 「想讓我們知道哪裡可以更好嗎？」; their answer (the comment page, or a LINE text within an hour of
// the stars) opens a feedback case (kind suggestion, source survey) for staff to follow up.
import type { messagingApi } from '@line/bot-sdk';
import type { Kysely, Transaction } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { enqueueJob, jobType, wakeWorkers } from '../../platform/jobs.ts';
import { formatInZone } from '../../platform/time.ts';
import { reachableLineUser } from '../binding/for-patients.ts';
import { caseService } from '../cases/service.ts';
import { clinicService } from '../clinics/service.ts';
import { doctorById } from '../doctors/service.ts';
import { liffUrl } from '../line/events.ts';
import { queuePush, retryKeyOf } from '../line/push.ts';
import { lineService } from '../line/service.ts';
import { patientById } from '../patients/service.ts';
import { nonEssentialBudget } from '../reminders/quota.ts';
import { nextSendableAt } from '../reminders/send-window.ts';
import { satisfactionRepository, type SettingsRow, type SurveyRow } from './repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const COMMENT_MAX = 1000;
/** How long after low stars a LINE text is taken as the answer to 「哪裡可以更好」. */
export const TEXT_COMMENT_MINUTES = 60;
/** A visit that started longer ago than this gets no survey (an old visit reported late). */
export const PAST_LIMIT_HOURS = 48;

export const STAR_LABELS: Record<number, string> = {
  5: '非常滿意',
  4: '滿意',
  3: '普通',
  2: '不滿意',
  1: '非常不滿意',
};
export const SURVEY_STATUS_LABELS: Record<string, string> = {
  scheduled: '等待傳送',
  sent: '已傳送',
  answered: '已回覆',
  skipped: '未傳送',
};
export const SKIP_REASONS: Record<string, string> = {
  no_line: '病患沒有可傳送的 LINE 綁定',
  recently_asked: '近期已邀請過這位病患填寫',
  over_cap: '已達本月 LINE 非必要訊息上限',
  disabled: '滿意度調查已關閉',
};

export const DEFAULT_MESSAGE =
  '{name} 您好，感謝您今天到{clinic}看診。請問您對這次的看診經驗滿意嗎？點選下方的星星告訴我們（5 星最滿意）。';

export type SurveySettings = {
  enabled: boolean;
  delayMinutes: number;
  validityDays: number;
  minDaysBetween: number;
  doctorIds: string[] | null;
  visitTypes: string[] | null;
  placeId: string;
  messageText: string;
};

export const DEFAULT_SETTINGS: SurveySettings = {
  enabled: false,
  delayMinutes: 120,
  validityDays: 7,
  minDaysBetween: 30,
  doctorIds: null,
  visitTypes: null,
  placeId: '',
  messageText: DEFAULT_MESSAGE,
};

/** The send job of one survey, at its send time. */
export const SURVEY_SEND = jobType({
  type: 'satisfaction.send',
  payload: Type.Object({ surveyId: Type.String() }),
  defaults: { priority: 'bulk', maxAttempts: 8 },
});

const toSettings = (r: SettingsRow | undefined): SurveySettings =>
  r
    ? {
        enabled: !!r.enabled,
        delayMinutes: r.delay_minutes,
        validityDays: r.validity_days,
        minDaysBetween: r.min_days_between,
        doctorIds: r.doctor_ids ? (JSON.parse(r.doctor_ids) as string[]) : null,
        visitTypes: r.visit_types ? (JSON.parse(r.visit_types) as string[]) : null,
        placeId: r.place_id,
        messageText: r.message_text,
      }
    : { ...DEFAULT_SETTINGS };

/**
 * A Google Place ID as pasted by an admin: the ID itself, or a review / Maps link holding it
 * (`…?placeid=…` or `…place_id:…`). Place IDs are opaque strings of letters, digits, `_` and `-`
 * (Google: "the length of the identifier may vary"; examples are 27 characters, e.g.
 * ChIJgUbEo8cfqokR5lP9_Wh_DaM, and longer ones exist): we accept 20–1,000 such characters.
 * Returns the ID, '' for empty, or null when it cannot be one (docs/taiwan.md).
 */
export function parsePlaceId(input: string): string | null {
  let s = input.trim();
  if (!s) return '';
  const fromUrl = /[?&]place_?id=([^&#\s]+)/i.exec(s) ?? /place_id:([A-Za-z0-9_-]+)/.exec(s);
  if (fromUrl) s = decodeURIComponent(fromUrl[1]);
  return /^[A-Za-z0-9_-]{20,1000}$/.test(s) ? s : null;
}

export const reviewUrl = (placeId: string) =>
  `https://search.google.com/local/writereview?placeid=${encodeURIComponent(placeId)}`;

const starsText = (n: number) => `${'★'.repeat(n)}${'☆'.repeat(5 - n)}`;

export async function loadSurveySettings(db: Db, clinicId: string): Promise<SurveySettings> {
  return toSettings(await satisfactionRepository(db).settings(clinicId));
}

// ---- At most one survey or questionnaire per patient per N days (shared with questionnaires) ----

/**
 * Whether the patient may be asked for feedback at `at`: nobody asked them (survey or
 * questionnaire) in the clinic's last N days (調查設定 › 同一位病患至少間隔 N 天; 0 = no limit).
 */
export async function mayAskPatient(
  deps: Pick<Deps, 'db'>,
  clinicId: string,
  patientId: string,
  at: Date,
): Promise<boolean> {
  const s = await loadSurveySettings(deps.db, clinicId);
  if (s.minDaysBetween <= 0) return true;
  const last = await satisfactionRepository(deps.db).lastAsked(clinicId, patientId, at.toISOString());
  return !last || Date.parse(last) <= at.getTime() - s.minDaysBetween * 86_400_000;
}

/**
 * Notes that the patient was asked (call in the transaction that queues the message; once per
 * source and ref: a retry notes nothing more).
 */
export async function notePatientAsked(
  deps: Pick<Deps, 'db'>,
  clinicId: string,
  patientId: string,
  at: Date,
  ref: { source: 'survey' | 'questionnaire'; refId: string },
): Promise<void> {
  await satisfactionRepository(deps.db).insertAsk({
    id: newId(),
    clinic_id: clinicId,
    patient_id: patientId,
    asked_at: at.toISOString(),
    source: ref.source,
    ref_id: ref.refId,
  });
}

// ---- Messages ----

/** The survey message: the clinic's text, five star buttons and the comment link. */
export function surveyMessage(
  text: string,
  surveyId: string,
  commentUri: string,
  title = '看診滿意度調查',
): messagingApi.Message {
  const stars = [5, 4, 3, 2, 1].map((n) => ({
    type: 'button',
    style: 'secondary',
    height: 'sm',
    action: {
      type: 'postback',
      label: `${starsText(n)} ${STAR_LABELS[n]}`,
      data: `sv=${surveyId}:${n}`,
      displayText: `${starsText(n)} ${STAR_LABELS[n]}`,
    },
  }));
  return {
    type: 'flex',
    altText: `${title}：請為這次看診評分（1–5 星）`,
    contents: {
      type: 'bubble',
      body: {
        type: 'box',
        layout: 'vertical',
        spacing: 'md',
        contents: [
          { type: 'text', text: title, weight: 'bold', size: 'lg', color: '#1f1f1f' },
          { type: 'text', text: text.slice(0, 500), wrap: true, size: 'sm', color: '#555555' },
        ],
      },
      footer: {
        type: 'box',
        layout: 'vertical',
        spacing: 'sm',
        contents: [
          ...stars,
          {
            type: 'button',
            style: 'link',
            height: 'sm',
            action: { type: 'uri', label: '留下意見（選填）', uri: commentUri },
          },
        ],
      },
    },
  } as unknown as messagingApi.Message;
}

export const IMPROVE_QUESTION = '想讓我們知道哪裡可以更好嗎？';

/** What a respondent is told after the stars: thanks, 「哪裡可以更好」 for ≤ 3, the review link for everyone. */
export function afterAnswerMessages(stars: number, commentUri: string, placeId: string): messagingApi.Message[] {
  const out: messagingApi.Message[] = [
    { type: 'text', text: `謝謝您的評分（${starsText(stars)} ${stars} 星），我們收到了！` },
  ];
  if (stars <= 3)
    out.push({
      type: 'template',
      altText: IMPROVE_QUESTION,
      template: {
        type: 'buttons',
        text: `${IMPROVE_QUESTION}可以直接在這裡回覆訊息，或點「告訴我們」填寫，會由專人跟進。`,
        actions: [{ type: 'uri', label: '告訴我們', uri: commentUri }],
      },
    });
  if (placeId)
    out.push({
      type: 'template',
      altText: '在 Google 分享您的看診經驗',
      template: {
        type: 'buttons',
        text: '如果您願意，也歡迎在 Google 地圖分享這次的看診經驗，讓更多人認識我們。',
        actions: [{ type: 'uri', label: '寫 Google 評論', uri: reviewUrl(placeId) }],
      },
    });
  return out;
}

const fill = (text: string, v: { name: string; clinic: string; doctor: string }) =>
  text.replaceAll('{name}', v.name).replaceAll('{clinic}', v.clinic).replaceAll('{doctor}', v.doctor);

// ---- The flow ----

/** What the outcome hook receives (appointments/outcome.ts). */
export type VisitOutcome = {
  appointmentId: string;
  patientId: string;
  doctorId: string;
  visitType: string | null;
  status: string;
  previousStatus: string | null;
  startsAt: string;
};

/**
 * The `appointments.outcome` hook: a visit the HIS marked completed gets a survey row and its
 * send job (once per visit; the outcome job already drops visits of the past and the initial
 * sync's copies). Visits of doctors or visit types not chosen in the settings get none.
 */
export async function surveyOnOutcome(deps: Deps, clinicId: string, o: VisitOutcome): Promise<void> {
  if (o.status !== 'completed' || o.previousStatus === 'completed') return;
  const s = await loadSurveySettings(deps.db, clinicId);
  if (!s.enabled) return;
  if (s.doctorIds && !s.doctorIds.includes(o.doctorId)) return;
  if (s.visitTypes && !(o.visitType && s.visitTypes.includes(o.visitType))) return;
  const now = deps.clock.now();
  if (Date.parse(o.startsAt) < now.getTime() - PAST_LIMIT_HOURS * 3_600_000) return;
  const repo = satisfactionRepository(deps.db);
  if (await repo.byAppointment(clinicId, o.appointmentId)) return;
  const sendAt = await nextSendableAt(deps, clinicId, new Date(now.getTime() + s.delayMinutes * 60_000));
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    const inserted = await satisfactionRepository(trx).insertOnce({
      id,
      clinic_id: clinicId,
      appointment_id: o.appointmentId,
      patient_id: o.patientId,
      doctor_id: o.doctorId,
      visit_type: o.visitType,
      visit_at: o.startsAt,
      line_user_id: null,
      status: 'scheduled',
      skip_reason: null,
      send_at: sendAt.toISOString(),
      sent_at: null,
      expires_at: null,
      stars: null,
      answered_at: null,
      answer_ref: null,
      comment: null,
      commented_at: null,
      comment_via: null,
      review_offered: 0,
      case_id: null,
      case_number: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
    if (inserted)
      await enqueueJob(
        trx,
        deps.clock,
        SURVEY_SEND,
        { surveyId: id },
        { clinicId, runAt: sendAt, idempotencyKey: `satisfaction.send:${id}` },
      );
  });
}

/** The send job: checks the rules again at send time, then pushes the survey once. */
export async function sendSurvey(deps: Deps, clinicId: string, surveyId: string): Promise<string> {
  const repo = satisfactionRepository(deps.db);
  const sv = await repo.get(clinicId, surveyId);
  if (!sv || sv.status !== 'scheduled') return 'done';
  const now = deps.clock.now();
  const skip = async (reason: keyof typeof SKIP_REASONS) => {
    await repo.moveFrom(clinicId, sv.id, 'scheduled', {
      status: 'skipped',
      skip_reason: reason,
      updated_at: now.toISOString(),
    });
    return reason;
  };
  const s = await loadSurveySettings(deps.db, clinicId);
  if (!s.enabled) return skip('disabled');
  // Another visit's survey of the same patient, sent meanwhile, or a questionnaire.
  if (!(await mayAskPatient(deps, clinicId, sv.patient_id, now))) return skip('recently_asked');
  const lineUserId = await reachableLineUser(deps.db, clinicId, sv.patient_id);
  if (!lineUserId) return skip('no_line');
  const budget = await nonEssentialBudget(deps, clinicId);
  if (budget !== null && budget <= 0) return skip('over_cap');
  const [clinic, patient, doctor, channel] = await Promise.all([
    clinicService(deps).get(clinicId),
    patientById(deps.db, clinicId, sv.patient_id),
    doctorById(deps.db, clinicId, sv.doctor_id),
    lineService(deps).channelOrThrow(clinicId),
  ]);
  const text = fill(s.messageText, { name: patient?.name ?? '', clinic: clinic.name, doctor: doctor?.name ?? '' });
  const message = surveyMessage(text, sv.id, liffUrl(deps, channel, `/survey?s=${sv.id}`));
  await deps.db.transaction().execute(async (trx) => {
    const moved = await satisfactionRepository(trx).moveFrom(clinicId, sv.id, 'scheduled', {
      status: 'sent',
      line_user_id: lineUserId,
      sent_at: now.toISOString(),
      expires_at: new Date(now.getTime() + s.validityDays * 86_400_000).toISOString(),
      updated_at: now.toISOString(),
    });
    if (!moved) return;
    await notePatientAsked({ db: trx }, clinicId, sv.patient_id, now, { source: 'survey', refId: sv.id });
    await queuePush(
      trx,
      deps,
      clinicId,
      { to: lineUserId, messages: [message], source: 'survey', relatedType: 'satisfaction_survey', relatedId: sv.id },
      retryKeyOf(`satisfaction:${clinicId}:${sv.id}`),
    );
  });
  wakeWorkers();
  return 'sent';
}

type Refusal = { ok: false; reason: 'not_found' | 'expired' | 'answered' | 'not_sent'; row?: SurveyRow };
export type AnswerResult = { ok: true; row: SurveyRow; again: boolean } | Refusal;

/** The open states a survey answer may land in (sent, not expired), shared by LINE and the LIFF page. */
function answerable(sv: SurveyRow | undefined, lineUserId: string, now: Date): Refusal | null {
  if (!sv || sv.line_user_id !== lineUserId) return { ok: false, reason: 'not_found' };
  if (!sv.sent_at) return { ok: false, reason: 'not_sent', row: sv };
  if (sv.expires_at && sv.expires_at <= now.toISOString()) return { ok: false, reason: 'expired', row: sv };
  return null;
}

export function satisfactionService(deps: Deps) {
  const db = deps.db;
  const repo = satisfactionRepository(db);
  const now = () => deps.clock.now();

  const commentUri = async (clinicId: string, surveyId: string) =>
    liffUrl(deps, await lineService(deps).channelOrThrow(clinicId), `/survey?s=${surveyId}`);

  return {
    async settings(clinicId: string) {
      return loadSurveySettings(db, clinicId);
    },

    async saveSettings(clinicId: string, input: SurveySettings, actor: Actor, ip: string) {
      const placeId = parsePlaceId(input.placeId);
      const problems = [];
      if (placeId === null)
        problems.push({
          field: 'placeId',
          code: 'place_id',
          message:
            'Google 地點 ID 格式不正確：應為英數字、底線或連字號組成的一串代碼（例如 ChIJ 開頭），或貼上含 placeid= 的評論連結',
        });
      if (!input.messageText.trim())
        problems.push({ field: 'messageText', code: 'required', message: '請填寫邀請訊息的內容' });
      if (input.doctorIds && !input.doctorIds.length)
        problems.push({ field: 'doctorIds', code: 'minItems', message: '請至少選擇一位醫師，或選「所有醫師」' });
      if (input.visitTypes && !input.visitTypes.length)
        problems.push({ field: 'visitTypes', code: 'minItems', message: '請至少選擇一種看診類別，或選「所有類別」' });
      if (problems.length) throw errors.validation(problems);
      const before = await loadSurveySettings(db, clinicId);
      const next: SurveySettings = { ...input, placeId: placeId!, messageText: input.messageText.trim() };
      await db.transaction().execute(async (trx) => {
        await satisfactionRepository(trx).saveSettings({
          clinic_id: clinicId,
          enabled: next.enabled ? 1 : 0,
          delay_minutes: next.delayMinutes,
          validity_days: next.validityDays,
          min_days_between: next.minDaysBetween,
          doctor_ids: next.doctorIds ? JSON.stringify(next.doctorIds) : null,
          visit_types: next.visitTypes ? JSON.stringify(next.visitTypes) : null,
          place_id: next.placeId,
          message_text: next.messageText,
          updated_at: now().toISOString(),
        });
        const changed = (Object.keys(next) as (keyof SurveySettings)[]).filter(
          (k) => JSON.stringify(next[k]) !== JSON.stringify(before[k]),
        );
        await recordAudit(trx as Kysely<DB>, deps.clock, {
          clinicId,
          actor,
          action: 'satisfaction.settings_saved',
          entityType: 'satisfaction_settings',
          entityId: clinicId,
          detail: { fields: changed, enabled: next.enabled },
          ip,
        });
      });
      return this.settingsView(clinicId);
    },

    async settingsView(clinicId: string) {
      const s = await loadSurveySettings(db, clinicId);
      return { ...s, reviewUrl: s.placeId ? reviewUrl(s.placeId) : null };
    },

    /** The messages a patient would get, for the settings page's preview. */
    async preview(clinicId: string, input: { messageText: string; placeId: string }) {
      const clinic = await clinicService(deps).get(clinicId);
      const placeId = parsePlaceId(input.placeId) ?? '';
      const uri = 'https://liff.line.me/preview/survey';
      return {
        survey: surveyMessage(
          fill(input.messageText, { name: '王小明', clinic: clinic.name, doctor: '林醫師' }),
          'x',
          uri,
        ),
        afterLow: afterAnswerMessages(2, uri, placeId),
        afterHigh: afterAnswerMessages(5, uri, placeId),
      };
    },

    /**
     * Stars from a LINE postback (`ref`: the LINE event). Counted once: a second tap is told it
     * was recorded; the same event processed again gets the same answer as the first time.
     */
    async answer(clinicId: string, surveyId: string, lineUserId: string, stars: number, ref: string) {
      const sv = await repo.get(clinicId, surveyId);
      const at = now();
      const refused = answerable(sv, lineUserId, at);
      if (refused) return refused;
      if (sv!.stars !== null)
        return sv!.answer_ref === ref ? { ok: true as const, row: sv!, again: true } : answered(sv!);
      const s = await loadSurveySettings(db, clinicId);
      const ok = await repo.answer(clinicId, sv!.id, {
        stars,
        answered_at: at.toISOString(),
        answer_ref: ref,
        review_offered: s.placeId ? 1 : 0,
        updated_at: at.toISOString(),
      });
      const row = (await repo.get(clinicId, sv!.id))!;
      if (!ok) return row.answer_ref === ref ? { ok: true as const, row, again: true } : answered(row);
      return { ok: true as const, row, again: false };
    },

    /** The replies to a star tap. */
    async answerMessages(clinicId: string, r: AnswerResult): Promise<messagingApi.Message[]> {
      if (r.ok) {
        const s = await loadSurveySettings(db, clinicId);
        return afterAnswerMessages(r.row.stars!, await commentUri(clinicId, r.row.id), s.placeId);
      }
      const text =
        r.reason === 'answered'
          ? `您已經評分過了（${starsText(r.row!.stars!)} ${r.row!.stars} 星），我們有收到，謝謝您！`
          : r.reason === 'expired'
            ? `這份滿意度調查已超過填答期限，這次的點選沒有記錄。謝謝您的關心！如有任何意見，歡迎直接在這裡留言告訴我們。`
            : '找不到這份滿意度調查，謝謝您。如有任何意見，歡迎直接在這裡留言告訴我們。';
      return [{ type: 'text', text }];
    },

    /**
     * The patient's comment (LIFF page or a LINE text after low stars): stored once; with 3 stars
     * or fewer it opens a feedback case (kind suggestion, source survey) for staff to follow up.
     */
    async comment(
      clinicId: string,
      surveyId: string,
      u: { lineUserId: string; displayName: string },
      input: { comment: string; stars?: number; via: 'liff' | 'line'; ref: string },
      ip: string,
    ) {
      const text = input.comment.trim();
      if (text.length > COMMENT_MAX)
        throw errors.validation([
          {
            field: 'comment',
            code: 'maxLength',
            message:
              `意見最多 ${COMMENT_MAX.toLocaleString('en-US')} 字，` +
              `目前 ${text.length.toLocaleString('en-US')} 字，請精簡後再送出`,
          },
        ]);
      let sv = await repo.get(clinicId, surveyId);
      const at = now();
      const refused = answerable(sv, u.lineUserId, at);
      if (refused?.reason === 'not_found' || refused?.reason === 'not_sent') throw errors.notFound('滿意度調查');
      if (refused?.reason === 'expired')
        throw errors.conflict('SURVEY_EXPIRED', '這份滿意度調查已超過填答期限，無法再送出。謝謝您的關心！', {});
      if (sv!.stars === null) {
        if (!input.stars)
          throw errors.validation([{ field: 'stars', code: 'required', message: '請先選擇 1 到 5 顆星' }]);
        await this.answer(clinicId, surveyId, u.lineUserId, input.stars, input.ref);
        sv = (await repo.get(clinicId, surveyId))!;
      }
      if (text && sv!.comment === null) {
        const stored = await repo.comment(clinicId, sv!.id, {
          comment: text,
          commented_at: at.toISOString(),
          comment_via: input.via,
          updated_at: at.toISOString(),
        });
        if (stored && sv!.stars! <= 3) await this.openCase(clinicId, (await repo.get(clinicId, sv!.id))!, u, ip);
      }
      return this.patientView(clinicId, (await repo.get(clinicId, sv!.id))!);
    },

    async openCase(clinicId: string, sv: SurveyRow, u: { lineUserId: string; displayName: string }, ip: string) {
      const doctor = await doctorById(db, clinicId, sv.doctor_id);
      const tz = await clinicService(deps).timeZoneOf(clinicId);
      const { row } = await caseService(deps).open(
        clinicId,
        {
          kind: 'suggestion',
          category: 'other',
          severity: 'normal',
          source: 'survey',
          sourceRef: `survey:${sv.id}`,
          lineUserId: u.lineUserId,
          patientId: sv.patient_id,
          contactName: u.displayName,
          contactMethod: 'line',
          text:
            `滿意度調查 ${sv.stars} 星（${formatInZone(sv.visit_at, tz, 'date')} ${doctor?.name ?? ''}` +
            `${sv.visit_type ? `・${sv.visit_type}` : ''}）：${sv.comment ?? ''}`,
        },
        { type: 'patient', id: u.lineUserId, label: `病患本人（LINE ${u.displayName || u.lineUserId.slice(0, 8)}）` },
        ip,
      );
      await repo.setCase(clinicId, sv.id, row);
      return row;
    },

    /**
     * A LINE text right after low stars, the answer to 「哪裡可以更好」: the comment of the user's
     * survey that awaits one (answered within TEXT_COMMENT_MINUTES with 3 stars or fewer); null
     * when none does. The display name (the case's contact) is read only then: most texts are none.
     */
    async textComment(clinicId: string, lineUserId: string, text: string, ref: string) {
      const since = new Date(now().getTime() - TEXT_COMMENT_MINUTES * 60_000).toISOString();
      const sv = await repo.awaitingComment(clinicId, lineUserId, since);
      if (!sv) return null;
      const trimmed = text.trim().slice(0, COMMENT_MAX);
      const u = { lineUserId, displayName: await displayNameOf(deps, clinicId, lineUserId) };
      await this.comment(clinicId, sv.id, u, { comment: trimmed, via: 'line', ref }, '');
      return (await repo.get(clinicId, sv.id))!;
    },

    /** The survey as its patient sees it on the comment page. */
    async patientSurvey(clinicId: string, surveyId: string, lineUserId: string) {
      const sv = await repo.get(clinicId, surveyId);
      if (!sv || sv.line_user_id !== lineUserId || !sv.sent_at) throw errors.notFound('滿意度調查');
      return this.patientView(clinicId, sv);
    },

    async patientView(clinicId: string, sv: SurveyRow) {
      const [s, doctor, tz] = await Promise.all([
        loadSurveySettings(db, clinicId),
        doctorById(db, clinicId, sv.doctor_id),
        clinicService(deps).timeZoneOf(clinicId),
      ]);
      return {
        id: sv.id,
        visitDate: formatInZone(sv.visit_at, tz, 'date'),
        doctorName: doctor?.name ?? '',
        visitType: sv.visit_type,
        stars: sv.stars,
        comment: sv.comment,
        expired: !!sv.expires_at && sv.expires_at <= now().toISOString(),
        caseNumber: sv.case_number,
        askImprove: sv.stars !== null && sv.stars <= 3,
        reviewUrl: s.placeId ? reviewUrl(s.placeId) : null,
        commentMax: COMMENT_MAX,
      };
    },
  };
}

const answered = (row: SurveyRow): Refusal => ({ ok: false, reason: 'answered', row });

/** The patient's display name on LINE (for the case's contact). */
async function displayNameOf(deps: Deps, clinicId: string, lineUserId: string) {
  return (await lineService(deps).friend(clinicId, lineUserId))?.display_name ?? '';
}
