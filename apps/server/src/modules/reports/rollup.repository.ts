// The roll-up's aggregate reads over other modules' tables (declared read joins in
// docs/architecture.md): per local day of the clinic's time zone — the day of a row is the index
// of the interval between day starts its UTC text falls into (db/day-buckets.ts), so SQLite and
// PostgreSQL count alike — and per doctor and visit type where the figure belongs to a visit.
// Reads only; a month of days per call.
import { sql, type Kysely } from 'kysely';
import { bucketOf } from '../../db/day-buckets.ts';
import type { DB } from '../../db/schema.ts';

const n = (v: unknown) => Number(v ?? 0);

export type VisitCountRow = {
  bucket: number;
  doctorId: string;
  visitType: string;
  appointments: number;
  active: number;
  cancelled: number;
  rescheduled: number;
  reminded: number;
  confirmed: number;
  reported: number;
  noShow: number;
  bound: number;
};

export function rollupRepository(db: Kysely<DB>) {
  return {
    /** The earliest instant the clinic has data of (its first appointment or LINE message). */
    async firstActivity(clinicId: string): Promise<string | null> {
      const [a, m] = await Promise.all([
        db
          .selectFrom('appointments')
          .select('starts_at')
          .where('clinic_id', '=', clinicId)
          .orderBy('starts_at')
          .limit(1)
          .executeTakeFirst(),
        db
          .selectFrom('line_messages')
          .select('created_at')
          .where('clinic_id', '=', clinicId)
          .orderBy('created_at')
          .limit(1)
          .executeTakeFirst(),
      ]);
      const xs = [a?.starts_at, m?.created_at].filter((x): x is string => !!x).sort();
      return xs[0] ?? null;
    },

    /** The visit starts of appointments the HIS (or anyone) changed since an instant: first and last. */
    async changedSince(clinicId: string, since: string): Promise<{ from: string; to: string } | null> {
      const r = await db
        .selectFrom('appointments')
        .select([(eb) => eb.fn.min('starts_at').as('lo'), (eb) => eb.fn.max('starts_at').as('hi')])
        .where('clinic_id', '=', clinicId)
        .where('updated_at', '>=', since)
        .executeTakeFirst();
      return r?.lo && r.hi ? { from: String(r.lo), to: String(r.hi) } : null;
    },

    /** Appointment counts per day, doctor and visit type; `bound`: the patient had bound LINE before the visit. */
    async visitCounts(clinicId: string, bounds: string[]): Promise<VisitCountRow[]> {
      const rows = await sql<Record<string, unknown>>`
        SELECT b, doctor_id, vt,
          COUNT(*) AS appointments,
          SUM(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END) AS active,
          SUM(CASE WHEN reply_status = 'reschedule_requested' THEN 0
                   WHEN status = 'cancelled' OR reply_status = 'cancel_requested' THEN 1 ELSE 0 END) AS cancelled,
          SUM(CASE WHEN reply_status = 'reschedule_requested' THEN 1 ELSE 0 END) AS rescheduled,
          SUM(CASE WHEN reply_status <> 'not_sent' THEN 1 ELSE 0 END) AS reminded,
          SUM(CASE WHEN reply_status = 'confirmed' THEN 1 ELSE 0 END) AS confirmed,
          SUM(CASE WHEN status IN ('checked_in', 'completed', 'no_show') THEN 1 ELSE 0 END) AS reported,
          SUM(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END) AS no_show,
          SUM(CASE WHEN status <> 'cancelled' THEN is_bound ELSE 0 END) AS bound
        FROM (
          SELECT ${bucketOf('a.starts_at', bounds)} AS b, a.doctor_id, COALESCE(a.visit_type, '') AS vt,
            a.status, a.reply_status,
            CASE WHEN EXISTS (
              SELECT 1 FROM line_bindings lb
              WHERE lb.clinic_id = a.clinic_id AND lb.patient_id = a.patient_id AND lb.created_at <= a.starts_at
            ) THEN 1 ELSE 0 END AS is_bound
          FROM appointments a
          WHERE a.clinic_id = ${clinicId} AND a.starts_at >= ${bounds[0]} AND a.starts_at < ${bounds[bounds.length - 1]}
        ) x
        GROUP BY b, doctor_id, vt`.execute(db);
      return rows.rows.map((r) => ({
        bucket: n(r.b),
        doctorId: String(r.doctor_id),
        visitType: String(r.vt),
        appointments: n(r.appointments),
        active: n(r.active),
        cancelled: n(r.cancelled),
        rescheduled: n(r.rescheduled),
        reminded: n(r.reminded),
        confirmed: n(r.confirmed),
        reported: n(r.reported),
        noShow: n(r.no_show),
        bound: n(r.bound),
      }));
    },

    /** Reminders sent and failed, per day of the visit they were for, doctor and visit type. */
    async reminderCounts(clinicId: string, bounds: string[]) {
      const rows = await sql<Record<string, unknown>>`
        SELECT ${bucketOf('a.starts_at', bounds)} AS b, a.doctor_id, COALESCE(a.visit_type, '') AS vt,
          SUM(CASE WHEN d.state = 'sent' THEN 1 ELSE 0 END) AS sent,
          SUM(CASE WHEN d.state = 'failed' THEN 1 ELSE 0 END) AS failed
        FROM appointments a
        JOIN reminder_deliveries d ON d.clinic_id = a.clinic_id AND d.appointment_id = a.id
        WHERE a.clinic_id = ${clinicId} AND a.starts_at >= ${bounds[0]} AND a.starts_at < ${bounds[bounds.length - 1]}
          AND d.state IN ('sent', 'failed')
        GROUP BY 1, 2, 3`.execute(db);
      return rows.rows.map((r) => ({
        bucket: n(r.b),
        doctorId: String(r.doctor_id),
        visitType: String(r.vt),
        sent: n(r.sent),
        failed: n(r.failed),
      }));
    },

    /**
     * Satisfaction answers per day of the visit, doctor and visit type. Surveys go out hours after
     * the visit (at most two days): the sent_at index bounds the scan.
     */
    async surveyCounts(clinicId: string, bounds: string[], sentBefore: string) {
      const rows = await sql<Record<string, unknown>>`
        SELECT ${bucketOf('s.visit_at', bounds)} AS b, s.doctor_id, COALESCE(s.visit_type, '') AS vt,
          SUM(CASE WHEN s.stars IS NOT NULL THEN 1 ELSE 0 END) AS answered,
          SUM(CASE WHEN s.stars >= 4 THEN 1 ELSE 0 END) AS four_plus
        FROM satisfaction_surveys s
        WHERE s.clinic_id = ${clinicId} AND s.sent_at >= ${bounds[0]} AND s.sent_at < ${sentBefore}
          AND s.visit_at >= ${bounds[0]} AND s.visit_at < ${bounds[bounds.length - 1]}
        GROUP BY 1, 2, 3`.execute(db);
      return rows.rows.map((r) => ({
        bucket: n(r.b),
        doctorId: String(r.doctor_id),
        visitType: String(r.vt),
        answered: n(r.answered),
        fourPlus: n(r.four_plus),
      }));
    },

    /** Complaints opened in [from, to) with their deadlines and the patient's verdict. */
    complaints: (clinicId: string, from: string, to: string) =>
      db
        .selectFrom('cases')
        .select(['created_at', 'first_action_at', 'first_action_due_at', 'replied_at', 'reply_due_at', 'satisfaction'])
        .where('clinic_id', '=', clinicId)
        .where('kind', '=', 'complaint')
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .execute(),

    /** Outgoing LINE messages per day: pushes (within the plan) and notification messages (billed). */
    async lineCounts(clinicId: string, bounds: string[]) {
      const rows = await sql<Record<string, unknown>>`
        SELECT ${bucketOf('created_at', bounds)} AS b,
          SUM(CASE WHEN method = 'push' THEN 1 ELSE 0 END) AS pushes,
          SUM(CASE WHEN method = 'pnp' THEN 1 ELSE 0 END) AS pnp
        FROM line_messages
        WHERE clinic_id = ${clinicId} AND created_at >= ${bounds[0]} AND created_at < ${bounds[bounds.length - 1]}
          AND direction = 'out' AND method IN ('push', 'pnp')
        GROUP BY 1`.execute(db);
      return rows.rows.map((r) => ({ bucket: n(r.b), pushes: n(r.pushes), pnp: n(r.pnp) }));
    },

    /** SMS per day: messages and points in thousandths (whole numbers: the same sum on both databases). */
    async smsCounts(clinicId: string, bounds: string[]) {
      const rows = await db
        .selectFrom('sms_messages')
        .select([bucketOf('created_at', bounds).as('b'), 'cost'])
        .where('clinic_id', '=', clinicId)
        .where('created_at', '>=', bounds[0])
        .where('created_at', '<', bounds[bounds.length - 1])
        .execute();
      const by = new Map<number, { bucket: number; messages: number; pointsMilli: number }>();
      for (const r of rows) {
        const b = n(r.b);
        const x = by.get(b) ?? { bucket: b, messages: 0, pointsMilli: 0 };
        x.messages++;
        x.pointsMilli += Math.round(Number(r.cost) * 1000);
        by.set(b, x);
      }
      return [...by.values()];
    },
  };
}
