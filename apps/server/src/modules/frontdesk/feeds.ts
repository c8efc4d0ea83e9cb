// Google Calendar subscription (B4): an iCalendar feed per doctor and one for all doctors,
// behind a secret URL an admin can rotate (the old URL answers 404 at once). RFC 5545 through
// ical-generator: a VTIMEZONE for the clinic's zone, stable UIDs, SEQUENCE from the number of
// changes in the appointment's history, cancelled visits as STATUS:CANCELLED, and an option
// to show only the patient's initials (王○明).
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId, randomToken, sha256Hex, type Crypto } from '../../platform/crypto.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { addDays, localParts } from '../../platform/time.ts';
import { labelOf } from '../status/lights.ts';
import { initialsOf, localRange } from './list.ts';

const ALL = '';
const MAX_DAYS = 400;

function offsetString(at: Date, timeZone: string): string | null {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  if (name === 'GMT') return '+0000';
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  return m ? `${m[1]}${m[2]}${m[3]}` : null;
}

/**
 * A VTIMEZONE for a zone without daylight saving (Asia/Taipei has had none since 1979): one
 * STANDARD component. Zones with DST get none, and their events are written in UTC instead.
 */
export function vtimezoneOf(timeZone: string, year: number): string | null {
  const jan = offsetString(new Date(Date.UTC(year, 0, 15)), timeZone);
  const jul = offsetString(new Date(Date.UTC(year, 6, 15)), timeZone);
  if (!jan || jan !== jul) return null;
  const abbr = timeZone === 'Asia/Taipei' ? 'CST' : `UTC${jan}`;
  return [
    'BEGIN:VTIMEZONE',
    `TZID:${timeZone}`,
    `X-LIC-LOCATION:${timeZone}`,
    'BEGIN:STANDARD',
    `TZOFFSETFROM:${jan}`,
    `TZOFFSETTO:${jan}`,
    `TZNAME:${abbr}`,
    'DTSTART:19700101T000000',
    'END:STANDARD',
    'END:VTIMEZONE',
  ].join('\r\n');
}

/**
 * A Date that ical-generator formats as wall-clock time in a zone (its "TZ date" stub): native
 * Dates would be formatted with the server process's zone, which is not the clinic's.
 */
class ZonedDate extends Date {
  readonly internal: Date;
  constructor(at: Date) {
    super(at.getTime());
    this.internal = new Date(at.getTime());
  }
  withTimeZone(timeZone?: string | null) {
    const at = this.internal;
    const p = localParts(at, timeZone ?? 'UTC');
    const sec = at.getUTCSeconds();
    return {
      getFullYear: () => p.year,
      getMonth: () => p.month - 1,
      getDate: () => p.day,
      getHours: () => p.hour,
      getMinutes: () => p.minute,
      getSeconds: () => sec,
      getUTCFullYear: () => at.getUTCFullYear(),
      getUTCMonth: () => at.getUTCMonth(),
      getUTCDate: () => at.getUTCDate(),
      getUTCHours: () => at.getUTCHours(),
      getUTCMinutes: () => at.getUTCMinutes(),
      getUTCSeconds: () => sec,
    };
  }
  tzComponents() {
    return {};
  }
}

export type FeedDeps = { db: Kysely<DB>; crypto: Crypto; clock: Clock; publicBaseUrl: string };

