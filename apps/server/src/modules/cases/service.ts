// Complaints and feedback cases (客訴／意見): opened from a LINE message, the patient's LIFF form,
// or by staff for a phone call; moved new → acknowledged (受理) → replied (已回覆) → closed (結案)
// with a timeline; two clocks (first action, reply) counted in the clinic's open hours, each
// escalated once when it runs out; the patient told in LINE when the case moves (pushes written
// in the same transaction as the move, so each goes out once) and asked on closing whether it
// was resolved to their satisfaction.
import type { messagingApi } from '@line/bot-sdk';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { recordAudit, systemActor, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { enqueueJob, jobType, wakeWorkers } from '../../platform/jobs.ts';
import { addDays, formatInZone, localParts, zonedTime } from '../../platform/time.ts';
import { normalizeTwPhone } from '../../platform/tw.ts';
import { Type } from 'typebox';
import { bindingService } from '../binding/service.ts';
import { loadClinicCalendar } from '../calendar/service.ts';
import { clinicService } from '../clinics/service.ts';
import { inboxService } from '../line/inbox.service.ts';
import { queuePush } from '../line/push.ts';
import { lineService } from '../line/service.ts';
import { patientService } from '../patients/service.ts';
import { staffService } from '../staff/service.ts';
import { emitWebhookEvent } from '../webhooks/service.ts';
import { addOpenMinutes, hoursText, openMinutesBetween, type OpenHours } from './clock.ts';
import { caseRepository, type CaseEventRow, type CaseFilter, type CaseRow } from './repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const CASE_KINDS = { complaint: '客訴', suggestion: '意見', praise: '讚美' } as const;
export const CASE_CATEGORIES = {
  wait_time: '候診時間',
  attitude: '服務態度',
  explanation: '醫療說明',
  fees: '費用',
  environment: '環境',
  booking: '預約',
  other: '其他',
} as const;
export const CASE_SEVERITIES = { normal: '一般', important: '重要', urgent: '緊急' } as const;
export const CASE_STATUSES = { new: '新案件', acknowledged: '已受理', replied: '已回覆', closed: '已結案' } as const;
export const CASE_SOURCES = {
  line: 'LINE 聊天',
  liff: 'LINE 表單',
  phone: '電話',
  staff: '櫃台登記',
  survey: '滿意度調查',
} as const;
export const SATISFACTION = { satisfied: '滿意', neutral: '普通', unsatisfied: '不滿意' } as const;
export const CLOCKS = { first_action: '首次處理', reply: '回覆' } as const;

export type CaseKind = keyof typeof CASE_KINDS;
export type CaseCategory = keyof typeof CASE_CATEGORIES;
export type CaseSeverity = keyof typeof CASE_SEVERITIES;
export type CaseStatus = keyof typeof CASE_STATUSES;
export type CaseSource = keyof typeof CASE_SOURCES;
export type Satisfaction = keyof typeof SATISFACTION;
export type ClockName = keyof typeof CLOCKS;

/** The limits of the front desk's duties: first action within 4 hours, a reply within 24. */
export const DEFAULT_SETTINGS = { firstActionMinutes: 4 * 60, replyMinutes: 24 * 60, businessHoursOnly: true };

export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;

/** Checks a clock of a case when it is due: escalates it once if it still runs. */
export const CASE_CLOCK = jobType({
  type: 'cases.clock',
  payload: Type.Object({
    caseId: Type.String(),
    clock: Type.Union([Type.Literal('first_action'), Type.Literal('reply')]),
  }),
  defaults: { maxAttempts: 10 },
});

export type OpenInput = {
  kind: CaseKind;
  category: CaseCategory;
  severity: CaseSeverity;
  source: CaseSource;
  sourceRef?: string | null;
  lineUserId?: string | null;
  patientId?: string | null;
  contactName?: string;
  contactMethod: 'line' | 'phone';
  contactPhone?: string | null;
  contactTime?: string | null;
  text: string;
};

export type CasePatch = {
  kind?: CaseKind;
  category?: CaseCategory;
  severity?: CaseSeverity;
  ownerId?: string | null;
};

const OPEN_STATUSES: CaseStatus[] = ['new', 'acknowledged', 'replied'];

const invalidMove = (c: CaseRow, what: string) =>
  errors.conflict(
    'CASE_INVALID_TRANSITION',
    c.status === 'closed'
      ? `案件 ${c.number} 已結案，不能${what}；如需繼續處理請先「重新開啟」`
      : `案件 ${c.number} 目前為「${CASE_STATUSES[c.status as CaseStatus] ?? c.status}」，不能${what}`,
    { status: c.status },
  );

/** A stale view: the case moved between reading and writing (another staff member, the patient). */
const movedMeanwhile = (c: CaseRow) =>
  errors.conflict('CASE_CHANGED', `案件 ${c.number} 剛被其他人更新，請重新整理後再試`, { status: c.status });

function checkPhone(phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined) return null;
  const r = normalizeTwPhone(phone);
  if (!r.ok) throw errors.validation([{ field: 'contactPhone', code: 'phone', message: r.message }]);
  return phone.trim();
}

