// SQL of combined family reminders (family.ts): claiming the other due rows of a LINE user's
// family, writing the group on the rows before the first attempt, and the group's size once
// sent. The claims act on every clinic's rows by id, like the dispatcher's claim; each is one
// conditional UPDATE … RETURNING, so a row is taken by one worker only (PostgreSQL re-checks the
// WHERE of a row another transaction changed; SQLite serialises writers).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { CLAIMED_COLUMNS, type ClaimedDelivery } from './repository.ts';

type Db = Kysely<DB> | Transaction<DB>;
const returning = sql.raw(CLAIMED_COLUMNS.join(', '));

export function familyRepository(db: Db) {
  return {
    /**
     * Locks the planned rows of these appointments due before `dueBefore` that belong to no
     * group yet, counting the attempt as the dispatcher's claim does.
     */
    async claimDueOf(opts: {
      workerId: string;
      now: Date;
      lockMs: number;
      appointmentIds: string[];
      dueBefore: string;
    }): Promise<ClaimedDelivery[]> {
      if (!opts.appointmentIds.length) return [];
      const now = opts.now.toISOString();
      const until = new Date(opts.now.getTime() + opts.lockMs).toISOString();
      const res = await sql<ClaimedDelivery>`
        UPDATE reminder_deliveries SET state = 'sending', locked_by = ${opts.workerId}, locked_until = ${until},
          attempts = attempts + 1, updated_at = ${now}
        WHERE appointment_id IN (${sql.join(opts.appointmentIds)}) AND state = 'planned'
          AND family_group_id IS NULL AND next_attempt_at <= ${opts.dueBefore}
        RETURNING ${returning}`.execute(db);
      return res.rows;
    },
    /**
     * Locks the other rows of groups being retried: planned ones (whatever their due time: the
     * group goes together) and ones whose lock expired (a worker died during the attempt).
     */
    async claimGroups(opts: { workerId: string; now: Date; lockMs: number; groupIds: string[] }) {
      if (!opts.groupIds.length) return [];
      const now = opts.now.toISOString();
      const until = new Date(opts.now.getTime() + opts.lockMs).toISOString();
      const res = await sql<ClaimedDelivery>`
        UPDATE reminder_deliveries SET state = 'sending', locked_by = ${opts.workerId}, locked_until = ${until},
          attempts = attempts + 1, updated_at = ${now}
        WHERE family_group_id IN (${sql.join(opts.groupIds)})
          AND (state = 'planned' OR (state = 'sending' AND locked_until < ${now}))
        RETURNING ${returning}`.execute(db);
      return res.rows;
    },
    /** Writes the group on rows still locked by `workerId`; returns the ids it wrote. */
    async setGroup(workerId: string, groupId: string, ids: string[], at: string): Promise<Set<string>> {
      const res = await db
        .updateTable('reminder_deliveries')
        .set({ family_group_id: groupId, updated_at: at })
        .where('id', 'in', ids)
        .where('locked_by', '=', workerId)
        .where('state', '=', 'sending')
        .returning('id')
        .execute();
      return new Set(res.map((r) => r.id));
    },
    /** How many reminders the group's message carried, on its rows sent with it. */
    setSize: (groupId: string, ids: string[], size: number) =>
      db
        .updateTable('reminder_deliveries')
        .set({ family_size: size })
        .where('family_group_id', '=', groupId)
        .where('id', 'in', ids)
        .where('state', '=', 'sent')
        .execute(),
  };
}
