// Back office: the working-day calendar (government office calendar + clinic closures).
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import {
  CalendarDay,
  CalendarOverride,
  ClosureBody,
  ClosureParams,
  ClosuresQuery,
  ClosuresResponse,
  DaysQuery,
  DaysResponse,
  ImportBody,
  ImportPreviewResponse,
  ImportResponse,
  YearQuery,
  YearResponse,
  YearsResponse,
} from './schemas.ts';
import { calendarService } from './service.ts';

const tags = ['後台：行事曆（國定假日、休診日）'];
export function calendarRoutes(app: App, deps: Deps): void {
  const svc = calendarService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const admin = requireStaff(deps, ['admin', 'platform_operator']);
  const adminOnly = requireStaff(deps, ['admin']);
  app.addSchema(CalendarOverride);
  app.addSchema(CalendarDay);

  app.get(
    '/api/calendar/days',
    {
      schema: {
        tags,
        summary: '診所上班日曆',
        description:
          '每一天是否為診所的上班日與原因。判斷順序：診所自訂休診／加開 → 國定假日與補假（政府行政機關辦公日曆表）→ 補行上班日 → 診所門診時段的星期。提醒排程的「遇休診日提前」即依此判斷。',
        querystring: DaysQuery,
        response: { 200: DaysResponse, ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: read,
    },
    async (req) => ({ items: await svc.days(clinicOf(req), req.query.from, req.query.to) }),
  );

  app.get(
    '/api/calendar/year',
    {
      schema: {
        tags,
        summary: '診所一整年的工作日曆',
        description:
          '一年中每一天的類別與原因：國定假日、補假、補行上班、每週固定休診、診所自訂休診、診所加開、一般上班日。' +
          '與「診所上班日曆」的判斷相同；另附政府辦公日曆的來源與各類別天數。',
        querystring: YearQuery,
        response: { 200: YearResponse, ...errorResponses(400, 401, 403) },
      },
      preHandler: read,
    },
    async (req) => svc.year(clinicOf(req), req.query.year),
  );

  app.get(
    '/api/calendar/years',
    {
      schema: {
        tags,
        summary: '已有的年度辦公日曆',
        description:
          '每個年度使用的資料來源：shipped（系統內建）、platform_import（平台匯入）、clinic_import（本診所匯入，優先）。',
        response: { 200: YearsResponse, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => ({ items: await svc.years(clinicOf(req)) }),
  );

  app.post(
    '/api/calendar/import',
    {
      schema: {
        tags,
        summary: '匯入政府行政機關辦公日曆表（CSV）',
        description:
          '行政院人事行政總處每年公布的 CSV（欄位：西元日期、星期、是否放假（0 上班／2 放假）、備註）。' +
          'UTF-8 檔可放在 `csv`；Big5 檔請以 Base64 放在 `csvBase64`。整年取代內建資料。' +
          '平台管理者匯入的套用到所有診所；診所管理者匯入的只套用到自己的診所。匯入後會重新排程未來的提醒。',
        body: ImportBody,
        response: { 200: ImportResponse, ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) =>
      svc.importCsv(req.staff!.role === 'platform_operator' ? '' : clinicOf(req), req.body, actorOf(req), req.ip),
  );

  app.post(
    '/api/calendar/import/preview',
    {
      schema: {
        tags,
        summary: '預覽匯入政府行政機關辦公日曆表（不會儲存）',
        description:
          '檢查 CSV 並列出與目前使用中的同年度資料相比有差異的日子（改為放假、改為上班、名稱不同）；不會儲存任何資料。' +
          '確認後再以相同內容呼叫「匯入政府行政機關辦公日曆表」。檔案年度與 year 不符、缺少日期、編碼或欄位無法辨識時回 422。',
        body: ImportBody,
        response: { 200: ImportPreviewResponse, ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.previewImport(req.staff!.role === 'platform_operator' ? '' : clinicOf(req), req.body),
  );

  app.get(
    '/api/calendar/closures',
    {
      schema: {
        tags,
        summary: '診所休診日與加開日',
        querystring: ClosuresQuery,
        response: { 200: ClosuresResponse, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => ({ items: await svc.listOverrides(clinicOf(req), req.query.from) }),
  );

  app.post(
    '/api/calendar/closures',
    {
      schema: {
        tags,
        summary: '新增休診日或加開日',
        description: '同一天再設定一次會取代原設定。變更後會重新排程未來的提醒（遇休診日的提醒提前到前一個上班日）。',
        body: ClosureBody,
        response: { 200: Type.Ref('CalendarOverride'), ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: adminOnly,
    },
    async (req) => svc.addOverride(clinicOf(req), req.body, actorOf(req), req.ip),
  );

  app.delete(
    '/api/calendar/closures/:id',
    {
      schema: {
        tags,
        summary: '刪除休診日或加開日',
        params: ClosureParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: adminOnly,
    },
    async (req, reply) => {
      await svc.deleteOverride(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );
}