/** The patient-facing words of the two limits, e.g. 「4 小時內（以門診時間計）與您聯繫，24 小時內回覆」. */
export function limitsInWords(s: { firstActionMinutes: number; replyMinutes: number; businessHoursOnly: boolean }) {
  const note = s.businessHoursOnly ? '（以門診時間計算）' : '';
  return `我們會在 ${hoursText(s.firstActionMinutes / 60)}內由專人受理，${hoursText(s.replyMinutes / 60)}內回覆您${note}`;
}

export function caseService(deps: Deps) {
  const repo = caseRepository(deps.db);
  const now = () => deps.clock.now();

  async function settingsOf(clinicId: string) {
    const r = await repo.settings(clinicId);
    return r
      ? {
          firstActionMinutes: Number(r.first_action_minutes),
          replyMinutes: Number(r.reply_minutes),
          businessHoursOnly: Number(r.business_hours_only) === 1,
        }
      : { ...DEFAULT_SETTINGS };
  }

  async function openHours(clinicId: string): Promise<OpenHours> {
    const [{ calendar, timeZone }, clinic, s] = await Promise.all([
      loadClinicCalendar(deps, clinicId),
      clinicService(deps).get(clinicId),
      settingsOf(clinicId),
    ]);
    return {
      timeZone,
      hours: clinic.businessHours,
      isWorkingDay: (d) => calendar.isWorkingDay(d),
      businessHoursOnly: s.businessHoursOnly,
    };
  }

  async function existing(clinicId: string, id: string) {
    const c = await repo.get(clinicId, id);
    if (!c) throw errors.notFound('案件');
    return c;
  }

  async function event(
    db: Db,
    c: { clinic_id: string; id: string },
    kind: string,
    actor: Actor,
    text = '',
    channel: string | null = null,
  ) {
    return caseRepository(db as Kysely<DB>).addEvent({
      clinic_id: c.clinic_id,
      case_id: c.id,
      kind,
      text,
      channel,
      actor_label: actor.label,
      created_at: now().toISOString(),
    });
  }

  /** The staff member who first acts on an unowned case becomes its owner (by name, as the list shows it). */
  async function takeOwnership(c: CaseRow, actor: Actor): Promise<Partial<CaseRow>> {
    if (c.owner_id || actor.type !== 'staff' || !actor.id) return {};
    const member = (await staffService(deps).list(c.clinic_id)).find((m) => m.id === actor.id);
    return { owner_id: actor.id, owner_label: member?.name || actor.label };
  }

  /** Queues one message to the case's LINE user (in the move's transaction: sent once per move). */
  async function tellPatient(db: Db, c: CaseRow, messages: messagingApi.Message[]) {
    if (!c.line_user_id) return;
    await queuePush(db, deps, c.clinic_id, {
      to: c.line_user_id,
      messages,
      source: 'case',
      relatedType: 'case',
      relatedId: c.id,
    });
  }

  const audit = (db: Db, c: CaseRow, action: string, actor: Actor, ip: string, detail?: Record<string, unknown>) =>
    recordAudit(db as Kysely<DB>, deps.clock, {
      clinicId: c.clinic_id,
      actor,
      action,
      entityType: 'case',
      entityId: c.id,
      ip,
      detail: { number: c.number, ...detail },
    });

  async function view(c: CaseRow, tz: string, extra: { ownerName?: string | null } = {}) {
    const at = now().toISOString();
    const clock = (due: string | null, done: string | null, escalated: string | null, running: boolean) => ({
      dueAt: due,
      doneAt: done,
      escalatedAt: escalated,
      state: done
        ? due && done > due
          ? ('late' as const)
          : ('met' as const)
        : !running
          ? ('stopped' as const)
          : due && at > due
            ? ('overdue' as const)
            : ('running' as const),
      dueText: due ? formatInZone(due, tz) : null,
    });
    return {
      id: c.id,
      number: c.number,
      kind: c.kind as CaseKind,
      kindLabel: CASE_KINDS[c.kind as CaseKind] ?? c.kind,
      category: c.category as CaseCategory,
      categoryLabel: CASE_CATEGORIES[c.category as CaseCategory] ?? c.category,
      severity: c.severity as CaseSeverity,
      severityLabel: CASE_SEVERITIES[c.severity as CaseSeverity] ?? c.severity,
      status: c.status as CaseStatus,
      statusLabel: CASE_STATUSES[c.status as CaseStatus] ?? c.status,
      source: c.source as CaseSource,
      sourceLabel: CASE_SOURCES[c.source as CaseSource] ?? c.source,
      ownerId: c.owner_id,
      ownerName: extra.ownerName ?? c.owner_label,
      patientId: c.patient_id,
      lineUserId: c.line_user_id,
      contactName: c.contact_name,
      contactMethod: c.contact_method as 'line' | 'phone',
      contactPhone: c.contact_phone,
      contactTime: c.contact_time,
      text: c.text,
      createdAt: c.created_at,
      firstAction: clock(c.first_action_due_at, c.first_action_at, c.first_action_escalated_at, c.status === 'new'),
      reply: clock(c.reply_due_at, c.replied_at, c.reply_escalated_at, c.status !== 'closed'),
      closedAt: c.closed_at,
      satisfaction: c.satisfaction as Satisfaction | null,
      satisfactionLabel: c.satisfaction ? (SATISFACTION[c.satisfaction as Satisfaction] ?? c.satisfaction) : null,
    };
  }

  const eventView = (e: CaseEventRow) => ({
    id: Number(e.id),
    kind: e.kind,
    text: e.text,
    channel: e.channel,
    actor: e.actor_label,
    at: e.created_at,
  });

  async function scheduleClocks(
    db: Db,
    c: { clinic_id: string; id: string; first: string | null; reply: string | null },
  ) {
    for (const [clock, due] of [
      ['first_action', c.first],
      ['reply', c.reply],
    ] as const) {
      if (!due) continue;
      await enqueueJob(
        db,
        deps.clock,
        CASE_CLOCK,
        { caseId: c.id, clock },
        { clinicId: c.clinic_id, runAt: new Date(due), idempotencyKey: `case-clock:${c.id}:${clock}:${due}` },
      );
    }
  }

  /** The one move of a case in a transaction: the conditional update, its timeline row and audit entry. */
  async function moveCase(
    c: CaseRow,
    from: CaseStatus[],
    patch: Partial<CaseRow>,
    ev: { kind: string; text?: string; channel?: string | null; action: string; detail?: Record<string, unknown> },
    actor: Actor,
    ip: string,
    after?: (trx: Transaction<DB>, moved: CaseRow) => Promise<void>,
  ) {
    await deps.db.transaction().execute(async (trx) => {
      const r = caseRepository(trx);
      const ok = await r.move(c.clinic_id, c.id, from, { ...patch, updated_at: now().toISOString() });
      if (!ok) throw movedMeanwhile(c);
      await event(trx, c, ev.kind, actor, ev.text ?? '', ev.channel ?? null);
      const moved = { ...c, ...patch };
      await audit(trx, moved, ev.action, actor, ip, ev.detail);
      await after?.(trx, moved);
    });
    wakeWorkers();
  }

  const service = {
    settings: settingsOf,
    openHours,

    async saveSettings(
      clinicId: string,
      input: { firstActionHours: number; replyHours: number; businessHoursOnly: boolean },
      actor: Actor,
      ip: string,
    ) {
      if (input.replyHours < input.firstActionHours)
        throw errors.validation([{ field: 'replyHours', code: 'range', message: '回覆時限不可短於首次處理時限' }]);
      const before = await settingsOf(clinicId);
      await repo.saveSettings({
        clinic_id: clinicId,
        first_action_minutes: Math.round(input.firstActionHours * 60),
        reply_minutes: Math.round(input.replyHours * 60),
        business_hours_only: input.businessHoursOnly ? 1 : 0,
        updated_at: now().toISOString(),
      });
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'cases.settings_saved',
        entityType: 'clinic',
        entityId: clinicId,
        ip,
        detail: {
          before: {
            firstActionHours: before.firstActionMinutes / 60,
            replyHours: before.replyMinutes / 60,
            businessHoursOnly: before.businessHoursOnly,
          },
          change: input,
        },
      });
      return this.settingsView(clinicId);
    },

    async settingsView(clinicId: string) {
      const s = await settingsOf(clinicId);
      return {
        firstActionHours: s.firstActionMinutes / 60,
        replyHours: s.replyMinutes / 60,
        businessHoursOnly: s.businessHoursOnly,
        patientText: limitsInWords(s),
      };
    },

    /**
     * Opens a case. With a sourceRef (the LINE event or message it comes from) a second call
     * returns the case the first opened (`created: false`).
     */
    async open(clinicId: string, input: OpenInput, actor: Actor, ip: string) {
      if (input.sourceRef) {
        const prior = await repo.bySourceRef(clinicId, input.sourceRef);
        if (prior) return { row: prior, created: false };
      }
      const text = input.text.trim();
      if (!text) throw errors.validation([{ field: 'text', code: 'required', message: '請填寫內容' }]);
      const contactPhone = checkPhone(input.contactPhone);
      if (input.contactMethod === 'line' && !input.lineUserId)
        throw errors.validation([
          {
            field: 'contactMethod',
            code: 'no_line',
            message: '這位民眾沒有 LINE 帳號可聯絡，請改選電話並填寫號碼',
          },
        ]);
      if (input.lineUserId && !(await lineService(deps).friend(clinicId, input.lineUserId)))
        throw errors.validation([
          { field: 'lineUserId', code: 'not_found', message: '這個 LINE 使用者沒有加入本診所的官方帳號' },
        ]);
      let patientId = input.patientId ?? null;
      if (patientId && !(await patientService(deps).summaries(clinicId, [patientId])).length)
        throw errors.validation([{ field: 'patientId', code: 'not_found', message: '找不到這位病患' }]);
      if (!patientId && input.lineUserId) {
        const family = await bindingService(deps).familyOf(clinicId, input.lineUserId);
        if (family.length === 1) patientId = family[0].id;
      }
      const [oh, s] = await Promise.all([openHours(clinicId), settingsOf(clinicId)]);
      const at = now();
      const first = addOpenMinutes(at, s.firstActionMinutes, oh)?.toISOString() ?? null;
      const reply = addOpenMinutes(at, s.replyMinutes, oh)?.toISOString() ?? null;
      const year = localParts(at, oh.timeZone).year;
      for (let attempt = 0; ; attempt++) {
        const id = newId();
        try {
          const row = await deps.db.transaction().execute(async (trx) => {
            const r = caseRepository(trx);
            const seq = (await r.maxSeq(clinicId, year)) + 1;
            const row: CaseRow = {
              id,
              clinic_id: clinicId,
              year,
              seq,
              number: `C-${year}-${String(seq).padStart(4, '0')}`,
              kind: input.kind,
              category: input.category,
              severity: input.severity,
              status: 'new',
              source: input.source,
              source_ref: input.sourceRef ?? null,
              owner_id: null,
              owner_label: null,
              patient_id: patientId,
              line_user_id: input.lineUserId ?? null,
              contact_name: (input.contactName ?? '').trim(),
              contact_method: input.contactMethod,
              contact_phone: contactPhone,
              contact_time: input.contactTime?.trim() || null,
              text,
              first_action_due_at: first,
              reply_due_at: reply,
              first_action_at: null,
              replied_at: null,
              closed_at: null,
              first_action_escalated_at: null,
              reply_escalated_at: null,
              satisfaction: null,
              satisfaction_at: null,
              created_at: at.toISOString(),
              updated_at: at.toISOString(),
            };
            await r.insert(row);
            await event(trx, row, 'opened', actor, text, input.source);
            await scheduleClocks(trx, { clinic_id: clinicId, id, first, reply });
            await audit(trx, row, 'cases.opened', actor, ip, { kind: input.kind, source: input.source });
            return row;
          });
          wakeWorkers();
          return { row, created: true };
        } catch (err) {
          // Two cases opened at once took the same number (or the same LINE event was processed
          // twice): the unique constraint refused one. Retry with the next number, or return the
          // case the other opened.
          if (input.sourceRef) {
            const prior = await repo.bySourceRef(clinicId, input.sourceRef);
            if (prior) return { row: prior, created: false };
          }
          if (attempt >= 4) throw err;
        }
      }
    },

    async create(clinicId: string, input: OpenInput, actor: Actor, ip: string) {
      const { row } = await this.open(clinicId, input, actor, ip);
      return this.get(clinicId, row.id);
    },

    async list(clinicId: string, f: Omit<CaseFilter, 'now'>) {
      const tz = await clinicService(deps).timeZoneOf(clinicId);
      const filter = { ...f, now: now().toISOString() };
      const [rows, total, overdue] = await Promise.all([
        repo.list(clinicId, filter),
        repo.count(clinicId, filter),
        repo.count(clinicId, { ...filter, status: 'open', kind: undefined, q: undefined, overdue: true }),
      ]);
      const patients = new Map(
        (
          await patientService(deps).summaries(clinicId, [
            ...new Set(rows.map((r) => r.patient_id).filter((x): x is string => !!x)),
          ])
        ).map((p) => [p.id, p.name]),
      );
      return {
        items: await Promise.all(
          rows.map(async (r) => ({
            ...(await view(r, tz)),
            patientName: r.patient_id ? (patients.get(r.patient_id) ?? null) : null,
          })),
        ),
        total,
        overdue,
      };
    },

    async get(clinicId: string, id: string) {
      const c = await existing(clinicId, id);
      const tz = await clinicService(deps).timeZoneOf(clinicId);
      const [events, photos, patient, family, friend] = await Promise.all([
        repo.events(clinicId, id),
        repo.photoIds(clinicId, id),
        c.patient_id ? patientService(deps).summaries(clinicId, [c.patient_id]) : Promise.resolve([]),
        c.line_user_id ? bindingService(deps).familyOf(clinicId, c.line_user_id) : Promise.resolve([]),
        c.line_user_id ? lineService(deps).friend(clinicId, c.line_user_id) : Promise.resolve(undefined),
      ]);
      return {
        ...(await view(c, tz)),
        patientName: patient[0]?.name ?? null,
        lineDisplayName: friend?.display_name || null,
        messageId: c.source_ref?.startsWith('message:') ? Number(c.source_ref.slice(8)) : null,
        lineFamily: family.map((p) => ({ id: p.id, name: p.name })),
        events: events.map(eventView),
        photos: photos.map((p) => ({
          id: p.id,
          contentType: p.content_type,
          bytes: Number(p.bytes),
          at: p.created_at,
        })),
      };
    },

    /** 受理: someone took the case (stops the first-action clock); the patient is told. */
    async acknowledge(clinicId: string, id: string, input: { note?: string }, actor: Actor, ip: string) {
      const c = await existing(clinicId, id);
      if (c.status !== 'new') throw invalidMove(c, '再受理');
      const at = now().toISOString();
      const patch: Partial<CaseRow> = { status: 'acknowledged', first_action_at: at };
      Object.assign(patch, await takeOwnership(c, actor));
      const s = await settingsOf(clinicId);
      await moveCase(
        c,
        ['new'],
        patch,
        { kind: 'acknowledged', text: input.note?.trim() ?? '', action: 'cases.acknowledged' },
        actor,
        ip,
        (trx, moved) =>
          tellPatient(trx, moved, [
            {
              type: 'text',
              text:
                `您反映的意見（案件編號 ${c.number}）已由專人受理，我們會在 ${hoursText(s.replyMinutes / 60)}內` +
                `${s.businessHoursOnly ? '（以門診時間計算）' : ''}回覆您，謝謝您的耐心。`,
            },
          ]),
      );
      return this.get(clinicId, id);
    },

    /**
     * A reply to the patient: on LINE (the text is pushed to them, headed with the case number)
     * or recorded as a phone call (the patient is told in LINE that we called, when they have
     * LINE). Stops both clocks; further replies are recorded on the timeline.
     */
    async reply(
      clinicId: string,
      id: string,
      input: { channel: 'line' | 'phone'; text: string; clientKey?: string },
      actor: Actor,
      ip: string,
    ) {
      const c = await existing(clinicId, id);
      if (c.status === 'closed') throw invalidMove(c, '再回覆');
      const text = input.text.trim();
      if (!text) throw errors.validation([{ field: 'text', code: 'required', message: '請填寫回覆內容' }]);
      if (input.channel === 'line') {
        if (!c.line_user_id)
          throw new AppError('CASE_NO_LINE_USER', 409, `案件 ${c.number} 沒有 LINE 帳號可回覆，請以電話回覆後記錄`);
        // The inbox's reply path: the free Reply API while the patient's token is fresh, else a
        // push; the conversation is done and the bot pauses. Sent once per client key: a double
        // click (or a retry after a lost answer) neither sends nor records a second reply.
        const sent = await inboxService(deps).send(
          clinicId,
          c.line_user_id,
          { clientKey: `case:${c.id}:${input.clientKey ?? newId()}`, text: `【案件 ${c.number} 回覆】\n${text}` },
          actor,
          ip,
        );
        if (sent.duplicate) return this.get(clinicId, id);
      }
      const at = now().toISOString();
      const patch: Partial<CaseRow> = { status: 'replied', replied_at: c.replied_at ?? at };
      if (!c.first_action_at) patch.first_action_at = at;
      Object.assign(patch, await takeOwnership(c, actor));
      await moveCase(
        c,
        OPEN_STATUSES,
        patch,
        { kind: 'replied', text, channel: input.channel, action: 'cases.replied', detail: { channel: input.channel } },
        actor,
        ip,
        (trx, moved) =>
          input.channel === 'line' || c.replied_at
            ? Promise.resolve()
            : tellPatient(trx, moved, [
                {
                  type: 'text',
                  text: `關於您反映的意見（案件編號 ${c.number}），我們已以電話與您聯繫說明。如還有任何問題，歡迎直接在這裡留言。`,
                },
              ]),
      );
      return this.get(clinicId, id);
    },

    /** 結案: the patient is thanked and asked whether the matter was resolved to their satisfaction. */
    async close(clinicId: string, id: string, input: { note?: string }, actor: Actor, ip: string) {
      const c = await existing(clinicId, id);
      if (c.status === 'new') throw invalidMove(c, '直接結案，請先受理');
      if (c.status === 'closed') throw invalidMove(c, '再結案');
      const at = now().toISOString();
      await moveCase(
        c,
        ['acknowledged', 'replied'],
        { status: 'closed', closed_at: at, satisfaction: null, satisfaction_at: null },
        { kind: 'closed', text: input.note?.trim() ?? '', action: 'cases.closed' },
        actor,
        ip,
        (trx, moved) =>
          tellPatient(trx, moved, [
            {
              type: 'text',
              text: `您反映的意見（案件編號 ${c.number}）已處理完成並結案，謝謝您寶貴的意見，讓我們能做得更好。`,
            },
            closingQuestion(moved),
          ]),
      );
      return this.get(clinicId, id);
    },

    /** Reopens a closed case (the patient was not satisfied, or more came up): back to 已受理. */
    async reopen(clinicId: string, id: string, input: { note?: string }, actor: Actor, ip: string) {
      const c = await existing(clinicId, id);
      if (c.status !== 'closed') throw invalidMove(c, '重新開啟（尚未結案）');
      await moveCase(
        c,
        ['closed'],
        { status: 'acknowledged', closed_at: null },
        { kind: 'reopened', text: input.note?.trim() ?? '', action: 'cases.reopened' },
        actor,
        ip,
      );
      return this.get(clinicId, id);
    },

    async note(clinicId: string, id: string, text: string, actor: Actor, ip: string) {
      const c = await existing(clinicId, id);
      const t = text.trim();
      if (!t) throw errors.validation([{ field: 'text', code: 'required', message: '請填寫備註內容' }]);
      await deps.db.transaction().execute(async (trx) => {
        await event(trx, c, 'note', actor, t);
        await audit(trx, c, 'cases.noted', actor, ip, { chars: t.length });
      });
      return this.get(clinicId, id);
    },

    async update(clinicId: string, id: string, patch: CasePatch, actor: Actor, ip: string) {
      const c = await existing(clinicId, id);
      const set: Partial<CaseRow> = {};
      const changes: string[] = [];
      if (patch.kind && patch.kind !== c.kind) {
        set.kind = patch.kind;
        changes.push(`類型：${CASE_KINDS[patch.kind]}`);
      }
      if (patch.category && patch.category !== c.category) {
        set.category = patch.category;
        changes.push(`分類：${CASE_CATEGORIES[patch.category]}`);
      }
      if (patch.severity && patch.severity !== c.severity) {
        set.severity = patch.severity;
        changes.push(`嚴重度：${CASE_SEVERITIES[patch.severity]}`);
      }
      if (patch.ownerId !== undefined && patch.ownerId !== c.owner_id) {
        if (patch.ownerId === null) {
          set.owner_id = null;
          set.owner_label = null;
          changes.push('負責人：（未指派）');
        } else {
          const member = (await staffService(deps).list(clinicId)).find((m) => m.id === patch.ownerId);
          if (!member) throw errors.validation([{ field: 'ownerId', code: 'not_found', message: '找不到這位人員' }]);
          set.owner_id = member.id;
          set.owner_label = member.name || member.email;
          changes.push(`負責人：${set.owner_label}`);
        }
      }
      if (!changes.length) return this.get(clinicId, id);
      await deps.db.transaction().execute(async (trx) => {
        await caseRepository(trx).update(clinicId, id, { ...set, updated_at: now().toISOString() });
        await event(trx, c, 'updated', actor, changes.join('；'));
        await audit(trx, c, 'cases.updated', actor, ip, { change: patch });
      });
      return this.get(clinicId, id);
    },

    /** A case as its patient sees it on the LIFF form (only their own: another's is 404). */
    async liffCase(u: { clinicId: string; lineUserId: string }, id: string) {
      const c = await repo.get(u.clinicId, id);
      if (!c || c.line_user_id !== u.lineUserId) throw errors.notFound('案件');
      return {
        id: c.id,
        number: c.number,
        kind: c.kind as CaseKind,
        category: c.category as CaseCategory,
        statusLabel: CASE_STATUSES[c.status as CaseStatus] ?? c.status,
        text: c.text,
        photos: await repo.photoCount(u.clinicId, c.id),
        contactMethod: c.contact_method as 'line' | 'phone',
        contactPhone: c.contact_phone,
        contactTime: c.contact_time,
        limitsText: limitsInWords(await settingsOf(u.clinicId)),
        closed: c.status === 'closed',
      };
    },

    /**
     * The patient's LIFF form: adds details (category, text, photos, how to be contacted) to the
     * case their LINE message opened, or opens a new one. The same submissionId again changes
     * nothing more (a double tap, a retry after a lost answer).
     */
    async submitLiff(
      u: { clinicId: string; lineUserId: string; displayName: string },
      b: {
        caseId?: string;
        submissionId: string;
        kind: CaseKind;
        category: CaseCategory;
        text: string;
        photos: string[];
        contactMethod: 'line' | 'phone';
        contactPhone?: string;
        contactTime?: string;
      },
      ip: string,
    ) {
      const actor: Actor = {
        type: 'patient',
        id: u.lineUserId,
        label: `病患本人（LINE ${u.displayName || u.lineUserId.slice(0, 8)}）`,
      };
      const contactPhone = checkPhone(b.contactPhone);
      if (b.contactMethod === 'phone' && !contactPhone)
        throw errors.validation([
          { field: 'contactPhone', code: 'required', message: '選擇電話聯絡時，請留下電話號碼' },
        ]);
      const ref = `liff:${b.submissionId}`;
      if (!b.caseId) {
        if (await repo.bySourceRef(u.clinicId, ref))
          return this.liffCase(u, (await repo.bySourceRef(u.clinicId, ref))!.id);
        if (!b.text.trim())
          throw errors.validation([{ field: 'text', code: 'required', message: '請告訴我們發生了什麼事' }]);
        checkPhotos(b.photos); // before the case exists: a bad photo opens nothing
        const { row } = await this.open(
          u.clinicId,
          {
            kind: b.kind,
            category: b.category,
            severity: 'normal',
            source: 'liff',
            sourceRef: ref,
            lineUserId: u.lineUserId,
            contactName: u.displayName,
            contactMethod: b.contactMethod,
            contactPhone,
            contactTime: b.contactTime,
            text: b.text,
          },
          actor,
          ip,
        );
        await this.addPhotos(deps.db, row, b.photos);
        return this.liffCase(u, row.id);
      }
      const c = await repo.get(u.clinicId, b.caseId);
      if (!c || c.line_user_id !== u.lineUserId) throw errors.notFound('案件');
      if (c.status === 'closed')
        throw errors.conflict('CASE_CLOSED', `案件 ${c.number} 已結案；如有新的意見，請直接在聊天室留言`);
      const events = await repo.events(u.clinicId, c.id);
      if (events.some((e) => e.kind === 'details' && e.channel === ref)) return this.liffCase(u, c.id);
      await deps.db.transaction().execute(async (trx) => {
        await this.addPhotos(trx, c, b.photos);
        await caseRepository(trx).update(u.clinicId, c.id, {
          kind: b.kind,
          category: b.category,
          contact_method: b.contactMethod,
          contact_phone: contactPhone,
          contact_time: b.contactTime?.trim() || null,
          updated_at: now().toISOString(),
        });
        const details = [
          b.text.trim(),
          b.photos.length ? `（附 ${b.photos.length} 張照片）` : '',
          `聯絡方式：${b.contactMethod === 'line' ? 'LINE' : `電話 ${contactPhone}`}` +
            (b.contactTime ? `，${b.contactTime}` : ''),
        ].filter(Boolean);
        await event(trx, c, 'details', actor, details.join('\n'), ref);
        await audit(trx, c, 'cases.details_added', actor, ip, { photos: b.photos.length });
      });
      return this.liffCase(u, c.id);
    },

    /** Photos of a case (JPEG or PNG, checked by their first bytes, at most MAX_PHOTOS per case). */
    async addPhotos(db: Db, c: CaseRow, photos: string[]) {
      if (!photos.length) return;
      const r = caseRepository(db as Kysely<DB>);
      if ((await r.photoCount(c.clinic_id, c.id)) + photos.length > MAX_PHOTOS)
        throw errors.validation([{ field: 'photos', code: 'maxItems', message: `每個案件最多 ${MAX_PHOTOS} 張照片` }]);
      for (const { type, bytes } of checkPhotos(photos)) {
        await r.addPhoto({
          id: newId(),
          clinic_id: c.clinic_id,
          case_id: c.id,
          content_type: type,
          bytes: bytes.length,
          data: bytes.toString('base64'),
          created_at: now().toISOString(),
        });
      }
    },

    async photo(clinicId: string, caseId: string, photoId: string) {
      const p = await repo.photo(clinicId, caseId, photoId);
      if (!p) throw errors.notFound('照片');
      return { contentType: p.content_type, data: Buffer.from(p.data, 'base64') };
    },

    /**
     * A clock's job at its due time: escalates once (the update that sets *_escalated_at runs only
     * while it is null and the clock still runs) — a timeline row, a signed `case.escalated`
     * webhook event and the notice on the cases page.
     */
    async escalate(clinicId: string, caseId: string, clock: ClockName): Promise<boolean> {
      const c = await repo.get(clinicId, caseId);
      if (!c) return false;
      const due = clock === 'first_action' ? c.first_action_due_at : c.reply_due_at;
      const running =
        clock === 'first_action' ? c.status === 'new' : OPEN_STATUSES.includes(c.status as CaseStatus) && !c.replied_at;
      const at = now().toISOString();
      if (!due || !running || at < due) return false;
      const column = clock === 'first_action' ? 'first_action_escalated_at' : 'reply_escalated_at';
      const escalated = await deps.db.transaction().execute(async (trx) => {
        const r = caseRepository(trx);
        const from: CaseStatus[] = clock === 'first_action' ? ['new'] : ['new', 'acknowledged'];
        if (!(await r.move(clinicId, caseId, from, { [column]: at }, { nullColumn: column }))) return false;
        const limit = CLOCKS[clock];
        await event(trx, c, 'escalated', systemActor, `${limit}時限已到（${c.number}），已通知管理員`, null);
        await emitWebhookEvent(trx, deps, {
          clinicId,
          type: 'case.escalated',
          orderingKey: `case:${caseId}`,
          data: {
            caseId,
            number: c.number,
            clock,
            dueAt: due,
            kind: c.kind,
            category: c.category,
            severity: c.severity,
            status: c.status,
            ownerId: c.owner_id,
            openedAt: c.created_at,
          },
        });
        await audit(trx, c, 'cases.escalated', systemActor, '', { clock, dueAt: due });
        return true;
      });
      if (escalated) wakeWorkers();
      return escalated;
    },

    /** The newest open case of a LINE user (a further complaint message joins it), or undefined. */
    openCaseOf: async (clinicId: string, lineUserId: string) => (await repo.openOfLineUser(clinicId, lineUserId))[0],

    /**
     * A further message of the patient joins their open case's timeline (once per LINE event:
     * `ref` is the event); returns whether it was added now.
     */
    async addPatientMessage(c: CaseRow, text: string, ref: string, actor: Actor): Promise<boolean> {
      if ((await repo.events(c.clinic_id, c.id)).some((e) => e.kind === 'details' && e.channel === ref)) return false;
      await deps.db.transaction().execute(async (trx) => {
        await event(trx, c, 'details', actor, text, ref);
        await audit(trx, c, 'cases.details_added', actor, '', { photos: 0 });
      });
      return true;
    },

    /**
     * A staff member answered this LINE user in the inbox: their open case counts as acted on
     * and replied to (both clocks stop). The patient already has the reply, so nothing is sent.
     */
    async staffRepliedOnLine(clinicId: string, lineUserId: string, actor: Actor) {
      for (const c of await repo.openOfLineUser(clinicId, lineUserId)) {
        if (c.replied_at) continue;
        const at = now().toISOString();
        const patch: Partial<CaseRow> = { status: 'replied', replied_at: at, first_action_at: c.first_action_at ?? at };
        Object.assign(patch, await takeOwnership(c, actor));
        await deps.db.transaction().execute(async (trx) => {
          if (!(await caseRepository(trx).move(clinicId, c.id, ['new', 'acknowledged'], { ...patch, updated_at: at })))
            return;
          await event(trx, c, 'replied', actor, '在收件匣回覆病患', 'inbox');
          await audit(trx, c, 'cases.replied', actor, '', { channel: 'inbox' });
        });
      }
    },

    /** The patient's answer to the closing question (once per closing). */
    async rate(clinicId: string, caseId: string, lineUserId: string, value: Satisfaction) {
      const c = await repo.get(clinicId, caseId);
      if (!c || c.line_user_id !== lineUserId) return { ok: false as const, reason: 'not_found' as const };
      if (c.status !== 'closed') return { ok: false as const, reason: 'reopened' as const, row: c };
      const at = now().toISOString();
      const patient: Actor = { type: 'patient', id: lineUserId, label: `病患本人（LINE）` };
      const done = await deps.db.transaction().execute(async (trx) => {
        const r = caseRepository(trx);
        // 不滿意 reopens the case at once: someone follows it up again.
        const reopen = value === 'unsatisfied' ? { status: 'acknowledged', closed_at: null } : {};
        const patch = { satisfaction: value, satisfaction_at: at, updated_at: at, ...reopen };
        if (!(await r.move(clinicId, caseId, ['closed'], patch, { nullColumn: 'satisfaction' }))) return false;
        await event(trx, c, 'satisfaction', patient, SATISFACTION[value]);
        if (value === 'unsatisfied') await event(trx, c, 'reopened', patient, '病患表示不滿意，案件重新開啟');
        await audit(trx, c, 'cases.rated', patient, '', { satisfaction: value });
        return true;
      });
      return done ? { ok: true as const, row: c } : { ok: false as const, reason: 'answered' as const, row: c };
    },

    /**
     * Figures for a period (cases opened in [from, to], local dates): by category and month, the
     * open minutes to first action and to reply (median and average), the share within the
     * limits, and the closing question's answers.
     */
    async stats(clinicId: string, from: string, to: string) {
      if (to < from || new Date(to).getTime() - new Date(from).getTime() > 400 * 86_400_000)
        throw errors.validation([
          { field: 'to', code: 'range', message: '日期區間不正確（起日不可晚於迄日，最多 400 天）' },
        ]);
      const oh = await openHours(clinicId);
      const start = zonedTime(from, '00:00', oh.timeZone).toISOString();
      const end = zonedTime(addDays(to, 1), '00:00', oh.timeZone).toISOString();
      const rows = await repo.openedBetween(clinicId, start, end);
      const byCategory = new Map<string, number>();
      const byMonth = new Map<string, { month: string; complaint: number; suggestion: number; praise: number }>();
      const firstMins: number[] = [];
      const replyMins: number[] = [];
      let firstWithin = 0,
        firstDone = 0,
        replyWithin = 0,
        replyDone = 0;
      const sat = { satisfied: 0, neutral: 0, unsatisfied: 0 };
      for (const r of rows) {
        byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + 1);
        const month = formatInZone(r.created_at, oh.timeZone, 'date').slice(0, 7);
        const m = byMonth.get(month) ?? { month, complaint: 0, suggestion: 0, praise: 0 };
        if (r.kind in m) m[r.kind as CaseKind]++;
        byMonth.set(month, m);
        if (r.first_action_at) {
          firstDone++;
          firstMins.push(openMinutesBetween(new Date(r.created_at), new Date(r.first_action_at), oh));
          if (!r.first_action_due_at || r.first_action_at <= r.first_action_due_at) firstWithin++;
        }
        if (r.replied_at) {
          replyDone++;
          replyMins.push(openMinutesBetween(new Date(r.created_at), new Date(r.replied_at), oh));
          if (!r.reply_due_at || r.replied_at <= r.reply_due_at) replyWithin++;
        }
        if (r.satisfaction && r.satisfaction in sat) sat[r.satisfaction as Satisfaction]++;
      }
      const figure = (mins: number[], done: number, within: number) => ({
        count: done,
        medianMinutes: median(mins),
        averageMinutes: mins.length ? Math.round(mins.reduce((a, b) => a + b, 0) / mins.length) : null,
        withinLimit: within,
        withinLimitShare: done ? within / done : null,
      });
      const answered = sat.satisfied + sat.neutral + sat.unsatisfied;
      return {
        from,
        to,
        total: rows.length,
        open: rows.filter((r) => r.status !== 'closed').length,
        byCategory: Object.entries(CASE_CATEGORIES).map(([category, label]) => ({
          category: category as CaseCategory,
          label,
          count: byCategory.get(category) ?? 0,
        })),
        byMonth: [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month)),
        firstAction: figure(firstMins, firstDone, firstWithin),
        reply: figure(replyMins, replyDone, replyWithin),
        satisfaction: { ...sat, answered, satisfiedShare: answered ? sat.satisfied / answered : null },
      };
    },
  };
  return service;
}

