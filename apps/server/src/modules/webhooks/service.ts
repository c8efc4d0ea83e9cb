// Outbound webhooks to the clinic's HIS (docs/contracts.md): a per-clinic URL and secret (stored
// encrypted; generated when not given), events stored once as rows (their id is the body's
// id on every retry), delivered by the job system in order per appointment/patient with
// retries and backoff until a 2xx, every attempt logged in webhook_deliveries.
//
//   POST <url>   Careline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
//   body         {"id","type","createdAt","data"}
import type { Kysely, Transaction } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { webhookRepository } from './repository.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId, randomToken } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { defineJob, enqueueJob, enqueueJobs, PermanentJobError, type Job } from '../../platform/jobs.ts';
import { isPrivateHost } from '../../platform/private-address.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const WEBHOOK_TIMEOUT_MS = 5_000;
/** Backoff 5 s, 10 s, 20 s … capped at 1 h: 30 attempts span about a day. */
export const WEBHOOK_MAX_ATTEMPTS = 30;

/** One attempt of one webhook event (the row in webhook_events holds the body). */
export const WEBHOOK_JOB = defineJob({
  type: 'his.webhook.deliver',
  payload: Type.Object({ eventId: Type.String() }),
  defaults: { maxAttempts: WEBHOOK_MAX_ATTEMPTS },
  handler: deliverWebhook,
});

const PRIVATE_URL_MESSAGE =
  '網址不可指向內部或私有網路位址（例如 127.0.0.1、10.x、192.168.x、169.254.x），請使用對外可連線的網址';

export type WebhookEventInput = { clinicId: string; type: string; orderingKey: string; data: Record<string, unknown> };

/** `Careline-Signature` header value for a raw body. */
export function signWebhook(deps: Pick<Deps, 'crypto'>, secret: string, unixSeconds: number, rawBody: string): string {
  return `t=${unixSeconds},v1=${deps.crypto.hmacHex(secret, `${unixSeconds}.${rawBody}`)}`;
}

/**
 * In production the URL must be https and must not name a loopback, private, link-local or
 * otherwise local host (platform/private-address.ts: the worker must not be steered at our own
 * network). Development and tests allow them: the LINE emulator, the fake HIS and the tests
 * listen on 127.0.0.1. Host names that resolve to such addresses are not caught here (DNS
 * rebinding): an egress proxy is the place for that.
 */
export function checkWebhookUrl(url: string, production: boolean): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw errors.validation([
      { field: 'url', code: 'format', message: '網址格式不正確（例如 https://his.example.tw/careline/webhook）' },
    ]);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw errors.validation([{ field: 'url', code: 'format', message: '網址必須以 https:// 或 http:// 開頭' }]);
  if (u.username || u.password)
    throw errors.validation([{ field: 'url', code: 'format', message: '網址不可包含帳號密碼，請改用簽章驗證' }]);
  if (production && u.protocol !== 'https:')
    throw errors.validation([{ field: 'url', code: 'format', message: '正式環境的 Webhook 網址必須使用 https://' }]);
  if (production && isPrivateHost(u.hostname))
    throw errors.validation([{ field: 'url', code: 'private_address', message: PRIVATE_URL_MESSAGE }]);
  return u.toString();
}

const endpointOf = (db: Db, clinicId: string) => webhookRepository(db).endpoint(clinicId);

/**
 * Stores the event and enqueues its delivery in the caller's transaction. Does nothing when
 * the clinic has no webhook URL (the HIS can still resync through status-changes).
 */
export async function emitWebhookEvent(
  trx: Db,
  deps: Deps,
  input: WebhookEventInput,
  opts: { force?: boolean } = {},
): Promise<string | null> {
  if (!opts.force && !(await endpointOf(trx, input.clinicId))) return null;
  const [id] = await storeEvents(trx, deps, [input]);
  return id;
}

