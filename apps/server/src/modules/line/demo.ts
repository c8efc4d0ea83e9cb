// The demo clinic's LINE history (npm run demo): the friends behind the demo's past bindings, the
// message log of the past (reminders, replies, patients' questions with the FAQ's and the front
// desk's answers), written with the timestamps of the past and never sent to LINE. Synthetic,
// deterministic (seeded), so the reports' inbox and message-cost figures have a history.
import { writeTransaction } from '../../db/write-transaction.ts';
import { logNormal } from '../../platform/demo-random.ts';
import type { Deps } from '../../platform/deps.ts';
import { localParts, zonedTime, addDays } from '../../platform/time.ts';
import { lineDemoRepository } from './demo.repository.ts';
import { lineRepository } from './repository.ts';

export type DemoMessage = {
  lineUserId: string;
  direction: 'in' | 'out';
  kind: string;
  text: string;
  source: string;
  method: 'push' | 'reply' | 'pnp' | null;
  relatedType?: string;
  relatedId?: string;
  at: string;
};

/** Collects the past messages of several modules, then writes them in time order (ids follow time). */
export function demoMessageLog(clinicId: string) {
  const rows: DemoMessage[] = [];
  return {
    add: (...m: DemoMessage[]) => void rows.push(...m),
    get size() {
      return rows.length;
    },
    async write(deps: Deps): Promise<number> {
      rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      await writeTransaction(deps.db, deps.dialect, (trx) =>
        lineRepository(trx).logMessages(
          rows.map((m) => ({
            clinic_id: clinicId,
            line_user_id: m.lineUserId,
            direction: m.direction,
            kind: m.kind,
            text: m.text,
            payload: '{}',
            source: m.source,
            method: m.method,
            related_type: m.relatedType ?? null,
            related_id: m.relatedId ?? null,
            created_at: m.at,
          })),
        ),
      );
      return rows.length;
    },
  };
}
export type DemoMessageLog = ReturnType<typeof demoMessageLog>;

/** The friends (followed at `at`, still friends) behind the demo's past bindings. */
export async function recordDemoFriends(
  deps: Deps,
  clinicId: string,
  friends: { lineUserId: string; displayName: string; at: string }[],
): Promise<void> {
  const now = deps.clock.now().toISOString();
  await writeTransaction(deps.db, deps.dialect, (trx) =>
    lineDemoRepository(trx).insertFriends(
      friends.map((f) => ({
        clinic_id: clinicId,
        line_user_id: f.lineUserId,
        display_name: f.displayName,
        picture_url: null,
        state: 'friend',
        followed_at: f.at,
        blocked_at: null,
        unblocked_at: null,
        last_event_at: f.at,
        created_at: now,
        updated_at: now,
      })),
    ),
  );
}

/** Questions the FAQ answers (the bot), and ones a person answers. */
const FAQ_QUESTIONS: [string, string, string][] = [
  ['請問週六有看診嗎？', 'faq:hours', '本院週一至週六 9:00–21:00 看診，週日休診。'],
  ['請問附近哪裡可以停車？', 'faq:parking', '診所旁有收費停車場，看診可折抵 1 小時。'],
  ['洗牙要帶健保卡嗎？', 'faq:nhi-card', '請攜帶健保卡；洗牙健保每半年一次。'],
  ['請問診所幾點開始看診？', 'faq:hours', '本院週一至週六 9:00–21:00 看診，週日休診。'],
  ['兒童塗氟要自費嗎？', 'faq:fluoride', '未滿 6 歲兒童每半年一次塗氟由健保給付。'],
];
const PERSON_QUESTIONS = [
  '我昨天補的牙今天有點痠，這樣正常嗎？',
  '可以幫我查一下下次回診是哪一天嗎？',
  '我想改下週的時間，請問還有晚上的空檔嗎？',
  '假牙的費用大概多少？可以分期嗎？',
  '小孩牙齒有黑點，需要先預約檢查嗎？',
  '請問陳醫師下週哪幾天有看診？',
  '拔完智齒還在流血，需要回診嗎？',
  '我的收據可以補開嗎？',
];
const PERSON_ANSWERS = [
  '您好，這邊幫您查詢後回覆，請稍候。',
  '您好，已幫您確認，詳細請見以下說明，有問題歡迎再詢問。',
  '您好，建議您先來電或回覆方便的時段，我們幫您安排。',
];

