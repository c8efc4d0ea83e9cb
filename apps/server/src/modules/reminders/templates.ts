// Reminder Flex templates: editable text with variables, branding, and the three
// answer buttons whose postbacks carry a signed, expiring token (never raw ids). LINE's limits
// are checked before a template is saved by rendering it with long sample values.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import type { Crypto } from '../../platform/crypto.ts';
import { safeEqual } from '../../platform/crypto.ts';
import { WEEKDAY_ZH, visitDateText, weekdayOf, type DateStyle } from '../../platform/time.ts';

export type TemplateBody = {
  altText: string;
  title: string;
  body: string;
  brandColor: string;
  logoUrl: string | null;
  buttons: { confirm: boolean; cancel: boolean; reschedule: boolean; map: boolean };
  labels: { confirm: string; cancel: string; reschedule: string; map: string };
  /** How {date} reads (platform/time.ts visitDateText); {weekday} is apart. */
  dateStyle: DateStyle;
};

export type Template = {
  id: string;
  name: string;
  body: TemplateBody;
  builtIn: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
};

export const VARIABLES = [
  'patientName',
  'doctorName',
  'date',
  'weekday',
  'time',
  'clinicName',
  'clinicAddress',
  'clinicPhone',
  'mapUrl',
  'preparation',
] as const;
export type Variable = (typeof VARIABLES)[number];
export type Vars = Record<Variable, string>;

/** What each variable holds, for people (the editor's chips and the unknown-variable message). */
export const VARIABLE_LABELS: Record<Variable, string> = {
  patientName: '病患姓名',
  doctorName: '醫師',
  date: '看診日期（民國或西元，依範本設定）',
  weekday: '星期（週一…週日）',
  time: '看診時間（24 小時制）',
  clinicName: '診所名稱',
  clinicAddress: '診所地址',
  clinicPhone: '診所電話',
  mapUrl: '地圖連結',
  preparation: '準備事項（依看診類別）',
};

/** {date} and {weekday} of a clinic-local visit date (YYYY-MM-DD) in a template's date style. */
export const dateVars = (date: string, style: DateStyle): Pick<Vars, 'date' | 'weekday'> => ({
  date: visitDateText(date, style),
  weekday: WEEKDAY_ZH[weekdayOf(date)],
});

/**
 * A stored template body as the current code reads it. Bodies saved before date styles existed
 * have no dateStyle, and their {date} included the weekday ("2026年3月16日（星期一）"): they read
 * as 西元 with "（{weekday}）" after each {date}, so a clinic's message keeps saying the weekday.
 */
export function normalizeBody(raw: Omit<TemplateBody, 'dateStyle'> & { dateStyle?: DateStyle }): TemplateBody {
  if (raw.dateStyle) return raw as TemplateBody;
  const withWeekday = (x: string) => (x.includes('{weekday}') ? x : x.replaceAll('{date}', '{date}（{weekday}）'));
  return {
    ...raw,
    altText: withWeekday(raw.altText),
    title: withWeekday(raw.title),
    body: withWeekday(raw.body),
    dateStyle: 'western',
  };
}

const baseBody = (over: Partial<TemplateBody>): TemplateBody => ({
  altText: '【{clinicName}】看診提醒：{date}（{weekday}） {time} {doctorName}',
  title: '看診提醒',
  body: '{patientName} 您好，提醒您的看診時間：\n{date}（{weekday}） {time}\n醫師：{doctorName}\n{preparation}',
  brandColor: '#06C755',
  logoUrl: null,
  buttons: { confirm: true, cancel: true, reschedule: true, map: true },
  labels: { confirm: '確認赴約', cancel: '取消', reschedule: '改期', map: '地圖' },
  dateStyle: 'western',
  ...over,
});

export const BUILT_IN_TEMPLATES: Template[] = [
  { id: 'default', name: '看診提醒', builtIn: true, updatedAt: null, updatedBy: null, body: baseBody({}) },
  {
    id: 'booking',
    name: '預約成功通知',
    builtIn: true,
    updatedAt: null,
    updatedBy: null,
    body: baseBody({
      altText: '【{clinicName}】已為您預約 {date}（{weekday}） {time}',
      title: '預約成功',
      body: '{patientName} 您好，已為您預約：\n{date}（{weekday}） {time}\n醫師：{doctorName}\n如需取消或改期，請點下方按鈕。',
    }),
  },
];

