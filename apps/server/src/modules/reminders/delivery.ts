// Delivery of due reminders (C3, L5). A dispatcher claims due reminder_deliveries rows
// (FOR UPDATE SKIP LOCKED on PostgreSQL, one conditional UPDATE … RETURNING on SQLite),
// pushes each with the X-Line-Retry-Key stored on the row when it was planned (a retry after a
// crash reuses it; LINE's 409 "already accepted" counts as sent), paces each channel with a
// token bucket below LINE's rate limit, backs off on 429/5xx, and records the outcome of a
// batch in one transaction (message log, reply light, SMS fallback, quota counters).
//
// Pushes go through the channel's client from deps.line, whose push is platform/line-push.ts
// (undici's keep-alive pool, one connection per push in flight), not @line/bot-sdk's fetch
// client: the same request and the same HTTPFetchError on a non-2xx answer for about a sixth
// of the CPU per push. With that, one worker process sends at LINE's 2,000 pushes/s on a
// 2-core machine at ~0.3 ms of CPU per reminder (claim, render, sign, push, record), about a
// third of what it was.
//
// Pacing is per process: every dispatcher of one process shares the bucket of a channel.
// With several processes, give each `ratePerSecond = limit × 0.98 / processes`
// (REMINDER_RATE_PER_SECOND); a 429 from LINE pauses the channel's bucket for a second in
// that process and the row is retried later with the same retry key, so overshooting costs
// time, never a duplicate.
import { hostname } from 'node:os';
import type { messagingApi } from '@line/bot-sdk';
import { sql } from 'kysely';
import type { Deps } from '../../platform/deps.ts';
import { HTTPFetchError, type LineChannelClient } from '../../platform/line.ts';
import { pacerFor } from '../../platform/pacing.ts';
import { pollingLoop } from '../../platform/jobs.ts';
import { changeStatus } from '../status/service.ts';
import { queueSms } from '../sms/service.ts';
import { localParts, longDate } from '../../platform/time.ts';
import { loadSettings, loadTemplates } from './service.ts';
import type { ReminderSettings } from './rules.ts';
import type { ReminderDeliveriesTable } from './tables.ts';
import { fill, mapUrlOf, renderReminder, signTokens, type Template, type Vars } from './templates.ts';
import { quotaTracker, type QuotaTracker } from './quota.ts';

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

// The columns the dispatcher needs of a claimed row (not RETURNING *: less to copy per row).
const CLAIMED = [
  'id',
  'clinic_id',
  'appointment_id',
  'appointment_version',
  'rule_id',
  'rule_name',
  'template_id',
  'essential',
  'retry_key',
  'attempts',
] as const;
type Claimed = Pick<ReminderDeliveriesTable, (typeof CLAIMED)[number]>;
const returning = sql.raw(CLAIMED.join(', '));
type Outcome =
  | {
      kind: 'sent';
      channel: 'line';
      lineUserId: string;
      requestId: string | null;
      message: messagingApi.Message;
      replyLight: boolean;
    }
  | { kind: 'sms'; to: string; text: string }
  | { kind: 'retry'; error: string; delayMs: number }
  | { kind: 'failed'; error: string }
  | { kind: 'cancelled'; reason: string }
  | { kind: 'skipped'; reason: string };

/**
 * Splits a list into chunks of 128, 32, 8 and 1 items: a bulk statement then has one of four
 * SQL texts per shape, so SQLite's prepared statements are reused instead of parsed and planned
 * again for every batch size.
 */
export function fixedChunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (const size of [128, 32, 8, 1]) {
    while (list.length - i >= size) {
      out.push(list.slice(i, i + size));
      i += size;
    }
  }
  return out;
}

/** Exponential backoff with jitter for retries of one reminder: 2 s, 4 s … capped at 5 minutes. */
export const retryDelayMs = (attempts: number) =>
  Math.round(Math.min(2000 * 2 ** Math.max(0, attempts - 1), 300_000) * (0.8 + 0.4 * Math.random()));

