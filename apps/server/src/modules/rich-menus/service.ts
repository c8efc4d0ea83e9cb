// Rich menus: two per clinic — `unbound` (LINE's default menu, for everyone) and `bound`
// (linked to each bound user). Edited here, published through the Messaging API with the
// official SDK; binding/unbinding switches a user's menu in a job (jobs.ts).
import type { messagingApi } from '@line/bot-sdk';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { Type, type Static } from 'typebox';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors, type ErrorDetail } from '../../platform/errors.ts';
import { enqueueJob, jobType } from '../../platform/jobs.ts';
import { describeLineError } from '../../platform/line.ts';
import { liffUrl } from '../line/events.ts';
import { lineService } from '../line/service.ts';
import { defaultMenuImage, imageInfo } from './image.ts';
import { richMenuRepository } from './repository.ts';
import type { MenuAction as MenuActionSchema, MenuArea as MenuAreaSchema, MenuKindParams } from './schemas.ts';

export type MenuKind = Static<typeof MenuKindParams>['kind'];
export type MenuAction = Static<typeof MenuActionSchema>;
export type MenuArea = Static<typeof MenuAreaSchema>;
export type MenuInput = {
  name: string;
  chatBarText: string;
  size: { width: number; height: number };
  areas: MenuArea[];
};

/** Links a newly published bound menu to every bound friend, then deletes the previous menu (jobs.ts runs it). */
export const BULK_LINK_JOB = jobType({
  type: 'richmenu.bulk_link',
  payload: Type.Object({ richMenuId: Type.String(), deletePrevious: Type.Union([Type.String(), Type.Null()]) }),
  defaults: { priority: 'bulk', maxAttempts: 8 },
});

/** Switches one user's menu to the clinic's bound menu, or back to the default (jobs.ts runs it). */
export const USER_MENU_JOB = jobType({
  type: 'richmenu.user',
  payload: Type.Object({
    lineUserId: Type.String(),
    kind: Type.Union([Type.Literal('bound'), Type.Literal('unbound')]),
  }),
  defaults: { priority: 'interactive', maxAttempts: 8 },
});

/**
 * Queues the switch of one user's menu (in the caller's transaction when `db` is one; call
 * wakeWorkers() after the commit so that it happens at once).
 */
export async function queueUserMenu(
  db: Kysely<DB>,
  deps: Deps,
  clinicId: string,
  lineUserId: string,
  kind: MenuKind,
): Promise<void> {
  await enqueueJob(
    db,
    deps.clock,
    USER_MENU_JOB,
    { lineUserId, kind },
    { clinicId, orderingKey: `richmenu-user:${clinicId}:${lineUserId}` },
  );
}
export const MAX_IMAGE_BYTES = 1024 * 1024;

const grid = (cols: number, rows: number, width: number, height: number, actions: MenuAction[]): MenuArea[] =>
  actions.map((action, i) => {
    const c = i % cols;
    const r = Math.floor(i / cols);
    const x = Math.round((c * width) / cols);
    const y = Math.round((r * height) / rows);
    return {
      bounds: {
        x,
        y,
        width: Math.round(((c + 1) * width) / cols) - x,
        height: Math.round(((r + 1) * height) / rows) - y,
      },
      action,
    };
  });

const A = {
  bind: { type: 'liff', page: 'bind', label: '綁定帳號' } as MenuAction,
  appts: { type: 'liff', page: 'appointments', label: '我的預約' } as MenuAction,
  family: { type: 'liff', page: 'family', label: '家人預約' } as MenuAction,
  hours: { type: 'message', text: '門診時間', label: '門診時間' } as MenuAction,
  traffic: { type: 'message', text: '交通資訊', label: '交通資訊' } as MenuAction,
  contact: { type: 'message', text: '聯絡診所', label: '聯絡診所' } as MenuAction,
};

