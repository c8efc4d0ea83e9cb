// What the reminders module asks of SMS: the state of the messages that carried reminders.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { smsStatusRepository } from './for-appointments.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type SmsStatus = {
  status: string;
  toMasked: string;
  segments: number;
  cost: number;
  deliveredAt: string | null;
  error: string | null;
};

export async function smsStatuses(db: Db, clinicId: string, ids: string[]): Promise<Map<string, SmsStatus>> {
  if (!ids.length) return new Map();
  const rows = await smsStatusRepository(db).byIds(clinicId, [...new Set(ids)]);
  return new Map(
    rows.map((s) => [
      s.id,
      {
        status: s.status,
        toMasked: s.to_masked ?? '',
        segments: Number(s.segments ?? 0),
        cost: Number(s.cost ?? 0),
        deliveredAt: s.delivered_at,
        error: s.error,
      },
    ]),
  );
}
