// The emulator's whole state, in memory, behind one module. Nothing else keeps state.
import { createHash } from 'node:crypto';
import { hex, messageId, token, userIdFor } from './ids.ts';

/**
 * LINE's rate limits, per channel and per endpoint (each endpoint has its own budget, as on LINE:
 * a burst of profile lookups does not slow pushes). Figures and source: docs/contracts.md
 * "Rate limits" (LINE's Messaging API reference, "Rate limits").
 */
export type RateLimits = {
  /** requests per second for each endpoint not named below: push, reply, profile, … (LINE: 2,000) */
  perSecond: number;
  /** multicast requests per second (LINE: 200) */
  multicastPerSecond: number;
  /** narrowcast requests per hour (LINE: 60) */
  narrowcastPerHour: number;
  /** broadcast requests per hour (LINE: 60; a budget apart from narrowcast's) */
  broadcastPerHour: number;
  /** rich menu creations per hour (LINE: 100) */
  richMenuCreatePerHour: number;
};

export type Plan = {
  /** free messages a month (Taiwan: 200 / 3,000 / 6,000) */
  freeMessages: number;
  /** paid extra messages allowed a month; null = unlimited extras (quota type "none") */
  paidCap: number | null;
};

export type ChannelConfig = {
  channelId: string;
  channelSecret: string;
  webhookUrl?: string | null;
  channelAccessToken?: string;
  displayName?: string;
  rateLimits?: Partial<RateLimits> | false;
  plan?: Partial<Plan>;
  /** LIFF apps of this (login) channel: liffId → endpoint URL */
  liffApps?: { liffId: string; url: string }[];
  /** auto (LINE's default): users' messages show 已讀 on arrival; manual: only after POST /v2/bot/chat/markAsRead */
  markAsReadMode?: 'auto' | 'manual';
};

export type RichMenu = {
  richMenuId: string;
  size: { width: number; height: number };
  selected: boolean;
  name: string;
  chatBarText: string;
  areas: { bounds: { x: number; y: number; width: number; height: number }; action: Record<string, unknown> }[];
  image?: { contentType: string; data: Buffer };
};

export type SentRecord = {
  seq: number;
  id: string;
  at: string;
  channelId: string;
  direction: 'bot' | 'user';
  userId: string;
  /** push | reply | multicast | narrowcast | broadcast for bot messages; the user's event type otherwise */
  via: string;
  message: Record<string, unknown>;
  requestId?: string;
  retryKey?: string | null;
};

export type Channel = {
  channelId: string;
  channelSecret: string;
  webhookUrl: string | null;
  webhookActive: boolean;
  displayName: string;
  botUserId: string;
  basicId: string;
  rateLimits: RateLimits | false;
  plan: Plan;
  usage: { month: string; count: number };
  richMenus: Map<string, RichMenu>;
  aliases: Map<string, string>;
  defaultRichMenuId: string | null;
  userRichMenus: Map<string, string>;
  friends: Map<string, 'friend' | 'blocked'>;
  retryKeys: Map<string, { requestId: string; at: number; status: number; body: unknown }>;
  narrowcasts: Map<
    string,
    {
      acceptedTime: string;
      completedTime?: string;
      phase: 'waiting' | 'sending' | 'succeeded' | 'failed';
      targetCount: number;
      successCount: number;
    }
  >;
  liffApps: Map<string, string>;
  markAsReadMode: 'auto' | 'manual';
  /** per user: the seq of the last of their messages marked read (what the phone shows as 已讀) */
  readUpTo: Map<string, number>;
  /** markAsReadToken (sent in message events) → the user and the seq of that message */
  readTokens: Map<string, { userId: string; seq: number }>;
  /** per user: until when (ms) the loading animation shows; a message from the bot ends it */
  loadingUntil: Map<string, number>;
  log: SentRecord[];
  webhookLog: {
    at: string;
    webhookEventIds: string[];
    status: number | string;
    isRedelivery: boolean;
    attempt: number;
  }[];
};

