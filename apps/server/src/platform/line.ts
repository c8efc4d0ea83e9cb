// The LINE Messaging API through the official @line/bot-sdk, pointed at LINE_API_BASE_URL
// (the emulator in development and tests, https://api.line.me in production).
import { createHash, createHmac } from 'node:crypto';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { Type } from 'typebox';
import { safeEqual } from './crypto.ts';
import type { Config } from '../config.ts';
import { linePushClient, type LinePushClient, type LinePushOptions } from './line-push.ts';

/**
 * A LINE message as stored in a job payload. Only its `type` is checked here: LINE validates
 * the rest (and answers 400 for a bad message), and the message types come from the SDK.
 */
export const LineMessageSchema = Type.Unsafe<messagingApi.Message>(Type.Object({ type: Type.String() }));

/**
 * What Careline does with a clinic's LINE channel. A failed call throws the SDK's HTTPFetchError
 * (see describeLineError); a network failure throws a plain Error.
 */
export interface LineChannelClient {
  /** LINE's channel id (what pacing per channel is keyed by). */
  readonly channelId: string;
  /**
   * Pushes through the lean undici client of line-push.ts (the reminder dispatcher's hot path):
   * with a retry key, LINE answers 409 for a key it already accepted. reply and startLoading
   * go through it too (the worker's calls for every message it answers).
   */
  push: LinePushClient['push'];
  /**
   * Sends a LINE notification message to whoever's LINE account has this phone number (E.164,
   * hashed here, or already hashed: see pnpRecipient). LINE answers 422 when no account has
   * the number; `deliveryTag` (16–100 characters) comes back in the delivery completion event.
   * LINE takes no retry key on this endpoint (docs/contracts.md).
   */
  pnpPush(
    phone: string,
    messages: messagingApi.Message[],
    deliveryTag: string,
    notificationDisabled?: boolean,
  ): Promise<{ requestId: string | null }>;
  /**
   * LINE's multicast (POST /v2/bot/message/multicast): the same messages to up to 500 users (a
   * broadcast's chunk). With a retry key LINE answers 409 for a key it already accepted; LINE
   * does not say which users did not receive it (a user who blocked the account is skipped).
   */
  multicast(to: string[], messages: messagingApi.Message[], retryKey: string): Promise<{ requestId: string | null }>;
  reply(replyToken: string, messages: messagingApi.Message[]): Promise<void>;
  /** LINE's loading animation in the user's chat for `seconds` (5–60, a multiple of 5), or until a message arrives. */
  startLoading(chatId: string, seconds: number): Promise<void>;
  /** Marks the user's messages up to the one carrying this token as read (channels in manual read mode). */
  markAsRead(markAsReadToken: string): Promise<void>;
  /** A message's content (an image, audio, video or file the user sent) with its content type. */
  content(messageId: string): Promise<{ contentType: string; data: Buffer }>;
  profile(userId: string): Promise<{ displayName: string; pictureUrl?: string }>;
  botInfo(): Promise<{ userId: string; displayName: string; basicId: string; markAsReadMode?: string }>;
  /** The month's quota (`limit` null when LINE sets none) and LINE's count of messages used. */
  quota(): Promise<{ type: 'none' | 'limited'; limit: number | null; used: number }>;
  webhook: {
    /** The webhook URL set in LINE and whether "Use webhook" is on. */
    get(): Promise<{ endpoint: string; active: boolean }>;
    set(endpoint: string): Promise<void>;
    /** LINE's test call to the endpoint (an empty, signed event list) and how it went. */
    test(endpoint: string): Promise<{ success: boolean; statusCode: number; reason: string; detail: string }>;
  };
  richMenus: {
    /** Creates a menu and returns its id. */
    create(menu: messagingApi.RichMenuRequest): Promise<string>;
    setImage(richMenuId: string, image: Blob): Promise<void>;
    setDefault(richMenuId: string): Promise<void>;
    delete(richMenuId: string): Promise<void>;
    linkToUser(userId: string, richMenuId: string): Promise<void>;
    unlinkFromUser(userId: string): Promise<void>;
    /** Up to 500 users per call (LINE's limit). */
    linkToUsers(richMenuId: string, userIds: string[]): Promise<void>;
  };
}

