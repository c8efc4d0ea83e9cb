// The 訊息範本 page's own checks while one types: counts against LINE's limits (characters, not
// UTF-16 units), blank texts and unknown variables in any text; merged with the server's problems.
import { describe, expect, it } from 'vitest';
import { clientProblems, mergeProblems, type Draft } from './templates-model.ts';

const VARS = ['patientName', 'date', 'weekday', 'time'];
const draft: Draft = {
  name: '看診提醒',
  body: {
    altText: '【診所】{date}（{weekday}） {time}',
    title: '看診提醒',
    body: '{patientName} 您好',
    brandColor: '#06C755',
    logoUrl: null,
    buttons: { confirm: true, cancel: true, reschedule: true, map: true },
    labels: { confirm: '確認赴約', cancel: '取消', reschedule: '改期', map: '地圖' },
    dateStyle: 'roc',
  },
};
const codes = (d: Draft) => clientProblems(d, VARS).map((p) => `${p.field}:${p.code}`);

describe('template editor checks', () => {
  it('accepts the shipped text', () => expect(codes(draft)).toEqual([]));

  it('names unknown variables in any text and lists the allowed ones', () => {
    const p = clientProblems({ ...draft, body: { ...draft.body, title: '{foo}{foo}', body: '{bar}' } }, VARS);
    expect(p.map((x) => x.field)).toEqual(['title', 'body']);
    expect(p[0].message).toContain('不認得的變數：{foo}；');
    expect(p[0].message).toContain('{patientName}、{date}');
    expect(codes({ ...draft, body: { ...draft.body, labels: { ...draft.body.labels, map: '{x}' } } })).toEqual([
      'labels.map:unknown_variable',
    ]);
  });

  it('counts characters: 400 for the notification text, 20 for a label', () => {
    const emoji = '😀'.repeat(400); // 800 UTF-16 units, 400 characters
    expect(codes({ ...draft, body: { ...draft.body, altText: emoji } })).toEqual([]);
    expect(codes({ ...draft, body: { ...draft.body, altText: emoji + '!' } })).toEqual(['altText:max_length']);
    const labels = { ...draft.body.labels, cancel: '取'.repeat(21) };
    expect(codes({ ...draft, body: { ...draft.body, labels } })).toEqual(['labels.cancel:max_length']);
    expect(codes({ ...draft, name: ' ', body: { ...draft.body, altText: ' ' } })).toEqual([
      'name:required',
      'altText:required',
    ]);
  });

  it('shows one line per field and kind when the server reports the same problem', () => {
    const mine = [{ field: 'altText', code: 'max_length', message: 'a' }];
    const server = [
      { field: 'altText', code: 'max_length', message: 'b' },
      { field: 'body', code: 'bubble_size', message: 'c' },
    ];
    expect(mergeProblems(mine, server).map((p) => p.message)).toEqual(['a', 'c']);
  });
});
