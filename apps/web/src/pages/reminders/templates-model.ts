// What the 訊息範本 page checks itself while one types (the server's preview checks the rest
// with long sample values): counts against LINE's limits, blanks and unknown variables.
import type { Schema } from '../../api.ts';

export type Draft = { name: string; body: Schema<'ReminderTemplateBody'> };
export type Problem = { field: string; code: string; message: string };

export const ALT_TEXT_MAX = 400;
export const LABEL_MAX = 20;
export const NAME_MAX = 50;
export const BUTTONS = [
  { key: 'confirm', label: '確認赴約按鈕' },
  { key: 'cancel', label: '取消按鈕' },
  { key: 'reschedule', label: '改期按鈕' },
  { key: 'map', label: '地圖按鈕' },
] as const;

export const chars = (s: string) => [...s].length;

/** What the browser can tell at once: counts, blanks and unknown variables (the server checks the rest). */
export function clientProblems(d: Draft, variables: string[]): Problem[] {
  const out: Problem[] = [];
  if (!d.name.trim()) out.push({ field: 'name', code: 'required', message: '請輸入範本名稱' });
  if (chars(d.name) > NAME_MAX) out.push({ field: 'name', code: 'max_length', message: `名稱最多 ${NAME_MAX} 字` });
  const texts: [string, string][] = [
    ['altText', d.body.altText],
    ['title', d.body.title],
    ['body', d.body.body],
    ...BUTTONS.map((b): [string, string] => [`labels.${b.key}`, d.body.labels[b.key]]),
  ];
  for (const [field, text] of texts) {
    const unknown = [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].filter(
      (v) => !variables.includes(v),
    );
    if (unknown.length)
      out.push({
        field,
        code: 'unknown_variable',
        message:
          `不認得的變數：${unknown.map((v) => `{${v}}`).join('、')}；` +
          `可用的變數：${variables.map((v) => `{${v}}`).join('、')}（可用內文下方的按鈕插入）`,
      });
  }
  if (!d.body.altText.trim()) out.push({ field: 'altText', code: 'required', message: '通知文字不可空白' });
  else if (chars(d.body.altText) > ALT_TEXT_MAX)
    out.push({
      field: 'altText',
      code: 'max_length',
      message: `通知文字 ${chars(d.body.altText)} 字，LINE 上限 ${ALT_TEXT_MAX} 字`,
    });
  for (const b of BUTTONS) {
    const l = d.body.labels[b.key];
    if (!l.trim()) out.push({ field: `labels.${b.key}`, code: 'required', message: '按鈕文字不可空白' });
    else if (chars(l) > LABEL_MAX)
      out.push({ field: `labels.${b.key}`, code: 'max_length', message: `按鈕文字最多 ${LABEL_MAX} 字` });
  }
  return out;
}

/** The server's and the browser's problems, one line per field and kind. */
export function mergeProblems(a: Problem[], b: Problem[]): Problem[] {
  const seen = new Set<string>();
  return [...a, ...b].filter((p) => {
    const k = `${p.field}|${p.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
