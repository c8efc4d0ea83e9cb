// Delivery of due reminders. A dispatcher, run by platform/jobs.ts's polling loop, claims due
// reminder_deliveries rows (repository.ts), reads what each needs through the owners' services
// (one query per list of ids, never one per reminder), renders it (templates.ts), pushes it
// with the X-Line-Retry-Key stored on the row when it was planned (a retry after a crash reuses
// it; LINE's 409 "already accepted" counts as sent), paces each channel below LINE's rate limit
// (platform/pacing.ts), acts on LINE's errors as line-errors.ts decides, and records the outcome
// of a batch in one transaction (message log, reply light, SMS fallback, the rows' states).
//
// Pushes go through the channel's client from deps.line, whose push is platform/line-push.ts
// (undici's keep-alive pool, one connection per push in flight), not @line/bot-sdk's fetch
// client: the same request and the same HTTPFetchError on a non-2xx answer for about a sixth
// of the CPU per push. With that, one worker process sends at LINE's 2,000 pushes/s on a
// 2-core machine at ~0.3 ms of CPU per reminder (claim, render, sign, push, record).
//
// Pacing is per process: every dispatcher of one process shares the pacer of a channel. With
// several processes, give each `ratePerSecond = limit × 0.98 / processes`
// (REMINDER_RATE_PER_SECOND); a 429 pauses the channel's pacer in that process and the row is
// retried later with the same retry key, so overshooting costs time, never a duplicate.
import { hostname } from 'node:os';
import type { messagingApi } from '@line/bot-sdk';
import type { Deps } from '../../platform/deps.ts';
import { pollingLoop } from '../../platform/jobs.ts';
import type { LineChannelClient } from '../../platform/line.ts';
import { pacerFor } from '../../platform/pacing.ts';
import { localParts } from '../../platform/time.ts';
import { clinicService } from '../clinics/service.ts';
import { appointmentsToRemind } from '../appointments/for-reminders.ts';
import { bindingService } from '../binding/service.ts';
import { linePnpService } from '../line/pnp.ts';
import { lineService } from '../line/service.ts';
import { queueSms, smsService } from '../sms/service.ts';
import { markReminded, type Reminded } from '../appointments/lights.ts';
import { pushVerdict } from './line-errors.ts';
import { PNP_NO_ACCOUNT, PNP_REASON, pnpReminderMessage, sendReminderByPnp, type PnpResult } from './pnp.ts';
import { schedulePnpCheck } from './pnp-check.ts';
import { quotaTracker, type QuotaTracker } from './quota.ts';
import {
  familyAltText,
  familyMessages,
  gatherFamilies,
  isFamilyGroup,
  recordFamilySends,
  type FamilyGroup,
  type FamilySent,
} from './family.ts';
import { fixedChunks, reminderRepository, type ClaimedDelivery, type DeliveryOutcome } from './repository.ts';
import type { ReminderSettings } from './rules.ts';
import { loadSettings, loadTemplates } from './service.ts';
import {
  dateVars,
  mapUrlOf,
  renderReminder,
  signTokens,
  smsReminderText,
  type Template,
  type Vars,
} from './templates.ts';

export type DispatcherOptions = {
  workerId?: string;
  /** Requests per second per channel (default 1,960 = LINE's 2,000 with 2 % headroom). */
  ratePerSecond?: number;
  /** Pushes in flight at once (default 64, the connections of deps.line's push pool by default). */
  concurrency?: number;
  /** Rows claimed per query (default 200). */
  batch?: number;
  /** A claimed row not finished within this time is claimed again (same retry key). */
  lockMs?: number;
  pollMs?: number;
  /** Attempts before a row is marked failed (default 8). */
  maxAttempts?: number;
  autoStart?: boolean;
};

export type Dispatcher = {
  stop(): Promise<void>;
  wake(): void;
  runOnce(): Promise<number>;
  stats: { sent: number; retried: number; failed: number; cancelled: number };
};

