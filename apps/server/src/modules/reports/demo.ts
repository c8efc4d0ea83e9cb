// The demo clinic's reports (npm run demo): the fake HIS's year of visits has Careline "going
// live" 120 days ago (fewer no-shows and cancellations after it, scripts/fake-his.ts), so the
// baseline is set to the three months before that, and the roll-ups are built at every demo
// start — the dashboard, the value page and the monthly report open populated, not `building`.
import { systemActor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { addDays, localParts } from '../../platform/time.ts';
import { clinicService } from '../clinics/service.ts';
import { reportRepository } from './repository.ts';
import { runRollup } from './rollup.ts';
import { DEFAULT_SETTINGS, reportService } from './service.ts';

/** How many days ago the demo clinic started with Careline (the fake HIS's history agrees). */
export const DEMO_LIVE_DAYS_AGO = 120;

export async function seedDemoReports(deps: Deps, clinicId: string): Promise<{ from: string; to: string }> {
  if (!(await reportRepository(deps.db).settings(clinicId))) {
    const tz = (await clinicService(deps).get(clinicId)).timeZone;
    const live = addDays(localParts(deps.clock.now(), tz).date, -DEMO_LIVE_DAYS_AGO);
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
