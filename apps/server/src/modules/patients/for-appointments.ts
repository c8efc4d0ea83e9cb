// What the appointments module asks of patients: the ids a front-desk search text matches
// (the appointment list's search box).
import type { Deps } from '../../platform/deps.ts';
import { appointmentPatientRepository } from './for-appointments.repository.ts';

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** What a search box text means: digits → phone suffix / chart number / HIS id; else a name. */
export function parseSearch(raw: string): { name: string | null; digits: string | null; text: string } {
  const text = raw.normalize('NFC').trim();
  const compact = text.replace(/[\s\-()+.]/g, '');
  if (/^\d+$/.test(compact)) {
    let d = compact;
    if (d.startsWith('886')) d = d.slice(3);
    if (d.startsWith('0') && d.length >= 9) d = d.slice(1);
    return { name: null, digits: d, text: compact };
  }
  return { name: text, digits: null, text };
}

/**
 * Ids of the patients a front-desk search text matches (at most `limit`): exact chart number
 * or HIS id, a full phone number (keyed hash), the last 3+ digits of a phone, or part of a name.
 */
export async function searchPatientIds(
  deps: Pick<Deps, 'db' | 'dialect' | 'crypto'>,
  clinicId: string,
  raw: string,
  limit: number,
): Promise<string[]> {
  const repo = appointmentPatientRepository(deps.db);
  const s = parseSearch(raw);
  const ids = new Set<string>();
  for (const r of await repo.exactIds(clinicId, s.text, limit)) ids.add(r.id);
  if (s.digits !== null) {
    if (s.digits.length === 9) {
      for (const r of await repo.phoneHashIds(clinicId, deps.crypto.lookupHash(`+886${s.digits}`), limit))
        ids.add(r.id);
    } else if (s.digits.length >= 3) {
      for (const r of await repo.scanIds(clinicId, deps.dialect, { phoneTail: s.digits }, limit)) ids.add(r.id);
    }
  } else {
    for (const r of await repo.scanIds(clinicId, deps.dialect, { nameLike: `%${escapeLike(s.name!)}%` }, limit))
      ids.add(r.id);
  }
  return [...ids].slice(0, limit);
}
