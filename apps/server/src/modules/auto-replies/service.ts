// Canned and keyword replies: clinic-supplied answers sent with the free reply API.
import type { messagingApi } from '@line/bot-sdk';
import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors, type ErrorDetail } from '../../platform/errors.ts';
import type { AutoRepliesTable } from './tables.ts';
import type { AutoReplyBody, ReplyContent as ReplyContentSchema } from './schemas.ts';
import { bestMatch, parseCsv } from './match.ts';
import { autoReplyRepository } from './repository.ts';

type Row = Selectable<AutoRepliesTable>;

export type ReplyContent = Static<typeof ReplyContentSchema>;
export type AutoReplyInput = Static<typeof AutoReplyBody>;

export function toAutoReply(r: Row) {
  return {
    id: r.id,
    name: r.name,
    matchType: r.match_type as 'exact' | 'keyword',
    triggers: JSON.parse(r.triggers) as string[],
    priority: r.priority,
    reply: JSON.parse(r.reply) as ReplyContent,
    enabled: r.enabled === 1,
    hits: r.hits,
    updatedAt: r.updated_at,
  };
}

/** LINE's limits checked before saving, so a reply never fails at send time. */
export function checkReply(reply: ReplyContent, prefix = 'reply'): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  if (reply.type === 'text') {
    if (!reply.text.trim()) out.push({ field: `${prefix}.text`, code: 'required', message: '回覆內容不可空白' });
    if (reply.text.length > 5000)
      out.push({ field: `${prefix}.text`, code: 'maxLength', message: 'LINE 文字訊息最多 5,000 字' });
  } else {
    if (!reply.altText.trim())
      out.push({ field: `${prefix}.altText`, code: 'required', message: '請填寫替代文字（通知中顯示的文字）' });
    if (reply.altText.length > 1500)
      out.push({ field: `${prefix}.altText`, code: 'maxLength', message: '替代文字最多 1,500 字' });
    const t = reply.contents?.type;
    if (t !== 'bubble' && t !== 'carousel')
      out.push({
        field: `${prefix}.contents.type`,
        code: 'enum',
        message: 'Flex 內容的 type 必須是 bubble 或 carousel',
      });
    if (
      t === 'carousel' &&
      (!Array.isArray(reply.contents.contents) ||
        reply.contents.contents.length < 1 ||
        reply.contents.contents.length > 12)
    ) {
      out.push({ field: `${prefix}.contents.contents`, code: 'maxItems', message: 'carousel 需要 1 到 12 個 bubble' });
    }
    if (JSON.stringify(reply.contents).length > 30_000)
      out.push({ field: `${prefix}.contents`, code: 'maxLength', message: 'Flex 內容太大（上限約 30 KB）' });
  }
  return out;
}

function checkInput(input: AutoReplyInput, prefix = ''): ErrorDetail[] {
  const d: ErrorDetail[] = [];
  const triggers = input.triggers.map((s) => s.trim()).filter(Boolean);
  if (triggers.length === 0)
    d.push({ field: `${prefix}triggers`, code: 'minItems', message: '至少需要一個觸發關鍵字' });
  return d.concat(checkReply(input.reply, `${prefix}reply`));
}

export const toLineMessage = (reply: ReplyContent): messagingApi.Message =>
  reply.type === 'text'
    ? { type: 'text', text: reply.text }
    : ({ type: 'flex', altText: reply.altText, contents: reply.contents } as unknown as messagingApi.Message);