export type User = {
  userId: string;
  displayName: string;
  pictureUrl?: string;
  statusMessage?: string;
  language: string;
  /** The phone number as it was given (any text; kept as before). */
  phone?: string;
  /** `phone` in E.164 (+8869…), when it reads as a phone number: what LINE notification messages match. */
  phoneE164?: string;
};

/**
 * A phone number in E.164, the form LINE hashes for LINE notification messages (docs/contracts.md):
 * spaces, hyphens, dots and brackets dropped; a Taiwan number written nationally (09xxxxxxxx,
 * 02xxxxxxxx) gets +886 instead of its leading 0; "886…" gets its "+"; "+8860…" loses the trunk 0.
 * Null when the text is not a phone number.
 */
export function toE164(phone: string): string | null {
  const d = phone.replace(/[\s\-.()]/g, '');
  if (/^0[2-9]\d{7,8}$/.test(d)) return `+886${d.slice(1)}`;
  if (/^\+?8860\d{8,9}$/.test(d)) return `+886${d.replace(/^\+?8860/, '')}`;
  if (/^886\d{8,9}$/.test(d)) return `+${d}`;
  if (/^\+[1-9]\d{6,14}$/.test(d)) return d;
  return null;
}

/** LINE's `to` for a LINE notification message: SHA-256 of the E.164 number, lowercase hex. */
export const phoneHash = (e164: string): string => createHash('sha256').update(e164).digest('hex');

export type TokenInfo = {
  channelId: string;
  kind: 'long-lived' | 'short-lived' | 'stateless' | 'v2.1' | 'login';
  expiresAt: number | null;
  userId?: string;
  scope: string;
};

export type ReplyToken = { channelId: string; userId: string; expiresAt: number; used: boolean };

export type SmsRecord = {
  msgid: string;
  to: string;
  body: string;
  encoding: 'GSM' | 'UCS-2';
  segments: number;
  clientid: string | null;
  username: string;
  at: string;
  statuscode: string;
  responseUrl: string | null;
};

export type Faults = {
  api: {
    /** 0..1 probability that a Messaging API call fails with `status` */
    errorRate: number;
    status: number;
    /** the next `count` calls fail with `status` (in addition to errorRate) */
    failNext: number;
    /**
     * when true the failing call is processed first (the message is delivered) and only the answer
     * is an error, as on a lost response
     */
    afterProcessing: boolean;
    latencyMs: number;
    /** the next n calls answer 429 (rate limit) */
    rateLimitBurst: number;
    /** only paths starting with one of these are affected (empty = all of /v2 and /v3) */
    paths: string[];
  };
  webhook: {
    /** 0..1 probability a delivery is dropped (never sent, no retry) */
    dropRate: number;
    /** drop the next n deliveries */
    dropNext: number;
    delayMs: number;
    /** 0..1 probability a delivery is sent twice */
    duplicateRate: number;
    /** deliveries are held up to this many ms at random so they arrive out of order */
    reorderWindowMs: number;
  };
  sms: {
    /** numbers whose delivery report fails (statuscode 5) */
    failNumbers: string[];
  };
};

export function defaultFaults(): Faults {
  return {
    api: { errorRate: 0, status: 500, failNext: 0, afterProcessing: false, latencyMs: 0, rateLimitBurst: 0, paths: [] },
    webhook: { dropRate: 0, dropNext: 0, delayMs: 0, duplicateRate: 0, reorderWindowMs: 0 },
    sms: { failNumbers: [] },
  };
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perSecond: 2000,
  multicastPerSecond: 200,
  narrowcastPerHour: 60,
  broadcastPerHour: 60,
  richMenuCreatePerHour: 100,
};
export const DEFAULT_PLAN: Plan = { freeMessages: 200, paidCap: null };

export type StoreOptions = {
  rateLimits?: Partial<RateLimits> | false;
  now?: () => number;
  /** Messages per channel whose whole body stays in the log (default 20,000); older records keep a summary. */
  fullMessageHistory?: number;
};

/**
 * What an old log record keeps of its message: type, text/altText (first 200 characters) —
 * enough for the phone page's history and for counting, without holding every Flex body of a
 * 100,000-reminder run in memory (which made garbage collection pause the emulator).
 */
