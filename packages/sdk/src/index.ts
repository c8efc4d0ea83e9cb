// @careline/sdk — a typed client for the Careline HIS Open API v1.
// The wire types come from src/schema.ts, generated from apps/server/openapi.json by
// openapi-typescript; the helpers below are thin wrappers over openapi-fetch.
import { createHmac, timingSafeEqual } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.ts';

export type { paths, components } from './schema.ts';

// ---- types taken from the generated schema (with CONTRACTS.md shapes as a fallback) ----

type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Op<P extends string, M extends string> = P extends keyof paths
  ? M extends keyof paths[P]
    ? NonNullable<paths[P][M]>
    : undefined
  : undefined;
type Or<T, F> = [T] extends [never] ? F : unknown extends T ? F : T;
type BodyOf<P extends string, M extends string, F> =
  Op<P, M> extends { requestBody?: infer R } ? Or<JsonOf<NonNullable<R>>, F> : F;
type OkOf<P extends string, M extends string, F> =
  Op<P, M> extends { responses: infer R } ? Or<JsonOf<R[Extract<keyof R, 200 | 201>]>, F> : F;

export type AppointmentStatus = 'booked' | 'checked_in' | 'completed' | 'cancelled' | 'no_show';
export type LineLight = 'bound' | 'unbound' | 'blocked';
export type ReplyLight = 'not_sent' | 'awaiting_reply' | 'confirmed' | 'cancel_requested' | 'reschedule_requested';

type DoctorFallback = { name: string; department?: string; title?: string; active?: boolean };
type PatientFallback = {
  name: string;
  phone?: string;
  birthDate?: string;
  nationalId?: string;
  chartNo?: string;
  gender?: string;
};
type AppointmentFallback = {
  patientId: string;
  doctorId: string;
  startsAt: string;
  durationMinutes?: number;
  visitType?: string;
  status: AppointmentStatus;
  note?: string;
  version: number;
};
type Loose = Record<string, unknown>;
type LightValue<C extends string> = { code: C; label: string };
type BatchItemResultFallback = {
  index: number;
  appointmentId: string | null;
  status: number;
  result?: 'created' | 'updated' | 'unchanged';
  version?: number;
  error?: { code: string; message: string; details: ErrorDetail[] };
  current?: Loose;
};
type StatusChangeFallback = {
  cursor: string;
  subject: 'patient' | 'appointment';
  appointmentId?: string;
  patientId: string | null;
  light: 'line' | 'reply' | 'status';
  from: LightValue<string> | null;
  to: LightValue<string>;
  source: string;
  reason: string | null;
  changedAt: string;
};

export type DoctorInput = BodyOf<'/his/v1/doctors/{doctorId}', 'put', DoctorFallback>;
export type PatientInput = BodyOf<'/his/v1/patients/{patientId}', 'put', PatientFallback>;
export type AppointmentInput = BodyOf<'/his/v1/appointments/{appointmentId}', 'put', AppointmentFallback>;
export type BatchInput = BodyOf<
  '/his/v1/appointments/batch',
  'post',
  { items: (AppointmentFallback & { appointmentId: string })[] }
>;
export type BatchItem = BatchInput extends { items: (infer I)[] } ? I : AppointmentInput & { appointmentId: string };
export type Doctor = OkOf<'/his/v1/doctors/{doctorId}', 'put', Loose>;
export type Patient = OkOf<'/his/v1/patients/{patientId}', 'put', Loose>;
export type Appointment = OkOf<'/his/v1/appointments/{appointmentId}', 'get', Loose>;
export type AppointmentWriteResult = OkOf<'/his/v1/appointments/{appointmentId}', 'put', Loose>;
export type BatchResult = OkOf<
  '/his/v1/appointments/batch',
  'post',
  { items: BatchItemResultFallback[]; summary: Record<string, number> }
>;
export type PatientStatus = OkOf<'/his/v1/patients/{patientId}/status', 'get', Loose>;
export type StatusChangesPage = OkOf<
  '/his/v1/status-changes',
  'get',
  { items: StatusChangeFallback[]; nextCursor: string | null; hasMore: boolean }
>;
export type StatusChange = StatusChangesPage extends { items: (infer I)[] } ? I : StatusChangeFallback;
export type WebhookInput = BodyOf<'/his/v1/webhook', 'put', { url: string; secret?: string }>;
export type WebhookConfig = OkOf<'/his/v1/webhook', 'put', { url: string; secret: string }>;

// ---- errors ----

export type ErrorDetail = { field?: string; code?: string; message: string; [k: string]: unknown };

