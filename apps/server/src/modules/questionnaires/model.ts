// The questionnaire model without I/O: question kinds, the checks of a questionnaire's questions
// and of a patient's answers (zh-TW messages, one per question), the per-question results
// (choice counts, scale/NPS distributions and the NPS score, texts) and the built-in template
// with seed 002's dimensions.
import type { ErrorDetail } from '../../platform/errors.ts';

export const QUESTION_TYPES = ['single', 'multi', 'scale', 'nps', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const QUESTION_TYPE_LABELS: Record<QuestionType, string> = {
  single: '單選',
  multi: '多選',
  scale: '1–5 分量表',
  nps: '推薦分數 NPS（0–10）',
  text: '文字回答',
};

export type QuestionOption = { id: string; label: string };
export type Question = {
  id: string;
  type: QuestionType;
  title: string;
  required: boolean;
  options?: QuestionOption[];
};
export type AnswerValue = string | number | string[];
export type Answers = Record<string, AnswerValue>;

export const MAX_QUESTIONS = 30;
export const MAX_OPTIONS = 12;
export const MAX_TEXT_ANSWER = 1000;

const isChoice = (t: QuestionType) => t === 'single' || t === 'multi';

/** Problems of a questionnaire's questions (empty when they are fine). */
export function questionProblems(questions: Question[]): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  if (questions.length === 0) out.push({ field: 'questions', code: 'empty', message: '請至少加入一個題目' });
  if (questions.length > MAX_QUESTIONS)
    out.push({ field: 'questions', code: 'too_many', message: `一份問卷最多 ${MAX_QUESTIONS} 題` });
  const ids = new Set<string>();
  questions.forEach((q, i) => {
    const field = `questions[${i}]`;
    const n = `第 ${i + 1} 題`;
    if (ids.has(q.id)) out.push({ field, code: 'duplicate_id', message: `${n}的代碼與其他題目重複` });
    ids.add(q.id);
    if (!q.title.trim()) out.push({ field: `${field}.title`, code: 'required', message: `${n}請填寫題目` });
    if (isChoice(q.type)) {
      const opts = q.options ?? [];
      if (opts.length < 2) out.push({ field: `${field}.options`, code: 'too_few', message: `${n}請至少提供 2 個選項` });
      if (opts.length > MAX_OPTIONS)
        out.push({ field: `${field}.options`, code: 'too_many', message: `${n}最多 ${MAX_OPTIONS} 個選項` });
      const labels = new Set<string>();
      const optIds = new Set<string>();
      for (const o of opts) {
        if (!o.label.trim()) out.push({ field: `${field}.options`, code: 'empty', message: `${n}有空白的選項` });
        else if (labels.has(o.label.trim()))
          out.push({ field: `${field}.options`, code: 'duplicate', message: `${n}有重複的選項「${o.label.trim()}」` });
        if (optIds.has(o.id))
          out.push({ field: `${field}.options`, code: 'duplicate_id', message: `${n}的選項代碼重複` });
        labels.add(o.label.trim());
        optIds.add(o.id);
      }
    } else if (q.options?.length) {
      out.push({
        field: `${field}.options`,
        code: 'not_allowed',
        message: `${n}（${QUESTION_TYPE_LABELS[q.type]}）不需要選項`,
      });
    }
  });
  return out;
}

/** Trims titles and labels and drops options from kinds without them. */
export function normalizeQuestions(questions: Question[]): Question[] {
  return questions.map((q) => ({
    id: q.id,
    type: q.type,
    title: q.title.trim(),
    required: q.required,
    ...(isChoice(q.type) ? { options: (q.options ?? []).map((o) => ({ id: o.id, label: o.label.trim() })) } : {}),
  }));
}

/**
 * Checks a patient's answers against the questions: every required question answered, a
 * choice among the options, 1–5 / 0–10 whole numbers, texts up to MAX_TEXT_ANSWER characters,
 * no answers to unknown questions. Returns the cleaned answers or the problems.
 */
export function checkAnswers(
  questions: Question[],
  input: { questionId: string; value: AnswerValue | null }[],
): { ok: true; answers: Answers } | { ok: false; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  const byId = new Map(questions.map((q, i) => [q.id, { q, i }]));
  const given = new Map<string, AnswerValue | null>();
  for (const a of input) {
    if (!byId.has(a.questionId))
      problems.push({
        field: a.questionId,
        code: 'unknown_question',
        message: '有一題不屬於這份問卷，請重新整理頁面後再填',
      });
    else given.set(a.questionId, a.value);
  }
  const answers: Answers = {};
  questions.forEach((q, i) => {
    const n = `第 ${i + 1} 題`;
    const field = q.id;
    let v = given.get(q.id) ?? null;
    if (typeof v === 'string' && q.type !== 'single') v = v.trim();
    const empty = v === null || v === '' || (Array.isArray(v) && v.length === 0);
    if (empty) {
      if (q.required) problems.push({ field, code: 'required', message: `${n}「${q.title}」是必填題，請回答` });
      return;
    }
    const optionIds = new Set((q.options ?? []).map((o) => o.id));
    switch (q.type) {
      case 'single':
        if (typeof v !== 'string' || !optionIds.has(v))
          problems.push({ field, code: 'unknown_option', message: `${n}的答案不是這題的選項，請重新選擇` });
        else answers[q.id] = v;
        break;
      case 'multi':
        if (!Array.isArray(v) || v.some((x) => !optionIds.has(x)))
          problems.push({ field, code: 'unknown_option', message: `${n}有不是這題選項的答案，請重新選擇` });
        else answers[q.id] = [...new Set(v)];
        break;
      case 'scale':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 5)
          problems.push({ field, code: 'out_of_range', message: `${n}請選 1 到 5 分` });
        else answers[q.id] = v;
        break;
      case 'nps':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 10)
          problems.push({ field, code: 'out_of_range', message: `${n}請選 0 到 10 分` });
        else answers[q.id] = v;
        break;
      case 'text':
        if (typeof v !== 'string') problems.push({ field, code: 'invalid', message: `${n}請以文字回答` });
        else if ([...v].length > MAX_TEXT_ANSWER)
          problems.push({
            field,
            code: 'too_long',
            message: `${n}最多 ${MAX_TEXT_ANSWER} 字，目前 ${[...v].length} 字，請精簡後再送出`,
          });
        else answers[q.id] = v;
        break;
    }
  });
  return problems.length ? { ok: false, problems } : { ok: true, answers };
}

