// Which reminder rules use a template: a rule's own template, and the per-doctor / per-visit-type
// overrides that switch a rule to another one. Shown in the template list, and the reason a
// template in use cannot be deleted.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { doctorsByHisIds } from '../doctors/service.ts';
import type { ReminderSettings } from './rules.ts';
import type { Template } from './templates.ts';

export type TemplateUse = { ruleId: string; ruleName: string; override: string | null };

/** The HIS ids of the doctors that overrides name (to look their names up for people). */
const overrideDoctorIds = (s: Pick<ReminderSettings, 'overrides'>): string[] => [
  ...new Set(s.overrides.flatMap((o) => (o.doctorId ? [o.doctorId] : []))),
];

/** HIS id → name of the doctors the overrides name. */
export async function overrideDoctorNames(
  db: Kysely<DB> | Transaction<DB>,
  clinicId: string,
  s: Pick<ReminderSettings, 'overrides'>,
): Promise<Map<string, string>> {
  const ids = overrideDoctorIds(s);
  if (!ids.length) return new Map();
  return new Map([...(await doctorsByHisIds(db, clinicId, ids))].map(([id, d]) => [id, d.name]));
}

/** `doctorNames`: HIS id → name; a doctor missing from it is shown by the HIS id. */
export function templateUses(
  s: Pick<ReminderSettings, 'rules' | 'overrides'>,
  templateId: string,
  doctorNames: ReadonlyMap<string, string> = new Map(),
): TemplateUse[] {
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
        override: [
          o.doctorId ? (doctorNames.get(o.doctorId) ? `${doctorNames.get(o.doctorId)}醫師` : `醫師 ${o.doctorId}`) : '',
          o.visitType ? `看診類別 ${o.visitType}` : '',
        ]
          .filter(Boolean)
          .join('、'),
      })),
  ];
}

/** In zh-TW: "看診前 48 小時提醒、看診當天提醒（看診類別 植牙）". */
export const describeUses = (uses: TemplateUse[]): string =>
  uses.map((u) => (u.override ? `${u.ruleName}（${u.override}）` : u.ruleName)).join('、');

export const withUsage = (
  templates: Template[],
  s: Pick<ReminderSettings, 'rules' | 'overrides'>,
  doctorNames: ReadonlyMap<string, string> = new Map(),
) => templates.map((t) => ({ ...t, usedBy: templateUses(s, t.id, doctorNames) }));
