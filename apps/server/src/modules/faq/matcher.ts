// Matching a patient's question against the clinic's FAQ wordings. Pure code (no database), so
// the benchmark and the test console use the same matcher as the LINE hook.
//
// A text is normalised (NFKC, lower case), synonyms are rewritten to their group's canonical
// term, and it becomes a bag of terms: the words of zh-TW word segmentation (Intl.Segmenter),
// the character bigrams of every run of letters, and single Han characters at a lower weight.
// Words carry meaning when the segmenter knows them; bigrams and characters survive other
// wordings the segmenter cuts differently (拔牙後 / 拔完牙). Every wording is a document ranked
// with BM25; an FAQ scores as its best wording. The confidence is the best score against the
// score the question would get from a wording equal to itself, so it reads 0–1 whatever the
// corpus size.

const SEGMENTER = new Intl.Segmenter('zh-TW', { granularity: 'word' });

/** Questions longer than this are matched on their start: nobody asks an FAQ in 5,000 characters. */
export const MAX_QUESTION_CHARS = 300;

/** Defaults of the LINE hook: answer at or above this confidence… */
export const DEFAULT_THRESHOLD = 0.42;
/** …and only when the next FAQ is at least this far behind (otherwise the question is ambiguous). */
export const DEFAULT_MARGIN = 0.06;

const K1 = 1.2;
const B = 0.75;
const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.8;
const CHAR_WEIGHT = 0.35;
const UNSEEN_FACTOR = 0.75;

// Particles, pronouns and politeness that say nothing about which question is asked. Question
// words (哪裡, 多少, 幾點) stay: they tell 「停車在哪裡」 from 「停車多少錢」.
const STOP_WORDS = new Set(
  (
    '嗎 呢 吧 啊 呀 啦 喔 哦 耶 欸 嘛 的 了 是 和 跟 與 及 或 就 都 也 還 很 在 這 那 這個 那個 ' +
    '我 我們 你 你們 您 妳 他 她 請 請問 想問 問 一下 麻煩 謝謝 感謝 您好 你好 哈囉 嗨 ' +
    '可以 能 能不能 可不可以 會 會不會 要 要不要 需要 需不需要 有 有沒有 沒有 不 想 我想 想要 應該 ' +
    '貴 貴診所 診所 醫生 醫師'
  ).split(' '),
);
// Single characters too common in questions to be worth a term of their own.
const STOP_CHARS = new Set(
  '嗎呢吧啊呀啦喔哦的了是我你您妳他她請問一下可以能會要有沒不想這那個們在就都也還很和跟與及或',
);

const HAN = /\p{Script=Han}/u;

/** NFKC, lower case; punctuation, symbols and emoji become spaces. */
export function normalise(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\p{Extended_Pictographic}\p{C}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The key two wordings share when they are the same question (duplicate check). */
export const wordingKey = (s: string) => normalise(s).replace(/\s+/g, '');

export type SynonymGroup = string[];

/**
 * Rewrites each synonym to its group's first term (the canonical one). Longer terms first, so
 * 停車場 wins over 停車 inside 「停車場在哪」.
 */
export type SynonymMap = { re: RegExp | null; canonical: Map<string, string> };

export function synonymMap(groups: SynonymGroup[]): SynonymMap {
  const canonical = new Map<string, string>();
  for (const g of groups) {
    const terms = g.map(wordingKey).filter(Boolean);
    if (terms.length < 2) continue;
    for (const t of terms.slice(1)) if (!canonical.has(t) && t !== terms[0]) canonical.set(t, terms[0]);
  }
  const keys = [...canonical.keys()].sort((a, b) => b.length - a.length);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { re: keys.length ? new RegExp(keys.map(esc).join('|'), 'g') : null, canonical };
}

function applySynonyms(text: string, syn: SynonymMap): string {
  if (!syn.re) return text;
  // Surrounded by spaces so the segmenter keeps the canonical term whole.
  return text.replace(syn.re, (m) => ` ${syn.canonical.get(m) ?? m} `);
}

/** Weighted terms of a text (term → weight summed over occurrences). */
export function terms(text: string, syn: SynonymMap): Map<string, number> {
  const out = new Map<string, number>();
  const add = (t: string, w: number) => out.set(t, (out.get(t) ?? 0) + w);
  const plain = normalise(text.slice(0, MAX_QUESTION_CHARS));
  if (!plain) return out;
  const norm = applySynonyms(plain, syn);
  const canonicals = new Set(syn.canonical.values());
  const words = new Set<string>();
  for (const s of SEGMENTER.segment(norm)) {
    if (!s.isWordLike) continue;
    const w = s.segment;
    words.add(w);
    if (!STOP_WORDS.has(w)) add(`w:${w}`, WORD_WEIGHT);
  }
  if (norm !== plain)
    for (const s of SEGMENTER.segment(plain)) {
      const w = s.segment;
      if (s.isWordLike && !words.has(w) && !STOP_WORDS.has(w) && !syn.canonical.has(w)) add(`w:${w}`, WORD_WEIGHT);
    }
  // Characters and bigrams of the canonical text, and of the original text where synonyms
  // changed it: 「牙齒很痛」 still shares 牙齒 with 「牙齒好痛怎麼辦」 after that became 牙痛.
  const runs = norm.split(' ');
  if (norm !== plain) for (const r of plain.split(' ')) if (!runs.includes(r)) runs.push(r);
  for (const run of runs) {
    if (!run) continue;
    // A canonical synonym counts as one word, whole, even where the segmenter splits it.
    if (canonicals.has(run)) add(`w:${run}`, WORD_WEIGHT);
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (HAN.test(c)) {
        if (!STOP_CHARS.has(c)) add(`c:${c}`, CHAR_WEIGHT);
        const n = chars[i + 1];
        if (n && HAN.test(n) && !STOP_CHARS.has(c) && !STOP_CHARS.has(n)) add(`b:${c}${n}`, BIGRAM_WEIGHT);
      }
    }
  }
  return out;
}