export function feedService(d: FeedDeps) {
  const { db } = d;
  const now = () => d.clock.now().toISOString();
  const urlOf = (token: string) => `${d.publicBaseUrl}/calendar/${token}.ics`;

  async function settings(clinicId: string) {
    const s = await db
      .selectFrom('frontdesk_settings')
      .selectAll()
      .where('clinic_id', '=', clinicId)
      .executeTakeFirst();
    return { initialsOnly: s?.feed_initials_only === 1, rocDates: s?.roc_dates === 1 };
  }

  async function ensureFeed(clinicId: string, doctorId: string) {
    const row = await db
      .selectFrom('calendar_feeds')
      .selectAll()
      .where('clinic_id', '=', clinicId)
      .where('doctor_id', '=', doctorId)
      .executeTakeFirst();
    if (row) return row;
    const token = randomToken(24);
    const fresh = {
      id: newId(),
      clinic_id: clinicId,
      doctor_id: doctorId,
      token_hash: sha256Hex(token),
      token_enc: d.crypto.encrypt(token),
      created_at: now(),
      rotated_at: null,
      last_fetched_at: null,
    };
    await db
      .insertInto('calendar_feeds')
      .values(fresh)
      .onConflict((oc) => oc.columns(['clinic_id', 'doctor_id']).doNothing())
      .execute();
    return await db
      .selectFrom('calendar_feeds')
      .selectAll()
      .where('clinic_id', '=', clinicId)
      .where('doctor_id', '=', doctorId)
      .executeTakeFirstOrThrow();
  }

  return {
    settings,

    async saveSettings(
      clinicId: string,
      patch: { initialsOnly?: boolean; rocDates?: boolean },
      actor: Actor,
      ip: string,
    ) {
      const cur = await settings(clinicId);
      const next = {
        ...cur,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      } as typeof cur;
      const row = {
        clinic_id: clinicId,
        feed_initials_only: next.initialsOnly ? 1 : 0,
        roc_dates: next.rocDates ? 1 : 0,
        updated_at: now(),
      };
      await db
        .insertInto('frontdesk_settings')
        .values(row)
        .onConflict((oc) =>
          oc.column('clinic_id').doUpdateSet({
            feed_initials_only: row.feed_initials_only,
            roc_dates: row.roc_dates,
            updated_at: row.updated_at,
          }),
        )
        .execute();
      await recordAudit(db, d.clock, {
        clinicId,
        actor,
        action: 'frontdesk.settings_updated',
        entityType: 'clinic',
        entityId: clinicId,
        detail: next,
        ip,
      });
      return next;
    },

    /** Every feed of the clinic (all doctors first, then each active doctor), created on first use. */
    async list(clinicId: string) {
      const doctors = await db
        .selectFrom('doctors')
        .select(['id', 'his_id', 'name', 'department'])
        .where('clinic_id', '=', clinicId)
        .where('active', '=', 1)
        .orderBy('his_id')
        .execute();
      const out = [];
      for (const doc of [null, ...doctors]) {
        const f = await ensureFeed(clinicId, doc?.id ?? ALL);
        out.push({
          doctorId: doc?.his_id ?? null,
          doctorName: doc ? doc.name : '全部醫師',
          department: doc?.department ?? null,
          url: urlOf(d.crypto.decrypt(f.token_enc)),
          createdAt: f.created_at,
          rotatedAt: f.rotated_at,
          lastFetchedAt: f.last_fetched_at,
        });
      }
      return { ...(await settings(clinicId)), feeds: out };
    },

    /** A new secret URL; the old one stops working immediately. */
    async rotate(clinicId: string, doctorHisId: string | null, actor: Actor, ip: string) {
      let doctorId = ALL;
      if (doctorHisId) {
        const doc = await db
          .selectFrom('doctors')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('his_id', '=', doctorHisId)
          .executeTakeFirst();
        if (!doc) throw errors.notFound('醫師');
        doctorId = doc.id;
      }
      await ensureFeed(clinicId, doctorId);
      const token = randomToken(24);
      await db
        .updateTable('calendar_feeds')
        .set({
          token_hash: sha256Hex(token),
          token_enc: d.crypto.encrypt(token),
          rotated_at: now(),
          last_fetched_at: null,
        })
        .where('clinic_id', '=', clinicId)
        .where('doctor_id', '=', doctorId)
        .execute();
      await recordAudit(db, d.clock, {
        clinicId,
        actor,
        action: 'calendar_feed.rotated',
        entityType: 'calendar_feed',
        entityId: doctorHisId ?? 'all',
        ip,
      });
      return { doctorId: doctorHisId, url: urlOf(token) };
    },

    /** The .ics body for a token, or a 404 for an unknown (or rotated) token. */
    async render(token: string, q: { from?: string; to?: string }) {
      if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) throw errors.notFound('行事曆');
      const feed = await db
        .selectFrom('calendar_feeds')
        .selectAll()
        .where('token_hash', '=', sha256Hex(token))
        .executeTakeFirst();
      if (!feed) throw errors.notFound('行事曆');
      const clinic = await db
        .selectFrom('clinics')
        .select(['name', 'time_zone'])
        .where('id', '=', feed.clinic_id)
        .executeTakeFirstOrThrow();
      const tz = clinic.time_zone;
      const nowD = d.clock.now();
      const today = localParts(nowD, tz).date;
      const isDate = (s?: string) =>
        !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
      if ((q.from && !isDate(q.from)) || (q.to && !isDate(q.to)))
        throw new AppError('BAD_RANGE', 400, '日期格式不正確，請使用 YYYY-MM-DD（例如 2026-05-04）');
      const from = q.from ?? addDays(today, -30);
      const to = q.to ?? addDays(today, 90);
      if (to < from) throw new AppError('BAD_RANGE', 400, '結束日期不可早於開始日期');
      if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_DAYS)
        throw new AppError('BAD_RANGE', 400, `一次最多 ${MAX_DAYS} 天，請縮小日期範圍`);
      const range = localRange(from, to, tz);
      const { initialsOnly } = await settings(feed.clinic_id);
      let doctorName: string | null = null;
      let x = db
        .selectFrom('appointments as a')
        .innerJoin('patients as p', 'p.id', 'a.patient_id')
        .innerJoin('doctors as dr', 'dr.id', 'a.doctor_id')
        .select([
          'a.id',
          'a.his_id',
          'a.starts_at',
          'a.duration_minutes',
          'a.visit_type',
          'a.status',
          'a.reply_status',
          'a.created_at',
          'a.updated_at',
          'p.name as patient_name',
          'dr.name as doctor_name',
        ])
        .select(
          sql<number>`(SELECT COUNT(*) FROM appointment_history h WHERE h.clinic_id = a.clinic_id AND h.appointment_id = a.id)`.as(
            'changes',
          ),
        )
        .where('a.clinic_id', '=', feed.clinic_id)
        .where('a.starts_at', '>=', range.from)
        .where('a.starts_at', '<', range.to);
      if (feed.doctor_id !== ALL) {
        x = x.where('a.doctor_id', '=', feed.doctor_id);
        doctorName =
          (await db.selectFrom('doctors').select('name').where('id', '=', feed.doctor_id).executeTakeFirst())?.name ??
          null;
      }
      const rows = await x.orderBy('a.starts_at').orderBy('a.id').limit(20_000).execute();
      await db
        .updateTable('calendar_feeds')
        .set({ last_fetched_at: nowD.toISOString() })
        .where('id', '=', feed.id)
        .execute();

      const vtz = vtimezoneOf(tz, Number(today.slice(0, 4)));
      const cal = ical({
        name: `${clinic.name}｜${doctorName ? `${doctorName} 醫師` : '全部醫師'}門診預約`,
        description: `由 Careline 自 ${clinic.name} 的 HIS 同步的預約（${from} 至 ${to}）。`,
        prodId: { company: 'Careline', product: 'appointments', language: 'ZH-TW' },
        method: ICalCalendarMethod.PUBLISH,
        ttl: 15 * 60,
        // name null: DTSTAMP/CREATED/LAST-MODIFIED stay in UTC; the events carry TZID and the
        // generator adds the VTIMEZONE they reference.
        timezone: vtz ? { name: null, generator: (z: string) => (z === tz ? vtz : null) } : null,
        x: vtz ? { 'X-WR-TIMEZONE': tz } : {},
      });
      for (const r of rows) {
        const start = new Date(r.starts_at);
        const end = new Date(start.getTime() + (r.duration_minutes ?? 15) * 60_000);
        const who = initialsOnly ? initialsOf(r.patient_name) : r.patient_name;
        const reply = labelOf('reply', r.reply_status);
        cal.createEvent({
          id: `${r.id}@careline`,
          sequence: Math.max(0, Number(r.changes) - 1),
          start: vtz ? (new ZonedDate(start) as never) : start,
          end: vtz ? (new ZonedDate(end) as never) : end,
          timezone: vtz ? tz : null,
          stamp: new Date(r.updated_at),
          created: new Date(r.created_at),
          lastModified: new Date(r.updated_at),
          summary: `${r.status === 'cancelled' ? '【已取消】' : ''}${who}${r.visit_type ? `・${r.visit_type}` : ''}${feed.doctor_id === ALL ? `（${r.doctor_name}）` : ''}`,
          description: `醫師：${r.doctor_name}\n狀態：${labelOf('status', r.status)}\n病患回覆：${reply}\n預約編號：${r.his_id}`,
          status:
            r.status === 'cancelled'
              ? ICalEventStatus.CANCELLED
              : r.reply_status === 'confirmed'
                ? ICalEventStatus.CONFIRMED
                : ICalEventStatus.TENTATIVE,
        });
      }
      return { body: cal.toString(), clinicId: feed.clinic_id };
    },
  };
}
