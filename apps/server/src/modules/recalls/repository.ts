// SQL on recall rules and the recall list. Every method takes the clinic id.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RecallRulesTable, RecallsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type RuleRow = Selectable<RecallRulesTable>;
export type RecallRow = Selectable<RecallsTable>;

export function recallRepository(db: Db) {
  return {
    rules: (clinicId: string, enabledOnly = false) => {
      let q = db.selectFrom('recall_rules').selectAll().where('clinic_id', '=', clinicId);
      if (enabledOnly) q = q.where('enabled', '=', 1);
      return q.orderBy('created_at').execute();
    },
    insertRule: (row: RuleRow) => db.insertInto('recall_rules').values(row).execute(),
    async updateRule(clinicId: string, id: string, patch: Partial<RuleRow>) {
      const r = await db
        .updateTable('recall_rules')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async deleteRule(clinicId: string, id: string) {
      const r = await db
        .deleteFrom('recall_rules')
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    ruleInUse: async (clinicId: string, ruleId: string) =>
      !!(await db
        .selectFrom('recalls')
        .select('id')
        .where('clinic_id', '=', clinicId)
        .where('rule_id', '=', ruleId)
        .executeTakeFirst()),

    /** A page of the list with each entry's rule name, latest due date first. */
    page: (clinicId: string, f: { status?: string; ruleId?: string; limit: number; offset: number }) => {
      let q = db
        .selectFrom('recalls as r')
        .innerJoin('recall_rules as rr', 'rr.id', 'r.rule_id')
        .selectAll('r')
        .select('rr.name as rule_name')
        .where('r.clinic_id', '=', clinicId);
      if (f.status) q = q.where('r.status', '=', f.status);
      if (f.ruleId) q = q.where('r.rule_id', '=', f.ruleId);
      return q.orderBy('r.due_date', 'desc').orderBy('r.id').limit(f.limit).offset(f.offset).execute();
    },
    get: (clinicId: string, id: string) =>
      db.selectFrom('recalls').selectAll().where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
    /** Whether this visit already put the patient on the list for this rule. */
    listed: async (clinicId: string, ruleId: string, patientId: string, basisVisitAt: string) =>
      !!(await db
        .selectFrom('recalls')
        .select('id')
        .where('clinic_id', '=', clinicId)
        .where('rule_id', '=', ruleId)
        .where('patient_id', '=', patientId)
        .where('basis_visit_at', '=', basisVisitAt)
        .executeTakeFirst()),
    /** Inserts unless the same rule already listed the patient for the same visit; returns whether it did. */
    async insertOnce(row: RecallRow): Promise<boolean> {
      const r = await db
        .insertInto('recalls')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'rule_id', 'patient_id', 'basis_visit_at']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async update(clinicId: string, id: string, patch: Partial<RecallRow>) {
      const r = await db
        .updateTable('recalls')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    openOfPatient: async (clinicId: string, patientId: string) =>
      (
        await db
          .selectFrom('recalls')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('patient_id', '=', patientId)
          .where('status', 'in', ['due', 'sent'])
          .execute()
      ).map((r) => r.id),
    setStatus: (clinicId: string, ids: string[], status: string, note: string, at: string, onlyFrom?: string) => {
      let q = db
        .updateTable('recalls')
        .set({ status, note, updated_at: at })
        .where('clinic_id', '=', clinicId)
        .where('id', 'in', ids);
      if (onlyFrom) q = q.where('status', '=', onlyFrom);
      return q.execute();
    },
  };
}
