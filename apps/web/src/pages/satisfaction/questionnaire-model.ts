// The builder's pure helpers: new questions, reordering, and the charts' options per question.
import type { ApiResponse, Schema } from '../../api.ts';
import type { ChartOption } from '../../components/Chart.tsx';

export type Question = Schema<'Questionnaire'>['questions'][number];
export type QuestionType = Question['type'];

export const TYPE_LABELS: Record<QuestionType, string> = {
  single: '單選',
  multi: '多選',
  scale: '1–5 分量表',
  nps: '推薦分數 NPS（0–10）',
  text: '文字回答',
};

const shortId = () => Math.random().toString(36).slice(2, 8);

export function newQuestion(type: QuestionType): Question {
  const base = { id: `q${shortId()}`, type, title: '', required: type !== 'text' };
  return type === 'single' || type === 'multi'
    ? {
        ...base,
        options: [
          { id: `o${shortId()}`, label: '' },
          { id: `o${shortId()}`, label: '' },
        ],
      }
    : base;
}

/** Changes a question's type, adding or dropping options as the new type needs. */
export function withType(q: Question, type: QuestionType): Question {
  const choice = type === 'single' || type === 'multi';
  const { options, ...rest } = q;
  if (!choice) return { ...rest, type };
  return { ...rest, type, options: options?.length ? options : newQuestion(type).options };
}

/** Moves the item at `i` by `by` (−1 up, +1 down); out of range leaves the list as it is. */
export function move<T>(list: T[], i: number, by: number): T[] {
  const j = i + by;
  if (j < 0 || j >= list.length) return list;
  const out = [...list];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

export type Results = ApiResponse<'/api/questionnaires/{id}/results'>;
export type QuestionResult = Results['questions'][number];

const NPS_COLOR = (score: number) => (score <= 6 ? '#e5484d' : score <= 8 ? '#b0b7c3' : '#2f9e44');

/** The chart of one question: bars per option (horizontal) or per score (NPS coloured by group). */
export function chartOf(r: Pick<QuestionResult, 'type' | 'counts'>): ChartOption {
  if (r.type === 'single' || r.type === 'multi') {
    const rows = [...r.counts].reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: rows.map((c) => c.label) },
      series: [
        {
          type: 'bar',
          data: rows.map((c) => c.count),
          itemStyle: { color: '#1677ff' },
          label: { show: true, position: 'right' },
          barMaxWidth: 28,
        },
      ],
    };
  }
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: r.counts.map((c) => `${c.key} 分`) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        data: r.counts.map((c) => ({
          value: c.count,
          itemStyle: { color: r.type === 'nps' ? NPS_COLOR(Number(c.key)) : '#1677ff' },
        })),
        label: { show: true, position: 'top', formatter: (p: { value: number }) => (p.value ? String(p.value) : '') },
        barMaxWidth: 36,
      },
    ],
  };
}

export const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${Math.round(v * 1000) / 10}%`;