export const TEMPLATES = [
  {
    id: 'unbound-6',
    name: '大型 6 格（未綁定用：綁定、預約、家人、門診時間、交通、聯絡）',
    size: { width: 2500, height: 1686 },
    areas: grid(3, 2, 2500, 1686, [A.bind, A.appts, A.family, A.hours, A.traffic, A.contact]),
  },
  {
    id: 'bound-6',
    name: '大型 6 格（已綁定用：預約、家人、門診時間、交通、聯絡、重新綁定）',
    size: { width: 2500, height: 1686 },
    areas: grid(3, 2, 2500, 1686, [
      A.appts,
      A.family,
      A.hours,
      A.traffic,
      A.contact,
      { ...A.bind, label: '綁定管理' } as MenuAction,
    ]),
  },
  {
    id: 'large-4',
    name: '大型 4 格',
    size: { width: 2500, height: 1686 },
    areas: grid(2, 2, 2500, 1686, [A.appts, A.family, A.hours, A.contact]),
  },
  {
    id: 'compact-3',
    name: '小型 3 格',
    size: { width: 2500, height: 843 },
    areas: grid(3, 1, 2500, 843, [A.appts, A.hours, A.contact]),
  },
];

export function defaultMenu(kind: MenuKind): MenuInput {
  const t = TEMPLATES.find((x) => x.id === (kind === 'unbound' ? 'unbound-6' : 'bound-6'))!;
  return {
    name: kind === 'unbound' ? '未綁定選單' : '已綁定選單',
    chatBarText: kind === 'unbound' ? '開啟選單' : '我的選單',
    size: t.size,
    areas: t.areas,
  };
}

/** LINE's rules for a rich menu, checked before publishing (zh-TW messages). */
export function validateMenu(m: MenuInput): ErrorDetail[] {
  const d: ErrorDetail[] = [];
  const W = m.size.width;
  const H = m.size.height;
  if (W !== 2500 || (H !== 1686 && H !== 843))
    d.push({ field: 'size', code: 'size', message: '尺寸必須是 2500×1686（大型）或 2500×843（小型）' });
  if ([...m.chatBarText].length > 14 || m.chatBarText.trim() === '')
    d.push({ field: 'chatBarText', code: 'length', message: '選單列文字需為 1–14 個字' });
  if ([...m.name].length > 300 || m.name.trim() === '')
    d.push({ field: 'name', code: 'length', message: '名稱需為 1–300 個字' });
  if (m.areas.length < 1 || m.areas.length > 20)
    d.push({ field: 'areas', code: 'count', message: '點擊區域需有 1–20 個' });
  m.areas.forEach((a, i) => {
    const b = a.bounds;
    const f = `areas.${i}`;
    if (b.x < 0 || b.y < 0 || b.width < 1 || b.height < 1 || b.x + b.width > W || b.y + b.height > H)
      d.push({ field: `${f}.bounds`, code: 'bounds', message: `第 ${i + 1} 個區域超出圖片範圍（${W}×${H}）` });
    const act = a.action;
    if ([...act.label].length > 20 || act.label.trim() === '')
      d.push({ field: `${f}.action.label`, code: 'length', message: '按鈕名稱需為 1–20 個字' });
    if (act.type === 'message' && ([...act.text].length > 300 || !act.text.trim()))
      d.push({ field: `${f}.action.text`, code: 'length', message: '傳送文字需為 1–300 個字' });
    if (act.type === 'postback' && (act.data.length > 300 || !act.data))
      d.push({ field: `${f}.action.data`, code: 'length', message: 'postback 資料需為 1–300 個字元' });
    if (act.type === 'postback' && act.displayText !== undefined && [...act.displayText].length > 300)
      d.push({ field: `${f}.action.displayText`, code: 'length', message: '顯示文字最多 300 個字' });
    if (act.type === 'uri' && (!/^(https?:\/\/|tel:|line:\/\/)/.test(act.uri) || act.uri.length > 1000))
      d.push({
        field: `${f}.action.uri`,
        code: 'uri',
        message: '網址需以 https://、http://、tel: 或 line:// 開頭，最多 1000 字元',
      });
  });
  return d;
}

function toView(
  kind: MenuKind,
  m: MenuInput,
  row: {
    image_b64: string | null;
    line_rich_menu_id: string | null;
    published_at: string | null;
    last_error: string | null;
  } | null,
) {
  return {
    kind,
    name: m.name,
    chatBarText: m.chatBarText,
    size: m.size,
    areas: m.areas,
    hasImage: Boolean(row?.image_b64),
    imageUrl: `/api/rich-menus/${kind}/image`,
    lineRichMenuId: row?.line_rich_menu_id ?? null,
    publishedAt: row?.published_at ?? null,
    lastError: row?.last_error ?? null,
  };
}

