// The demo clinic's complaints of the past (npm run demo): about one a week since go-live, from
// patients on LINE, each acknowledged and answered by the front desk (nearly always within the
// clinic's limits: 4 and 24 open hours by default), closed, and most rated by the patient.
// Written with the timestamps of the past (cases and their events), nothing sent; synthetic and
// deterministic (seeded), so the complaint KPIs of 報表 have a history (reports/demo.ts).
import type { Insertable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { demoId, logNormal } from '../../platform/demo-random.ts';
import type { Deps } from '../../platform/deps.ts';
import { localParts, zonedTime } from '../../platform/time.ts';
import { clinicService } from '../clinics/service.ts';
import { addOpenMinutes, type OpenHours } from './clock.ts';
import { caseRepository, type CaseRow } from './repository.ts';
import { DEFAULT_SETTINGS } from './service.ts';

const COMPLAINTS: [string, string][] = [
  ['wait_time', '預約 10 點，等到快 11 點才看到醫師，希望可以準時一點。'],
  ['attitude', '打電話詢問時櫃台口氣不太好，感覺很不耐煩。'],
  ['fees', '結帳時才知道有自費項目，事前沒有說明清楚。'],
  ['explanation', '拔牙後的注意事項沒有講清楚，回家後不知道能不能吃東西。'],
  ['booking', '收到提醒說要改期，但打電話都沒人接。'],
  ['environment', '候診區冷氣太冷，小朋友一直發抖。'],
];

export async function seedDemoComplaints(
  deps: Deps,
  clinicId: string,
  o: { from: Date; to: Date; users: { patientId: string; lineUserId: string; at: string }[]; rnd: () => number },
): Promise<number> {
  const { rnd } = o;
  const clinic = await clinicService(deps).get(clinicId);
  const oh: OpenHours = {
    timeZone: clinic.timeZone,
    hours: clinic.businessHours,
    isWorkingDay: () => true,
    businessHoursOnly: DEFAULT_SETTINGS.businessHoursOnly,
  };
  const cases: CaseRow[] = [];
  const events: Insertable<DB['case_events']>[] = [];
  // About one complaint a week: one at a random moment of each week of the period, so that no
  // month is left without (uniform draws over the whole period left one now and then, and the
  // month's complaint KPIs of 報表 empty).
  const span = o.to.getTime() - o.from.getTime();
  const n = Math.max(1, Math.round(span / (7 * 86_400_000)));
  const starts = Array.from({ length: n }, (_, i) => o.from.getTime() + ((i + rnd()) / n) * span);
  const year = new Map<number, number>();
  const ratedMonths = new Set<string>();
  let rateds = 0;
  for (const start of starts) {
    // Complaints come in between 8:00 and 22:00 (the clocks start when the clinic opens).
    const local = localParts(new Date(start), oh.timeZone);
    const created = zonedTime(
      local.date,
      `${String(8 + Math.floor(rnd() * 14)).padStart(2, '0')}:${local.time.slice(3)}`,
      oh.timeZone,
    );
    if (created.getTime() >= o.to.getTime()) continue;
    const createdIso = created.toISOString();
    const candidates = o.users.filter((u) => u.at < createdIso);
    if (!candidates.length) continue;
    const who = candidates[Math.floor(rnd() * candidates.length)];
    const [category, text] = COMPLAINTS[Math.floor(rnd() * COMPLAINTS.length)];
    const firstDue = addOpenMinutes(created, DEFAULT_SETTINGS.firstActionMinutes, oh);
    const replyDue = addOpenMinutes(created, DEFAULT_SETTINGS.replyMinutes, oh);
    // The front desk acknowledges within ~1 open hour (one in twelve late) and answers within a
    // day; of the patients who rate, about one in eight is not satisfied. A fixed rhythm rather
    // than a draw, so a month of four or five complaints does not swing by chance.
    const late = cases.length % 12 === 7;
    const firstAt = addOpenMinutes(created, late ? 300 : Math.min(logNormal(rnd, 45, 0.7), 200), oh);
    const repliedAt = addOpenMinutes(created, Math.min(logNormal(rnd, 300, 0.6), 1300), oh);
    if (!firstDue || !replyDue || !firstAt || !repliedAt || repliedAt.getTime() >= o.to.getTime()) continue;
    const closedAt = new Date(repliedAt.getTime() + (1 + rnd() * 47) * 3_600_000);
    // Three in four rate the handling, and the first of each month always does (a month's
    // satisfaction KPI has an answer to count).
    const month = local.date.slice(0, 7);
    const rated = !ratedMonths.has(month) || cases.length % 4 !== 2;
    if (rated) ratedMonths.add(month);
    const k = rated ? rateds++ : -1;
    const satisfaction = !rated ? null : k % 8 !== 5 ? 'satisfied' : k % 16 === 13 ? 'unsatisfied' : 'neutral';
    const y = Number(local.date.slice(0, 4));
    const seq = (year.get(y) ?? (await caseRepository(deps.db).maxSeq(clinicId, y))) + 1;
    year.set(y, seq);
    const id = demoId(rnd);
    const closed = closedAt.getTime() < o.to.getTime();
    cases.push({
      id,
      clinic_id: clinicId,
      year: y,
      seq,
      number: `C-${y}-${String(seq).padStart(4, '0')}`,
      kind: 'complaint',
      category,
      severity: 'normal',
      status: closed ? 'closed' : 'replied',
      source: 'line',
      source_ref: null,
      owner_id: null,
      owner_label: '櫃台',
      patient_id: who.patientId,
      line_user_id: who.lineUserId,
      contact_name: '',
      contact_method: 'line',
      contact_phone: null,
      contact_time: null,
      text,
      first_action_due_at: firstDue.toISOString(),
      reply_due_at: replyDue.toISOString(),
      first_action_at: firstAt.toISOString(),
      replied_at: repliedAt.toISOString(),
      closed_at: closed ? closedAt.toISOString() : null,
      first_action_escalated_at: late ? firstDue.toISOString() : null,
      reply_escalated_at: null,
      satisfaction: closed ? satisfaction : null,
      satisfaction_at: closed && satisfaction ? new Date(closedAt.getTime() + 3_600_000).toISOString() : null,
      created_at: createdIso,
      updated_at: (closed ? closedAt : repliedAt).toISOString(),
    });
    const ev = (kind: string, at: Date, t: string, channel: string | null = null) =>
      events.push({
        clinic_id: clinicId,
        case_id: id,
        kind,
        text: t,
        channel,
        actor_label: '櫃台',
        created_at: at.toISOString(),
      });
    ev('opened', created, text, 'line');
    ev('acknowledged', firstAt, '已致電病患了解狀況');
    ev('replied', repliedAt, '已向病患說明並致歉，會改善流程。', 'line');
    if (closed) ev('closed', closedAt, '');
  }
  await writeTransaction(deps.db, deps.dialect, async (trx) => {
    const repo = caseRepository(trx);
    for (const c of cases) await repo.insert(c);
    for (const e of events) await repo.addEvent(e);
  });
  return cases.length;
}
