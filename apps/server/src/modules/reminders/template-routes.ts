// Back office: creating, deleting and resetting message templates, and the preparation notes
// of one visit type (admins). Registered by reminderRoutes after its named schemas.
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { TemplateBody, TemplateIdParams } from './schemas.ts';
import { templateAdmin } from './template-admin.ts';

const PreparationBody = Type.Object(
  {
    visitType: Type.String({ maxLength: 50, description: '看診類別（與 HIS 的看診類別相同）；"" 為其他類別的預設' }),
    text: Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()], {
      description: '準備事項（範本變數 {preparation}）；null＝刪除此類別的設定（改用預設）',
    }),
  },
  { additionalProperties: false },
);
const PreparationsResponse = Type.Object({
  preparations: Type.Record(Type.String(), Type.String(), { description: '所有看診類別的準備事項' }),
});

const tags = ['後台：看診提醒'];
export function templateRoutes(app: App, deps: Deps): void {
  const admin = requireStaff(deps, ['admin']);
  const ta = templateAdmin(deps);

  app.post(
    '/api/reminders/templates',
    {
      schema: {
        tags,
        summary: '新增訊息範本（管理者）',
        description: '以新的代碼（t- 開頭）建立自訂範本；檢查與「儲存訊息範本」相同，不符合時回 422，不會建立。',
        body: TemplateBody,
        response: { 200: Type.Ref('ReminderTemplate'), ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => ta.create(clinicOf(req), req.body, actorOf(req), req.ip),
  );

  app.delete(
    '/api/reminders/templates/:id',
    {
      schema: {
        tags,
        summary: '刪除自訂訊息範本（管理者）',
        description:
          '仍有提醒規則或例外設定使用時回 409 TEMPLATE_IN_USE（訊息列出使用中的規則）；內建範本不能刪除' +
          '（409 TEMPLATE_BUILT_IN，可改用「還原預設內容」）。',
        params: TemplateIdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      await ta.remove(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/reminders/templates/:id/reset',
    {
      schema: {
        tags,
        summary: '內建範本還原預設內容（管理者）',
        description: '刪除診所修改過的內容，回到出廠的文字與設定；自訂範本回 409 TEMPLATE_NOT_BUILT_IN。',
        params: TemplateIdParams,
        response: { 200: Type.Ref('ReminderTemplate'), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: admin,
    },
    async (req) => ta.reset(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );

  app.put(
    '/api/reminders/preparations',
    {
      schema: {
        tags,
        summary: '儲存一個看診類別的準備事項（管理者）',
        description:
          '只改這一個看診類別（鍵 "" 為其他類別的預設），其餘提醒設定不變；與同時儲存的提醒規則不會互相覆蓋。回傳全部的準備事項。',
        body: PreparationBody,
        response: { 200: PreparationsResponse, ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => ta.putPreparation(clinicOf(req), req.body.visitType, req.body.text, actorOf(req), req.ip),
  );
}
