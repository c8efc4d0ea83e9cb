// The waitlist (候補名單): patients waiting for an earlier or wanted slot — a doctor (or any), a
// range of dates and a time of day — added by staff or joined by the patient in LIFF; the
// clinic's wave settings; the freed slots with their offers for the back office; and the refill
// figures for the reports (refillStats). Offering freed slots lives in offers.ts.
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { addDays, isDate, localParts, zonedTime } from '../../platform/time.ts';
import { boundPatients } from '../binding/service.ts';
import { bindingsOfPatients } from '../binding/for-patients.ts';
import { clinicService } from '../clinics/service.ts';
import { clinicDoctors, doctorByHisId, doctorById } from '../doctors/service.ts';
import { patientById, patientsByIds } from '../patients/service.ts';
import { OFFER_CLOSE_MINUTES, OFFER_REPLIES, offerMessage } from './messages.ts';
import { waitlistRepository, type EntryRow, type OfferRow, type SlotRow } from './repository.ts';

export const WAITLIST_DEFAULTS = { enabled: true, waveSize: 5, waveMinutes: 5 };
export const WAVE_SIZE_MAX = 50;
export const WAVE_MINUTES_MAX = 240;
/** How far ahead a waitlist entry may reach. */
export const MAX_RANGE_DAYS = 90;
export const TIMES_OF_DAY = {
  any: '不限時段',
  morning: '上午（12:00 前）',
  afternoon: '下午（12:00–18:00）',
  evening: '晚上（18:00 後）',
} as const;
export type TimeOfDay = keyof typeof TIMES_OF_DAY;
export const ENTRY_STATUSES = { waiting: '候補中', booked: '已補上', cancelled: '已取消', past: '已過期' } as const;
export const ENTRY_SOURCES = { liff: '病患於 LINE 登記', staff: '櫃台新增' } as const;
export const SLOT_STATUSES = {
  offering: '通知中',
  filled: '已補上',
  no_match: '無符合的候補',
  expired: '已截止',
  failed: '預約失敗',
} as const;
export const SLOT_REASONS = { cancelled: '取消', moved: '改期' } as const;
export const OFFER_STATUSES = {
  sent: '已通知',
  accepted: '取得時段',
  declined: '不需要',
  taken: '已被預約',
  expired: '已截止',
} as const;

/** The time of day of a local HH:MM (morning before 12:00, evening from 18:00). */
export function timeOfDayOf(hhmm: string): Exclude<TimeOfDay, 'any'> {
  return hhmm < '12:00' ? 'morning' : hhmm < '18:00' ? 'afternoon' : 'evening';
}

