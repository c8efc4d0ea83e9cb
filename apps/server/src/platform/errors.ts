// One error type for the whole server. Services throw AppError; the handler in app.ts maps
// it to {error:{code,message,details}}. Messages are for people (zh-TW), codes for machines.

export type ErrorDetail = { field?: string; code?: string; message: string; [k: string]: unknown };

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: ErrorDetail[];
  readonly extra: Record<string, unknown> | undefined;
  constructor(
    code: string,
    status: number,
    message: string,
    details: ErrorDetail[] = [],
    extra?: Record<string, unknown>,
  ) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
    this.extra = extra;
  }
}

export const errors = {
  badRequest: (message = '請求內容有誤', details: ErrorDetail[] = []) =>
    new AppError('BAD_REQUEST', 400, message, details),
  validation: (details: ErrorDetail[], message = '資料格式不正確，請檢查標示的欄位') =>
    new AppError('VALIDATION_FAILED', 422, message, details),
  unauthenticated: (message = '帳號或密碼錯誤，或登入已失效，請重新登入') =>
    new AppError('UNAUTHENTICATED', 401, message),
  forbidden: (message = '您沒有權限執行此操作') => new AppError('FORBIDDEN', 403, message),
  notFound: (what = '資料') => new AppError('NOT_FOUND', 404, `找不到指定的${what}`),
  conflict: (code: string, message: string, extra?: Record<string, unknown>) =>
    new AppError(code, 409, message, [], extra),
  tooMany: (code: string, message: string, retryAfterSeconds?: number) =>
    new AppError(code, 429, message, [], retryAfterSeconds === undefined ? undefined : { retryAfterSeconds }),
  /** Not now, soon: 503 with Retry-After (e.g. the lights feed while a change is still being written). */
  unavailable: (code: string, message: string, retryAfterSeconds: number) =>
    new AppError(code, 503, message, [], { retryAfterSeconds }),
};