export type FaqDoc = { id: string; wordings: string[]; enabled?: boolean };

export type FaqIndex = {
  syn: SynonymMap;
  faqIds: string[];
  /** Per wording: its FAQ (index into faqIds) and its length in term weight. */
  docFaq: Int32Array;
  docLen: Float64Array;
  avgLen: number;
  /** term → [doc, tf, doc, tf, …] */
  postings: Map<string, number[]>;
  idf: (term: string) => number;
};

export function buildIndex(faqs: FaqDoc[], synonyms: SynonymGroup[]): FaqIndex {
  const syn = synonymMap(synonyms);
  const faqIds: string[] = [];
  const docFaq: number[] = [];
  const docLen: number[] = [];
  const postings = new Map<string, number[]>();
  for (const f of faqs) {
    if (f.enabled === false) continue;
    const fi = faqIds.push(f.id) - 1;
    for (const w of f.wordings) {
      const t = terms(w, syn);
      if (t.size === 0) continue;
      const d = docFaq.push(fi) - 1;
      let len = 0;
      for (const [term, tf] of t) {
        len += tf;
        let p = postings.get(term);
        if (!p) postings.set(term, (p = []));
        p.push(d, tf);
      }
      docLen.push(len);
    }
  }
  const n = docFaq.length;
  const avgLen = n ? docLen.reduce((a, b) => a + b, 0) / n : 1;
  const idf = (term: string) => {
    const df = (postings.get(term)?.length ?? 0) / 2;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };
  return {
    syn,
    faqIds,
    docFaq: Int32Array.from(docFaq),
    docLen: Float64Array.from(docLen),
    avgLen,
    postings,
    idf,
  };
}

export type Candidate = { faqId: string; confidence: number; score: number };
export type MatchResult = {
  /** The FAQ to answer with, or null when none is confident enough (or two are too close). */
  best: Candidate | null;
  /** The top candidates, best first (also when `best` is null: the trainer's suggestion). */
  candidates: Candidate[];
};

export function match(
  index: FaqIndex,
  question: string,
  opts: { threshold?: number; margin?: number; limit?: number } = {},
): MatchResult {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const margin = opts.margin ?? DEFAULT_MARGIN;
  const q = terms(question, index.syn);
  if (q.size === 0 || index.docFaq.length === 0) return { best: null, candidates: [] };
  const scores = new Float64Array(index.docFaq.length);
  const touched: number[] = [];
  // What a wording identical to the question would score (tf = weight, average length).
  let self = 0;
  for (const [term, qw] of q) {
    const idf = index.idf(term);
    const p = index.postings.get(term);
    // A term no wording has lowers the confidence (the question is about something else), but
    // by half: 「我家小孩三歲」 is still a question about children.
    self += idf * qw * (p ? 1 : UNSEEN_FACTOR);
    if (!p) continue;
    for (let i = 0; i < p.length; i += 2) {
      const d = p[i];
      const tf = p[i + 1];
      const norm = tf + K1 * (1 - B + (B * index.docLen[d]) / index.avgLen);
      const s = idf * qw * ((tf * (K1 + 1)) / norm);
      if (scores[d] === 0) touched.push(d);
      scores[d] += s;
    }
  }
  // The full-wording factor (K1 + 1) / (1 + K1) is 1 for tf = 1; weights below 1 make a
  // wording's score exceed `self` a little, hence the cap.
  const byFaq = new Map<number, number>();
  for (const d of touched) {
    const f = index.docFaq[d];
    const s = scores[d];
    if (s > (byFaq.get(f) ?? 0)) byFaq.set(f, s);
  }
  const ranked = [...byFaq.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, opts.limit ?? 5)
    .map(([f, s]) => ({
      faqId: index.faqIds[f],
      score: Math.round(s * 1000) / 1000,
      confidence: Math.round(Math.min(1, s / self) * 1000) / 1000,
    }));
  const top = ranked[0];
  const next = ranked[1];
  const best = top && top.confidence >= threshold && (!next || top.confidence - next.confidence >= margin) ? top : null;
  return { best, candidates: ranked };
}

/** Similarity of two questions (0–1): Jaccard over their bigrams and characters. For grouping. */
export function similarity(a: Map<string, number>, b: Map<string, number>): number {
  let inter = 0;
  let union = 0;
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const k of keys) {
    if (k.startsWith('w:')) continue;
    const x = a.get(k) ?? 0;
    const y = b.get(k) ?? 0;
    inter += Math.min(x, y);
    union += Math.max(x, y);
  }
  return union ? inter / union : 0;
}
