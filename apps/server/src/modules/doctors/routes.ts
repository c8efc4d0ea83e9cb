// Back office: the clinic's doctors (with the caller's own doctor) and, for admins, which
// doctor each doctor login is.
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { DoctorLink, DoctorLinkBody, DoctorLinks, Doctors, StaffIdParams } from './schemas.ts';
import { doctorService } from './service.ts';

const TAG = '後台：醫師';

export function doctorRoutes(app: App, deps: Deps): void {
  const anyStaff = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const admin = requireStaff(deps, ['admin']);
  const svc = doctorService(deps);

  app.get(
    '/api/doctors',
    {
      schema: {
        tags: [TAG],
        operationId: 'listDoctors',
        summary: '醫師清單',
        description:
          'HIS 同步的醫師；myDoctorId 是目前登入者對應的醫師（人員設定的連結，或醫師帳號姓名相同者）。' +
          '醫師帳號沒有對應任何醫師時 unlinkedDoctorLogin 為 true。',
        response: { 200: Doctors, ...errorResponses(401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => svc.list(clinicOf(req), { userId: req.staff!.userId, name: req.staff!.name, role: req.staff!.role }),
  );

  app.get(
    '/api/doctor-links',
    {
      schema: {
        tags: [TAG],
        operationId: 'listDoctorLinks',
        summary: '醫師帳號與醫師的對應',
        description: '每個醫師角色的帳號連結到哪位 HIS 醫師；未連結時以姓名相同者對應（matchedByName）。',
        response: { 200: DoctorLinks, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => ({ items: await svc.links(clinicOf(req)) }),
  );

  app.put(
    '/api/doctor-links/:staffId',
    {
      schema: {
        tags: [TAG],
        operationId: 'setDoctorLink',
        summary: '連結人員與醫師',
        description: '讓醫師帳號預設看到自己的行事曆；doctorId 為 null 取消連結（改以姓名比對）。',
        params: StaffIdParams,
        body: DoctorLinkBody,
        response: { 200: DoctorLink, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.link(clinicOf(req), req.params.staffId, req.body.doctorId, actorOf(req), req.ip),
  );
}
