// What the appointments module asks of LINE: the conversation with a patient's LINE users.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { appointmentLineRepository } from './for-appointments.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The latest `limit` messages with these LINE users, oldest first. */
export async function conversationWith(db: Db, clinicId: string, lineUserIds: string[], limit = 100) {
  if (!lineUserIds.length) return [];
  const rows = await appointmentLineRepository(db).latestWith(clinicId, lineUserIds, limit);
  return rows.reverse().map((m) => ({
    id: Number(m.id),
    direction: m.direction,
    kind: m.kind,
    text: m.text,
    source: m.source,
    at: m.created_at,
    relatedType: m.related_type,
    relatedId: m.related_id,
  }));
}
