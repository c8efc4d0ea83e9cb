// The follow-up list (待追蹤): tasks for staff opened from a patient's answer (a care plan's
// check-in, a no-show message's 「請診所與我聯絡」) or by staff. Each has a priority and a clock
// counted in the clinic's open hours (clock.ts), an owner, and moves open (待處理) → in_progress
// (處理中) → done (已完成) with an outcome; every move is on the task's history and audited.
// `openFollowUp` is the contract with the other modules: idempotent per key.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { recordAudit, systemActor, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { formatInZone } from '../../platform/time.ts';
import type { OpenHours } from '../cases/clock.ts';
import { loadClinicCalendar } from '../calendar/service.ts';
import { clinicService } from '../clinics/service.ts';
import { handToPerson } from '../line/inbox.ts';
import { patientsByIds } from '../patients/service.ts';
import { staffService } from '../staff/service.ts';
import { DUE_OPEN_MINUTES, followUpDueAt, type FollowUpPriority } from './clock.ts';
import {
  ACTIVE,
  followUpRepository,
  type FollowUpEventRow,
  type FollowUpFilter,
  type FollowUpRow,
} from './repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const FOLLOW_UP_SOURCES = {
  care_checkin: '照護計畫回覆',
  no_show: '未到診關懷',
  broadcast_reply: '群發回覆',
  staff: '人員建立',
} as const;
export const FOLLOW_UP_STATUSES = { open: '待處理', in_progress: '處理中', done: '已完成' } as const;
export const FOLLOW_UP_PRIORITIES = { normal: '一般', high: '優先' } as const;
export const FOLLOW_UP_OUTCOMES = {
  called: '已電話關心',
  rebooked: '已安排回診',
  no_answer: '病患無回應',
  other: '其他',
} as const;

export type FollowUpSource = keyof typeof FOLLOW_UP_SOURCES;
export type FollowUpStatus = keyof typeof FOLLOW_UP_STATUSES;
export type FollowUpOutcome = keyof typeof FOLLOW_UP_OUTCOMES;
export type { FollowUpPriority };

export type OpenFollowUpInput = {
  patientId: string;
  appointmentId: string | null;
  lineUserId: string | null;
  source: FollowUpSource;
  priority: FollowUpPriority;
  title: string;
  answer: string | null;
  refId: string | null;
  idempotencyKey: string;
};

async function openHoursOf(deps: Deps, clinicId: string): Promise<OpenHours> {
  const [{ calendar, timeZone }, clinic] = await Promise.all([
    loadClinicCalendar(deps, clinicId),
    clinicService(deps).get(clinicId),
  ]);
  return {
    timeZone,
    hours: clinic.businessHours,
    isWorkingDay: (d) => calendar.isWorkingDay(d),
    businessHoursOnly: true,
  };
}

async function addEvent(
  deps: Deps,
  db: Db,
  t: { clinic_id: string; id: string },
  kind: string,
  actor: Actor,
  text = '',
) {
  await followUpRepository(db as Kysely<DB>).addEvent({
    clinic_id: t.clinic_id,
    follow_up_id: t.id,
    kind,
    text,
    actor_label: actor.label,
    created_at: deps.clock.now().toISOString(),
  });
}

/**
 * Opens a follow-up task for staff, once per `idempotencyKey` (a second call with the same key
 * returns the first task's id and changes nothing). Its due time comes from the priority
 * (clock.ts). With a LINE user, the conversation also shows as 待回覆 in the inbox (reason
 * care) so whoever answers LINE sees it. Sends nothing to the patient: the caller answers.
 */
