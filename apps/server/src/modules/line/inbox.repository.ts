// The inbox's reads and writes of line_conversations and its own tables (notes, staff sends,
// uploaded images).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type InboxFilter = 'all' | 'unassigned' | 'mine' | 'waiting' | 'bot' | 'done';

export function inboxRepository(db: Db) {
  const conv = (clinicId: string, lineUserId: string) =>
    db.updateTable('line_conversations').where('clinic_id', '=', clinicId).where('line_user_id', '=', lineUserId);

  return {
    /** Marks the conversation waiting for a person (creating it if needed); the wait keeps its start. */
    setWaiting: (
      clinicId: string,
      lineUserId: string,
      w: {
        reason: string;
        note: string | null;
        appointmentId: string | null;
        at: string;
        keepReason?: boolean;
        /** When this is written (the inbox's live updates); `at` by default. */
        now?: string;
      },
    ) =>
      db
        .insertInto('line_conversations')
        .values({
          clinic_id: clinicId,
          line_user_id: lineUserId,
          last_in_at: w.at,
          last_in_text: '',
          unanswered_since: w.at,
          last_ack_at: null,
          handled_at: null,
          handled_by: null,
          state: 'waiting',
          waiting_reason: w.reason,
          waiting_note: w.note,
          waiting_appointment_id: w.appointmentId,
          unread_count: 0,
          reply_token_used: 0,
          last_at: w.at,
          updated_at: w.now ?? w.at,
        })
        .onConflict((oc) =>
          oc.columns(['clinic_id', 'line_user_id']).doUpdateSet((eb) => ({
            state: 'waiting',
            unanswered_since: eb.fn.coalesce(
              'line_conversations.unanswered_since',
              eb.ref('excluded.unanswered_since'),
            ),
            // An earlier reason stays when asked (a later unanswered message does not hide a hand-off).
            waiting_reason: w.keepReason
              ? sql<string>`case when line_conversations.state = 'waiting'
                  then line_conversations.waiting_reason else excluded.waiting_reason end`
              : eb.ref('excluded.waiting_reason'),
            waiting_note: w.note === null ? eb.ref('line_conversations.waiting_note') : eb.ref('excluded.waiting_note'),
            waiting_appointment_id:
              w.appointmentId === null
                ? eb.ref('line_conversations.waiting_appointment_id')
                : eb.ref('excluded.waiting_appointment_id'),
            handled_at: null,
            handled_by: null,
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute(),

    /**
     * The bot answered: the conversation is the bot's, unless a person is already needed (updated_at
     * moves either way: the bot's answer is new in the conversation's view). Built, not run: it is
     * written with the event's processed mark (events.ts).
     */
    setBotHandledQuery: (clinicId: string, lineUserId: string, at: string) =>
      conv(clinicId, lineUserId).set({
        state: sql<string>`case when state = 'done' then 'bot' else state end`,
        updated_at: at,
      }),

    /** Done: nothing waits any more. */
    setDone: (clinicId: string, lineUserId: string, at: string, by: string) =>
      conv(clinicId, lineUserId)
        .set({
          state: 'done',
          unanswered_since: null,
          waiting_reason: null,
          waiting_note: null,
          waiting_appointment_id: null,
          handled_at: at,
          handled_by: by,
          updated_at: at,
        })
        .executeTakeFirst(),

    pauseBot: (clinicId: string, lineUserId: string, until: string, at: string) =>
      conv(clinicId, lineUserId).set({ bot_paused_until: until, updated_at: at }).execute(),

    botPausedUntil: async (clinicId: string, lineUserId: string) =>
      (
        await db
          .selectFrom('line_conversations')
          .select('bot_paused_until')
          .where('clinic_id', '=', clinicId)
          .where('line_user_id', '=', lineUserId)
          .executeTakeFirst()
      )?.bot_paused_until ?? null,

    /**
     * Takes the conversation's reply token when it is unused and was received at or after
     * `freshSince`: only one caller gets it (LINE accepts a reply token once).
     */
    claimFreshToken: async (clinicId: string, lineUserId: string, freshSince: string) => {
      const r = await conv(clinicId, lineUserId)
        .set({ reply_token_used: 1 })
        .where('reply_token', 'is not', null)
        .where('reply_token_used', '=', 0)
        .where('reply_token_at', '>=', freshSince)
        .returning('reply_token')
        .executeTakeFirst();
      return r?.reply_token ?? null;
    },
    /**
     * Marks this reply token used when it is stored unused; returns a row when it did. Built, not
     * run: written through writeStatements, so a worker's side-by-side replies claim together.
     */
    useTokenQuery: (clinicId: string, lineUserId: string, token: string) =>
      conv(clinicId, lineUserId)
        .set({ reply_token_used: 1 })
        .where('reply_token', '=', token)
        .where('reply_token_used', '=', 0)
        .returning('line_user_id'),
    /** Whether a conversation holds this reply token (used or not). */
    holdsToken: async (clinicId: string, lineUserId: string, token: string) =>
      !!(await db
        .selectFrom('line_conversations')
        .select('line_user_id')
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .where('reply_token', '=', token)
        .executeTakeFirst()),

    conversation: (clinicId: string, lineUserId: string) =>
      db
        .selectFrom('line_conversations')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .executeTakeFirst(),

    /** Staff opened it: nothing unread; returns the markAsRead token not yet sent to LINE, if any. */
    markStaffRead: async (clinicId: string, lineUserId: string, at: string, takeToken: boolean) => {
      await conv(clinicId, lineUserId)
        .set({ unread_count: 0, staff_read_at: at, updated_at: at })
        .where('unread_count', '>', 0)
        .execute();
      if (!takeToken) return null;
      const r = await conv(clinicId, lineUserId)
        .set({ marked_read_token: sql`mark_as_read_token` })
        .where('mark_as_read_token', 'is not', null)
        .where((eb) =>
          eb.or([eb('marked_read_token', 'is', null), eb('marked_read_token', '<>', eb.ref('mark_as_read_token'))]),
        )
        .returning('mark_as_read_token')
        .executeTakeFirst();
      return r?.mark_as_read_token ?? null;
    },

    assign: (clinicId: string, lineUserId: string, assigneeId: string | null, at: string) =>
      conv(clinicId, lineUserId).set({ assignee_id: assigneeId, updated_at: at }).executeTakeFirst(),

    staffWrote: (clinicId: string, lineUserId: string, at: string, pausedUntil: string) =>
      conv(clinicId, lineUserId).set({ last_at: at, bot_paused_until: pausedUntil, updated_at: at }).execute(),

    touch: (clinicId: string, lineUserId: string, at: string) =>
      conv(clinicId, lineUserId).set({ updated_at: at }).execute(),

    list: (
      clinicId: string,
      opts: { filter: InboxFilter; staffId: string | null; limit: number; offset: number; userIds?: string[] },
    ) => {
      let q = db
        .selectFrom('line_conversations as c')
        .leftJoin('line_friends as f', (j) =>
          j.onRef('f.clinic_id', '=', 'c.clinic_id').onRef('f.line_user_id', '=', 'c.line_user_id'),
        )
        .select([
          'c.line_user_id',
          'c.last_in_at',
          'c.last_in_text',
          'c.last_at',
          'c.unanswered_since',
          'c.state',
          'c.waiting_reason',
          'c.assignee_id',
          'c.unread_count',
          'c.bot_paused_until',
          'f.display_name',
          'f.picture_url',
          'f.state as friend_state',
        ])
        .where('c.clinic_id', '=', clinicId);
      if (opts.filter === 'unassigned') q = q.where('c.state', '=', 'waiting').where('c.assignee_id', 'is', null);
      else if (opts.filter === 'mine')
        q = q.where('c.assignee_id', '=', opts.staffId ?? '-').where('c.state', '<>', 'done');
      else if (opts.filter !== 'all') q = q.where('c.state', '=', opts.filter);
      if (opts.userIds) q = q.where('c.line_user_id', 'in', opts.userIds.length ? opts.userIds : ['-']);
      return q.orderBy('c.last_at', 'desc').orderBy('c.line_user_id').limit(opts.limit).offset(opts.offset).execute();
    },

    /** Per filter, how many conversations (the inbox's tabs). */
    counts: async (clinicId: string, staffId: string | null) => {
      const r = await db
        .selectFrom('line_conversations')
        .select((eb) => [
          eb.fn.countAll<number>().as('all'),
          eb.fn
            .sum<number>(sql`case when state = 'waiting' and assignee_id is null then 1 else 0 end`)
            .as('unassigned'),
          eb.fn
            .sum<number>(sql`case when state <> 'done' and assignee_id = ${staffId ?? '-'} then 1 else 0 end`)
            .as('mine'),
          eb.fn.sum<number>(sql`case when state = 'waiting' then 1 else 0 end`).as('waiting'),
          eb.fn.sum<number>(sql`case when state = 'bot' then 1 else 0 end`).as('bot'),
          eb.fn.sum<number>(sql`case when state = 'done' then 1 else 0 end`).as('done'),
          eb.fn.sum<number>('unread_count').as('unread'),
          eb.fn.max('updated_at').as('updated'),
        ])
        .where('clinic_id', '=', clinicId)
        .executeTakeFirstOrThrow();
      return {
        all: Number(r.all ?? 0),
        unassigned: Number(r.unassigned ?? 0),
        mine: Number(r.mine ?? 0),
        waiting: Number(r.waiting ?? 0),
        bot: Number(r.bot ?? 0),
        done: Number(r.done ?? 0),
        unread: Number(r.unread ?? 0),
        updated: (r.updated as string | null) ?? null,
      };
    },

    /** Messages whose text contains `q` (case-insensitive on ASCII), newest first. */
    searchMessages: (clinicId: string, q: string, limit: number, offset: number) => {
      const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return db
        .selectFrom('line_messages')
        .select(['id', 'line_user_id', 'direction', 'kind', 'text', 'created_at'])
        .where('clinic_id', '=', clinicId)
        .where(sql<boolean>`lower(text) like lower(${pattern}) escape '\\'`)
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
    },

    /** A page of one user's messages, newest first, before message id `before` when given. */
    messages: (clinicId: string, lineUserId: string, limit: number, before: number | null) => {
      let q = db
        .selectFrom('line_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId);
      if (before !== null) q = q.where('id', '<', before);
      return q.orderBy('id', 'desc').limit(limit).execute();
    },
    message: (clinicId: string, id: number) =>
      db
        .selectFrom('line_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),

    // ---- notes
    addNote: (row: {
      clinic_id: string;
      line_user_id: string;
      body: string;
      author_id: string | null;
      author_label: string;
      created_at: string;
    }) => db.insertInto('line_conversation_notes').values(row).returning('id').executeTakeFirstOrThrow(),
    notes: (clinicId: string, lineUserId: string) =>
      db
        .selectFrom('line_conversation_notes')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .orderBy('id')
        .execute(),

    // ---- staff sends
    /** Takes the client key; false when this key was already used (a double click). */
    claimSend: async (row: {
      clinic_id: string;
      client_key: string;
      line_user_id: string;
      method: string;
      actor_id: string | null;
      created_at: string;
    }) => {
      const r = await db
        .insertInto('line_staff_sends')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'client_key']).doNothing())
        .returning('client_key')
        .executeTakeFirst();
      return r !== undefined;
    },
    send: (clinicId: string, clientKey: string) =>
      db
        .selectFrom('line_staff_sends')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('client_key', '=', clientKey)
        .executeTakeFirst(),
    setSendMethod: (clinicId: string, clientKey: string, method: string) =>
      db
        .updateTable('line_staff_sends')
        .set({ method })
        .where('clinic_id', '=', clinicId)
        .where('client_key', '=', clientKey)
        .execute(),

    // ---- uploads
    insertUpload: (row: {
      id: string;
      clinic_id: string;
      content_type: string;
      size: number;
      data: Uint8Array;
      created_by: string | null;
      created_at: string;
    }) => db.insertInto('line_uploads').values(row).execute(),
    upload: (id: string) => db.selectFrom('line_uploads').selectAll().where('id', '=', id).executeTakeFirst(),
  };
}
