// SQL of the webhook's storage (ingest.ts): each event stored once, and with a user's message
// what the inbox shows of it (the friend record, the message log, the conversation).
import { CompiledQuery, type Compilable, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Dialect, SyncStatements } from '../../db/connection.ts';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
type EventRow = Insertable<DB['line_webhook_events']>;
type FriendRow = Insertable<DB['line_friends']>;
type MessageRow = Insertable<DB['line_messages']>;

/**
 * What a user's message writes beside its event, in the same transaction: the friend record (a
 * first message creates it), the message log's row, and the conversation (its last message,
 * one more unread, the message's reply and markAsRead tokens).
 */
export type InboxRows = {
  friend: FriendRow;
  message: MessageRow;
  conversation: {
    clinic_id: string;
    line_user_id: string;
    at: string;
    text: string;
    reply_token: string | null;
    mark_as_read_token: string | null;
    now: string;
  };
};
export type Inserted = { id: number; clinic_id: string; webhook_event_id: string };

const EVENT_COLUMNS = [
  'clinic_id',
  'webhook_event_id',
  'type',
  'line_user_id',
  'event_time',
  'is_redelivery',
  'payload',
  'received_at',
  'processed_at',
  'outcome',
] as const satisfies readonly (keyof EventRow)[];
const INSERT_EVENT_ONCE = `insert into line_webhook_events (${EVENT_COLUMNS.join(', ')})
  values (${EVENT_COLUMNS.map(() => '?').join(', ')})
  on conflict (clinic_id, webhook_event_id) do nothing returning id`;

const FRIEND_COLUMNS = [
  'clinic_id',
  'line_user_id',
  'display_name',
  'picture_url',
  'state',
  'followed_at',
  'blocked_at',
  'unblocked_at',
  'last_event_at',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof FriendRow)[];
const MESSAGE_COLUMNS = [
  'clinic_id',
  'line_user_id',
  'direction',
  'kind',
  'text',
  'payload',
  'source',
  'method',
  'related_type',
  'related_id',
  'created_at',
] as const satisfies readonly (keyof MessageRow)[];
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const INSERT_FRIEND_ONCE = `insert into line_friends (${FRIEND_COLUMNS.join(', ')})
  values (${marks(FRIEND_COLUMNS.length)}) on conflict (clinic_id, line_user_id) do nothing`;
const INSERT_MESSAGE = `insert into line_messages (${MESSAGE_COLUMNS.join(', ')})
  values (${marks(MESSAGE_COLUMNS.length)})`;
// A new conversation starts handled by the bot; a known one keeps its state (the job decides).
const CONVERSATION_RECEIVED = `insert into line_conversations (clinic_id, line_user_id, last_in_at, last_in_text,
    unanswered_since, last_ack_at, handled_at, handled_by, state, unread_count, reply_token, reply_token_at,
    reply_token_used, mark_as_read_token, last_at, updated_at)
  values (?, ?, ?, ?, null, null, null, null, 'bot', 1, ?, ?, 0, ?, ?, ?)
  on conflict (clinic_id, line_user_id) do update set last_in_at = excluded.last_in_at,
    last_in_text = excluded.last_in_text, unread_count = line_conversations.unread_count + 1,
    reply_token = excluded.reply_token, reply_token_at = excluded.reply_token_at, reply_token_used = 0,
    mark_as_read_token = coalesce(excluded.mark_as_read_token, line_conversations.mark_as_read_token),
    last_at = excluded.last_at, updated_at = excluded.updated_at`;

/** A message's inbox rows as statements: SQL with `?` placeholders and their values. */
function inboxStatements(r: InboxRows): [string, unknown[]][] {
  const c = r.conversation;
  return [
    [INSERT_FRIEND_ONCE, FRIEND_COLUMNS.map((k) => r.friend[k] ?? null)],
    [INSERT_MESSAGE, MESSAGE_COLUMNS.map((k) => r.message[k] ?? null)],
    [
      CONVERSATION_RECEIVED,
      [
        c.clinic_id,
        c.line_user_id,
        c.at,
        c.text,
        c.reply_token,
        c.reply_token ? c.at : null,
        c.mark_as_read_token,
        c.at,
        c.now,
      ],
    ],
  ];
}

const numbered = new Map<string, string>();
/** The same SQL with PostgreSQL's $1, $2 … placeholders (the statements above hold no other `?`). */
function forPostgres(q: string): string {
  let out = numbered.get(q);
  if (!out) {
    let n = 0;
    out = q.replace(/\?/g, () => `$${++n}`);
    numbered.set(q, out);
  }
  return out;
}

/**
 * A message's inbox rows as queries for either database: the line.event job writes them for an
 * event stored before the webhook's storage wrote them itself.
 */
export function inboxQueries(r: InboxRows, dialect: Dialect): Compilable<unknown>[] {
  return inboxStatements(r).map(([q, params]) => ({
    compile: () => CompiledQuery.raw(dialect === 'postgres' ? forPostgres(q) : q, params),
  }));
}

/** The same storage with SQLite's synchronous statements (inside writeTransactionSync). */
export function ingestRepositorySync(s: SyncStatements) {
  return {
    /** Writes each message's inbox rows (its event was just stored). */
    insertInboxRows: (rows: InboxRows[]) => {
      for (const r of rows) for (const [q, params] of inboxStatements(r)) s.run(q, params);
    },
    insertEventsOnce: (rows: EventRow[]): Inserted[] => {
      const out: Inserted[] = [];
      for (const r of rows) {
        const [row] = s.rows(
          INSERT_EVENT_ONCE,
          EVENT_COLUMNS.map((c) => r[c] ?? null),
        );
        if (row) out.push({ id: Number(row[0]), clinic_id: r.clinic_id, webhook_event_id: r.webhook_event_id });
      }
      return out;
    },
  };
}

export function ingestRepository(db: Db) {
  return {
    /** Writes each message's inbox rows (its event was just stored). */
    insertInboxRows: async (rows: InboxRows[], dialect: Dialect) => {
      for (const r of rows) for (const q of inboxQueries(r, dialect)) await db.executeQuery(q.compile());
    },
    /** Stores the events not stored before (by clinic and webhookEventId); returns the new rows' ids. */
    insertEventsOnce: async (rows: EventRow[]) => {
      const out: Inserted[] = [];
      for (let i = 0; i < rows.length; i += 200)
        out.push(
          ...(await db
            .insertInto('line_webhook_events')
            .values(rows.slice(i, i + 200))
            .onConflict((oc) => oc.columns(['clinic_id', 'webhook_event_id']).doNothing())
            .returning(['id', 'clinic_id', 'webhook_event_id'])
            .execute()),
        );
      return out;
    },
  };
}
