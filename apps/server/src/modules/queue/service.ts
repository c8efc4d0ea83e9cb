// 看診進度. The HIS tells Careline who checked in with which queue number and which number a
// doctor is calling (POST /his/v1/queue-events, one event per call, idempotent per event id).
// Careline keeps one queue per doctor, clinic date and session, and tells each checked-in
// patient bound to LINE 「前面還有 N 位」 when their number comes within the clinic's threshold
// and 「請準備進診間」 when they are next — at most those two per visit: each notice is a row
// first (unique per visit and kind) written in the transaction that queues its push, whose retry
// key derives from the visit and kind, so a resent event, a retried job or two events racing
// send nothing twice.
//
// Events may arrive out of order (the offline bridge replays, HIS retries): the queue holds the
// number of the newest call by the HIS's occurredAt; an older call is recorded as `stale` and
// never moves the queue back, an older check-in never renumbers a visit. Notices follow only
// events that happened in the last FRESH_MINUTES: a replay hours later updates the page, not the
// patient's phone. They are part of the visit the patient is at, so they are not held in quiet
// hours (evening sessions run past 21:00, docs/taiwan.md) and do not count as non-essential messages.
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors, type ErrorDetail } from '../../platform/errors.ts';
import { wakeWorkers } from '../../platform/jobs.ts';
import { zonedTime } from '../../platform/time.ts';
import { localDate } from '../../platform/tw.ts';
import { appointmentForQueue, appointmentsForQueue } from '../appointments/for-queue.ts';
import { bindingsOfPatients, reachableLineUser } from '../binding/for-patients.ts';
import { boundPatients } from '../binding/service.ts';
import { clinicService } from '../clinics/service.ts';
import { doctorByHisId, doctorsByIds } from '../doctors/service.ts';
import { liffUrl } from '../line/events.ts';
import { queuePush, retryKeyOf } from '../line/push.ts';
import { lineService } from '../line/service.ts';
import { patientsByIds, type Db } from '../patients/service.ts';
import { queueRepository, type QueueRow, type VisitRow } from './repository.ts';
import {
  aheadOf,
  DEFAULT_NEAR_THRESHOLD,
  FRESH_MINUTES,
  FUTURE_SKEW_MINUTES,
  NOTICE_LABELS,
  noticeDue,
  noticeMessage,
  REFRESH_SECONDS,
  SESSION_LABELS,
  type NoticeKind,
  type Session,
} from './rules.ts';

export type QueueSettings = { enabled: boolean; nearThreshold: number };
export const DEFAULT_QUEUE_SETTINGS: QueueSettings = { enabled: true, nearThreshold: DEFAULT_NEAR_THRESHOLD };

export type QueueEvent = {
  eventId: string;
  type: 'check_in' | 'call';
  occurredAt: string;
  doctorId: string;
  session: Session;
  room?: string | null;
  appointmentId?: string;
  queueNumber?: number;
  calledNumber?: number;
};

/** Visits that ended or never happened get no notice, whatever their number. */
const CLOSED = new Set(['completed', 'cancelled', 'no_show']);

export async function loadQueueSettings(db: Db, clinicId: string): Promise<QueueSettings> {
  const r = await queueRepository(db).settings(clinicId);
  return r ? { enabled: !!r.enabled, nearThreshold: r.near_threshold } : { ...DEFAULT_QUEUE_SETTINGS };
}

/** JSON with sorted keys: a resend with the fields in another order is the same event. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Field rules a schema cannot say: which fields each type needs, and a believable time. */
function check(e: QueueEvent, now: Date): void {
  const problems: ErrorDetail[] = [];
  const need = (f: keyof QueueEvent, message: string) =>
    e[f] === undefined && problems.push({ field: f, code: 'required', message });
  const refuse = (f: keyof QueueEvent, message: string) =>
    e[f] !== undefined && problems.push({ field: f, code: 'not_allowed', message });
  if (e.type === 'check_in') {
    need('appointmentId', '報到事件須帶 appointmentId（HIS 的預約代碼）');
    need('queueNumber', '報到事件須帶 queueNumber（這筆預約的看診號）');
    refuse('calledNumber', '報到事件不帶 calledNumber；叫號請另送 type 為 call 的事件');
  } else {
    need('calledNumber', '叫號事件須帶 calledNumber（目前叫到的看診號）');
    refuse('appointmentId', '叫號事件不帶 appointmentId；報到請另送 type 為 check_in 的事件');
    refuse('queueNumber', '叫號事件不帶 queueNumber；目前叫到的號碼請放在 calledNumber');
  }
  const at = Date.parse(e.occurredAt);
  if (Number.isNaN(at)) problems.push({ field: 'occurredAt', code: 'format', message: '時間格式不正確' });
  else if (at > now.getTime() + FUTURE_SKEW_MINUTES * 60_000)
    problems.push({
      field: 'occurredAt',
      code: 'future',
      message: `事件時間晚於現在超過 ${FUTURE_SKEW_MINUTES} 分鐘，請檢查 HIS 的時鐘與時區`,
    });
  if (problems.length) throw errors.validation(problems);
}

