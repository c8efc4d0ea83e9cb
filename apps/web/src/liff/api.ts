// The patient API of the LIFF pages: JSON with the LIFF ID token as a bearer token. Errors
// come as `{error:{code,message,details}}`; `message` is zh-TW and always shown to the patient.

export type LiffConfig = {
  channelId: string;
  liffId: string;
  clinic: { name: string; phone: string; address: string };
  sdkUrl: string;
  apiBase: string;
};

export type Patient = { id: string; name: string; birthYear?: number | null };
export type Me = {
  lineUser: { userId: string; displayName: string; pictureUrl?: string | null };
  bound: boolean;
  phoneMasked: string | null;
  patients: Patient[];
  privacyNotice: { version: string; title: string; text: string };
};
export type Appt = {
  id: string;
  startsAt: string;
  dateLabel: string;
  doctorName: string;
  visitType: string | null;
  status: string;
  statusLabel: string;
  reply: string | null;
  replyLabel: string | null;
  canConfirm: boolean;
  canCancel: boolean;
  canReschedule: boolean;
};
export type Member = { patient: { id: string; name: string }; upcoming: Appt[]; recent: Appt[] };
export type OtpSent = { sentTo: string; expiresInSeconds: number; resendAfterSeconds: number };

export class LiffApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(status: number, code: string, message: string, details: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details =
      details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : {};
    if (Array.isArray(details)) for (const d of details) if (d && typeof d === 'object') Object.assign(this.details, d);
  }
  /** A number from the error body (`retryAfterSeconds`, `attemptsLeft`…), wherever the server put it. */
  num(key: string): number | null {
    const v = this.details[key];
    return typeof v === 'number' ? v : null;
  }
}

export function createApi(base: string, token: () => string | null) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const t = token();
    if (t) headers.authorization = `Bearer ${t}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(base.replace(/\/$/, '') + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new LiffApiError(0, 'NETWORK_ERROR', '網路連線不穩定，請確認網路後再試一次。', null);
    }
    const text = await res.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!res.ok) {
      const e = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      // numbers such as retryAfterSeconds / attemptsLeft may sit on the error or in its details
      const extra = [e ?? {}, e?.details ?? {}].flat();
      throw new LiffApiError(
        res.status,
        e?.code ?? `HTTP_${res.status}`,
        e?.message ?? `系統忙碌中（${res.status}），請稍後再試。`,
        extra,
      );
    }
    return data as T;
  }
  return {
    me: () => call<Me>('GET', '/me'),
    sendOtp: (phone: string) => call<OtpSent>('POST', '/otp', { phone, consent: true }),
    verifyOtp: (phone: string, code: string) =>
      call<{ bound: true; patients: Patient[] }>('POST', '/otp/verify', { phone, code }),
    unbind: () => call<{ bound: false }>('POST', '/unbind', {}),
    appointments: () => call<{ members: Member[] }>('GET', '/appointments'),
    confirm: (id: string) => call<Appt>('POST', `/appointments/${encodeURIComponent(id)}/confirm`, {}),
    cancel: (id: string, reason?: string) =>
      call<Appt>('POST', `/appointments/${encodeURIComponent(id)}/cancel-request`, reason ? { reason } : {}),
    reschedule: (id: string, preferredTimes: string[], note?: string) =>
      call<Appt>('POST', `/appointments/${encodeURIComponent(id)}/reschedule-request`, {
        ...(preferredTimes.length ? { preferredTimes } : {}),
        ...(note ? { note } : {}),
      }),
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

const timeFmt = new Intl.DateTimeFormat('zh-TW', {
  timeZone: 'Asia/Taipei',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
export const timeOf = (iso: string) => timeFmt.format(new Date(iso));

/** The server's label may end with the time ("11月27日（五）14:30"): the card shows the time on its own line. */
export const dayOf = (label: string) => label.replace(/\s*\d{1,2}:\d{2}$/, '');
