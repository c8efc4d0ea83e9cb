// The demo clinic's reports (npm run demo): the fake HIS's year of visits has Careline "going
// live" 120 days ago (fewer no-shows and cancellations after it, scripts/fake-his.ts), so the
// baseline is set to the three months before that, and the roll-ups are built at every demo
// start — the dashboard, the value page and the monthly report open populated, not `building`.
//
// seedDemoActivity writes the Careline side of that history once, for a new demo clinic: LINE
// bindings growing after go-live, the reminders of past visits (LINE, notification messages, SMS)
// with the patients' replies, the questions in the inbox, satisfaction surveys and complaints — each by
// its owning module's demo.ts, synthetic and deterministic (seeded), up to the start of today
// (today and the future stay as the seed and the fake HIS made them).
import { systemActor } from '../../platform/audit.ts';
import { seededRandom } from '../../platform/demo-random.ts';
import type { Deps } from '../../platform/deps.ts';
import { addDays, localParts, zonedTime } from '../../platform/time.ts';
import { seedDemoBindings } from '../binding/demo.ts';
import { seedDemoComplaints } from '../cases/demo.ts';
import { clinicService } from '../clinics/service.ts';
import { addDemoInbox, demoMessageLog } from '../line/demo.ts';
import { demoPatientContacts } from '../patients/demo.ts';
import { seedDemoReminderHistory } from '../reminders/demo.ts';
import { seedDemoSurveys } from '../satisfaction/demo.ts';
import { reportRepository } from './repository.ts';
import { runRollup } from './rollup.ts';
import { DEFAULT_SETTINGS, reportService } from './service.ts';

/** How many days ago the demo clinic started with Careline (the fake HIS's history agrees). */
export const DEMO_LIVE_DAYS_AGO = 120;

/** The demo's go-live instant and the start of today, in the clinic's zone. */
async function demoDays(deps: Deps, clinicId: string) {
  const tz = (await clinicService(deps).get(clinicId)).timeZone;
  const today = localParts(deps.clock.now(), tz).date;
  const live = addDays(today, -DEMO_LIVE_DAYS_AGO);
  return { tz, today, live, liveAt: zonedTime(live, '00:00', tz), todayAt: zonedTime(today, '00:00', tz) };
}

export async function seedDemoActivity(deps: Deps, clinicId: string, seed = 20) {
  const d = await demoDays(deps, clinicId);
  const rnd = seededRandom(seed);
  const bindings = await seedDemoBindings(deps, clinicId, { live: d.liveAt, today: d.todayAt, rnd });
  const mobiles = new Map(
    (await demoPatientContacts(deps, clinicId)).flatMap((c) => (c.mobile ? [[c.id, c.mobile] as const] : [])),
  );
  const log = demoMessageLog(clinicId);
  const reminders = await seedDemoReminderHistory(deps, clinicId, {
    live: d.liveAt,
    today: d.todayAt,
    timeZone: d.tz,
    bindings,
    mobiles,
    log,
    rnd,
  });
  const questions = addDemoInbox(log, bindings, { from: d.liveAt, to: d.todayAt, timeZone: d.tz, perDay: 9, rnd });
  const messages = await log.write(deps);
  // 滿意度: the surveys after the visits of patients on LINE since go-live.
  const surveys = await seedDemoSurveys(deps, clinicId, { bindings, days: DEMO_LIVE_DAYS_AGO - 2 });
  // 客訴: about one complaint a week, handled (nearly always) within the limits.
  const complaints = await seedDemoComplaints(deps, clinicId, { from: d.liveAt, to: d.todayAt, users: bindings, rnd });
  return { bindings: bindings.length, ...reminders, questions, messages, surveys, complaints };
}

export async function seedDemoReports(deps: Deps, clinicId: string): Promise<{ from: string; to: string }> {
  if (!(await reportRepository(deps.db).settings(clinicId))) {
    const { live } = await demoDays(deps, clinicId);
    await reportService(deps).saveSettings(
      clinicId,
      {
        ...DEFAULT_SETTINGS,
        averageVisitValueTwd: 800,
        baselinePeriod: { from: addDays(live, -91), to: addDays(live, -1) },
      },
      systemActor,
      '127.0.0.1',
    );
  }
  const r = await runRollup(deps, clinicId);
  return { from: r.from, to: r.to };
}
