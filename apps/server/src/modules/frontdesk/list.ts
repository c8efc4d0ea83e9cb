// The front desk's appointment list (B3): any date range, doctor, visit type, status, reply
// light, LINE light, search by patient name / phone (any format or the last digits) / chart
// number, sort and pagination — all in SQL on indexed columns (migration 0040).
//
// Search: patients are matched first (a clinic has tens of thousands, not hundreds of
// thousands) and their appointments are then read through (clinic_id, patient_id, starts_at).
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { zonedTime, addDays } from '../../platform/time.ts';
import { labelOf, light } from '../status/lights.ts';
import { localDate } from '../../platform/tw.ts';

export type ListQuery = {
  from?: string;
  to?: string;
  fromDate?: string;
  toDate?: string;
  doctorId?: string;
  visitType?: string;
  status?: string;
  reply?: string;
  line?: string;
  q?: string;
  failed?: boolean;
  openTasks?: boolean;
  sort?: SortKey;
  order?: 'asc' | 'desc';
  page: number;
  pageSize: number;
};

export const SORT_KEYS = [
  'startsAt',
  'patientName',
  'doctorName',
  'status',
  'reply',
  'visitType',
  'updatedAt',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

const SORT_COLUMN: Record<SortKey, string> = {
  startsAt: 'a.starts_at',
  patientName: 'p.name',
  doctorName: 'd.name',
  status: 'a.status',
  reply: 'a.reply_status',
  visitType: 'a.visit_type',
  updatedAt: 'a.updated_at',
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** What a search box text means: digits → phone suffix / chart number / HIS id; else a name. */
export function parseSearch(raw: string): { name: string | null; digits: string | null; text: string } {
  const text = raw.normalize('NFC').trim();
  const compact = text.replace(/[\s\-()+.]/g, '');
  if (/^\d+$/.test(compact)) {
    let d = compact;
    if (d.startsWith('886')) d = d.slice(3);
    if (d.startsWith('0') && d.length >= 9) d = d.slice(1);
    return { name: null, digits: d, text: compact };
  }
  return { name: text, digits: null, text };
}

/** 0912-***-678 from +886912345678; landlines keep the area code. */
export function maskPhone(e164: string | null): string | null {
  if (!e164) return null;
  const local = e164.startsWith('+886') ? `0${e164.slice(4)}` : e164;
  if (local.length < 7) return local;
  if (/^09\d{8}$/.test(local)) return `${local.slice(0, 4)}-***-${local.slice(7)}`;
  return `${local.slice(0, local.length - 6)}***${local.slice(-3)}`;
}

/** 王○明 for 王小明; 王○ for 王明; 歐○○娜 for 歐陽娜娜. */
export function initialsOf(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}○`;
  return chars[0] + '○'.repeat(chars.length - 2) + chars[chars.length - 1];
}

/** UTC ISO bounds of a clinic-local date range (toDate inclusive). */
export function localRange(fromDate: string, toDate: string, timeZone: string): { from: string; to: string } {
  return {
    from: zonedTime(fromDate, '00:00', timeZone).toISOString(),
    to: zonedTime(addDays(toDate, 1), '00:00', timeZone).toISOString(),
  };
}

type Qb = SelectQueryBuilder<any, any, any>;

/** A search matching more patients than this (a one-character surname) lists the first ones' visits. */
const MAX_MATCHES = 2000;

export function appointmentListService(
  db: Kysely<DB>,
  opts: { dialect?: 'sqlite' | 'postgres'; phoneHash?: (e164: string) => string; now?: () => Date } = {},
) {
  function applyFilters<Q extends Qb>(
    qb: Q,
    clinicId: string,
    q: ListQuery,
    timeZone: string,
    doctorDbId: string | null | undefined,
    patientIds: string[] | null,
  ): Q {
    let x: Qb = qb.where('a.clinic_id', '=', clinicId);
    const range = {
      from: q.from ? new Date(q.from).toISOString() : undefined,
      to: q.to ? new Date(q.to).toISOString() : undefined,
    };
    if (q.fromDate) range.from = localRange(q.fromDate, q.fromDate, timeZone).from;
    if (q.toDate) range.to = localRange(q.toDate, q.toDate, timeZone).to;
    if (range.from) x = x.where('a.starts_at', '>=', range.from);
    if (range.to) x = x.where('a.starts_at', '<', range.to);
    if (doctorDbId !== undefined) x = x.where('a.doctor_id', '=', doctorDbId ?? '-no-such-doctor-');
    if (q.visitType) x = x.where('a.visit_type', '=', q.visitType);
    if (q.status) x = x.where('a.status', '=', q.status);
    if (q.reply) x = x.where('a.reply_status', '=', q.reply);
    if (q.line)
      x = x.where(
        'a.patient_id',
        'in',
        db.selectFrom('patients').select('id').where('clinic_id', '=', clinicId).where('line_status', '=', q.line),
      );
    if (patientIds) x = x.where('a.patient_id', 'in', patientIds.length ? patientIds : ['-none-']);
    if (q.failed) {
      x = x.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('reminder_deliveries as rd')
            .select('rd.id')
            .whereRef('rd.appointment_id', '=', 'a.id')
            .where('rd.clinic_id', '=', clinicId)
            .where('rd.state', '=', 'failed'),
        ),
      );
    }
    if (q.openTasks) {
      x = x.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('front_desk_tasks as t')
            .select('t.id')
            .whereRef('t.appointment_id', '=', 'a.id')
            .where('t.clinic_id', '=', clinicId)
            .where('t.status', '=', 'open'),
        ),
      );
    }
    return x as Q;
  }

  /**
   * Ids of the patients a search text matches (at most MAX_MATCHES; the list then reads their
   * appointments through (clinic_id, patient_id, starts_at)). Exact chart number / HIS id and a
   * full phone number use indexes; a partial name or the last digits of a phone scan the
   * clinic's patients once (tens of thousands of rows, a few milliseconds).
   */
  async function matchPatients(clinicId: string, text: string): Promise<string[]> {
    const s = parseSearch(text);
    const ids = new Set<string>();
    // On SQLite `+clinic_id` keeps the planner from walking an index on clinic_id and then
    // fetching every row by rowid: a plain scan of the table is ~5× faster for these filters.
    const scanScope = opts.dialect === 'postgres' ? sql<string>`clinic_id` : sql<string>`+clinic_id`;
    const exact = await db
      .selectFrom('patients')
      .select('id')
      .where('clinic_id', '=', clinicId)
      .where((eb) => eb.or([eb('chart_no', '=', s.text), eb('his_id', '=', s.text)]))
      .limit(MAX_MATCHES)
      .execute();
    for (const r of exact) ids.add(r.id);
    if (s.digits !== null) {
      const digits = s.digits;
      if (digits.length === 9 && opts.phoneHash) {
        const full = await db
          .selectFrom('patients')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('phone_hash', '=', opts.phoneHash(`+886${digits}`))
          .limit(MAX_MATCHES)
          .execute();
        for (const r of full) ids.add(r.id);
      } else if (digits.length >= 3) {
        const tail =
          opts.dialect === 'postgres'
            ? sql<string>`right(phone_e164, ${digits.length})`
            : sql<string>`substr(phone_e164, ${-digits.length})`;
        const part = await db
          .selectFrom('patients')
          .select('id')
          .where(scanScope, '=', clinicId)
          .where(tail, '=', digits)
          .limit(MAX_MATCHES)
          .execute();
        for (const r of part) ids.add(r.id);
      }
    } else {
      const name = s.name!;
      const part = await db
        .selectFrom('patients')
        .select('id')
        .where(scanScope, '=', clinicId)
        .where('name', 'like', sql<string>`${`%${escapeLike(name)}%`} ESCAPE '\\'`)
        .limit(MAX_MATCHES)
        .execute();
      for (const r of part) ids.add(r.id);
    }
    return [...ids].slice(0, MAX_MATCHES);
  }

  return {
    async list(clinicId: string, timeZone: string, q: ListQuery) {
      const patientIds = q.q && q.q.trim() ? await matchPatients(clinicId, q.q) : null;
      let doctorDbId: string | null | undefined;
      if (q.doctorId) {
        const d = await db
          .selectFrom('doctors')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('his_id', '=', q.doctorId)
          .executeTakeFirst();
        doctorDbId = d?.id ?? null;
      }
      const sortKey = q.sort ?? 'startsAt';
      const dir = q.order ?? 'asc';
      let rowsQ = applyFilters(db.selectFrom('appointments as a'), clinicId, q, timeZone, doctorDbId, patientIds)
        .innerJoin('patients as p', 'p.id', 'a.patient_id')
        .innerJoin('doctors as d', 'd.id', 'a.doctor_id')
        .select([
          'a.id',
          'a.his_id',
          'a.starts_at',
          'a.starts_at_local',
          'a.duration_minutes',
          'a.visit_type',
          'a.status',
          'a.note',
          'a.version',
          'a.reply_status',
          'a.reply_status_at',
          'a.created_at',
          'a.updated_at',
          'p.his_id as patient_his_id',
          'p.name as patient_name',
          'p.chart_no',
          'p.phone_e164',
          'p.line_status',
          'd.his_id as doctor_his_id',
          'd.name as doctor_name',
        ]);
      const anyDate = !q.from && !q.to && !q.fromDate && !q.toDate;
      if (patientIds && anyDate && !q.sort && !q.order) {
        // A search over all dates (the front desk looking someone up): today's and upcoming
        // visits first, soonest first, then the past, newest first — not last year's visits
        // on top of today's.
        const today = localDate(opts.now?.() ?? new Date(), timeZone);
        const todayStart = localRange(today, today, timeZone).from;
        rowsQ = rowsQ
          .orderBy(sql`case when a.starts_at >= ${todayStart} then 0 else 1 end`)
          .orderBy(sql`case when a.starts_at >= ${todayStart} then a.starts_at end`, 'asc')
          .orderBy('a.starts_at', 'desc');
      } else {
        rowsQ = rowsQ.orderBy(sql.ref(SORT_COLUMN[sortKey]), dir);
        if (sortKey !== 'startsAt') rowsQ = rowsQ.orderBy('a.starts_at', 'asc');
      }
      rowsQ = rowsQ.orderBy('a.id', dir);
      const countQ = applyFilters(
        db.selectFrom('appointments as a'),
        clinicId,
        q,
        timeZone,
        doctorDbId,
        patientIds,
      ).select((eb) => eb.fn.countAll<number>().as('n'));
      const [rows, count] = await Promise.all([
        rowsQ
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize)
          .execute(),
        countQ.executeTakeFirst(),
      ]);
      const total = Number(count?.n ?? 0);
      return {
        items: rows.map((r) => ({
          id: r.id,
          appointmentId: r.his_id,
          patientId: r.patient_his_id,
          doctorId: r.doctor_his_id,
          startsAt: r.starts_at_local,
          startsAtUtc: r.starts_at,
          durationMinutes: r.duration_minutes,
          visitType: r.visit_type,
          status: r.status,
          statusLabel: labelOf('status', r.status) ?? r.status,
          note: r.note,
          version: Number(r.version),
          lights: { reply: light('reply', r.reply_status), line: light('line', r.line_status) },
          patientName: r.patient_name,
          chartNo: r.chart_no,
          phoneMasked: maskPhone(r.phone_e164),
          doctorName: r.doctor_name,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        })),
        page: q.page,
        pageSize: q.pageSize,
        total,
        hasMore: q.page * q.pageSize < total,
      };
    },

    /** The clinic's own visit types (as its HIS names them) over the last two years, most used first. */
    async visitTypes(clinicId: string): Promise<{ items: { visitType: string; count: number }[] }> {
      const since = new Date((opts.now?.() ?? new Date()).getTime() - 730 * 86_400_000).toISOString();
      const rows = await db
        .selectFrom('appointments')
        .select(['visit_type', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('clinic_id', '=', clinicId)
        .where('starts_at', '>=', since)
        .where('visit_type', 'is not', null)
        .groupBy('visit_type')
        .orderBy('n', 'desc')
        .orderBy('visit_type')
        .limit(200)
        .execute();
      return { items: rows.map((r) => ({ visitType: r.visit_type!, count: Number(r.n) })) };
    },

    /** Compact events for the calendar views (a day, a week or a month; at most 5,000). */
    async schedule(clinicId: string, timeZone: string, q: { fromDate: string; toDate: string; doctorId?: string }) {
      const range = localRange(q.fromDate, q.toDate, timeZone);
      let x = db
        .selectFrom('appointments as a')
        .innerJoin('patients as p', 'p.id', 'a.patient_id')
        .innerJoin('doctors as d', 'd.id', 'a.doctor_id')
        .select([
          'a.id',
          'a.starts_at',
          'a.duration_minutes',
          'a.visit_type',
          'a.status',
          'a.reply_status',
          'p.name as patient_name',
          'p.line_status',
          'd.his_id as doctor_his_id',
          'd.name as doctor_name',
        ])
        .where('a.clinic_id', '=', clinicId)
        .where('a.starts_at', '>=', range.from)
        .where('a.starts_at', '<', range.to);
      if (q.doctorId) x = x.where('d.his_id', '=', q.doctorId);
      const rows = await x.orderBy('a.starts_at').orderBy('a.id').limit(5001).execute();
      return {
        items: rows.slice(0, 5000).map((r) => ({
          id: r.id,
          startsAt: r.starts_at,
          durationMinutes: r.duration_minutes,
          visitType: r.visit_type,
          status: r.status,
          reply: r.reply_status,
          line: r.line_status,
          patientName: r.patient_name,
          doctorId: r.doctor_his_id,
          doctorName: r.doctor_name,
        })),
        truncated: rows.length > 5000,
      };
    },
  };
}
