// 群發 (broadcasts): a message to a saved segment, a tag or every LINE friend of the clinic.
//
// Before sending, an estimate: who gets it on LINE (a bound patient's LINE user who still follows
// the account, each LINE user once), who by SMS (only when the broadcast asks for it, the clinic
// has SMS and the patient a mobile number), who is skipped and why, the LINE message count and
// what it costs (see `estimateOf`).
//
// Sending (jobs `broadcast.start` and `broadcast.chunk`): the start job writes every recipient
// as a row, cuts the LINE recipients into chunks of at most 500 (LINE's multicast limit), each a
// row with its own X-Line-Retry-Key, and one job per chunk; SMS recipients get their text queued
// through the SMS module (purpose `broadcast`), all in one transaction. A chunk job claims its
// recipients' share of the month's non-essential allowance (one conditional UPDATE: parallel
// workers never pass the cap), marks the chunk `sending`, calls multicast with the chunk's key,
// then marks the chunk and its recipients sent and logs one pushed message per recipient (source
// `broadcast`: the quota page's 群發). A worker killed after LINE accepted leaves the chunk
// `sending`; the job runs again with the same key and LINE's 409 counts as accepted, so nothing
// is sent twice. At the cap the broadcast pauses (chunks `held`), a chunk that fits only in part
// is cut in two first; 繼續傳送 resumes it once the month or the cap allows.
//
// Links in text messages go through our redirect (/r/<token>): multicast sends the same
// message to 500 people, so a link cannot name its recipient; a tap is counted once per link and
// phone (a cookie in LINE's in-app browser). Delivered = LINE accepted the chunk.
import { randomBytes, randomUUID } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { enqueueJob, enqueueJobs, jobType, wakeWorkers } from '../../platform/jobs.ts';
import { describeLineError } from '../../platform/line.ts';
import { countSmsSegments } from '../../platform/sms.ts';
import { formatInZone } from '../../platform/time.ts';
import { Type } from 'typebox';
import { bindingsOfPatients } from '../binding/for-patients.ts';
import { articleMessage } from '../care-library/service.ts';
import { clinicService } from '../clinics/service.ts';
import { followingFriendIds, friendStates, searchFriends } from '../line/for-patients.ts';
import { inboxService, MAX_PREVIEW_BYTES } from '../line/inbox.service.ts';
import { queuePush } from '../line/push.ts';
import { lineService } from '../line/service.ts';
import { mergedAwayIds, patientsByIds } from '../patients/service.ts';
import { lineQuota, nonEssentialBudget, pricesOf } from '../reminders/quota.ts';
import { nextSendableAt } from '../reminders/send-window.ts';
import { queueSms, smsAccountOf } from '../sms/service.ts';
import { resolveSegment, resolveTag, segmentName } from '../tags/service.ts';
import {
  broadcastRepository,
  type BroadcastRow,
  type ChunkRow,
  type LinkRow,
  type RecipientRow,
} from './repository.ts';

/** LINE's multicast takes at most 500 user ids per request. */
export const CHUNK_SIZE = 500;
const LOOKUP_BATCH = 1000;

export const STATE_LABELS: Record<string, string> = {
  draft: '草稿',
  scheduled: '已排程',
  sending: '傳送中',
  paused: '已暫停',
  done: '已完成',
  cancelled: '已取消',
};
export const RECIPIENT_LABELS: Record<string, string> = {
  pending: '等待傳送',
  sent: '已送出',
  failed: '失敗',
  blocked: '已封鎖',
  skipped: '略過',
  cancelled: '已取消',
};
export const SKIP_REASONS: Record<string, string> = {
  blocked: '已封鎖診所的 LINE 官方帳號',
  no_channel: '沒有 LINE 好友關係，也沒有可收簡訊的手機',
  merged: '病歷已合併到另一位病患',
  duplicate: '同一個 LINE 帳號已在名單中（家人共用）',
};

export type Audience = { kind: 'segment' | 'tag' | 'all_friends'; id?: string | null };
export type ComposerMessage =
  | { type: 'text'; text: string }
  | { type: 'image'; imageId: string; previewId?: string | null }
  | { type: 'article'; articleId: string };
export type BroadcastInput = {
  title: string;
  audience: Audience;
  messages: ComposerMessage[];
  smsFallback?: boolean;
  smsText?: string;
};

type Planned = {
  patientId: string | null;
  lineUserId: string | null;
  channel: 'line' | 'sms' | 'none';
  reason: string | null;
  phone: string | null;
};

// ---- jobs

/** Starts a broadcast at its time (jobs.ts runs startBroadcast). */
export const BROADCAST_START = jobType({
  type: 'broadcast.start',
  payload: Type.Object({ broadcastId: Type.String() }),
  defaults: { priority: 'normal', maxAttempts: 5 },
});
/** Sends one chunk of at most 500 LINE users (jobs.ts runs sendChunk). */
export const BROADCAST_CHUNK = jobType({
  type: 'broadcast.chunk',
  payload: Type.Object({ broadcastId: Type.String(), chunkNo: Type.Integer() }),
  defaults: { priority: 'normal', maxAttempts: 10 },
});

// ---- the audience

async function audienceOf(deps: Deps, clinicId: string, a: Audience) {
  if (a.kind === 'all_friends')
    return { label: '所有 LINE 好友', patientIds: null, lineUserIds: await followingFriendIds(deps.db, clinicId) };
  if (!a.id) throw errors.validation([{ field: 'audience.id', code: 'required', message: '請選擇分眾或標籤' }]);
  if (a.kind === 'tag') {
    const t = await resolveTag(deps, clinicId, a.id);
    return { label: `標籤：${t.name}`, patientIds: t.ids, lineUserIds: null };
  }
  const name = await segmentName(deps, clinicId, a.id);
  if (name === null) throw errors.notFound('分眾');
  return { label: `分眾：${name}`, patientIds: await resolveSegment(deps, clinicId, a.id), lineUserIds: null };
}

