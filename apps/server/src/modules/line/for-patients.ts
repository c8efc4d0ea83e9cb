// What the patient pages ask of the LINE module: friends' display names and states, a patient's
// recent messages, and the friends no patient is bound to. `db` is the caller's transaction
// when it has one.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { lineForPatientsRepository } from './for-patients.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type FriendState = { displayName: string; state: string };

/** Display name and follow state of these LINE users (absent when the user never followed). */
export async function friendStates(db: Db, clinicId: string, lineUserIds: string[]): Promise<Map<string, FriendState>> {
  if (!lineUserIds.length) return new Map();
  const rows = await lineForPatientsRepository(db).friends(clinicId, [...new Set(lineUserIds)]);
  return new Map(rows.map((r) => [r.line_user_id, { displayName: r.display_name, state: r.state }]));
}

/** The latest messages to and from these LINE users, newest first. */
export async function messagesOfUsers(db: Db, clinicId: string, lineUserIds: string[], limit = 50) {
  if (!lineUserIds.length) return [];
  const rows = await lineForPatientsRepository(db).messagesOf(clinicId, lineUserIds, limit);
  return rows.map((m) => ({
    id: Number(m.id),
    lineUserId: m.line_user_id,
    direction: m.direction,
    kind: m.kind,
    text: m.text,
    createdAt: m.created_at,
  }));
}

/** A page of LINE friends that no patient is bound to, most recently active first. */
export async function unboundFriends(db: Db, clinicId: string, q: string | undefined, page: number, pageSize: number) {
  const rows = await lineForPatientsRepository(db).unboundFriends(clinicId, q, pageSize, (page - 1) * pageSize);
  return rows.map((r) => ({
    lineUserId: r.line_user_id,
    displayName: r.display_name,
    state: r.state,
    followedAt: r.followed_at,
    lastEventAt: r.last_event_at,
  }));
}

/** Every LINE user who follows the clinic's account now (a broadcast to all friends). */
export const followingFriendIds = (db: Db, clinicId: string) => lineForPatientsRepository(db).followingIds(clinicId);

/** Friends (following now) whose display name contains `q`, most recently active first. */
export async function searchFriends(db: Db, clinicId: string, q: string | undefined, limit: number) {
  const rows = await lineForPatientsRepository(db).searchFriends(clinicId, q, limit);
  return rows.map((r) => ({ lineUserId: r.line_user_id, displayName: r.display_name }));
}
