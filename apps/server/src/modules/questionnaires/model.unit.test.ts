// The questionnaire model: answer checks (required, ranges, options, length), results per
// question (counts, averages, NPS) and the text of an answer in the export.
import { describe, expect, it } from 'vitest';
import { answerText, checkAnswers, questionProblems, resultsOf, TEMPLATES, type Question } from './model.ts';

const Q: Question[] = [
  { id: 's', type: 'scale', title: '候診時間', required: true },
  { id: 'n', type: 'nps', title: '推薦', required: false },
  {
    id: 'm',
    type: 'multi',
    title: '管道',
    required: false,
    options: [
      { id: 'a', label: '親友' },
      { id: 'b', label: 'Google' },
    ],
  },
  { id: 't', type: 'text', title: '建議', required: false },
];

describe('questionnaire model', () => {
  it('the template has seed 002 dimensions and no problems', () => {
    expect(questionProblems(TEMPLATES[0].questions)).toEqual([]);
    expect(TEMPLATES[0].questions.filter((q) => q.type === 'scale')).toHaveLength(5);
  });
  it('checks answers: required, ranges, options, whole numbers, length', () => {
    const r = checkAnswers(Q, [
      { questionId: 'n', value: 10.5 },
      { questionId: 'm', value: ['a', 'z'] },
      { questionId: 't', value: 'x'.repeat(1001) },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.fromEntries(r.problems.map((p) => [p.field, p.code]))).toEqual({
      s: 'required',
      n: 'out_of_range',
      m: 'unknown_option',
      t: 'too_long',
    });
    const ok = checkAnswers(Q, [
      { questionId: 's', value: 1 },
      { questionId: 'n', value: 0 },
      { questionId: 'm', value: ['a', 'a'] },
      { questionId: 't', value: '  ' },
    ]);
    expect(ok).toEqual({ ok: true, answers: { s: 1, n: 0, m: ['a'] } });
  });
  it('results: distribution, average, NPS and texts newest first', () => {
    const r = resultsOf(Q, [
      { answers: { s: 5, n: 10, m: ['a', 'b'], t: '早' }, submittedAt: '2026-01-01T00:00:00Z' },
      { answers: { s: 3, n: 6, m: ['b'], t: '晚' }, submittedAt: '2026-01-02T00:00:00Z' },
      { answers: { s: 4, n: 8 }, submittedAt: '2026-01-03T00:00:00Z' },
    ]);
    expect(r[0].average).toBe(4);
    expect(r[0].counts.map((c) => c.count)).toEqual([0, 0, 1, 1, 1]);
    expect(r[1]).toMatchObject({ promoters: 1, passives: 1, detractors: 1, nps: 0 });
    expect(r[2].counts.map((c) => c.count)).toEqual([1, 2]);
    expect(r[3].texts.map((x) => x.text)).toEqual(['晚', '早']);
    expect(answerText(Q[2], ['a', 'b'])).toBe('親友、Google');
  });
});
