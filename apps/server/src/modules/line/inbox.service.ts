// 訊息 › 收件匣: the front desk's side of every LINE conversation. The list (filters, unread
// counts, search), one conversation (messages with non-text events described, notes, linked
// patients and their upcoming visits), assignment, 已完成, and staff replies: the free Reply API
// while the user's last reply token is fresh and unused, a push otherwise; one send per client key
// (a double click sends once) and the bot paused for the user afterwards.
import { randomBytes } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { wakeWorkers } from '../../platform/jobs.ts';
import { appointmentService } from '../appointments/service.ts';
import { bindingService } from '../binding/service.ts';
import { articleMessage } from '../care-library/service.ts';
import { staffService } from '../staff/service.ts';
import { taskService } from '../tasks/service.ts';
import { DEFAULT_BOT_PAUSE_MINUTES, type AfterStaffReply } from './inbox.ts';
import { inboxRepository, type InboxFilter } from './inbox.repository.ts';
import { queuePush, retryKeyOf } from './push.ts';
import { lineRepository } from './repository.ts';
import { lineService } from './service.ts';

/** A reply token is single-use and valid for about a minute after the message (the event handler uses the same). */
export const REPLY_TOKEN_FRESH_MS = 50_000;

/** LINE's image message: JPEG or PNG, at most 10 MB; the preview at most 1 MB (docs/contracts.md). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_PREVIEW_BYTES = 1024 * 1024;

export type InboxSendInput = {
  clientKey: string;
  text?: string | null;
  imageId?: string | null;
  previewId?: string | null;
  articleId?: string | null;
};

type MessageRow = Awaited<ReturnType<ReturnType<typeof inboxRepository>['messages']>>[number];

/** What a message shows besides its text: a sticker, an image (fetched through our proxy), a place, a file. */
function detailOf(m: MessageRow) {
  let p: Record<string, unknown> = {};
  try {
    p = JSON.parse(m.payload || '{}') as Record<string, unknown>;
  } catch {
    p = {};
  }
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : null);
  const num = (k: string) => (typeof p[k] === 'number' ? (p[k] as number) : null);
  switch (m.kind) {
    case 'sticker':
      return { packageId: str('packageId'), stickerId: str('stickerId') };
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
      if (m.direction === 'out')
        return { imageUrl: str('originalContentUrl'), previewUrl: str('previewImageUrl') ?? str('originalContentUrl') };
      return {
        // Content a user sent is fetched from LINE (provider: line) through our proxy; an external one has its URL.
        contentUrl:
          (p.contentProvider as { type?: string } | undefined)?.type === 'external'
            ? ((p.contentProvider as { originalContentUrl?: string }).originalContentUrl ?? null)
            : `/api/inbox/messages/${m.id}/content`,
        fileName: str('fileName'),
        fileSize: num('fileSize'),
        duration: num('duration'),
      };
    case 'location':
      return { title: str('title'), address: str('address'), latitude: num('latitude'), longitude: num('longitude') };
    default:
      return {};
  }
}

