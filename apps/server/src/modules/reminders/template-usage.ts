// Which reminder rules use a template: a rule's own template, and the per-doctor / per-visit-type
// overrides that switch a rule to another one. Shown in the template list, and the reason a
// template in use cannot be deleted.
import type { ReminderSettings } from './rules.ts';
import type { Template } from './templates.ts';

export type TemplateUse = { ruleId: string; ruleName: string; override: string | null };

export function templateUses(s: Pick<ReminderSettings, 'rules' | 'overrides'>, templateId: string): TemplateUse[] {
  const nameOf = (ruleId: string) => s.rules.find((r) => r.id === ruleId)?.name ?? ruleId;
  return [
    ...s.rules
      .filter((r) => r.templateId === templateId)
      .map((r) => ({ ruleId: r.id, ruleName: r.name, override: null })),
    ...s.overrides
      .filter((o) => o.templateId === templateId)
      .map((o) => ({
        ruleId: o.ruleId,
        ruleName: nameOf(o.ruleId),
        override: [o.doctorId ? `醫師 ${o.doctorId}` : '', o.visitType ? `看診類別 ${o.visitType}` : '']
          .filter(Boolean)
          .join('、'),
      })),
  ];
}

/** In zh-TW: "看診前 48 小時提醒、看診當天提醒（看診類別 植牙）". */
export const describeUses = (uses: TemplateUse[]): string =>
  uses.map((u) => (u.override ? `${u.ruleName}（${u.override}）` : u.ruleName)).join('、');

export const withUsage = (templates: Template[], s: Pick<ReminderSettings, 'rules' | 'overrides'>) =>
  templates.map((t) => ({ ...t, usedBy: templateUses(s, t.id) }));
