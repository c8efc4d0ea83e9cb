// 滿意度 › 滿意度總覽: the figures of the surveys sent in a period (days of the clinic's time
// zone) — response rate, average, distribution, trend per day or week, per doctor and visit
// type — the answers with comments and their filters, and the CSV / XLSX export of every answer
// (times in the clinic's zone, the zone named in the column titles; audited). A period holds at
// most 366 days and the export at most EXPORT_MAX rows, so both are built in one request.
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { addDays, formatInZone, isDate, localParts, offsetLabel, weekdayOf, zonedTime } from '../../platform/time.ts';
import { clinicService } from '../clinics/service.ts';
import { doctorsByIds } from '../doctors/service.ts';
import { patientsByIds } from '../patients/service.ts';
import { satisfactionRepository, type SurveyRow } from './repository.ts';
import { STAR_LABELS } from './service.ts';
import { spreadsheetRow, toCsv } from '../../platform/spreadsheet.ts';
import { excel } from '../../platform/xlsx.ts';

export const MAX_DAYS = 366;
export const EXPORT_MAX = 50_000;
const NO_TYPE = '（未指定類別）';

export type ReportQuery = {
  from?: string;
  to?: string;
  doctorId?: string;
  visitType?: string;
  granularity?: 'day' | 'week';
};
export type AnswerQuery = ReportQuery & {
  stars?: number[];
  withComment?: boolean;
  page?: number;
  pageSize?: number;
};

const avg = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null);
const rate = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : null);

function figures(rows: SurveyRow[]) {
  const answered = rows.filter((r) => r.stars !== null);
  const distribution = [1, 2, 3, 4, 5].map((n) => ({ stars: n, count: answered.filter((r) => r.stars === n).length }));
  return {
    sent: rows.length,
    answered: answered.length,
    responseRate: rate(answered.length, rows.length),
    average: avg(answered.map((r) => r.stars!)),
    distribution,
    comments: answered.filter((r) => r.comment).length,
    lowScores: answered.filter((r) => r.stars! <= 3).length,
    cases: rows.filter((r) => r.case_id).length,
  };
}

