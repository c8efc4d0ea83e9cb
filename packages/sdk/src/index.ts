// @careline/sdk — a typed client for the Careline HIS Open API v1.
// The wire types come from src/schema.ts, generated from apps/server/openapi.json by
// openapi-typescript; each method is one operation of the API and is named by its operationId
// (upsertAppointment, listStatusChanges …), over openapi-fetch.
import { createHmac, timingSafeEqual } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import type { operations, paths } from './schema.ts';

export type { components, operations, paths } from './schema.ts';

// ---- types: the request and response of each operation, by its operationId ----

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON request body of an operation. */
export type RequestOf<O extends keyof operations> = operations[O] extends { requestBody?: infer R }
  ? Json<NonNullable<R>>
  : never;
/** The JSON body of an operation's 200/201 answer. */
export type ResponseOf<O extends keyof operations> = operations[O] extends { responses: infer R }
  ? Json<R[Extract<keyof R, 200 | 201>]>
  : never;

export type AppointmentStatus = 'booked' | 'checked_in' | 'completed' | 'cancelled' | 'no_show';
export type LineLight = 'bound' | 'unbound' | 'blocked';
export type ReplyLight = 'not_sent' | 'awaiting_reply' | 'confirmed' | 'cancel_requested' | 'reschedule_requested';

export type DoctorInput = RequestOf<'upsertDoctor'>;
export type PatientInput = RequestOf<'upsertPatient'>;
export type AppointmentInput = RequestOf<'upsertAppointment'>;
export type BatchInput = RequestOf<'upsertAppointmentsBatch'>;
export type BatchItem = BatchInput['items'][number];
export type WebhookInput = RequestOf<'setWebhook'>;
export type Doctor = ResponseOf<'upsertDoctor'>;
export type Patient = ResponseOf<'upsertPatient'>;
export type PatientStatus = ResponseOf<'getPatientStatus'>;
export type Appointment = ResponseOf<'getAppointment'>;
export type AppointmentWriteResult = ResponseOf<'upsertAppointment'>;
export type BatchResult = ResponseOf<'upsertAppointmentsBatch'>;
export type StatusChangesPage = ResponseOf<'listStatusChanges'>;
export type StatusChange = StatusChangesPage['items'][number];
export type WebhookConfig = ResponseOf<'setWebhook'>;
export type AvailabilityInput = RequestOf<'putDoctorAvailability'>;
export type AvailabilityResult = ResponseOf<'putDoctorAvailability'>;
export type QueueEventInput = RequestOf<'postQueueEvent'>;
export type QueueEventResult = ResponseOf<'postQueueEvent'>;

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
  // The methods call through an untyped view; their signatures carry the generated types.
  type Init = Record<string, unknown>;
  const any = raw as unknown as Record<'GET' | 'PUT' | 'POST', (path: string, init: Init) => Promise<Result>>;

  async function call<T>(method: 'GET' | 'PUT' | 'POST', path: string, init: Init): Promise<T> {
    const r = await any[method](path, init);
    if (!r.response.ok) throw new CarelineApiError(r.response.status, r.error ?? null);
    return r.data as T;
  }

  /** One page of status-light changes after `after` (GET /his/v1/status-changes). */
  const listStatusChanges = (query: { after?: string | null; limit?: number } = {}) =>
    call<StatusChangesPage>('GET', '/his/v1/status-changes', {
      params: { query: { limit: query.limit ?? 500, ...(query.after ? { after: query.after } : {}) } },
    });

  /**
   * One page, waiting out 503 STATUS_FEED_BUSY (a change still being written in the clinic's
   * feed for more than 3 s, e.g. a long batch): a second later, up to 10 times.
   */
  async function settledPage(query: { after?: string | null; limit?: number }): Promise<StatusChangesPage> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await listStatusChanges(query);
      } catch (err) {
        if (!(err instanceof CarelineApiError && err.code === 'STATUS_FEED_BUSY') || attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Every page after `after`, until there is nothing new (keep each page's `nextCursor`). */
  async function* statusChangePages(
    opts: { after?: string | null; limit?: number } = {},
  ): AsyncGenerator<StatusChangesPage> {
    let after = opts.after ?? null;
    for (;;) {
      const page = await settledPage({ after, limit: opts.limit });
      yield page;
      const next = page.nextCursor ?? null;
      if (page.items.length === 0 || next === null || next === after) return;
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
    getPatientStatus: (patientId: string) =>
      call<PatientStatus>('GET', '/his/v1/patients/{patientId}/status', { params: { path: { patientId } } }),
    /** A lower version than the stored one throws CarelineApiError 409 (its body has the stored record). */
    upsertAppointment: (appointmentId: string, body: AppointmentInput) =>
      call<AppointmentWriteResult>('PUT', '/his/v1/appointments/{appointmentId}', {
        params: { path: { appointmentId } },
        body,
      }),
    /** Up to 1,000 items; one result per item, in order (a bad item does not sink the others). */
    upsertAppointmentsBatch: (items: BatchItem[]) =>
      call<BatchResult>('POST', '/his/v1/appointments/batch', { body: { items } }),
    getAppointment: (appointmentId: string) =>
      call<Appointment>('GET', '/his/v1/appointments/{appointmentId}', { params: { path: { appointmentId } } }),
    listStatusChanges,
    setWebhook: (body: WebhookInput) => call<WebhookConfig>('PUT', '/his/v1/webhook', { body }),
    /**
     * A check-in (`type: 'check_in'`, appointmentId + queueNumber) or a call (`type: 'call'`,
     * calledNumber). Resending the same eventId is safe (the first result, `duplicate: true`).
     */
    postQueueEvent: (body: QueueEventInput) => call<QueueEventResult>('POST', '/his/v1/queue-events', { body }),
    /**
     * Replaces the doctor's future bookable slots (online booking from HIS availability);
     * overlapping slots throw CarelineApiError 422 with one detail per slot.
     */
    putDoctorAvailability: (doctorId: string, body: AvailabilityInput) =>
      call<AvailabilityResult>('PUT', '/his/v1/availability/{doctorId}', { params: { path: { doctorId } }, body }),
    // Helpers over listStatusChanges, not operations of their own:
    statusChangePages,
    /** Every status-light change after `after`, oldest first, one by one across pages. */
    async *statusChanges(opts: { after?: string | null; limit?: number } = {}): AsyncGenerator<StatusChange> {
      for await (const page of statusChangePages(opts)) yield* page.items;
    },
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
