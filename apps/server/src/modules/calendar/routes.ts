// Back office: the working-day calendar (government office calendar + clinic closures).
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses } from '../../platform/http.ts';
import { calendarService } from './service.ts';

const tags = ['後台：行事曆（國定假日、休診日）'];
const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD（診所所在時區的日期）' });

const Override = Type.Object(
  {
    id: Type.String(),
    date: Type.String(),
    kind: Type.Union([Type.Literal('closed'), Type.Literal('open')], {
      description: 'closed：診所休診（例如颱風停診）；open：加開（平常休診或國定假日照常看診）',
    }),
    note: Type.String(),
    createdBy: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'CalendarOverride' },
);

export function calendarRoutes(app: FastifyInstance, deps: Deps): void {
  const svc = calendarService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const admin = requireStaff(deps, ['admin', 'platform_operator']);
  const adminOnly = requireStaff(deps, ['admin']);
  app.addSchema(Override);

  app.get(
    '/api/calendar/days',
    {
      schema: {
        tags,
        summary: '診所上班日曆',
        description:
          '每一天是否為診所的上班日與原因。判斷順序：診所自訂休診／加開 → 國定假日與補假（政府行政機關辦公日曆表）→ 補行上班日 → 診所門診時段的星期。提醒排程的「遇休診日提前」即依此判斷。',
        querystring: Type.Object({ from: DateStr, to: DateStr }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ date: Type.String(), working: Type.Boolean(), reason: Type.String() })),
          }),
          ...errorResponses(400, 401, 403, 422),
        },
      },
      preHandler: read,
    },
    async (req) => {
      const q = req.query as { from: string; to: string };
      return { items: await svc.days(clinicOf(req), q.from, q.to) };
    },
  );

  app.get(
    '/api/calendar/years',
    {
      schema: {
        tags,
        summary: '已有的年度辦公日曆',
        description:
          '每個年度使用的資料來源：shipped（系統內建）、platform_import（平台匯入）、clinic_import（本診所匯入，優先）。',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                year: Type.Integer(),
                source: Type.String(),
                importedAt: Type.Union([Type.String(), Type.Null()]),
                importedBy: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
          ...errorResponses(401, 403),
        },
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
          '行政院人事行政總處每年公布的 CSV（欄位：西元日期、星期、是否放假（0 上班／2 放假）、備註）。UTF-8 檔可放在 `csv`；Big5 檔請以 Base64 放在 `csvBase64`。整年取代內建資料。平台管理者匯入的套用到所有診所；診所管理者匯入的只套用到自己的診所。匯入後會重新排程未來的提醒。',
        body: Type.Object(
          {
            year: Type.Integer({ minimum: 2000, maximum: 2100, description: '西元年，須與檔案內容相符' }),
            csv: Type.Optional(Type.String({ maxLength: 200_000, description: 'CSV 文字（UTF-8）' })),
            csvBase64: Type.Optional(
              Type.String({ maxLength: 300_000, description: 'CSV 檔案內容（Big5 或 UTF-8）的 Base64' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            year: Type.Integer(),
            days: Type.Integer(),
            daysOff: Type.Integer(),
            makeUpWorkdays: Type.Integer(),
            entries: Type.Array(Type.Object({ date: Type.String(), off: Type.Boolean(), name: Type.String() })),
          }),
          ...errorResponses(400, 401, 403, 422),
        },
      },
      preHandler: admin,
    },
    async (req) =>
      svc.importCsv(
        req.staff!.role === 'platform_operator' ? '' : clinicOf(req),
        req.body as never,
        actorOf(req),
        req.ip,
      ),
  );

  app.get(
    '/api/calendar/closures',
    {
      schema: {
        tags,
        summary: '診所休診日與加開日',
        querystring: Type.Object({ from: Type.Optional(DateStr) }),
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('CalendarOverride')) }),
          ...errorResponses(401, 403),
        },
      },
      preHandler: read,
    },
    async (req) => ({ items: await svc.listOverrides(clinicOf(req), (req.query as { from?: string }).from) }),
  );

  app.post(
    '/api/calendar/closures',
    {
      schema: {
        tags,
        summary: '新增休診日或加開日',
        description: '同一天再設定一次會取代原設定。變更後會重新排程未來的提醒（遇休診日的提醒提前到前一個上班日）。',
        body: Type.Object(
          {
            date: DateStr,
            kind: Type.Union([Type.Literal('closed'), Type.Literal('open')], { description: 'closed 休診／open 加開' }),
            note: Type.Optional(Type.String({ maxLength: 100, description: '原因，例如「颱風停診」' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('CalendarOverride'), ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: adminOnly,
    },
    async (req) => svc.addOverride(clinicOf(req), req.body as never, actorOf(req), req.ip),
  );

  app.delete(
    '/api/calendar/closures/:id',
    {
      schema: {
        tags,
        summary: '刪除休診日或加開日',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: adminOnly,
    },
    async (req, reply) => {
      await svc.deleteOverride(clinicOf(req), (req.params as { id: string }).id, actorOf(req), req.ip);
      return reply.status(204).send();
    },
  );
}