export function autoReplyService(deps: Deps) {
  const r = autoReplyRepository(deps.db);
  const now = () => deps.clock.now().toISOString();
  return {
    list: async (clinicId: string) => (await r.list(clinicId)).map(toAutoReply),

    async create(clinicId: string, input: AutoReplyInput, actor: Actor, ip: string) {
      const d = checkInput(input);
      if (d.length) throw errors.validation(d);
      const row: Row = {
        id: newId(),
        clinic_id: clinicId,
        name: input.name.trim(),
        match_type: input.matchType,
        triggers: JSON.stringify(input.triggers.map((s) => s.trim()).filter(Boolean)),
        priority: input.priority ?? 0,
        reply_type: input.reply.type,
        reply: JSON.stringify(input.reply),
        enabled: input.enabled === false ? 0 : 1,
        hits: 0,
        created_at: now(),
        updated_at: now(),
      };
      await r.insert(row);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'auto_reply.created',
        entityType: 'auto_reply',
        entityId: row.id,
        detail: { name: row.name },
        ip,
      });
      return toAutoReply(row);
    },

    async update(clinicId: string, id: string, input: AutoReplyInput, actor: Actor, ip: string) {
      if (!(await r.get(clinicId, id))) throw errors.notFound('自動回覆');
      const d = checkInput(input);
      if (d.length) throw errors.validation(d);
      await r.update(clinicId, id, {
        name: input.name.trim(),
        match_type: input.matchType,
        triggers: JSON.stringify(input.triggers.map((s) => s.trim()).filter(Boolean)),
        priority: input.priority ?? 0,
        reply_type: input.reply.type,
        reply: JSON.stringify(input.reply),
        enabled: input.enabled === false ? 0 : 1,
        updated_at: now(),
      });
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'auto_reply.updated',
        entityType: 'auto_reply',
        entityId: id,
        ip,
      });
      return toAutoReply((await r.get(clinicId, id))!);
    },

    async remove(clinicId: string, id: string, actor: Actor, ip: string) {
      const res = await r.remove(clinicId, id);
      if (Number(res.numDeletedRows) === 0) throw errors.notFound('自動回覆');
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'auto_reply.deleted',
        entityType: 'auto_reply',
        entityId: id,
        ip,
      });
    },

    /** Which reply a patient's text would get (for the editor's preview and for the bot). */
    async match(clinicId: string, text: string) {
      const rows = (await r.enabled(clinicId)).map(toAutoReply);
      const m = bestMatch(rows, text);
      return m ? { reply: m.rule, trigger: m.trigger } : null;
    },

    recordHit: (clinicId: string, id: string) => r.hit(clinicId, id),

    /**
     * CSV import: columns 名稱, 比對方式 (exact/keyword or 完全相同/包含關鍵字), 關鍵字 (separated by |),
     * 優先順序, 回覆內容. The first row is a header. Every bad row is reported; good rows are saved.
     */
    async importCsv(clinicId: string, csv: string, actor: Actor, ip: string) {
      const rows = parseCsv(csv);
      if (rows.length < 2)
        throw errors.validation([{ field: 'csv', code: 'empty', message: 'CSV 沒有資料列（第一列是標題）' }]);
      const results: { row: number; ok: boolean; errors: ErrorDetail[]; id?: string }[] = [];
      for (let i = 1; i < rows.length; i++) {
        const [name = '', mt = '', trig = '', prio = '', text = ''] = rows[i].map((s) => s.trim());
        const matchType = /^(exact|完全相同|完全符合)$/i.test(mt)
          ? 'exact'
          : /^(keyword|包含|包含關鍵字|關鍵字)$/i.test(mt) || mt === ''
            ? 'keyword'
            : null;
        const errs: ErrorDetail[] = [];
        if (!name) errs.push({ field: '名稱', code: 'required', message: '名稱不可空白' });
        if (!matchType)
          errs.push({
            field: '比對方式',
            code: 'enum',
            message: '比對方式需為 keyword（包含關鍵字）或 exact（完全相同）',
          });
        if (prio && !/^-?\d+$/.test(prio)) errs.push({ field: '優先順序', code: 'type', message: '優先順序需為整數' });
        const input: AutoReplyInput = {
          name,
          matchType: matchType ?? 'keyword',
          triggers: trig.split('|'),
          priority: prio ? Number(prio) : 0,
          reply: { type: 'text', text },
        };
        errs.push(...checkInput(input).map((e) => ({ ...e, field: e.field === 'triggers' ? '關鍵字' : '回覆內容' })));
        if (errs.length) {
          results.push({ row: i + 1, ok: false, errors: errs });
          continue;
        }
        const created = await this.create(clinicId, input, actor, ip);
        results.push({ row: i + 1, ok: true, errors: [], id: created.id });
      }
      return {
        imported: results.filter((x) => x.ok).length,
        failed: results.filter((x) => !x.ok).length,
        rows: results,
      };
    },
  };
}
