// The patient API of the LIFF pages: openapi-fetch typed from the checked-in OpenAPI document,
// with the LIFF ID token as a bearer token. Errors come as `{error:{code,message,details}}`;
// `message` is zh-TW and always shown to the patient.
import createClient from 'openapi-fetch';
import type { components, paths } from '@careline/sdk/schema';

/** What the server injects into the page as window.__CARELINE_LIFF__. */
export type LiffConfig = {
  channelId: string;
  liffId: string;
  /** timeZone: the clinic's IANA zone; times are shown and entered in it, wherever the phone is. */
  clinic: { name: string; phone: string; address: string; timeZone?: string };
  sdkUrl: string;
  apiBase: string;
};

type Ok<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer J } } };
}
  ? J
  : never;
export type Me = Ok<'/liff/api/{channelId}/me', 'get'>;
export type Patient = Me['patients'][number];
export type Appt = components['schemas']['LiffAppointment'];
export type Member = Ok<'/liff/api/{channelId}/appointments', 'get'>['members'][number];
export type OtpSent = Ok<'/liff/api/{channelId}/otp', 'post'>;
export type LiffCase = Ok<'/liff/api/{channelId}/cases/{id}', 'get'>;
export type LiffSurvey = Ok<'/liff/api/{channelId}/surveys/{id}', 'get'>;
export type LiffQueue = Ok<'/liff/api/{channelId}/queue', 'get'>;
type SurveyForm = NonNullable<
  paths['/liff/api/{channelId}/surveys/{id}']['post']['requestBody']
>['content']['application/json'];
export type LiffQuestionnaire = Ok<'/liff/api/{channelId}/questionnaires/{id}', 'get'>;
export type BookingOptions = Ok<'/liff/api/{channelId}/booking/options', 'get'>;
export type BookingSlot = Ok<'/liff/api/{channelId}/booking/slots', 'get'>['slots'][number];
export type BookingRequest = Ok<'/liff/api/{channelId}/booking/requests', 'get'>['items'][number];
type BookForm = NonNullable<
  paths['/liff/api/{channelId}/booking/requests']['post']['requestBody']
>['content']['application/json'];
export type LiffWaitlist = Ok<'/liff/api/{channelId}/waitlist', 'get'>;
type WaitlistForm = NonNullable<
  paths['/liff/api/{channelId}/waitlist']['post']['requestBody']
>['content']['application/json'];
type Answer = NonNullable<
  paths['/liff/api/{channelId}/questionnaires/{id}/responses']['post']['requestBody']
>['content']['application/json']['answers'][number];
type CaseForm = NonNullable<paths['/liff/api/{channelId}/cases']['post']['requestBody']>['content']['application/json'];

export class LiffApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  /** Per-field messages of a 422 (`details: [{field, message}]`), by field. */
  readonly fields: Record<string, string> = {};
  constructor(status: number, code: string, message: string, details: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details =
      details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : {};
    if (Array.isArray(details))
      for (const d of details) {
        if (!d || typeof d !== 'object') continue;
        Object.assign(this.details, d);
        const f = d as { field?: unknown; message?: unknown };
        if (typeof f.field === 'string' && typeof f.message === 'string') this.fields[f.field] = f.message;
      }
  }
  /** A number from the error body (`retryAfterSeconds`, `attemptsLeft`…), wherever the server put it. */
  num(key: string): number | null {
    const v = this.details[key];
    return typeof v === 'number' ? v : null;
  }
}

