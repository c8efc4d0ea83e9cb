// Webhook delivery as LINE does it: signed body, 2 s timeout, redelivery with the same
// webhookEventId and deliveryContext.isRedelivery = true; plus fault switches.
import { createHmac } from 'node:crypto';
import { ulid } from './ids.ts';
import type { Channel, Store } from './store.ts';

export type WebhookEvent = Record<string, unknown> & {
  webhookEventId: string;
  deliveryContext: { isRedelivery: boolean };
};

export function sign(body: string, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

export type WebhookOptions = {
  timeoutMs: number;
  /** delays between redeliveries (LINE uses minutes; the emulator defaults to seconds) */
  retryDelaysMs: number[];
};

export class WebhookDispatcher {
  store: Store;
  opts: WebhookOptions;
  timers = new Set<ReturnType<typeof setTimeout>>();
  inflight = new Set<Promise<unknown>>();
  closed = false;

  constructor(store: Store, opts: Partial<WebhookOptions> = {}) {
    this.store = store;
    this.opts = { timeoutMs: 2000, retryDelaysMs: [1000, 2000, 4000, 8000, 16000], ...opts };
  }

  /** Builds an event with LINE's common properties. */
  event(
    channel: Channel,
    type: string,
    userId: string,
    extra: Record<string, unknown>,
    withReplyToken: boolean,
  ): WebhookEvent {
    const ev: WebhookEvent = {
      type,
      mode: 'active',
      timestamp: this.store.now(),
      source: { type: 'user', userId },
      webhookEventId: ulid(this.store.now()),
      deliveryContext: { isRedelivery: false },
      ...extra,
    };
    if (withReplyToken) ev.replyToken = this.store.issueReplyToken(channel.channelId, userId);
    return ev;
  }

  /**
   * Sends events to the channel's webhook, applying fault switches. Resolves once the first attempt
   * finished (or was dropped).
   */
  async dispatch(channel: Channel, events: WebhookEvent[]): Promise<void> {
    if (!channel.webhookUrl || !channel.webhookActive || this.closed) return;
    const f = this.store.faults.webhook;
    if (f.dropNext > 0 || (f.dropRate > 0 && Math.random() < f.dropRate)) {
      if (f.dropNext > 0) f.dropNext--;
      channel.webhookLog.push({
        at: new Date(this.store.now()).toISOString(),
        webhookEventIds: events.map((e) => e.webhookEventId),
        status: 'dropped',
        isRedelivery: false,
        attempt: 1,
      });
      return;
    }
    let delay = f.delayMs;
    if (f.reorderWindowMs > 0) delay += Math.floor(Math.random() * f.reorderWindowMs);
    const copies = f.duplicateRate > 0 && Math.random() < f.duplicateRate ? 2 : 1;
    const run = async (): Promise<void> => {
      const attempts = [];
      for (let i = 0; i < copies; i++) attempts.push(this.attempt(channel, events, 1));
      await Promise.all(attempts);
    };
    if (delay > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          run().then(resolve, resolve);
        }, delay);
        this.timers.add(t);
      });
      return;
    }
    await run();
  }

  async attempt(channel: Channel, events: WebhookEvent[], attempt: number): Promise<void> {
    if (this.closed || !channel.webhookUrl) return;
    const isRedelivery = attempt > 1;
    const sent = events.map((e) => ({ ...e, deliveryContext: { isRedelivery } }));
    const body = JSON.stringify({ destination: channel.botUserId, events: sent });
    let status: number | string;
    const p = fetch(channel.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-line-signature': sign(body, channel.channelSecret),
        'user-agent': 'LineBotWebhook/2.0',
      },
      body,
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    }).then(
      async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        return res.status;
      },
      (err: Error) => (err.name === 'TimeoutError' ? 'timeout' : 'connection_error'),
    );
    this.inflight.add(p);
    try {
      status = await p;
    } finally {
      this.inflight.delete(p);
    }
    channel.webhookLog.push({
      at: new Date(this.store.now()).toISOString(),
      webhookEventIds: events.map((e) => e.webhookEventId),
      status,
      isRedelivery,
      attempt,
    });
    const ok = typeof status === 'number' && status >= 200 && status < 300;
    if (!ok && attempt <= this.opts.retryDelaysMs.length && !this.closed) {
      const t = setTimeout(
        () => {
          this.timers.delete(t);
          void this.attempt(channel, events, attempt + 1);
        },
        this.opts.retryDelaysMs[attempt - 1],
      );
      this.timers.add(t);
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
