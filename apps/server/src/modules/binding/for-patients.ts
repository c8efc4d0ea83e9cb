// What the patients and recalls modules ask of LINE bindings: who is bound to a page of
// patients, moving bindings to the surviving patient of a merge (and back on undo), and the
// LINE user a message to a patient goes to. `db` is the caller's transaction when it has one.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { friendStates } from '../line/for-patients.ts';
import { bindingForPatientsRepository } from './for-patients.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type BoundFriend = { lineUserId: string; displayName: string; state: string };

/** LINE users bound to each of these patients, with their display name and follow state. */
export async function bindingsOfPatients(
  db: Db,
  clinicId: string,
  patientIds: string[],
): Promise<Map<string, BoundFriend[]>> {
  const out = new Map<string, BoundFriend[]>();
  if (!patientIds.length) return out;
  const rows = await bindingForPatientsRepository(db).ofPatients(clinicId, patientIds);
  const friends = await friendStates(
    db,
    clinicId,
    rows.map((r) => r.line_user_id),
  );
  for (const r of rows) {
    const f = friends.get(r.line_user_id);
    const list = out.get(r.patient_id) ?? [];
    list.push({ lineUserId: r.line_user_id, displayName: f?.displayName ?? '', state: f?.state ?? 'unknown' });
    out.set(r.patient_id, list);
  }
  return out;
}

/** The bound LINE user a message to this patient goes to: one who still follows the account. */
export async function reachableLineUser(db: Db, clinicId: string, patientId: string): Promise<string | null> {
  const bound = (await bindingsOfPatients(db, clinicId, [patientId])).get(patientId) ?? [];
  return bound.find((b) => b.state === 'friend')?.lineUserId ?? null;
}

/**
 * Moves every binding of `fromPatientId` to `toPatientId` (a user bound to both keeps one).
 * Returns the LINE users moved and those that were newly bound to `toPatientId`.
 */
export async function moveBindings(
  db: Db,
  clinicId: string,
  fromPatientId: string,
  toPatientId: string,
): Promise<{ moved: string[]; added: string[] }> {
  const repo = bindingForPatientsRepository(db);
  const rows = await repo.ofPatients(clinicId, [fromPatientId]);
  const added: string[] = [];
  for (const b of rows) if (await repo.insertIgnore({ ...b, patient_id: toPatientId })) added.push(b.line_user_id);
  await repo.remove(clinicId, fromPatientId);
  return { moved: rows.map((b) => b.line_user_id), added };
}

/** Undoes moveBindings: the moved users are bound to `fromPatientId` again, the added ones leave `toPatientId`. */
export async function restoreBindings(
  db: Db,
  clinicId: string,
  fromPatientId: string,
  toPatientId: string,
  moved: { moved: string[]; added: string[] },
): Promise<void> {
  const repo = bindingForPatientsRepository(db);
  for (const lineUserId of moved.moved) {
    const b = await repo.ofUserAndPatient(clinicId, lineUserId, toPatientId);
    if (!b) continue;
    await repo.insertIgnore({ ...b, patient_id: fromPatientId });
    if (moved.added.includes(lineUserId)) await repo.remove(clinicId, toPatientId, lineUserId);
  }
}