/** The API of one clinic's channel; `baseUrl` only where the page's own origin is not the server (tests). */
export function createApi(channelId: string, token: () => string | null, baseUrl = '') {
  const client = createClient<paths>({
    baseUrl,
    headers: { accept: 'application/json' },
    // late-bound, so tests can stub the global fetch
    fetch: (req) => globalThis.fetch(req),
  });
  client.use({
    onRequest({ request }) {
      const t = token();
      if (t) request.headers.set('authorization', `Bearer ${t}`);
    },
  });
  const channel = { channelId };
  async function call<T>(send: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    let res: { data?: T; error?: unknown; response: Response };
    try {
      res = await send();
    } catch {
      throw new LiffApiError(0, 'NETWORK_ERROR', '網路連線不穩定，請確認網路後再試一次。', null);
    }
    if (res.response.ok) return res.data as T;
    const status = res.response.status;
    const e = (res.error as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    // numbers such as retryAfterSeconds / attemptsLeft may sit on the error or in its details
    const extra = [e ?? {}, e?.details ?? {}].flat();
    throw new LiffApiError(
      status,
      e?.code ?? `HTTP_${status}`,
      e?.message ?? `系統忙碌中（${status}），請稍後再試。`,
      extra,
    );
  }
  const appt = (id: string) => ({ path: { ...channel, id } });
  return {
    me: () => call(() => client.GET('/liff/api/{channelId}/me', { params: { path: channel } })),
    sendOtp: (phone: string) =>
      call(() =>
        client.POST('/liff/api/{channelId}/otp', { params: { path: channel }, body: { phone, consent: true } }),
      ),
    verifyOtp: (phone: string, code: string) =>
      call(() => client.POST('/liff/api/{channelId}/otp/verify', { params: { path: channel }, body: { phone, code } })),
    unbind: () => call(() => client.POST('/liff/api/{channelId}/unbind', { params: { path: channel } })),
    appointments: () => call(() => client.GET('/liff/api/{channelId}/appointments', { params: { path: channel } })),
    queue: () => call(() => client.GET('/liff/api/{channelId}/queue', { params: { path: channel } })),
    confirm: (id: string) =>
      call(() => client.POST('/liff/api/{channelId}/appointments/{id}/confirm', { params: appt(id), body: {} })),
    cancel: (id: string, reason?: string) =>
      call(() =>
        client.POST('/liff/api/{channelId}/appointments/{id}/cancel-request', {
          params: appt(id),
          body: reason ? { reason } : {},
        }),
      ),
    complaint: (id: string) =>
      call(() => client.GET('/liff/api/{channelId}/cases/{id}', { params: { path: { ...channel, id } } })),
    survey: (id: string) =>
      call(() => client.GET('/liff/api/{channelId}/surveys/{id}', { params: { path: { ...channel, id } } })),
    submitSurvey: (id: string, body: SurveyForm) =>
      call(() => client.POST('/liff/api/{channelId}/surveys/{id}', { params: { path: { ...channel, id } }, body })),
    submitComplaint: (body: CaseForm) =>
      call(() => client.POST('/liff/api/{channelId}/cases', { params: { path: channel }, body })),
    questionnaire: (id: string) =>
      call(() => client.GET('/liff/api/{channelId}/questionnaires/{id}', { params: { path: { ...channel, id } } })),
    answerQuestionnaire: (id: string, answers: Answer[]) =>
      call(() =>
        client.POST('/liff/api/{channelId}/questionnaires/{id}/responses', {
          params: { path: { ...channel, id } },
          body: { answers },
        }),
      ),
    waitlist: () => call(() => client.GET('/liff/api/{channelId}/waitlist', { params: { path: channel } })),
    joinWaitlist: (body: WaitlistForm) =>
      call(() => client.POST('/liff/api/{channelId}/waitlist', { params: { path: channel }, body })),
    leaveWaitlist: (id: string) =>
      call(() => client.POST('/liff/api/{channelId}/waitlist/{id}/cancel', { params: { path: { ...channel, id } } })),
    bookingOptions: () =>
      call(() => client.GET('/liff/api/{channelId}/booking/options', { params: { path: channel } })),
    bookingSlots: (query: { date: string; doctorId?: string; visitType?: string }) =>
      call(() => client.GET('/liff/api/{channelId}/booking/slots', { params: { path: channel, query } })),
    book: (body: BookForm) =>
      call(() => client.POST('/liff/api/{channelId}/booking/requests', { params: { path: channel }, body })),
    bookingRequests: () =>
      call(() => client.GET('/liff/api/{channelId}/booking/requests', { params: { path: channel } })),
    cancelBookingRequest: (id: string) =>
      call(() =>
        client.POST('/liff/api/{channelId}/booking/requests/{id}/cancel', { params: { path: { ...channel, id } } }),
      ),
    withdraw: (id: string) =>
      call(() => client.POST('/liff/api/{channelId}/appointments/{id}/withdraw-request', { params: appt(id) })),
    reschedule: (id: string, preferredTimes: string[], note?: string) =>
      call(() =>
        client.POST('/liff/api/{channelId}/appointments/{id}/reschedule-request', {
          params: appt(id),
          body: { ...(preferredTimes.length ? { preferredTimes } : {}), ...(note ? { note } : {}) },
        }),
      ),
  };
}
export type Api = ReturnType<typeof createApi>;

/** Digits only, at most 10, shown as 0912-345-678. */
export function formatPhone(input: string): string {
  const d = input.replace(/\D/g, '').slice(0, 10);
  if (d.length <= 4) return d;
  if (d.length <= 7) return `${d.slice(0, 4)}-${d.slice(4)}`;
  return `${d.slice(0, 4)}-${d.slice(4, 7)}-${d.slice(7)}`;
}

/** null when the number is a Taiwan mobile, else what is wrong (zh-TW). */
export function phoneProblem(input: string): string | null {
  const d = input.replace(/\D/g, '');
  if (!d) return '請輸入手機號碼';
  if (!d.startsWith('09')) return '請輸入 09 開頭的手機號碼（市話無法接收簡訊）';
  if (d.length !== 10) return '手機號碼是 10 位數字，例如 0912-345-678';
  return null;
}

/** The clinic's time zone as the server injected it with the page (Asia/Taipei for an older page). */
export const clinicZone = (): string =>
  (typeof window === 'undefined' ? undefined : window.__CARELINE_LIFF__?.clinic.timeZone) ?? 'Asia/Taipei';

const timeFmts = new Map<string, Intl.DateTimeFormat>();
const fmtOf = (timeZone: string) => {
  let f = timeFmts.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFmts.set(timeZone, f);
  }
  return f;
};
/** HH:MM of an instant in the clinic's time zone. */
export const timeOf = (iso: string, timeZone = clinicZone()) => fmtOf(timeZone).format(new Date(iso));

/** The zone's offset from UTC at an instant, in minutes (+480 for Asia/Taipei). */
function offsetMinutes(at: number, timeZone: string): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(at))
      .map((x) => [x.type, x.value]),
  );
  return (Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - Math.floor(at / 60_000) * 60_000) / 60_000;
}
/** A wall-clock 'YYYY-MM-DDTHH:MM' in the clinic's zone (a datetime-local input) as an ISO instant. */
export function zonedIso(local: string, timeZone = clinicZone()): string {
  const guess = Date.parse(`${local}:00Z`);
  const first = guess - offsetMinutes(guess, timeZone) * 60_000;
  return new Date(guess - offsetMinutes(first, timeZone) * 60_000).toISOString();
}
/** Now as the clinic's wall clock, 'YYYY-MM-DDTHH:MM' (the min of a datetime-local input). */
export const zonedNow = (timeZone = clinicZone(), now = Date.now()) =>
  new Date(now + offsetMinutes(now, timeZone) * 60_000).toISOString().slice(0, 16);

/** The server's label may end with the time ("11月27日（五）14:30"): the card shows the time on its own line. */
export const dayOf = (label: string) => label.replace(/\s*\d{1,2}:\d{2}$/, '');
