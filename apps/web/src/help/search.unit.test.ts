import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { searchArticles, textOf } from './search.ts';

describe('help search', () => {
  const articles = [
    {
      topic: 'a',
      title: '預約列表',
      summary: '篩選與搜尋',
      body: createElement('p', null, '按 ', createElement('b', null, '綁定'), ' 按鈕'),
    },
    { topic: 'b', title: 'LINE 綁定', summary: '病人綁定 LINE', body: 'x' },
    { topic: 'c', title: '報表', summary: 'KPI', body: null },
  ];
  it('reads the text of a React tree', () => {
    expect(textOf(articles[0].body).replace(/\s+/g, ' ')).toBe('按 綁定 按鈕');
  });
  it('finds every word, titles first, with a snippet', () => {
    const hits = searchArticles(articles, '綁定');
    expect(hits.map((h) => h.topic)).toEqual(['b', 'a']);
    expect(hits[1].snippet).toContain('綁定');
    expect(searchArticles(articles, '綁定 按鈕').map((h) => h.topic)).toEqual(['a']);
    expect(searchArticles(articles, 'kpi').map((h) => h.topic)).toEqual(['c']);
    expect(searchArticles(articles, '   ')).toEqual([]);
    // the snippet comes from under the title when the word is there too
    expect(searchArticles(articles, '綁定')[0].snippet).toBe('病人綁定 LINE x');
  });
});
