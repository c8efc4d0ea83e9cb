// SQL of the reminder engine: settings and templates per clinic, the deliveries (one row per
// appointment, rule and appointment version, plus resends), the dispatcher's claim and batched
// outcome writes, LINE's quota numbers and admin notices. Every method takes the clinic id,
// except the dispatcher's claim and outcome writes, which serve every clinic of the database
// and act only on rows the claim locked.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { Dialect } from '../../db/connection.ts';
import type { DB } from '../../db/schema.ts';
import type {
  AdminNoticesTable,
  ReminderDeliveriesTable,
  ReminderQuotaTable,
  ReminderSettingsTable,
  ReminderTemplatesTable,
} from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type DeliveryRow = Selectable<ReminderDeliveriesTable>;

// The columns the dispatcher needs of a claimed row (not RETURNING *: less to copy per row).
export const CLAIMED_COLUMNS = [
  'id',
  'clinic_id',
  'appointment_id',
  'appointment_version',
  'rule_id',
  'rule_name',
  'template_id',
  'essential',
  'retry_key',
  'attempts',
  'family_group_id',
  'delivered_at',
] as const;
export type ClaimedDelivery = Pick<ReminderDeliveriesTable, (typeof CLAIMED_COLUMNS)[number]>;
const returning = sql.raw(CLAIMED_COLUMNS.join(', '));

/**
 * Splits a list into chunks of 128, 32, 8 and 1 items: a bulk statement then has one of four
 * SQL texts per shape, so SQLite's prepared statements are reused instead of parsed and planned
 * again for every batch size.
 */
export function fixedChunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (const size of [128, 32, 8, 1]) {
    while (list.length - i >= size) {
      out.push(list.slice(i, i + size));
      i += size;
    }
  }
  return out;
}

/** What the dispatcher writes on a row it finished (state and its details). */
export type DeliveryOutcome = Pick<
  Updateable<ReminderDeliveriesTable>,
  | 'state'
  | 'channel'
  | 'sms_message_id'
  | 'sent_at'
  | 'last_error'
  | 'cancel_reason'
  | 'next_attempt_at'
  | 'line_request_id'
  | 'channel_reason'
>;

export const LISTED = [
  'r.id',
  'r.appointment_id',
  'r.rule_id',
  'r.rule_name',
  'r.appointment_version',
  'r.visit_starts_at',
  'r.due_at',
  'r.explanation',
  'r.state',
  'r.essential',
  'r.template_id',
  'r.channel',
  'r.attempts',
  'r.last_error',
  'r.sent_at',
  'r.delivered_at',
  'r.channel_reason',
  'r.cancel_reason',
  'r.line_request_id',
  'r.requested_by',
  'r.family_group_id',
  'r.family_size',
  'r.created_at',
  'a.his_id as appointment_his_id',
  'a.reply_status',
  'a.starts_at',
  'p.name as patient_name',
  'd.name as doctor_name',
  'd.his_id as doctor_his_id',
] as const;

/** The reply lights that mean the patient answered a reminder. */
export const ANSWERED = ['confirmed', 'cancel_requested', 'reschedule_requested'];

export type ListFilter = {
  /** Due from (inclusive) and to (exclusive), ISO times. */
  from: string;
  to: string;
  /** planned (with sending), sent (not answered), answered, or a raw state; none: all but cancelled. */
  state?: string;
  ruleId?: string;
  /** HIS doctor id. */
  doctorHisId?: string;
};

