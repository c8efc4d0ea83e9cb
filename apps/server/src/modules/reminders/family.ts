// Combined family reminders. A LINE user bound to several patients of a clinic (a parent with
// the children's records) would get one reminder per visit; when those reminders fall within
// the clinic's merge window (settings.mergeWindowMinutes) they go as ONE push instead: a Flex
// carousel with one bubble per visit, each with its own confirm / cancel / reschedule buttons
// whose postbacks carry that appointment's signed token (so an answer changes only its own
// appointment's light). One push counts once toward the month's quota and is logged as one
// line_messages row.
//
// The dispatcher (delivery.ts) claims due rows as always; gatherFamilies then looks, per batch,
// for the claimed rows' LINE users that have a family (one query per clinic), and for those
// only claims the family's other planned rows due before now + the window — pulled forward by
// at most the window, which is what "combined" means. The claim is one conditional UPDATE per
// family batch, so a row is taken by one worker; a family member whose row another worker
// already holds is simply sent on its own. Before the first attempt the group's id is written
// on its rows (every side effect is a row first): it is the push's X-Line-Retry-Key, so a retry
// after a lost answer repeats the same request and LINE answers 409 instead of delivering twice.
// A group being retried stays the same group: it takes no new members (a new member would be
// marked sent by LINE's 409 without having been in the message).
//
// Not combined: SMS (one per patient: the dispatcher sends members that fall back to SMS one by
// one), another clinic's patients (bindings and appointments are read per clinic), several
// reminders of the same patient (one bubble per family member per message), and a merge window
// of 0 minutes (the clinic turned merging off).
import type { messagingApi } from '@line/bot-sdk';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { localParts } from '../../platform/time.ts';
import { bookedAppointmentIdsOfPatients } from '../appointments/for-reminders.ts';
import { bindingService } from '../binding/service.ts';
import { lineService } from '../line/service.ts';
import { familyRepository } from './family.repository.ts';
import type { ClaimedDelivery } from './repository.ts';

/** LINE's limit of bubbles in one carousel. */
export const MAX_FAMILY = 12;
/** LINE's limits: a carousel's JSON and a push's messages. */
const CAROUSEL_BYTES = 50_000;
const ALT_TEXT_MAX = 400;

/** What grouping needs of a claimed row's target (delivery.ts's Target). */
export type FamilyTarget = {
  patientId: string;
  appointment: { startsAt: string };
  lineUsers: { lineUserId: string; blocked: boolean }[];
};
export type Member<T> = { row: ClaimedDelivery; target: T | undefined };
export type FamilyGroup<T> = { groupId: string; clinicId: string; members: Member<T>[] };

export const isFamilyGroup = <T>(x: Member<T> | FamilyGroup<T>): x is FamilyGroup<T> => 'members' in x;

/** The LINE user a reminder goes to: the newest binding that has not blocked the clinic (as delivery.ts). */
const recipientOf = (t: FamilyTarget | undefined) => t?.lineUsers.find((u) => !u.blocked)?.lineUserId;

/**
 * Turns a claimed batch into single reminders and family groups (in the batch's order), claiming
 * the families' other due rows and the other rows of groups being retried. Without a family in
 * the batch this is one query per clinic of the batch and returns the batch as it is.
 */
