// Seeding of `npm run bench -- peak`: clinics, each with its own LINE channel (the emulator
// child's), a doctor, and `perClinic` patients bound to the channel's users, each with an
// appointment and a reminder delivery due now — "08:00", when every clinic's reminders fall due.
import type { Deps } from '../../apps/server/src/platform/deps.ts';
import { seedDueReminders } from './due-reminders.ts';
import { peakChannel, peakUserId } from './peak-emulator.ts';

/**
 * Creates the clinic of channel `c` with `n` reminders due at `dueAt` (the same moment for every
 * clinic); rows go in clinic by clinic, as each clinic's planner writes them.
 */
export async function seedClinic(deps: Deps, c: number | 'base', n: number, dueAt: string): Promise<void> {
  await seedDueReminders(deps, {
    clinicName: c === 'base' ? '基準診所' : `尖峰診所 ${c}`,
    channel: peakChannel(c),
    userId: (i) => peakUserId(c, i),
    n,
    dueAt,
    chunk: 500,
  });
}