/**
 * Many `emitWebhookEvent`s at once (a batch of reminders sent): one endpoint check per clinic,
 * multi-row inserts of the events and their jobs, in the order of `inputs`.
 */
export async function emitWebhookEvents(trx: Db, deps: Deps, inputs: WebhookEventInput[]): Promise<void> {
  const withUrl = new Set<string>();
  for (const clinicId of new Set(inputs.map((i) => i.clinicId)))
    if (await endpointOf(trx, clinicId)) withUrl.add(clinicId);
  await storeEvents(
    trx,
    deps,
    inputs.filter((i) => withUrl.has(i.clinicId)),
  );
}

/** Event rows and their delivery jobs (ordered per entity by the ordering key); returns the ids. */
async function storeEvents(trx: Db, deps: Deps, inputs: WebhookEventInput[]): Promise<string[]> {
  if (!inputs.length) return [];
  const createdAt = deps.clock.now().toISOString();
  const events = inputs.map((i) => ({ ...i, id: newId(), key: `webhook:${i.clinicId}:${i.orderingKey}` }));
  await webhookRepository(trx).insertEvents(
    events.map((e) => ({
      id: e.id,
      clinic_id: e.clinicId,
      type: e.type,
      body: JSON.stringify({ id: e.id, type: e.type, createdAt, data: e.data }),
      ordering_key: e.key,
      status: 'pending',
      created_at: createdAt,
      delivered_at: null,
    })),
  );
  await enqueueJobs(
    trx,
    deps.clock,
    WEBHOOK_JOB,
    events.map((e) => ({
      payload: { eventId: e.id },
      opts: { clinicId: e.clinicId, orderingKey: e.key, idempotencyKey: `webhook:${e.id}` },
    })),
  );
  return events.map((e) => e.id);
}

/** The job handler: one attempt of one event. Throws (→ retry with backoff) unless the HIS answers 2xx. */
async function deliverWebhook(job: Job<{ eventId: string }>, deps: Deps): Promise<void> {
  const clinicId = job.clinicId;
  if (!clinicId) throw new PermanentJobError('webhook job without clinic');
  const repo = webhookRepository(deps.db);
  const ev = await repo.event(clinicId, job.payload.eventId);
  if (!ev) throw new PermanentJobError(`webhook event ${job.payload.eventId} not found`);
  const ep = await repo.endpoint(clinicId);
  if (!ep) {
    await repo.setEventStatus(clinicId, ev.id, 'failed');
    throw new PermanentJobError('webhook URL not configured');
  }
  const t = Math.floor(deps.clock.now().getTime() / 1000);
  const signature = signWebhook(deps, deps.crypto.decrypt(ep.secret_enc), t, ev.body);
  const started = performance.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    // A URL saved before the rule (or by hand in the database) is not called in production either.
    if (deps.config.nodeEnv === 'production' && isPrivateHost(new URL(ep.url).hostname))
      throw new Error(PRIVATE_URL_MESSAGE);
    const res = await fetch(ep.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'careline-signature': signature,
        'careline-event-id': ev.id,
        'careline-event-type': ev.type,
        'user-agent': 'Careline-Webhook/1',
      },
      body: ev.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    status = res.status;
    await res.body?.cancel().catch(() => {});
    if (status < 200 || status >= 300) error = `HTTP ${status}`;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    error =
      e.name === 'TimeoutError'
        ? `逾時（${WEBHOOK_TIMEOUT_MS / 1000} 秒內無回應）`
        : `連線失敗：${e.cause?.code ?? e.message}`;
  }
  const ok = error === null;
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const tx = webhookRepository(trx);
    await tx.insertDelivery({
      clinic_id: clinicId,
      event_id: ev.id,
      event_type: ev.type,
      attempt: job.attempts,
      url: ep.url,
      ok: ok ? 1 : 0,
      status_code: status,
      duration_ms: Math.round(performance.now() - started),
      error,
      created_at: now,
    });
    await tx.attempted(
      clinicId,
      ev.id,
      ok ? 'delivered' : job.attempts >= job.maxAttempts ? 'failed' : 'retrying',
      ok ? now : ev.delivered_at,
    );
  });
  if (!ok) throw new Error(`webhook delivery failed: ${error}`);
}