export async function gatherFamilies<T extends FamilyTarget>(
  deps: Deps,
  opts: {
    workerId: string;
    lockMs: number;
    windowMinutes: (clinicId: string) => Promise<number>;
    loadTargets: (rows: ClaimedDelivery[]) => Promise<Map<string, T>>;
  },
  claimed: Member<T>[],
): Promise<(Member<T> | FamilyGroup<T>)[]> {
  const now = deps.clock.now();
  const repo = familyRepository(deps.db);
  const retried = new Set<string>();
  const byClinic = new Map<string, Set<string>>();
  for (const m of claimed) {
    if (m.row.family_group_id) retried.add(m.row.family_group_id);
    else {
      const u = recipientOf(m.target);
      if (!u) continue;
      const s = byClinic.get(m.row.clinic_id);
      if (s) s.add(u);
      else byClinic.set(m.row.clinic_id, new Set([u]));
    }
  }
  // The LINE users of the batch that have a family, per clinic (clinic|user → its patients).
  const families = new Map<string, Set<string>>();
  const extra: ClaimedDelivery[] = [];
  for (const [clinicId, users] of byClinic) {
    const fam = await bindingService(deps).familiesOf(clinicId, [...users]);
    if (!fam.size) continue;
    const window = await opts.windowMinutes(clinicId);
    if (window <= 0) continue;
    for (const [u, patients] of fam) families.set(`${clinicId}|${u}`, new Set(patients));
    const appointmentIds = await bookedAppointmentIdsOfPatients(
      deps.db,
      clinicId,
      [...new Set([...fam.values()].flat())],
      now.toISOString(),
    );
    extra.push(
      ...(await repo.claimDueOf({
        workerId: opts.workerId,
        now,
        lockMs: opts.lockMs,
        appointmentIds,
        dueBefore: new Date(now.getTime() + window * 60_000).toISOString(),
      })),
    );
  }
  if (retried.size)
    extra.push(
      ...(await repo.claimGroups({ workerId: opts.workerId, now, lockMs: opts.lockMs, groupIds: [...retried] })),
    );
  if (!families.size && !retried.size) return claimed;

  const all = [...claimed];
  if (extra.length) {
    const targets = await opts.loadTargets(extra);
    for (const row of extra) all.push({ row, target: targets.get(row.appointment_id) });
  }
  // Groups by key: a retried group by its id; a new one by its clinic and LINE user.
  const keyOf = (m: Member<T>): string | null => {
    if (m.row.family_group_id) return `g|${m.row.family_group_id}`;
    const u = recipientOf(m.target);
    return u && families.has(`${m.row.clinic_id}|${u}`) ? `${m.row.clinic_id}|${u}` : null;
  };
  const grouped = new Map<string, Member<T>[]>();
  for (const m of all) {
    const k = keyOf(m);
    if (!k) continue;
    const l = grouped.get(k);
    if (l) l.push(m);
    else grouped.set(k, [m]);
  }
  const groupOf = new Map<Member<T>, FamilyGroup<T>>();
  const at = now.toISOString();
  for (const [k, members] of grouped) {
    if (k.startsWith('g|')) {
      const g: FamilyGroup<T> = { groupId: k.slice(2), clinicId: members[0].row.clinic_id, members };
      for (const m of members) groupOf.set(m, g);
      continue;
    }
    // A new group: the earliest visit of each family member, at most a carousel's worth; the
    // rest (a second visit of the same patient, a 13th member) go on their own.
    const byVisit = [...members].sort((a, b) =>
      (a.target?.appointment.startsAt ?? '').localeCompare(b.target?.appointment.startsAt ?? ''),
    );
    const seen = new Set<string>();
    const picked = byVisit.filter((m) => {
      const p = m.target!.patientId;
      if (seen.has(p) || seen.size >= MAX_FAMILY) return false;
      seen.add(p);
      return true;
    });
    if (picked.length < 2) continue;
    const groupId = newId();
    const written = await repo.setGroup(
      opts.workerId,
      groupId,
      picked.map((m) => m.row.id),
      at,
    );
    const g: FamilyGroup<T> = {
      groupId,
      clinicId: picked[0].row.clinic_id,
      members: picked.filter((m) => written.has(m.row.id)),
    };
    for (const m of g.members) {
      m.row.family_group_id = groupId;
      groupOf.set(m, g);
    }
  }
  // The batch's order, each group at its first member's place.
  const out: (Member<T> | FamilyGroup<T>)[] = [];
  const placed = new Set<FamilyGroup<T>>();
  for (const m of all) {
    const g = groupOf.get(m);
    if (!g) out.push(m);
    else if (!placed.has(g)) {
      placed.add(g);
      out.push(g);
    }
  }
  return out;
}

