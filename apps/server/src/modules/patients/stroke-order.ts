// Sort key for names in the order people in Taiwan expect: by stroke count (筆畫), as
// Intl.Collator('zh-Hant-TW') orders them. Neither database can do that the same way (SQLite
// has no ICU collation; PostgreSQL's depends on the ICU build), so the key is computed here,
// stored with the name (patients.name_sort) and compared byte by byte by both.
//
// The key mirrors the collator's levels: first every character's base rank (a, A, á and Á
// share one), then — only when the name has a character that shares its base rank — a
// separator, every character's accent rank (a = A < á = Á), a separator and every character's
// own rank (a < A). Ranks come from stroke-order.txt (scripts/stroke-order.ts), 4 base-36 digits
// each; a character missing from the table (a rare extension-B ideograph, an emoji) ranks after
// every listed one, by code point.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const WIDTH = 4;
/** Below every rank: ends the base part, so a name sorts before the names it is the start of. */
const SEPARATOR = '0'.repeat(WIDTH);

type Table = {
  base: Map<string, number>;
  accent: Map<string, number>;
  own: Map<string, number>;
  shared: Set<string>;
  size: number;
};
let table: Table | null = null;

function load(): Table {
  const t: Table = { base: new Map(), accent: new Map(), own: new Map(), shared: new Set(), size: 0 };
  const lines = readFileSync(join(import.meta.dirname, 'stroke-order.txt'), 'utf8').split('\n');
  let base = 0;
  let accent = 0;
  let own = 0;
  for (const line of lines) {
    if (!line) continue;
    base++;
    const groups = line.split('\t');
    const shared = [...groups.join('')].length > 1;
    for (const group of groups) {
      accent++;
      for (const c of group) {
        t.base.set(c, base);
        t.accent.set(c, accent);
        t.own.set(c, ++own);
        if (shared) t.shared.add(c);
      }
    }
  }
  t.size = own;
  return t;
}

const encode = (n: number) => n.toString(36).toUpperCase().padStart(WIDTH, '0');

/** The stroke-order sort key of a name (compare keys as bytes: SQLite's BINARY, PostgreSQL's "C"). */
export function strokeSortKey(name: string): string {
  const t = (table ??= load());
  let base = '';
  let accent = '';
  let own = '';
  let tie = false;
  for (const c of name.normalize('NFC')) {
    const unknown = t.size + c.codePointAt(0)!;
    base += encode(t.base.get(c) ?? unknown);
    accent += encode(t.accent.get(c) ?? unknown);
    own += encode(t.own.get(c) ?? unknown);
    if (t.shared.has(c)) tie = true;
  }
  return tie ? base + SEPARATOR + accent + SEPARATOR + own : base;
}

/** Key range of the names that start with `prefix`'s characters (as ranked at the base level). */
export function strokeKeyPrefixRange(prefix: string): { from: string; to: string } {
  const t = (table ??= load());
  let from = '';
  for (const c of prefix.normalize('NFC')) from += encode(t.base.get(c) ?? t.size + c.codePointAt(0)!);
  return { from, to: `${from}~` };
}