function summaryOf(m: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { type: m.type, summarized: true };
  if (typeof m.text === 'string') out.text = m.text.slice(0, 200);
  if (typeof m.altText === 'string') out.altText = m.altText.slice(0, 200);
  return out;
}

export class Store {
  channels = new Map<string, Channel>();
  users = new Map<string, User>();
  /** SHA-256 of a user's E.164 phone number → userId (LINE notification messages find users by it). */
  usersByPhoneHash = new Map<string, string>();
  tokens = new Map<string, TokenInfo>();
  replyTokens = new Map<string, ReplyToken>();
  contents = new Map<string, { contentType: string; data: Buffer }>();
  sms: SmsRecord[] = [];
  smsClientIds = new Map<string, { msgid: string; at: number }>();
  smsAccounts = new Map<string, { password: string; points: number }>();
  faults: Faults = defaultFaults();
  seq = 0;
  defaultRateLimits: RateLimits | false;
  now: () => number;
  /** listeners notified when a chat timeline changes (phone page long-poll) */
  listeners = new Set<() => void>();

  private readonly fullMessageHistory: number;
  constructor(opts: StoreOptions = {}) {
    this.defaultRateLimits = opts.rateLimits === false ? false : { ...DEFAULT_RATE_LIMITS, ...opts.rateLimits };
    this.now = opts.now ?? Date.now;
    this.fullMessageHistory = opts.fullMessageHistory ?? 20_000;
    this.smsAccounts.set('demo', { password: 'demo', points: 100_000 });
  }

  reset(): void {
    this.channels.clear();
    this.users.clear();
    this.usersByPhoneHash.clear();
    this.tokens.clear();
    this.replyTokens.clear();
    this.contents.clear();
    this.sms = [];
    this.smsClientIds.clear();
    this.faults = defaultFaults();
    this.smsAccounts.clear();
    this.smsAccounts.set('demo', { password: 'demo', points: 100_000 });
    this.notify();
  }

  notify(): void {
    for (const l of this.listeners) l();
  }

  upsertChannel(cfg: ChannelConfig): { channel: Channel; channelAccessToken: string } {
    const existing = this.channels.get(cfg.channelId);
    const limits =
      cfg.rateLimits === false || (cfg.rateLimits === undefined && this.defaultRateLimits === false)
        ? false
        : { ...(this.defaultRateLimits || DEFAULT_RATE_LIMITS), ...cfg.rateLimits };
    const channel: Channel = existing ?? {
      channelId: cfg.channelId,
      channelSecret: cfg.channelSecret,
      webhookUrl: cfg.webhookUrl ?? null,
      webhookActive: true,
      displayName: cfg.displayName ?? '診所官方帳號',
      botUserId: userIdFor('bot:' + cfg.channelId),
      basicId: '@' + hex(4).slice(0, 3) + cfg.channelId.slice(-4),
      rateLimits: limits,
      plan: { ...DEFAULT_PLAN, ...cfg.plan },
      usage: { month: '', count: 0 },
      richMenus: new Map(),
      aliases: new Map(),
      defaultRichMenuId: null,
      userRichMenus: new Map(),
      friends: new Map(),
      retryKeys: new Map(),
      narrowcasts: new Map(),
      liffApps: new Map(),
      markAsReadMode: cfg.markAsReadMode ?? 'auto',
      readUpTo: new Map(),
      readTokens: new Map(),
      loadingUntil: new Map(),
      log: [],
      webhookLog: [],
    };
    if (existing) {
      existing.channelSecret = cfg.channelSecret ?? existing.channelSecret;
      if (cfg.webhookUrl !== undefined) existing.webhookUrl = cfg.webhookUrl;
      if (cfg.displayName) existing.displayName = cfg.displayName;
      if (cfg.rateLimits !== undefined) existing.rateLimits = limits;
      if (cfg.plan) existing.plan = { ...existing.plan, ...cfg.plan };
      if (cfg.markAsReadMode) existing.markAsReadMode = cfg.markAsReadMode;
    }
    for (const app of cfg.liffApps ?? []) channel.liffApps.set(app.liffId, app.url);
    this.channels.set(channel.channelId, channel);
    let accessToken = cfg.channelAccessToken;
    if (!accessToken) {
      for (const [t, info] of this.tokens)
        if (info.channelId === channel.channelId && info.kind === 'long-lived') accessToken = t;
    }
    accessToken ??= token(48);
    this.tokens.set(accessToken, { channelId: channel.channelId, kind: 'long-lived', expiresAt: null, scope: 'P CM' });
    this.notify();
    return { channel, channelAccessToken: accessToken };
  }