export function reminderRepository(db: Db) {
  // The back-office lists read the appointment (reply light, HIS ids), patient and doctor with
  // each row: a declared read join (docs/architecture.md), because the list filters on the reply
  // light and the HIS doctor id and pages in one statement.
  const listed = (clinicId: string) =>
    db
      .selectFrom('reminder_deliveries as r')
      .innerJoin('appointments as a', 'a.id', 'r.appointment_id')
      .innerJoin('patients as p', 'p.id', 'a.patient_id')
      .innerJoin('doctors as d', 'd.id', 'a.doctor_id')
      .where('r.clinic_id', '=', clinicId);
  return {
    // ---- back-office lists
    /** One page of the rows due in [from, to), by due time. */
    list(clinicId: string, f: ListFilter, page: { limit: number; offset: number }) {
      let q = listed(clinicId).where('r.due_at', '>=', f.from).where('r.due_at', '<', f.to);
      if (f.state === 'answered') q = q.where('r.state', '=', 'sent').where('a.reply_status', 'in', ANSWERED);
      else if (f.state === 'sent') q = q.where('r.state', '=', 'sent').where('a.reply_status', 'not in', ANSWERED);
      else if (f.state === 'planned') q = q.where('r.state', 'in', ['planned', 'sending']);
      else if (f.state) q = q.where('r.state', '=', f.state);
      else q = q.where('r.state', '!=', 'cancelled');
      if (f.ruleId) q = q.where('r.rule_id', '=', f.ruleId);
      if (f.doctorHisId) q = q.where('d.his_id', '=', f.doctorHisId);
      return q.select(LISTED).orderBy('r.due_at').orderBy('r.id').limit(page.limit).offset(page.offset).execute();
    },
    /** Rows due in [from, to) counted by state and reply light. */
    countByState: (clinicId: string, from: string, to: string) =>
      listed(clinicId)
        .where('r.due_at', '>=', from)
        .where('r.due_at', '<', to)
        .select(['r.state', 'a.reply_status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['r.state', 'a.reply_status'])
        .execute(),
    /** Every row of an appointment, newest version first, by due time. */
    listedOfAppointment: (clinicId: string, appointmentId: string) =>
      listed(clinicId)
        .where('r.appointment_id', '=', appointmentId)
        .select(LISTED)
        .orderBy('r.appointment_version', 'desc')
        .orderBy('r.due_at')
        .execute(),
    listedOne: (clinicId: string, id: string) =>
      listed(clinicId).where('r.id', '=', id).select(LISTED).executeTakeFirst(),

    // ---- settings and templates
    settings: (clinicId: string) =>
      db.selectFrom('reminder_settings').select('settings').where('clinic_id', '=', clinicId).executeTakeFirst(),
    settingsSaved: (clinicId: string) =>
      db
        .selectFrom('reminder_settings')
        .select(['updated_at', 'updated_by'])
        .where('clinic_id', '=', clinicId)
        .executeTakeFirst(),
    saveSettings: (row: ReminderSettingsTable) =>
      db
        .insertInto('reminder_settings')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('clinic_id')
            .doUpdateSet({ settings: row.settings, updated_by: row.updated_by, updated_at: row.updated_at }),
        )
        .execute(),
    /** The settings document, locked until the caller's transaction ends on PostgreSQL (SQLite serialises writers). */
    settingsLocked: (clinicId: string, dialect: Dialect) => {
      const q = db.selectFrom('reminder_settings').select('settings').where('clinic_id', '=', clinicId);
      return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
    },
    insertSettingsIfMissing: (row: ReminderSettingsTable) =>
      db
        .insertInto('reminder_settings')
        .values(row)
        .onConflict((oc) => oc.column('clinic_id').doNothing())
        .execute(),
    deleteTemplate: async (clinicId: string, id: string) =>
      Number(
        (
          await db
            .deleteFrom('reminder_templates')
            .where('clinic_id', '=', clinicId)
            .where('id', '=', id)
            .executeTakeFirst()
        ).numDeletedRows,
      ),
    templates: (clinicId: string) =>
      db.selectFrom('reminder_templates').selectAll().where('clinic_id', '=', clinicId).orderBy('id').execute(),
    saveTemplate: (row: ReminderTemplatesTable) =>
      db
        .insertInto('reminder_templates')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['clinic_id', 'id'])
            .doUpdateSet({ name: row.name, body: row.body, updated_by: row.updated_by, updated_at: row.updated_at }),
        )
        .execute(),

    // ---- deliveries of one appointment (planning, resends)
    ofAppointment: (clinicId: string, appointmentId: string) =>
      db
        .selectFrom('reminder_deliveries')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .execute(),
    delivery: (clinicId: string, id: string) =>
      db
        .selectFrom('reminder_deliveries')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    /** Cancels rows that have not gone out (planned or skipped); sent and failed rows are history. */
    cancelUnsent: async (clinicId: string, ids: string[], reason: string, at: string) => {
      if (!ids.length) return;
      await db
        .updateTable('reminder_deliveries')
        .set({ state: 'cancelled', cancel_reason: reason, updated_at: at })
        .where('clinic_id', '=', clinicId)
        .where('id', 'in', ids)
        .where('state', 'in', ['planned', 'skipped'])
        .execute();
    },
    /** Inserts a row unless its (appointment, rule, version) exists; returns whether it was inserted. */
    insertOnce: async (row: Insertable<ReminderDeliveriesTable>): Promise<boolean> =>
      Boolean(
        await db
          .insertInto('reminder_deliveries')
          .values(row)
          .onConflict((oc) => oc.columns(['appointment_id', 'rule_id', 'appointment_version']).doNothing())
          .returning('id')
          .executeTakeFirst(),
      ),
    /** Replans a row that has not gone out (planned, skipped or cancelled). */
    replan: (
      clinicId: string,
      id: string,
      patch: Pick<
        ReminderDeliveriesTable,
        | 'due_at'
        | 'next_attempt_at'
        | 'explanation'
        | 'state'
        | 'template_id'
        | 'essential'
        | 'rule_name'
        | 'cancel_reason'
        | 'updated_at'
      >,
    ) =>
      db
        .updateTable('reminder_deliveries')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('state', 'in', ['planned', 'skipped', 'cancelled'])
        .execute(),
    /** Whether a resend of the appointment is still waiting to go out. */
    resendPending: async (clinicId: string, appointmentId: string) =>
      Boolean(
        await db
          .selectFrom('reminder_deliveries')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('appointment_id', '=', appointmentId)
          .where('requested_by', 'is not', null)
          .where('state', 'in', ['planned', 'sending'])
          .executeTakeFirst(),
      ),
    countResends: async (clinicId: string, appointmentId: string) =>
      Number(
        (
          await db
            .selectFrom('reminder_deliveries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('appointment_id', '=', appointmentId)
            .where('requested_by', 'is not', null)
            .executeTakeFirstOrThrow()
        ).n,
      ),

    // ---- the dispatcher (every clinic of the database)
    /**
     * Locks up to `limit` due rows for `workerId` (and rows whose lock expired: a worker died),
     * counting the attempt: FOR UPDATE SKIP LOCKED on PostgreSQL, one conditional UPDATE …
     * RETURNING on SQLite (which serialises writers). Two index-backed arms (due planned rows by
     * next_attempt_at; expired locks by locked_until) instead of one OR that would scan the table.
     */
    async claim(
      dialect: Dialect,
      opts: { workerId: string; now: Date; limit: number; lockMs: number },
    ): Promise<ClaimedDelivery[]> {
      const now = opts.now.toISOString();
      const until = new Date(opts.now.getTime() + opts.lockMs).toISOString();
      const lock = dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
      const res = await sql<ClaimedDelivery>`
        UPDATE reminder_deliveries SET state = 'sending', locked_by = ${opts.workerId}, locked_until = ${until},
          attempts = attempts + 1, updated_at = ${now}
        WHERE id IN (
          SELECT id FROM (SELECT d.id FROM reminder_deliveries d WHERE d.state = 'planned'
            AND d.next_attempt_at <= ${now} ORDER BY d.next_attempt_at LIMIT ${opts.limit} ${lock}) AS due
          UNION ALL
          SELECT id FROM (SELECT e.id FROM reminder_deliveries e WHERE e.state = 'sending'
            AND e.locked_until < ${now} LIMIT ${opts.limit} ${lock}) AS expired
        )
        RETURNING ${returning}`.execute(db);
      return res.rows;
    },
    /**
     * Marks rows sent on LINE in statements of fixed sizes (fixedChunks), each row with its LINE
     * user and request id; only rows still locked by `workerId` (a row whose lock expired and was
     * claimed again belongs to the other worker). Returns the ids it marked.
     */
    async markSentOnLine(
      workerId: string,
      items: { id: string; lineUserId: string; requestId: string | null }[],
      at: string,
    ): Promise<Set<string>> {
      const mine = new Set<string>();
      for (const chunk of fixedChunks(items)) {
        const caseOf = (f: (x: (typeof chunk)[number]) => string | null) =>
          sql.join(
            chunk.map((x) => sql`WHEN ${x.id} THEN ${f(x)}`),
            sql` `,
          );
        const updated = await sql<{ id: string }>`
          UPDATE reminder_deliveries SET state = 'sent', channel = 'line', sent_at = ${at}, last_error = NULL,
            locked_by = NULL, locked_until = NULL, updated_at = ${at},
            line_user_id = CASE id ${caseOf((x) => x.lineUserId)} END,
            line_request_id = CASE id ${caseOf((x) => x.requestId)} END
          WHERE id IN (${sql.join(chunk.map((x) => x.id))}) AND locked_by = ${workerId} AND state = 'sending'
          RETURNING id`.execute(db);
        for (const r of updated.rows) mine.add(r.id);
      }
      return mine;
    },
    /** Writes the outcome of one row still locked by `workerId` and releases it. */
    finish: (workerId: string, id: string, outcome: DeliveryOutcome, at: string) =>
      db
        .updateTable('reminder_deliveries')
        .set({ ...outcome, locked_by: null, locked_until: null, updated_at: at })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .where('state', '=', 'sending')
        .execute(),

    // ---- quota
    countSentOnLine: async (clinicId: string, since: string) =>
      Number(
        (
          await db
            .selectFrom('reminder_deliveries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('channel', '=', 'line')
            .where('state', '=', 'sent')
            .where('sent_at', '>=', since)
            .executeTakeFirst()
        )?.n ?? 0,
      ),
    lineQuota: (clinicId: string) =>
      db.selectFrom('reminder_quota').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    saveLineQuota: (row: ReminderQuotaTable) =>
      db
        .insertInto('reminder_quota')
        .values(row)
        .onConflict((oc) =>
          oc.column('clinic_id').doUpdateSet({
            line_type: row.line_type,
            line_limit: row.line_limit,
            line_used: row.line_used,
            checked_at: row.checked_at,
          }),
        )
        .execute(),

    // ---- admin notices
    /** Adds a notice once per (clinic, kind, period). */
    addNotice: (row: Insertable<AdminNoticesTable>) =>
      db
        .insertInto('admin_notices')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'kind', 'period']).doNothing())
        .execute(),
    notices: (clinicId: string, limit: number) =>
      db
        .selectFrom('admin_notices')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    /** Marks one of the clinic's notices read; returns how many rows changed (0: not the clinic's). */
    markNoticeRead: async (clinicId: string, id: number, at: string) =>
      Number(
        (
          await db
            .updateTable('admin_notices')
            .set({ read_at: at })
            .where('clinic_id', '=', clinicId)
            .where('id', '=', id)
            .executeTakeFirst()
        ).numUpdatedRows,
      ),
  };
}

export type ReminderRepository = ReturnType<typeof reminderRepository>;
export type ListedDelivery = Awaited<ReturnType<ReminderRepository['list']>>[number];