/**
 * Patients' questions over LINE between `from` and `to` (about `perDay` a day, from users bound by
 * then): about half answered by the FAQ at once, the rest by the front desk — within minutes in
 * opening hours (faster as the team got used to the inbox), the next morning after hours.
 */
export function addDemoInbox(
  log: DemoMessageLog,
  users: { lineUserId: string; at: string }[],
  o: { from: Date; to: Date; timeZone: string; perDay: number; rnd: () => number },
): number {
  const { rnd, timeZone } = o;
  let questions = 0;
  const start = o.from.getTime();
  const span = o.to.getTime() - start;
  const bound = [...users].sort((a, b) => (a.at < b.at ? -1 : 1));
  for (let day = localParts(o.from, timeZone).date; ; day = addDays(day, 1)) {
    const dayStart = zonedTime(day, '00:00', timeZone).getTime();
    if (dayStart >= o.to.getTime()) break;
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    const n = Math.round(o.perDay * (weekday === 0 ? 0.5 : 1) * (0.6 + rnd() * 0.8));
    for (let i = 0; i < n; i++) {
      // Most questions come in opening hours; some in the late evening or early morning.
      const minute = rnd() < 0.88 ? Math.floor(9 * 60 + rnd() * 12 * 60) : Math.floor(21 * 60 + rnd() * 11 * 60) % 1440;
      const at = dayStart + minute * 60_000 + Math.floor(rnd() * 60_000);
      if (at < start || at >= o.to.getTime()) continue;
      const atIso = new Date(at).toISOString();
      const candidates = bound.filter((b) => b.at < atIso);
      if (!candidates.length) continue;
      const user = candidates[Math.floor(rnd() * candidates.length)].lineUserId;
      questions++;
      if (rnd() < 0.48) {
        const [q, source, a] = FAQ_QUESTIONS[Math.floor(rnd() * FAQ_QUESTIONS.length)];
        log.add(
          { lineUserId: user, direction: 'in', kind: 'text', text: q, source: 'user', method: null, at: atIso },
          {
            lineUserId: user,
            direction: 'out',
            kind: 'text',
            text: a,
            source,
            method: 'reply',
            at: new Date(at + 2_000).toISOString(),
          },
        );
        continue;
      }
      const q = PERSON_QUESTIONS[Math.floor(rnd() * PERSON_QUESTIONS.length)];
      // Opening hours 9:00–21:00, Monday to Saturday. The team answers faster month by month, and
      // later on often answers after-hours questions (evenings, Sundays) from the duty phone
      // instead of the next opening morning.
      const progress = (at - start) / span;
      const open = weekday !== 0 && minute >= 9 * 60 && minute < 20.5 * 60;
      const learning = 1.8 - 1.1 * progress;
      let answerAt: number;
      if (open) answerAt = at + Math.min(logNormal(rnd, 14 * learning, 0.8), 240) * 60_000;
      else if (rnd() < 0.15 + 0.6 * progress) answerAt = at + logNormal(rnd, 40, 0.6) * 60_000;
      else {
        let next = addDays(day, minute >= 9 * 60 ? 1 : 0);
        if (new Date(`${next}T12:00:00Z`).getUTCDay() === 0) next = addDays(next, 1);
        answerAt = zonedTime(next, '09:00', timeZone).getTime() + logNormal(rnd, 20, 0.7) * 60_000;
      }
      const a = PERSON_ANSWERS[Math.floor(rnd() * PERSON_ANSWERS.length)];
      log.add({ lineUserId: user, direction: 'in', kind: 'text', text: q, source: 'user', method: null, at: atIso });
      if (answerAt < o.to.getTime())
        log.add({
          lineUserId: user,
          direction: 'out',
          kind: 'text',
          text: a,
          source: 'staff',
          method: 'push',
          at: new Date(Math.round(answerAt)).toISOString(),
        });
    }
  }
  return questions;
}
