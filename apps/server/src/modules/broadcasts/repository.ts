// SQL on broadcasts, their recipients, chunks, links and taps. Every method takes the clinic id
// or a broadcast id already checked against the clinic.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { BroadcastChunksTable, BroadcastLinksTable, BroadcastRecipientsTable, BroadcastsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type BroadcastRow = Selectable<BroadcastsTable>;
export type RecipientRow = Selectable<BroadcastRecipientsTable>;
export type ChunkRow = Selectable<BroadcastChunksTable>;
export type LinkRow = Selectable<BroadcastLinksTable>;

/** Rows per INSERT statement (11 columns × 500 stays far below SQLite's bound-parameter limit). */
const BATCH = 500;

export function broadcastRepository(db: Db) {
  return {
    insert: (row: BroadcastRow) => db.insertInto('broadcasts').values(row).execute(),
    get: (clinicId: string, id: string) =>
      db.selectFrom('broadcasts').selectAll().where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
    list: (clinicId: string, limit: number, offset: number) =>
      db
        .selectFrom('broadcasts')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .offset(offset)
        .execute(),
    /** Updates the broadcast when it is in one of `states` (all states when omitted); true when it did. */
    async update(clinicId: string, id: string, patch: Partial<BroadcastRow>, states?: string[]) {
      let q = db.updateTable('broadcasts').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id);
      if (states) q = q.where('state', 'in', states);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async remove(clinicId: string, id: string) {
      const r = await db
        .deleteFrom('broadcasts')
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('state', '=', 'draft')
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    /**
     * Claims `n` LINE messages of the broadcast's allowance in one statement (parallel chunks
     * never pass it together); false when they do not fit.
     */
    async reserve(id: string, n: number) {
      const r = await db
        .updateTable('broadcasts')
        .set((eb) => ({ line_reserved: eb('line_reserved', '+', n) }))
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('line_budget', 'is', null), eb(eb('line_reserved', '+', n), '<=', eb.ref('line_budget'))]),
        )
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    release: (id: string, n: number) =>
      db
        .updateTable('broadcasts')
        .set((eb) => ({ line_reserved: eb('line_reserved', '-', n) }))
        .where('id', '=', id)
        .execute(),
    /** Drafts and scheduled broadcasts whose messages name this id (an article they would send). */
    unsentNaming: (clinicId: string, id: string) =>
      db
        .selectFrom('broadcasts')
        .select(['title', 'messages'])
        .where('clinic_id', '=', clinicId)
        .where('state', 'in', ['draft', 'scheduled'])
        .where('messages', 'like', `%${id.replace(/[\\%_]/g, '')}%`)
        .execute(),
    /** Sending or paused broadcasts of the clinic (what they claimed and did not send yet counts against the cap). */
    active: (clinicId: string) =>
      db
        .selectFrom('broadcasts')
        .select(['id', 'line_reserved'])
        .where('clinic_id', '=', clinicId)
        .where('state', 'in', ['sending', 'paused'])
        .execute(),

    // ---- recipients
    async insertRecipients(rows: RecipientRow[]) {
      for (let i = 0; i < rows.length; i += BATCH)
        await db
          .insertInto('broadcast_recipients')
          .values(rows.slice(i, i + BATCH))
          .execute();
    },
    /** Recipients by channel and status. */
    counts: (id: string) =>
      db
        .selectFrom('broadcast_recipients')
        .select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('broadcast_id', '=', id)
        .groupBy(['channel', 'status'])
        .execute(),
    countsOf: (ids: string[]) =>
      ids.length
        ? db
            .selectFrom('broadcast_recipients')
            .select(['broadcast_id', 'channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
            .where('broadcast_id', 'in', ids)
            .groupBy(['broadcast_id', 'channel', 'status'])
            .execute()
        : Promise.resolve([]),
    recipientsPage: (id: string, f: { status?: string; limit: number; offset: number }) => {
      let q = db.selectFrom('broadcast_recipients').selectAll().where('broadcast_id', '=', id);
      if (f.status) q = q.where('status', '=', f.status);
      return q.orderBy('seq').limit(f.limit).offset(f.offset).execute();
    },
    chunkRecipients: (id: string, chunkNo: number, status: string) =>
      db
        .selectFrom('broadcast_recipients')
        .select(['seq', 'line_user_id'])
        .where('broadcast_id', '=', id)
        .where('chunk_no', '=', chunkNo)
        .where('status', '=', status)
        .orderBy('seq')
        .execute(),
    async setChunkRecipients(id: string, chunkNo: number, from: string[], patch: Partial<RecipientRow>) {
      const r = await db
        .updateTable('broadcast_recipients')
        .set(patch)
        .where('broadcast_id', '=', id)
        .where('chunk_no', '=', chunkNo)
        .where('status', 'in', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async setRecipients(id: string, seqs: number[], patch: Partial<RecipientRow>) {
      for (let i = 0; i < seqs.length; i += BATCH)
        await db
          .updateTable('broadcast_recipients')
          .set(patch)
          .where('broadcast_id', '=', id)
          .where('seq', 'in', seqs.slice(i, i + BATCH))
          .execute();
    },
    /** Sent LINE recipients of the broadcast (what its claimed allowance has become). */
    sentOnLine: async (id: string) =>
      Number(
        (
          await db
            .selectFrom('broadcast_recipients')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('broadcast_id', '=', id)
            .where('channel', '=', 'line')
            .where('status', '=', 'sent')
            .executeTakeFirst()
        )?.n ?? 0,
      ),

    // ---- chunks
    async insertChunks(rows: ChunkRow[]) {
      for (let i = 0; i < rows.length; i += BATCH)
        await db
          .insertInto('broadcast_chunks')
          .values(rows.slice(i, i + BATCH))
          .execute();
    },
    chunk: (id: string, chunkNo: number) =>
      db
        .selectFrom('broadcast_chunks')
        .selectAll()
        .where('broadcast_id', '=', id)
        .where('chunk_no', '=', chunkNo)
        .executeTakeFirst(),
    /** Moves a chunk from one of `from` to the patch's status; true when this call did it. */
    async setChunk(id: string, chunkNo: number, from: string[], patch: Partial<ChunkRow>) {
      const r = await db
        .updateTable('broadcast_chunks')
        .set(patch)
        .where('broadcast_id', '=', id)
        .where('chunk_no', '=', chunkNo)
        .where('status', 'in', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async setChunks(id: string, from: string[], patch: Partial<ChunkRow>) {
      const r = await db
        .updateTable('broadcast_chunks')
        .set(patch)
        .where('broadcast_id', '=', id)
        .where('status', 'in', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    chunkNos: async (id: string, status: string) =>
      (
        await db
          .selectFrom('broadcast_chunks')
          .select('chunk_no')
          .where('broadcast_id', '=', id)
          .where('status', '=', status)
          .orderBy('chunk_no')
          .execute()
      ).map((r) => r.chunk_no),
    chunkCounts: (id: string) =>
      db
        .selectFrom('broadcast_chunks')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('broadcast_id', '=', id)
        .groupBy('status')
        .execute(),
    maxChunkNo: async (id: string) =>
      Number(
        (
          await db
            .selectFrom('broadcast_chunks')
            .select((eb) => eb.fn.max('chunk_no').as('m'))
            .where('broadcast_id', '=', id)
            .executeTakeFirst()
        )?.m ?? -1,
      ),
    /** Recipients of a chunk from `fromSeq` on move to another chunk (a chunk cut at the cap). */
    moveTail: (id: string, chunkNo: number, fromSeq: number, toChunk: number) =>
      db
        .updateTable('broadcast_recipients')
        .set({ chunk_no: toChunk })
        .where('broadcast_id', '=', id)
        .where('chunk_no', '=', chunkNo)
        .where('seq', '>=', fromSeq)
        .execute(),

    // ---- links and taps
    async insertLinks(rows: LinkRow[]) {
      if (rows.length) await db.insertInto('broadcast_links').values(rows).execute();
    },
    link: (token: string) => db.selectFrom('broadcast_links').selectAll().where('token', '=', token).executeTakeFirst(),
    links: (clinicId: string, id: string) =>
      db
        .selectFrom('broadcast_links')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('broadcast_id', '=', id)
        .orderBy('created_at')
        .execute(),
    async addClick(row: { token: string; visitor: string; broadcast_id: string; clicked_at: string }) {
      const r = await db
        .insertInto('broadcast_clicks')
        .values(row)
        .onConflict((oc) => oc.columns(['token', 'visitor']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    clicksByLink: (id: string) =>
      db
        .selectFrom('broadcast_clicks')
        .select(['token', (eb) => eb.fn.countAll<number>().as('n')])
        .where('broadcast_id', '=', id)
        .groupBy('token')
        .execute(),
    /** Distinct visitors who tapped any link of each broadcast. */
    clickersOf: (ids: string[]) =>
      ids.length
        ? db
            .selectFrom('broadcast_clicks')
            .select(['broadcast_id', sql<number>`count(distinct visitor)`.as('n')])
            .where('broadcast_id', 'in', ids)
            .groupBy('broadcast_id')
            .execute()
        : Promise.resolve([]),
  };
}
