// LINE notification messages (docs/taiwan.md): a clinic whose LINE Official Account LINE has
// approved for them may reach a patient who is not a friend by phone number. The switch lives
// on the channel (admin, audited); the reminder dispatcher reads it, and the quota page counts
// these messages apart from pushes (they are billed apart).
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { linePnpRepository } from './pnp.repository.ts';

export function linePnpService(deps: Deps) {
  const repo = linePnpRepository(deps.db);
  return {
    /** Whether reminders may go as LINE notification messages (false without a channel). */
    enabled: async (clinicId: string) => (await repo.enabled(clinicId)) ?? false,
    /** Turns LINE notification messages on or off for the clinic's channel. */
    async setEnabled(clinicId: string, enabled: boolean, actor: Actor, ip: string): Promise<void> {
      const before = await repo.enabled(clinicId);
      if (before === undefined)
        throw new AppError('LINE_NOT_CONNECTED', 409, '尚未設定 LINE 官方帳號，請先到「設定 → LINE 官方帳號」填寫');
      if (before === enabled) return;
      await repo.setEnabled(clinicId, enabled, deps.clock.now().toISOString());
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: enabled ? 'line.pnp_enabled' : 'line.pnp_disabled',
        entityType: 'line_channel',
        ip,
        detail: { enabled },
      });
    },
    /** LINE notification messages sent since an instant (billed apart from the month's pushes). */
    countSent: (clinicId: string, since: string) => repo.countSent(clinicId, since),
  };
}
