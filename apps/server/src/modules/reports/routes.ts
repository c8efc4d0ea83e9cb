// Routes of 報表 (/api/reports/…): the KPIs, the baseline comparison, the value of Careline in
// NT$ and the report settings. Reading is for every staff role; the settings are the admin's.
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import {
  BaselineQuery,
  BaselineResponse,
  KpisQuery,
  KpisResponse,
  ReportSettings,
  ReportSettingsBody,
  ValueQuery,
  ValueResponse,
} from './schemas.ts';
import { reportService } from './service.ts';

export function reportRoutes(app: App, deps: Deps): void {
  const svc = reportService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const admin = requireStaff(deps, ['admin']);
  const tags = ['後台：報表'];

  app.get(
    '/api/reports/kpis',
    {
      schema: {
        tags,
        summary: 'KPI（每日、每週、每月）',
        description:
          '由每日彙總計算（背景工作每小時更新，第一次會先建立歷史資料）。每個指標附定義、公式與目標；' +
          'scope 為 visit 的指標依醫師與看診類別篩選，clinic 的指標為全診所數字。百分比為 0–100。',
        querystring: KpisQuery,
        response: { 200: KpisResponse, ...errorResponses(401, 403, 422) },
      },
      preHandler: read,
    },
    async (req) => svc.kpis(clinicOf(req), req.query),
  );
  app.get(
    '/api/reports/baseline',
    {
      schema: {
        tags,
        summary: '導入前後比較（未到診率、取消率）',
        description: '比較期間（預設最近三個月）與基準期間（設定，預設導入 Careline 前三個月）的未到診率與取消率。',
        querystring: BaselineQuery,
        response: { 200: BaselineResponse, ...errorResponses(401, 403, 422) },
      },
      preHandler: read,
    },
    async (req) => svc.baseline(clinicOf(req), req.query),
  );
  app.get(
    '/api/reports/value',
    {
      schema: {
        tags,
        summary: 'Careline 效益（新台幣）',
        description:
          '一個月的效益：減少的未到診 × 平均每診收入、省下的確認電話 × 每通分鐘數換算人事成本、扣除訊息費用；每個數字附公式與代入的數值。',
        querystring: ValueQuery,
        response: { 200: ValueResponse, ...errorResponses(401, 403, 422) },
      },
      preHandler: read,
    },
    async (req) => svc.value(clinicOf(req), req.query),
  );
  app.get(
    '/api/reports/settings',
    {
      schema: { tags, summary: '報表設定', response: { 200: ReportSettings, ...errorResponses(401, 403) } },
      preHandler: read,
    },
    async (req) => svc.settingsView(clinicOf(req)),
  );
  app.put(
    '/api/reports/settings',
    {
      schema: {
        tags,
        summary: '修改報表設定（管理者）',
        description: 'baselinePeriod 為 null 時使用預設基準期間：導入 Careline 前三個月。',
        body: ReportSettingsBody,
        response: { 200: ReportSettings, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.saveSettings(clinicOf(req), req.body, actorOf(req), req.ip),
  );
}