export function satisfactionReport(deps: Deps) {
  const repo = satisfactionRepository(deps.db);

  async function range(clinicId: string, q: ReportQuery) {
    const tz = await clinicService(deps).timeZoneOf(clinicId);
    const today = localParts(deps.clock.now(), tz).date;
    const to = q.to ?? today;
    const from = q.from ?? addDays(to, -29);
    const bad = [
      ['from', from],
      ['to', to],
    ].filter(([, v]) => !isDate(v));
    if (bad.length)
      throw errors.validation(bad.map(([field]) => ({ field, code: 'date', message: '日期格式應為 YYYY-MM-DD' })));
    if (to < from) throw new AppError('RANGE_REVERSED', 422, '結束日不能早於起始日');
    if (Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1 > MAX_DAYS)
      throw new AppError('RANGE_TOO_LONG', 422, `一次最多查詢 ${MAX_DAYS} 天`);
    return {
      tz,
      from,
      to,
      filter: {
        from: zonedTime(from, '00:00', tz).toISOString(),
        to: zonedTime(addDays(to, 1), '00:00', tz).toISOString(),
        doctorId: q.doctorId,
        visitType: q.visitType,
      },
    };
  }

  async function names(clinicId: string, rows: SurveyRow[]) {
    const [doctors, patients] = await Promise.all([
      doctorsByIds(deps.db, clinicId, [...new Set(rows.map((r) => r.doctor_id))]),
      patientsByIds(deps.db, clinicId, [...new Set(rows.map((r) => r.patient_id))]),
    ]);
    return {
      doctor: (id: string) => doctors.get(id)?.name ?? '（已移除的醫師）',
      patient: new Map(patients.map((p) => [p.id, p])),
    };
  }

  return {
    async summary(clinicId: string, q: ReportQuery) {
      const r = await range(clinicId, q);
      const rows = await repo.sentIn(clinicId, r.filter, EXPORT_MAX);
      const n = await names(clinicId, rows);
      const granularity = q.granularity ?? 'day';
      // Periods of the trend: each day, or each week from its Monday.
      const periodOf = (iso: string) => {
        const d = localParts(new Date(iso), r.tz).date;
        return granularity === 'week' ? addDays(d, -((weekdayOf(d) + 6) % 7)) : d;
      };
      const periods: string[] = [];
      for (let d = periodOf(r.filter.from); d <= r.to; d = addDays(d, granularity === 'week' ? 7 : 1)) periods.push(d);
      const group = (key: (x: SurveyRow) => string) => {
        const m = new Map<string, SurveyRow[]>();
        for (const x of rows) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
        return m;
      };
      const byPeriod = group((x) => periodOf(x.sent_at!));
      return {
        from: r.from,
        to: r.to,
        timeZone: r.tz,
        granularity,
        total: figures(rows),
        trend: periods.map((p) => {
          const f = figures(byPeriod.get(p) ?? []);
          return { period: p, sent: f.sent, answered: f.answered, average: f.average };
        }),
        byDoctor: [...group((x) => x.doctor_id)].map(([id, xs]) => ({
          doctorId: id,
          name: n.doctor(id),
          ...figures(xs),
        })),
        byVisitType: [...group((x) => x.visit_type ?? '')].map(([t, xs]) => ({
          visitType: t || null,
          name: t || NO_TYPE,
          ...figures(xs),
        })),
      };
    },

    async answers(clinicId: string, q: AnswerQuery) {
      const r = await range(clinicId, q);
      const rows = (await repo.sentIn(clinicId, r.filter, EXPORT_MAX))
        .filter((x) => x.stars !== null)
        .filter((x) => !q.stars?.length || q.stars.includes(x.stars!))
        .filter((x) => !q.withComment || !!x.comment)
        .sort((a, b) => (b.answered_at ?? '').localeCompare(a.answered_at ?? ''));
      const pageSize = q.pageSize ?? 20;
      const page = q.page ?? 1;
      const shown = rows.slice((page - 1) * pageSize, page * pageSize);
      const n = await names(clinicId, shown);
      return {
        total: rows.length,
        items: shown.map((x) => ({
          id: x.id,
          patientId: x.patient_id,
          patientName: n.patient.get(x.patient_id)?.name ?? '',
          chartNo: n.patient.get(x.patient_id)?.chartNo ?? null,
          doctorId: x.doctor_id,
          doctorName: n.doctor(x.doctor_id),
          visitType: x.visit_type,
          visitAt: x.visit_at,
          sentAt: x.sent_at!,
          stars: x.stars!,
          answeredAt: x.answered_at!,
          comment: x.comment,
          commentVia: x.comment_via as 'line' | 'liff' | null,
          reviewOffered: !!x.review_offered,
          caseId: x.case_id,
          caseNumber: x.case_number,
        })),
      };
    },

    /** Every survey sent in the period with its answer, as CSV or XLSX (audited). */
    async export(clinicId: string, q: ReportQuery & { format: 'csv' | 'xlsx' }, actor: Actor, ip: string) {
      const r = await range(clinicId, q);
      const rows = await repo.sentIn(clinicId, r.filter, EXPORT_MAX + 1);
      if (rows.length > EXPORT_MAX)
        throw new AppError(
          'EXPORT_TOO_LARGE',
          422,
          `這段期間超過 ${EXPORT_MAX.toLocaleString('en-US')} 筆，請縮短期間或加上篩選後再匯出`,
        );
      const n = await names(clinicId, rows);
      const zone = `（${r.tz} ${offsetLabel(deps.clock.now(), r.tz)}）`;
      const when = (iso: string | null) => (iso ? formatInZone(iso, r.tz) : '');
      const headers = [
        `看診時間${zone}`,
        '病患',
        '病歷號',
        '醫師',
        '看診類別',
        `傳送時間${zone}`,
        '星等',
        '評價',
        `回覆時間${zone}`,
        '意見',
        '意見來源',
        '已提供 Google 評論連結',
        '意見案件',
      ];
      const cells = rows.map((x) => {
        const p = n.patient.get(x.patient_id);
        return [
          when(x.visit_at),
          p?.name ?? '',
          p?.chartNo ?? '',
          n.doctor(x.doctor_id),
          x.visit_type ?? '',
          when(x.sent_at),
          x.stars ?? '',
          x.stars ? STAR_LABELS[x.stars] : '未回覆',
          when(x.answered_at),
          x.comment ?? '',
          x.comment_via === 'liff' ? '意見頁' : x.comment_via === 'line' ? 'LINE 訊息' : '',
          x.review_offered ? '是' : '否',
          x.case_number ?? '',
        ];
      });
      let data: Buffer;
      if (q.format === 'xlsx') {
        const ExcelJS = await excel();
        const wb = new ExcelJS.Workbook();
        const ws = wb.addWorksheet('滿意度調查');
        ws.addRow(headers).font = { bold: true };
        for (const c of cells) ws.addRow(spreadsheetRow(c));
        ws.columns.forEach((col, i) => (col.width = [20, 10, 10, 10, 10, 20, 6, 10, 20, 40, 10, 10, 14][i]));
        data = Buffer.from(await wb.xlsx.writeBuffer());
      } else {
        // UTF-8 with a byte-order mark, CRLF: what Excel on Windows opens as UTF-8 text.
        data = Buffer.from(toCsv([headers, ...cells], { bom: true }));
      }
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'satisfaction.exported',
        entityType: 'satisfaction_survey',
        detail: { format: q.format, period: `${r.from}～${r.to}`, rows: rows.length },
        ip,
      });
      return {
        data,
        filename: `satisfaction-${r.from}-${r.to}.${q.format}`,
        contentType:
          q.format === 'xlsx'
            ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
            : 'text/csv; charset=utf-8',
      };
    },
  };
}