const unknownReference = (details: ErrorDetail[]) =>
  new AppError('UNKNOWN_REFERENCE', 422, '事件引用的醫師或預約尚未建立，未處理', details);

export function queueService(deps: Deps) {
  const db = deps.db;
  const repo = queueRepository(db);
  const now = () => deps.clock.now();

  const state = (q: QueueRow, doctorHisId: string) => ({
    doctorId: doctorHisId,
    date: q.date,
    session: q.session as Session,
    room: q.room,
    calledNumber: q.current_number,
    calledAt: q.called_at,
  });

  return {
    async settings(clinicId: string) {
      return loadQueueSettings(db, clinicId);
    },

    async saveSettings(clinicId: string, input: QueueSettings, actor: Actor, ip: string) {
      const before = await loadQueueSettings(db, clinicId);
      await db.transaction().execute(async (trx) => {
        await queueRepository(trx).saveSettings({
          clinic_id: clinicId,
          enabled: input.enabled ? 1 : 0,
          near_threshold: input.nearThreshold,
          updated_at: now().toISOString(),
        });
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'queue.settings_saved',
          entityType: 'queue_settings',
          entityId: clinicId,
          detail: {
            fields: (Object.keys(input) as (keyof QueueSettings)[]).filter((k) => input[k] !== before[k]),
            enabled: input.enabled,
            nearThreshold: input.nearThreshold,
          },
          ip,
        });
      });
      return loadQueueSettings(db, clinicId);
    },

    /**
     * One HIS queue event. 201 when first seen (applied, or stale when older than what the queue
     * or visit holds), 200 with the first answer when the event id was seen with the same body,
     * 409 EVENT_ID_REUSED when it was seen with another.
     */
    async receive(clinicId: string, e: QueueEvent): Promise<{ status: 200 | 201; body: QueueEventAnswer }> {
      const at = now();
      check(e, at);
      const body = canonical(e);
      const seen = await repo.event(clinicId, e.eventId);
      if (seen) return { status: 200, body: await this.answerOf(clinicId, e, seen.body, seen.result, seen.queue_id) };

      const doctor = await doctorByHisId(db, clinicId, e.doctorId);
      const appt = e.appointmentId ? await appointmentForQueue(db, clinicId, e.appointmentId) : null;
      const missing: ErrorDetail[] = [];
      if (!doctor)
        missing.push({ field: 'doctorId', code: 'unknown', message: '醫師尚未建立（請先 PUT /his/v1/doctors）' });
      if (e.appointmentId && !appt)
        missing.push({
          field: 'appointmentId',
          code: 'unknown',
          message: '預約尚未建立（請先 PUT /his/v1/appointments）',
        });
      if (missing.length) throw unknownReference(missing);

      const tz = await clinicService(deps).timeZoneOf(clinicId);
      const occurredAt = new Date(e.occurredAt).toISOString();
      const fresh = Date.parse(occurredAt) >= at.getTime() - FRESH_MINUTES * 60_000;
      const settings = await loadQueueSettings(db, clinicId);
      // Read before the transaction (these lookups use their own connection).
      const sender = settings.enabled && fresh ? await senderOf(deps, clinicId) : null;
      const out = await db.transaction().execute(async (trx) => {
        const r = queueRepository(trx);
        const nowIso = at.toISOString();
        const queue = await r.queueOf(
          clinicId,
          { doctorId: doctor!.id, date: localDate(new Date(occurredAt), tz), session: e.session },
          {
            id: newId(),
            clinic_id: clinicId,
            doctor_id: doctor!.id,
            date: localDate(new Date(occurredAt), tz),
            session: e.session,
            room: e.room ?? null,
            current_number: null,
            called_at: null,
            created_at: nowIso,
            updated_at: nowIso,
          },
        );
        const eventRowId = newId();
        const first = await r.insertEvent({
          id: eventRowId,
          clinic_id: clinicId,
          event_id: e.eventId,
          type: e.type,
          occurred_at: occurredAt,
          queue_id: queue.id,
          body,
          result: 'applied',
          received_at: nowIso,
        });
        if (!first) return null; // the same event id, committed by a concurrent request
        let applied: boolean;
        let candidates: VisitRow[] = [];
        if (e.type === 'call') {
          applied = await r.applyCall(
            clinicId,
            queue.id,
            { number: e.calledNumber!, at: occurredAt, room: e.room },
            nowIso,
          );
          if (applied) {
            await r.markCalled(clinicId, queue.id, e.calledNumber!, occurredAt);
            candidates = await r.visitsOfQueues(clinicId, [queue.id]);
          }
        } else {
          const visit = await r.visitOf(clinicId, appt!.id);
          const patch = {
            queue_id: queue.id,
            queue_number: e.queueNumber!,
            checked_in_at: occurredAt,
            updated_at: nowIso,
          };
          if (!visit) {
            const row: VisitRow = {
              id: newId(),
              clinic_id: clinicId,
              appointment_id: appt!.id,
              patient_id: appt!.patientId,
              called_at: null,
              created_at: nowIso,
              ...patch,
            };
            applied = await r.insertVisit(row);
            if (applied) candidates = [row];
          } else {
            applied = await r.recheckIn(clinicId, visit.id, patch);
            if (applied) candidates = [{ ...visit, ...patch }];
          }
          if (applied && e.room && !queue.room) await r.setRoom(clinicId, queue.id, e.room, nowIso);
        }
        if (!applied) await r.setEventResult(clinicId, eventRowId, 'stale');
        const current = (await r.queue(clinicId, queue.id))!;
        let queued = 0;
        if (applied && sender && candidates.length)
          queued = await notify(trx, deps, clinicId, sender, current, candidates, settings.nearThreshold, e.eventId);
        return { queue: current, result: applied ? 'applied' : 'stale', queued };
      });
      if (!out) {
        const again = (await repo.event(clinicId, e.eventId))!;
        return { status: 200, body: await this.answerOf(clinicId, e, again.body, again.result, again.queue_id) };
      }
      if (out.queued) wakeWorkers();
      return {
        status: 201,
        body: {
          eventId: e.eventId,
          type: e.type,
          result: out.result as 'applied' | 'stale',
          duplicate: false,
          queue: state(out.queue, e.doctorId),
          noticesQueued: out.queued,
        },
      };
    },

    /** The answer to an event id seen before: the first result and the queue as it is now. */
    async answerOf(clinicId: string, e: QueueEvent, storedBody: string, result: string, queueId: string) {
      if (storedBody !== canonical(e))
        throw errors.conflict(
          'EVENT_ID_REUSED',
          `eventId「${e.eventId}」已用於內容不同的事件；每個事件請使用新的 eventId（重送時內容須相同）`,
        );
      const q = (await repo.queue(clinicId, queueId))!;
      return {
        eventId: e.eventId,
        type: e.type,
        result: result as 'applied' | 'stale',
        duplicate: true,
        queue: state(q, e.doctorId),
        noticesQueued: 0,
      };
    },

    /** The back office's queues of a day (default the clinic's today), each with its checked-in visits. */
    async day(clinicId: string, date: string | undefined) {
      const tz = await clinicService(deps).timeZoneOf(clinicId);
      const d = date ?? localDate(now(), tz);
      const [settings, queues] = await Promise.all([loadQueueSettings(db, clinicId), repo.queuesOn(clinicId, d)]);
      const visits = await repo.visitsOfQueues(
        clinicId,
        queues.map((q) => q.id),
      );
      const pids = [...new Set(visits.map((v) => v.patient_id))];
      const [doctors, patients, notices, bindings, appts] = await Promise.all([
        doctorsByIds(
          db,
          clinicId,
          queues.map((q) => q.doctor_id),
        ),
        patientsByIds(db, clinicId, pids),
        repo.noticesOf(
          clinicId,
          visits.map((v) => v.id),
        ),
        bindingsOfPatients(db, clinicId, pids),
        appointmentsForQueue(
          db,
          clinicId,
          visits.map((v) => v.appointment_id),
        ),
      ]);
      const pById = new Map(patients.map((p) => [p.id, p]));
      const hisIdOf = new Map(appts.map((a) => [a.id, a.hisId]));
      const order: Record<string, number> = { morning: 0, afternoon: 1, evening: 2 };
      return {
        date: d,
        settings,
        queues: queues
          .map((q) => {
            const mine = visits.filter((v) => v.queue_id === q.id);
            const rows = mine.map((v) => {
              const p = pById.get(v.patient_id);
              const ahead = aheadOf(v.queue_number, q.current_number);
              return {
                id: v.id,
                appointmentId: hisIdOf.get(v.appointment_id) ?? '',
                patientId: p?.hisId ?? '',
                patientName: p?.name ?? '（已刪除的病患）',
                chartNo: p?.chartNo ?? null,
                queueNumber: v.queue_number,
                ahead,
                state: (v.called_at || ahead === 0 ? 'called' : 'waiting') as 'called' | 'waiting',
                checkedInAt: v.checked_in_at,
                calledAt: v.called_at,
                lineBound: (bindings.get(v.patient_id) ?? []).some((b) => b.state === 'friend'),
                notices: notices
                  .filter((n) => n.visit_id === v.id)
                  .sort((a, b) => a.created_at.localeCompare(b.created_at))
                  .map((n) => ({
                    kind: n.kind as NoticeKind,
                    label: n.kind === 'near' ? `前面還有 ${n.ahead} 位` : NOTICE_LABELS.next,
                    ahead: n.ahead,
                    sentAt: n.created_at,
                  })),
              };
            });
            return {
              id: q.id,
              doctorId: q.doctor_id,
              doctorName: doctors.get(q.doctor_id)?.name ?? '',
              session: q.session as Session,
              sessionLabel: SESSION_LABELS[q.session as Session] ?? q.session,
              room: q.room,
              calledNumber: q.current_number,
              calledAt: q.called_at,
              waiting: rows.filter((r) => r.state === 'waiting').length,
              visits: rows,
            };
          })
          .sort(
            (a, b) =>
              (order[a.session] ?? 9) - (order[b.session] ?? 9) ||
              a.doctorName.localeCompare(b.doctorName, 'zh-Hant') ||
              a.id.localeCompare(b.id),
          ),
      };
    },

    /** The patient's page: today's checked-in visits of the LINE user's patients, and every doctor's board. */
    async liffView(clinicId: string, lineUserId: string) {
      const tz = await clinicService(deps).timeZoneOf(clinicId);
      const at = now();
      const today = localDate(at, tz);
      const [patients, queues] = await Promise.all([
        boundPatients(deps, clinicId, lineUserId),
        repo.queuesOn(clinicId, today),
      ]);
      const since = zonedTime(today, '00:00', tz).toISOString();
      const visits = await repo.visitsOfPatients(
        clinicId,
        patients.map((p) => p.id),
        since,
      );
      const byId = new Map(queues.map((q) => [q.id, q]));
      const doctors = await doctorsByIds(
        db,
        clinicId,
        queues.map((q) => q.doctor_id),
      );
      const board = (q: QueueRow) => ({
        doctorName: doctors.get(q.doctor_id)?.name ?? '',
        session: q.session as Session,
        sessionLabel: SESSION_LABELS[q.session as Session] ?? q.session,
        room: q.room,
        calledNumber: q.current_number,
        calledAt: q.called_at,
      });
      const names = new Map(patients.map((p) => [p.id, p.name]));
      return {
        date: today,
        updatedAt: at.toISOString(),
        refreshSeconds: REFRESH_SECONDS,
        visits: visits.flatMap((v) => {
          const q = byId.get(v.queue_id);
          if (!q) return [];
          const ahead = aheadOf(v.queue_number, q.current_number);
          const state: 'waiting' | 'next' | 'called' =
            v.called_at || ahead === 0 ? 'called' : ahead === 1 ? 'next' : 'waiting';
          return [
            {
              ...board(q),
              patientName: names.get(v.patient_id) ?? '',
              queueNumber: v.queue_number,
              ahead: state === 'called' ? 0 : ahead,
              state,
            },
          ];
        }),
        boards: queues
          .map(board)
          .sort(
            (a, b) => SESSIONS_ORDER(a.session) - SESSIONS_ORDER(b.session) || a.doctorName.localeCompare(b.doctorName),
          ),
      };
    },
  };
}

