// Matching of patients' text against the clinic's canned replies, and reading their CSV import.
// Pure functions.
import { parse } from 'csv-parse/sync';
import { errors } from '../../platform/errors.ts';

export type ReplyRule = {
  id: string;
  matchType: 'exact' | 'keyword';
  triggers: string[];
  priority: number;
  enabled: boolean;
};

/** NFKC, lower case, no spaces or punctuation: 「門診 時間？」 and 「門診時間」 compare equal. */
export function normaliseText(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/**
 * The best rule for `text`: exact matches beat keyword matches; then higher priority; then
 * the longer (more specific) trigger. Disabled rules never match.
 */
export function bestMatch<R extends ReplyRule>(rules: R[], text: string): { rule: R; trigger: string } | null {
  const t = normaliseText(text);
  if (!t) return null;
  let best: { rule: R; trigger: string; score: [number, number, number] } | null = null;
  for (const rule of rules) {
    if (!rule.enabled) continue;
    for (const trig of rule.triggers) {
      const n = normaliseText(trig);
      if (!n) continue;
      const hit = rule.matchType === 'exact' ? t === n : t.includes(n);
      if (!hit) continue;
      const score: [number, number, number] = [rule.matchType === 'exact' ? 1 : 0, rule.priority, n.length];
      if (
        !best ||
        score[0] > best.score[0] ||
        (score[0] === best.score[0] &&
          (score[1] > best.score[1] || (score[1] === best.score[1] && score[2] > best.score[2])))
      ) {
        best = { rule, trigger: trig, score };
      }
    }
  }
  return best ? { rule: best.rule, trigger: best.trigger } : null;
}

/**
 * The rows of an imported CSV (quoted fields, doubled quotes, CRLF or LF, a BOM at the start),
 * blank rows left out. A malformed file is the importer's mistake: a 400 that says where.
 */
export function parseCsv(input: string): string[][] {
  try {
    return parse(input, {
      bom: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_records_with_empty_values: true,
    });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    const where = line ? `第 ${line} 行附近` : '';
    throw errors.badRequest('CSV 格式錯誤', [
      { field: 'csv', code: 'format', message: `CSV 格式錯誤：${where}引號未成對或欄位格式不正確` },
    ]);
  }
}