export async function claimDeliveries(
  deps: Deps,
  opts: { workerId: string; now: Date; limit: number; lockMs: number },
): Promise<Claimed[]> {
  const now = opts.now.toISOString();
  const until = new Date(opts.now.getTime() + opts.lockMs).toISOString();
  const lock = deps.dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  // Two index-backed arms (due planned rows by next_attempt_at; rows whose lock expired by
  // locked_until) instead of one OR that would scan the table.
  const res = await sql<Claimed>`
    UPDATE reminder_deliveries SET state = 'sending', locked_by = ${opts.workerId}, locked_until = ${until}, attempts = attempts + 1, updated_at = ${now}
    WHERE id IN (
      SELECT id FROM (SELECT d.id FROM reminder_deliveries d WHERE d.state = 'planned' AND d.next_attempt_at <= ${now} ORDER BY d.next_attempt_at LIMIT ${opts.limit} ${lock}) AS due
      UNION ALL
      SELECT id FROM (SELECT e.id FROM reminder_deliveries e WHERE e.state = 'sending' AND e.locked_until < ${now} LIMIT ${opts.limit} ${lock}) AS expired
    )
    RETURNING ${returning}`.execute(deps.db);
  return res.rows;
}

type ClinicCtx = {
  settings: ReminderSettings;
  templates: Template[];
  clinic: { name: string; address: string; phone: string; timeZone: string };
  channel: LineChannelClient | null;
  smsAllowed: boolean;
  mapUrl: string;
  loadedAt: number;
};