export function webhookService(deps: Deps) {
  const db = deps.db;
  const repo = webhookRepository(db);
  return {
    async getConfig(clinicId: string) {
      const ep = await endpointOf(db, clinicId);
      return ep ? { url: ep.url, secret: deps.crypto.decrypt(ep.secret_enc), updatedAt: ep.updated_at } : null;
    },

    /** Sets the URL (and the secret, generated when not given). */
    async setConfig(clinicId: string, input: { url: string; secret?: string }, actor: Actor, ip = '') {
      const url = checkWebhookUrl(input.url, deps.config.nodeEnv === 'production');
      const secret = input.secret?.trim() || `whsec_${randomToken(24)}`;
      if (secret.length < 16)
        throw errors.validation([
          { field: 'secret', code: 'minLength', message: '簽章密鑰至少需要 16 個字元（不填則由系統產生）' },
        ]);
      const now = deps.clock.now().toISOString();
      const enc = deps.crypto.encrypt(secret);
      await repo.saveEndpoint({ clinic_id: clinicId, url, secret_enc: enc, created_at: now, updated_at: now });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'webhook.configured',
        entityType: 'webhook_endpoint',
        entityId: clinicId,
        detail: { url, secretGenerated: !input.secret },
        ip,
      });
      return { url, secret };
    },

    async sendTest(clinicId: string, actor: Actor) {
      if (!(await endpointOf(db, clinicId))) throw new AppErrorNoWebhook();
      const id = await db.transaction().execute((trx) =>
        emitWebhookEvent(
          trx,
          deps,
          {
            clinicId,
            type: 'webhook.test',
            orderingKey: `test:${newId()}`,
            data: { message: '這是 Careline 的測試事件', requestedBy: actor.label },
          },
          { force: true },
        ),
      );
      return { eventId: id! };
    },

    async listDeliveries(clinicId: string, q: { failed?: boolean; before?: number; limit: number }) {
      const rows = await repo.deliveries(clinicId, q);
      const more = rows.length > q.limit;
      const items = rows.slice(0, q.limit).map((r) => ({
        id: Number(r.id),
        eventId: r.event_id,
        eventType: r.event_type,
        attempt: Number(r.attempt),
        url: r.url,
        ok: Number(r.ok) === 1,
        statusCode: r.status_code === null ? null : Number(r.status_code),
        durationMs: Number(r.duration_ms),
        error: r.error,
        createdAt: r.created_at,
      }));
      return { items, nextBefore: more ? items[items.length - 1].id : null };
    },

    /** Sends the event of a logged delivery again (same event id), as a new job. */
    async redeliver(clinicId: string, deliveryId: number, actor: Actor, ip = '') {
      const d = await repo.delivery(clinicId, deliveryId);
      if (!d) throw errors.notFound('傳送紀錄');
      if (!(await endpointOf(db, clinicId))) throw new AppErrorNoWebhook();
      const ev = await repo.event(clinicId, d.event_id);
      if (!ev) throw errors.notFound('傳送紀錄');
      const jobId = await enqueueJob(
        db,
        deps.clock,
        WEBHOOK_JOB,
        { eventId: ev.id },
        { clinicId, orderingKey: ev.ordering_key },
      );
      await repo.setEventStatus(clinicId, ev.id, 'pending');
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'webhook.redelivered',
        entityType: 'webhook_event',
        entityId: ev.id,
        detail: { deliveryId },
        ip,
      });
      return { eventId: ev.id, jobId };
    },
  };
}

class AppErrorNoWebhook extends AppError {
  constructor() {
    super('WEBHOOK_NOT_CONFIGURED', 409, '尚未設定 Webhook 網址，請先設定後再試');
  }
}
