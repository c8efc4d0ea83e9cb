// Control API under /_emulator/ (JSON) for tests, demos and the phone page.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { hex, messageId } from './ids.ts';
import type { Ctx } from './messaging.ts';
import { summarizeRecipients } from './recipients.ts';
import { menuForUser } from './richmenu.ts';
import { defaultFaults, toE164, type Channel, type ChannelConfig, type Faults } from './store.ts';

type Obj = Record<string, unknown>;

function err(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).send({ error: { code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', message } });
}

function publicChannel(c: Channel): Obj {
  return {
    channelId: c.channelId,
    displayName: c.displayName,
    webhookUrl: c.webhookUrl,
    botUserId: c.botUserId,
    basicId: c.basicId,
    rateLimits: c.rateLimits,
    plan: c.plan,
    markAsReadMode: c.markAsReadMode,
    friends: [...c.friends].map(([userId, state]) => ({ userId, state })),
    liffApps: [...c.liffApps].map(([liffId, url]) => ({ liffId, url })),
  };
}

const readModeOk = (b: Obj): boolean =>
  b.markAsReadMode === undefined || b.markAsReadMode === 'auto' || b.markAsReadMode === 'manual';

/** A 1×1 PNG of the given colour, used as the content of images the virtual user "sends". */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export function controlRoutes(app: FastifyInstance, ctx: Ctx): void {
  const { store, webhooks } = ctx;

  const channelOf = (b: Obj, reply: FastifyReply): Channel | null => {
    const c = store.channels.get(String(b.channelId ?? ''));
    if (!c) err(reply, 404, `channel ${String(b.channelId)} not found`);
    return c ?? null;
  };
  const userOf = (id: string, reply: FastifyReply): boolean => {
    if (!store.users.has(id)) {
      err(reply, 404, `user ${id} not found`);
      return false;
    }
    return true;
  };

  app.post('/_emulator/channels', async (req, reply) => {
    const b = (req.body ?? {}) as ChannelConfig;
    if (
      typeof b.channelId !== 'string' ||
      !/^\d{1,20}$/.test(b.channelId) ||
      typeof b.channelSecret !== 'string' ||
      b.channelSecret === ''
    ) {
      return err(reply, 400, 'channelId (digits) and channelSecret are required');
    }
    if (!readModeOk(b)) return err(reply, 400, "markAsReadMode must be 'auto' or 'manual'");
    const { channel, channelAccessToken } = store.upsertChannel(b);
    return reply.code(201).send({ channelAccessToken, ...publicChannel(channel) });
  });
  app.get('/_emulator/channels', async () => ({ channels: [...store.channels.values()].map(publicChannel) }));
  app.patch('/_emulator/channels/:channelId', async (req, reply) => {
    const c = store.channels.get((req.params as Obj).channelId as string);
    if (!c) return err(reply, 404, 'channel not found');
    if (!readModeOk((req.body ?? {}) as Obj)) return err(reply, 400, "markAsReadMode must be 'auto' or 'manual'");
    const { channel } = store.upsertChannel({
      ...((req.body ?? {}) as Partial<ChannelConfig>),
      channelId: c.channelId,
      channelSecret: (((req.body ?? {}) as Obj).channelSecret as string) ?? c.channelSecret,
    });
    return publicChannel(channel);
  });

  app.get('/_emulator/channels/:channelId/messages', async (req, reply) => {
    const c = store.channels.get((req.params as Obj).channelId as string);
    if (!c) return err(reply, 404, 'channel not found');
    const q = req.query as Obj;
    const items = c.log.filter((r) => r.direction === 'bot' && (q.to === undefined || r.userId === q.to));
    return {
      messages: items.map((r) => ({
        id: r.id,
        to: r.userId,
        at: r.at,
        via: r.via,
        requestId: r.requestId,
        retryKey: r.retryKey,
        message: r.message,
      })),
    };
  });
  // Per recipient: how many copies of what the bot sent reached each user (recipients.ts).
  //   ?via=multicast|push|narrowcast|broadcast|…  &after=<log seq>  &text=<substring>  &users=1
  app.get('/_emulator/channels/:channelId/recipients', async (req, reply) => {
    const c = store.channels.get((req.params as Obj).channelId as string);
    if (!c) return err(reply, 404, 'channel not found');
    const q = req.query as Obj;
    const after = q.after === undefined ? undefined : Number(q.after);
    if (after !== undefined && !Number.isInteger(after)) return err(reply, 400, 'after must be a log sequence number');
    return summarizeRecipients(
      c.log,
      {
        via: typeof q.via === 'string' && q.via !== '' ? q.via : undefined,
        after,
        text: typeof q.text === 'string' && q.text !== '' ? q.text : undefined,
      },
      q.users === '1' || q.users === 'true',
    );
  });
  app.get('/_emulator/channels/:channelId/webhooks', async (req, reply) => {
    const c = store.channels.get((req.params as Obj).channelId as string);
    if (!c) return err(reply, 404, 'channel not found');
    return { deliveries: c.webhookLog };
  });

  app.post('/_emulator/users', async (req, reply) => {
    const b = (req.body ?? {}) as Obj;
    if (typeof b.displayName !== 'string' || b.displayName.trim() === '' || b.displayName.length > 20)
      return err(reply, 400, 'displayName (1–20 characters) is required');
    const u = store.createUser({
      displayName: b.displayName.trim(),
      userId: typeof b.userId === 'string' && /^U[0-9a-f]{32}$/.test(b.userId) ? b.userId : undefined,
      pictureUrl: typeof b.pictureUrl === 'string' ? b.pictureUrl : undefined,
      statusMessage: typeof b.statusMessage === 'string' ? b.statusMessage : undefined,
      phone: typeof b.phone === 'string' ? b.phone : undefined,
    });
    return reply.code(201).send(u);
  });
  app.get('/_emulator/users', async () => ({ users: [...store.users.values()] }));
  // Changes a user's name or phone number ({displayName?, phone?: string | null}); the number is
  // what LINE notification messages (/bot/pnp/push) find the user by, so it must read as one.
  app.patch('/_emulator/users/:userId', async (req, reply) => {
    const userId = (req.params as Obj).userId as string;
    const u = store.users.get(userId);
    if (!u) return err(reply, 404, `user ${userId} not found`);
    const b = (req.body ?? {}) as Obj;
    if (
      b.displayName !== undefined &&
      (typeof b.displayName !== 'string' || b.displayName.trim() === '' || b.displayName.length > 20)
    )
      return err(reply, 400, 'displayName must be 1–20 characters');
    if (b.phone !== undefined && b.phone !== null && (typeof b.phone !== 'string' || toE164(b.phone) === null))
      return err(reply, 400, 'phone must be a phone number (0912345678 or +886912345678), or null to remove it');
    if (typeof b.displayName === 'string') u.displayName = b.displayName.trim();
    if (b.phone !== undefined) store.setPhone(u, b.phone as string | null);
    store.notify();
    return u;
  });

  app.post('/_emulator/users/:userId/follow', async (req, reply) => {
    const userId = (req.params as Obj).userId as string;
    if (!userOf(userId, reply)) return reply;
    const c = channelOf((req.body ?? {}) as Obj, reply);
    if (!c) return reply;
    const before = c.friends.get(userId);
    if (before === 'friend') return { ok: true, state: 'friend', event: null };
    c.friends.set(userId, 'friend');
    store.notify();
    const ev = webhooks.event(c, 'follow', userId, { follow: { isUnblocked: before === 'blocked' } }, true);
    await webhooks.dispatch(c, [ev]);
    return { ok: true, state: 'friend', event: ev };
  });
  app.post('/_emulator/users/:userId/unfollow', async (req, reply) => {
    const userId = (req.params as Obj).userId as string;
    if (!userOf(userId, reply)) return reply;
    const c = channelOf((req.body ?? {}) as Obj, reply);
    if (!c) return reply;
    if (c.friends.get(userId) !== 'friend') return { ok: true, state: c.friends.get(userId) ?? 'none', event: null };
    c.friends.set(userId, 'blocked');
    store.notify();
    const ev = webhooks.event(c, 'unfollow', userId, {}, false);
    await webhooks.dispatch(c, [ev]);
    return { ok: true, state: 'blocked', event: ev };
  });

  // The user sends a message: {channelId, text} or {channelId, message:{type:'sticker'|'image'|'location', …}}.
  app.post('/_emulator/users/:userId/messages', async (req, reply) => {
    const userId = (req.params as Obj).userId as string;
    if (!userOf(userId, reply)) return reply;
    const b = (req.body ?? {}) as Obj;
    const c = channelOf(b, reply);
    if (!c) return reply;
    if (c.friends.get(userId) !== 'friend')
      return err(reply, 409, 'the user is not a friend of the channel (follow first)');
    const id = messageId();
    let message: Obj;
    const m = (b.message ?? (typeof b.text === 'string' ? { type: 'text', text: b.text } : null)) as Obj | null;
    if (!m) return err(reply, 400, 'text or message is required');
    if (m.type === 'text') {
      if (typeof m.text !== 'string' || m.text.length === 0 || m.text.length > 5000)
        return err(reply, 400, 'text must be 1–5000 characters');
      message = { id, type: 'text', quoteToken: 'q' + id, text: m.text };
    } else if (m.type === 'sticker') {
      message = {
        id,
        type: 'sticker',
        quoteToken: 'q' + id,
        packageId: String(m.packageId ?? '446'),
        stickerId: String(m.stickerId ?? '1988'),
        stickerResourceType: 'STATIC',
        keywords: ['OK'],
      };
    } else if (m.type === 'image') {
      let data = TINY_PNG;
      let contentType = 'image/png';
      if (typeof m.dataUrl === 'string') {
        const match = /^data:(image\/[a-z]+);base64,(.+)$/.exec(m.dataUrl);
        if (match) {
          contentType = match[1];
          data = Buffer.from(match[2], 'base64');
        }
      }
      store.contents.set(id, { contentType, data });
      message = { id, type: 'image', quoteToken: 'q' + id, contentProvider: { type: 'line' } };
    } else if (m.type === 'location') {
      message = {
        id,
        type: 'location',
        title: String(m.title ?? '我的位置'),
        address: String(m.address ?? '臺北市中正區'),
        latitude: Number(m.latitude ?? 25.0478),
        longitude: Number(m.longitude ?? 121.517),
      };
    } else return err(reply, 400, 'unsupported message type');
    const readToken = `r${id}${hex(8)}`;
    message.markAsReadToken = readToken;
    const rec = store.record(c, { id, direction: 'user', userId, via: 'message', message });
    c.readTokens.set(readToken, { userId, seq: rec.seq });
    store.notify();
    const ev = webhooks.event(c, 'message', userId, { message }, true);
    await webhooks.dispatch(c, [ev]);
    return { ok: true, event: ev };
  });

  // The user taps a postback action: {channelId, data, params?, displayText?}.
  app.post('/_emulator/users/:userId/postback', async (req, reply) => {
    const userId = (req.params as Obj).userId as string;
    if (!userOf(userId, reply)) return reply;
    const b = (req.body ?? {}) as Obj;
    const c = channelOf(b, reply);
    if (!c) return reply;
    if (c.friends.get(userId) !== 'friend')
      return err(reply, 409, 'the user is not a friend of the channel (follow first)');
    if (typeof b.data !== 'string' || b.data.length > 300) return err(reply, 400, 'data (≤300 characters) is required');
    if (typeof b.displayText === 'string' && b.displayText) {
      store.record(c, { direction: 'user', userId, via: 'postback', message: { type: 'text', text: b.displayText } });
    }
    const postback: Obj = { data: b.data };
    if (b.params && typeof b.params === 'object') postback.params = b.params;
    store.notify();
    const ev = webhooks.event(c, 'postback', userId, { postback }, true);
    await webhooks.dispatch(c, [ev]);
    return { ok: true, event: ev };
  });

  // Timeline for the phone page: messages of one user ↔ one channel after `after` (sequence).
  app.get('/_emulator/users/:userId/chat', async (req, reply) => {
    const userId = (req.params as Obj).userId as string;
    const q = req.query as Obj;
    const c = store.channels.get(String(q.channelId ?? ''));
    if (!c || !store.users.has(userId)) return err(reply, 404, 'channel or user not found');
    const after = Number(q.after ?? 0);
    const wait = Math.min(Number(q.wait ?? 0), 25_000);
    const collect = () => c.log.filter((r) => r.userId === userId && r.seq > after);
    // What the page shows besides messages: the friend state and the visible menu. A change
    // that happened between two polls (a menu linked right after a message arrived) must end
    // the next poll at once, or the page would show it only when that poll times out.
    // The 已讀 mark and the loading animation count as visible too (when the page says what it shows).
    const withMarks = typeof q.read === 'string';
    const loadingMs = () => Math.max(0, (c.loadingUntil.get(userId) ?? 0) - store.now());
    const visible = () => {
      const state = c.friends.get(userId) ?? 'none';
      const m = menuForUser(c, userId);
      const marks = withMarks ? `|${c.readUpTo.get(userId) ?? 0}|${loadingMs() > 0 ? 1 : 0}` : '';
      return `${state}|${state === 'friend' && m?.image ? m.richMenuId : ''}${marks}`;
    };
    const shown =
      typeof q.state === 'string'
        ? `${q.state}|${typeof q.menu === 'string' ? q.menu : ''}` +
          (withMarks ? `|${String(q.read)}|${q.loading === '1' ? 1 : 0}` : '')
        : null;
    const changed = () => collect().length > 0 || (shown !== null && visible() !== shown);
    let items = collect();
    if (!changed() && wait > 0) {
      await new Promise<void>((resolve) => {
        const l = () => {
          if (!changed()) return;
          done();
        };
        const done = () => {
          clearTimeout(t);
          store.listeners.delete(l);
          resolve();
        };
        const t = setTimeout(done, wait);
        store.listeners.add(l);
      });
      items = collect();
    }
    const menu = menuForUser(c, userId);
    return {
      seq: store.seq,
      state: c.friends.get(userId) ?? 'none',
      /** the seq of the user's last message marked read; later ones show no 已讀 yet */
      readUpTo: c.readUpTo.get(userId) ?? 0,
      /** ms the loading animation still shows (0: none) */
      loadingMs: loadingMs(),
      channel: { channelId: c.channelId, displayName: c.displayName },
      items: items.map((r) => ({ seq: r.seq, id: r.id, at: r.at, from: r.direction, via: r.via, message: r.message })),
      richMenu:
        menu && menu.image
          ? {
              richMenuId: menu.richMenuId,
              size: menu.size,
              chatBarText: menu.chatBarText,
              selected: menu.selected,
              areas: menu.areas,
              imageUrl: `/_emulator/richmenu/${c.channelId}/${menu.richMenuId}/image`,
            }
          : null,
    };
  });
  app.get('/_emulator/richmenu/:channelId/:richMenuId/image', async (req, reply) => {
    const p = req.params as Obj;
    const m = store.channels.get(p.channelId as string)?.richMenus.get(p.richMenuId as string);
    if (!m?.image) return err(reply, 404, 'not found');
    return reply.header('content-type', m.image.contentType).send(m.image.data);
  });
  // Switch the user's rich menu via an alias (richmenuswitch action), as the LINE app does.
  app.post('/_emulator/users/:userId/richmenu-switch', async (req, reply) => {
    const userId = (req.params as Obj).userId as string;
    const b = (req.body ?? {}) as Obj;
    const c = channelOf(b, reply);
    if (!c) return reply;
    const target = c.aliases.get(String(b.richMenuAliasId));
    if (!target) return err(reply, 404, 'alias not found');
    c.userRichMenus.set(userId, target);
    const ev = webhooks.event(
      c,
      'postback',
      userId,
      {
        postback: {
          data: String(b.data ?? ''),
          params: { newRichMenuAliasId: String(b.richMenuAliasId), status: 'SUCCESS' },
        },
      },
      true,
    );
    store.notify();
    await webhooks.dispatch(c, [ev]);
    return { ok: true };
  });

  app.get('/_emulator/content/:messageId', async (req, reply) => {
    const c = store.contents.get((req.params as Obj).messageId as string);
    if (!c) return err(reply, 404, 'not found');
    return reply.header('content-type', c.contentType).send(c.data);
  });

  app.get('/_emulator/faults', async () => store.faults);
  app.put('/_emulator/faults', async (req) => {
    const b = (req.body ?? {}) as Partial<{
      api: Partial<Faults['api']>;
      webhook: Partial<Faults['webhook']>;
      sms: Partial<Faults['sms']>;
    }>;
    const d = defaultFaults();
    store.faults = {
      api: { ...d.api, ...b.api },
      webhook: { ...d.webhook, ...b.webhook },
      sms: { ...d.sms, ...b.sms },
    };
    return store.faults;
  });

  app.post('/_emulator/reset', async () => {
    store.reset();
    ctx.limiter.windows.clear();
    ctx.onReset?.();
    return { ok: true };
  });
}
