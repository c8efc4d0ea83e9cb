// What the 客服成效 page shows of free-text answers to reminders: how many, read as what, how
// many became a request with one tap and how many went to a person, for local dates [from, to].
import type { Deps } from '../../platform/deps.ts';
import { addDays, zonedTime } from '../../platform/time.ts';
import { reminderTextRepository } from './repository.ts';

export async function reminderTextStats(deps: Deps, clinicId: string, from: string, to: string, timeZone: string) {
  const rows = await reminderTextRepository(deps.db).countsBetween(
    clinicId,
    zonedTime(from, '00:00', timeZone).toISOString(),
    zonedTime(addDays(to, 1), '00:00', timeZone).toISOString(),
  );
  const byIntent: Record<string, number> = {};
  let total = 0;
  let accepted = 0;
  let handed = 0;
  for (const r of rows) {
    const n = Number(r.n);
    total += n;
    byIntent[r.intent] = (byIntent[r.intent] ?? 0) + n;
    if (r.status === 'accepted') accepted += n;
    if (r.status === 'handed') handed += n;
  }
  return { total, byIntent, accepted, handed };
}
