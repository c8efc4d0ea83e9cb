// Admins' changes to the message templates beyond saving one: a new template under a new id,
// deleting one (refused while a rule or an override uses it; a built-in one can only be reset
// to its shipped text), and the preparation notes of one visit type, written into the settings
// document under its row lock so that a concurrent save of the rules cannot undo it (and the
// other way round). Each change and its audit record are one transaction.
import { randomBytes } from 'node:crypto';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { reminderRepository } from './repository.ts';
import { lockedSettings, reminderService, type TemplateInput } from './service.ts';
import { describeUses, overrideDoctorNames, templateUses } from './template-usage.ts';
import { BUILT_IN_TEMPLATES } from './templates.ts';

export function templateAdmin(deps: Deps) {
  const { db } = deps;
  const now = () => deps.clock.now().toISOString();
  const svc = reminderService(deps);

  return {
    /** A new template under a new id ("t-" and 8 random characters). */
    async create(clinicId: string, input: { name: string; body: TemplateInput }, actor: Actor, ip: string) {
      const id = `t-${randomBytes(6)
        .toString('base64url')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '0')}`;
      return svc.putTemplate(clinicId, id, input, actor, ip);
    },

    async remove(clinicId: string, id: string, actor: Actor, ip: string): Promise<void> {
      const t = await svc.getTemplate(clinicId, id);
      if (t.builtIn)
        throw errors.conflict(
          'TEMPLATE_BUILT_IN',
          `「${t.name}」是內建範本，不能刪除；若要回到原本的內容，請用「還原預設內容」。`,
        );
      await db.transaction().execute(async (trx) => {
        // Under the settings lock: a rule saved meanwhile waits, then finds the template gone.
        const settings = await lockedSettings(trx, deps, clinicId, actor);
        const uses = templateUses(settings, id, await overrideDoctorNames(trx, clinicId, settings));
        if (uses.length)
          throw errors.conflict(
            'TEMPLATE_IN_USE',
            `「${t.name}」正由這些提醒規則使用，不能刪除：${describeUses(uses)}。請先到「提醒規則」改用其他範本。`,
            { usedBy: uses },
          );
        if (!(await reminderRepository(trx).deleteTemplate(clinicId, id))) throw errors.notFound('訊息範本');
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'reminders.template_deleted',
          entityType: 'reminder_template',
          entityId: id,
          ip,
          detail: { name: t.name },
        });
      });
    },

    /** A built-in template back to its shipped text (the clinic's edited copy is removed). */
    async reset(clinicId: string, id: string, actor: Actor, ip: string) {
      if (!BUILT_IN_TEMPLATES.some((b) => b.id === id)) {
        await svc.getTemplate(clinicId, id); // 404 when it does not exist at all
        throw new AppError('TEMPLATE_NOT_BUILT_IN', 409, '只有內建範本可以還原預設內容；自訂範本請直接修改或刪除。');
      }
      await db.transaction().execute(async (trx) => {
        await reminderRepository(trx).deleteTemplate(clinicId, id);
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'reminders.template_reset',
          entityType: 'reminder_template',
          entityId: id,
          ip,
        });
      });
      return svc.getTemplate(clinicId, id);
    },

    /** One visit type's preparation notes ('' = every other type); null or blank text removes them. */
    async putPreparation(clinicId: string, visitType: string, text: string | null, actor: Actor, ip: string) {
      const note = text?.trim() || null;
      return db.transaction().execute(async (trx) => {
        const s = await lockedSettings(trx, deps, clinicId, actor);
        const before = s.preparations[visitType] ?? null;
        const preparations = { ...s.preparations };
        if (note === null) delete preparations[visitType];
        else preparations[visitType] = note;
        await reminderRepository(trx).saveSettings({
          clinic_id: clinicId,
          settings: JSON.stringify({ ...s, preparations }),
          updated_by: actor.label,
          updated_at: now(),
        });
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'reminders.preparation_saved',
          entityType: 'reminder_rules',
          entityId: visitType || '(default)',
          ip,
          detail: { visitType, before, after: note },
        });
        return { preparations };
      });
    },
  };
}
