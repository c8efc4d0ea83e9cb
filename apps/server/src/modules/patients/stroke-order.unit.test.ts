import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { strokeOrderTable } from '../../../../../scripts/stroke-order.ts';
import { strokeKeyPrefixRange, strokeSortKey } from './stroke-order.ts';

const collator = new Intl.Collator('zh-Hant-TW');
const byKey = (names: string[]) =>
  [...names].sort((a, b) => {
    const x = strokeSortKey(a);
    const y = strokeSortKey(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });

export const SURNAMES =
  '丁 王 李 林 陳 黃 張 劉 吳 蔡 楊 許 鄭 謝 郭 洪 曾 邱 廖 賴 周 徐 蘇 葉 莊 呂 江 何 蕭 羅 高 潘 簡 朱 鍾 彭 游 詹 胡 施 沈 余 盧 ' +
  '梁 趙 顏 柯 翁 魏 孫 戴 范 方 宋 鄧 杜 傅 侯 曹 薛 卓 馬 阮 董 唐 溫 藍 蔣 石 古 紀 姚 連 馮 歐 程 湯 田 康 姜 白 汪 鄒 尤 巫 ' +
  '鐘 黎 涂 龔 嚴 韓 袁 金 童 陸 夏 柳 邵 錢 伍 倪 于 譚 駱 熊 任 甘 秦 顧 毛 章 史 官 萬 俞 雷 粘 饒 歐陽 張簡 范姜 司馬 諸葛';

describe('stroke-order sort key', () => {
  it('orders surnames as Intl.Collator("zh-Hant-TW") does: by strokes (丁 2, 王 4, 李 7 … 龔 22)', () => {
    const names = SURNAMES.split(' ');
    expect(byKey(names)).toEqual([...names].sort(collator.compare));
    expect(byKey(['陳', '王', '丁', '李', '林'])).toEqual(['丁', '王', '李', '林', '陳']);
  });

  it('orders generated names (Han, Latin with case and accents, spaces, prefixes) as the collator does', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const han = [...'王小明陳美玲林志豪黃淑芬張家豪李宗翰丁一乙二十于大方毛'];
    const latin = [...'aAbBáÁzZ -·'];
    const names: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const pool = rnd() < 0.8 ? han : latin;
      const n = 1 + Math.floor(rnd() * 4);
      let s = '';
      for (let k = 0; k < n; k++) s += pool[Math.floor(rnd() * pool.length)];
      names.push(s.trim() || '王');
    }
    const expected = [...names].sort(collator.compare);
    expect(byKey(names)).toEqual(expected);
  });

  it('gives a prefix range holding exactly the names that start with a surname', () => {
    const { from, to } = strokeKeyPrefixRange('王');
    const inRange = (n: string) => strokeSortKey(n) >= from && strokeSortKey(n) < to;
    expect(['王', '王小明', '王大同'].every(inRange)).toBe(true);
    expect(['丁王', '玉小明', '汪明'].some(inRange)).toBe(false);
  });

  it('ranks a character missing from the table after every listed one', () => {
    expect(byKey(['𠀋', '龘', '王'])).toEqual(['王', '龘', '𠀋']);
  });

  it('matches the running ICU: the checked-in table is what scripts/stroke-order.ts writes today', () => {
    // On failure Node's ICU orders some character differently: regenerate the table and add a
    // migration that recomputes patients.name_sort.
    expect(readFileSync(join(import.meta.dirname, 'stroke-order.txt'), 'utf8')).toBe(strokeOrderTable());
  });
});
