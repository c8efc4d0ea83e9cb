// Response schemas of the front desk's home page (今日) and its KPI strip.
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const TodayItem = {
  id: Type.String(),
  startsAt: Type.String(),
  patientRef: Type.String({ description: 'Careline 內部病患 id（顯示完整電話用）' }),
  patientName: Type.String(),
  chartNo: Nullable(Type.String()),
  phoneMasked: Nullable(Type.String()),
  doctorId: Type.String(),
  doctorName: Type.String(),
  visitType: Nullable(Type.String()),
  status: Type.String(),
  statusLabel: Type.String(),
  reply: Type.String(),
  replyLabel: Type.String(),
  visit: Type.Object({ code: Type.String(), label: Type.String() }),
  line: Type.String(),
};

export const Today = Type.Object({
  date: Type.String({ description: '今天（診所時區）' }),
  timeZone: Type.String(),
  generatedAt: Type.String(),
  counts: Type.Object({
    total: Type.Integer({ description: '今日預約（不含已取消）' }),
    cancelled: Type.Integer(),
    confirmed: Type.Integer({ description: '尚未到看診時間、病患已確認赴約' }),
    awaitingReply: Type.Integer({ description: '尚未到看診時間、已提醒但尚未回覆' }),
    notSent: Type.Integer({ description: '尚未到看診時間、尚未提醒' }),
    checkedIn: Type.Integer({ description: '已報到或已看診' }),
    noShow: Type.Integer(),
    notArrived: Type.Integer({ description: '看診時間已過、HIS 尚未報到' }),
    openRequests: Type.Integer({ description: '未處理的取消／改期申請（所有日期）' }),
    blockedToday: Type.Integer(),
    failedMessages: Type.Integer({ description: '今天起的預約中，有提醒發送失敗的預約數' }),
    followUps: Type.Integer({ description: '未完成的待追蹤（照護回覆、未到診回電…，所有日期）' }),
    followUpsOverdue: Type.Integer({ description: '其中已過處理時限的件數' }),
  }),
  hours: Type.Array(Type.Integer()),
  doctors: Type.Array(Type.Object({ doctorId: Type.String(), name: Type.String(), total: Type.Integer() })),
  cells: Type.Array(
    Type.Object({
      doctorId: Type.String(),
      hour: Type.Integer(),
      total: Type.Integer(),
      confirmed: Type.Integer(),
      awaiting: Type.Integer(),
      notSent: Type.Integer(),
      requests: Type.Integer(),
      done: Type.Integer({ description: '已報到或已看診' }),
      missed: Type.Integer({ description: '未到診或看診時間已過仍未報到' }),
    }),
  ),
  awaiting: Type.Array(Type.Object(TodayItem)),
  requests: Type.Array(
    Type.Object({
      ...TodayItem,
      taskId: Type.String(),
      kind: Type.String(),
      requestedAt: Type.String(),
      reason: Nullable(Type.String()),
    }),
  ),
  blocked: Type.Array(Type.Object(TodayItem)),
  failed: Type.Array(
    Type.Object({
      ...TodayItem,
      deliveryId: Type.String(),
      ruleName: Type.String(),
      error: Nullable(Type.String()),
      failedAt: Type.String(),
    }),
  ),
});

const Kpi = Type.Object({
  label: Type.String(),
  value: Nullable(Type.Number({ description: '0–1；分母為 0 時為 null' })),
  numerator: Type.Integer(),
  denominator: Type.Integer(),
  definition: Type.String(),
});

export const Kpis = Type.Object({
  period: Type.String(),
  from: Type.String(),
  to: Type.String(),
  kpis: Type.Object({ bindingRate: Kpi, deliveryRate: Kpi, confirmationRate: Kpi, cancelRate: Kpi, noShowRate: Kpi }),
});

export const KpiQuery = Type.Object({ period: Type.Optional(Type.Enum(['today', 'month'], { default: 'today' })) });

// The live updates are a server-sent event stream, not JSON.
export const EventStream = Type.String({ description: 'event-stream' });

export const Setup = Type.Object({
  steps: Type.Array(
    Type.Object({
      key: Type.Union(
        [
          Type.Literal('line'),
          Type.Literal('rich_menus'),
          Type.Literal('his'),
          Type.Literal('reminder_rules'),
          Type.Literal('sms'),
          Type.Literal('staff'),
        ],
        { description: '步驟代碼' },
      ),
      label: Type.String(),
      done: Type.Boolean({ description: '依目前設定自動判斷，不能手動勾選' }),
      detail: Type.String({ description: '檢查結果：缺什麼，或已設定好的內容' }),
      link: Type.String({ description: '進行這個步驟的後台頁面路徑' }),
    }),
  ),
  done: Type.Integer(),
  total: Type.Integer(),
});
