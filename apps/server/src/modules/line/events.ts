// Processing of stored LINE webhook events (the `line.event` job). Other modules plug in
// through hooks (binding updates lights on follow/block, reminders handle postbacks, replies
// and the FAQ answer text), so this module depends on none of them.
import type { messagingApi } from '@line/bot-sdk';
import type { Compilable } from 'kysely';
import { writeStatements } from '../../db/write-transaction.ts';
import type { Deps } from '../../platform/deps.ts';
import { defineJob, PermanentJobError, wakeWorkers, type Job } from '../../platform/jobs.ts';
import { clinicService } from '../clinics/service.ts';
import { isBotPaused } from './inbox.ts';
import { queuePush, retryKeyOf } from './push.ts';
import { freshReplyToken, readMessage } from './incoming.ts';
import {
  DEFAULT_GREETING,
  INBOX_WRITTEN,
  LINE_EVENT_JOB,
  lineService,
  type LineService,
  type WebhookEvent,
} from './service.ts';

export type EventContext = {
  deps: Deps;
  line: LineService;
  clinicId: string;
  lineUserId: string;
  event: WebhookEvent;
  replyToken: string | null;
  at: string;
};

export type LineEventHooks = {
  /** After a follow/unfollow changed the friend state. */
  onFriendState?(ctx: EventContext, state: 'friend' | 'blocked', previous: string | null): Promise<void>;
  /** Messages to greet a new (or returning) friend; null → the default greeting. */
  greeting?(ctx: EventContext): Promise<messagingApi.Message[] | null>;
  /** Postback handlers, tried in order until one returns true (handled). */
  onPostback?: ((ctx: EventContext, data: string, params: Record<string, string>) => Promise<boolean>)[];
  /** A text message; handlers are tried in order until one returns true. */
  onText?: ((ctx: EventContext, text: string) => Promise<boolean>)[];
  /**
   * After every message from the user: whether a text handler answered it. May return statements
   * (built, not run) to write with the event's processed mark, in the same transaction.
   */
  afterMessage?(ctx: EventContext, text: string, answered: boolean): Promise<readonly Compilable<unknown>[] | void>;
  /**
   * A LINE notification message reached the phone (the `delivery` event, which has no user):
   * `data` is the X-Line-Delivery-Tag it was sent with. Returns the outcome to record.
   */
  onDelivery?(deps: Deps, clinicId: string, data: string, at: string): Promise<string>;
};

/**
 * The URL of a patient page. With a LIFF app configured it is LINE's LIFF URL (opens inside
 * LINE with login); the LIFF app's endpoint URL is `${PUBLIC_BASE_URL}/liff/<channelId>/`.
 * Without one, the page itself (opened in LINE's browser, logging in through LINE Login).
 */