export type QuestionResult = {
  questionId: string;
  type: QuestionType;
  title: string;
  answered: number;
  /** Choice kinds: each option's count (multi: a respondent may count in several). Scale/NPS: each score. */
  counts: { key: string; label: string; count: number }[];
  average: number | null;
  /** NPS only: promoters (9–10) % − detractors (0–6) %, rounded; null without answers. */
  nps: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  /** Text only: the newest answers first. */
  texts: { text: string; submittedAt: string }[];
};

/** The results of each question from the responses (newest first for texts, at most `textLimit`). */
export function resultsOf(
  questions: Question[],
  responses: { answers: Answers; submittedAt: string }[],
  textLimit = 100,
): QuestionResult[] {
  const newest = [...responses].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
  return questions.map((q) => {
    const vals = newest.map((r) => ({ v: r.answers[q.id], at: r.submittedAt })).filter((x) => x.v !== undefined);
    const r: QuestionResult = {
      questionId: q.id,
      type: q.type,
      title: q.title,
      answered: vals.length,
      counts: [],
      average: null,
      nps: null,
      promoters: 0,
      passives: 0,
      detractors: 0,
      texts: [],
    };
    if (isChoice(q.type)) {
      r.counts = (q.options ?? []).map((o) => ({
        key: o.id,
        label: o.label,
        count: vals.filter((x) => (Array.isArray(x.v) ? x.v.includes(o.id) : x.v === o.id)).length,
      }));
    } else if (q.type === 'scale' || q.type === 'nps') {
      const nums = vals.map((x) => x.v).filter((v): v is number => typeof v === 'number');
      const [lo, hi] = q.type === 'scale' ? [1, 5] : [0, 10];
      for (let s = lo; s <= hi; s++)
        r.counts.push({ key: String(s), label: `${s} 分`, count: nums.filter((v) => v === s).length });
      r.average = nums.length ? Math.round((nums.reduce((a, b) => a + b, 0) / nums.length) * 100) / 100 : null;
      if (q.type === 'nps') {
        r.promoters = nums.filter((v) => v >= 9).length;
        r.passives = nums.filter((v) => v === 7 || v === 8).length;
        r.detractors = nums.filter((v) => v <= 6).length;
        r.nps = nums.length ? Math.round(((r.promoters - r.detractors) / nums.length) * 100) : null;
      }
    } else {
      r.texts = vals
        .filter((x): x is { v: string; at: string } => typeof x.v === 'string')
        .slice(0, textLimit)
        .map((x) => ({ text: x.v, submittedAt: x.at }));
    }
    return r;
  });
}

/** An answer as text for the export (choice labels, multi joined with 、). */
export function answerText(q: Question, v: AnswerValue | undefined): string {
  if (v === undefined) return '';
  const label = (id: string) => q.options?.find((o) => o.id === id)?.label ?? id;
  if (Array.isArray(v)) return v.map(label).join('、');
  if (q.type === 'single' && typeof v === 'string') return label(v);
  return String(v);
}

export type TemplateId = 'satisfaction';
export type QuestionnaireTemplate = { id: TemplateId; title: string; intro: string; questions: Question[] };

/** The built-in templates, offered on every clinic (seed 002: 滿意度調查 used for improvement). */
export const TEMPLATES: QuestionnaireTemplate[] = [
  {
    id: 'satisfaction',
    title: '看診滿意度調查',
    intro: '感謝您這次的就診！花 1 分鐘填寫，幫助我們把服務做得更好。',
    questions: [
      { id: 'wait', type: 'scale', title: '候診時間', required: true },
      { id: 'attitude', type: 'scale', title: '人員態度', required: true },
      { id: 'clarity', type: 'scale', title: '醫師與人員的說明清楚程度', required: true },
      { id: 'environment', type: 'scale', title: '環境（整潔、舒適）', required: true },
      { id: 'overall', type: 'scale', title: '整體滿意度', required: true },
      { id: 'suggestion', type: 'text', title: '其他建議（選填）', required: false },
    ],
  },
];
