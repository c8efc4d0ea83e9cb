// The demo clinic's LINE bindings of the past (npm run demo): Careline went live
// DEMO_LIVE_DAYS_AGO days ago; about a fifth of the patients bound in the first two weeks (the
// QR code at the counter, the first SMS invitations), then steadily more, to about two thirds of
// them by now. Synthetic and deterministic (seeded). Patients with a visit from today on are left
// as the seed made them, so today's front desk and the upcoming reminders behave as before.
import { demoId } from '../../platform/demo-random.ts';
import type { Deps } from '../../platform/deps.ts';
import { maskPhone } from '../../platform/sms.ts';
import { demoPatientsVisitingFrom } from '../appointments/demo.ts';
import { recordDemoFriends } from '../line/demo.ts';
import { demoPatientContacts, markDemoBound } from '../patients/demo.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { bindingDemoRepository } from './demo.repository.ts';

export type DemoBinding = { patientId: string; lineUserId: string; at: string; mobile: string };

const SURNAMES = ['陳', '林', '黃', '張', '李', '王', '吳', '劉', '蔡', '楊'];
const GIVEN = ['小美', 'Amy', '阿明', '雅琪', 'Kevin', '志豪', '佳蓉', '俊傑', '怡君', 'Vicky', '宗翰', '淑芬'];

/** Binds past patients (see the header); returns every binding it wrote, oldest first. */
export async function seedDemoBindings(
  deps: Deps,
  clinicId: string,
  o: { live: Date; today: Date; rnd: () => number; share?: number },
): Promise<DemoBinding[]> {
  const { rnd } = o;
  const share = o.share ?? 0.7;
  const [contacts, visiting, existing] = await Promise.all([
    demoPatientContacts(deps, clinicId),
    demoPatientsVisitingFrom(deps, clinicId, o.today),
    bindingDemoRepository(deps.db).existing(clinicId),
  ]);
  const taken = new Set(existing.map((b) => b.patient_id));
  const live = o.live.getTime();
  const span = o.today.getTime() - live;
  const launch = 14 * 86_400_000;
  const out: DemoBinding[] = [];
  for (const c of contacts) {
    const u = rnd();
    const id = demoId(rnd);
    if (!c.mobile || !c.mobileHash || taken.has(c.id) || visiting.has(c.id) || c.lineStatus !== 'unbound') continue;
    if (u >= share) continue;
    // The launch weeks bind a quarter of those who ever bind; the rest come steadily after.
    const t =
      u < share * 0.25
        ? live + (u / (share * 0.25)) * launch
        : live + launch + ((u - share * 0.25) / (share * 0.75)) * (span - launch);
    // Binding happens in the daytime.
    const day = Math.floor(t / 86_400_000) * 86_400_000;
    const at = new Date(day + (1 + rnd() * 12) * 3_600_000);
    if (at.getTime() >= o.today.getTime()) continue;
    out.push({ patientId: c.id, lineUserId: `U${id.replace(/-/g, '')}`, at: at.toISOString(), mobile: c.mobile });
  }
  out.sort((a, b) => (a.at < b.at ? -1 : 1));
  const mobileHash = new Map(contacts.map((c) => [c.id, c.mobileHash ?? '']));
  await writeTransaction(deps.db, deps.dialect, (trx) =>
    bindingDemoRepository(trx).insert(
      out.map((b) => ({
        clinic_id: clinicId,
        line_user_id: b.lineUserId,
        patient_id: b.patientId,
        phone_hash: mobileHash.get(b.patientId) ?? '',
        phone_masked: maskPhone(b.mobile),
        created_at: b.at,
      })),
    ),
  );
  await markDemoBound(
    deps,
    clinicId,
    out.map((b) => ({ id: b.patientId, at: b.at })),
  );
  await recordDemoFriends(
    deps,
    clinicId,
    out.map((b, i) => ({
      lineUserId: b.lineUserId,
      displayName: `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}`,
      at: new Date(Date.parse(b.at) - 60_000).toISOString(),
    })),
  );
  return out;
}