export function liffUrl(deps: Deps, channel: { liff_id: string; channel_id: string }, path: string): string {
  const p = path.replace(/^\//, '');
  return channel.liff_id
    ? `https://liff.line.me/${channel.liff_id}/${p}`
    : `${deps.config.publicBaseUrl}/liff/${channel.channel_id}/${p}`;
}

export const liffEndpointUrl = (deps: Deps, channelId: string) => `${deps.config.publicBaseUrl}/liff/${channelId}/`;

export async function defaultGreeting(ctx: EventContext): Promise<messagingApi.Message[]> {
  const ch = await ctx.line.channelOrThrow(ctx.clinicId);
  const clinic = await clinicService(ctx.deps).get(ctx.clinicId);
  const text = (ch.greeting_text || DEFAULT_GREETING).replaceAll('{clinic}', clinic.name);
  return [
    { type: 'text', text },
    {
      type: 'template',
      altText: '綁定 LINE 帳號，接收看診提醒',
      template: {
        type: 'buttons',
        title: '綁定帳號',
        text: '用手機號碼與簡訊驗證碼完成綁定，只需 30 秒',
        actions: [{ type: 'uri', label: '立即綁定', uri: liffUrl(ctx.deps, ch, '/bind') }],
      },
    },
  ];
}

/**
 * Sends messages to the user of an event: the free Reply API while the event's reply token is
 * fresh and unused, else a push (counted toward the quota). Once per event and source: a retried
 * job queues the same push (same retry key), which is sent once.
 */
export async function respond(
  ctx: EventContext,
  messages: messagingApi.Message[],
  source: string,
  /** Written with the reply's message log (or after the push is queued): what the sender records. */
  alsoWrite: readonly Compilable<unknown>[] = [],
): Promise<'reply' | 'push'> {
  const { deps, clinicId, lineUserId } = ctx;
  if (
    ctx.replyToken &&
    (await ctx.line.reply(clinicId, lineUserId, ctx.replyToken, messages, source, { alsoWrite })).ok
  )
    return 'reply';
  const eventKey = typeof ctx.event.webhookEventId === 'string' ? ctx.event.webhookEventId : ctx.at;
  await queuePush(
    deps.db,
    deps,
    clinicId,
    { to: lineUserId, messages, source },
    retryKeyOf(`${clinicId}:${lineUserId}:${eventKey}:${source}`),
  );
  wakeWorkers();
  if (alsoWrite.length) await writeStatements(deps.db, deps.dialect, alsoWrite);
  return 'push';
}

/** How long the bot may take to answer before LINE's loading animation shows. */
export const LOADING_AFTER_MS = 500;

/**
 * LINE's loading animation while the hooks prepare an answer, started only when they take longer
 * than LOADING_AFTER_MS: a quick answer needs none (and spares a call to LINE per message), and
 * a message left for staff never shows the bot "typing". The returned context's replies first
 * settle it — the timer cancelled, or the call already made awaited — so the animation never
 * starts after the answer (a message ends it). Nice to have: a failure never fails the event.
 */
function loadingWhileSlow(ctx: EventContext): { ctx: EventContext; settle(): Promise<void> } {
  let call: Promise<void> | null = null;
  const timer = setTimeout(() => {
    call = ctx.line
      .clientFor(ctx.clinicId)
      .then((client) => client.startLoading(ctx.lineUserId, 5))
      .catch((err: unknown) => ctx.deps.log.warn({ err }, 'LINE loading animation failed'));
  }, LOADING_AFTER_MS);
  const settle = async () => {
    clearTimeout(timer);
    await call;
  };
  const line = ctx.line;
  const reply: LineService['reply'] = async (...args) => {
    await settle();
    return line.reply(...args);
  };
  return { ctx: { ...ctx, line: { ...line, reply } }, settle };
}

/** The `line.event` job, with the other modules' hooks plugged in. */
export function lineEventJob(hooks: LineEventHooks) {
  return defineJob({ ...LINE_EVENT_JOB, handler: lineEventHandler(hooks) });
}

function lineEventHandler(hooks: LineEventHooks) {
  return async (job: Job<{ eventRowId: number }>, deps: Deps): Promise<void> => {
    const clinicId = job.clinicId;
    if (!clinicId) throw new PermanentJobError('line.event without clinic');
    const line = lineService(deps);
    const row = await line.event(clinicId, job.payload.eventRowId);
    if (!row) throw new PermanentJobError(`event row ${job.payload.eventRowId} not found`);
    if (row.processed_at) return; // already done (a retried job after a crash)
    const event = JSON.parse(row.payload) as WebhookEvent;
    if (event.type === 'delivery') {
      const data = (event.delivery as { data?: unknown } | undefined)?.data;
      const outcome =
        typeof data === 'string' && hooks.onDelivery
          ? await hooks.onDelivery(deps, clinicId, data, row.event_time)
          : 'ignored:delivery';
      await line.markEvent(clinicId, row.id, outcome);
      return;
    }
    const lineUserId = event.source?.userId;
    if (!lineUserId || event.source?.type !== 'user') {
      await line.markEvent(clinicId, row.id, 'ignored:not_a_user');
      return;
    }
    // A reply token is single-use and valid for about a minute; a late retry must not try it.
    const replyToken = freshReplyToken(event, row.event_time, deps.clock.now());
    const ctx: EventContext = {
      deps,
      line,
      clinicId,
      lineUserId,
      event,
      replyToken,
      at: row.event_time,
    };
    let outcome = 'ok';
    let lastWrites: readonly Compilable<unknown>[] = [];
    switch (event.type) {
      case 'follow': {
        let profile: { displayName?: string; pictureUrl?: string } | undefined;
        try {
          profile = await (await line.clientFor(clinicId)).profile(lineUserId);
        } catch {
          profile = undefined; // the profile is nice to have, not needed
        }
        const change = await line.applyFriendEvent(clinicId, lineUserId, 'follow', row.event_time, profile);
        if (!change) {
          outcome = 'ignored:stale';
          break;
        }
        await hooks.onFriendState?.(ctx, 'friend', change.previous);
        if (ctx.replyToken) {
          const messages = (await hooks.greeting?.(ctx)) ?? (await defaultGreeting(ctx));
          await line.reply(clinicId, lineUserId, ctx.replyToken, messages, 'greeting');
        }
        break;
      }
      case 'unfollow': {
        const change = await line.applyFriendEvent(clinicId, lineUserId, 'unfollow', row.event_time);
        if (!change) {
          outcome = 'ignored:stale';
          break;
        }
        await hooks.onFriendState?.(ctx, 'blocked', change.previous);
        break;
      }
      case 'message': {
        const { kind, text, label } = readMessage(event);
        if (row.outcome !== INBOX_WRITTEN) await line.writeInboxRows(clinicId, lineUserId, event, row.event_time);
        let handled = false;
        // While a staff member talks with the user the bot keeps quiet: the message waits in the inbox.
        if (kind === 'text' && text && !(await isBotPaused(deps, clinicId, lineUserId))) {
          const loading = loadingWhileSlow(ctx);
          try {
            for (const h of hooks.onText ?? []) {
              if (await h(loading.ctx, text)) {
                handled = true;
                break;
              }
            }
          } finally {
            await loading.settle();
          }
        }
        outcome = handled ? 'ok:answered' : 'ok:unanswered';
        lastWrites = (await hooks.afterMessage?.(ctx, label, handled)) ?? [];
        break;
      }
      case 'postback': {
        await line.ensureFriendFromMessage(clinicId, lineUserId, row.event_time);
        const pb = (event.postback ?? {}) as { data?: string; params?: Record<string, string> };
        await line.logIncoming(clinicId, {
          lineUserId,
          kind: 'postback',
          text: '',
          payload: pb,
          source: 'user',
        });
        let handled = false;
        for (const h of hooks.onPostback ?? []) {
          if (await h(ctx, String(pb.data ?? ''), pb.params ?? {})) {
            handled = true;
            break;
          }
        }
        outcome = handled ? 'ok' : 'ignored:unknown_postback';
        break;
      }
      default:
        outcome = `ignored:${event.type}`;
    }
    await line.markEvent(clinicId, row.id, outcome, lastWrites);
  };
}