type Sent = {
  kind: 'sent';
  lineUserId: string;
  requestId: string | null;
  message: messagingApi.FlexMessage;
  replyLight: boolean;
  /** Sent in one message with family members' reminders (family.ts). */
  family?: NonNullable<FamilySent['out']['family']>;
};
type Outcome =
  | Sent
  /** Sent as a LINE notification message (pnp.ts). */
  | { kind: 'pnp'; requestId: string | null; message: messagingApi.FlexMessage }
  /** `reason`: why SMS and not LINE, when the row should say (channel_reason). */
  | { kind: 'sms'; to: string; text: string; reason?: string }
  | { kind: 'retry'; error: string; delayMs: number }
  | { kind: 'failed'; error: string }
  | { kind: 'cancelled'; reason: string }
  | { kind: 'skipped'; reason: string };

/** Exponential backoff with jitter for retries of one reminder: 2 s, 4 s … capped at 5 minutes. */
export const retryDelayMs = (attempts: number) =>
  Math.round(Math.min(2000 * 2 ** Math.max(0, attempts - 1), 300_000) * (0.8 + 0.4 * Math.random()));

type ClinicCtx = {
  settings: ReminderSettings;
  templates: Template[];
  clinic: { name: string; address: string; phone: string; timeZone: string };
  channel: LineChannelClient | null;
  /** Patients without LINE binding get a LINE notification message first (line/pnp.ts). */
  pnp: boolean;
  smsAllowed: boolean;
  mapUrl: string;
};

/** A claimed row that passed its checks, ready to push to `lineUserId` (delivery's prepare). */
type Ready = {
  kind: 'ready';
  row: ClaimedDelivery;
  c: ClinicCtx;
  channel: LineChannelClient;
  vars: Vars;
  /** The visit's clinic-local YYYY-MM-DD: each template writes {date} in its own style. */
  visitDate: string;
  expires: Date;
  startsAt: string;
  lineUserId: string;
  replyLight: boolean;
  /** What the row becomes when LINE cannot take it: SMS when allowed, else failed with `why`. */
  bySms: (why: string) => Outcome;
};

/** What a claimed row needs to be sent: its appointment with the patient, the doctor and the LINE users. */
type Target = {
  appointment: {
    clinicId: string;
    status: string;
    version: number;
    startsAt: string;
    replyStatus: string;
    visitType: string | null;
  };
  patientId: string;
  patient: { name: string; phone: string | null; mobile: boolean };
  doctorName: string;
  /** The patient's LINE users, newest binding first. */
  lineUsers: { lineUserId: string; blocked: boolean }[];
};

/**
 * The targets of a claimed batch, by appointment id: per clinic, one query per list of ids
 * (appointments, doctors, patients, and the patients' LINE users with their friend states).
 */
async function loadTargets(deps: Deps, rows: ClaimedDelivery[]): Promise<Map<string, Target>> {
  const byClinic = new Map<string, string[]>();
  for (const r of rows) {
    const l = byClinic.get(r.clinic_id);
    if (l) l.push(r.appointment_id);
    else byClinic.set(r.clinic_id, [r.appointment_id]);
  }
  const out = new Map<string, Target>();
  for (const [clinicId, ids] of byClinic) {
    const appts = await appointmentsToRemind(deps.db, clinicId, ids);
    const lineUsers = await bindingService(deps).lineUsersOfPatients(clinicId, [
      ...new Set(appts.map((a) => a.patient_id)),
    ]);
    for (const a of appts) {
      if (!a.patient) continue;
      out.set(a.id, {
        appointment: {
          clinicId: a.clinic_id,
          status: a.status,
          version: Number(a.version),
          startsAt: a.starts_at,
          replyStatus: a.reply_status,
          visitType: a.visit_type,
        },
        patientId: a.patient_id,
        patient: { name: a.patient.name, phone: a.patient.phoneE164, mobile: a.patient.phoneIsMobile },
        doctorName: a.doctor?.name ?? '',
        // Newest binding first, as the binding module lists them.
        lineUsers: (lineUsers.get(a.patient_id) ?? []).map((u) => ({
          lineUserId: u.lineUserId,
          blocked: u.friendState === 'blocked',
        })),
      });
    }
  }
  return out;
}