export type CaseService = ReturnType<typeof caseService>;

/** 「這次的處理您滿意嗎？」 with three quick replies (postbacks carrying the case id). */
/** Decodes and checks photos: JPEG or PNG by their first bytes, each at most MAX_PHOTO_BYTES. */
function checkPhotos(photos: string[]) {
  return photos.map((b64, i) => {
    const bytes = Buffer.from(b64, 'base64');
    const type = imageType(bytes);
    if (!type)
      throw errors.validation([{ field: `photos.${i}`, code: 'format', message: '照片只接受 JPEG 或 PNG 格式' }]);
    if (bytes.length > MAX_PHOTO_BYTES)
      throw errors.validation([
        { field: `photos.${i}`, code: 'maxBytes', message: `每張照片不可超過 ${MAX_PHOTO_BYTES / 1024 / 1024} MB` },
      ]);
    return { type, bytes };
  });
}

export function closingQuestion(c: { id: string; number: string }): messagingApi.Message {
  return {
    type: 'text',
    text: '這次的處理您滿意嗎？',
    quickReply: {
      items: (Object.entries(SATISFACTION) as [Satisfaction, string][]).map(([value, label]) => ({
        type: 'action' as const,
        action: { type: 'postback' as const, label, data: `case:rate:${c.id}:${value}`, displayText: label },
      })),
    },
  };
}

function imageType(b: Buffer): string | null {
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  return null;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return Math.round(s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2);
}
