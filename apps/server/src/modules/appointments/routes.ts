// Back office: appointment list and detail with history (first cut for the front desk).
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses } from '../../platform/http.ts';
import { HistoryEntry } from './schemas.ts';
import { appointmentService } from './service.ts';

const TAG = '後台：預約';

export function appointmentRoutes(app: FastifyInstance, deps: Deps): void {
  const svc = appointmentService(deps);
  const staff = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const Item = Type.Intersect([Type.Ref('HisAppointment'), Type.Object({ id: Type.String(), startsAtUtc: Type.String(), patientName: Type.String(), doctorName: Type.String() })]);

  app.get('/api/appointments', {
    schema: {
      tags: [TAG], summary: '預約列表', description: '依看診時間排序；可依日期區間（from 含、to 不含）、醫師、預約狀態與回覆燈號篩選。',
      querystring: Type.Object({
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        doctorId: Type.Optional(Type.String({ maxLength: 64, description: 'HIS 醫師代碼' })),
        status: Type.Optional(Type.Enum(['booked', 'checked_in', 'completed', 'cancelled', 'no_show'])),
        reply: Type.Optional(Type.Enum(['not_sent', 'awaiting_reply', 'confirmed', 'cancel_requested', 'reschedule_requested'])),
        page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
        pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
      }),
      response: { 200: Type.Object({ items: Type.Array(Item), page: Type.Integer(), pageSize: Type.Integer(), hasMore: Type.Boolean() }), ...errorResponses(400, 401, 403) },
    },
    preHandler: staff,
  }, async (req) => {
    const q = req.query as { from?: string; to?: string; doctorId?: string; status?: string; reply?: string; page?: number; pageSize?: number };
    return svc.list(clinicOf(req), { ...q, page: q.page ?? 1, pageSize: q.pageSize ?? 50 });
  });

  app.get('/api/appointments/:id', {
    schema: {
      tags: [TAG], summary: '預約明細與歷程', description: '預約、燈號與每一次變更（來源、操作者、狀態變化、變更欄位、版本、時間）。',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      response: { 200: Type.Intersect([Type.Ref('HisAppointment'), Type.Object({ id: Type.String(), history: Type.Array(HistoryEntry) })]), ...errorResponses(401, 403, 404) },
    },
    preHandler: staff,
  }, async (req) => svc.detail(clinicOf(req), (req.params as { id: string }).id, actorOf(req), req.ip));
}
