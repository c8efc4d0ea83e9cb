// Google Calendar subscription: an iCalendar feed per doctor and one for all doctors,
// behind a secret URL an admin can rotate (the old URL answers 404 at once). RFC 5545 through
// ical-generator: a VTIMEZONE for the clinic's zone, stable UIDs, SEQUENCE from the number of
// changes in the appointment's history, cancelled visits as STATUS:CANCELLED, and an option
// to show only the patient's initials (王○明).
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId, randomToken, sha256Hex } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { addDays, localParts } from '../../platform/time.ts';
import { appointmentsForFeed, localRange } from '../appointments/service.ts';
import { clinicService } from '../clinics/service.ts';
import { clinicDoctors, doctorByHisId, doctorById } from '../doctors/service.ts';
import { labelOf } from '../status/lights.ts';
import { calendarFeedRepository } from './repository.ts';

const ALL = '';

/** 王○明 for 王小明; 王○ for 王明; 歐○○娜 for 歐陽娜娜. */
export function initialsOf(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}○`;
  return chars[0] + '○'.repeat(chars.length - 2) + chars[chars.length - 1];
}

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

export function calendarFeedService(deps: Deps) {
  const repo = calendarFeedRepository(deps.db);
  const now = () => deps.clock.now().toISOString();
  const urlOf = (token: string) => `${deps.config.publicBaseUrl}/calendar/${token}.ics`;

  async function settings(clinicId: string) {
    const s = await repo.settings(clinicId);
    return { initialsOnly: Number(s?.feed_initials_only) === 1, rocDates: Number(s?.roc_dates) === 1 };
  }

  async function ensureFeed(clinicId: string, doctorId: string) {
    const row = await repo.feed(clinicId, doctorId);
    if (row) return row;
    const token = randomToken(24);
    await repo.insertFeed({
      id: newId(),
      clinic_id: clinicId,
      doctor_id: doctorId,
      token_hash: sha256Hex(token),
      token_enc: deps.crypto.encrypt(token),
      created_at: now(),
      rotated_at: null,
      last_fetched_at: null,
    });
    return (await repo.feed(clinicId, doctorId))!;
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
        initialsOnly: patch.initialsOnly ?? cur.initialsOnly,
        rocDates: patch.rocDates ?? cur.rocDates,
      };
      await repo.saveSettings({
        clinic_id: clinicId,
        feed_initials_only: next.initialsOnly ? 1 : 0,
        roc_dates: next.rocDates ? 1 : 0,
        updated_at: now(),
      });
      await recordAudit(deps.db, deps.clock, {
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
      const doctors = await clinicDoctors(deps.db, clinicId, { activeOnly: true });
      const out = [];
      for (const doc of [null, ...doctors]) {
        const f = await ensureFeed(clinicId, doc?.id ?? ALL);
        out.push({
          doctorId: doc?.his_id ?? null,
          doctorName: doc ? doc.name : '全部醫師',
          department: doc?.department ?? null,
          url: urlOf(deps.crypto.decrypt(f.token_enc)),
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
        const doc = await doctorByHisId(deps.db, clinicId, doctorHisId);
        if (!doc) throw errors.notFound('醫師');
        doctorId = doc.id;
      }
      await ensureFeed(clinicId, doctorId);
      const token = randomToken(24);
      await repo.updateFeed(clinicId, doctorId, {
        token_hash: sha256Hex(token),
        token_enc: deps.crypto.encrypt(token),
        rotated_at: now(),
        last_fetched_at: null,
      });
      await recordAudit(deps.db, deps.clock, {
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
      const feed = await repo.byTokenHash(sha256Hex(token));
      if (!feed) throw errors.notFound('行事曆');
      const clinic = await clinicService(deps).get(feed.clinic_id);
      const tz = clinic.timeZone;
      const nowD = deps.clock.now();
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
      const one = feed.doctor_id !== ALL;
      const doctorName = one ? ((await doctorById(deps.db, feed.clinic_id, feed.doctor_id))?.name ?? null) : null;
      const rows = await appointmentsForFeed(deps, feed.clinic_id, {
        from: range.from,
        to: range.to,
        doctorId: one ? feed.doctor_id : undefined,
        limit: 20_000,
      });
      await repo.updateFeed(feed.clinic_id, feed.doctor_id, { last_fetched_at: nowD.toISOString() });

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
        const name = r.patient?.name ?? '';
        const who = initialsOnly ? initialsOf(name) : name;
        const cancelled = r.status === 'cancelled' ? '【已取消】' : '';
        const kind = r.visit_type ? `・${r.visit_type}` : '';
        const doctor = one ? '' : `（${r.doctor.name}）`;
        cal.createEvent({
          id: `${r.id}@careline`,
          sequence: Math.max(0, r.changes - 1),
          start: vtz ? (new ZonedDate(start) as never) : start,
          end: vtz ? (new ZonedDate(end) as never) : end,
          timezone: vtz ? tz : null,
          stamp: new Date(r.updated_at),
          created: new Date(r.created_at),
          lastModified: new Date(r.updated_at),
          summary: `${cancelled}${who}${kind}${doctor}`,
          description:
            `醫師：${r.doctor.name}\n狀態：${labelOf('status', r.status)}\n` +
            `病患回覆：${labelOf('reply', r.reply_status)}\n預約編號：${r.his_id}`,
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