// A text split once into literals and variable names (odd indexes): filling a reminder then
// joins strings instead of running a regular expression with a callback per text per message.
const compiled = new Map<string, string[]>();
/** Replaces `{name}` by the variable's value; unknown names stay as they are. */
export function fill(text: string, vars: Partial<Vars>): string {
  let parts = compiled.get(text);
  if (!parts) {
    parts = text.split(/\{(\w+)\}/);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(text, parts);
  }
  if (parts.length === 1) return text;
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const k = parts[i];
    out += (k in vars ? String(vars[k as keyof Vars] ?? '') : `{${k}}`) + parts[i + 1];
  }
  return out;
}

/** The SMS of a reminder (a patient without LINE): the visit, and the clinic's phone for changes. */
export const smsReminderText = (vars: Vars): string =>
  fill(
    '【{clinicName}】{patientName}您好，提醒您 {date}（{weekday}） {time} {doctorName}醫師門診。如需取消或改期請來電 {clinicPhone}。',
    vars,
  );

export const mapUrlOf = (address: string): string =>
  address ? `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(address)}` : '';

// ---- postback tokens: "rm1.<appointmentId>.<action>.<expiry base36>.<signature>"
// The signature covers the appointment and the expiry (one HMAC per reminder, shared by its
// buttons); the action is not signed on purpose: changing it only does what tapping another
// button of the same reminder would do, and answerAppointment checks that the tapping LINE
// user is bound to that appointment's patient.
export type TokenAction = 'c' | 'x' | 'r' | 'x1' | 'x2' | 'x3' | 'rt';
export type TokenPayload = { appointmentId: string; action: TokenAction; expiresAt: Date };
const ACTIONS: readonly string[] = ['c', 'x', 'r', 'x1', 'x2', 'x3', 'rt'];