/** A non-2xx answer: `status`, the machine `code`, the zh-TW `message` and the whole `body`. */
export class CarelineApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    const err = (body as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | null)?.error;
    super(`${status} ${err?.code ?? 'HTTP_ERROR'}: ${err?.message ?? 'request failed'}`);
    this.name = 'CarelineApiError';
    this.status = status;
    this.code = err?.code ?? 'HTTP_ERROR';
    this.details = err?.details ?? [];
    this.body = body;
  }
}

// ---- client ----

export type CarelineClientOptions = {
  /** e.g. `https://careline.example.tw` or a local bridge `http://127.0.0.1:7070` */
  baseUrl: string;
  /** the clinic's HIS API key (sent as `Authorization: Bearer …`) */
  apiKey: string;
  fetch?: typeof globalThis.fetch;
};

type Result = { data?: unknown; error?: unknown; response: Response };

export function createCarelineClient(opts: CarelineClientOptions) {
  const raw: Client<paths> = createClient<paths>({
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${opts.apiKey}` },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  // The helpers call through an untyped view so they compile whatever paths the schema has;
  // their signatures carry the generated types.
  const any = raw as unknown as Record<'GET' | 'PUT' | 'POST', (path: string, init: Loose) => Promise<Result>>;

  async function call<T>(method: 'GET' | 'PUT' | 'POST', path: string, init: Loose): Promise<T> {
    const r = await any[method](path, init);
    if (!r.response.ok) throw new CarelineApiError(r.response.status, r.error ?? null);
    return r.data as T;
  }

  async function* statusChangePages(
    opts: { after?: string | null; limit?: number } = {},
  ): AsyncGenerator<StatusChangesPage> {
    let after = opts.after ?? null;
    for (;;) {
      const query: Loose = { limit: opts.limit ?? 500 };
      if (after) query.after = after;
      const page = await call<StatusChangesPage>('GET', '/his/v1/status-changes', { params: { query } });
      const p = page as { items: unknown[]; nextCursor?: string | null };
      yield page;
      const next = p.nextCursor ?? null;
      if (p.items.length === 0 || next === null || next === after) return;
      after = next;
    }
  }

  return {
    /** the underlying openapi-fetch client, typed by the whole OpenAPI document */
    raw,
    upsertDoctor: (doctorId: string, body: DoctorInput) =>
      call<Doctor>('PUT', '/his/v1/doctors/{doctorId}', { params: { path: { doctorId } }, body }),
    upsertPatient: (patientId: string, body: PatientInput) =>
      call<Patient>('PUT', '/his/v1/patients/{patientId}', { params: { path: { patientId } }, body }),
    /** A lower version than the stored one throws CarelineApiError 409 (its body has the stored record). */
    upsertAppointment: (appointmentId: string, body: AppointmentInput) =>
      call<AppointmentWriteResult>('PUT', '/his/v1/appointments/{appointmentId}', {
        params: { path: { appointmentId } },
        body,
      }),
    /** Up to 1,000 items; one result per item, in order (a bad item does not sink the others). */
    batchAppointments: (items: BatchItem[]) =>
      call<BatchResult>('POST', '/his/v1/appointments/batch', { body: { items } }),
    getAppointment: (appointmentId: string) =>
      call<Appointment>('GET', '/his/v1/appointments/{appointmentId}', { params: { path: { appointmentId } } }),
    getPatientStatus: (patientId: string) =>
      call<PatientStatus>('GET', '/his/v1/patients/{patientId}/status', { params: { path: { patientId } } }),
    /** Every status-light change after `after`, oldest first, page by page (keep `nextCursor`). */
    statusChangePages,
    /** Every status-light change after `after`, oldest first, one by one across pages. */
    async *statusChanges(opts: { after?: string | null; limit?: number } = {}): AsyncGenerator<StatusChange> {
      for await (const page of statusChangePages(opts)) yield* (page as { items: StatusChange[] }).items;
    },
    setWebhook: (body: WebhookInput) => call<WebhookConfig>('PUT', '/his/v1/webhook', { body }),
  };
}

export type CarelineClient = ReturnType<typeof createCarelineClient>;

// ---- webhooks ----

/** Signs like the server does: `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function signWebhook(secret: string, rawBody: string | Uint8Array, t = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
  return `t=${t},v1=${mac}`;
}

/**
 * Checks a `Careline-Signature` header against the raw request body (exact bytes, before any
 * JSON parsing). False when the signature does not match or `t` is more than `toleranceSec`
 * away from now (replays).
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Uint8Array,
  toleranceSec = 300,
  nowSec = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  let t: number | null = null;
  const sigs: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d+$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/i.test(v)) sigs.push(v.toLowerCase());
  }
  if (t === null || sigs.length === 0) return false;
  if (Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex'), 'utf8');
  return sigs.some((s) => timingSafeEqual(Buffer.from(s, 'utf8'), expected));
}
