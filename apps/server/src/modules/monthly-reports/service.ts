// 報表 › 月報: the months a clinic can download (this month so far and the twelve before it, in the
// clinic's time zone) and one month's report as XLSX or PDF, built from the reports module's KPIs,
// value and baseline (monthly-reports reads no table itself). Every download is audited like the
// other exports.
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PdfRenderer } from '../../platform/pdf.ts';
import { addDays, formatInZone, localParts } from '../../platform/time.ts';
import { clinicService } from '../clinics/service.ts';
import { monthTitle, type ReportContent } from './content.ts';
import { reportHtml } from './html.ts';
import { monthlyContent } from './source.ts';
import { reportXlsx } from './xlsx.ts';

/** Completed months offered besides the running one. */
export const MONTHS_BACK = 12;

export type Month = { month: string; label: string; from: string; to: string; partial: boolean };

const lastDayOf = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return addDays(`${m === 12 ? y + 1 : y}-${String((m % 12) + 1).padStart(2, '0')}-01`, -1);
};

export function monthsOffered(today: string): Month[] {
  const out: Month[] = [];
  let month = today.slice(0, 7);
  for (let i = 0; i <= MONTHS_BACK; i++) {
    const last = lastDayOf(month);
    out.push({ month, label: monthTitle(month), from: `${month}-01`, to: i === 0 ? today : last, partial: i === 0 });
    month = addDays(`${month}-01`, -1).slice(0, 7);
  }
  return out;
}

export function monthlyReportService(deps: Deps, pdf: PdfRenderer) {
  async function today(clinicId: string) {
    const tz = await clinicService(deps).timeZoneOf(clinicId);
    return localParts(deps.clock.now(), tz).date;
  }

  async function content(clinicId: string, month: string): Promise<ReportContent> {
    const m = monthsOffered(await today(clinicId)).find((x) => x.month === month);
    if (!m)
      throw new AppError(
        'MONTH_NOT_OFFERED',
        422,
        `只能下載本月與之前 ${MONTHS_BACK} 個月的月報（${month} 不在範圍內）`,
      );
    const clinic = await clinicService(deps).get(clinicId);
    return {
      clinicName: clinic.name,
      timeZone: clinic.timeZone,
      month,
      from: m.from,
      to: m.to,
      partial: m.partial,
      generatedAt: formatInZone(deps.clock.now(), clinic.timeZone),
      ...(await monthlyContent(deps, clinicId, m)),
    };
  }

  return {
    async months(clinicId: string) {
      return { items: monthsOffered(await today(clinicId)) };
    },

    /** One month's report; audited. */
    async download(clinicId: string, month: string, format: 'xlsx' | 'pdf', actor: Actor, ip: string) {
      const r = await content(clinicId, month);
      const data =
        format === 'pdf'
          ? await pdf.render(await reportHtml(r), { footer: `${r.clinicName} ${monthTitle(month)} 月報` })
          : await reportXlsx(r);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'reports.monthly_downloaded',
        entityType: 'monthly_report',
        entityId: month,
        detail: { format, month },
        ip,
      });
      return {
        data,
        filename: `careline-report-${month}.${format}`,
        contentType:
          format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      };
    },
  };
}