/** The LINE clients of every clinic, each built once per channel access token. */
export interface LineGateway {
  /** The clinic channel's client, or null when the clinic has no LINE channel. */
  forClinic(clinicId: string): Promise<LineChannelClient | null>;
}

/**
 * A clinic's channel as its owner (the line module) reads it: `version` changes whenever the
 * access token does (the stored ciphertext, say), and `accessToken()` decrypts it — called only
 * when a client is (re)built.
 */
export type LineChannelLookup = (
  clinicId: string,
) => Promise<{ channelId: string; version: string; accessToken(): string } | null>;

/**
 * One client for a channel access token: the SDK's clients for most calls, line-push.ts for the
 * hot ones (pushes, replies, the loading animation).
 */
export function lineChannelClient(
  config: Pick<Config, 'lineApiBaseUrl' | 'lineDataApiBaseUrl'>,
  channelId: string,
  channelAccessToken: string,
  pushOptions: LinePushOptions = {},
): LineChannelClient {
  const api = new messagingApi.MessagingApiClient({ channelAccessToken, baseURL: config.lineApiBaseUrl });
  const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken, baseURL: config.lineDataApiBaseUrl });
  // built at the first push, reply or loading animation: it rejects a malformed token at once
  let pusher: LinePushClient | null = null;
  const lean = () => (pusher ??= linePushClient(config.lineApiBaseUrl, channelAccessToken, pushOptions));
  return {
    channelId,
    push(request, retryKey) {
      return lean().push(request, retryKey);
    },
    async pnpPush(phone, messages, deliveryTag, notificationDisabled) {
      const res = await api.pushMessagesByPhoneWithHttpInfo(
        { to: pnpRecipient(phone), messages, ...(notificationDisabled ? { notificationDisabled } : {}) },
        deliveryTag,
      );
      return { requestId: res.httpResponse.headers.get('x-line-request-id') };
    },
    async multicast(to, messages, retryKey) {
      const res = await api.multicastWithHttpInfo({ to, messages }, retryKey);
      return { requestId: res.httpResponse.headers.get('x-line-request-id') };
    },
    async reply(replyToken, messages) {
      await lean().reply({ replyToken, messages });
    },
    async startLoading(chatId, seconds) {
      await lean().startLoading({ chatId, loadingSeconds: seconds });
    },
    async markAsRead(markAsReadToken) {
      await api.markMessagesAsReadByToken({ markAsReadToken });
    },
    async content(messageId) {
      const res = await blob.getMessageContentWithHttpInfo(messageId);
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(Buffer.from(c as Uint8Array));
      return {
        contentType: res.httpResponse.headers.get('content-type') ?? 'application/octet-stream',
        data: Buffer.concat(chunks),
      };
    },
    profile: (userId) => api.getProfile(userId),
    botInfo: () => api.getBotInfo(),
    async quota() {
      const [q, c] = await Promise.all([api.getMessageQuota(), api.getMessageQuotaConsumption()]);
      return { type: q.type, limit: q.value ?? null, used: c.totalUsage };
    },
    webhook: {
      async get() {
        const r = await api.getWebhookEndpoint();
        return { endpoint: r.endpoint, active: r.active };
      },
      async set(endpoint) {
        await api.setWebhookEndpoint({ endpoint });
      },
      async test(endpoint) {
        const r = await api.testWebhookEndpoint({ endpoint });
        return { success: r.success ?? false, statusCode: r.statusCode, reason: r.reason, detail: r.detail };
      },
    },
    richMenus: {
      create: async (menu) => (await api.createRichMenu(menu)).richMenuId,
      async setImage(richMenuId, image) {
        await blob.setRichMenuImage(richMenuId, image);
      },
      async setDefault(richMenuId) {
        await api.setDefaultRichMenu(richMenuId);
      },
      async delete(richMenuId) {
        await api.deleteRichMenu(richMenuId);
      },
      async linkToUser(userId, richMenuId) {
        await api.linkRichMenuIdToUser(userId, richMenuId);
      },
      async unlinkFromUser(userId) {
        await api.unlinkRichMenuIdFromUser(userId);
      },
      async linkToUsers(richMenuId, userIds) {
        await api.linkRichMenuIdToUsers({ richMenuId, userIds });
      },
    },
  };
}

