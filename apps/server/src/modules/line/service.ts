// The clinic's LINE channel: settings with encrypted secrets, a connection test, the
// webhook (signature verified on the raw body, events stored once by webhookEventId and
// processed in jobs, in order per LINE user), friend records, and the message log.
import type { messagingApi } from '@line/bot-sdk';
import type { Compilable, Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { writeStatements } from '../../db/write-transaction.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { jobType } from '../../platform/jobs.ts';
import type { Crypto } from '../../platform/crypto.ts';
import {
  describeLineError,
  verifyLineSignature,
  type LineChannelClient,
  type LineChannelLookup,
} from '../../platform/line.ts';
import { inboxRepository } from './inbox.repository.ts';
import { freshReplyToken, readMessage, type WebhookEvent } from './incoming.ts';
import { storeEvents, type Arrival } from './ingest.ts';
import { inboxQueries, type InboxRows } from './ingest.repository.ts';
import { lineRepository, type ChannelRow, type FriendRow } from './repository.ts';

export const DEFAULT_GREETING =
  '感謝您加入{clinic}的 LINE 官方帳號！\n完成「綁定」後，就能在 LINE 收到看診提醒、一鍵確認或取消預約，也能查詢您與家人的預約。';

/** Processing of one stored webhook event; the handler (with other modules' hooks) is registered in src/jobs.ts. */
export const LINE_EVENT_JOB = jobType({
  type: 'line.event',
  payload: Type.Object({ eventRowId: Type.Integer() }),
  defaults: { priority: 'interactive', maxAttempts: 8 },
});

export type ChannelInput = {
  channelId: string;
  channelSecret?: string;
  accessToken?: string;
  liffId?: string;
  greetingText?: string;
  readMode?: 'auto' | 'manual';
  botPauseMinutes?: number;
};

/** One message pushed to a LINE user, as the message log keeps it. */
export type OutgoingLog = {
  clinicId: string;
  lineUserId: string;
  kind: string;
  text: string;
  payload?: unknown;
  source: string;
  /** push counts toward the month's quota, reply is free, pnp is billed apart. */
  method: SendMethod;
  relatedType?: string | null;
  relatedId?: string | null;
};

export type SendMethod = 'push' | 'reply' | 'pnp';

export type { WebhookEvent } from './incoming.ts';

/**
 * The outcome a user's message event is stored with: the webhook wrote it to the message log and
 * the inbox with the event (ingest.ts); the line.event job replaces it with what it did.
 */
export const INBOX_WRITTEN = 'received';

export const webhookUrlOf = (deps: Deps, channelId: string) => `${deps.config.publicBaseUrl}/line/webhook/${channelId}`;

function toView(deps: Deps, r: ChannelRow) {
  return {
    channelId: r.channel_id,
    accessTokenHint: r.access_token_hint,
    liffId: r.liff_id,
    greetingText: r.greeting_text || DEFAULT_GREETING,
    webhookUrl: webhookUrlOf(deps, r.channel_id),
    botName: r.bot_name,
    botUserId: r.bot_user_id,
    pnpEnabled: Number(r.pnp_enabled) === 1,
    readMode: r.read_mode === 'manual' ? ('manual' as const) : ('auto' as const),
    botPauseMinutes: Number(r.bot_pause_minutes),
    lastTest: r.last_test_at
      ? {
          at: r.last_test_at,
          ok: r.last_test_ok === 1,
          message: r.last_test_message ?? '',
          webhook: r.webhook_ok === null ? null : { ok: r.webhook_ok === 1, message: r.webhook_message ?? '' },
        }
      : null,
    updatedAt: r.updated_at,
  };
}

/**
 * How the LINE gateway (deps.line) reads a clinic's channel: the stored ciphertext is the token's
 * version (a new token is a new ciphertext), and the token is decrypted only when a client is built.
 */
export function lineChannelLookup(db: Kysely<DB>, crypto: Crypto): LineChannelLookup {
  const repo = lineRepository(db);
  return async (clinicId) => {
    const ch = await repo.channelToken(clinicId);
    if (!ch) return null;
    return {
      channelId: ch.channel_id,
      version: ch.access_token_enc,
      accessToken: () => crypto.decrypt(ch.access_token_enc),
    };
  };
}

/**
 * A channel's secret, decrypted once per ciphertext (a new secret is a new ciphertext): the
 * webhook checks a signature per delivery, and building the AES key object each time cost more
 * than the HMAC itself.
 */
const secrets = new Map<string, string>();
function channelSecret(crypto: Crypto, sealed: string): string {
  let secret = secrets.get(sealed);
  if (secret === undefined) {
    secret = crypto.decrypt(sealed);
    if (secrets.size > 1000) secrets.clear();
    secrets.set(sealed, secret);
  }
  return secret;
}

const hint = (token: string) => `${token.slice(0, 4)}…${token.slice(-4)}`;

/**
 * The webhook half of the connection test: LINE must call our URL with "Use webhook" on. A
 * channel without a webhook URL gets ours (LINE's API allows it); another system's URL is never
 * replaced behind the admin's back — the message says to change it. "Use webhook" can only be
 * switched on in the LINE Developers console, so the message says where.
 */
async function checkWebhook(client: LineChannelClient, url: string): Promise<{ ok: boolean; message: string }> {
  try {
    let current = await client.webhook.get();
    if (!current.endpoint) {
      await client.webhook.set(url);
      current = await client.webhook.get();
    } else if (current.endpoint !== url)
      return {
        ok: false,
        message: `LINE 的 Webhook 網址目前是 ${current.endpoint}，不是 Careline 的：請在 LINE Developers 改成 ${url}`,
      };
    if (!current.active)
      return { ok: false, message: 'LINE 尚未啟用 Webhook：請到 LINE Developers › Messaging API 開啟「Use webhook」' };
    const t = await client.webhook.test(url);
    return t.success
      ? { ok: true, message: 'Webhook 正常：LINE 的測試呼叫已送達 Careline' }
      : { ok: false, message: `LINE 的測試呼叫沒有成功（${t.reason}${t.statusCode ? `，HTTP ${t.statusCode}` : ''}）` };
  } catch (err) {
    return { ok: false, message: `無法檢查 Webhook：${describeLineError(err).message}` };
  }
}

export function lineService(deps: Deps) {
  const repo = lineRepository(deps.db);
  const now = () => deps.clock.now().toISOString();

  /** A friend record first seen now: by a follow (a friend), an unfollow (blocked) or a message. */
  const newFriend = (
    clinicId: string,
    lineUserId: string,
    state: 'friend' | 'blocked',
    at: string,
    stamp = now(),
  ): FriendRow => ({
    clinic_id: clinicId,
    line_user_id: lineUserId,
    display_name: '',
    picture_url: null,
    state,
    followed_at: state === 'friend' ? at : null,
    blocked_at: state === 'blocked' ? at : null,
    unblocked_at: null,
    last_event_at: at,
    created_at: stamp,
    updated_at: stamp,
  });
  type Incoming = {
    lineUserId: string;
    kind: string;
    text?: string;
    payload?: unknown;
    source: string;
    relatedType?: string;
    relatedId?: string;
  };
  const incomingRow = (clinicId: string, m: Incoming, stamp = now()) => ({
    clinic_id: clinicId,
    line_user_id: m.lineUserId,
    direction: 'in',
    kind: m.kind,
    text: m.text ?? '',
    payload: JSON.stringify(m.payload ?? {}),
    source: m.source,
    method: null,
    related_type: m.relatedType ?? null,
    related_id: m.relatedId ?? null,
    created_at: stamp,
  });

  /** A user's message event's rows in the message log and the inbox (written with the event). */
  const inboxRowsOf = (
    clinicId: string,
    lineUserId: string,
    event: WebhookEvent,
    at: string,
    received = deps.clock.now(),
  ): InboxRows => {
    const m = readMessage(event);
    const stamp = received.toISOString();
    return {
      friend: newFriend(clinicId, lineUserId, 'friend', at, stamp),
      message: incomingRow(
        clinicId,
        { lineUserId, kind: m.kind, text: m.text, payload: m.body, source: 'user' },
        stamp,
      ),
      conversation: {
        clinic_id: clinicId,
        line_user_id: lineUserId,
        at,
        text: m.label.slice(0, 200),
        reply_token: freshReplyToken(event, at, received),
        mark_as_read_token: m.markAsReadToken,
        now: stamp,
      },
    };
  };

  const outgoingRow = (m: OutgoingLog, at: string) => ({
    clinic_id: m.clinicId,
    line_user_id: m.lineUserId,
    direction: 'out',
    kind: m.kind,
    text: m.text,
    payload: JSON.stringify(m.payload ?? {}),
    source: m.source,
    method: m.method,
    related_type: m.relatedType ?? null,
    related_id: m.relatedId ?? null,
    created_at: at,
  });

  const notConnected = () =>
    new AppError('LINE_NOT_CONNECTED', 409, '尚未設定 LINE 官方帳號，請先到「設定 → LINE 官方帳號」填寫');

  async function channelOrThrow(clinicId: string): Promise<ChannelRow> {
    const ch = await repo.channelOfClinic(clinicId);
    if (!ch) throw notConnected();
    return ch;
  }

  return {
    channelOrThrow,
    /** The clinic channel's LINE client (deps.line); 409 LINE_NOT_CONNECTED without a channel. */
    async clientFor(clinicId: string): Promise<LineChannelClient> {
      const client = await deps.line.forClinic(clinicId);
      if (!client) throw notConnected();
      return client;
    },

    /** The channel of a LINE channel id (LIFF pages and webhooks are addressed by it), or undefined. */
    channelById: (channelId: string) => repo.channelById(channelId),
    async getChannel(clinicId: string) {
      const r = await repo.channelOfClinic(clinicId);
      return r ? toView(deps, r) : null;
    },

    async saveChannel(clinicId: string, input: ChannelInput, actor: Actor, ip: string) {
      const existing = await repo.channelOfClinic(clinicId);
      const other = await repo.channelById(input.channelId);
      if (other && other.clinic_id !== clinicId)
        throw errors.conflict('CHANNEL_TAKEN', '這個 Channel ID 已經連接到其他診所');
      if (!existing) {
        const missing = [!input.channelSecret && 'channelSecret', !input.accessToken && 'accessToken'].filter(
          Boolean,
        ) as string[];
        if (missing.length)
          throw errors.validation(missing.map((f) => ({ field: f, code: 'required', message: '第一次設定時為必填' })));
        await repo.insertChannel({
          clinic_id: clinicId,
          channel_id: input.channelId,
          channel_secret_enc: deps.crypto.encrypt(input.channelSecret!),
          access_token_enc: deps.crypto.encrypt(input.accessToken!),
          access_token_hint: hint(input.accessToken!),
          liff_id: input.liffId ?? '',
          greeting_text: input.greetingText ?? '',
          bot_user_id: null,
          bot_name: null,
          last_test_at: null,
          last_test_ok: null,
          last_test_message: null,
          pnp_enabled: 0,
          ...(input.readMode ? { read_mode: input.readMode } : {}),
          ...(input.botPauseMinutes ? { bot_pause_minutes: input.botPauseMinutes } : {}),
          created_at: now(),
          updated_at: now(),
        });
      } else {
        await repo.updateChannel(clinicId, {
          channel_id: input.channelId,
          ...(input.channelSecret ? { channel_secret_enc: deps.crypto.encrypt(input.channelSecret) } : {}),
          ...(input.accessToken
            ? { access_token_enc: deps.crypto.encrypt(input.accessToken), access_token_hint: hint(input.accessToken) }
            : {}),
          ...(input.liffId !== undefined ? { liff_id: input.liffId } : {}),
          ...(input.greetingText !== undefined ? { greeting_text: input.greetingText } : {}),
          ...(input.readMode ? { read_mode: input.readMode } : {}),
          ...(input.botPauseMinutes ? { bot_pause_minutes: input.botPauseMinutes } : {}),
          updated_at: now(),
        });
      }
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'line.channel_saved',
        entityType: 'line_channel',
        entityId: input.channelId,
        ip,
        detail: { secretChanged: Boolean(input.channelSecret), tokenChanged: Boolean(input.accessToken) },
      });
      return toView(deps, (await repo.channelOfClinic(clinicId))!);
    },

    /** Calls bot info and quota with the stored token and records the result. */
    async testConnection(clinicId: string) {
      const client = await this.clientFor(clinicId);
      try {
        const [bot, quota] = await Promise.all([client.botInfo(), client.quota()]);
        const message = `連線成功：${bot.displayName}（${bot.basicId}）`;
        const channel = await repo.channelOfClinic(clinicId);
        const webhook = await checkWebhook(client, webhookUrlOf(deps, channel!.channel_id));
        await repo.updateChannel(clinicId, {
          bot_user_id: bot.userId,
          bot_name: bot.displayName,
          // LINE's own read mode of the account, when it says (GET /v2/bot/info markAsReadMode).
          ...(bot.markAsReadMode === 'manual' || bot.markAsReadMode === 'auto'
            ? { read_mode: bot.markAsReadMode }
            : {}),
          last_test_at: now(),
          last_test_ok: 1,
          last_test_message: message,
          webhook_ok: webhook.ok ? 1 : 0,
          webhook_message: webhook.message,
        });
        return {
          ok: true,
          message,
          webhook,
          bot: { name: bot.displayName, basicId: bot.basicId, userId: bot.userId },
          quota: { type: quota.type, limit: quota.limit, used: quota.used },
        };
      } catch (err) {
        const e = describeLineError(err);
        await repo.updateChannel(clinicId, {
          last_test_at: now(),
          last_test_ok: 0,
          last_test_message: e.message,
          webhook_ok: null,
          webhook_message: null,
        });
        return {
          ok: false,
          message: e.message,
          webhook: null,
          lineStatus: e.status,
          lineMessage: e.lineMessage,
          bot: null,
          quota: null,
        };
      }
    },

    /**
     * The webhook: verify the signature over the raw body (401 and nothing stored on failure),
     * store each event once by webhookEventId, and enqueue its processing. Answers fast.
     */
    async receiveWebhook(
      channelId: string,
      rawBody: Buffer | undefined,
      signature: string | undefined,
      /** The body as the JSON parser read it from rawBody (parsed again here when absent). */
      parsed?: unknown,
    ) {
      const ch = await repo.webhookChannel(channelId);
      if (!ch) throw errors.notFound('LINE channel');
      if (!rawBody || !verifyLineSignature(rawBody, channelSecret(deps.crypto, ch.channel_secret_enc), signature)) {
        throw new AppError('INVALID_SIGNATURE', 401, 'LINE 簽章驗證失敗');
      }
      let body: { events?: WebhookEvent[] };
      try {
        body = (parsed ?? JSON.parse(rawBody.toString('utf8'))) as { events?: WebhookEvent[] };
      } catch {
        throw new AppError('INVALID_JSON', 400, 'JSON 格式錯誤，無法解析');
      }
      if (!body || typeof body !== 'object') throw new AppError('INVALID_JSON', 400, 'JSON 格式錯誤，無法解析');
      const events = Array.isArray(body.events) ? body.events : [];
      const rows: Arrival[] = [];
      // One clock reading per delivery: when it was received, for every row it writes.
      const received = deps.clock.now();
      const receivedAt = received.toISOString();
      for (const ev of events) {
        if (!ev || typeof ev !== 'object' || typeof ev.type !== 'string') continue;
        const eventId = typeof ev.webhookEventId === 'string' && ev.webhookEventId ? ev.webhookEventId : null;
        if (!eventId) continue; // LINE always sends one; without it we cannot de-duplicate
        // LINE's timestamp (ms); one no Date can hold is taken as the time of receipt.
        const ts = ev.timestamp;
        const at = typeof ts === 'number' && Math.abs(ts) <= 8.64e15 ? new Date(ts).toISOString() : receivedAt;
        const userId = ev.source?.type === 'user' && typeof ev.source.userId === 'string' ? ev.source.userId : null;
        rows.push({
          event: {
            clinic_id: ch.clinic_id,
            webhook_event_id: eventId,
            type: ev.type,
            line_user_id: ev.source?.userId ?? null,
            event_time: at,
            is_redelivery: ev.deliveryContext?.isRedelivery ? 1 : 0,
            payload: JSON.stringify(ev),
            received_at: receivedAt,
            processed_at: null,
            // the job knows by this that the message log and the inbox have the message already
            outcome: ev.type === 'message' && userId ? INBOX_WRITTEN : null,
          },
          inbox: ev.type === 'message' && userId ? inboxRowsOf(ch.clinic_id, userId, ev, at, received) : null,
        });
      }
      // Stored with their jobs in one transaction, shared with the deliveries arriving meanwhile (ingest.ts).
      const stored = rows.length ? await storeEvents(deps, LINE_EVENT_JOB, rows) : 0;
      return { received: events.length, stored };
    },

    // ---- friends
    friend: (clinicId: string, lineUserId: string) => repo.friend(clinicId, lineUserId),
    listFriends: (clinicId: string, opts: { state?: string; limit: number; offset: number }) =>
      repo.listFriends(clinicId, opts),

    /**
     * Applies a follow/unfollow at `at` to the friend record. Events older than the last one
     * applied (out-of-order delivery) change nothing. Returns the new state or null.
     */
    async applyFriendEvent(
      clinicId: string,
      lineUserId: string,
      kind: 'follow' | 'unfollow',
      at: string,
      profile?: { displayName?: string; pictureUrl?: string },
    ) {
      const f = await repo.friend(clinicId, lineUserId);
      const state = kind === 'follow' ? 'friend' : 'blocked';
      if (!f) {
        await repo.insertFriend({
          ...newFriend(clinicId, lineUserId, state, at),
          display_name: profile?.displayName ?? '',
          picture_url: profile?.pictureUrl ?? null,
        });
        return { state, previous: null as string | null };
      }
      if (at < f.last_event_at) return null;
      await repo.updateFriend(clinicId, lineUserId, {
        state,
        last_event_at: at,
        updated_at: now(),
        ...(profile?.displayName ? { display_name: profile.displayName } : {}),
        ...(profile?.pictureUrl ? { picture_url: profile.pictureUrl } : {}),
        ...(kind === 'follow'
          ? f.state === 'blocked'
            ? { unblocked_at: at }
            : { followed_at: f.followed_at ?? at }
          : { blocked_at: at }),
      });
      return { state, previous: f.state };
    },

    async ensureFriendFromMessage(clinicId: string, lineUserId: string, at: string) {
      const f = await repo.friend(clinicId, lineUserId);
      if (!f) await this.applyFriendEvent(clinicId, lineUserId, 'follow', at);
    },

    /**
     * The friend state of each user: `friend`, `blocked`, or `unknown` for a user without a friend
     * record yet (bound before the follow event was seen: treated as reachable).
     */
    async friendStates(clinicId: string, lineUserIds: string[]): Promise<Map<string, string>> {
      const m = new Map(lineUserIds.map((u) => [u, 'unknown']));
      for (const r of await repo.friendStates(clinicId, [...new Set(lineUserIds)])) m.set(r.line_user_id, r.state);
      return m;
    },

    // ---- message log (every message in and out, for the inbox and appointment details)
    /**
     * Logs pushed messages in one statement per 500 rows (the reminder dispatcher's batch; build
     * the service with the batch's transaction in deps.db to log inside it).
     */
    async logOutgoingBatch(rows: OutgoingLog[]): Promise<void> {
      const at = now();
      await repo.logMessages(rows.map((m) => outgoingRow(m, at)));
    },

    /**
     * Logs messages sent to one user (a push or a reply), in one transaction with `alsoWrite`
     * (what the sender records about the send, such as an FAQ question's replied-at).
     */
    async logSent(
      clinicId: string,
      lineUserId: string,
      messages: messagingApi.Message[],
      meta: { source: string; method: SendMethod; relatedType?: string; relatedId?: string },
      alsoWrite: readonly Compilable<unknown>[] = [],
    ): Promise<void> {
      const at = now();
      const rows = messages.map((m) =>
        outgoingRow(
          {
            clinicId,
            lineUserId,
            kind: m.type,
            text: m.type === 'text' ? m.text : 'altText' in m ? String(m.altText) : '',
            payload: m,
            ...meta,
          },
          at,
        ),
      );
      await writeStatements(deps.db, deps.dialect, [
        ...(rows.length ? [repo.logMessagesQuery(rows)] : []),
        ...alsoWrite,
      ]);
    },

    /** Logs a message a LINE user sent to the clinic (outgoing ones: logSent / logOutgoingBatch). */
    async logIncoming(clinicId: string, m: Incoming) {
      await repo.logMessages([incomingRow(clinicId, m)]);
    },

    /**
     * Writes a user's message to the message log and the inbox, for an event stored before the
     * webhook's storage wrote them with the event (its outcome is not INBOX_WRITTEN).
     */
    async writeInboxRows(clinicId: string, lineUserId: string, event: WebhookEvent, at: string) {
      await writeStatements(
        deps.db,
        deps.dialect,
        inboxQueries(inboxRowsOf(clinicId, lineUserId, event, at), deps.dialect),
      );
    },
    messagesOf: (clinicId: string, lineUserId: string, limit = 50) => repo.messagesOf(clinicId, lineUserId, limit),
    /** The messages logged about one entity (relatedType/relatedId), oldest first. */
    messagesAbout: (clinicId: string, relatedType: string, relatedId: string) =>
      repo.messagesAbout(clinicId, relatedType, relatedId),
    /** The newest messages with any of these users (a patient's family LINE accounts). */
    messagesOfUsers: (clinicId: string, lineUserIds: string[], limit = 100) =>
      repo.messagesOfUsers(clinicId, lineUserIds, limit),
    /** How many messages went out by push since an instant (what counts toward the month's quota). */
    countPushes: (clinicId: string, since: string) => repo.countPushes(clinicId, since),
    /** Outgoing messages by interval of `bounds` (the days of a month), method (push/reply/pnp) and source. */
    outgoingByBucket: (clinicId: string, bounds: string[]) => repo.outgoingByBucket(clinicId, bounds),

    /**
     * Replies with the free reply API and logs what was sent. A used or expired token is not
     * retried; a token the inbox keeps is taken first, so a staff reply and a bot's answer never
     * both use it.
     */
    async reply(
      clinicId: string,
      lineUserId: string,
      replyToken: string,
      messages: messagingApi.Message[],
      source: string,
      /** alsoWrite: written with the sent messages' log, after LINE accepted the reply (logSent). */
      opts: { tokenClaimed?: boolean; alsoWrite?: readonly Compilable<unknown>[] } = {},
    ): Promise<{ ok: boolean; reason?: string }> {
      if (!opts.tokenClaimed) {
        // Claimed when the conversation keeps it unused; a token it does not hold (an event
        // before the inbox existed) is tried as is; one already used (a staff reply) is not.
        const inbox = inboxRepository(deps.db);
        const [claimed] = await writeStatements(deps.db, deps.dialect, [
          inbox.useTokenQuery(clinicId, lineUserId, replyToken),
        ]);
        if (!claimed && (await inbox.holdsToken(clinicId, lineUserId, replyToken)))
          return { ok: false, reason: 'reply token already used' };
      }
      const client = await this.clientFor(clinicId);
      try {
        await client.reply(replyToken, messages);
      } catch (err) {
        const e = describeLineError(err);
        if (e.status === 400) return { ok: false, reason: e.lineMessage };
        throw err;
      }
      await this.logSent(clinicId, lineUserId, messages, { source, method: 'reply' }, opts.alsoWrite);
      return { ok: true };
    },

    event: (clinicId: string, id: number) => repo.event(clinicId, id),
    /** Marks the event processed, in one transaction with `alsoWrite` (its handler's last writes). */
    markEvent: (clinicId: string, id: number, outcome: string, alsoWrite: readonly Compilable<unknown>[] = []) =>
      writeStatements(deps.db, deps.dialect, [...alsoWrite, repo.markEventQuery(clinicId, id, outcome, now())]),
  };
}

export type LineService = ReturnType<typeof lineService>;