export async function openFollowUp(deps: Deps, clinicId: string, input: OpenFollowUpInput): Promise<string> {
  const repo = followUpRepository(deps.db);
  const prior = await repo.byKey(clinicId, input.idempotencyKey);
  if (prior) return prior.id;
  const at = deps.clock.now();
  const due = followUpDueAt(at, input.priority, await openHoursOf(deps, clinicId));
  const id = newId();
  const title = input.title.trim().slice(0, 200) || FOLLOW_UP_SOURCES[input.source];
  try {
    await deps.db.transaction().execute(async (trx) => {
      const row: FollowUpRow = {
        id,
        clinic_id: clinicId,
        source: input.source,
        priority: input.priority,
        status: 'open',
        title,
        answer: input.answer?.slice(0, 2000) ?? null,
        patient_id: input.patientId,
        appointment_id: input.appointmentId,
        line_user_id: input.lineUserId,
        ref_id: input.refId,
        idempotency_key: input.idempotencyKey,
        owner_id: null,
        owner_label: null,
        due_at: due?.toISOString() ?? null,
        outcome: null,
        outcome_note: null,
        done_at: null,
        created_at: at.toISOString(),
        updated_at: at.toISOString(),
      };
      await followUpRepository(trx).insert(row);
      await addEvent(deps, trx, row, 'opened', systemActor, input.answer ? `病患回覆：${input.answer}` : title);
      await recordAudit(trx, deps.clock, {
        clinicId,
        actor: systemActor,
        action: 'follow_ups.opened',
        entityType: 'follow_up',
        entityId: id,
        detail: { source: input.source, priority: input.priority, appointmentId: input.appointmentId },
      });
    });
  } catch (err) {
    // The same key opened at once by two callers: the unique constraint refused one.
    const other = await repo.byKey(clinicId, input.idempotencyKey);
    if (other) return other.id;
    throw err;
  }
  if (input.lineUserId)
    await handToPerson(deps, clinicId, input.lineUserId, {
      reason: 'care',
      note: `待追蹤：${title}`,
      appointmentId: input.appointmentId ?? undefined,
    });
  return id;
}

/** The active tasks and how many of them are past due (the home page's counter). */
export async function followUpCounts(deps: Deps, clinicId: string) {
  const repo = followUpRepository(deps.db);
  const now = deps.clock.now().toISOString();
  const base = { now, limit: 1, offset: 0 };
  const [active, overdue] = await Promise.all([
    repo.count(clinicId, { ...base, status: 'active' }),
    repo.count(clinicId, { ...base, status: 'active', overdue: true }),
  ]);
  return { active, overdue };
}

const movedMeanwhile = () => errors.conflict('FOLLOW_UP_CHANGED', '這筆待追蹤剛被其他人更新，請重新整理後再試');

