// SQL of care plans, enrolments and step sends. Every method takes the clinic id.
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CareEnrolmentsTable, CarePlansTable, CareSendsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type PlanRow = Selectable<CarePlansTable>;
export type EnrolmentRow = Selectable<CareEnrolmentsTable>;
export type SendRow = Selectable<CareSendsTable>;

const numPlan = (r: PlanRow): PlanRow => ({
  ...r,
  enabled: Number(r.enabled),
  archived: Number(r.archived),
  version: Number(r.version),
});
const numSend = (r: SendRow): SendRow => ({ ...r, step_index: Number(r.step_index) });

export function carePlanRepository(db: Db) {
  return {
    async plans(clinicId: string): Promise<PlanRow[]> {
      const rows = await db
        .selectFrom('care_plans')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('archived', '=', 0)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(numPlan);
    },
    async plan(clinicId: string, id: string): Promise<PlanRow | undefined> {
      const r = await db
        .selectFrom('care_plans')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && numPlan(r);
    },
    async hasShipped(clinicId: string): Promise<boolean> {
      const r = await db
        .selectFrom('care_plans')
        .select('id')
        .where('clinic_id', '=', clinicId)
        .where('shipped_key', 'is not', null)
        .limit(1)
        .executeTakeFirst();
      return !!r;
    },
    async insertPlans(rows: Insertable<CarePlansTable>[]): Promise<void> {
      if (!rows.length) return;
      await db
        .insertInto('care_plans')
        .values(rows)
        .onConflict((oc) => oc.columns(['clinic_id', 'shipped_key']).doNothing())
        .execute();
    },
    async updatePlan(clinicId: string, id: string, patch: Updateable<CarePlansTable>): Promise<boolean> {
      const r = await db
        .updateTable('care_plans')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async activeCounts(clinicId: string): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('care_enrolments')
        .select(['plan_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('clinic_id', '=', clinicId)
        .where('status', '=', 'active')
        .groupBy('plan_id')
        .execute();
      return new Map(rows.map((r) => [r.plan_id, Number(r.n)]));
    },

    async insertEnrolment(row: Insertable<CareEnrolmentsTable>): Promise<boolean> {
      const r = await db
        .insertInto('care_enrolments')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'idempotency_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return !!r;
    },
    async enrolment(clinicId: string, id: string): Promise<EnrolmentRow | undefined> {
      return db
        .selectFrom('care_enrolments')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
    },
    async activeOf(clinicId: string, f: { planId?: string; patientId?: string }): Promise<EnrolmentRow[]> {
      let q = db
        .selectFrom('care_enrolments')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('status', '=', 'active');
      if (f.planId) q = q.where('plan_id', '=', f.planId);
      if (f.patientId) q = q.where('patient_id', '=', f.patientId);
      return q.orderBy('created_at').execute();
    },
    async page(
      clinicId: string,
      f: { planId?: string; status?: string; patientId?: string; limit: number; offset: number },
    ): Promise<{ rows: EnrolmentRow[]; total: number }> {
      let q = db.selectFrom('care_enrolments').where('clinic_id', '=', clinicId);
      if (f.planId) q = q.where('plan_id', '=', f.planId);
      if (f.status) q = q.where('status', '=', f.status);
      if (f.patientId) q = q.where('patient_id', '=', f.patientId);
      const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await q
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.limit)
        .offset(f.offset)
        .execute();
      return { rows, total: Number(total.n) };
    },
    /** Ends an active enrolment; false when it was not active any more. */
    async end(
      clinicId: string,
      id: string,
      reason: string,
      by: string,
      at: string,
      status = 'ended',
    ): Promise<boolean> {
      const r = await db
        .updateTable('care_enrolments')
        .set({ status, end_reason: status === 'ended' ? reason : null, ended_at: at, ended_by: by, updated_at: at })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async insertSends(rows: Insertable<CareSendsTable>[]): Promise<void> {
      if (rows.length) await db.insertInto('care_sends').values(rows).execute();
    },
    async send(clinicId: string, id: string): Promise<SendRow | undefined> {
      const r = await db
        .selectFrom('care_sends')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && numSend(r);
    },
    async sendsOf(clinicId: string, enrolmentIds: string[]): Promise<SendRow[]> {
      if (!enrolmentIds.length) return [];
      const rows = await db
        .selectFrom('care_sends')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('enrolment_id', 'in', enrolmentIds)
        .orderBy('enrolment_id')
        .orderBy('step_index')
        .execute();
      return rows.map(numSend);
    },
    /** Moves a planned send on (sent / skipped / cancelled); false when another worker already did. */
    async finish(
      clinicId: string,
      id: string,
      patch: { status: string; reason?: string | null; line_user_id?: string | null; sent_at?: string | null },
      at: string,
    ): Promise<boolean> {
      const r = await db
        .updateTable('care_sends')
        .set({ ...patch, updated_at: at })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('status', '=', 'planned')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async cancelPlanned(clinicId: string, enrolmentId: string, reason: string, at: string): Promise<void> {
      await db
        .updateTable('care_sends')
        .set({ status: 'cancelled', reason, updated_at: at })
        .where('clinic_id', '=', clinicId)
        .where('enrolment_id', '=', enrolmentId)
        .where('status', '=', 'planned')
        .execute();
    },
    async plannedLeft(clinicId: string, enrolmentId: string): Promise<number> {
      const r = await db
        .selectFrom('care_sends')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('clinic_id', '=', clinicId)
        .where('enrolment_id', '=', enrolmentId)
        .where('status', '=', 'planned')
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** Records the first answer to a step's check-in; false when it was answered already. */
    async answer(clinicId: string, id: string, answer: string, route: string, at: string): Promise<boolean> {
      const r = await db
        .updateTable('care_sends')
        .set({ answer, answer_route: route, answered_at: at, updated_at: at })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('answer', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async setFollowUp(clinicId: string, id: string, followUpId: string): Promise<void> {
      await db
        .updateTable('care_sends')
        .set({ follow_up_id: followUpId })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .execute();
    },
  };
}
