// Routes of questionnaires: the back office (/api/questionnaires…) and the patient's LIFF form
// (/liff/api/<channelId>/questionnaires/<recipientId>, identified by the LIFF ID token).
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { liffAuthHook } from '../binding/liff-auth.ts';
import { IdParams } from '../patients/schemas.ts';
import {
  ExportQuery,
  LiffAnswerBody,
  LiffAnswerResult,
  LiffParams,
  LiffQuestionnaire,
  Questionnaire,
  QuestionnaireBody,
  QuestionnaireList,
  Results,
  SendBody,
  SendResult,
  Sends,
  Templates,
} from './schemas.ts';
import { questionnaireService } from './service.ts';
import { spreadsheetRow, toCsv } from '../../platform/spreadsheet.ts';
import { excel } from '../../platform/xlsx.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function questionnaireRoutes(app: App, deps: Deps): void {
  const svc = questionnaireService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  const tags = ['後台：問卷'];
  app.addSchema(Questionnaire);

  app.get(
    '/api/questionnaires',
    {
      schema: {
        tags,
        summary: '問卷列表（含回覆率）',
        response: { 200: QuestionnaireList, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => svc.list(clinicOf(req)),
  );
  app.get(
    '/api/questionnaires/templates',
    {
      schema: {
        tags,
        summary: '內建範本（每家診所都有）',
        description: '看診滿意度調查：候診時間、人員態度、說明清楚程度、環境、整體滿意度（1–5 分）與建議。',
        response: { 200: Templates, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async () => svc.templates(),
  );
  app.post(
    '/api/questionnaires',
    {
      schema: {
        tags,
        summary: '建立問卷',
        body: QuestionnaireBody,
        response: { 201: Type.Ref('Questionnaire'), ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => reply.status(201).send(await svc.create(clinicOf(req), req.body, actorOf(req), req.ip)),
  );
  app.get(
    '/api/questionnaires/:id',
    {
      schema: {
        tags,
        summary: '問卷內容',
        params: IdParams,
        response: { 200: Type.Ref('Questionnaire'), ...errorResponses(401, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.get(clinicOf(req), req.params.id),
  );
  app.put(
    '/api/questionnaires/:id',
    {
      schema: {
        tags,
        summary: '修改問卷',
        description: '寄出後題目不能再修改（409 QUESTIONNAIRE_LOCKED）；名稱、說明、截止時間與看診後寄送設定仍可改。',
        params: IdParams,
        body: QuestionnaireBody,
        response: { 200: Type.Ref('Questionnaire'), ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.update(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  app.post(
    '/api/questionnaires/:id/close',
    {
      schema: {
        tags,
        summary: '立即截止問卷',
        params: IdParams,
        response: { 200: Type.Ref('Questionnaire'), ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req) => svc.close(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );
  app.delete(
    '/api/questionnaires/:id',
    {
      schema: {
        tags,
        summary: '刪除問卷（僅限尚未寄出）',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await svc.remove(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/questionnaires/:id/sends',
    {
      schema: {
        tags,
        summary: '寄出問卷給分眾或標籤的病患',
        description:
          '每位病患先建立一筆寄送紀錄，再以 LINE 傳送「填寫問卷」按鈕；同一份問卷每位病患只寄一次。' +
          '勿擾時段內會等到時段結束；達到本月非必要訊息上限時不傳送並註明。對象為 0 人時回 422 AUDIENCE_EMPTY。',
        params: IdParams,
        body: SendBody,
        response: { 200: SendResult, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req) =>
      svc.send(
        clinicOf(req),
        req.params.id,
        { kind: req.body.audience, id: req.body.audienceId },
        actorOf(req),
        req.ip,
      ),
  );
  app.get(
    '/api/questionnaires/:id/sends',
    {
      schema: {
        tags,
        summary: '寄送紀錄',
        params: IdParams,
        response: { 200: Sends, ...errorResponses(401, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.sends(clinicOf(req), req.params.id),
  );
  app.get(
    '/api/questionnaires/:id/results',
    {
      schema: {
        tags,
        summary: '結果：回覆率與每題統計',
        description: '選擇題為各選項人數；量表與 NPS 為分數分布、平均與 NPS；文字題為最新的 100 則回答。',
        params: IdParams,
        response: { 200: Results, ...errorResponses(401, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.results(clinicOf(req), req.params.id),
  );
  app.get(
    '/api/questionnaires/:id/export',
    {
      schema: {
        tags,
        summary: '匯出所有填答（CSV 或 XLSX）',
        description: '每份填答一列：填答時間（診所時區）、病歷號、姓名、寄送方式與每題答案。匯出記錄在稽核紀錄。',
        params: IdParams,
        querystring: ExportQuery,
        produces: ['text/csv', XLSX],
        response: { ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      const fmt = req.query.format;
      const t = await svc.exportRows(clinicOf(req), req.params.id, fmt, actorOf(req), req.ip);
      const name = encodeURIComponent(`${t.title}-填答.${fmt}`);
      reply.header('content-disposition', `attachment; filename="questionnaire.${fmt}"; filename*=UTF-8''${name}`);
      if (fmt === 'csv') {
        reply.header('content-type', 'text/csv; charset=utf-8');
        return reply.send(toCsv([t.header, ...t.rows], { bom: true }));
      }
      const ExcelJS = await excel();
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('填答');
      ws.addRow(t.header).font = { bold: true };
      for (const r of t.rows) ws.addRow(spreadsheetRow(r));
      ws.columns.forEach((c, i) => (c.width = i === 0 ? 20 : 16));
      reply.header('content-type', XLSX);
      return reply.send(Buffer.from(await wb.xlsx.writeBuffer()));
    },
  );

  // ---- The patient's LIFF form ----
  const liffAuth = liffAuthHook(deps);
  const liffTags = ['LIFF：病患頁面 API（Authorization: Bearer <LIFF ID token>）'];
  app.get(
    '/liff/api/:channelId/questionnaires/:id',
    {
      schema: {
        tags: liffTags,
        summary: '病患開啟問卷',
        description: '只有收到這份問卷的 LINE 使用者看得到；其他人回 404。',
        params: LiffParams,
        response: { 200: LiffQuestionnaire, ...errorResponses(401, 404) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.liffForm(req.liffUser!, req.params.id),
  );
  app.post(
    '/liff/api/:channelId/questionnaires/:id/responses',
    {
      schema: {
        tags: liffTags,
        summary: '送出問卷答案',
        description:
          '每份問卷每人填一次：再次送出回 409 ALREADY_ANSWERED；截止後回 410 QUESTIONNAIRE_CLOSED；' +
          '必填未答、分數超出範圍、不是選項的答案回 422，details 逐題說明。',
        params: LiffParams,
        body: LiffAnswerBody,
        response: { 200: LiffAnswerResult, ...errorResponses(401, 404, 409, 410, 422) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.submitLiff(req.liffUser!, req.params.id, req.body.answers),
  );
}