  createUser(input: {
    displayName: string;
    userId?: string;
    pictureUrl?: string;
    statusMessage?: string;
    language?: string;
    phone?: string;
  }): User {
    const user: User = {
      userId: input.userId ?? userIdFor(),
      displayName: input.displayName,
      language: input.language ?? 'zh-TW',
    };
    if (input.pictureUrl) user.pictureUrl = input.pictureUrl;
    if (input.statusMessage) user.statusMessage = input.statusMessage;
    this.users.set(user.userId, user);
    if (input.phone) this.setPhone(user, input.phone);
    this.notify();
    return user;
  }

  /** Sets (or with null removes) a user's phone number; the newest user of a number is the one it reaches. */
  setPhone(user: User, phone: string | null): void {
    if (user.phoneE164) {
      const h = phoneHash(user.phoneE164);
      if (this.usersByPhoneHash.get(h) === user.userId) this.usersByPhoneHash.delete(h);
    }
    delete user.phone;
    delete user.phoneE164;
    if (phone === null) return;
    user.phone = phone;
    const e164 = toE164(phone);
    if (e164) {
      user.phoneE164 = e164;
      this.usersByPhoneHash.set(phoneHash(e164), user.userId);
    }
  }

  issueReplyToken(channelId: string, userId: string): string {
    const t = hex(16);
    this.replyTokens.set(t, { channelId, userId, expiresAt: this.now() + 60_000, used: false });
    return t;
  }

  private isoMs = Number.NaN;
  private iso = '';
  /** The ISO time of now(), reused within the same millisecond (a push burst logs thousands a second). */
  nowIso(): string {
    const now = this.now();
    if (now !== this.isoMs) {
      this.isoMs = now;
      this.iso = new Date(now).toISOString();
    }
    return this.iso;
  }

  /** Appends a message to a channel's log (what the bot sent or what the user typed). */
  record(channel: Channel, rec: Omit<SentRecord, 'seq' | 'id' | 'at' | 'channelId'> & { id?: string }): SentRecord {
    const full: SentRecord = {
      seq: ++this.seq,
      id: rec.id ?? messageId(),
      at: this.nowIso(),
      channelId: channel.channelId,
      direction: rec.direction,
      userId: rec.userId,
      via: rec.via,
      message: rec.message,
      requestId: rec.requestId,
      retryKey: rec.retryKey ?? null,
    };
    channel.log.push(full);
    if (full.direction === 'bot') channel.loadingUntil.delete(full.userId);
    else if (channel.markAsReadMode === 'auto') channel.readUpTo.set(full.userId, full.seq);
    const old = channel.log[channel.log.length - 1 - this.fullMessageHistory];
    if (old && !old.message.summarized) old.message = summaryOf(old.message);
    return full;
  }

  private monthFrom = 0;
  private monthUntil = -1;
  private month = '';
  /** Current month in Japan time (LINE counts months in JST); worked out once a month. */
  monthKey(): string {
    const jst = this.now() + 9 * 3600_000;
    if (jst < this.monthFrom || jst >= this.monthUntil) {
      const d = new Date(jst);
      this.month = `${d.getUTCFullYear()}-${d.getUTCMonth() + 1}`;
      this.monthFrom = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      this.monthUntil = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    return this.month;
  }

  usage(channel: Channel): number {
    const m = this.monthKey();
    if (channel.usage.month !== m) channel.usage = { month: m, count: 0 };
    return channel.usage.count;
  }

  quotaLimit(channel: Channel): number | null {
    if (channel.plan.paidCap === null) return null;
    return channel.plan.freeMessages + channel.plan.paidCap;
  }
}
