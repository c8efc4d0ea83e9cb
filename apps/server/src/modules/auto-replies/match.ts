// Matching of patients' text against the clinic's canned replies (A3). Pure functions.

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

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF, a BOM at the start. */
export function parseCsv(input: string): string[][] {
  const s = input.replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}