/** What a LINE notification message's result means for the row (pnp.ts sends it). */
function fromPnp(r: PnpResult, attempts: number, bySms: (why: string, reason?: string) => Outcome): Outcome {
  switch (r.kind) {
    case 'sent':
      return { kind: 'pnp', requestId: r.requestId, message: r.message };
    case 'no_line_account':
      return bySms(`${PNP_NO_ACCOUNT}，且未啟用簡訊備援`, PNP_NO_ACCOUNT);
    case 'rate_limited':
      return { kind: 'retry', error: 'LINE 429：發送頻率超過限制', delayMs: 1000 + Math.random() * 1000 };
    case 'transient':
      return { kind: 'retry', error: r.error, delayMs: retryDelayMs(attempts) };
    case 'rejected':
      return { kind: 'failed', error: r.error };
  }
}

export function startReminderDispatcher(deps: Deps, opts: DispatcherOptions = {}): Dispatcher {
  const workerId = opts.workerId ?? `reminders-${hostname()}-${process.pid}`;
  const rate = opts.ratePerSecond ?? 1960;
  const concurrency = opts.concurrency ?? 64;
  const batch = opts.batch ?? 200;
  const lockMs = opts.lockMs ?? 60_000;
  const maxAttempts = opts.maxAttempts ?? 8;
  const stats = { sent: 0, retried: 0, failed: 0, cancelled: 0 };
  const repo = reminderRepository(deps.db);
  const clinics = new Map<string, Promise<ClinicCtx>>();
  const quota: QuotaTracker = quotaTracker(deps);
  // Per clinic time zone and start time: the patient-facing date, time and token expiry.
  // date: the visit's clinic-local YYYY-MM-DD (each template writes it in its own style).
  const localCache = new Map<string, { date: string; time: string; expires: Date }>();
  let stopped = false;

  /** A clinic's settings, templates, channel and SMS permission, read at most every 30 s. */
  function clinicCtx(clinicId: string): Promise<ClinicCtx> {
    const c = clinics.get(clinicId);
    if (c) return c;
    const p = (async (): Promise<ClinicCtx> => {
      const [settings, templates, clinic, channel, sms, pnp] = await Promise.all([
        loadSettings(deps.db, clinicId),
        loadTemplates(deps.db, clinicId),
        clinicService(deps).get(clinicId),
        deps.line.forClinic(clinicId),
        smsService(deps).fallbackSettings(clinicId),
        linePnpService(deps).enabled(clinicId),
      ]);
      return {
        settings,
        templates,
        clinic: { name: clinic.name, address: clinic.address, phone: clinic.phone, timeZone: clinic.timeZone },
        channel,
        pnp,
        smsAllowed:
          settings.smsFallback &&
          sms.reminderFallback &&
          (sms.provider === 'default' ? deps.config.smsProvider : sms.provider) !== 'none',
        mapUrl: mapUrlOf(clinic.address),
      };
    })();
    clinics.set(clinicId, p);
    p.catch(() => clinics.delete(clinicId));
    setTimeout(() => clinics.delete(clinicId), 30_000).unref();
    return p;
  }

  /**
   * The checks and text of one claimed row: an outcome when it cannot go on LINE (cancelled,
   * SMS, failed), otherwise the row ready to push with its LINE user chosen.
   */
  async function prepare(row: ClaimedDelivery, t: Target | undefined): Promise<Outcome | Ready> {
    const a = t?.appointment;
    if (!t || !a || a.clinicId !== row.clinic_id) return { kind: 'cancelled', reason: '找不到預約' };
    if (a.status !== 'booked') return { kind: 'cancelled', reason: `預約狀態為 ${a.status}，不再提醒` };
    if (a.version !== Number(row.appointment_version)) return { kind: 'cancelled', reason: '預約已更新，改用新的排程' };
    if (a.startsAt <= deps.clock.now().toISOString()) return { kind: 'cancelled', reason: '看診時間已開始，不再提醒' };
    if (a.replyStatus === 'cancel_requested') return { kind: 'cancelled', reason: '病患已要求取消，不再提醒' };
    const c = await clinicCtx(row.clinic_id);
    const lkey = `${c.clinic.timeZone}|${a.startsAt}`;
    let local = localCache.get(lkey);
    if (!local) {
      if (localCache.size > 10_000) localCache.clear();
      const l = localParts(new Date(a.startsAt), c.clinic.timeZone);
      local = { date: l.date, time: l.time, expires: new Date(Date.parse(a.startsAt) + 86_400_000) };
      localCache.set(lkey, local);
    }
    const vars: Vars = {
      patientName: t.patient.name,
      doctorName: t.doctorName,
      ...dateVars(local.date, 'western'),
      time: local.time,
      clinicName: c.clinic.name,
      clinicAddress: c.clinic.address,
      clinicPhone: c.clinic.phone,
      mapUrl: c.mapUrl,
      preparation: c.settings.preparations[a.visitType ?? ''] ?? c.settings.preparations[''] ?? '',
    };
    // Not on LINE (no channel, no binding, or every bound user blocked the account): SMS when allowed.
    const bySms = (why: string, reason?: string): Outcome =>
      c.smsAllowed && t.patient.phone && t.patient.mobile
        ? { kind: 'sms', to: t.patient.phone, text: smsReminderText(vars), reason }
        : { kind: 'failed', error: why };
    // Never bound to LINE, with a mobile number: a LINE notification message first where the
    // clinic uses them. Not for a patient whose LINE user blocked the account: LINE accepts a
    // notification message to someone who blocked it but never delivers it (docs/taiwan.md).
    if (!t.lineUsers.length && c.pnp && c.channel && t.patient.phone && t.patient.mobile) {
      const pacer = pacerFor(c.channel.channelId, rate);
      await pacer.take();
      const tpl = (c.templates.find((x) => x.id === row.template_id) ?? c.templates.find((x) => x.id === 'default')!)
        .body;
      const r = await sendReminderByPnp(
        c.channel,
        row,
        t.patient.phone,
        pnpReminderMessage(tpl, {
          ...vars,
          ...dateVars(local.date, tpl.dateStyle),
        }),
      );
      if (r.kind === 'rate_limited') pacer.rateLimited();
      else pacer.accepted();
      return fromPnp(r, row.attempts, bySms);
    }
    const target = t.lineUsers.find((u) => !u.blocked);
    if (!target || !c.channel)
      return bySms(
        t.lineUsers.length
          ? '病患已封鎖診所的 LINE，且未啟用簡訊備援'
          : '病患尚未綁定 LINE，且未啟用簡訊備援（或沒有手機號碼）',
      );
    return {
      kind: 'ready',
      row,
      c,
      channel: c.channel,
      vars,
      visitDate: local.date,
      expires: local.expires,
      startsAt: a.startsAt,
      lineUserId: target.lineUserId,
      replyLight: a.replyStatus === 'not_sent',
      bySms,
    };
  }

  /** The reminder's Flex message: its template, its appointment's signed answer tokens. */
  function render(p: Ready): messagingApi.FlexMessage {
    const tpl = (
      p.c.templates.find((x) => x.id === p.row.template_id) ?? p.c.templates.find((x) => x.id === 'default')!
    ).body;
    const tokens = signTokens(deps.crypto, p.row.appointment_id, p.expires, ['c', 'x', 'r']);
    return renderReminder(
      tpl,
      { ...p.vars, ...dateVars(p.visitDate, tpl.dateStyle) },
      { confirm: tokens.c, cancel: tokens.x, reschedule: tokens.r },
    );
  }

  /**
   * Pushes to a ready row's LINE user, paced, with a retry key: the request id, or what each row
   * of the push becomes when LINE did not take it (`attempts`: the most a row of it has had).
   */
  async function push(
    p: Ready,
    messages: messagingApi.Message[],
    retryKey: string,
    attempts: number,
  ): Promise<{ ok: true; requestId: string | null } | { ok: false; outcome: (r: Ready) => Outcome }> {
    const pacer = pacerFor(p.channel.channelId, rate);
    await pacer.take();
    try {
      const res = await p.channel.push({ to: p.lineUserId, messages }, retryKey);
      pacer.accepted();
      quota.count(p.row.clinic_id, 1);
      return { ok: true, requestId: res.requestId };
    } catch (err) {
      const v = pushVerdict(err);
      switch (v.kind) {
        case 'accepted':
          return { ok: true, requestId: v.requestId };
        case 'rate_limited': {
          pacer.rateLimited();
          const delayMs = 1000 + Math.random() * 1000;
          return { ok: false, outcome: () => ({ kind: 'retry', error: 'LINE 429：發送頻率超過限制', delayMs }) };
        }
        case 'undeliverable':
          return { ok: false, outcome: (r) => r.bySms(v.error) };
        case 'transient': {
          const delayMs = retryDelayMs(attempts);
          return { ok: false, outcome: () => ({ kind: 'retry', error: v.error, delayMs }) };
        }
        case 'rejected':
          return { ok: false, outcome: () => ({ kind: 'failed', error: v.error }) };
      }
    }
  }

  const sentOf = (p: Ready, requestId: string | null, message: messagingApi.FlexMessage): Sent => ({
    kind: 'sent',
    lineUserId: p.lineUserId,
    requestId,
    message,
    replyLight: p.replyLight,
  });

  async function deliver(row: ClaimedDelivery, t: Target | undefined): Promise<Outcome> {
    const p = await prepare(row, t);
    if (p.kind !== 'ready') return p;
    const q = await quota.check(row.clinic_id, p.c, row.essential === 1);
    if (!q.ok) return { kind: 'skipped', reason: q.reason };
    const message = render(p);
    const r = await push(p, [message], row.retry_key, row.attempts);
    return r.ok ? sentOf(p, r.requestId, message) : r.outcome(p);
  }

  /**
   * A family's reminders as one push (family.ts) with the group's id as the retry key: each
   * member checked as alone (a cancelled visit drops out, one without LINE goes by SMS), the
   * quota checked once as for the most essential member, one carousel of the members' bubbles.
   */
  async function deliverFamily(g: FamilyGroup<Target>): Promise<{ row: ClaimedDelivery; out: Outcome }[]> {
    const done: { row: ClaimedDelivery; out: Outcome }[] = [];
    const ready: Ready[] = [];
    for (const m of g.members) {
      const p = await prepare(m.row, m.target);
      if (p.kind !== 'ready') done.push({ row: m.row, out: p });
      // Bound to another LINE user since the group was formed: on its own.
      else if (ready.length && p.lineUserId !== ready[0].lineUserId)
        done.push({ row: m.row, out: await deliver(m.row, m.target) });
      else ready.push(p);
    }
    if (!ready.length) return done;
    const lead = ready[0];
    const q = await quota.check(
      g.clinicId,
      lead.c,
      ready.some((p) => p.row.essential === 1),
    );
    if (!q.ok)
      return [...done, ...ready.map((p) => ({ row: p.row, out: { kind: 'skipped', reason: q.reason } as const }))];
    const bubbles = ready.map(render);
    const messages =
      ready.length === 1
        ? bubbles
        : familyMessages(
            bubbles,
            familyAltText(
              lead.c.clinic.name,
              ready.map((p) => ({ patientName: p.vars.patientName, startsAt: p.startsAt })),
              lead.c.clinic.timeZone,
            ),
          );
    const r = await push(lead, messages, g.groupId, Math.max(...ready.map((p) => p.row.attempts)));
    const family =
      ready.length > 1
        ? {
            groupId: g.groupId,
            size: ready.length,
            deliveryIds: ready.map((p) => p.row.id),
            appointmentIds: ready.map((p) => p.row.appointment_id),
          }
        : undefined;
    for (const p of ready)
      done.push({
        row: p.row,
        out: r.ok ? { ...sentOf(p, r.requestId, messages[0]), ...(family ? { family } : {}) } : r.outcome(p),
      });
    return done;
  }

  /** Records a batch of outcomes in one transaction; only rows this worker still holds are written. */
  async function flush(done: { row: ClaimedDelivery; out: Outcome }[]): Promise<void> {
    if (!done.length) return;
    const now = deps.clock.now();
    const at = now.toISOString();
    await deps.db.transaction().execute(async (trx) => {
      const tdeps: Deps = { ...deps, db: trx };
      const tx = reminderRepository(trx);
      // Sent on LINE: bulk updates, then the message log of the rows still ours, then the reply
      // light (尚未回覆) where no reminder had been sent before (markReminded, as for SMS below).
      const sentLine = done.filter((x): x is { row: ClaimedDelivery; out: Sent } => x.out.kind === 'sent');
      const mine = await tx.markSentOnLine(
        workerId,
        sentLine.map((x) => ({ id: x.row.id, lineUserId: x.out.lineUserId, requestId: x.out.requestId })),
        at,
      );
      const logged = sentLine.filter((x) => mine.has(x.row.id));
      // Fixed chunk sizes: the same few statement texts, prepared once (see fixedChunks).
      const lineLog = lineService(tdeps);
      // A family's message is one push: one log row for its members (recordFamilySends).
      await recordFamilySends(tdeps, logged);
      for (const chunk of fixedChunks(logged.filter((x) => !x.out.family)))
        await lineLog.logOutgoingBatch(
          chunk.map(({ row, out }) => ({
            clinicId: row.clinic_id,
            lineUserId: out.lineUserId,
            kind: 'flex',
            text: out.message.altText,
            payload: { deliveryId: row.id, ruleId: row.rule_id, requestId: out.requestId },
            source: 'reminder',
            method: 'push',
            relatedType: 'appointment',
            relatedId: row.appointment_id,
          })),
        );
      const reminded: Reminded[] = logged
        .filter(({ out }) => out.replyLight)
        .map(({ row }) => ({
          clinicId: row.clinic_id,
          appointmentId: row.appointment_id,
          what: row.rule_name,
          channel: 'line',
        }));
      stats.sent += logged.length;
      for (const { row, out } of done) {
        const finish = (o: DeliveryOutcome) => tx.finish(workerId, row.id, o, at);
        switch (out.kind) {
          case 'sent':
            break; // written above, in bulk
          case 'pnp': {
            const [res] = await finish({
              state: 'sent',
              channel: 'pnp',
              sent_at: at,
              last_error: null,
              line_request_id: out.requestId,
              channel_reason: PNP_REASON,
            });
            if (!Number(res?.numUpdatedRows ?? 0)) break; // another worker holds the row now
            // No LINE user id: the message went to a phone number (logged with method pnp,
            // which the quota counts apart from pushes).
            await lineLog.logOutgoingBatch([
              {
                clinicId: row.clinic_id,
                lineUserId: '',
                kind: 'flex',
                text: out.message.altText,
                payload: { deliveryId: row.id, ruleId: row.rule_id, requestId: out.requestId },
                source: 'reminder',
                method: 'pnp',
                relatedType: 'appointment',
                relatedId: row.appointment_id,
              },
            ]);
            reminded.push({
              clinicId: row.clinic_id,
              appointmentId: row.appointment_id,
              what: row.rule_name,
              channel: 'line',
            });
            // Not reported delivered within the hour → the SMS follows (pnp-check.ts).
            if (!row.delivered_at) await schedulePnpCheck(tdeps, row.clinic_id, row.id);
            stats.sent++;
            break;
          }
          case 'sms': {
            const sms = await queueSms(trx, tdeps, {
              clinicId: row.clinic_id,
              to: out.to,
              text: out.text,
              purpose: 'reminder',
              relatedType: 'reminder_delivery',
              relatedId: row.id,
            }).catch((e: unknown) => e as Error);
            if (sms instanceof Error) {
              await finish({ state: 'failed', last_error: sms.message });
              stats.failed++;
            } else {
              await finish({
                state: 'sent',
                channel: 'sms',
                sms_message_id: sms.id,
                sent_at: at,
                last_error: null,
                channel_reason: out.reason ?? null,
              });
              // An SMS reminder is a sent reminder: the reply light says so, as for LINE.
              reminded.push({
                clinicId: row.clinic_id,
                appointmentId: row.appointment_id,
                what: row.rule_name,
                channel: 'sms',
              });
              stats.sent++;
            }
            break;
          }
          case 'retry': {
            const last = row.attempts >= maxAttempts;
            await finish(
              last
                ? { state: 'failed', last_error: `${out.error}（已重試 ${row.attempts} 次）` }
                : {
                    state: 'planned',
                    last_error: out.error,
                    next_attempt_at: new Date(now.getTime() + out.delayMs).toISOString(),
                  },
            );
            if (last) stats.failed++;
            else stats.retried++;
            break;
          }
          case 'failed':
            await finish({ state: 'failed', last_error: out.error });
            stats.failed++;
            break;
          case 'cancelled':
          case 'skipped':
            await finish({ state: out.kind, cancel_reason: out.reason });
            stats.cancelled++;
            break;
        }
      }
      await markReminded(trx, tdeps, reminded);
    });
  }

  /** Claims due rows and delivers them with `concurrency` pushes in flight; returns rows handled. */
  async function runOnce(): Promise<number> {
    let total = 0;
    const pending: { row: ClaimedDelivery; out: Outcome }[] = [];
    let flushing: Promise<void> = Promise.resolve();
    const doFlush = () => {
      const items = pending.splice(0);
      flushing = flushing.then(() => flush(items));
      return flushing;
    };
    const flushTimer = setInterval(() => {
      if (pending.length) void doFlush();
    }, 100);

    // One queue of claimed rows for all lanes, topped up (claim + load) while the lanes are
    // still busy with what is left: the pushes never wait for a batch to drain or for the
    // next batch's queries, which would leave LINE's rate unused at every batch boundary.
    type Item = { row: ClaimedDelivery; target: Target | undefined } | FamilyGroup<Target>;
    const queue: Item[] = [];
    let head = 0;
    let exhausted = false;
    let failure: unknown = null;
    let refill: Promise<void> | null = null;
    const lowWater = Math.max(concurrency, Math.floor(batch / 2));
    const fill = (): Promise<void> => {
      refill ??= (async () => {
        try {
          const rows = await repo.claim(deps.dialect, { workerId, now: deps.clock.now(), limit: batch, lockMs });
          if (rows.length < batch) exhausted = true;
          if (rows.length) {
            const targets = await loadTargets(deps, rows);
            const items = await gatherFamilies(
              deps,
              {
                workerId,
                lockMs,
                windowMinutes: async (clinicId) => (await clinicCtx(clinicId)).settings.mergeWindowMinutes,
                loadTargets: (extra) => loadTargets(deps, extra),
              },
              rows.map((row) => ({ row, target: targets.get(row.appointment_id) })),
            );
            for (const item of items) {
              total += isFamilyGroup(item) ? item.members.length : 1;
              queue.push(item);
            }
          }
        } catch (err) {
          failure ??= err;
          exhausted = true;
        } finally {
          refill = null;
        }
      })();
      return refill;
    };
    const take = async (): Promise<Item | null> => {
      for (;;) {
        if (!exhausted && !stopped && queue.length - head <= lowWater) void fill();
        if (head < queue.length) {
          const item = queue[head++];
          if (head > 4096) {
            queue.splice(0, head);
            head = 0;
          }
          return item;
        }
        if (refill) await refill;
        else return null; // nothing left and nothing more to claim (or stopping)
      }
    };
    const lane = async () => {
      for (let item = await take(); item; item = await take()) {
        if (isFamilyGroup(item)) {
          const g = item;
          const outs = await deliverFamily(g).catch((err: unknown) => {
            const error = err instanceof Error ? err.message : String(err);
            const delayMs = retryDelayMs(Math.max(...g.members.map((m) => m.row.attempts)));
            return g.members.map((m) => ({ row: m.row, out: { kind: 'retry', error, delayMs } as const }));
          });
          pending.push(...outs);
          if (pending.length >= 500) await doFlush();
          continue;
        }
        let out: Outcome;
        try {
          out = await deliver(item.row, item.target);
        } catch (err) {
          out = {
            kind: 'retry',
            error: err instanceof Error ? err.message : String(err),
            delayMs: retryDelayMs(item.row.attempts),
          };
        }
        pending.push({ row: item.row, out });
        if (pending.length >= 500) await doFlush();
      }
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, lane));
    } finally {
      clearInterval(flushTimer);
      await doFlush();
    }
    if (failure) throw failure;
    return total;
  }

  const loop = pollingLoop({
    name: 'reminder dispatcher',
    poll: runOnce,
    pollMs: opts.pollMs ?? 500,
    log: deps.log,
    autoStart: opts.autoStart,
  });
  return {
    stats,
    runOnce,
    wake: loop.wake,
    async stop() {
      stopped = true;
      await loop.stop();
    },
  };
}