export function startReminderDispatcher(deps: Deps, opts: DispatcherOptions = {}): Dispatcher {
  const workerId = opts.workerId ?? `reminders-${hostname()}-${process.pid}`;
  const rate = opts.ratePerSecond ?? 1960;
  const concurrency = opts.concurrency ?? 64;
  const batch = opts.batch ?? 200;
  const lockMs = opts.lockMs ?? 60_000;
  const pollMs = opts.pollMs ?? 500;
  const maxAttempts = opts.maxAttempts ?? 8;
  const stats = { sent: 0, retried: 0, failed: 0, cancelled: 0 };
  const clinics = new Map<string, Promise<ClinicCtx>>();
  const quota: QuotaTracker = quotaTracker(deps);
  // Per clinic time zone and start time: the patient-facing date, time and token expiry.
  const localCache = new Map<string, { date: string; time: string; expires: Date }>();
  let stopped = false;

  function clinicCtx(clinicId: string): Promise<ClinicCtx> {
    const c = clinics.get(clinicId);
    if (c) return c;
    const p = (async (): Promise<ClinicCtx> => {
      const [settings, templates, clinic, ch, sms] = await Promise.all([
        loadSettings(deps.db, clinicId),
        loadTemplates(deps.db, clinicId),
        deps.db
          .selectFrom('clinics')
          .select(['name', 'address', 'phone', 'time_zone'])
          .where('id', '=', clinicId)
          .executeTakeFirstOrThrow(),
        deps.line.forClinic(clinicId),
        deps.db
          .selectFrom('sms_settings')
          .select(['reminder_fallback', 'provider'])
          .where('clinic_id', '=', clinicId)
          .executeTakeFirst(),
      ]);
      const smsProvider = sms && sms.provider !== 'default' ? sms.provider : deps.config.smsProvider;
      return {
        settings,
        templates,
        clinic: { name: clinic.name, address: clinic.address, phone: clinic.phone, timeZone: clinic.time_zone },
        channel: ch,
        smsAllowed: settings.smsFallback && Boolean(sms?.reminder_fallback) && smsProvider !== 'none',
        mapUrl: mapUrlOf(clinic.address),
        loadedAt: Date.now(),
      };
    })();
    clinics.set(clinicId, p);
    p.catch(() => clinics.delete(clinicId));
    setTimeout(() => clinics.delete(clinicId), 30_000).unref();
    return p;
  }

  async function loadRows(rows: Claimed[]) {
    const ids = rows.map((r) => r.appointment_id);
    const appts = await deps.db
      .selectFrom('appointments')
      .innerJoin('patients', 'patients.id', 'appointments.patient_id')
      .innerJoin('doctors', 'doctors.id', 'appointments.doctor_id')
      .select([
        'appointments.id',
        'appointments.clinic_id',
        'appointments.status',
        'appointments.version',
        'appointments.starts_at',
        'appointments.reply_status',
        'appointments.visit_type',
        'patients.id as patient_id',
        'patients.name as patient_name',
        'patients.phone_e164',
        'patients.phone_is_mobile',
        'doctors.name as doctor_name',
      ])
      .where('appointments.id', 'in', ids)
      .execute();
    const byId = new Map(appts.map((a) => [a.id, a]));
    // Bindings of each clinic's patients (by the (clinic_id, patient_id) index; without the
    // clinic the query scanned every binding of every clinic for each batch).
    const patientsOf = new Map<string, Set<string>>();
    for (const a of appts) {
      const set = patientsOf.get(a.clinic_id);
      if (set) set.add(a.patient_id);
      else patientsOf.set(a.clinic_id, new Set([a.patient_id]));
    }
    const bindings = [];
    for (const [clinicId, patients] of patientsOf) {
      bindings.push(
        ...(await deps.db
          .selectFrom('line_bindings')
          .leftJoin('line_friends', (j) =>
            j
              .onRef('line_friends.clinic_id', '=', 'line_bindings.clinic_id')
              .onRef('line_friends.line_user_id', '=', 'line_bindings.line_user_id'),
          )
          .select([
            'line_bindings.clinic_id',
            'line_bindings.patient_id',
            'line_bindings.line_user_id',
            'line_bindings.created_at',
            'line_friends.state',
          ])
          .where('line_bindings.clinic_id', '=', clinicId)
          .where('line_bindings.patient_id', 'in', [...patients])
          .orderBy('line_bindings.created_at', 'desc')
          .execute()),
      );
    }
    const byPatient = new Map<string, typeof bindings>();
    for (const x of bindings) {
      const l = byPatient.get(x.patient_id);
      if (l) l.push(x);
      else byPatient.set(x.patient_id, [x]);
    }
    return { byId, bindings: byPatient };
  }

  async function deliver(row: Claimed, ctx: Awaited<ReturnType<typeof loadRows>>): Promise<Outcome> {
    const a = ctx.byId.get(row.appointment_id);
    if (!a || a.clinic_id !== row.clinic_id) return { kind: 'cancelled', reason: '找不到預約' };
    if (a.status !== 'booked') return { kind: 'cancelled', reason: `預約狀態為 ${a.status}，不再提醒` };
    if (Number(a.version) !== Number(row.appointment_version))
      return { kind: 'cancelled', reason: '預約已更新，改用新的排程' };
    if (a.starts_at <= deps.clock.now().toISOString()) return { kind: 'cancelled', reason: '看診時間已開始，不再提醒' };
    if (a.reply_status === 'cancel_requested') return { kind: 'cancelled', reason: '病患已要求取消，不再提醒' };
    const c = await clinicCtx(row.clinic_id);
    const bound = (ctx.bindings.get(a.patient_id) ?? []).filter((b) => b.clinic_id === row.clinic_id);
    const target = bound.find((b) => b.state !== 'blocked');
    const lkey = `${c.clinic.timeZone}|${a.starts_at}`;
    let local = localCache.get(lkey);
    if (!local) {
      if (localCache.size > 10_000) localCache.clear();
      const l = localParts(new Date(a.starts_at), c.clinic.timeZone);
      local = { date: longDate(l.date), time: l.time, expires: new Date(Date.parse(a.starts_at) + 86_400_000) };
      localCache.set(lkey, local);
    }
    const vars: Vars = {
      patientName: a.patient_name,
      doctorName: a.doctor_name,
      date: local.date,
      time: local.time,
      clinicName: c.clinic.name,
      clinicAddress: c.clinic.address,
      clinicPhone: c.clinic.phone,
      mapUrl: c.mapUrl,
      preparation: c.settings.preparations[a.visit_type ?? ''] ?? c.settings.preparations[''] ?? '',
    };
    const tpl = (c.templates.find((t) => t.id === row.template_id) ?? c.templates.find((t) => t.id === 'default')!)
      .body;
    if (!target || !c.channel) {
      if (c.smsAllowed && a.phone_e164 && a.phone_is_mobile) {
        return {
          kind: 'sms',
          to: a.phone_e164,
          text: fill(
            `【{clinicName}】{patientName}您好，提醒您 {date} {time} {doctorName}醫師門診。如需取消或改期請來電 {clinicPhone}。`,
            vars,
          ),
        };
      }
      return {
        kind: 'failed',
        error: bound.length
          ? '病患已封鎖診所的 LINE，且未啟用簡訊備援'
          : '病患尚未綁定 LINE，且未啟用簡訊備援（或沒有手機號碼）',
      };
    }
    const q = await quota.check(row.clinic_id, c, row.essential === 1);
    if (!q.ok) return { kind: 'skipped', reason: q.reason };
    const t = signTokens(deps.crypto, a.id, local.expires, ['c', 'x', 'r']);
    const message = renderReminder(tpl, vars, { confirm: t.c, cancel: t.x, reschedule: t.r });
    const bucket = pacerFor(c.channel.channelId, rate);
    await bucket.take();
    try {
      const res = await c.channel.push({ to: target.line_user_id, messages: [message] }, row.retry_key);
      bucket.accepted();
      quota.count(row.clinic_id, 1);
      return {
        kind: 'sent',
        channel: 'line',
        lineUserId: target.line_user_id,
        requestId: res.requestId,
        message,
        replyLight: a.reply_status === 'not_sent',
      };
    } catch (err) {
      if (err instanceof HTTPFetchError) {
        if (err.status === 409) {
          return {
            kind: 'sent',
            channel: 'line',
            lineUserId: target.line_user_id,
            requestId: err.headers.get('x-line-accepted-request-id'),
            message,
            replyLight: a.reply_status === 'not_sent',
          };
        }
        if (err.status === 429) {
          if (/monthly limit/i.test(err.body)) {
            if (c.smsAllowed && a.phone_e164 && a.phone_is_mobile)
              return {
                kind: 'sms',
                to: a.phone_e164,
                text: fill(
                  '【{clinicName}】{patientName}您好，提醒您 {date} {time} {doctorName}醫師門診。如需取消或改期請來電 {clinicPhone}。',
                  vars,
                ),
              };
            return { kind: 'failed', error: '已達 LINE 本月訊息額度上限' };
          }
          bucket.rateLimited();
          return { kind: 'retry', error: 'LINE 429：發送頻率超過限制', delayMs: 1000 + Math.random() * 1000 };
        }
        if (err.status >= 500)
          return { kind: 'retry', error: `LINE ${err.status}`, delayMs: retryDelayMs(row.attempts) };
        if (err.status === 400 && /Failed to send messages/i.test(err.body)) {
          if (c.smsAllowed && a.phone_e164 && a.phone_is_mobile)
            return {
              kind: 'sms',
              to: a.phone_e164,
              text: fill(
                '【{clinicName}】{patientName}您好，提醒您 {date} {time} {doctorName}醫師門診。如需取消或改期請來電 {clinicPhone}。',
                vars,
              ),
            };
          return { kind: 'failed', error: '病患不是好友或已封鎖（LINE 拒絕傳送）' };
        }
        return { kind: 'failed', error: `LINE ${err.status}：${err.body.slice(0, 300)}` };
      }
      return {
        kind: 'retry',
        error: `無法連線到 LINE：${err instanceof Error ? err.message : String(err)}`,
        delayMs: retryDelayMs(row.attempts),
      };
    }
  }

  async function flush(done: { row: Claimed; out: Outcome }[]): Promise<void> {
    if (!done.length) return;
    const now = deps.clock.now();
    const nowIso = now.toISOString();
    await deps.db.transaction().execute(async (trx) => {
      const tdeps = { ...deps, db: trx } as Deps;
      // Sent on LINE: one UPDATE and one INSERT into the message log for the whole batch (the
      // same row lineService.logMessage writes), then the reply light where it was not_sent.
      const sentLine = done.filter(
        (x): x is { row: Claimed; out: Extract<Outcome, { kind: 'sent' }> } => x.out.kind === 'sent',
      );
      for (const chunk of fixedChunks(sentLine)) {
        const caseOf = (f: (x: (typeof chunk)[number]) => string | null) =>
          sql.join(
            chunk.map((x) => sql`WHEN ${x.row.id} THEN ${f(x)}`),
            sql` `,
          );
        const updated = await sql<{ id: string }>`
          UPDATE reminder_deliveries SET state = 'sent', channel = 'line', sent_at = ${nowIso}, last_error = NULL, locked_by = NULL, locked_until = NULL, updated_at = ${nowIso},
            line_user_id = CASE id ${caseOf((x) => x.out.lineUserId)} END, line_request_id = CASE id ${caseOf((x) => x.out.requestId)} END
          WHERE id IN (${sql.join(chunk.map((x) => x.row.id))}) AND locked_by = ${workerId} AND state = 'sending'
          RETURNING id`.execute(trx);
        const mineNow = new Set(updated.rows.map((r) => r.id));
        const logged = chunk.filter((x) => mineNow.has(x.row.id));
        if (logged.length) {
          await trx
            .insertInto('line_messages')
            .values(
              logged.map(({ row, out }) => ({
                clinic_id: row.clinic_id,
                line_user_id: out.lineUserId,
                direction: 'out',
                kind: 'flex',
                text: (out.message as messagingApi.FlexMessage).altText,
                payload: JSON.stringify({ deliveryId: row.id, ruleId: row.rule_id, requestId: out.requestId }),
                source: 'reminder',
                related_type: 'appointment',
                related_id: row.appointment_id,
                created_at: nowIso,
              })),
            )
            .execute();
        }
        for (const { row, out } of logged) {
          if (out.replyLight) {
            await changeStatus(trx, tdeps, {
              clinicId: row.clinic_id,
              subject: 'appointment',
              subjectId: row.appointment_id,
              light: 'reply',
              to: 'awaiting_reply',
              source: 'system',
              actor: { type: 'system', id: null, label: '看診提醒' },
              reason: `已送出「${row.rule_name}」`,
            });
          }
        }
        stats.sent += logged.length;
      }
      for (const { row, out } of done) {
        const mine = (q: ReturnType<typeof trx.updateTable<'reminder_deliveries'>>) =>
          q.where('id', '=', row.id).where('locked_by', '=', workerId).where('state', '=', 'sending');
        switch (out.kind) {
          case 'sent':
            break; // written above, in bulk
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
              await mine(
                trx.updateTable('reminder_deliveries').set({
                  state: 'failed',
                  last_error: sms.message,
                  locked_by: null,
                  locked_until: null,
                  updated_at: nowIso,
                }),
              ).execute();
              stats.failed++;
            } else {
              await mine(
                trx.updateTable('reminder_deliveries').set({
                  state: 'sent',
                  channel: 'sms',
                  sms_message_id: sms.id,
                  sent_at: nowIso,
                  last_error: null,
                  locked_by: null,
                  locked_until: null,
                  updated_at: nowIso,
                }),
              ).execute();
              stats.sent++;
            }
            break;
          }
          case 'retry': {
            const last = row.attempts >= maxAttempts;
            await mine(
              trx.updateTable('reminder_deliveries').set(
                last
                  ? {
                      state: 'failed',
                      last_error: `${out.error}（已重試 ${row.attempts} 次）`,
                      locked_by: null,
                      locked_until: null,
                      updated_at: nowIso,
                    }
                  : {
                      state: 'planned',
                      last_error: out.error,
                      next_attempt_at: new Date(now.getTime() + out.delayMs).toISOString(),
                      locked_by: null,
                      locked_until: null,
                      updated_at: nowIso,
                    },
              ),
            ).execute();
            if (last) stats.failed++;
            else stats.retried++;
            break;
          }
          case 'failed':
            await mine(
              trx.updateTable('reminder_deliveries').set({
                state: 'failed',
                last_error: out.error,
                locked_by: null,
                locked_until: null,
                updated_at: nowIso,
              }),
            ).execute();
            stats.failed++;
            break;
          case 'cancelled':
          case 'skipped':
            await mine(
              trx.updateTable('reminder_deliveries').set({
                state: out.kind,
                cancel_reason: out.reason,
                locked_by: null,
                locked_until: null,
                updated_at: nowIso,
              }),
            ).execute();
            stats.cancelled++;
            break;
        }
      }
    });
  }

  /** Claims due rows and delivers them with `concurrency` pushes in flight; returns rows handled. */
  async function runOnce(): Promise<number> {
    let total = 0;
    const pending: { row: Claimed; out: Outcome }[] = [];
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
    type Item = { row: Claimed; ctx: Awaited<ReturnType<typeof loadRows>> };
    const queue: Item[] = [];
    let head = 0;
    let exhausted = false;
    let failure: unknown = null;
    let refill: Promise<void> | null = null;
    const lowWater = Math.max(concurrency, Math.floor(batch / 2));
    const fill = (): Promise<void> => {
      refill ??= (async () => {
        try {
          const rows = await claimDeliveries(deps, { workerId, now: deps.clock.now(), limit: batch, lockMs });
          if (rows.length < batch) exhausted = true;
          if (rows.length) {
            total += rows.length;
            const ctx = await loadRows(rows);
            for (const row of rows) queue.push({ row, ctx });
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
        let out: Outcome;
        try {
          out = await deliver(item.row, item.ctx);
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
    pollMs,
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
