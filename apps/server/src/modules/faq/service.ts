// The FAQ bot: the clinic's questions with their wordings and answers, its synonym list, the
// matcher's index (built once per clinic and cached until an edit), the questions patients asked
// (for the trainer queue and the answer figures) and the trainer's decisions.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { writeStatements } from '../../db/write-transaction.ts';
import { recordAudit, type Actor, type AuditEntry } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors, type ErrorDetail } from '../../platform/errors.ts';
import { clinicService } from '../clinics/service.ts';
import { describeHours } from '../line/hours.ts';
import {
  buildIndex,
  DEFAULT_MARGIN,
  DEFAULT_THRESHOLD,
  match,
  similarity,
  terms,
  wordingKey,
  type Candidate,
  type FaqIndex,
} from './matcher.ts';
import { faqRepository, type FaqRow, type QuestionRow, type SynonymRow, type WordingRow } from './repository.ts';
import type { FaqAnswerValue, FaqInput } from './schemas.ts';
import { STARTER_FAQS, STARTER_SYNONYMS } from './starter.ts';

export type Faq = {
  id: string;
  title: string;
  category: string;
  wordings: string[];
  answer: FaqAnswerValue;
  enabled: boolean;
  hits: number;
  lastHitAt: string | null;
  helpful: number;
  notHelpful: number;
  updatedAt: string;
};

export type MatchOutcome = {
  answered: boolean;
  reason: 'answered' | 'low_confidence' | 'ambiguous' | 'no_match';
  best: (Candidate & { title: string }) | null;
  candidates: (Candidate & { title: string })[];
  /** The enabled FAQ answered, from the same index as the match. */
  faq: Faq | null;
  /** Whether the sentence has anything to match (「謝謝」, emoji and stickers' words have not). */
  meaningful: boolean;
};

/** Questions kept in the trainer queue's grouping (the newest); older open ones wait for these to be handled. */
const QUEUE_LIMIT = 2000;
/** Two questions whose bigrams and characters overlap at least this much are one group. */
const GROUP_SIMILARITY = 0.5;
/** Below this confidence the closest FAQ is no real suggestion (it shares a character or two). */
const SUGGEST_MIN = 0.15;
/** The question text as stored (a 5,000-character message is kept, but not whole). */
const STORED_TEXT = 500;

type Built = { version: number; index: FaqIndex; faqs: Map<string, Faq> };
// Per database (tests open many) and clinic. The version in faq_settings moves with every edit,
// in whichever process it happened, so a worker's cache follows edits made through the API.
const cache = new WeakMap<Kysely<DB>, Map<string, Built>>();

const toAnswer = (json: string): FaqAnswerValue => {
  const a = JSON.parse(json) as Partial<FaqAnswerValue>;
  return { text: a.text ?? '', buttons: a.buttons ?? [] };
};

function toFaq(r: FaqRow, wordings: string[], feedback: Map<string, { helpful: number; notHelpful: number }>): Faq {
  const f = feedback.get(r.id);
  return {
    id: r.id,
    title: r.title,
    category: r.category,
    wordings,
    answer: toAnswer(r.answer),
    enabled: r.enabled === 1,
    hits: r.hits,
    lastHitAt: r.last_hit_at,
    helpful: f?.helpful ?? 0,
    notHelpful: f?.notHelpful ?? 0,
    updatedAt: r.updated_at,
  };
}

const cleanList = (xs: string[]) => {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of xs.map((s) => s.trim()).filter(Boolean)) {
    const k = wordingKey(x);
    if (k && !seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  }
  return out;
};