const SESSIONS_ORDER = (s: Session) => ({ morning: 0, afternoon: 1, evening: 2 })[s] ?? 9;

export type QueueEventAnswer = {
  eventId: string;
  type: string;
  result: 'applied' | 'stale';
  duplicate: boolean;
  queue: {
    doctorId: string;
    date: string;
    session: Session;
    room: string | null;
    calledNumber: number | null;
    calledAt: string | null;
  };
  noticesQueued: number;
};

/**
 * Writes the due notices of these visits and queues their pushes (in `trx`, the event's
 * transaction): a row per notice, unique per visit and kind, and a retry key derived from both.
 */
/** What every notice of a clinic needs: its name and the live page's link (null without a LINE channel). */
async function senderOf(deps: Deps, clinicId: string): Promise<Sender | null> {
  const channel = await lineService(deps)
    .channelOrThrow(clinicId)
    .catch(() => null);
  if (!channel) return null;
  return { clinicName: (await clinicService(deps).get(clinicId)).name, pageUri: liffUrl(deps, channel, '/queue') };
}
type Sender = { clinicName: string; pageUri: string };

async function notify(
  trx: Db,
  deps: Deps,
  clinicId: string,
  sender: Sender,
  queue: QueueRow,
  visits: VisitRow[],
  threshold: number,
  eventId: string,
): Promise<number> {
  const r = queueRepository(trx);
  const waiting = visits.filter((v) => !v.called_at && v.queue_id === queue.id);
  const sentBefore = await r.noticesOf(
    clinicId,
    waiting.map((v) => v.id),
  );
  const due = waiting.flatMap((v) => {
    const kinds = new Set(sentBefore.filter((n) => n.visit_id === v.id).map((n) => n.kind as NoticeKind));
    const ahead = aheadOf(v.queue_number, queue.current_number);
    const kind = noticeDue(ahead, threshold, kinds);
    return kind ? [{ v, kind, ahead: ahead! }] : [];
  });
  if (!due.length) return 0;
  const appts = new Map(
    (
      await appointmentsForQueue(
        trx,
        clinicId,
        due.map((d) => d.v.appointment_id),
      )
    ).map((a) => [a.id, a]),
  );
  const [doctors, patients] = await Promise.all([
    doctorsByIds(trx, clinicId, [queue.doctor_id]),
    patientsByIds(
      trx,
      clinicId,
      due.map((d) => d.v.patient_id),
    ),
  ]);
  const names = new Map(patients.map((p) => [p.id, p.name]));
  let queued = 0;
  for (const d of due) {
    const a = appts.get(d.v.appointment_id);
    if (!a || CLOSED.has(a.status)) continue;
    const to = await reachableLineUser(trx, clinicId, d.v.patient_id);
    if (!to) continue;
    const nowIso = deps.clock.now().toISOString();
    const noticeId = newId();
    const fresh = await r.insertNotice({
      id: noticeId,
      clinic_id: clinicId,
      visit_id: d.v.id,
      kind: d.kind,
      ahead: d.ahead,
      line_user_id: to,
      event_id: eventId,
      created_at: nowIso,
    });
    if (!fresh) continue;
    const message = noticeMessage({
      kind: d.kind,
      ahead: d.ahead,
      patientName: names.get(d.v.patient_id) ?? '',
      clinicName: sender.clinicName,
      doctorName: doctors.get(queue.doctor_id)?.name ?? '',
      sessionLabel: SESSION_LABELS[queue.session as Session] ?? '',
      room: queue.room,
      queueNumber: d.v.queue_number,
      calledNumber: queue.current_number!,
      pageUri: sender.pageUri,
    });
    await queuePush(
      trx,
      deps,
      clinicId,
      { to, messages: [message], source: 'queue', relatedType: 'queue_visit', relatedId: d.v.id },
      retryKeyOf(`queue:${clinicId}:${d.v.id}:${d.kind}`),
    );
    queued++;
  }
  return queued;
}

/** Check-in to call of the visits called in [from, to): how long patients waited (for the reports). */
export async function queueWaitStats(
  deps: Pick<Deps, 'db'>,
  clinicId: string,
  from: string,
  to: string,
): Promise<{ called: number; averageMinutes: number | null }> {
  const rows = await queueRepository(deps.db).calledBetween(clinicId, from, to);
  const waits = rows
    .map((r) => (Date.parse(r.called_at!) - Date.parse(r.checked_in_at)) / 60_000)
    .filter((m) => m >= 0);
  return {
    called: waits.length,
    averageMinutes: waits.length ? Math.round((waits.reduce((a, b) => a + b, 0) / waits.length) * 10) / 10 : null,
  };
}