function sniffImage(buf: Buffer): 'image/png' | 'image/jpeg' | null {
  if (buf.length > 8 && buf.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  return null;
}

export function inboxService(deps: Deps, opts: { afterStaffReply?: AfterStaffReply[] } = {}) {
  const repo = inboxRepository(deps.db);
  const line = lineService(deps);
  const nowIso = () => deps.clock.now().toISOString();

  async function existing(clinicId: string, lineUserId: string) {
    const c = await repo.conversation(clinicId, lineUserId);
    if (!c) throw errors.notFound('對話');
    return c;
  }

  /** Until when a reply is free: the last message's reply token, unused and fresh. */
  function freeReplyUntil(c: { reply_token: string | null; reply_token_used: number; reply_token_at: string | null }) {
    if (!c.reply_token || Number(c.reply_token_used) || !c.reply_token_at) return null;
    const until = new Date(new Date(c.reply_token_at).getTime() + REPLY_TOKEN_FRESH_MS).toISOString();
    return until > nowIso() ? until : null;
  }

  /** A published article of the clinic as its Flex bubble; anything else is the field's error. */
  async function articleOf(clinicId: string, articleId: string) {
    try {
      return await articleMessage(deps, clinicId, articleId);
    } catch (err) {
      if (!(err instanceof AppError) || (err.status !== 404 && err.status !== 409)) throw err;
      const message = err.status === 404 ? '找不到這篇衛教文章' : err.message;
      throw errors.validation([{ field: 'articleId', code: err.status === 404 ? 'unknown' : 'draft', message }]);
    }
  }

  async function staffNames(clinicId: string) {
    return new Map((await staffService(deps).list(clinicId)).map((s) => [s.id, s.name || s.email]));
  }

  async function audit(
    clinicId: string,
    actor: Actor,
    action: string,
    lineUserId: string,
    ip: string,
    detail?: Record<string, unknown>,
  ) {
    await recordAudit(deps.db, deps.clock, {
      clinicId,
      actor,
      action,
      entityType: 'line_user',
      entityId: lineUserId,
      ip,
      detail,
    });
  }

  return {
    /** The home page's count: conversations waiting for a person. */
    summary: async (clinicId: string) => ({ unanswered: await lineRepository(deps.db).unansweredCount(clinicId) }),

    counts: (clinicId: string, staffId: string | null) => repo.counts(clinicId, staffId),

    async list(clinicId: string, staffId: string | null, q: { filter: InboxFilter; limit: number; offset: number }) {
      const [rows, counts, names] = await Promise.all([
        repo.list(clinicId, { filter: q.filter, staffId, limit: q.limit, offset: q.offset }),
        repo.counts(clinicId, staffId),
        staffNames(clinicId),
      ]);
      const binding = bindingService(deps);
      const families = await Promise.all(rows.map((r) => binding.familyOf(clinicId, r.line_user_id)));
      return {
        counts,
        items: rows.map((r, i) => ({
          lineUserId: r.line_user_id,
          displayName: r.display_name ?? '',
          pictureUrl: r.picture_url ?? null,
          friendState: r.friend_state ?? 'unknown',
          state: r.state,
          waitingReason: r.state === 'waiting' ? r.waiting_reason : null,
          waitingSince: r.state === 'waiting' ? r.unanswered_since : null,
          assignee: r.assignee_id ? { id: r.assignee_id, name: names.get(r.assignee_id) ?? '' } : null,
          unread: Number(r.unread_count),
          lastText: r.last_in_text,
          lastAt: r.last_at ?? r.last_in_at,
          botPausedUntil: r.bot_paused_until && r.bot_paused_until > nowIso() ? r.bot_paused_until : null,
          patients: families[i].map((p) => ({ id: p.id, name: p.name })),
        })),
      };
    },

    /** One conversation: newest `limit` messages (older ones before `before`), notes, patients. */
    async get(clinicId: string, lineUserId: string, q: { limit?: number; before?: number } = {}) {
      const c = await existing(clinicId, lineUserId);
      const limit = q.limit ?? 100;
      const [friend, rows, family, notes, names] = await Promise.all([
        line.friend(clinicId, lineUserId),
        repo.messages(clinicId, lineUserId, limit + 1, q.before ?? null),
        bindingService(deps).familyOf(clinicId, lineUserId),
        repo.notes(clinicId, lineUserId),
        staffNames(clinicId),
      ]);
      const more = rows.length > limit;
      const messages = rows.slice(0, limit).reverse();
      return {
        lineUserId,
        displayName: friend?.display_name ?? '',
        pictureUrl: friend?.picture_url ?? null,
        friendState: friend?.state ?? 'unknown',
        blockedAt: friend?.state === 'blocked' ? friend.blocked_at : null,
        state: c.state,
        waitingReason: c.state === 'waiting' ? c.waiting_reason : null,
        waitingNote: c.state === 'waiting' ? c.waiting_note : null,
        waitingSince: c.state === 'waiting' ? c.unanswered_since : null,
        waitingAppointmentId: c.state === 'waiting' ? c.waiting_appointment_id : null,
        assignee: c.assignee_id ? { id: c.assignee_id, name: names.get(c.assignee_id) ?? '' } : null,
        unread: Number(c.unread_count),
        botPausedUntil: c.bot_paused_until && c.bot_paused_until > nowIso() ? c.bot_paused_until : null,
        freeReplyUntil: freeReplyUntil(c),
        handledAt: c.handled_at,
        handledBy: c.handled_by,
        patients: family.map((p) => ({ id: p.id, hisId: p.hisId, name: p.name })),
        notes: notes.map((n) => ({ id: n.id, body: n.body, author: n.author_label, at: n.created_at })),
        moreBefore: more ? (messages[0]?.id ?? null) : null,
        messages: messages.map((m) => ({
          id: m.id,
          direction: m.direction === 'in' ? ('in' as const) : ('out' as const),
          kind: m.kind,
          text: m.text,
          source: m.source,
          method: m.method,
          at: m.created_at,
          detail: detailOf(m),
        })),
      };
    },

    /**
     * Staff opened the conversation: nothing unread for staff, and — when the channel's read mode
     * is manual — LINE shows the user's messages as read (markAsRead with the newest message's
     * token, once per token). A LINE failure is reported, never thrown: reading must work anyway.
     */
    async markRead(clinicId: string, lineUserId: string) {
      await existing(clinicId, lineUserId);
      const ch = await line.channelOrThrow(clinicId);
      const manual = ch.read_mode === 'manual';
      const token = await repo.markStaffRead(clinicId, lineUserId, nowIso(), manual);
      if (!manual || !token) return { markedOnLine: false };
      try {
        await (await line.clientFor(clinicId)).markAsRead(token);
        return { markedOnLine: true };
      } catch (err) {
        deps.log.warn({ err }, 'LINE markAsRead failed');
        return { markedOnLine: false };
      }
    },

    async assign(clinicId: string, lineUserId: string, assigneeId: string | null, actor: Actor, ip: string) {
      await existing(clinicId, lineUserId);
      if (assigneeId !== null) {
        const names = await staffNames(clinicId);
        if (!names.has(assigneeId))
          throw errors.validation([{ field: 'assigneeId', code: 'unknown', message: '找不到這位工作人員' }]);
      }
      await repo.assign(clinicId, lineUserId, assigneeId, nowIso());
      await audit(
        clinicId,
        actor,
        assigneeId ? 'line.conversation_assigned' : 'line.conversation_unassigned',
        lineUserId,
        ip,
        {
          assigneeId,
        },
      );
      return this.get(clinicId, lineUserId);
    },

    async done(clinicId: string, lineUserId: string, actor: Actor, ip: string) {
      await existing(clinicId, lineUserId);
      await repo.setDone(clinicId, lineUserId, nowIso(), actor.label);
      await audit(clinicId, actor, 'line.conversation_handled', lineUserId, ip);
      return this.get(clinicId, lineUserId);
    },

    /** An internal note: staff only, never sent to the user. */
    async addNote(
      clinicId: string,
      lineUserId: string,
      body: string,
      staff: { id: string; name: string },
      actor: Actor,
      ip: string,
    ) {
      const text = body.trim();
      if (!text) throw errors.validation([{ field: 'body', code: 'required', message: '請輸入備註內容' }]);
      await existing(clinicId, lineUserId);
      const at = nowIso();
      await repo.addNote({
        clinic_id: clinicId,
        line_user_id: lineUserId,
        body: text,
        author_id: staff.id,
        author_label: staff.name,
        created_at: at,
      });
      await repo.touch(clinicId, lineUserId, at);
      await audit(clinicId, actor, 'line.conversation_noted', lineUserId, ip, { chars: text.length });
      return this.get(clinicId, lineUserId);
    },

    /** Stores an image staff will send; LINE fetches it from its public URL. */
    async upload(clinicId: string, body: Buffer | undefined, contentType: string | undefined, actor: Actor) {
      if (!body || body.length === 0) throw new AppError('IMAGE_REQUIRED', 400, '請選擇要傳送的圖片（JPEG 或 PNG）');
      if (body.length > MAX_IMAGE_BYTES)
        throw new AppError('IMAGE_TOO_LARGE', 413, '圖片超過 10 MB，LINE 無法傳送，請縮小後再試');
      const type = sniffImage(body);
      if (!type || (contentType && !contentType.startsWith(type)))
        throw new AppError('IMAGE_TYPE', 415, 'LINE 只能傳送 JPEG 或 PNG 圖片');
      const id = randomBytes(18).toString('base64url');
      await repo.insertUpload({
        id,
        clinic_id: clinicId,
        content_type: type,
        size: body.length,
        data: body,
        created_by: actor.id,
        created_at: nowIso(),
      });
      return { id, url: `${deps.config.publicBaseUrl}/line/media/${id}`, size: body.length, contentType: type };
    },

    /** An uploaded image by its unguessable id (public: LINE and the user's phone fetch it). */
    media: (id: string) => repo.upload(id),

    /** What a user sent (image, video, audio, file), fetched from LINE's content API. */
    async content(clinicId: string, messageId: number) {
      const m = await repo.message(clinicId, messageId);
      if (!m || m.direction !== 'in' || !['image', 'video', 'audio', 'file'].includes(m.kind))
        throw errors.notFound('檔案');
      const lineMessageId = (JSON.parse(m.payload || '{}') as { id?: unknown }).id;
      if (typeof lineMessageId !== 'string') throw errors.notFound('檔案');
      try {
        return await (await line.clientFor(clinicId)).content(lineMessageId);
      } catch (err) {
        deps.log.warn({ err }, 'LINE content fetch failed');
        throw new AppError('LINE_CONTENT_UNAVAILABLE', 502, 'LINE 已無法提供這個檔案（可能已過保存期限）');
      }
    },

    /** Searches every conversation's messages of the clinic, newest first. */
    async search(clinicId: string, q: string, limit: number, offset: number) {
      const text = q.trim();
      if (!text) throw errors.validation([{ field: 'q', code: 'required', message: '請輸入要搜尋的文字' }]);
      const rows = await repo.searchMessages(clinicId, text, limit + 1, offset);
      const users = [...new Set(rows.map((r) => r.line_user_id))];
      const friends = await Promise.all(users.map((u) => line.friend(clinicId, u)));
      const names = new Map(users.map((u, i) => [u, friends[i]?.display_name ?? '']));
      return {
        items: rows.slice(0, limit).map((r) => ({
          messageId: r.id,
          lineUserId: r.line_user_id,
          displayName: names.get(r.line_user_id) ?? '',
          direction: r.direction === 'in' ? ('in' as const) : ('out' as const),
          kind: r.kind,
          text: r.text,
          at: r.created_at,
        })),
        nextOffset: rows.length > limit ? offset + limit : null,
      };
    },

    /** The linked patients' upcoming visits with their lights, and their open requests. */
    async context(clinicId: string, lineUserId: string) {
      await existing(clinicId, lineUserId);
      const family = await bindingService(deps).familyOf(clinicId, lineUserId);
      const since = new Date(deps.clock.now().getTime() - 2 * 3_600_000).toISOString();
      const appts = family.length
        ? await appointmentService(deps).ofPatients(
            clinicId,
            family.map((p) => p.id),
            since,
          )
        : [];
      const upcoming = appts.slice(0, 10);
      const tasks = taskService(deps);
      const requests = (await Promise.all(upcoming.map((a) => tasks.ofAppointment(clinicId, a.id))))
        .flat()
        .filter((t) => t.status === 'open');
      const nameOf = new Map(family.map((p) => [p.id, p.name]));
      return {
        appointments: upcoming.map((a) => ({
          id: a.id,
          patientId: a.patientId,
          patientName: nameOf.get(a.patientId) ?? '',
          startsAt: a.startsAt,
          status: a.status,
          replyStatus: a.replyStatus,
          visitType: a.visitType,
          doctorName: a.doctorName,
        })),
        requests: requests.map((t) => ({
          id: t.id,
          appointmentId: t.appointmentId,
          patientName: nameOf.get(t.patientId) ?? '',
          kind: t.kind,
          createdAt: t.createdAt,
          note: t.details.note ?? null,
          preferredTimes: t.details.preferredTimes ?? [],
        })),
      };
    },

    /** The staff members a conversation may be assigned to. */
    async assignees(clinicId: string) {
      return (await staffService(deps).list(clinicId))
        .filter((s) => s.status === 'active' && (s.role === 'admin' || s.role === 'front_desk'))
        .map((s) => ({ id: s.id, name: s.name || s.email, role: s.role }));
    },

    /**
     * A staff reply (text and/or an image). Sent once per client key: a repeat (double click,
     * a retried request) changes nothing and says how the first went. The user's unused reply
     * token, if fresh, is taken atomically (two staff replying at once: one gets it, the other
     * pushes); a reply LINE refuses falls back to a push. The bot then pauses for the user.
     */
    async send(clinicId: string, lineUserId: string, input: InboxSendInput, actor: Actor, ip: string) {
      await existing(clinicId, lineUserId);
      const text = (input.text ?? '').trim();
      if (!text && !input.imageId && !input.articleId)
        throw errors.validation([{ field: 'text', code: 'required', message: '請輸入訊息、選擇圖片或衛教文章' }]);
      const messages: messagingApi.Message[] = [];
      if (input.imageId) {
        const img = await repo.upload(input.imageId);
        if (!img || img.clinic_id !== clinicId)
          throw errors.validation([{ field: 'imageId', code: 'unknown', message: '找不到這張圖片，請重新上傳' }]);
        let preview = img;
        if (input.previewId) {
          const p = await repo.upload(input.previewId);
          if (!p || p.clinic_id !== clinicId)
            throw errors.validation([{ field: 'previewId', code: 'unknown', message: '找不到預覽圖，請重新上傳' }]);
          preview = p;
        }
        if (Number(preview.size) > MAX_PREVIEW_BYTES)
          throw errors.validation([
            { field: 'previewId', code: 'too_large', message: '圖片超過 1 MB 時需要另附 1 MB 以內的預覽圖' },
          ]);
        const url = (id: string) => `${deps.config.publicBaseUrl}/line/media/${id}`;
        messages.push({ type: 'image', originalContentUrl: url(img.id), previewImageUrl: url(preview.id) });
      }
      if (text) messages.push({ type: 'text', text });
      if (input.articleId) messages.push(await articleOf(clinicId, input.articleId));
      const friend = await line.friend(clinicId, lineUserId);
      if (friend?.state === 'blocked')
        throw errors.conflict('LINE_USER_BLOCKED', '這位使用者已封鎖診所的 LINE 官方帳號，訊息無法送達');
      const ch = await line.channelOrThrow(clinicId);
      const now = deps.clock.now();
      const at = now.toISOString();
      const pausedUntil = new Date(
        now.getTime() + Number(ch.bot_pause_minutes ?? DEFAULT_BOT_PAUSE_MINUTES) * 60_000,
      ).toISOString();
      const freshSince = new Date(now.getTime() - REPLY_TOKEN_FRESH_MS).toISOString();
      const retryKey = retryKeyOf(`staff:${clinicId}:${input.clientKey}`);
      const push = {
        to: lineUserId,
        messages,
        source: 'staff',
        relatedType: 'staff',
        relatedId: actor.id ?? undefined,
      };

      const outcome = await deps.db.transaction().execute(async (trx) => {
        const r = inboxRepository(trx);
        const first = await r.claimSend({
          clinic_id: clinicId,
          client_key: input.clientKey,
          line_user_id: lineUserId,
          method: 'push',
          actor_id: actor.id,
          created_at: at,
        });
        if (!first) return { duplicate: true as const, token: null };
        const token = await r.claimFreshToken(clinicId, lineUserId, freshSince);
        if (!token) await queuePush(trx, deps, clinicId, push, retryKey);
        else await r.setSendMethod(clinicId, input.clientKey, 'reply');
        await r.staffWrote(clinicId, lineUserId, at, pausedUntil);
        await r.setDone(clinicId, lineUserId, at, actor.label);
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'line.conversation_replied',
          entityType: 'line_user',
          entityId: lineUserId,
          ip,
          detail: {
            chars: text.length,
            image: Boolean(input.imageId),
            articleId: input.articleId ?? null,
            method: token ? 'reply' : 'push',
          },
        });
        return { duplicate: false as const, token };
      });
      if (outcome.duplicate) {
        const prior = await repo.send(clinicId, input.clientKey);
        return { method: (prior?.method ?? 'push') as 'reply' | 'push', duplicate: true };
      }
      let method: 'reply' | 'push' = outcome.token ? 'reply' : 'push';
      if (outcome.token) {
        let ok = false;
        try {
          ok = (await line.reply(clinicId, lineUserId, outcome.token, messages, 'staff', { tokenClaimed: true })).ok;
        } catch (err) {
          deps.log.warn({ err }, 'staff reply through the Reply API failed; pushing instead');
        }
        if (!ok) {
          await queuePush(deps.db, deps, clinicId, push, retryKey);
          await repo.setSendMethod(clinicId, input.clientKey, 'push');
          method = 'push';
        }
      }
      wakeWorkers();
      for (const hook of opts.afterStaffReply ?? []) {
        try {
          await hook(deps, clinicId, lineUserId, actor);
        } catch (err) {
          deps.log.warn({ err }, 'afterStaffReply hook failed');
        }
      }
      return { method, duplicate: false };
    },
  };
}

export type InboxService = ReturnType<typeof inboxService>;
