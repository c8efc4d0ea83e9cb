// Writes apps/server/src/modules/patients/stroke-order.txt: the characters a name is made of,
// in the order Intl.Collator('zh-Hant-TW') puts them (zh-Hant's default collation is stroke
// order, 筆畫順序). One line per group of characters the collator ranks equal at the base
// level (such as a A á Á); within a line, tab-separated groups of characters it ranks equal up
// to accents (a A, then á Á), each group in the collator's order (case, width). The
// table is checked in so that stored sort keys do not change when Node's ICU data does;
// stroke-order.unit.test.ts fails when the running ICU disagrees (then regenerate, and add a
// migration that recomputes patients.name_sort).
//
//   npx node scripts/stroke-order.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RANGES: [number, number][] = [
  [0x0020, 0x007e], // ASCII letters, digits, punctuation, space
  [0x00a0, 0x024f], // Latin-1 supplement, Latin extended A/B (accented letters, ·)
  [0x2010, 0x2027], // dashes, quotes, ‧ (hyphenation point, used between parts of a name)
  [0x3000, 0x303f], // CJK symbols and punctuation
  [0x3040, 0x30ff], // kana (・)
  [0x3100, 0x312f], // bopomofo
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xff01, 0xff9f], // fullwidth ASCII, halfwidth katakana
];

export function strokeOrderTable(): string {
  const full = new Intl.Collator('zh-Hant-TW');
  const base = new Intl.Collator('zh-Hant-TW', { sensitivity: 'base' });
  const accent = new Intl.Collator('zh-Hant-TW', { sensitivity: 'accent' });
  const chars: string[] = [];
  for (const [a, b] of RANGES)
    for (let cp = a; cp <= b; cp++) {
      const c = String.fromCodePoint(cp);
      // Unassigned, control and format characters never appear in a name; characters the
      // collator ignores (compare equal to nothing) add nothing to a key.
      if (/[\p{Cn}\p{Cc}\p{Cf}\p{Cs}\p{Co}]/u.test(c) || c.normalize('NFC') !== c || full.compare(c, '') === 0)
        continue;
      chars.push(c);
    }
  chars.sort((x, y) => full.compare(x, y) || x.codePointAt(0)! - y.codePointAt(0)!);
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (i === 0) line = c;
    else if (base.compare(chars[i - 1], c) !== 0) {
      lines.push(line);
      line = c;
    } else if (full.compare(chars[i - 1], c) === 0) {
      // Only canonically equivalent characters compare fully equal, and those are left out above.
      throw new Error(`${chars[i - 1]} and ${c} compare equal: the key would need another level`);
    } else line += accent.compare(chars[i - 1], c) === 0 ? c : `\t${c}`;
  }
  lines.push(line);
  return `${lines.join('\n')}\n`;
}

if (import.meta.main) {
  const file = join(import.meta.dirname, '../apps/server/src/modules/patients/stroke-order.txt');
  writeFileSync(file, strokeOrderTable());
  console.log(`wrote ${file}`);
}
