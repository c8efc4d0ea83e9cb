// SQL of the delivery log and of the month's usage: one page of reminders by send or visit day
// with the back office's filters (failed ones first), their counts by state, the reminders still
// planned per day of the month, and the clinic's unit prices. The log reads the appointment,
// patient and doctor with each row (a declared read join, docs/architecture.md) because it
// filters on the reply light and the HIS doctor id and pages in one statement.
import { sql, type Kysely, type Transaction } from 'kysely';
import { bucketOf } from '../../db/day-buckets.ts';
import type { DB } from '../../db/schema.ts';
import { ANSWERED, LISTED } from './repository.ts';
import type { ReminderPricesTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type LogFilter = {
  /** The day range [from, to) as instants, applied to the send time (due) or the visit time. */
  from: string;
  to: string;
  by: 'send' | 'visit';
  /** planned (with sending), sent (not answered), answered, failed, skipped, cancelled; none: all. */
  state?: string;
  /** A rule id; its resends (`<rule>:resend-N`) are included. */
  ruleId?: string;
  /** HIS doctor id. */
  doctorHisId?: string;
  /** line, sms, pnp … as the dispatcher wrote it. */
  channel?: string;
  /** A part of the patient's name, a chart number (exact) or the start of an HIS appointment id. */
  q?: string;
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function reminderLogRepository(db: Db) {
  const base = (clinicId: string, f: LogFilter, withState: boolean) => {
    const col = f.by === 'visit' ? 'r.visit_starts_at' : 'r.due_at';
    let q = db
      .selectFrom('reminder_deliveries as r')
      .innerJoin('appointments as a', 'a.id', 'r.appointment_id')
      .innerJoin('patients as p', 'p.id', 'a.patient_id')
      .innerJoin('doctors as d', 'd.id', 'a.doctor_id')
      .where('r.clinic_id', '=', clinicId)
      .where(col, '>=', f.from)
      .where(col, '<', f.to);
    if (withState) {
      if (f.state === 'answered') q = q.where('r.state', '=', 'sent').where('a.reply_status', 'in', ANSWERED);
      else if (f.state === 'sent') q = q.where('r.state', '=', 'sent').where('a.reply_status', 'not in', ANSWERED);
      else if (f.state === 'planned') q = q.where('r.state', 'in', ['planned', 'sending']);
      else if (f.state) q = q.where('r.state', '=', f.state);
    }
    if (f.ruleId) {
      const rule = f.ruleId;
      q = q.where((eb) => eb.or([eb('r.rule_id', '=', rule), eb('r.rule_id', 'like', `${rule}:%`)]));
    }
    if (f.doctorHisId) q = q.where('d.his_id', '=', f.doctorHisId);
    if (f.channel) q = q.where('r.channel', '=', f.channel);
    const text = f.q?.trim();
    if (text) {
      q = q.where((eb) =>
        eb.or([
          eb('a.his_id', 'like', sql<string>`${`${escapeLike(text)}%`} ESCAPE '\\'`),
          eb('p.chart_no', '=', text),
          eb('p.name', 'like', sql<string>`${`%${escapeLike(text)}%`} ESCAPE '\\'`),
        ]),
      );
    }
    return q;
  };
  return {
    /** One page: failed rows first, then the newest send (or visit) time first. */
    page: (clinicId: string, f: LogFilter, page: { limit: number; offset: number }) =>
      base(clinicId, f, true)
        .select(LISTED)
        .orderBy(sql`CASE WHEN r.state = 'failed' THEN 0 ELSE 1 END`)
        .orderBy(f.by === 'visit' ? 'r.visit_starts_at' : 'r.due_at', 'desc')
        // One visit's reminders in the order they go out, the unscheduled last on both databases.
        .$if(f.by === 'visit', (q) =>
          q
            .orderBy('r.appointment_id')
            .orderBy(sql`CASE WHEN r.due_at IS NULL THEN 1 ELSE 0 END`)
            .orderBy('r.due_at'),
        )
        .orderBy('r.id', 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
    /** The rows of the filter (state aside) counted by state and reply light. */
    countByState: (clinicId: string, f: LogFilter) =>
      base(clinicId, f, false)
        .select(['r.state', 'a.reply_status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['r.state', 'a.reply_status'])
        .execute(),

    /**
     * Reminders still to go out, counted by interval of `bounds` (bucket i: bounds[i] ≤ next
     * attempt < bounds[i+1]); a first bound of '' counts overdue rows in the first interval.
     */
    plannedByBucket: async (clinicId: string, bounds: string[]) => {
      const res = await sql<{ bucket: number | string; n: number | string }>`
        SELECT bucket, COUNT(*) AS n FROM (
          SELECT ${bucketOf('next_attempt_at', bounds)} AS bucket FROM reminder_deliveries
          WHERE clinic_id = ${clinicId} AND state IN ('planned', 'sending')
            AND next_attempt_at >= ${bounds[0]} AND next_attempt_at < ${bounds[bounds.length - 1]}
        ) AS t GROUP BY bucket`.execute(db);
      return res.rows.map((r) => ({ bucket: Number(r.bucket), n: Number(r.n) }));
    },

    prices: (clinicId: string) =>
      db.selectFrom('reminder_prices').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    savePrices: (row: ReminderPricesTable) =>
      db
        .insertInto('reminder_prices')
        .values(row)
        .onConflict((oc) =>
          oc.column('clinic_id').doUpdateSet({
            sms_point_milli: row.sms_point_milli,
            pnp_message_milli: row.pnp_message_milli,
            updated_by: row.updated_by,
            updated_at: row.updated_at,
          }),
        )
        .execute(),
  };
}
