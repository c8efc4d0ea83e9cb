// The patient list orders names by stroke count as people in Taiwan expect (the same order as
// Intl.Collator('zh-Hant-TW'), on SQLite and PostgreSQL alike), and a clinic of a few thousand
// patients sees its exact total instead of 「1,000+」.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { COUNT_CAP } from './search.repository.ts';
import { EXACT_COUNT_LIMIT, listCountCap } from './service.ts';
import { insertRows, validateRows } from './transfer.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-01T02:00:00.000Z' });
});
afterAll(async () => t.close());

const SURNAMES = [
  ...'丁王李林陳黃張劉吳蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴范方宋鄧杜傅侯',
  ...'曹薛卓馬阮董唐溫藍蔣石古紀姚連馮歐程湯田康姜白汪鄒尤巫鐘黎涂龔嚴韓袁金童陸夏柳邵錢伍倪于譚駱熊任甘秦顧毛章史官萬俞雷粘饒',
];
const collator = new Intl.Collator('zh-Hant-TW');

async function fill(clinicId: string, names: string[]) {
  const rows = names.map((name, i) => ({
    row: i + 2,
    data: { name, phone: '', birthDate: '', nationalId: '', chartNo: '', gender: '', notes: '', tags: '' },
  }));
  const { valid, errors } = await validateRows(t.deps, clinicId, rows, '2026-06-01');
  expect(errors).toEqual([]);
  await insertRows(t.deps.db, clinicId, valid, '2026-06-01T02:00:00.000Z', 'import', new Map());
}

describe('patient list', () => {
  it('sorts names in stroke order (丁 王 李 林 … 龔), both ways, as Intl.Collator("zh-Hant-TW") does', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    // Real surnames with given names, compound surnames, a name that starts another, and Latin names.
    const names = [
      ...SURNAMES.map((s, i) => s + '小明志豪美玲'.slice(i % 5, (i % 5) + 2)),
      '歐陽娜娜',
      '張簡文雄',
      '王',
      '王小明',
      'Anna Lee',
      'anna lee',
      'Émile',
    ];
    await fill(c.clinicId, names);
    const order = async (dir: 'asc' | 'desc') =>
      (await api.get(`/api/patients?sort=name&order=${dir}&pageSize=200`))
        .json()
        .items.map((p: { name: string }) => p.name);
    const expected = [...names].sort(collator.compare);
    expect(await order('asc')).toEqual(expected);
    expect(await order('desc')).toEqual([...expected].reverse());
    expect((await order('asc')).slice(0, 5).map((n: string) => n[0])).toEqual(['丁', '于', '尤', '方', '毛']);
    // Paging walks the same order.
    const page2 = (await api.get('/api/patients?sort=name&pageSize=10&page=2')).json();
    expect(page2.items.map((p: { name: string }) => p.name)).toEqual(expected.slice(10, 20));
    // A surname search is a range of the same order.
    const wang = (await api.get(`/api/patients?q=${encodeURIComponent('王')}`)).json();
    expect(wang.items.map((p: { name: string }) => p.name)).toEqual(expected.filter((n) => n.startsWith('王')));
  });

  it('shows the exact total of a clinic of a few thousand patients; a big clinic counts to 1,000', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    const n = 1_234;
    await fill(
      c.clinicId,
      Array.from({ length: n }, (_, i) => `${SURNAMES[i % SURNAMES.length]}${'明美志'[i % 3]}${i}`),
    );
    const r = (await api.get('/api/patients?pageSize=20')).json();
    expect({ total: r.total, totalCapped: r.totalCapped, shown: r.items.length }).toEqual({
      total: n,
      totalCapped: false,
      shown: 20,
    });
    const filtered = (await api.get(`/api/patients?q=${encodeURIComponent('陳')}&pageSize=5`)).json();
    expect(filtered.total).toBe(Math.ceil((n - SURNAMES.indexOf('陳')) / SURNAMES.length));
    expect(await listCountCap(t.deps.db, c.clinicId)).toBe(EXACT_COUNT_LIMIT);
    // Above the limit the list counts to COUNT_CAP only (what a clinic of millions sees).
    expect(await listCountCap(t.deps.db, c.clinicId, n - 1)).toBe(COUNT_CAP);
  });
});