export async function waitlistSettings(deps: Deps, clinicId: string) {
  const r = await waitlistRepository(deps.db).settings(clinicId);
  return r
    ? { enabled: Number(r.enabled) === 1, waveSize: Number(r.wave_size), waveMinutes: Number(r.wave_minutes) }
    : { ...WAITLIST_DEFAULTS };
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * The refill figures of slots freed on the clinic's dates `from`…`to` (inclusive): how many slots
 * were freed, offered to at least one patient, filled from the waitlist, and the median minutes
 * from the slot being freed to a patient taking it (null when none was filled).
 */
export async function refillStats(
  deps: Deps,
  clinicId: string,
  from: string,
  to: string,
): Promise<{ freed: number; offered: number; filled: number; medianMinutesToFill: number | null }> {
  const tz = await clinicService(deps).timeZoneOf(clinicId);
  const rows = await waitlistRepository(deps.db).slotsFreedIn(
    clinicId,
    zonedTime(from, '00:00', tz).toISOString(),
    zonedTime(addDays(to, 1), '00:00', tz).toISOString(),
  );
  const filled = rows.filter((r) => r.filled_at !== null && r.status === 'filled');
  const minutes = filled.map((r) => Math.round((Date.parse(r.filled_at!) - Date.parse(r.freed_at)) / 60_000));
  return {
    freed: rows.length,
    offered: rows.filter((r) => Number(r.offers_sent) > 0).length,
    filled: filled.length,
    medianMinutesToFill: median(minutes),
  };
}

export type EntryInput = {
  patientId: string;
  doctorId: string | null;
  visitType: string | null;
  dateFrom: string;
  dateTo: string;
  timeOfDay: TimeOfDay;
  note: string | null;
};

export function waitlistService(deps: Deps) {
  const repo = waitlistRepository(deps.db);
  const today = async (clinicId: string) =>
    localParts(deps.clock.now(), await clinicService(deps).timeZoneOf(clinicId)).date;

  async function entryViews(clinicId: string, rows: EntryRow[]) {
    const day = await today(clinicId);
    const patientIds = [...new Set(rows.map((r) => r.patient_id))];
    const [patients, doctors, bindings] = await Promise.all([
      patientsByIds(deps.db, clinicId, patientIds),
      clinicDoctors(deps.db, clinicId),
      bindingsOfPatients(deps.db, clinicId, patientIds),
    ]);
    const pm = new Map(patients.map((p) => [p.id, p]));
    const dm = new Map(doctors.map((d) => [d.id, d]));
    return rows.map((r) => {
      const status = r.status === 'waiting' && r.date_to < day ? 'past' : (r.status as keyof typeof ENTRY_STATUSES);
      return {
        id: r.id,
        patientId: r.patient_id,
        patientName: pm.get(r.patient_id)?.name ?? '',
        chartNo: pm.get(r.patient_id)?.chartNo ?? null,
        lineReachable: (bindings.get(r.patient_id) ?? []).some((b) => b.state === 'friend'),
        doctorId: r.doctor_id ? (dm.get(r.doctor_id)?.his_id ?? null) : null,
        doctorName: r.doctor_id ? (dm.get(r.doctor_id)?.name ?? '') : null,
        visitType: r.visit_type,
        dateFrom: r.date_from,
        dateTo: r.date_to,
        timeOfDay: r.time_of_day as TimeOfDay,
        timeOfDayLabel: TIMES_OF_DAY[r.time_of_day as TimeOfDay] ?? r.time_of_day,
        note: r.note,
        source: r.source as keyof typeof ENTRY_SOURCES,
        sourceLabel: ENTRY_SOURCES[r.source as keyof typeof ENTRY_SOURCES] ?? r.source,
        status,
        statusLabel: ENTRY_STATUSES[status] ?? status,
        createdAt: r.created_at,
      };
    });
  }

  /** Checks an entry (422 with the field, 409 for a duplicate) and writes it with its audit row. */
  async function add(
    clinicId: string,
    input: EntryInput,
    by: { actor: Actor; source: 'staff' | 'liff'; lineUserId: string | null; ip: string },
  ) {
    const day = await today(clinicId);
    const patient = await patientById(deps.db, clinicId, input.patientId);
    if (!patient) throw errors.validation([{ field: 'patientId', code: 'unknown', message: '找不到這位病患' }]);
    if (input.doctorId !== null) {
      const d = await doctorById(deps.db, clinicId, input.doctorId);
      if (!d || Number(d.active) !== 1)
        throw errors.validation([{ field: 'doctorId', code: 'unknown', message: '找不到這位醫師，或醫師已停診' }]);
    }
    const last = addDays(day, MAX_RANGE_DAYS);
    if (!isDate(input.dateFrom))
      throw errors.validation([{ field: 'dateFrom', code: 'format', message: '請以 YYYY-MM-DD 填寫開始日期' }]);
    if (!isDate(input.dateTo))
      throw errors.validation([{ field: 'dateTo', code: 'format', message: '請以 YYYY-MM-DD 填寫結束日期' }]);
    if (input.dateFrom < day)
      throw errors.validation([{ field: 'dateFrom', code: 'past', message: '開始日期不能早於今天' }]);
    if (input.dateTo < input.dateFrom)
      throw errors.validation([{ field: 'dateTo', code: 'order', message: '結束日期不能早於開始日期' }]);
    if (input.dateTo > last)
      throw errors.validation([
        { field: 'dateTo', code: 'too_far', message: `候補最多登記到 ${MAX_RANGE_DAYS} 天後（${last}）` },
      ]);
    const visitType = input.visitType?.trim() || null;
    const note = input.note?.trim() || null;
    if (note && [...note].length > 200)
      throw errors.validation([{ field: 'note', code: 'maxLength', message: '備註最多 200 字' }]);
    if (await repo.duplicate(clinicId, input.patientId, input.doctorId, day))
      throw errors.conflict(
        'WAITLIST_DUPLICATE',
        input.doctorId === null
          ? `${patient.name} 已在候補名單中（不限醫師），請先取消原登記再重新登記`
          : `${patient.name} 已在這位醫師的候補名單中，請先取消原登記再重新登記`,
      );
    const at = deps.clock.now().toISOString();
    const id = newId();
    await deps.db.transaction().execute(async (trx) => {
      await waitlistRepository(trx).insertEntry({
        id,
        clinic_id: clinicId,
        patient_id: input.patientId,
        doctor_id: input.doctorId,
        visit_type: visitType,
        date_from: input.dateFrom,
        date_to: input.dateTo,
        time_of_day: input.timeOfDay,
        note,
        line_user_id: by.lineUserId,
        source: by.source,
        status: 'waiting',
        slot_id: null,
        created_by: by.actor.id,
        created_at: at,
        updated_at: at,
      });
      await recordAudit(trx, deps.clock, {
        clinicId,
        actor: by.actor,
        action: 'waitlist.entry_added',
        entityType: 'waitlist_entry',
        entityId: id,
        ip: by.ip,
        detail: {
          patientId: input.patientId,
          doctorId: input.doctorId,
          dateFrom: input.dateFrom,
          dateTo: input.dateTo,
          timeOfDay: input.timeOfDay,
        },
      });
    });
    const [view] = await entryViews(clinicId, [(await repo.entry(clinicId, id))!]);
    return view;
  }

  /** waiting → cancelled (a second cancel is the same answer); 404 for another clinic's entry. */
  async function cancel(clinicId: string, id: string, actor: Actor, ip: string, onlyPatients?: string[]) {
    const row = await repo.entry(clinicId, id);
    if (!row || (onlyPatients && !onlyPatients.includes(row.patient_id))) throw errors.notFound('候補登記');
    if (row.status !== 'waiting' && row.status !== 'cancelled')
      throw new AppError('WAITLIST_NOT_WAITING', 409, '這筆候補已補上時段，無法取消；如需取消預約請聯絡診所');
    const at = deps.clock.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      if (
        !(await waitlistRepository(trx).moveEntry(clinicId, id, ['waiting'], { status: 'cancelled', updated_at: at }))
      )
        return;
      await recordAudit(trx, deps.clock, {
        clinicId,
        actor,
        action: 'waitlist.entry_cancelled',
        entityType: 'waitlist_entry',
        entityId: id,
        ip,
        detail: { patientId: row.patient_id },
      });
    });
    const [view] = await entryViews(clinicId, [(await repo.entry(clinicId, id))!]);
    return view;
  }

  async function settingsView(clinicId: string) {
    const sample = offerMessage('sample', {
      patientName: '王小明',
      date: '12月11日（週五）',
      time: '10:00',
      doctorName: '林醫師',
      visitType: '洗牙',
    });
    return {
      ...(await waitlistSettings(deps, clinicId)),
      defaults: WAITLIST_DEFAULTS,
      closeMinutes: OFFER_CLOSE_MINUTES,
      preview: sample.type === 'flex' ? sample.contents : null,
      replies: { won: OFFER_REPLIES.won('12月11日（週五）10:00 林醫師'), taken: OFFER_REPLIES.taken },
    };
  }

  return {
    settings: settingsView,

    async saveSettings(
      clinicId: string,
      input: { enabled: boolean; waveSize: number; waveMinutes: number },
      actor: Actor,
      ip: string,
    ) {
      if (!Number.isInteger(input.waveSize) || input.waveSize < 1 || input.waveSize > WAVE_SIZE_MAX)
        throw errors.validation([
          { field: 'waveSize', code: 'range', message: `每批通知人數請填 1 到 ${WAVE_SIZE_MAX} 人` },
        ]);
      if (!Number.isInteger(input.waveMinutes) || input.waveMinutes < 1 || input.waveMinutes > WAVE_MINUTES_MAX)
        throw errors.validation([
          { field: 'waveMinutes', code: 'range', message: `每批間隔請填 1 到 ${WAVE_MINUTES_MAX} 分鐘` },
        ]);
      const before = await waitlistSettings(deps, clinicId);
      await deps.db.transaction().execute(async (trx) => {
        await waitlistRepository(trx).saveSettings({
          clinic_id: clinicId,
          enabled: input.enabled ? 1 : 0,
          wave_size: input.waveSize,
          wave_minutes: input.waveMinutes,
          updated_at: deps.clock.now().toISOString(),
        });
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'waitlist.settings_saved',
          entityType: 'clinic',
          entityId: clinicId,
          ip,
          detail: { before, change: input },
        });
      });
      return settingsView(clinicId);
    },

    async entries(clinicId: string, q: { status: string; limit: number; offset: number }) {
      const [rows, total] = await repo.entries(clinicId, { ...q, today: await today(clinicId) });
      return { items: await entryViews(clinicId, rows), total };
    },

    /** The back office names doctors by their HIS code (as /api/doctors lists them). */
    async addByStaff(clinicId: string, input: EntryInput, actor: Actor, ip: string) {
      let doctorId: string | null = null;
      if (input.doctorId !== null) {
        const d = await doctorByHisId(deps.db, clinicId, input.doctorId);
        if (!d) throw errors.validation([{ field: 'doctorId', code: 'unknown', message: '找不到這位醫師' }]);
        doctorId = d.id;
      }
      return add(clinicId, { ...input, doctorId }, { actor, source: 'staff', lineUserId: null, ip });
    },

    cancelByStaff: (clinicId: string, id: string, actor: Actor, ip: string) => cancel(clinicId, id, actor, ip),

    /** Freed slots newest first, with who was offered each and who took it. */
    async slots(clinicId: string, q: { limit: number; offset: number }) {
      const [rows, total] = await repo.slots(clinicId, q.limit, q.offset);
      const offers = await repo.offersOfSlots(
        clinicId,
        rows.map((r) => r.id),
      );
      const [patients, doctors] = await Promise.all([
        patientsByIds(deps.db, clinicId, [...new Set(offers.map((o) => o.patient_id))]),
        clinicDoctors(deps.db, clinicId),
      ]);
      const pm = new Map(patients.map((p) => [p.id, p.name]));
      const dm = new Map(doctors.map((d) => [d.id, d.name]));
      const ofSlot = (s: SlotRow) => offers.filter((o: OfferRow) => o.slot_id === s.id);
      return {
        items: rows.map((s) => ({
          id: s.id,
          reason: s.reason as keyof typeof SLOT_REASONS,
          reasonLabel: SLOT_REASONS[s.reason as keyof typeof SLOT_REASONS] ?? s.reason,
          doctorName: dm.get(s.doctor_id) ?? '',
          visitType: s.visit_type,
          startsAt: s.starts_at,
          endsAt: s.ends_at,
          status: s.status as keyof typeof SLOT_STATUSES,
          statusLabel: SLOT_STATUSES[s.status as keyof typeof SLOT_STATUSES] ?? s.status,
          waves: Number(s.waves),
          offersSent: Number(s.offers_sent),
          freedAt: s.freed_at,
          filledAt: s.filled_at,
          minutesToFill:
            s.filled_at && s.status === 'filled'
              ? Math.round((Date.parse(s.filled_at) - Date.parse(s.freed_at)) / 60_000)
              : null,
          filledPatientName: s.filled_patient_id ? (pm.get(s.filled_patient_id) ?? '') : null,
          bookingRequestId: s.booking_request_id,
          failure: s.failure,
          offers: ofSlot(s).map((o) => ({
            patientName: pm.get(o.patient_id) ?? '',
            wave: Number(o.wave),
            status: o.status as keyof typeof OFFER_STATUSES,
            statusLabel: OFFER_STATUSES[o.status as keyof typeof OFFER_STATUSES] ?? o.status,
            sentAt: o.sent_at,
            answeredAt: o.answered_at,
          })),
        })),
        total,
      };
    },

    stats: (clinicId: string, from: string, to: string) => {
      if (!isDate(from) || !isDate(to) || to < from)
        throw errors.validation([{ field: 'to', code: 'range', message: '請選擇正確的期間（開始日不晚於結束日）' }]);
      return refillStats(deps, clinicId, from, to);
    },

    /** The LIFF page: the LINE user's family, the doctors, their entries. */
    async mine(clinicId: string, lineUserId: string) {
      const members = await boundPatients(deps, clinicId, lineUserId);
      const doctors = await clinicDoctors(deps.db, clinicId, { activeOnly: true });
      const rows = await repo.entriesOfPatients(
        clinicId,
        members.map((m) => m.id),
      );
      const day = await today(clinicId);
      return {
        today: day,
        lastDate: addDays(day, MAX_RANGE_DAYS),
        members: members.map((m) => ({ id: m.id, name: m.name })),
        doctors: doctors.map((d) => ({ id: d.id, name: d.name })),
        timesOfDay: Object.entries(TIMES_OF_DAY).map(([value, label]) => ({ value: value as TimeOfDay, label })),
        entries: (await entryViews(clinicId, rows)).map((e) => ({
          id: e.id,
          patientId: e.patientId,
          patientName: e.patientName,
          doctorName: e.doctorName,
          dateFrom: e.dateFrom,
          dateTo: e.dateTo,
          timeOfDayLabel: e.timeOfDayLabel,
          status: e.status,
          statusLabel: e.statusLabel,
        })),
      };
    },

    async join(
      clinicId: string,
      u: { lineUserId: string; displayName: string },
      input: Omit<EntryInput, 'visitType' | 'note' | 'doctorId'> & { doctorId?: string },
      ip: string,
    ) {
      const members = await boundPatients(deps, clinicId, u.lineUserId);
      if (!members.some((m) => m.id === input.patientId))
        throw errors.validation([{ field: 'patientId', code: 'not_family', message: '請選擇已綁定的本人或家人' }]);
      await add(
        clinicId,
        { ...input, doctorId: input.doctorId ?? null, visitType: null, note: null },
        {
          actor: { type: 'patient', id: u.lineUserId, label: u.displayName || '病患本人（LINE）' },
          source: 'liff',
          lineUserId: u.lineUserId,
          ip,
        },
      );
      return this.mine(clinicId, u.lineUserId);
    },

    async leave(clinicId: string, u: { lineUserId: string; displayName: string }, id: string, ip: string) {
      const members = await boundPatients(deps, clinicId, u.lineUserId);
      await cancel(
        clinicId,
        id,
        { type: 'patient', id: u.lineUserId, label: u.displayName || '病患本人（LINE）' },
        ip,
        members.map((m) => m.id),
      );
      return this.mine(clinicId, u.lineUserId);
    },
  };
}