/** Problems of an answer that would fail or mislead at send time. */
function checkAnswer(a: FaqAnswerValue, faqIds: Set<string>): ErrorDetail[] {
  const d: ErrorDetail[] = [];
  if (!a.text.trim()) d.push({ field: 'answer.text', code: 'required', message: '請填寫回答內容' });
  a.buttons.forEach((b, i) => {
    const field = `answer.buttons.${i}.value`;
    if (!b.label.trim()) d.push({ field: `answer.buttons.${i}.label`, code: 'required', message: '請填寫按鈕文字' });
    if (b.action === 'uri' && !/^(https?:\/\/[^\s]+|tel:[+\d-]+)$/i.test(b.value.trim()))
      d.push({
        field,
        code: 'format',
        message: '網址需以 https:// 或 http:// 開頭，電話以 tel: 開頭（例如 tel:0223456789）',
      });
    if (b.action === 'message' && b.value.length > 300)
      d.push({ field, code: 'maxLength', message: '代送的文字最多 300 字' });
    if (b.action === 'faq' && !faqIds.has(b.value)) d.push({ field, code: 'faq', message: '找不到要顯示的常見問題' });
  });
  return d;
}

/** The clinic's details an answer may name: {clinic} {hours} {phone} {address}. */
export function fillAnswer(
  a: FaqAnswerValue,
  clinic: {
    name: string;
    phone: string;
    address: string;
    businessHours: { weekday: number; open: string; close: string }[];
  },
): FaqAnswerValue {
  // each worked out only when the answer names it (most answers name none: no hours in words per answer)
  const vars: Record<string, () => string> = {
    clinic: () => clinic.name,
    hours: () => (clinic.businessHours.length ? describeHours(clinic.businessHours) : '請來電洽詢'),
    phone: () => clinic.phone || '（請洽櫃台）',
    address: () => clinic.address || '（請洽櫃台）',
  };
  const fill = (s: string) => s.replace(/\{(clinic|hours|phone|address)\}/g, (_, k: string) => vars[k]());
  return { text: fill(a.text), buttons: a.buttons.map((b) => ({ ...b, value: fill(b.value) })) };
}