export function followUpService(deps: Deps) {
  const repo = followUpRepository(deps.db);
  const now = () => deps.clock.now();

  async function existing(clinicId: string, id: string) {
    const t = await repo.get(clinicId, id);
    if (!t) throw errors.notFound('待追蹤');
    return t;
  }

  function view(t: FollowUpRow, tz: string) {
    const at = now().toISOString();
    const done = t.status === 'done';
    return {
      id: t.id,
      source: t.source as FollowUpSource,
      sourceLabel: FOLLOW_UP_SOURCES[t.source as FollowUpSource] ?? t.source,
      priority: t.priority as FollowUpPriority,
      priorityLabel: FOLLOW_UP_PRIORITIES[t.priority as FollowUpPriority] ?? t.priority,
      status: t.status as FollowUpStatus,
      statusLabel: FOLLOW_UP_STATUSES[t.status as FollowUpStatus] ?? t.status,
      title: t.title,
      answer: t.answer,
      patientId: t.patient_id,
      appointmentId: t.appointment_id,
      lineUserId: t.line_user_id,
      ownerId: t.owner_id,
      ownerName: t.owner_label,
      dueAt: t.due_at,
      dueText: t.due_at ? formatInZone(t.due_at, tz) : null,
      overdue: !done && !!t.due_at && at > t.due_at,
      late: done && !!t.due_at && !!t.done_at && t.done_at > t.due_at,
      outcome: t.outcome as FollowUpOutcome | null,
      outcomeLabel: t.outcome ? (FOLLOW_UP_OUTCOMES[t.outcome as FollowUpOutcome] ?? t.outcome) : null,
      outcomeNote: t.outcome_note,
      doneAt: t.done_at,
      createdAt: t.created_at,
    };
  }

  const eventView = (e: FollowUpEventRow) => ({
    id: Number(e.id),
    kind: e.kind,
    text: e.text,
    actor: e.actor_label,
    at: e.created_at,
  });

  async function withPatients(clinicId: string, rows: FollowUpRow[], tz: string) {
    const patients = new Map(
      (await patientsByIds(deps.db, clinicId, [...new Set(rows.map((r) => r.patient_id))])).map((p) => [p.id, p]),
    );
    return rows.map((r) => {
      const p = patients.get(r.patient_id);
      return {
        ...view(r, tz),
        patientName: p?.name ?? null,
        chartNo: p?.chartNo ?? null,
        phoneMasked: p?.phoneMasked ?? null,
      };
    });
  }

  /** One move in a transaction: the conditional update, its history row and audit entry. */
  async function move(
    t: FollowUpRow,
    from: string[],
    patch: Partial<FollowUpRow>,
    ev: { kind: string; text: string; action: string; detail?: Record<string, unknown> },
    actor: Actor,
    ip: string,
  ) {
    await deps.db.transaction().execute(async (trx) => {
      const ok = await followUpRepository(trx).move(t.clinic_id, t.id, from, {
        ...patch,
        updated_at: now().toISOString(),
      });
      if (!ok) throw movedMeanwhile();
      await addEvent(deps, trx, t, ev.kind, actor, ev.text);
      await recordAudit(trx, deps.clock, {
        clinicId: t.clinic_id,
        actor,
        action: ev.action,
        entityType: 'follow_up',
        entityId: t.id,
        ip,
        detail: ev.detail,
      });
    });
  }

  async function ownerOf(clinicId: string, ownerId: string) {
    const member = (await staffService(deps).list(clinicId)).find((m) => m.id === ownerId && m.status === 'active');
    if (!member) throw errors.validation([{ field: 'ownerId', code: 'not_found', message: '找不到這位人員' }]);
    return { owner_id: member.id, owner_label: member.name || member.email };
  }

  const notActive = (t: FollowUpRow, what: string) =>
    errors.conflict(
      'FOLLOW_UP_INVALID_TRANSITION',
      t.status === 'done' ? `這筆待追蹤已完成，不能${what}；如需繼續請先「重新開啟」` : `這筆待追蹤目前不能${what}`,
      { status: t.status },
    );

  return {
    lastChange: (clinicId: string) => repo.lastChange(clinicId),

    limits: () => ({ highHours: DUE_OPEN_MINUTES.high / 60, normalHours: DUE_OPEN_MINUTES.normal / 60 }),

    async list(clinicId: string, f: Omit<FollowUpFilter, 'now'>) {
      const tz = await clinicService(deps).timeZoneOf(clinicId);
      const filter = { ...f, now: now().toISOString() };
      const [rows, total, counts] = await Promise.all([
        repo.list(clinicId, filter),
        repo.count(clinicId, filter),
        followUpCounts(deps, clinicId),
      ]);
      return { items: await withPatients(clinicId, rows, tz), total, ...counts };
    },

    async get(clinicId: string, id: string) {
      const t = await existing(clinicId, id);
      const tz = await clinicService(deps).timeZoneOf(clinicId);
      const [[item], events] = await Promise.all([withPatients(clinicId, [t], tz), repo.events(clinicId, id)]);
      return { ...item, events: events.map(eventView) };
    },

    /** A task opened by staff (e.g. after a phone call), once per client key. */
    async create(
      clinicId: string,
      input: { patientId: string; priority: FollowUpPriority; title: string; note?: string; clientKey: string },
      actor: Actor,
      ip: string,
    ) {
      const title = input.title.trim();
      if (!title) throw errors.validation([{ field: 'title', code: 'required', message: '請填寫要追蹤的事項' }]);
      if (!(await patientsByIds(deps.db, clinicId, [input.patientId])).length)
        throw errors.validation([{ field: 'patientId', code: 'not_found', message: '找不到這位病患' }]);
      const key = `staff:${input.clientKey}`;
      const existed = await repo.byKey(clinicId, key);
      const id = await openFollowUp(deps, clinicId, {
        patientId: input.patientId,
        appointmentId: null,
        lineUserId: null,
        source: 'staff',
        priority: input.priority,
        title,
        answer: input.note?.trim() || null,
        refId: null,
        idempotencyKey: key,
      });
      if (!existed)
        await recordAudit(deps.db, deps.clock, {
          clinicId,
          actor,
          action: 'follow_ups.created',
          entityType: 'follow_up',
          entityId: id,
          ip,
          detail: { priority: input.priority },
        });
      return this.get(clinicId, id);
    },

    /** Gives the task an owner (or none); the owner is shown on the list. */
    async assign(clinicId: string, id: string, ownerId: string | null, actor: Actor, ip: string) {
      const t = await existing(clinicId, id);
      if (t.status === 'done') throw notActive(t, '指派');
      if (ownerId === t.owner_id) return this.get(clinicId, id);
      const owner = ownerId ? await ownerOf(clinicId, ownerId) : { owner_id: null, owner_label: null };
      await move(
        t,
        ACTIVE,
        owner,
        {
          kind: 'assigned',
          text: owner.owner_label ? `負責人：${owner.owner_label}` : '負責人：（未指派）',
          action: 'follow_ups.assigned',
          detail: { ownerId },
        },
        actor,
        ip,
      );
      return this.get(clinicId, id);
    },

    /** 開始處理: the task is being worked on; an unowned task becomes the actor's. */
    async start(clinicId: string, id: string, actor: Actor, ip: string) {
      const t = await existing(clinicId, id);
      if (t.status !== 'open') throw notActive(t, '開始處理');
      const owner = !t.owner_id && actor.type === 'staff' ? await ownerOf(clinicId, actor.id).catch(() => ({})) : {};
      await move(
        t,
        ['open'],
        { status: 'in_progress', ...owner },
        { kind: 'started', text: '開始處理', action: 'follow_ups.started' },
        actor,
        ip,
      );
      return this.get(clinicId, id);
    },

    /** 完成: the outcome (and a note; required for 其他) closes the task. */
    async close(
      clinicId: string,
      id: string,
      input: { outcome: FollowUpOutcome; note?: string },
      actor: Actor,
      ip: string,
    ) {
      const t = await existing(clinicId, id);
      if (t.status === 'done') throw notActive(t, '再完成');
      const note = input.note?.trim() ?? '';
      if (input.outcome === 'other' && !note)
        throw errors.validation([{ field: 'note', code: 'required', message: '結果選「其他」時，請填寫說明' }]);
      const owner = !t.owner_id && actor.type === 'staff' ? await ownerOf(clinicId, actor.id).catch(() => ({})) : {};
      await move(
        t,
        ACTIVE,
        { status: 'done', outcome: input.outcome, outcome_note: note || null, done_at: now().toISOString(), ...owner },
        {
          kind: 'done',
          text: `${FOLLOW_UP_OUTCOMES[input.outcome]}${note ? `：${note}` : ''}`,
          action: 'follow_ups.closed',
          detail: { outcome: input.outcome },
        },
        actor,
        ip,
      );
      return this.get(clinicId, id);
    },

    /** Reopens a done task (more came up): back to 處理中, the outcome cleared. */
    async reopen(clinicId: string, id: string, input: { note?: string }, actor: Actor, ip: string) {
      const t = await existing(clinicId, id);
      if (t.status !== 'done') throw notActive(t, '重新開啟（尚未完成）');
      await move(
        t,
        ['done'],
        { status: 'in_progress', outcome: null, outcome_note: null, done_at: null },
        { kind: 'reopened', text: input.note?.trim() || '重新開啟', action: 'follow_ups.reopened' },
        actor,
        ip,
      );
      return this.get(clinicId, id);
    },

    async note(clinicId: string, id: string, text: string, actor: Actor, ip: string) {
      const t = await existing(clinicId, id);
      const body = text.trim();
      if (!body) throw errors.validation([{ field: 'text', code: 'required', message: '請填寫備註內容' }]);
      await deps.db.transaction().execute(async (trx) => {
        await addEvent(deps, trx, t, 'note', actor, body);
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'follow_ups.noted',
          entityType: 'follow_up',
          entityId: id,
          ip,
          detail: { chars: body.length },
        });
      });
      return this.get(clinicId, id);
    },
  };
}

export type FollowUpService = ReturnType<typeof followUpService>;
