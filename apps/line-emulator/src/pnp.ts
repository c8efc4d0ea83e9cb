// LINE notification messages (flexible): POST /bot/pnp/push sends to whoever's LINE account is
// registered with a phone number, friend or not; `to` is the SHA-256 (lowercase hex) of the
// number in E.164. What the emulator does (docs/contracts.md):
//   - a virtual user with that phone number gets the messages in the channel's chat, marked
//     via 'pnp' (the phone page labels them 「LINE 通知訊息」), and the channel's webhook gets
//     the delivery completion event (type 'delivery', delivery.data = X-Line-Delivery-Tag, or the
//     hashed number without one), signed like every event;
//   - no user with that number: 422, LINE's error body, nothing sent;
//   - a user who blocked the account: 200 but nothing delivered and no event, as on LINE (the
//     request is accepted; the delivery event never comes);
//   - X-Line-Delivery-Tag must be 16–100 characters; X-Line-Retry-Key is refused with 400 by the
//     shared guards, as LINE refuses it on every endpoint but push, multicast, narrowcast and
//     broadcast;
//   - billed apart: nothing is charged against the channel's monthly message quota. The
//     user's consent and LINE's SMS check of the number are not emulated.
import type { FastifyInstance } from 'fastify';
import { badRequestDetails, header, lineError } from './http.ts';
import { ulid } from './ids.ts';
import type { Ctx } from './messaging.ts';
import { validateMessages } from './validate.ts';
import type { WebhookEvent } from './webhook.ts';

type Obj = Record<string, unknown>;

const HASH_RE = /^[0-9a-f]{64}$/;
/** Media a LINE notification message (flexible) may not contain. */
const NO_MEDIA = new Set(['image', 'video', 'audio', 'imagemap']);

export function pnpRoutes(app: FastifyInstance, ctx: Ctx): void {
  const { store, webhooks } = ctx;

  app.post('/bot/pnp/push', (req, reply) => {
    const tag = header(req, 'x-line-delivery-tag');
    if (tag !== undefined && (tag.length < 16 || tag.length > 100)) {
      lineError(reply, 400, 'The value of the X-Line-Delivery-Tag header is invalid (16 to 100 characters)');
      return;
    }
    const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Obj;
    if (typeof b.to !== 'string' || !HASH_RE.test(b.to)) {
      badRequestDetails(reply, [
        { message: 'must be the SHA-256 hash (lowercase hex) of an E.164 phone number', property: 'to' },
      ]);
      return;
    }
    const details = validateMessages(b.messages);
    if (details.length === 0)
      (b.messages as Obj[]).forEach((m, i) => {
        if (NO_MEDIA.has(String(m.type)))
          details.push({ message: 'is not allowed in a LINE notification message', property: `messages[${i}].type` });
      });
    if (b.notificationDisabled !== undefined && typeof b.notificationDisabled !== 'boolean')
      details.push({ message: 'must be a boolean', property: 'notificationDisabled' });
    if (details.length > 0) {
      badRequestDetails(reply, details);
      return;
    }
    const userId = store.usersByPhoneHash.get(b.to);
    if (!userId) {
      lineError(reply, 422, 'Failed to send messages');
      return;
    }
    const channel = req.channel;
    if (channel.friends.get(userId) !== 'blocked') {
      for (const m of b.messages as Obj[])
        store.record(channel, { direction: 'bot', userId, via: 'pnp', message: m, requestId: req.lineRequestId });
      store.notify();
      const ev: WebhookEvent = {
        type: 'delivery',
        mode: 'active',
        timestamp: store.now(),
        webhookEventId: ulid(store.now()),
        deliveryContext: { isRedelivery: false },
        delivery: { data: tag ?? b.to },
      };
      // Delivered after the answer, as LINE sends the event once the message reached the phone.
      setImmediate(() => void webhooks.dispatch(channel, [ev]));
    }
    reply.send({});
  });
}
