// Seed 004's figures from the message log: of the questions patients wrote (incoming text
// messages), how many got an answer (from the bot or a person), the share the bot answered, the
// share handed to a person (every question the bot did not answer waits for one), and the median
// time people took to answer (from the first message of a wait — the moment it showed as 待回覆 —
// to the first staff message). Per day or per week (Monday first) in the clinic's time zone.
//
// Who answered is read from the outgoing message's source: FAQ answers, automatic replies and the
// reminder-text proposals are the bot; staff messages are a person; acknowledgements, hand-off
// notices, case openings and reminders answer nothing (the question keeps waiting).
import type { Deps } from '../../platform/deps.ts';
import { addDays, localParts, weekdayOf, zonedTime } from '../../platform/time.ts';
import { lineMetricsRepository, type MetricRow } from './metrics.repository.ts';

export type Granularity = 'day' | 'week';

export type AnswerFigures = {
  questions: number;
  answeredByBot: number;
  answeredByPerson: number;
  unanswered: number;
  /** (bot + person) / questions; null without questions. */
  answerRate: number | null;
  botShare: number | null;
  handedShare: number | null;
  /** Median minutes from a wait's start to the first staff message; null without samples. */
  medianFirstResponseMinutes: number | null;
  /** How many waits a person answered (the median's sample). */
  personResponses: number;
};

export type Responder = 'bot' | 'person' | null;

/** Who an outgoing message's source speaks for: the bot, a person, or nobody (it answers nothing). */
export function responderOf(source: string): Responder {
  if (source === 'staff' || source.startsWith('staff:') || source.startsWith('inbox')) return 'person';
  if (
    source.startsWith('faq:') ||
    source.startsWith('auto_reply:') ||
    source === 'reminder_text' ||
    source === 'reminder.answer'
  )
    return 'bot';
  return null;
}

/** How long after a period's end an answer still counts (an evening question answered next morning). */
export const ANSWER_GRACE_DAYS = 7;

type Question = { at: string; by: Responder };
type Wait = { start: string; minutes: number };

/** The questions and the people's response times in a message log (rows per user in time order). */
export function readLog(rows: MetricRow[]): { questions: Question[]; waits: Wait[] } {
  const questions: Question[] = [];
  const waits: Wait[] = [];
  let user = '';
  let pending: Question[] = [];
  for (const r of rows) {
    if (r.line_user_id !== user) {
      user = r.line_user_id;
      pending = [];
    }
    if (r.direction === 'in') {
      if (r.kind === 'text' && r.source === 'user') {
        const q: Question = { at: r.created_at, by: null };
        questions.push(q);
        pending.push(q);
      }
      continue;
    }
    const who = responderOf(r.source);
    if (!who || pending.length === 0) continue;
    for (const q of pending) q.by = who;
    if (who === 'person')
      waits.push({
        start: pending[0].at,
        minutes: (Date.parse(r.created_at) - Date.parse(pending[0].at)) / 60_000,
      });
    pending = [];
  }
  return { questions, waits };
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 1000);

export function figuresOf(questions: Question[], waits: Wait[]): AnswerFigures {
  const bot = questions.filter((q) => q.by === 'bot').length;
  const person = questions.filter((q) => q.by === 'person').length;
  const med = median(waits.map((w) => w.minutes));
  return {
    questions: questions.length,
    answeredByBot: bot,
    answeredByPerson: person,
    unanswered: questions.length - bot - person,
    answerRate: ratio(bot + person, questions.length),
    botShare: ratio(bot, questions.length),
    handedShare: ratio(questions.length - bot, questions.length),
    medianFirstResponseMinutes: med === null ? null : Math.round(med * 10) / 10,
    personResponses: waits.length,
  };
}

/** The first day of the bucket a local date falls in. */
export function bucketOf(date: string, granularity: Granularity): string {
  return granularity === 'day' ? date : addDays(date, -((weekdayOf(date) + 6) % 7));
}

export function lineMetrics(deps: Deps) {
  const repo = lineMetricsRepository(deps.db);
  return {
    /**
     * The questions (with who answered them) and the people's waits that started in [start, end),
     * answers up to `answersUntil` counted: the reports' daily roll-up reads the log this way.
     */
    async log(clinicId: string, start: string, end: string, answersUntil: string) {
      const log = readLog(await repo.messagesBetween(clinicId, start, answersUntil > end ? answersUntil : end));
      const inPeriod = (at: string) => at >= start && at < end;
      return {
        questions: log.questions.filter((q) => inPeriod(q.at)),
        waits: log.waits.filter((w) => inPeriod(w.start)),
      };
    },
    /**
     * Answer figures for the local dates [from, to] (inclusive) in `timeZone`, in total and per
     * day or week. Answers up to ANSWER_GRACE_DAYS after the period (and before now) count.
     */
    async answerFigures(clinicId: string, from: string, to: string, timeZone: string, granularity: Granularity) {
      const start = zonedTime(from, '00:00', timeZone).toISOString();
      const end = zonedTime(addDays(to, 1), '00:00', timeZone).toISOString();
      const nowIso = deps.clock.now().toISOString();
      const graceEnd = zonedTime(addDays(to, 1 + ANSWER_GRACE_DAYS), '00:00', timeZone).toISOString();
      const rows = await repo.messagesBetween(clinicId, start, graceEnd < nowIso ? graceEnd : nowIso);
      const log = readLog(rows);
      const inPeriod = (at: string) => at >= start && at < end;
      const questions = log.questions.filter((q) => inPeriod(q.at));
      const waits = log.waits.filter((w) => inPeriod(w.start));
      const local = (at: string) => bucketOf(localParts(new Date(at), timeZone).date, granularity);
      const buckets: string[] = [];
      for (let d = bucketOf(from, granularity); d <= to; d = addDays(d, granularity === 'day' ? 1 : 7)) buckets.push(d);
      return {
        total: figuresOf(questions, waits),
        series: buckets.map((b) => ({
          period: b,
          ...figuresOf(
            questions.filter((q) => local(q.at) === b),
            waits.filter((w) => local(w.start) === b),
          ),
        })),
      };
    },
  };
}