export function richMenuService(deps: Deps) {
  const db = deps.db;
  const repo = richMenuRepository(db);
  const now = () => deps.clock.now().toISOString();
  const rowOf = (clinicId: string, kind: MenuKind) => repo.get(clinicId, kind);
  const menuOf = (row: Awaited<ReturnType<typeof rowOf>>, kind: MenuKind): MenuInput =>
    row
      ? {
          name: row.name,
          chatBarText: row.chat_bar_text,
          size: { width: Number(row.width), height: Number(row.height) },
          areas: JSON.parse(row.areas) as MenuArea[],
        }
      : defaultMenu(kind);

  async function ensureRow(clinicId: string, kind: MenuKind) {
    const row = await rowOf(clinicId, kind);
    if (row) return row;
    const m = defaultMenu(kind);
    await repo.insertIfMissing({
      clinic_id: clinicId,
      kind,
      name: m.name,
      chat_bar_text: m.chatBarText,
      width: m.size.width,
      height: m.size.height,
      areas: JSON.stringify(m.areas),
      image_b64: null,
      image_type: null,
      line_rich_menu_id: null,
      published_at: null,
      last_error: null,
      updated_at: now(),
    });
    return (await rowOf(clinicId, kind))!;
  }

  const lineError = (err: unknown, what: string) => {
    const e = describeLineError(err);
    return new AppError('LINE_ERROR', 502, `${what}失敗：${e.message}`, [
      { message: e.lineMessage, code: String(e.status ?? 'network') },
    ]);
  };

  return {
    async list(clinicId: string) {
      const items = [];
      for (const kind of ['unbound', 'bound'] as MenuKind[]) {
        const row = await rowOf(clinicId, kind);
        items.push(toView(kind, menuOf(row, kind), row ?? null));
      }
      return { items, templates: TEMPLATES };
    },

    async save(clinicId: string, kind: MenuKind, input: MenuInput, actor: Actor, ip: string) {
      const d = validateMenu(input);
      if (d.length) throw errors.validation(d, '選單內容不符合 LINE 的規定，請檢查標示的欄位');
      const row = await ensureRow(clinicId, kind);
      const sizeChanged = Number(row.width) !== input.size.width || Number(row.height) !== input.size.height;
      await repo.update(clinicId, kind, {
        name: input.name,
        chat_bar_text: input.chatBarText,
        width: input.size.width,
        height: input.size.height,
        areas: JSON.stringify(input.areas),
        updated_at: now(),
        ...(sizeChanged ? { image_b64: null, image_type: null } : {}),
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'richmenu.saved',
        entityType: 'rich_menu',
        entityId: kind,
        ip,
        detail: { areas: input.areas.length, sizeChanged },
      });
      const fresh = await rowOf(clinicId, kind);
      return toView(kind, menuOf(fresh, kind), fresh ?? null);
    },

    async setImage(clinicId: string, kind: MenuKind, body: Buffer | undefined, actor: Actor, ip: string) {
      if (!body || body.length === 0) throw new AppError('IMAGE_REQUIRED', 422, '請上傳 PNG 或 JPEG 圖片');
      if (body.length > MAX_IMAGE_BYTES)
        throw new AppError(
          'IMAGE_TOO_LARGE',
          422,
          `圖片檔案不可超過 1 MB（目前 ${(body.length / 1024 / 1024).toFixed(2)} MB），請壓縮後再上傳`,
        );
      const info = imageInfo(body);
      if (!info) throw new AppError('IMAGE_FORMAT', 422, '無法辨識的圖片格式，只接受 PNG 或 JPEG');
      const row = await ensureRow(clinicId, kind);
      const W = Number(row.width);
      const H = Number(row.height);
      if (info.width !== W || info.height !== H)
        throw new AppError('IMAGE_SIZE', 422, `圖片尺寸必須是 ${W}×${H} 像素，這張是 ${info.width}×${info.height}`, [
          { field: 'image', code: 'size', message: `需要 ${W}×${H}`, width: info.width, height: info.height },
        ]);
      await repo.update(clinicId, kind, {
        image_b64: body.toString('base64'),
        image_type: info.type,
        updated_at: now(),
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'richmenu.image_uploaded',
        entityType: 'rich_menu',
        entityId: kind,
        ip,
        detail: { bytes: body.length, type: info.type },
      });
      const fresh = await rowOf(clinicId, kind);
      return toView(kind, menuOf(fresh, kind), fresh ?? null);
    },

    /** LINE's id of the published menu of this kind, or null when it is not published. */
    async publishedId(clinicId: string, kind: MenuKind): Promise<string | null> {
      return (await rowOf(clinicId, kind))?.line_rich_menu_id ?? null;
    },

    /** The uploaded image, or the generated default for the menu's layout. */
    async image(clinicId: string, kind: MenuKind): Promise<{ type: string; body: Buffer }> {
      const row = await rowOf(clinicId, kind);
      if (row?.image_b64) return { type: row.image_type ?? 'image/png', body: Buffer.from(row.image_b64, 'base64') };
      const m = menuOf(row, kind);
      return {
        type: 'image/png',
        body: defaultMenuImage(
          m.size.width,
          m.size.height,
          m.areas.map((a) => a.bounds),
        ),
      };
    },

    async publish(clinicId: string, kind: MenuKind, actor: Actor, ip: string) {
      const line = lineService(deps);
      const ch = await line.channelOrThrow(clinicId);
      const row = await ensureRow(clinicId, kind);
      const m = menuOf(row, kind);
      const d = validateMenu(m);
      if (d.length) throw errors.validation(d, '選單內容不符合 LINE 的規定，請檢查標示的欄位');
      const client = await line.clientFor(clinicId);
      const img = await this.image(clinicId, kind);
      const toAction = (a: MenuAction): messagingApi.Action => {
        switch (a.type) {
          case 'liff':
            return { type: 'uri', label: a.label, uri: liffUrl(deps, ch, a.page) };
          case 'message':
            return { type: 'message', label: a.label, text: a.text };
          case 'postback':
            return {
              type: 'postback',
              label: a.label,
              data: a.data,
              ...(a.displayText ? { displayText: a.displayText } : {}),
            };
          default:
            return { type: 'uri', label: a.label, uri: a.uri };
        }
      };
      const fail = async (err: unknown, what: string) => {
        const e = lineError(err, what);
        await repo.update(clinicId, kind, { last_error: e.message });
        return e;
      };
      let richMenuId: string;
      try {
        richMenuId = await client.richMenus.create({
          size: m.size,
          selected: false,
          name: m.name,
          chatBarText: m.chatBarText,
          areas: m.areas.map((a) => ({ bounds: a.bounds, action: toAction(a.action) })),
        });
      } catch (err) {
        throw await fail(err, '建立 LINE 圖文選單');
      }
      try {
        await client.richMenus.setImage(richMenuId, new Blob([new Uint8Array(img.body)], { type: img.type }));
        if (kind === 'unbound') await client.richMenus.setDefault(richMenuId);
      } catch (err) {
        await client.richMenus.delete(richMenuId).catch(() => undefined);
        throw await fail(err, kind === 'unbound' ? '上傳選單圖片或設為預設選單' : '上傳選單圖片');
      }
      const previous = row.line_rich_menu_id;
      const at = now();
      await repo.update(clinicId, kind, { line_rich_menu_id: richMenuId, published_at: at, last_error: null });
      if (kind === 'bound') {
        await enqueueJob(db, deps.clock, BULK_LINK_JOB, { richMenuId, deletePrevious: previous }, { clinicId });
      } else if (previous && previous !== richMenuId) {
        await client.richMenus.delete(previous).catch(() => undefined);
      }
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'richmenu.published',
        entityType: 'rich_menu',
        entityId: kind,
        ip,
        detail: { richMenuId, previous },
      });
      const fresh = await rowOf(clinicId, kind);
      return toView(kind, menuOf(fresh, kind), fresh ?? null);
    },
  };
}