/** Who gets the broadcast and how (see the header); `phone` only for SMS recipients, never stored. */
async function planRecipients(deps: Deps, clinicId: string, a: Audience, smsFallback: boolean) {
  const aud = await audienceOf(deps, clinicId, a);
  const smsConfigured = (await smsAccountOf(deps.db, deps, clinicId)).provider !== 'none';
  const out: Planned[] = [];
  if (aud.lineUserIds) {
    for (const u of aud.lineUserIds)
      out.push({ patientId: null, lineUserId: u, channel: 'line', reason: null, phone: null });
    return { label: aud.label, total: aud.lineUserIds.length, recipients: out, smsConfigured };
  }
  const ids = [...new Set(aud.patientIds)];
  const seen = new Set<string>();
  for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
    const part = ids.slice(i, i + LOOKUP_BATCH);
    const [merged, bindings, records] = await Promise.all([
      mergedAwayIds(deps.db, clinicId, part),
      bindingsOfPatients(deps.db, clinicId, part),
      patientsByIds(deps.db, clinicId, part),
    ]);
    const rec = new Map(records.map((r) => [r.id, r]));
    for (const id of part) {
      if (merged.has(id)) {
        out.push({ patientId: id, lineUserId: null, channel: 'none', reason: 'merged', phone: null });
        continue;
      }
      const bound = bindings.get(id) ?? [];
      const friends = bound.filter((b) => b.state === 'friend');
      const fresh = friends.find((b) => !seen.has(b.lineUserId));
      if (fresh) {
        seen.add(fresh.lineUserId);
        out.push({ patientId: id, lineUserId: fresh.lineUserId, channel: 'line', reason: null, phone: null });
        continue;
      }
      if (friends.length) {
        out.push({
          patientId: id,
          lineUserId: friends[0].lineUserId,
          channel: 'none',
          reason: 'duplicate',
          phone: null,
        });
        continue;
      }
      const p = rec.get(id);
      if (smsFallback && smsConfigured && p?.phoneE164 && p.phoneIsMobile) {
        out.push({ patientId: id, lineUserId: null, channel: 'sms', reason: null, phone: p.phoneE164 });
        continue;
      }
      const blocked = bound.some((b) => b.state === 'blocked');
      out.push({
        patientId: id,
        lineUserId: bound[0]?.lineUserId ?? null,
        channel: 'none',
        reason: blocked ? 'blocked' : 'no_channel',
        phone: null,
      });
    }
  }
  return { label: aud.label, total: ids.length, recipients: out, smsConfigured };
}

/**
 * What the clinic may still send on LINE this month for non-essential messages: the cap's
 * remainder (reminders/quota.ts) less what other running broadcasts claimed and have not sent yet;
 * null = no cap.
 */
async function capBudget(deps: Deps, clinicId: string, exceptId?: string): Promise<number | null> {
  const ne = await nonEssentialBudget(deps, clinicId);
  if (ne === null) return null;
  const repo = broadcastRepository(deps.db);
  let inFlight = 0;
  for (const a of await repo.active(clinicId))
    if (a.id !== exceptId) inFlight += Math.max(0, a.line_reserved - (await repo.sentOnLine(a.id)));
  return Math.max(0, ne - inFlight);
}

const n = (v: number) => v.toLocaleString('en-US');
const ntd = (v: number) => Math.round(v * 100) / 100;

/** The estimate shown before sending (also stored with the broadcast when it is sent). */
export async function estimateOf(
  deps: Deps,
  clinicId: string,
  input: { audience: Audience; messages?: ComposerMessage[]; smsFallback?: boolean; smsText?: string },
) {
  const plan = await planRecipients(deps, clinicId, input.audience, input.smsFallback === true);
  if (plan.total === 0)
    throw new AppError(
      'AUDIENCE_EMPTY',
      422,
      input.audience.kind === 'all_friends'
        ? '目前沒有任何 LINE 好友，無法群發'
        : '這個分眾／標籤目前沒有任何病患，無法群發；請調整條件或選擇其他對象',
      [{ field: 'audience', code: 'empty', message: '對象人數為 0' }],
    );
  const count = (pred: (p: Planned) => boolean) => plan.recipients.filter(pred).length;
  const line = count((p) => p.channel === 'line');
  const sms = count((p) => p.channel === 'sms');
  const skipped = {
    blocked: count((p) => p.reason === 'blocked'),
    noChannel: count((p) => p.reason === 'no_channel'),
    merged: count((p) => p.reason === 'merged'),
    duplicate: count((p) => p.reason === 'duplicate'),
    total: count((p) => p.channel === 'none'),
  };
  const [lq, budget, prices] = await Promise.all([
    lineQuota(deps, clinicId),
    capBudget(deps, clinicId),
    pricesOf(deps, clinicId),
  ]);
  const planLeft = lq.limit === null ? null : Math.max(0, lq.limit - (lq.used ?? 0));
  const bubbles = input.messages?.length ?? 1;
  const withinPlan = planLeft === null ? line : Math.min(line, planLeft);
  const overPlan = line - withinPlan;
  const heldByCap = budget === null ? 0 : Math.max(0, line - budget);
  const seg = countSmsSegments(input.smsText ?? '');
  const smsSegments = input.smsFallback ? seg.segments : 0;
  const smsPoints = sms * smsSegments;
  const smsNtd = prices.smsPoint === null ? null : ntd(smsPoints * prices.smsPoint);
  const formula: string[] = [
    `LINE：${n(line)} 位好友 × 1 則 = ${n(line)} 則` +
      (bubbles > 1 ? `（一次傳送 ${bubbles} 個訊息框，LINE 仍算每人 1 則）` : '') +
      (planLeft === null
        ? '；LINE 方案額度未知或無上限'
        : `；方案本月剩 ${n(planLeft)} 則，方案內不另計費` +
          (overPlan ? `，超出的 ${n(overPlan)} 則依 LINE 加購價計費（未設定單價，不列入金額）` : '')),
  ];
  if (budget !== null)
    formula.push(
      heldByCap
        ? `本月非必要訊息上限剩 ${n(budget)} 則：傳到第 ${n(budget)} 位後群發會暫停，其餘 ${n(heldByCap)} 位等您調整上限後繼續`
        : `本月非必要訊息上限剩 ${n(budget)} 則，足夠這次群發`,
    );
  if (input.smsFallback)
    formula.push(
      !plan.smsConfigured
        ? '簡訊：診所尚未設定簡訊服務，不會改傳簡訊'
        : `簡訊：${n(sms)} 位 × ${smsSegments} 則（${seg.units} 字，每則 ${seg.perSegment} 字）= ${n(smsPoints)} 則` +
            (prices.smsPoint === null
              ? '（未設定簡訊單價，請到「額度與費用 → 單價」填寫）'
              : ` × NT$${prices.smsPoint} = NT$${smsNtd}`),
    );
  return {
    audienceLabel: plan.label,
    total: plan.total,
    line,
    sms,
    skipped,
    lineMessages: line,
    messageBubbles: bubbles,
    quota: { planLimit: lq.limit, planUsed: lq.used, planLeft, capLeft: budget, heldByCap, overPlan },
    smsConfigured: plan.smsConfigured,
    smsSegments,
    smsPoints,
    costNtd: { line: 0, sms: smsNtd, total: smsNtd === null && smsPoints > 0 ? null : ntd(smsNtd ?? 0) },
    formula,
  };
}
export type Estimate = Awaited<ReturnType<typeof estimateOf>>;

