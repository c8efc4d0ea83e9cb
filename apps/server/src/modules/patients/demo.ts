// The demo clinic's patients for the synthetic Careline history (npm run demo; see
// modules/binding/demo.ts): who has a mobile number, and the LINE light of those it binds.
import { writeTransaction } from '../../db/write-transaction.ts';
import type { Deps } from '../../platform/deps.ts';
import { patientDemoRepository } from './demo.repository.ts';

export type DemoContact = { id: string; mobile: string | null; mobileHash: string | null; lineStatus: string };

export async function demoPatientContacts(deps: Deps, clinicId: string): Promise<DemoContact[]> {
  return (await patientDemoRepository(deps.db).contacts(clinicId)).map((r) => ({
    id: r.id,
    mobile: r.phone_is_mobile ? r.phone_e164 : null,
    mobileHash: r.phone_is_mobile ? r.phone_hash : null,
    lineStatus: r.line_status,
  }));
}

export async function markDemoBound(deps: Deps, clinicId: string, rows: { id: string; at: string }[]): Promise<void> {
  await writeTransaction(deps.db, deps.dialect, (trx) => patientDemoRepository(trx).markBound(clinicId, rows));
}