/**
 * LINE's `to` for a LINE notification message: the SHA-256, in lowercase hex, of the phone number
 * in E.164 with its "+" (+886912345678; docs/taiwan.md). A 64-character hex text is taken as
 * already hashed.
 */
export function pnpRecipient(phone: string): string {
  if (/^[0-9a-f]{64}$/.test(phone)) return phone;
  if (!/^\+[1-9][0-9]{6,14}$/.test(phone)) throw new Error('LINE 通知訊息的收件人必須是 E.164 格式的手機號碼');
  return createHash('sha256').update(phone).digest('hex');
}

/**
 * The gateway over LINE's API at config.lineApiBaseUrl. Every forClinic reads the channel
 * through `lookup` (one small read, as a caller needing the channel did anyway) and reuses
 * the client built for the same token version, so no token is decrypted and no client built
 * per call; a saved new token (in this process or another) gives a new version, hence a new client.
 */
export function createLineGateway(
  config: Pick<Config, 'lineApiBaseUrl' | 'lineDataApiBaseUrl'>,
  lookup: LineChannelLookup,
  pushOptions: LinePushOptions = {},
): LineGateway {
  const clients = new Map<string, { version: string; client: LineChannelClient }>();
  return {
    async forClinic(clinicId) {
      const ch = await lookup(clinicId);
      if (!ch) {
        clients.delete(clinicId);
        return null;
      }
      const cached = clients.get(clinicId);
      if (cached && cached.version === ch.version && cached.client.channelId === ch.channelId) return cached.client;
      const client = lineChannelClient(config, ch.channelId, ch.accessToken(), pushOptions);
      clients.set(clinicId, { version: ch.version, client });
      return client;
    },
  };
}

/**
 * Checks x-line-signature (base64 HMAC-SHA256 of the raw body with the channel secret). The
 * header must be exactly the canonical base64 text: the SDK's validateSignature decodes the
 * header leniently (trailing junk is ignored), so we compare the text in constant time.
 */
export function verifyLineSignature(rawBody: Buffer, channelSecret: string, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', channelSecret).update(rawBody).digest('base64');
  return safeEqual(signature, expected);
}

/** LINE's error for people: status and LINE's message, in zh-TW where we know it. */
export function describeLineError(err: unknown): { status: number | null; message: string; lineMessage: string } {
  if (err instanceof HTTPFetchError) {
    let lineMessage = err.body;
    try {
      lineMessage = JSON.parse(err.body).message ?? err.body;
    } catch {
      /* plain text */
    }
    const zh: Record<number, string> = {
      400: 'LINE 拒絕了這個請求（內容格式不符合 LINE 的規定）',
      401: 'Channel access token 無效或已過期，請到 LINE Developers 重新發行後貼上',
      403: '此 LINE 官方帳號沒有使用這項功能的權限',
      404: '找不到對象（使用者未加入好友或資源不存在）',
      409: '這個請求 LINE 已經接受過了',
      429: '已超過 LINE 的發送頻率或本月訊息額度',
    };
    // LINE answers 400 "Failed to send messages" (or an invalid property 'to') when the recipient
    // cannot get messages: not a friend, blocked the account, or no such user (reminders/line-errors.ts).
    const recipient = err.status === 400 && /failed to send messages|property,? '?to'?\b/i.test(lineMessage);
    const message = recipient
      ? 'LINE 無法把訊息送給這位使用者（不是官方帳號的好友、已封鎖，或沒有這個 LINE 帳號）'
      : (zh[err.status] ?? `LINE 回應錯誤（${err.status}）`);
    return { status: err.status, message, lineMessage };
  }
  const msg = err instanceof Error ? err.message : String(err);
  return { status: null, message: '無法連線到 LINE 平台，請稍後再試', lineMessage: msg };
}

export { HTTPFetchError };
