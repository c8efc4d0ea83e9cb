// The demo clinic's online booking: two doctors open for the common short visits, so the LIFF
// 線上預約 page of `npm run demo` has slots to pick (a new clinic opens booking on 預約規則).
import { systemActor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { doctorByHisId } from '../doctors/service.ts';
import { bookingService } from './service.ts';

const DEMO_RULE = {
  enabled: true,
  visitTypes: ['洗牙', '補牙', '兒童塗氟', '矯正回診'],
  slotMinutes: 30,
  daysAhead: 14,
  cutoffMinutes: 120,
  perSlot: 1,
};

/** Opens booking for the fake HIS's D001 and D002; returns how many doctors were opened. */
export async function seedDemoBooking(deps: Deps, clinicId: string): Promise<number> {
  let n = 0;
  for (const hisId of ['D001', 'D002']) {
    const doctor = await doctorByHisId(deps.db, clinicId, hisId);
    if (!doctor) continue;
    await bookingService(deps).saveRule(clinicId, doctor.id, DEMO_RULE, systemActor, '127.0.0.1');
    n++;
  }
  return n;
}
