// The FAQ editor's form values and what they become: the API body, and the answer as the patient
// sees it (the same Flex bubble the server sends for an answer with buttons).
import { ApiError, errorMessage, type ApiBody, type Schema } from '../../api.ts';

export type Faq = Schema<'Faq'>;
export type FaqBody = ApiBody<'/api/faqs', 'post'>;
export type FaqAnswer = FaqBody['answer'];
export type FaqButton = FaqAnswer['buttons'][number];

export type FaqFormValues = {
  title: string;
  category: string;
  wordings: string[];
  text: string;
  buttons: FaqButton[];
  enabled: boolean;
};

export const ACTION_LABELS: Record<FaqButton['action'], string> = {
  uri: '開啟網址／撥打電話',
  message: '代病人送出一句話',
  faq: '顯示另一則常見問題',
};

export function toFaqBody(v: FaqFormValues): FaqBody {
  return {
    title: (v.title ?? '').trim(),
    category: (v.category ?? '').trim(),
    wordings: (v.wordings ?? []).map((w) => (w ?? '').trim()).filter(Boolean),
    answer: {
      text: v.text ?? '',
      buttons: (v.buttons ?? []).map((b) => ({
        label: b.label ?? '',
        action: b.action,
        value: (b.value ?? '').trim(),
      })),
    },
    enabled: v.enabled ?? true,
  };
}

export const toFormValues = (f: Faq): FaqFormValues => ({
  title: f.title,
  category: f.category,
  wordings: f.wordings.filter((w) => w !== f.title),
  text: f.answer.text,
  buttons: f.answer.buttons,
  enabled: f.enabled,
});

/** The Flex bubble of an answer with buttons (buttons that show an FAQ carry its id in a postback). */
export function answerBubble(a: FaqAnswer): Record<string, unknown> {
  return {
    type: 'bubble',
    body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: a.text || ' ', wrap: true }] },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: a.buttons.map((b) => ({
        type: 'button',
        style: 'link',
        height: 'sm',
        action:
          b.action === 'uri'
            ? { type: 'uri', label: b.label || '按鈕', uri: b.value || 'https://example.com' }
            : b.action === 'message'
              ? { type: 'message', label: b.label || '按鈕', text: b.value || ' ' }
              : { type: 'postback', label: b.label || '按鈕', data: `faq=show&id=${b.value}` },
      })),
    },
  };
}

/**
 * The API's field errors on the editor's fields: `wordings.2` on the third wording,
 * `answer.text` on the answer, `answer.buttons.0.value` on that button's value.
 */
export function fieldErrors(err: unknown): { name: (string | number)[]; errors: string[] }[] {
  if (!(err instanceof ApiError)) return [];
  const out: { name: (string | number)[]; errors: string[] }[] = [];
  for (const d of err.details) {
    if (!d.field) continue;
    const p = d.field.split('.');
    let name: (string | number)[] | null = null;
    if (p[0] === 'title' || p[0] === 'category') name = [p[0]];
    else if (p[0] === 'wordings' && p.length > 1) name = ['wordings', Number(p[1])];
    else if (p[0] === 'answer' && p[1] === 'text') name = ['text'];
    else if (p[0] === 'answer' && p[1] === 'buttons' && p.length >= 4) name = ['buttons', Number(p[2]), p[3]];
    if (name) out.push({ name, errors: [d.message] });
  }
  return out;
}

/** An error for a message box: the API's message and, when it has them, each detail's. */
export function errorText(err: unknown): string {
  const details = err instanceof ApiError ? err.details.map((d) => d.message) : [];
  return details.length ? `${errorMessage(err)}：${details.join('；')}` : errorMessage(err);
}
