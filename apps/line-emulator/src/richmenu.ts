// Rich menus: create/validate/list/get/delete, image upload/download (data API), default,
// per-user link/unlink (single and bulk), aliases.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { hex, USER_ID_RE } from './ids.ts';
import { badRequestDetails, lineError } from './http.ts';
import type { Channel, RichMenu } from './store.ts';
import { validateRichMenu } from './validate.ts';
import type { Ctx } from './messaging.ts';

type Obj = Record<string, unknown>;

function publicMenu(m: RichMenu): Obj {
  return {
    richMenuId: m.richMenuId,
    size: m.size,
    selected: m.selected,
    name: m.name,
    chatBarText: m.chatBarText,
    areas: m.areas,
  };
}

/** The rich menu a user sees: per-user link first, then the default. */
export function menuForUser(channel: Channel, userId: string): RichMenu | null {
  const id = channel.userRichMenus.get(userId) ?? channel.defaultRichMenuId;
  return id ? (channel.richMenus.get(id) ?? null) : null;
}

function notFound(reply: FastifyReply): FastifyReply {
  return lineError(reply, 404, 'Not found');
}

export function richMenuRoutes(app: FastifyInstance, ctx: Ctx): void {
  const { store } = ctx;

  app.post('/v2/bot/richmenu/validate', async (req, reply) => {
    const d = validateRichMenu(req.body);
    if (d.length > 0) return badRequestDetails(reply, d);
    return {};
  });

  app.post('/v2/bot/richmenu', async (req, reply) => {
    const d = validateRichMenu(req.body);
    if (d.length > 0) return badRequestDetails(reply, d);
    if (req.channel.richMenus.size >= 1000)
      return lineError(reply, 400, 'The maximum number of rich menus has been reached');
    const b = req.body as RichMenu;
    const m: RichMenu = {
      richMenuId: 'richmenu-' + hex(16),
      size: b.size,
      selected: b.selected,
      name: b.name,
      chatBarText: b.chatBarText,
      areas: b.areas,
    };
    req.channel.richMenus.set(m.richMenuId, m);
    return { richMenuId: m.richMenuId };
  });

  app.get('/v2/bot/richmenu/list', async (req) => ({ richmenus: [...req.channel.richMenus.values()].map(publicMenu) }));

  app.get('/v2/bot/richmenu/:richMenuId', async (req, reply) => {
    const m = req.channel.richMenus.get((req.params as Obj).richMenuId as string);
    return m ? publicMenu(m) : notFound(reply);
  });

  app.delete('/v2/bot/richmenu/:richMenuId', async (req, reply) => {
    const id = (req.params as Obj).richMenuId as string;
    if (!req.channel.richMenus.delete(id)) return notFound(reply);
    if (req.channel.defaultRichMenuId === id) req.channel.defaultRichMenuId = null;
    for (const [u, r] of req.channel.userRichMenus) if (r === id) req.channel.userRichMenus.delete(u);
    store.notify();
    return {};
  });

  // Data API (api-data.line.me): image upload / download.
  app.post('/v2/bot/richmenu/:richMenuId/content', async (req, reply) => {
    const m = req.channel.richMenus.get((req.params as Obj).richMenuId as string);
    if (!m) return notFound(reply);
    const ct = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    if (ct !== 'image/png' && ct !== 'image/jpeg') return lineError(reply, 415, 'Unsupported Media Type');
    const data = req.body as Buffer;
    if (!Buffer.isBuffer(data) || data.length === 0)
      return lineError(reply, 400, 'The request body has 1 error(s)', [
        { message: 'may not be empty', property: 'body' },
      ]);
    if (data.length > 1024 * 1024) return lineError(reply, 413, 'Request Entity Too Large');
    if (m.image) return lineError(reply, 400, 'An image has already been uploaded to the richmenu');
    m.image = { contentType: ct, data };
    store.notify();
    return {};
  });
  app.get('/v2/bot/richmenu/:richMenuId/content', async (req, reply) => {
    const m = req.channel.richMenus.get((req.params as Obj).richMenuId as string);
    if (!m || !m.image) return notFound(reply);
    return reply.header('content-type', m.image.contentType).send(m.image.data);
  });

  app.post('/v2/bot/user/all/richmenu/:richMenuId', async (req, reply) => {
    const id = (req.params as Obj).richMenuId as string;
    const m = req.channel.richMenus.get(id);
    if (!m) return notFound(reply);
    if (!m.image) return lineError(reply, 400, 'must upload richmenu image before applying it to user');
    req.channel.defaultRichMenuId = id;
    store.notify();
    return {};
  });
  app.get('/v2/bot/user/all/richmenu', async (req, reply) =>
    req.channel.defaultRichMenuId ? { richMenuId: req.channel.defaultRichMenuId } : notFound(reply),
  );
  app.delete('/v2/bot/user/all/richmenu', async (req) => {
    req.channel.defaultRichMenuId = null;
    store.notify();
    return {};
  });

  app.get('/v2/bot/user/:userId/richmenu', async (req, reply) => {
    const id = req.channel.userRichMenus.get((req.params as Obj).userId as string);
    return id ? { richMenuId: id } : notFound(reply);
  });
  app.post('/v2/bot/user/:userId/richmenu/:richMenuId', async (req, reply) => {
    const { userId, richMenuId } = req.params as { userId: string; richMenuId: string };
    if (!USER_ID_RE.test(userId) || !store.users.has(userId)) return lineError(reply, 400, 'The user ID is invalid');
    const m = req.channel.richMenus.get(richMenuId);
    if (!m) return notFound(reply);
    if (!m.image) return lineError(reply, 400, 'must upload richmenu image before applying it to user');
    req.channel.userRichMenus.set(userId, richMenuId);
    store.notify();
    return {};
  });
  app.delete('/v2/bot/user/:userId/richmenu', async (req) => {
    req.channel.userRichMenus.delete((req.params as Obj).userId as string);
    store.notify();
    return {};
  });

  const bulkUsers = (b: Obj, reply: FastifyReply): string[] | null => {
    if (!Array.isArray(b.userIds) || b.userIds.length < 1 || b.userIds.length > 500) {
      badRequestDetails(reply, [{ message: 'Size must be between 1 and 500', property: 'userIds' }]);
      return null;
    }
    for (const u of b.userIds) {
      if (typeof u !== 'string' || !USER_ID_RE.test(u)) {
        badRequestDetails(reply, [{ message: 'invalid user id', property: 'userIds' }]);
        return null;
      }
    }
    return b.userIds as string[];
  };
  app.post('/v2/bot/richmenu/bulk/link', async (req, reply) => {
    const b = (req.body ?? {}) as Obj;
    const users = bulkUsers(b, reply);
    if (!users) return reply;
    const m = req.channel.richMenus.get(b.richMenuId as string);
    if (!m) return notFound(reply);
    if (!m.image) return lineError(reply, 400, 'must upload richmenu image before applying it to user');
    for (const u of users) req.channel.userRichMenus.set(u, m.richMenuId);
    store.notify();
    return reply.code(202).send({});
  });
  app.post('/v2/bot/richmenu/bulk/unlink', async (req, reply) => {
    const users = bulkUsers((req.body ?? {}) as Obj, reply);
    if (!users) return reply;
    for (const u of users) req.channel.userRichMenus.delete(u);
    store.notify();
    return reply.code(202).send({});
  });

  // Aliases
  const ALIAS_RE = /^[a-z0-9_-]{1,32}$/;
  app.post('/v2/bot/richmenu/alias', async (req, reply) => {
    const b = (req.body ?? {}) as Obj;
    if (typeof b.richMenuAliasId !== 'string' || !ALIAS_RE.test(b.richMenuAliasId))
      return badRequestDetails(reply, [{ message: 'must match "^[a-z0-9_-]{1,32}$"', property: 'richMenuAliasId' }]);
    if (typeof b.richMenuId !== 'string' || !req.channel.richMenus.has(b.richMenuId))
      return lineError(reply, 400, 'richmenu not found');
    if (req.channel.aliases.has(b.richMenuAliasId)) return lineError(reply, 400, 'conflict richmenu alias id');
    if (!req.channel.richMenus.get(b.richMenuId)?.image) return lineError(reply, 400, 'richmenu image not found');
    req.channel.aliases.set(b.richMenuAliasId, b.richMenuId);
    return {};
  });
  app.get('/v2/bot/richmenu/alias/list', async (req) => ({
    aliases: [...req.channel.aliases].map(([richMenuAliasId, richMenuId]) => ({ richMenuAliasId, richMenuId })),
  }));
  app.get('/v2/bot/richmenu/alias/:aliasId', async (req, reply) => {
    const id = (req.params as Obj).aliasId as string;
    const target = req.channel.aliases.get(id);
    return target ? { richMenuAliasId: id, richMenuId: target } : notFound(reply);
  });
  app.post('/v2/bot/richmenu/alias/:aliasId', async (req, reply) => {
    const id = (req.params as Obj).aliasId as string;
    const b = (req.body ?? {}) as Obj;
    if (!req.channel.aliases.has(id)) return notFound(reply);
    if (typeof b.richMenuId !== 'string' || !req.channel.richMenus.has(b.richMenuId))
      return lineError(reply, 400, 'richmenu not found');
    req.channel.aliases.set(id, b.richMenuId);
    return {};
  });
  app.delete('/v2/bot/richmenu/alias/:aliasId', async (req, reply) => {
    if (!req.channel.aliases.delete((req.params as Obj).aliasId as string)) return notFound(reply);
    return {};
  });
}