export function faqService(deps: Deps) {
  const db = deps.db;
  const repo = faqRepository(db);
  const now = () => deps.clock.now().toISOString();

  /**
   * Copies the starter set into a clinic the first time its FAQs are used (once: a clinic that
   * deleted them all keeps them gone). Returns the clinic's edit version.
   */
  async function ensureSeeded(clinicId: string): Promise<number> {
    const s = await repo.settings(clinicId);
    if (s) return s.version;
    await db.transaction().execute(async (trx) => {
      const r = faqRepository(trx);
      const at = now();
      if (!(await r.claimSeed(clinicId, at))) return;
      const wordings: WordingRow[] = [];
      for (const f of STARTER_FAQS) {
        const id = newId();
        await r.insertFaq({
          id,
          clinic_id: clinicId,
          title: f.title,
          category: f.category,
          answer: JSON.stringify({ text: f.text, buttons: [] }),
          enabled: 1,
          hits: 0,
          last_hit_at: null,
          created_at: at,
          updated_at: at,
        });
        cleanList([f.title, ...f.wordings]).forEach((text, position) =>
          wordings.push({
            id: newId(),
            clinic_id: clinicId,
            faq_id: id,
            text,
            norm: wordingKey(text),
            position,
            created_at: at,
          }),
        );
      }
      await r.insertWordings(wordings);
      await r.insertSynonyms(
        STARTER_SYNONYMS.map((terms) => ({
          id: newId(),
          clinic_id: clinicId,
          terms: JSON.stringify(terms),
          created_at: at,
          updated_at: at,
        })),
      );
    });
    return (await repo.settings(clinicId))?.version ?? 0;
  }

  async function loadAll(clinicId: string): Promise<Faq[]> {
    const [rows, wordings, feedback] = await Promise.all([
      repo.faqs(clinicId),
      repo.wordings(clinicId),
      repo.feedbackByFaq(clinicId),
    ]);
    const byFaq = new Map<string, string[]>();
    for (const w of wordings) {
      const list = byFaq.get(w.faq_id) ?? [];
      list.push(w.text);
      byFaq.set(w.faq_id, list);
    }
    const fb = new Map<string, { helpful: number; notHelpful: number }>();
    for (const f of feedback) {
      const e = fb.get(f.faq_id!) ?? { helpful: 0, notHelpful: 0 };
      if (f.feedback === 'helpful') e.helpful += Number(f.n);
      else if (f.feedback === 'not_helpful') e.notHelpful += Number(f.n);
      fb.set(f.faq_id!, e);
    }
    return rows.map((r) => toFaq(r, byFaq.get(r.id) ?? [], fb));
  }

  const synonymGroups = async (clinicId: string) =>
    (await repo.synonyms(clinicId)).map((s) => JSON.parse(s.terms) as string[]);

  /** The clinic's index, rebuilt only when an edit moved the version. */
  async function built(clinicId: string): Promise<Built> {
    const version = await ensureSeeded(clinicId);
    let perDb = cache.get(db);
    if (!perDb) cache.set(db, (perDb = new Map()));
    const hit = perDb.get(clinicId);
    if (hit && hit.version === version) return hit;
    const [faqs, groups] = await Promise.all([loadAll(clinicId), synonymGroups(clinicId)]);
    const b: Built = {
      version,
      index: buildIndex(
        faqs.map((f) => ({ id: f.id, wordings: f.wordings, enabled: f.enabled })),
        groups,
      ),
      faqs: new Map(faqs.map((f) => [f.id, f])),
    };
    perDb.set(clinicId, b);
    return b;
  }

  /** Marks the open ones of these questions as reviewed; how many were open. */
  async function reviewQuestions(
    r: ReturnType<typeof faqRepository>,
    clinicId: string,
    ids: string[],
    review: string,
    actor: Actor,
  ): Promise<number> {
    const found = (await r.questionsById(clinicId, ids)).filter((q) => q.review === 'open');
    if (!found.length && ids.length) {
      const any = await r.questionsById(clinicId, ids);
      if (!any.length) throw errors.notFound('提問');
    }
    await r.review(
      clinicId,
      found.map((q) => q.id),
      review,
      actor.id,
      now(),
    );
    return found.length;
  }

  /**
   * A change by staff: its writes, the version bump that makes every process rebuild the bot's
   * index, and its audit entry in one transaction — never a change without its audit record.
   */
  async function audited<T>(
    clinicId: string,
    actor: Actor,
    ip: string,
    audit: (result: T) => Pick<AuditEntry, 'action' | 'entityType' | 'entityId' | 'detail'>,
    write: (trx: Transaction<DB>) => Promise<T>,
  ): Promise<T> {
    await ensureSeeded(clinicId);
    return db.transaction().execute(async (trx) => {
      const result = await write(trx);
      await faqRepository(trx).bumpVersion(clinicId);
      await recordAudit(trx, deps.clock, { clinicId, actor, ip, ...audit(result) });
      return result;
    });
  }

  /** Wordings of `input` that another FAQ of the clinic already has (or repeated within it). */
  async function checkInput(clinicId: string, input: FaqInput, selfId: string | null): Promise<ErrorDetail[]> {
    const d: ErrorDetail[] = [];
    if (!input.title.trim()) d.push({ field: 'title', code: 'required', message: '請填寫問題標題' });
    const raw = input.wordings.map((s) => s.trim()).filter(Boolean);
    if (raw.length === 0) d.push({ field: 'wordings', code: 'minItems', message: '至少需要一種問法' });
    const keys = new Map<string, string>();
    raw.forEach((w, i) => {
      const k = wordingKey(w);
      if (!k) d.push({ field: `wordings.${i}`, code: 'empty', message: `「${w}」沒有可比對的文字` });
      else if (keys.has(k)) d.push({ field: `wordings.${i}`, code: 'duplicate', message: `問法「${w}」重複了` });
      else keys.set(k, w);
    });
    const taken = await repo.wordingsByNorm(clinicId, [...keys.keys(), wordingKey(input.title)].filter(Boolean));
    const faqs = new Map((await repo.faqs(clinicId)).map((f) => [f.id, f.title]));
    for (const t of taken) {
      if (t.faq_id === selfId) continue;
      const i = raw.findIndex((w) => wordingKey(w) === t.norm);
      d.push({
        field: i >= 0 ? `wordings.${i}` : 'title',
        code: 'duplicate',
        message: `問法「${t.text}」已屬於「${faqs.get(t.faq_id) ?? '另一則常見問題'}」`,
      });
    }
    return d.concat(checkAnswer(input.answer, new Set(faqs.keys())));
  }

  async function saveWordings(trx: Kysely<DB>, clinicId: string, faqId: string, input: FaqInput, at: string) {
    const r = faqRepository(trx);
    await r.deleteWordingsOf(clinicId, faqId);
    // The title is asked too: a patient who types it gets the answer.
    await r.insertWordings(
      cleanList([input.title, ...input.wordings]).map((text, position) => ({
        id: newId(),
        clinic_id: clinicId,
        faq_id: faqId,
        text,
        norm: wordingKey(text),
        position,
        created_at: at,
      })),
    );
  }

  const svc = {
    threshold: DEFAULT_THRESHOLD,
    ensureSeeded,

    async list(clinicId: string) {
      await ensureSeeded(clinicId);
      return loadAll(clinicId);
    },

    async get(clinicId: string, id: string) {
      const f = (await svc.list(clinicId)).find((x) => x.id === id);
      if (!f) throw errors.notFound('常見問題');
      return f;
    },

    async create(clinicId: string, input: FaqInput, actor: Actor, ip: string) {
      await ensureSeeded(clinicId);
      const d = await checkInput(clinicId, input, null);
      if (d.length) throw errors.validation(d);
      const id = newId();
      const at = now();
      const audit = () => ({
        action: 'faq.created',
        entityType: 'faq',
        entityId: id,
        detail: { title: input.title.trim() },
      });
      await audited(clinicId, actor, ip, audit, async (trx) => {
        await faqRepository(trx).insertFaq({
          id,
          clinic_id: clinicId,
          title: input.title.trim(),
          category: input.category.trim(),
          answer: JSON.stringify(input.answer),
          enabled: input.enabled ? 1 : 0,
          hits: 0,
          last_hit_at: null,
          created_at: at,
          updated_at: at,
        });
        await saveWordings(trx, clinicId, id, input, at);
      });
      return svc.get(clinicId, id);
    },

    async update(clinicId: string, id: string, input: FaqInput, actor: Actor, ip: string) {
      if (!(await repo.faq(clinicId, id))) throw errors.notFound('常見問題');
      const d = await checkInput(clinicId, input, id);
      if (d.length) throw errors.validation(d);
      const at = now();
      const audit = () => ({
        action: 'faq.updated',
        entityType: 'faq',
        entityId: id,
        detail: { title: input.title.trim() },
      });
      await audited(clinicId, actor, ip, audit, async (trx) => {
        await faqRepository(trx).updateFaq(clinicId, id, {
          title: input.title.trim(),
          category: input.category.trim(),
          answer: JSON.stringify(input.answer),
          enabled: input.enabled ? 1 : 0,
          updated_at: at,
        });
        await saveWordings(trx, clinicId, id, input, at);
      });
      return svc.get(clinicId, id);
    },

    async remove(clinicId: string, id: string, actor: Actor, ip: string) {
      const audit = () => ({ action: 'faq.deleted', entityType: 'faq', entityId: id });
      await audited(clinicId, actor, ip, audit, async (trx) => {
        if (!(await faqRepository(trx).deleteFaq(clinicId, id))) throw errors.notFound('常見問題');
      });
    },

    async synonyms(clinicId: string) {
      await ensureSeeded(clinicId);
      return (await repo.synonyms(clinicId)).map((s) => ({ id: s.id, terms: JSON.parse(s.terms) as string[] }));
    },

    async checkSynonyms(clinicId: string, input: string[], selfId: string | null) {
      const terms = cleanList(input);
      const d: ErrorDetail[] = [];
      if (terms.length < 2) d.push({ field: 'terms', code: 'minItems', message: '同義詞群組至少需要兩個不同的詞' });
      const others = (await svc.synonyms(clinicId)).filter((s) => s.id !== selfId);
      for (const t of terms) {
        const other = others.find((o) => o.terms.some((x) => wordingKey(x) === wordingKey(t)));
        if (other)
          d.push({
            field: 'terms',
            code: 'duplicate',
            message: `「${t}」已在「${other.terms.join(' = ')}」這組同義詞中`,
          });
      }
      if (d.length) throw errors.validation(d);
      return terms;
    },

    async createSynonym(clinicId: string, input: string[], actor: Actor, ip: string) {
      const terms = await svc.checkSynonyms(clinicId, input, null);
      const row: SynonymRow = {
        id: newId(),
        clinic_id: clinicId,
        terms: JSON.stringify(terms),
        created_at: now(),
        updated_at: now(),
      };
      const audit = () => ({
        action: 'faq.synonyms_saved',
        entityType: 'faq_synonym',
        entityId: row.id,
        detail: { terms },
      });
      await audited(clinicId, actor, ip, audit, (trx) => faqRepository(trx).insertSynonyms([row]));
      return { id: row.id, terms };
    },

    async updateSynonym(clinicId: string, id: string, input: string[], actor: Actor, ip: string) {
      if (!(await repo.synonym(clinicId, id))) throw errors.notFound('同義詞');
      const terms = await svc.checkSynonyms(clinicId, input, id);
      const audit = () => ({
        action: 'faq.synonyms_saved',
        entityType: 'faq_synonym',
        entityId: id,
        detail: { terms },
      });
      await audited(clinicId, actor, ip, audit, (trx) =>
        faqRepository(trx).updateSynonym(clinicId, id, { terms: JSON.stringify(terms), updated_at: now() }),
      );
      return { id, terms };
    },

    async removeSynonym(clinicId: string, id: string, actor: Actor, ip: string) {
      const audit = () => ({ action: 'faq.synonyms_deleted', entityType: 'faq_synonym', entityId: id });
      await audited(clinicId, actor, ip, audit, async (trx) => {
        if (!(await faqRepository(trx).deleteSynonym(clinicId, id))) throw errors.notFound('同義詞');
      });
    },

    /** Which FAQ a sentence gets (the bot's decision), with the runner-ups. */
    async match(clinicId: string, text: string): Promise<MatchOutcome> {
      const b = await built(clinicId);
      const r = match(b.index, text);
      const named = (c: Candidate) => ({ ...c, title: b.faqs.get(c.faqId)?.title ?? '' });
      const candidates = r.candidates.map(named);
      const top = candidates[0] ?? null;
      const reason = r.best
        ? 'answered'
        : !top
          ? 'no_match'
          : top.confidence >= DEFAULT_THRESHOLD
            ? 'ambiguous'
            : 'low_confidence';
      return {
        answered: !!r.best,
        reason,
        best: r.best ? named(r.best) : null,
        candidates,
        faq: r.best ? (b.faqs.get(r.best.faqId) ?? null) : null,
        meaningful: terms(text, b.index.syn).size > 0,
      };
    },

    /** The answer as sent: the clinic's name, hours, phone and address filled in. */
    async filledAnswer(clinicId: string, faq: Faq): Promise<FaqAnswerValue> {
      return fillAnswer(faq.answer, await clinicService(deps).get(clinicId));
    },

    /** The enabled FAQ with this id (a button that shows another FAQ). */
    async enabledFaq(clinicId: string, id: string): Promise<Faq | null> {
      const f = (await built(clinicId)).faqs.get(id);
      return f?.enabled ? f : null;
    },

    async test(clinicId: string, text: string) {
      const m = await svc.match(clinicId, text);
      return {
        answered: m.answered,
        reason: m.reason,
        best: m.best,
        candidates: m.candidates,
        threshold: DEFAULT_THRESHOLD,
        margin: DEFAULT_MARGIN,
        answer: m.faq ? await svc.filledAnswer(clinicId, m.faq) : null,
      };
    },

    // --- questions patients asked -------------------------------------------------------------

    questionByEvent: (clinicId: string, eventKey: string) => repo.questionByEvent(clinicId, eventKey),

    /**
     * Records a question once per LINE event. Questions with nothing to match (「謝謝」, stickers'
     * words, emoji) are kept for the figures but stay out of the trainer queue.
     */
    async recordQuestion(
      clinicId: string,
      q: { eventKey: string; lineUserId: string; text: string; outcome: MatchOutcome },
    ): Promise<{ row: QuestionRow; inserted: boolean }> {
      const meaningful = q.outcome.meaningful;
      const top = q.outcome.candidates[0] ?? null;
      const row: QuestionRow = {
        id: newId(),
        clinic_id: clinicId,
        event_key: q.eventKey,
        line_user_id: q.lineUserId,
        text: q.text.slice(0, STORED_TEXT),
        faq_id: q.outcome.best?.faqId ?? null,
        suggested_faq_id: q.outcome.best ? null : (top?.faqId ?? null),
        confidence: q.outcome.best?.confidence ?? top?.confidence ?? 0,
        outcome: q.outcome.answered ? 'answered' : top ? 'low_confidence' : 'unanswered',
        replied_at: null,
        feedback: null,
        feedback_at: null,
        review: q.outcome.answered || !meaningful ? 'none' : 'open',
        reviewed_at: null,
        reviewed_by: null,
        asked_at: now(),
      };
      // The question and its FAQ's hit count (counted only when the question is new) in one write:
      // one commit for the worker, the write lock held only while the two statements run.
      const [returned] = await writeStatements(db, deps.dialect, [
        repo.insertQuestionQuery(row),
        ...(row.faq_id ? [repo.hitForQuestionQuery(clinicId, row.faq_id, row.id, row.asked_at)] : []),
      ]);
      const inserted = returned > 0;
      return { row: inserted ? row : (await repo.questionByEvent(clinicId, q.eventKey))!, inserted };
    },

    markReplied: (clinicId: string, id: string) => repo.updateQuestion(clinicId, id, { replied_at: now() }),
    /** The same, built, not run: written with the answer's message log (hook.ts). */
    markRepliedQuery: (clinicId: string, id: string) => repo.updateQuestionQuery(clinicId, id, { replied_at: now() }),

    /** An answer the bot could not send (the reply token had expired): a person answers it. */
    markUnsent: (clinicId: string, id: string) =>
      repo.updateQuestion(clinicId, id, { outcome: 'unsent', review: 'none' }),

    /**
     * The patient's 有幫助 / 沒幫助 on an answer. 沒幫助 puts the question in the trainer queue.
     * Returns null for a question that is not this user's, else whether this changed anything.
     */
    async feedback(clinicId: string, lineUserId: string, questionId: string, helpful: boolean) {
      const q = await repo.question(clinicId, questionId);
      if (!q || q.line_user_id !== lineUserId || q.outcome !== 'answered') return null;
      const value = helpful ? 'helpful' : 'not_helpful';
      const title = (await repo.faq(clinicId, q.outcome === 'answered' ? q.faq_id! : ''))?.title ?? '';
      if (q.feedback === value) return { changed: false, faqTitle: title, question: q.text };
      await repo.updateQuestion(clinicId, questionId, {
        feedback: value,
        feedback_at: now(),
        ...(helpful ? (q.review === 'open' ? { review: 'none' } : {}) : q.review === 'none' ? { review: 'open' } : {}),
      });
      return { changed: true, faqTitle: title, question: q.text };
    },

    // --- trainer queue --------------------------------------------------------------------------

    /** Open questions grouped by similarity, biggest group first, each with the FAQ it is closest to. */
    async queue(clinicId: string) {
      const b = await built(clinicId);
      const rows = await repo.openQuestions(clinicId, QUEUE_LIMIT);
      const groups: { key: Map<string, number>; rows: QuestionRow[] }[] = [];
      for (const r of rows) {
        const t = terms(r.text, b.index.syn);
        const g = groups.find((x) => similarity(x.key, t) >= GROUP_SIMILARITY);
        if (g) g.rows.push(r);
        else groups.push({ key: t, rows: [r] });
      }
      const out = groups.map((g) => {
        const asked = g.rows.map((r) => r.asked_at).sort();
        const m = match(b.index, g.rows[0].text);
        const top = m.candidates[0];
        return {
          text: g.rows[0].text,
          samples: cleanList(g.rows.map((r) => r.text)).slice(0, 5),
          count: g.rows.length,
          firstAskedAt: asked[0],
          lastAskedAt: asked.at(-1)!,
          questionIds: g.rows.map((r) => r.id),
          unanswered: g.rows.filter((r) => r.outcome !== 'answered').length,
          notHelpful: g.rows.filter((r) => r.feedback === 'not_helpful').length,
          suggestion:
            top && top.confidence >= SUGGEST_MIN ? { ...top, title: b.faqs.get(top.faqId)?.title ?? '' } : null,
        };
      });
      out.sort((a, b2) => b2.count - a.count || b2.lastAskedAt.localeCompare(a.lastAskedAt));
      return { groups: out, total: rows.length };
    },

    /** Adds a question as a wording of an FAQ; the group's questions leave the queue. */
    async addWording(
      clinicId: string,
      input: { questionIds: string[]; faqId: string; wording: string },
      actor: Actor,
      ip: string,
    ) {
      const f = await repo.faq(clinicId, input.faqId);
      if (!f) throw errors.notFound('常見問題');
      const text = input.wording.trim();
      const norm = wordingKey(text);
      if (!norm) throw errors.validation([{ field: 'wording', code: 'empty', message: '問法沒有可比對的文字' }]);
      const [taken] = await repo.wordingsByNorm(clinicId, [norm]);
      if (taken && taken.faq_id !== f.id) {
        const other = await repo.faq(clinicId, taken.faq_id);
        throw errors.validation([
          { field: 'wording', code: 'duplicate', message: `這個問法已屬於「${other?.title ?? '另一則常見問題'}」` },
        ]);
      }
      const at = now();
      const updated = await audited<number>(
        clinicId,
        actor,
        ip,
        (n) => ({
          action: 'faq.wording_added',
          entityType: 'faq',
          entityId: f.id,
          detail: { wording: text, questions: n },
        }),
        async (trx) => {
          const r = faqRepository(trx);
          if (!taken)
            await r.insertWordings([
              {
                id: newId(),
                clinic_id: clinicId,
                faq_id: f.id,
                text,
                norm,
                position: Number(await r.maxPosition(clinicId, f.id)) + 1,
                created_at: at,
              },
            ]);
          await r.updateFaq(clinicId, f.id, { updated_at: at });
          return reviewQuestions(r, clinicId, input.questionIds, 'added', actor);
        },
      );
      return { updated };
    },

    async createFromQuestions(
      clinicId: string,
      input: { questionIds: string[]; faq: FaqInput },
      actor: Actor,
      ip: string,
    ) {
      const created = await svc.create(clinicId, input.faq, actor, ip);
      const updated = await svc.review(clinicId, input.questionIds, 'created', actor);
      return { updated, faq: created };
    },

    async dismiss(clinicId: string, questionIds: string[], actor: Actor, ip: string) {
      const audit = (n: number) => ({
        action: 'faq.questions_dismissed',
        entityType: 'faq_question',
        entityId: questionIds[0],
        detail: { questions: n },
      });
      const updated = await audited<number>(clinicId, actor, ip, audit, (trx) =>
        reviewQuestions(faqRepository(trx), clinicId, questionIds, 'dismissed', actor),
      );
      return { updated };
    },

    review: (clinicId: string, ids: string[], review: string, actor: Actor) =>
      reviewQuestions(repo, clinicId, ids, review, actor),

    /**
     * Answer figures of [from, to) (ISO instants): questions the bot was asked, how many it
     * answered, and the patients' feedback on those answers.
     */
    async stats(clinicId: string, from: string, to: string) {
      const rows = await repo.stats(clinicId, from, to);
      let asked = 0;
      let answered = 0;
      let helpful = 0;
      let notHelpful = 0;
      for (const r of rows) {
        const n = Number(r.n);
        asked += n;
        if (r.outcome === 'answered') answered += n;
        if (r.feedback === 'helpful') helpful += n;
        if (r.feedback === 'not_helpful') notHelpful += n;
      }
      return { asked, answered, unanswered: asked - answered, helpful, notHelpful };
    },
  };
  return svc;
}

export type FaqService = ReturnType<typeof faqService>;