// ---- messages

/** The message with every http(s) `uri` of its actions sent through `tracked`. */
function trackUris<T>(value: T, tracked: (url: string) => string): T {
  if (Array.isArray(value)) return value.map((v) => trackUris(v, tracked)) as T;
  if (value && typeof value === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      o[k] = k === 'uri' && typeof v === 'string' && /^https?:\/\//.test(v) ? tracked(v) : trackUris(v, tracked);
    return o as T;
  }
  return value;
}

const URL_RE = /https?:\/\/[^\s<>"'，。、「」（）()【】]+/g;

/**
 * The LINE messages of the composer's messages. With `track`, every link in a text goes through
 * our redirect (a link row each); the test send keeps the links as written.
 */
async function buildLineMessages(
  deps: Deps,
  clinicId: string,
  broadcastId: string,
  messages: ComposerMessage[],
  track: boolean,
): Promise<{ messages: messagingApi.Message[]; links: LinkRow[] }> {
  const base = deps.config.publicBaseUrl;
  const inbox = inboxService(deps);
  const links: LinkRow[] = [];
  const out: messagingApi.Message[] = [];
  const now = deps.clock.now().toISOString();
  // One token per distinct URL: the same link twice (an article's cover and its button) is one link.
  const tokens = new Map<string, string>();
  const tracked = (url: string) => {
    if (!track) return url;
    let token = tokens.get(url);
    if (!token) {
      token = randomBytes(12).toString('base64url');
      tokens.set(url, token);
      links.push({ token, clinic_id: clinicId, broadcast_id: broadcastId, url, label: '', created_at: now });
    }
    return `${base}/r/${token}`;
  };
  for (const [i, m] of messages.entries()) {
    if (m.type === 'text') {
      out.push({ type: 'text', text: m.text.replace(URL_RE, tracked) });
      continue;
    }
    if (m.type === 'article') {
      let flex: messagingApi.FlexMessage;
      try {
        flex = await articleMessage(deps, clinicId, m.articleId);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        throw errors.validation([
          {
            field: `messages.${i}.articleId`,
            code: err.code === 'NOT_FOUND' ? 'unknown' : 'not_published',
            message: err.code === 'NOT_FOUND' ? '找不到這篇衛教文章' : err.message,
          },
        ]);
      }
      out.push(trackUris(flex, tracked));
      continue;
    }
    const img = await inbox.media(m.imageId);
    if (!img || img.clinic_id !== clinicId)
      throw errors.validation([
        { field: `messages.${i}.imageId`, code: 'unknown', message: '找不到這張圖片，請重新上傳' },
      ]);
    let preview = img;
    if (m.previewId) {
      const p = await inbox.media(m.previewId);
      if (!p || p.clinic_id !== clinicId)
        throw errors.validation([
          { field: `messages.${i}.previewId`, code: 'unknown', message: '找不到預覽圖，請重新上傳' },
        ]);
      preview = p;
    }
    if (Number(preview.size) > MAX_PREVIEW_BYTES)
      throw errors.validation([
        { field: `messages.${i}.previewId`, code: 'too_large', message: '圖片超過 1 MB 時需要另附 1 MB 以內的預覽圖' },
      ]);
    out.push({
      type: 'image',
      originalContentUrl: `${base}/line/media/${img.id}`,
      previewImageUrl: `${base}/line/media/${preview.id}`,
    });
  }
  return { messages: out, links };
}

function checkInput(input: BroadcastInput) {
  const problems = [];
  if (!input.title.trim()) problems.push({ field: 'title', code: 'required', message: '請填寫群發名稱' });
  if (input.smsFallback && !input.smsText?.trim())
    problems.push({ field: 'smsText', code: 'required', message: '改傳簡訊時請填寫簡訊內容' });
  if (input.audience.kind !== 'all_friends' && !input.audience.id)
    problems.push({ field: 'audience.id', code: 'required', message: '請選擇分眾或標籤' });
  if (problems.length) throw errors.validation(problems);
}

// ---- views

type Counts = Record<string, number>;
function tally(rows: { channel: string; status: string; n: number | string | bigint }[]) {
  const line: Counts = {};
  const sms: Counts = {};
  let skipped = 0;
  let total = 0;
  for (const r of rows) {
    const v = Number(r.n);
    total += v;
    if (r.channel === 'line') line[r.status] = (line[r.status] ?? 0) + v;
    else if (r.channel === 'sms') sms[r.status] = (sms[r.status] ?? 0) + v;
    else skipped += v;
  }
  const lineTotal = Object.values(line).reduce((a, b) => a + b, 0);
  return {
    total,
    line: lineTotal,
    sent: line.sent ?? 0,
    pending: line.pending ?? 0,
    failed: line.failed ?? 0,
    blocked: line.blocked ?? 0,
    cancelled: line.cancelled ?? 0,
    sms: Object.values(sms).reduce((a, b) => a + b, 0),
    skipped,
  };
}

function summaryOf(b: BroadcastRow, counts: ReturnType<typeof tally>, clicked: number, timeZone: string) {
  return {
    id: b.id,
    title: b.title,
    audienceKind: b.audience_kind as Audience['kind'],
    audienceId: b.audience_id,
    audienceLabel: b.audience_label,
    state: b.state as keyof typeof STATE_LABELS,
    stateLabel: STATE_LABELS[b.state] ?? b.state,
    pausedReason: b.paused_reason,
    requestedAt: b.requested_at,
    sendAt: b.send_at,
    sendAtText: b.send_at ? formatInZone(b.send_at, timeZone) : null,
    startedAt: b.started_at,
    finishedAt: b.finished_at,
    createdBy: b.created_by,
    sentBy: b.sent_by,
    createdAt: b.created_at,
    counts: { ...counts, delivered: counts.sent, clicked },
  };
}

// ---- the service of the routes

export function broadcastService(deps: Deps) {
  const db = deps.db;
  const repo = broadcastRepository(db);
  const now = () => deps.clock.now().toISOString();
  const tz = async (clinicId: string) => (await clinicService(deps).get(clinicId)).timeZone;
  const audit = (
    clinicId: string,
    actor: Actor,
    action: string,
    id: string,
    ip: string,
    detail: Record<string, unknown> = {},
  ) => recordAudit(db, deps.clock, { clinicId, actor, action, entityType: 'broadcast', entityId: id, detail, ip });
  const getRow = async (clinicId: string, id: string) => {
    const b = await repo.get(clinicId, id);
    if (!b) throw errors.notFound('群發');
    return b;
  };
  const wrongState = (b: BroadcastRow, what: string) =>
    errors.conflict('BROADCAST_STATE', `這則群發目前是「${STATE_LABELS[b.state] ?? b.state}」，無法${what}`);

  return {
    estimate: (clinicId: string, input: Parameters<typeof estimateOf>[2]) => estimateOf(deps, clinicId, input),

    async list(clinicId: string, page: number, pageSize: number) {
      const rows = await repo.list(clinicId, pageSize, (page - 1) * pageSize);
      const ids = rows.map((r) => r.id);
      const [counts, clicks, timeZone] = await Promise.all([repo.countsOf(ids), repo.clickersOf(ids), tz(clinicId)]);
      return {
        items: rows.map((b) =>
          summaryOf(
            b,
            tally(counts.filter((c) => c.broadcast_id === b.id)),
            Number(clicks.find((c) => c.broadcast_id === b.id)?.n ?? 0),
            timeZone,
          ),
        ),
      };
    },

    async get(clinicId: string, id: string) {
      const b = await getRow(clinicId, id);
      const [counts, chunks, links, clicks, clickers, timeZone] = await Promise.all([
        repo.counts(id),
        repo.chunkCounts(id),
        repo.links(clinicId, id),
        repo.clicksByLink(id),
        repo.clickersOf([id]),
        tz(clinicId),
      ]);
      const c = tally(counts);
      return {
        ...summaryOf(b, c, Number(clickers[0]?.n ?? 0), timeZone),
        messages: JSON.parse(b.messages) as ComposerMessage[],
        smsFallback: b.sms_fallback === 1,
        smsText: b.sms_text,
        estimate: b.estimate ? (JSON.parse(b.estimate) as Estimate) : null,
        chunks: Object.fromEntries(chunks.map((x) => [x.status, Number(x.n)])) as Record<string, number>,
        progress: c.line ? Math.round(((c.line - c.pending) / c.line) * 1000) / 10 : b.state === 'done' ? 100 : 0,
        links: links.map((l) => ({
          token: l.token,
          url: l.url,
          clicks: Number(clicks.find((x) => x.token === l.token)?.n ?? 0),
        })),
      };
    },

    async create(clinicId: string, input: BroadcastInput, actor: Actor, ip: string) {
      checkInput(input);
      const id = newId();
      await buildLineMessages(deps, clinicId, id, input.messages, false); // the images exist
      const label = (await audienceOf(deps, clinicId, input.audience)).label;
      const at = now();
      await repo.insert({
        id,
        clinic_id: clinicId,
        title: input.title.trim(),
        audience_kind: input.audience.kind,
        audience_id: input.audience.kind === 'all_friends' ? null : (input.audience.id ?? null),
        audience_label: label,
        messages: JSON.stringify(input.messages),
        line_messages: null,
        sms_fallback: input.smsFallback ? 1 : 0,
        sms_text: input.smsText ?? '',
        state: 'draft',
        requested_at: null,
        send_at: null,
        started_at: null,
        finished_at: null,
        paused_reason: null,
        line_budget: null,
        line_reserved: 0,
        resumes: 0,
        estimate: null,
        created_by: actor.label,
        sent_by: null,
        created_at: at,
        updated_at: at,
      });
      await audit(clinicId, actor, 'broadcast.created', id, ip, { title: input.title, audience: label });
      return this.get(clinicId, id);
    },

    async update(clinicId: string, id: string, input: BroadcastInput, actor: Actor, ip: string) {
      const b = await getRow(clinicId, id);
      if (b.state !== 'draft' && b.state !== 'scheduled') throw wrongState(b, '修改');
      checkInput(input);
      await buildLineMessages(deps, clinicId, id, input.messages, false);
      const label = (await audienceOf(deps, clinicId, input.audience)).label;
      const ok = await repo.update(
        clinicId,
        id,
        {
          title: input.title.trim(),
          audience_kind: input.audience.kind,
          audience_id: input.audience.kind === 'all_friends' ? null : (input.audience.id ?? null),
          audience_label: label,
          messages: JSON.stringify(input.messages),
          sms_fallback: input.smsFallback ? 1 : 0,
          sms_text: input.smsText ?? '',
          updated_at: now(),
        },
        ['draft', 'scheduled'],
      );
      if (!ok) throw wrongState(await getRow(clinicId, id), '修改');
      await audit(clinicId, actor, 'broadcast.updated', id, ip, { title: input.title, audience: label });
      return this.get(clinicId, id);
    },

    async remove(clinicId: string, id: string, actor: Actor, ip: string) {
      const b = await getRow(clinicId, id);
      if (!(await repo.remove(clinicId, id))) throw wrongState(b, '刪除（只有草稿可以刪除）');
      await audit(clinicId, actor, 'broadcast.deleted', id, ip, { title: b.title });
    },

    /**
     * Sends now (`sendAt` null) or at a time; a time inside the clinic's quiet hours moves to
     * their end (send-window.ts), one in the past is refused.
     */
    async send(clinicId: string, id: string, sendAt: string | null, actor: Actor, ip: string) {
      const b = await getRow(clinicId, id);
      if (b.state !== 'draft') throw wrongState(b, '排程或傳送');
      const nowD = deps.clock.now();
      let at = nowD;
      if (sendAt !== null) {
        const t = Date.parse(sendAt);
        if (Number.isNaN(t))
          throw errors.validation([{ field: 'sendAt', code: 'format', message: '請輸入正確的日期時間' }]);
        if (t < nowD.getTime() - 60_000)
          throw new AppError('SEND_AT_PAST', 422, '排程時間已經過了，請選擇未來的時間，或選「立即傳送」', [
            { field: 'sendAt', code: 'past', message: '排程時間已經過了' },
          ]);
        at = new Date(Math.max(t, nowD.getTime()));
      }
      const input = JSON.parse(b.messages) as ComposerMessage[];
      const audience: Audience = { kind: b.audience_kind as Audience['kind'], id: b.audience_id };
      const est = await estimateOf(deps, clinicId, {
        audience,
        messages: input,
        smsFallback: b.sms_fallback === 1,
        smsText: b.sms_text,
      });
      if (est.line + est.sms === 0)
        throw new AppError('NO_REACHABLE_RECIPIENT', 422, '這些對象都無法以 LINE 或簡訊聯絡，沒有可以傳送的人', [
          { field: 'audience', code: 'unreachable', message: '可傳送人數為 0' },
        ]);
      await buildLineMessages(deps, clinicId, id, input, false);
      const due = await nextSendableAt(deps, clinicId, at);
      const moved = due.getTime() !== at.getTime();
      const ok = await db.transaction().execute(async (trx) => {
        const r = broadcastRepository(trx);
        const done = await r.update(
          clinicId,
          id,
          {
            state: 'scheduled',
            requested_at: at.toISOString(),
            send_at: due.toISOString(),
            estimate: JSON.stringify(est),
            sent_by: actor.label,
            updated_at: now(),
          },
          ['draft'],
        );
        if (done)
          await enqueueJob(
            trx,
            deps.clock,
            BROADCAST_START,
            { broadcastId: id },
            { clinicId, runAt: due, idempotencyKey: `broadcast-start:${id}` },
          );
        return done;
      });
      if (!ok) throw wrongState(await getRow(clinicId, id), '排程或傳送');
      wakeWorkers();
      await audit(clinicId, actor, sendAt === null ? 'broadcast.sent' : 'broadcast.scheduled', id, ip, {
        title: b.title,
        sendAt: due.toISOString(),
        movedForQuietHours: moved,
        lineRecipients: est.line,
        smsRecipients: est.sms,
      });
      return { ...(await this.get(clinicId, id)), movedForQuietHours: moved };
    },

    /**
     * Cancels a scheduled broadcast, or stops one that is sending or paused: chunks not yet
     * handed to LINE are cancelled; what LINE accepted stays sent.
     */
    async cancel(clinicId: string, id: string, actor: Actor, ip: string) {
      const b = await getRow(clinicId, id);
      if (!['scheduled', 'sending', 'paused'].includes(b.state)) throw wrongState(b, '取消');
      const at = now();
      const stopped = await db.transaction().execute(async (trx) => {
        const r = broadcastRepository(trx);
        if (
          !(await r.update(clinicId, id, { state: 'cancelled', finished_at: at, paused_reason: null, updated_at: at }, [
            b.state,
          ]))
        )
          return null;
        const nos = [...(await r.chunkNos(id, 'pending')), ...(await r.chunkNos(id, 'held'))];
        await r.setChunks(id, ['pending', 'held'], { status: 'cancelled', updated_at: at });
        let n = 0;
        for (const no of nos)
          n += await r.setChunkRecipients(id, no, ['pending'], { status: 'cancelled', updated_at: at });
        return n;
      });
      if (stopped === null) throw wrongState(await getRow(clinicId, id), '取消');
      await audit(clinicId, actor, 'broadcast.cancelled', id, ip, { title: b.title, stopped, fromState: b.state });
      return this.get(clinicId, id);
    },

    /** Resumes a broadcast paused at the cap, when the month's allowance has room again. */
    async resume(clinicId: string, id: string, actor: Actor, ip: string) {
      const b = await getRow(clinicId, id);
      if (b.state !== 'paused') throw wrongState(b, '繼續傳送');
      const sent = await repo.sentOnLine(id);
      const others = await capBudget(deps, clinicId, id);
      const unsent = Math.max(0, b.line_reserved - sent);
      const budget = others === null ? null : b.line_reserved + Math.max(0, others - unsent);
      if (budget !== null && budget <= b.line_reserved)
        throw new AppError(
          'OVER_CAP',
          422,
          '本月非必要訊息的額度仍然用完了：請到「提醒規則」調高每月上限，或等下個月再繼續傳送',
        );
      const at = now();
      const resumes = b.resumes + 1;
      const ok = await db.transaction().execute(async (trx) => {
        const r = broadcastRepository(trx);
        if (
          !(await r.update(
            clinicId,
            id,
            { state: 'sending', paused_reason: null, line_budget: budget, resumes, updated_at: at },
            ['paused'],
          ))
        )
          return false;
        const nos = await r.chunkNos(id, 'held');
        await r.setChunks(id, ['held'], { status: 'pending', updated_at: at });
        await enqueueJobs(
          trx,
          deps.clock,
          BROADCAST_CHUNK,
          nos.map((chunkNo) => ({
            payload: { broadcastId: id, chunkNo },
            opts: { clinicId, idempotencyKey: `broadcast:${id}:${chunkNo}:${resumes}` },
          })),
        );
        return true;
      });
      if (!ok) throw wrongState(await getRow(clinicId, id), '繼續傳送');
      wakeWorkers();
      await audit(clinicId, actor, 'broadcast.resumed', id, ip, { title: b.title });
      return this.get(clinicId, id);
    },

    /** Sends the broadcast's messages to one LINE friend (a staff member's own LINE, say) as a test. */
    async test(clinicId: string, id: string, lineUserId: string, actor: Actor, ip: string) {
      const b = await getRow(clinicId, id);
      const state = (await friendStates(db, clinicId, [lineUserId])).get(lineUserId);
      if (state?.state !== 'friend')
        throw errors.validation([
          {
            field: 'lineUserId',
            code: 'not_friend',
            message: '這個 LINE 使用者不是診所官方帳號的好友，無法傳送測試訊息',
          },
        ]);
      const { messages } = await buildLineMessages(
        deps,
        clinicId,
        id,
        JSON.parse(b.messages) as ComposerMessage[],
        false,
      );
      await queuePush(db, deps, clinicId, {
        to: lineUserId,
        messages,
        source: 'broadcast.test',
        relatedType: 'broadcast',
        relatedId: id,
      });
      await audit(clinicId, actor, 'broadcast.test_sent', id, ip, { title: b.title, testTo: state.displayName });
      return { ok: true, to: state.displayName };
    },

    async recipients(clinicId: string, id: string, f: { status?: string; page: number; pageSize: number }) {
      await getRow(clinicId, id);
      const rows = await repo.recipientsPage(id, {
        status: f.status,
        limit: f.pageSize,
        offset: (f.page - 1) * f.pageSize,
      });
      const [patients, friends] = await Promise.all([
        patientsByIds(
          db,
          clinicId,
          rows.flatMap((r) => (r.patient_id ? [r.patient_id] : [])),
        ),
        friendStates(
          db,
          clinicId,
          rows.flatMap((r) => (r.line_user_id ? [r.line_user_id] : [])),
        ),
      ]);
      const p = new Map(patients.map((x) => [x.id, x]));
      return {
        items: rows.map((r) => ({
          seq: r.seq,
          patientId: r.patient_id,
          patientName: r.patient_id ? (p.get(r.patient_id)?.name ?? null) : null,
          chartNo: r.patient_id ? (p.get(r.patient_id)?.chartNo ?? null) : null,
          lineName: r.line_user_id ? (friends.get(r.line_user_id)?.displayName ?? null) : null,
          channel: r.channel as 'line' | 'sms' | 'none',
          status: r.status,
          statusLabel: RECIPIENT_LABELS[r.status] ?? r.status,
          reason: r.reason,
          reasonLabel: r.reason ? (SKIP_REASONS[r.reason] ?? r.reason) : null,
          updatedAt: r.updated_at,
        })),
      };
    },

    friends: async (clinicId: string, q: string | undefined) => ({ items: await searchFriends(db, clinicId, q, 20) }),

    upload: (clinicId: string, body: Buffer | undefined, contentType: string | undefined, actor: Actor) =>
      inboxService(deps).upload(clinicId, body, contentType, actor),

    /** A tap on a tracked link: counted once per link and visitor; returns where to go. */
    async click(token: string, visitor: string): Promise<string | null> {
      const l = await repo.link(token);
      if (!l) return null;
      await repo.addClick({ token, visitor, broadcast_id: l.broadcast_id, clicked_at: now() });
      return l.url;
    },
  };
}

// ---- sending

/**
 * The care library's ArticleUsage hook (app.ts): drafts and scheduled broadcasts that would send
 * this article, by name; the library then refuses to delete or unpublish it.
 */
export async function broadcastsUsingArticle(deps: Deps, clinicId: string, articleId: string): Promise<string[]> {
  return (await broadcastRepository(deps.db).unsentNaming(clinicId, articleId))
    .filter((b) =>
      (JSON.parse(b.messages) as ComposerMessage[]).some((m) => m.type === 'article' && m.articleId === articleId),
    )
    .map((b) => `群發「${b.title}」`);
}

/** The `broadcast.start` job: every recipient a row, the chunks and their jobs, SMS queued. */
export async function startBroadcast(deps: Deps, clinicId: string, id: string): Promise<void> {
  const repo = broadcastRepository(deps.db);
  const b = await repo.get(clinicId, id);
  if (!b || b.state !== 'scheduled') return;
  const input = JSON.parse(b.messages) as ComposerMessage[];
  const plan = await planRecipients(
    deps,
    clinicId,
    { kind: b.audience_kind as Audience['kind'], id: b.audience_id },
    b.sms_fallback === 1,
  );
  const budget = await capBudget(deps, clinicId, id);
  const at = deps.clock.now().toISOString();
  let built: Awaited<ReturnType<typeof buildLineMessages>>;
  try {
    built = await buildLineMessages(deps, clinicId, id, input, true);
  } catch (err) {
    // An image or article that went away since it was scheduled: nothing is sent, and staff see why.
    if (!(err instanceof AppError)) throw err;
    const why = err.details[0]?.message ?? err.message;
    await repo.update(
      clinicId,
      id,
      { state: 'cancelled', finished_at: at, paused_reason: `群發未開始：${why}`, updated_at: at },
      ['scheduled'],
    );
    return;
  }
  const rows: RecipientRow[] = [];
  const chunks: ChunkRow[] = [];
  let lineIndex = 0;
  const sms: { seq: number; phone: string }[] = [];
  for (const [seq, p] of plan.recipients.entries()) {
    let chunkNo: number | null = null;
    if (p.channel === 'line') {
      chunkNo = Math.floor(lineIndex / CHUNK_SIZE);
      if (lineIndex % CHUNK_SIZE === 0)
        chunks.push({
          broadcast_id: id,
          chunk_no: chunkNo,
          clinic_id: clinicId,
          retry_key: randomUUID(),
          size: 0,
          status: 'pending',
          attempts: 0,
          error: null,
          sent_at: null,
          updated_at: at,
        });
      chunks[chunkNo].size++;
      lineIndex++;
    }
    if (p.channel === 'sms' && p.phone) sms.push({ seq, phone: p.phone });
    rows.push({
      broadcast_id: id,
      seq,
      clinic_id: clinicId,
      patient_id: p.patientId,
      line_user_id: p.lineUserId,
      channel: p.channel,
      status: p.channel === 'none' ? 'skipped' : 'pending',
      reason: p.reason,
      chunk_no: chunkNo,
      sms_id: null,
      updated_at: at,
    });
  }
  const started = await deps.db.transaction().execute(async (trx) => {
    const r = broadcastRepository(trx);
    const state = chunks.length ? 'sending' : 'done';
    const ok = await r.update(
      clinicId,
      id,
      {
        state,
        started_at: at,
        finished_at: chunks.length ? null : at,
        line_messages: JSON.stringify(built.messages),
        line_budget: budget,
        line_reserved: 0,
        updated_at: at,
      },
      ['scheduled'],
    );
    if (!ok) return false;
    await r.insertLinks(built.links);
    for (const s of sms) {
      const q = await queueSms(trx, deps, {
        clinicId,
        to: s.phone,
        text: b.sms_text,
        purpose: 'broadcast',
        relatedType: 'broadcast',
        relatedId: id,
      });
      rows[s.seq].sms_id = q.id;
      rows[s.seq].status = 'sent';
    }
    await r.insertRecipients(rows);
    await r.insertChunks(chunks);
    await enqueueJobs(
      trx,
      deps.clock,
      BROADCAST_CHUNK,
      chunks.map((c) => ({
        payload: { broadcastId: id, chunkNo: c.chunk_no },
        opts: { clinicId, idempotencyKey: `broadcast:${id}:${c.chunk_no}:0` },
      })),
    );
    return true;
  });
  if (started) wakeWorkers();
}

const capReason = (budget: number | null) =>
  `已達本月非必要訊息上限${budget === null ? '' : `（這次群發可用 ${budget.toLocaleString('en-US')} 則）`}，` +
  '群發已暫停：已送出的不會重送；調高「提醒規則」的每月上限或到下個月後，按「繼續傳送」送出其餘的人。';
const LINE_LIMIT_REASON =
  'LINE 回應本月訊息額度已用完，群發已暫停：已送出的不會重送；LINE 方案升級或下個月後，按「繼續傳送」送出其餘的人。';

/** A broadcast with no chunk left to run ends: done, or paused when chunks wait for the cap. */
async function settle(deps: Deps, clinicId: string, id: string) {
  const repo = broadcastRepository(deps.db);
  const counts = Object.fromEntries((await repo.chunkCounts(id)).map((c) => [c.status, Number(c.n)]));
  if ((counts.pending ?? 0) + (counts.sending ?? 0) > 0) return;
  const at = deps.clock.now().toISOString();
  if (counts.held) await repo.update(clinicId, id, { state: 'paused', updated_at: at }, ['sending']);
  else await repo.update(clinicId, id, { state: 'done', finished_at: at, updated_at: at }, ['sending']);
}

/** The `broadcast.chunk` job: claims the chunk's share of the allowance, multicasts, records. */
export async function sendChunk(deps: Deps, clinicId: string, id: string, chunkNo: number): Promise<void> {
  const repo = broadcastRepository(deps.db);
  const b = await repo.get(clinicId, id);
  const c = b && (await repo.chunk(id, chunkNo));
  if (!b || !c) return;
  const at = () => deps.clock.now().toISOString();
  /** The recipients this call just claimed (the chunk's pending ones, read again on a retry). */
  let claimed: { seq: number; line_user_id: string | null }[] | null = null;
  if (c.status === 'pending') {
    if (b.state === 'cancelled') {
      await repo.setChunk(id, chunkNo, ['pending'], { status: 'cancelled', updated_at: at() });
      await repo.setChunkRecipients(id, chunkNo, ['pending'], { status: 'cancelled', updated_at: at() });
      return;
    }
    if (b.state !== 'sending') {
      await repo.setChunk(id, chunkNo, ['pending'], { status: 'held', updated_at: at() });
      return settle(deps, clinicId, id);
    }
    const pending = await repo.chunkRecipients(id, chunkNo, 'pending');
    const states = await friendStates(
      deps.db,
      clinicId,
      pending.map((r) => r.line_user_id!),
    );
    const blocked = pending.filter((r) => states.get(r.line_user_id!)?.state === 'blocked');
    const to = pending.filter((r) => states.get(r.line_user_id!)?.state !== 'blocked');
    const go = await deps.db.transaction().execute(async (trx): Promise<number | false> => {
      const r = broadcastRepository(trx);
      const claim = async (patch: Partial<ChunkRow>) => {
        if (!(await r.setChunk(id, chunkNo, ['pending'], { ...patch, updated_at: at() })))
          throw new Error(`broadcast ${id} chunk ${chunkNo} was claimed by another worker`);
      };
      if (blocked.length)
        await r.setRecipients(
          id,
          blocked.map((x) => x.seq),
          { status: 'blocked', reason: 'blocked', updated_at: at() },
        );
      if (to.length === 0) {
        await claim({ status: 'sent', size: 0, sent_at: at() });
        return false;
      }
      if (await r.reserve(id, to.length)) {
        await claim({ status: 'sending', size: to.length });
        return to.length;
      }
      const fresh = (await r.get(clinicId, id))!;
      const left = fresh.line_budget === null ? 0 : fresh.line_budget - fresh.line_reserved;
      await r.update(clinicId, id, { state: 'paused', paused_reason: capReason(fresh.line_budget), updated_at: at() }, [
        'sending',
      ]);
      if (left > 0 && (await r.reserve(id, left))) {
        // Cut the chunk: the part that fits goes now, the rest waits as a chunk of its own.
        const rest = (await r.maxChunkNo(id)) + 1;
        await r.moveTail(id, chunkNo, to[left].seq, rest);
        await r.insertChunks([
          { ...c, chunk_no: rest, retry_key: randomUUID(), size: to.length - left, status: 'held', updated_at: at() },
        ]);
        await claim({ status: 'sending', size: left });
        return left;
      }
      await claim({ status: 'held' });
      return false;
    });
    if (go === false) return settle(deps, clinicId, id);
    claimed = to.slice(0, go);
  } else if (c.status !== 'sending') return;

  // The chunk is `sending`: its recipients still pending are exactly those of the first attempt.
  const to = claimed ?? (await repo.chunkRecipients(id, chunkNo, 'pending'));
  const chunk = c;
  const messages = JSON.parse(b.line_messages ?? '[]') as messagingApi.Message[];
  if (to.length) {
    try {
      const client = await lineService(deps).clientFor(clinicId);
      await client.multicast(
        to.map((r) => r.line_user_id!),
        messages,
        chunk.retry_key,
      );
    } catch (err) {
      const e = describeLineError(err);
      if (e.status === 409) {
        // LINE accepted this key before (an earlier attempt whose answer was lost): sent.
      } else if (e.status === 429 && /monthly limit/i.test(e.lineMessage)) {
        await deps.db.transaction().execute(async (trx) => {
          const r = broadcastRepository(trx);
          if (!(await r.setChunk(id, chunkNo, ['sending'], { status: 'held', error: e.lineMessage, updated_at: at() })))
            return;
          await r.release(id, to.length);
          await r.update(clinicId, id, { state: 'paused', paused_reason: LINE_LIMIT_REASON, updated_at: at() }, [
            'sending',
          ]);
        });
        return settle(deps, clinicId, id);
      } else if (e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 429) {
        await deps.db.transaction().execute(async (trx) => {
          const r = broadcastRepository(trx);
          if (
            !(await r.setChunk(id, chunkNo, ['sending'], { status: 'failed', error: e.lineMessage, updated_at: at() }))
          )
            return;
          await r.release(id, to.length);
          await r.setChunkRecipients(id, chunkNo, ['pending'], {
            status: 'failed',
            reason: e.message.slice(0, 200),
            updated_at: at(),
          });
        });
        return settle(deps, clinicId, id);
      } else {
        await repo.setChunk(id, chunkNo, ['sending'], {
          attempts: chunk.attempts + 1,
          error: e.lineMessage.slice(0, 500),
          updated_at: at(),
        });
        throw err; // retried by the job with the same retry key
      }
    }
  }
  await deps.db.transaction().execute(async (trx) => {
    const r = broadcastRepository(trx);
    if (!(await r.setChunk(id, chunkNo, ['sending'], { status: 'sent', sent_at: at(), error: null, updated_at: at() })))
      return;
    await r.setChunkRecipients(id, chunkNo, ['pending'], { status: 'sent', updated_at: at() });
    const first = messages[0];
    const text = messages
      .map((m) => (m.type === 'text' ? m.text : m.type === 'image' ? '[圖片]' : `[${m.type}]`))
      .join('\n')
      .slice(0, 500);
    // One logged push per recipient: LINE counts a multicast once per recipient, however many bubbles.
    await lineService({ ...deps, db: trx }).logOutgoingBatch(
      to.map((x) => ({
        clinicId,
        lineUserId: x.line_user_id!,
        kind: first?.type ?? 'text',
        text,
        payload: { broadcastId: id, messages: messages.length },
        source: 'broadcast',
        method: 'push' as const,
        relatedType: 'broadcast',
        relatedId: id,
      })),
    );
  });
  await settle(deps, clinicId, id);
}
