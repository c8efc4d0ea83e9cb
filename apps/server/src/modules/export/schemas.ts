// Request and response schemas of the data export routes.
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const L = Type.Literal;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const DataExport = Type.Object({
  id: Type.String(),
  status: Type.Union([L('queued'), L('running'), L('done'), L('failed'), L('expired')], {
    description: 'queued 排隊中、running 匯出中、done 完成可下載、failed 失敗、expired 檔案已過保存期限刪除',
  }),
  phase: Nullable(
    Type.Union([L('tables'), L('fhir'), L('zip')], {
      description: '進行中的步驟：tables 資料表、fhir FHIR 資源、zip 壓縮',
    }),
  ),
  tablesTotal: Type.Integer(),
  tablesDone: Type.Integer(),
  rowsWritten: Type.Integer({ description: '已寫出的資料列數' }),
  fhirWritten: Type.Integer({ description: '已寫出的 FHIR 資源數' }),
  current: Nullable(Type.String({ description: '正在寫出的資料表或 FHIR 資源類型' })),
  fileName: Nullable(Type.String()),
  sizeBytes: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  requestedBy: Type.String(),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  expiresAt: Nullable(Type.String({ description: '檔案刪除時間（完成後 24 小時）' })),
});

export const ExportList = Type.Object({
  exports: Type.Array(DataExport, { description: '最近 20 次匯出，新的在前' }),
  tables: Type.Array(Type.Object({ table: Type.String(), reason: Type.String() }), {
    description: '不匯出的資料表與原因',
  }),
  columns: Type.Array(Type.Object({ table: Type.String(), column: Type.String(), reason: Type.String() }), {
    description: '不匯出的欄位（密碼雜湊、金鑰、權杖等憑證）與原因',
  }),
});

export const DownloadLink = Type.Object({
  url: Type.String({ description: '下載網址（限申請的管理者本人、5 分鐘內有效）' }),
  expiresAt: Type.String(),
});

export const DownloadQuery = Type.Object({
  expires: Type.Integer({ minimum: 0 }),
  sig: Type.String({ minLength: 1, maxLength: 128 }),
});