// The signing key is derived from ENCRYPTION_KEY (through the keyed lookup hash, itself an
// HKDF-derived key) once per Crypto instance and kept as a KeyObject.
const tokenKeys = new WeakMap<Crypto, KeyObject>();
function tokenKey(crypto: Crypto): KeyObject {
  let k = tokenKeys.get(crypto);
  if (!k) {
    k = createSecretKey(Buffer.from(crypto.lookupHash('careline:reminder-postback-key:v1'), 'hex'));
    tokenKeys.set(crypto, k);
  }
  return k;
}
const sig = (crypto: Crypto, appointmentId: string, exp: string) =>
  createHmac('sha256', tokenKey(crypto))
    .update(`rm1.${appointmentId}.${exp}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');

/** The postback data of every button of one reminder (one signature). */
export function signTokens<A extends TokenAction>(
  crypto: Crypto,
  appointmentId: string,
  expiresAt: Date,
  actions: A[],
): Record<A, string> {
  const exp = Math.floor(expiresAt.getTime() / 1000).toString(36);
  const s = sig(crypto, appointmentId, exp);
  return Object.fromEntries(actions.map((a) => [a, `rm1.${appointmentId}.${a}.${exp}.${s}`])) as Record<A, string>;
}

export function signToken(crypto: Crypto, p: TokenPayload): string {
  return signTokens(crypto, p.appointmentId, p.expiresAt, [p.action])[p.action];
}

export type TokenCheck = { ok: true; payload: TokenPayload } | { ok: false; reason: 'forged' | 'expired' | 'not_ours' };

export function verifyToken(crypto: Crypto, data: string, now: Date): TokenCheck {
  if (!data.startsWith('rm1.')) return { ok: false, reason: 'not_ours' };
  const parts = data.split('.');
  if (parts.length !== 5) return { ok: false, reason: 'forged' };
  const [, appointmentId, action, exp, s] = parts;
  if (!safeEqual(s, sig(crypto, appointmentId, exp))) return { ok: false, reason: 'forged' };
  if (!ACTIONS.includes(action)) return { ok: false, reason: 'forged' };
  const expiresAt = new Date(parseInt(exp, 36) * 1000);
  if (expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, payload: { appointmentId, action: action as TokenAction, expiresAt } };
}

/** The Flex message of a reminder. `tokens` are the postback data of the three buttons. */
export function renderReminder(
  t: TemplateBody,
  vars: Vars,
  tokens: { confirm: string; cancel: string; reschedule: string } | null,
  logoFallback?: string,
): messagingApi.FlexMessage {
  const text = fill(t.body, vars)
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l, i, a) => l || (i > 0 && a[i - 1]));
  const header: messagingApi.FlexComponent[] = [];
  const logo = t.logoUrl || logoFallback;
  if (logo)
    header.push({ type: 'image', url: logo, size: 'xxs', aspectMode: 'fit', flex: 0 } as messagingApi.FlexImage);
  header.push({
    type: 'box',
    layout: 'vertical',
    flex: 1,
    contents: [
      { type: 'text', text: vars.clinicName || ' ', color: '#FFFFFF', size: 'sm', weight: 'bold', wrap: true },
      { type: 'text', text: fill(t.title, vars) || ' ', color: '#FFFFFF', size: 'lg', weight: 'bold', wrap: true },
    ],
  });
  const labels = {
    confirm: fill(t.labels.confirm, vars),
    cancel: fill(t.labels.cancel, vars),
    reschedule: fill(t.labels.reschedule, vars),
    map: fill(t.labels.map, vars),
  };
  const footer: messagingApi.FlexComponent[] = [];
  if (tokens && t.buttons.confirm)
    footer.push({
      type: 'button',
      style: 'primary',
      color: t.brandColor,
      height: 'sm',
      action: { type: 'postback', label: labels.confirm, data: tokens.confirm, displayText: labels.confirm },
    });
  const row: messagingApi.FlexComponent[] = [];
  if (tokens && t.buttons.cancel)
    row.push({
      type: 'button',
      style: 'secondary',
      height: 'sm',
      action: { type: 'postback', label: labels.cancel, data: tokens.cancel, displayText: labels.cancel },
    });
  if (tokens && t.buttons.reschedule)
    row.push({
      type: 'button',
      style: 'secondary',
      height: 'sm',
      action: {
        type: 'postback',
        label: labels.reschedule,
        data: tokens.reschedule,
        displayText: labels.reschedule,
      },
    });
  if (row.length) footer.push({ type: 'box', layout: 'horizontal', spacing: 'sm', contents: row });
  if (t.buttons.map && vars.mapUrl)
    footer.push({
      type: 'button',
      style: 'link',
      height: 'sm',
      action: { type: 'uri', label: labels.map, uri: vars.mapUrl },
    });
  const info: messagingApi.FlexComponent[] = [];
  if (vars.clinicAddress)
    info.push({ type: 'text', text: `地址：${vars.clinicAddress}`, size: 'xs', color: '#888888', wrap: true });
  if (vars.clinicPhone)
    info.push({ type: 'text', text: `電話：${vars.clinicPhone}`, size: 'xs', color: '#888888', wrap: true });
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    header: { type: 'box', layout: 'horizontal', spacing: 'md', backgroundColor: t.brandColor, contents: header },
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        ...text.map((l) => ({ type: 'text', text: l || ' ', wrap: true, size: 'md' }) as messagingApi.FlexText),
        ...(info.length ? [{ type: 'separator', margin: 'md' } as messagingApi.FlexSeparator, ...info] : []),
      ],
    },
    ...(footer.length ? { footer: { type: 'box', layout: 'vertical', spacing: 'sm', contents: footer } } : {}),
  };
  return {
    type: 'flex',
    altText: [...(fill(t.altText, vars) || fill(t.title, vars) || '看診提醒')].slice(0, ALT_TEXT_MAX).join(''),
    contents: bubble,
  };
}

/** LINE's limits as this product applies them: the notification text, a button's label, one bubble. */
export const ALT_TEXT_MAX = 400;
export const LABEL_MAX = 20;
export const BUBBLE_MAX_BYTES = 30_000;

export const SAMPLE_VARS: Vars = {
  patientName: '王小明',
  doctorName: '陳大文',
  date: '2026年3月16日',
  weekday: '週一',
  time: '10:00',
  clinicName: '康寧牙醫診所',
  clinicAddress: '臺北市中正區重慶南路一段 122 號',
  clinicPhone: '02-2311-3731',
  mapUrl: mapUrlOf('臺北市中正區重慶南路一段 122 號'),
  preparation: '看診前請勿進食，並攜帶健保卡。',
};

export type TemplateProblem = { field: string; code: string; message: string; variables?: string[] };

/** The `{name}`s of a text that are not variables. */
export const unknownVariablesIn = (text: string): string[] => [
  ...new Set(
    [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).filter((v) => !(VARIABLES as readonly string[]).includes(v)),
  ),
];

const allowedList = () => VARIABLES.map((v) => `{${v}}`).join('、');

/** Every text of a template that may hold variables, by its field name in the API. */
const textsOf = (t: TemplateBody): [string, string][] => [
  ['altText', t.altText],
  ['title', t.title],
  ['body', t.body],
  ...(['confirm', 'cancel', 'reschedule', 'map'] as const).map((k): [string, string] => [`labels.${k}`, t.labels[k]]),
];

/** LINE limits, checked with long sample values (names of 20 characters, a long address). */
export function checkTemplate(t: TemplateBody, crypto: Crypto): TemplateProblem[] {
  const errs: TemplateProblem[] = [];
  const long: Vars = {
    ...SAMPLE_VARS,
    ...dateVars('2026-12-27', t.dateStyle),
    patientName: '王'.repeat(20),
    doctorName: '陳'.repeat(20),
    clinicName: '康'.repeat(40),
    clinicAddress: '址'.repeat(100),
    preparation: '準'.repeat(500),
  };
  for (const [field, text] of textsOf(t)) {
    const unknown = unknownVariablesIn(text);
    if (unknown.length)
      errs.push({
        field,
        code: 'unknown_variable',
        variables: unknown,
        message: `不認得的變數：${unknown.map((v) => `{${v}}`).join('、')}；可用的變數：${allowedList()}`,
      });
  }
  if (!/^#[0-9A-Fa-f]{6}$/.test(t.brandColor))
    errs.push({ field: 'brandColor', code: 'color', message: '品牌色須為 #RRGGBB 格式，例如 #06C755' });
  if (t.logoUrl && !/^https:\/\/\S{1,990}$/.test(t.logoUrl))
    errs.push({ field: 'logoUrl', code: 'https', message: 'Logo 網址須為 https:// 開頭（LINE 只接受 HTTPS 圖片）' });
  for (const k of ['confirm', 'cancel', 'reschedule', 'map'] as const) {
    const l = t.labels[k];
    const n = [...fill(l, long)].length;
    if (!l.trim()) errs.push({ field: `labels.${k}`, code: 'required', message: '按鈕文字不可空白' });
    else if (n > LABEL_MAX)
      errs.push({
        field: `labels.${k}`,
        code: 'max_length',
        message:
          n === [...l].length
            ? `LINE 按鈕文字最多 ${LABEL_MAX} 字（目前 ${n} 字）`
            : `LINE 按鈕文字最多 ${LABEL_MAX} 字，代入變數後可能達 ${n} 字`,
      });
  }
  const altLen = [...fill(t.altText, long)].length;
  if (!t.altText.trim())
    errs.push({
      field: 'altText',
      code: 'required',
      message: '通知文字（altText）不可空白，手機通知與聊天列表會顯示它',
    });
  else if (altLen > ALT_TEXT_MAX)
    errs.push({
      field: 'altText',
      code: 'max_length',
      message: `通知文字（altText）代入變數後可能達 ${altLen} 字，上限為 ${ALT_TEXT_MAX} 字`,
    });
  const token = signToken(crypto, {
    appointmentId: '01937c4e-0000-7000-8000-000000000000',
    action: 'x1',
    expiresAt: new Date('2099-12-31T00:00:00Z'),
  });
  if (token.length > 300)
    errs.push({ field: 'buttons', code: 'postback_data', message: 'postback 資料超過 LINE 上限 300 字' });
  const size = Buffer.byteLength(
    JSON.stringify(renderReminder(t, long, { confirm: token, cancel: token, reschedule: token }).contents),
  );
  if (size > BUBBLE_MAX_BYTES)
    errs.push({
      field: 'body',
      code: 'bubble_size',
      message: `訊息內容代入變數後可能達 ${(size / 1000).toFixed(1)} KB，LINE 的單一訊息上限為 30 KB，請縮短內文或準備事項`,
    });
  return errs;
}

/**
 * The error for a template that cannot be saved: an unknown variable has its own code (the
 * message names it and lists the allowed ones), every other problem is a validation failure.
 */
export function templateProblemsError(problems: TemplateProblem[]): { code: string; message: string } {
  const unknown = [...new Set(problems.flatMap((p) => p.variables ?? []))];
  if (unknown.length)
    return {
      code: 'TEMPLATE_UNKNOWN_VARIABLE',
      message: `範本中有不認得的變數 ${unknown.map((v) => `{${v}}`).join('、')}，未儲存。可用的變數：${allowedList()}`,
    };
  return { code: 'VALIDATION_FAILED', message: '訊息範本不符合 LINE 的限制，未儲存' };
}
