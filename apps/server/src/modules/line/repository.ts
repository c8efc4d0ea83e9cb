import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { bucketOf } from '../../db/day-buckets.ts';
import { precompiled } from '../../db/precompiled.ts';
import type { DB } from '../../db/schema.ts';
import type { LineChannelsTable, LineFriendsTable } from './tables.ts';

export type ChannelRow = Selectable<LineChannelsTable>;
export type FriendRow = Selectable<LineFriendsTable>;

// Run on every webhook delivery: built and compiled once per database handle, and only the two
// columns the signature check needs.
const webhookChannel = precompiled(1, (db, channelId) =>
  db.selectFrom('line_channels').select(['clinic_id', 'channel_secret_enc']).where('channel_id', '=', channelId),
);

export function lineRepository(db: Kysely<DB>) {
  return {
    /** The clinic and encrypted secret of a channel: what a webhook delivery is verified with. */
    webhookChannel: async (channelId: string) => (await webhookChannel(db, channelId))[0],
    channelOfClinic: (clinicId: string) =>
      db.selectFrom('line_channels').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    /** What a LINE client is built from: the channel id and the encrypted access token. */
    channelToken: (clinicId: string) =>
      db
        .selectFrom('line_channels')
        .select(['channel_id', 'access_token_enc'])
        .where('clinic_id', '=', clinicId)
        .executeTakeFirst(),
    channelById: (channelId: string) =>
      db.selectFrom('line_channels').selectAll().where('channel_id', '=', channelId).executeTakeFirst(),
    insertChannel: (row: Insertable<DB['line_channels']>) => db.insertInto('line_channels').values(row).execute(),
    updateChannel: (clinicId: string, patch: Partial<ChannelRow>) =>
      db.updateTable('line_channels').set(patch).where('clinic_id', '=', clinicId).execute(),

    event: (clinicId: string, id: number) =>
      db
        .selectFrom('line_webhook_events')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    /** An event's processed mark, built, not run (written with the event's last writes: writeStatements). */
    markEventQuery: (clinicId: string, id: number, outcome: string, at: string) =>
      db
        .updateTable('line_webhook_events')
        .set({ processed_at: at, outcome })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id),

    friend: (clinicId: string, lineUserId: string) =>
      db
        .selectFrom('line_friends')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .executeTakeFirst(),
    insertFriend: (row: FriendRow) =>
      db
        .insertInto('line_friends')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'line_user_id']).doNothing())
        .execute(),
    updateFriend: (clinicId: string, lineUserId: string, patch: Partial<FriendRow>) =>
      db
        .updateTable('line_friends')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .execute(),
    listFriends: (clinicId: string, opts: { state?: string; limit: number; offset: number }) => {
      let q = db.selectFrom('line_friends').selectAll().where('clinic_id', '=', clinicId);
      if (opts.state) q = q.where('state', '=', opts.state);
      return q.orderBy('last_event_at', 'desc').limit(opts.limit).offset(opts.offset).execute();
    },

    /** A few message log rows' insert (one user's message or reply), built, not run: writeStatements. */
    logMessagesQuery: (rows: Insertable<DB['line_messages']>[]) => db.insertInto('line_messages').values(rows),
    /** Appends to the message log, 500 rows per statement. */
    logMessages: async (rows: Insertable<DB['line_messages']>[]) => {
      for (let i = 0; i < rows.length; i += 500)
        await db
          .insertInto('line_messages')
          .values(rows.slice(i, i + 500))
          .execute();
    },
    /** The friend state of each of these users that has a friend record. */
    friendStates: async (clinicId: string, lineUserIds: string[]) => {
      const out: { line_user_id: string; state: string }[] = [];
      for (let i = 0; i < lineUserIds.length; i += 500)
        out.push(
          ...(await db
            .selectFrom('line_friends')
            .select(['line_user_id', 'state'])
            .where('clinic_id', '=', clinicId)
            .where('line_user_id', 'in', lineUserIds.slice(i, i + 500))
            .execute()),
        );
      return out;
    },
    // ---- conversations (what waits for the front desk)
    /** Takes the acknowledgement slot when none was used since `since`; false when one was (no flood). */
    claimAck: async (clinicId: string, lineUserId: string, at: string, since: string) => {
      const r = await db
        .updateTable('line_conversations')
        .set({ last_ack_at: at })
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .where((eb) => eb.or([eb('last_ack_at', 'is', null), eb('last_ack_at', '<', since)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    unansweredCount: async (clinicId: string) =>
      Number(
        (
          await db
            .selectFrom('line_conversations')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('unanswered_since', 'is not', null)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    conversation: (clinicId: string, lineUserId: string) =>
      db
        .selectFrom('line_conversations')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .executeTakeFirst(),

    /** The messages logged about one entity (e.g. an appointment's reminders and answers), oldest first. */
    messagesAbout: (clinicId: string, relatedType: string, relatedId: string) =>
      db
        .selectFrom('line_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('related_type', '=', relatedType)
        .where('related_id', '=', relatedId)
        .orderBy('id')
        .execute(),
    /** The newest messages with any of these users. */
    messagesOfUsers: (clinicId: string, lineUserIds: string[], limit: number) =>
      db
        .selectFrom('line_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', 'in', lineUserIds.length ? lineUserIds : ['-'])
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    /** Messages sent since an instant, except those of these sources. */
    countPushes: async (clinicId: string, since: string) =>
      Number(
        (
          await db
            .selectFrom('line_messages')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('method', '=', 'push')
            .where('created_at', '>=', since)
            .executeTakeFirst()
        )?.n ?? 0,
      ),
    /**
     * Outgoing messages in [bounds[0], bounds[n]) counted by interval (bucket i: bounds[i] ≤
     * created_at < bounds[i+1], e.g. the days of a month), method and source.
     */
    outgoingByBucket: async (clinicId: string, bounds: string[]) => {
      const res = await sql<{ bucket: number | string; method: string; source: string; n: number | string }>`
        SELECT bucket, method, source, COUNT(*) AS n FROM (
          SELECT ${bucketOf('created_at', bounds)} AS bucket, method, source FROM line_messages
          WHERE clinic_id = ${clinicId} AND method IN ('push', 'reply', 'pnp')
            AND created_at >= ${bounds[0]} AND created_at < ${bounds[bounds.length - 1]}
        ) AS t GROUP BY bucket, method, source`.execute(db);
      return res.rows.map((r) => ({ bucket: Number(r.bucket), method: r.method, source: r.source, n: Number(r.n) }));
    },
    messagesOf: (clinicId: string, lineUserId: string, limit: number) =>
      db
        .selectFrom('line_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
  };
}