/** The notification text of a combined reminder: how many, then who and when (≤ 400 characters). */
export function familyAltText(
  clinicName: string,
  visits: { patientName: string; startsAt: string }[],
  timeZone: string,
): string {
  const list = visits
    .map((v) => {
      const l = localParts(new Date(v.startsAt), timeZone);
      return `${v.patientName} ${Number(l.date.slice(5, 7))}/${Number(l.date.slice(8, 10))} ${l.time}`;
    })
    .join('、');
  const text = `【${clinicName}】${visits.length} 位家人的看診提醒：${list}`;
  return [...text].length <= ALT_TEXT_MAX ? text : [...text].slice(0, ALT_TEXT_MAX - 1).join('') + '…';
}

/** 「1/2」 at the header's end: the carousel shows one bubble and the edge of the next. */
function withPosition(b: messagingApi.FlexBubble, n: number, of: number): messagingApi.FlexBubble {
  if (b.header?.type !== 'box') return b;
  const mark: messagingApi.FlexText = { type: 'text', text: `${n}/${of}`, color: '#FFFFFF', size: 'sm', flex: 0 };
  return { ...b, header: { ...b.header, contents: [...b.header.contents, mark] } };
}

/**
 * One carousel of the members' bubbles (each rendered by renderReminder with its own tokens).
 * Should the bubbles exceed a carousel's 50 KB (only with very long templates), they are split
 * into several carousels of the same push, which is still one push.
 */
export function familyMessages(bubbles: messagingApi.FlexMessage[], altText: string): messagingApi.FlexMessage[] {
  const out: messagingApi.FlexMessage[] = [];
  let current: messagingApi.FlexBubble[] = [];
  let size = 0;
  const close = () => {
    if (current.length) out.push({ type: 'flex', altText, contents: { type: 'carousel', contents: current } });
    current = [];
    size = 0;
  };
  for (const [i, m] of bubbles.entries()) {
    const b = withPosition(m.contents as messagingApi.FlexBubble, i + 1, bubbles.length);
    const n = Buffer.byteLength(JSON.stringify(b)) + 1;
    if (current.length && (size + n > CAROUSEL_BYTES - 100 || current.length >= MAX_FAMILY)) close();
    current.push(b);
    size += n;
  }
  close();
  return out;
}

/** What the dispatcher's flush needs of a family member sent on LINE. */
export type FamilySent = {
  row: ClaimedDelivery;
  out: {
    lineUserId: string;
    requestId: string | null;
    message: messagingApi.FlexMessage;
    family?: { groupId: string; size: number; deliveryIds: string[]; appointmentIds: string[] };
  };
};

/**
 * Inside the flush's transaction: one message-log row per family message sent (a push, counted
 * once), about the group, and the group's size on its rows. `sent` are the rows of this flush
 * marked sent; members of one message are always in the same flush.
 */
export async function recordFamilySends(tdeps: Deps, sent: FamilySent[]): Promise<void> {
  const groups = new Map<string, FamilySent[]>();
  for (const s of sent) {
    const g = s.out.family;
    if (!g) continue;
    const l = groups.get(g.groupId);
    if (l) l.push(s);
    else groups.set(g.groupId, [s]);
  }
  if (!groups.size) return;
  const repo = familyRepository(tdeps.db);
  await lineService(tdeps).logOutgoingBatch(
    [...groups.values()].map((members) => {
      const { row, out } = members[0];
      return {
        clinicId: row.clinic_id,
        lineUserId: out.lineUserId,
        kind: 'flex',
        text: out.message.altText,
        payload: {
          groupId: out.family!.groupId,
          deliveryIds: out.family!.deliveryIds,
          appointmentIds: out.family!.appointmentIds,
          requestId: out.requestId,
        },
        source: 'reminder',
        method: 'push' as const,
        relatedType: 'reminder_family',
        relatedId: out.family!.groupId,
      };
    }),
  );
  for (const [groupId, members] of groups)
    await repo.setSize(
      groupId,
      members.map((m) => m.row.id),
      members[0].out.family!.size,
    );
}
