// The one error handler, zh-TW messages for schema validation failures, and shared schemas.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import { Type } from 'typebox';
import { AppError, type ErrorDetail } from './errors.ts';

/**
 * The Fastify instance every module's routes are registered on: the TypeBox type provider
 * turns each route's schemas into the types of `req.body`, `req.params`, `req.query` and the
 * reply, so a handler cannot drift from its schema (and needs no casts).
 */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

type AjvError = { instancePath?: string; keyword: string; params: Record<string, any>; message?: string };

const TYPE_ZH: Record<string, string> = {
  string: '文字',
  integer: '整數',
  number: '數字',
  boolean: '是/否',
  object: '物件',
  array: '清單',
  null: '空值',
};

function fieldOf(e: AjvError, ctx: string): string {
  const path = (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'required') return path ? `${path}.${e.params.missingProperty}` : String(e.params.missingProperty);
  if (e.keyword === 'additionalProperties')
    return path ? `${path}.${e.params.additionalProperty}` : String(e.params.additionalProperty);
  return path || ctx;
}

export function zhMessage(e: AjvError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return '此欄位為必填';
    case 'additionalProperties':
      return `不接受的欄位「${p.additionalProperty}」`;
    case 'type':
      return `格式應為${TYPE_ZH[String(p.type)] ?? p.type}`;
    case 'minLength':
      return p.limit === 1 ? '不可空白' : `長度至少 ${p.limit} 個字`;
    case 'maxLength':
      return `長度最多 ${p.limit} 個字`;
    case 'minimum':
      return `不可小於 ${p.limit}`;
    case 'maximum':
      return `不可大於 ${p.limit}`;
    case 'minItems':
      return `至少需要 ${p.limit} 項`;
    case 'maxItems':
      return `最多 ${p.limit} 項`;
    case 'enum':
      return `必須是以下其中之一：${(p.allowedValues ?? []).join('、')}`;
    case 'const':
      return `必須是 ${p.allowedValue}`;
    case 'pattern':
      return '格式不正確';
    case 'format':
      if (p.format === 'email') return '電子郵件格式不正確';
      if (p.format === 'date-time')
        return '日期時間格式不正確（需為含時區的 RFC 3339，例如 2026-05-04T09:30:00+08:00）';
      if (p.format === 'date') return '日期格式不正確（例如 2026-05-04）';
      if (p.format === 'uri') return '網址格式不正確';
      return '格式不正確';
    default:
      return '內容不正確';
  }
}

export function validationDetails(errs: AjvError[], ctx: string): ErrorDetail[] {
  const seen = new Set<string>();
  const out: ErrorDetail[] = [];
  for (const e of errs) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const d = { field: fieldOf(e, ctx), code: e.keyword, message: zhMessage(e) };
    const k = `${d.field}|${d.code}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(d);
  }
  return out;
}

type ErrorBody = { error: { code: string; message: string; details: ErrorDetail[] } } & Record<string, unknown>;

export function errorBody(
  code: string,
  message: string,
  details: ErrorDetail[] = [],
  extra?: Record<string, unknown>,
): ErrorBody {
  return { error: { code, message, details }, ...extra };
}

export function handleError(err: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof AppError) {
    if (err.extra?.retryAfterSeconds) reply.header('retry-after', String(err.extra.retryAfterSeconds));
    const { retryAfterSeconds: _r, ...extra } = err.extra ?? {};
    void reply
      .status(err.status)
      .send(errorBody(err.code, err.message, err.details, Object.keys(extra).length ? extra : undefined));
    return;
  }
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const ctx = fe.validationContext ?? 'body';
    const status = ctx === 'body' ? 422 : 400;
    void reply
      .status(status)
      .send(
        errorBody(
          'VALIDATION_FAILED',
          ctx === 'body' ? '資料格式不正確，請檢查標示的欄位' : '查詢參數不正確',
          validationDetails(fe.validation, ctx),
        ),
      );
    return;
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      void reply.status(413).send(errorBody('PAYLOAD_TOO_LARGE', '上傳的資料太大'));
      return;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      void reply.status(415).send(errorBody('UNSUPPORTED_MEDIA_TYPE', '不支援的資料格式，請以 application/json 傳送'));
      return;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      void reply.status(400).send(errorBody('INVALID_JSON', '請求內容是空的，請傳送 JSON'));
      return;
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      void reply.status(400).send(errorBody('INVALID_JSON', 'JSON 格式錯誤，無法解析'));
      return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    void reply.status(fe.statusCode).send(errorBody('BAD_REQUEST', '請求內容有誤'));
    return;
  }
  req.log.error({ err }, 'unhandled error');
  void reply.status(500).send(errorBody('INTERNAL_ERROR', '系統發生錯誤，請稍後再試；若持續發生請聯絡客服'));
}

// Shared response schemas for the OpenAPI document.
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: '穩定的英文錯誤代碼（給程式判斷）', examples: ['VALIDATION_FAILED'] }),
      message: Type.String({ description: '給人看的繁體中文說明', examples: ['資料格式不正確，請檢查標示的欄位'] }),
      details: Type.Array(
        Type.Object(
          { field: Type.Optional(Type.String()), code: Type.Optional(Type.String()), message: Type.String() },
          { additionalProperties: true },
        ),
      ),
    }),
  },
  { $id: 'Error', additionalProperties: true, description: '錯誤回應' },
);

export const errorResponses = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, Type.Ref('Error')])) as Record<number, ReturnType<typeof Type.Ref>>;
