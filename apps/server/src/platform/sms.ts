// SMS behind one small interface (docs/taiwan.md "SMS"): Mitake (三竹) SmSend — also what the
// LINE emulator's gateway speaks — and Every8d (互動資通) sendSMS.ashx, plus `none`. No npm
// client exists for either, so these are small fetch wrappers. Segment counting follows the
// carriers: GSM-7 160 characters (153 per part when split), otherwise UCS-2 70 (67 per part).

export type SmsProviderName = 'emulator' | 'mitake' | 'every8d' | 'none';

export type SmsSendInput = { to: string; text: string; idempotencyKey: string; reportUrl?: string };
export type SmsSendResult = { providerMessageId: string; segments: number; cost: number; duplicate: boolean };

export interface SmsProvider {
  readonly name: SmsProviderName;
  send(input: SmsSendInput): Promise<SmsSendResult>;
}

/** A refusal by the provider. `permanent` ones (bad number, bad account) are not retried. */
export class SmsError extends Error {
  readonly permanent: boolean;
  readonly providerCode: string;
  constructor(message: string, providerCode: string, permanent: boolean) {
    super(message);
    this.providerCode = providerCode;
    this.permanent = permanent;
  }
}

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXT = new Set('^{}\\[~]|€\f');

export type SegmentCount = { encoding: 'GSM' | 'UCS-2'; units: number; segments: number; perSegment: number };

/** Parts an SMS takes: GSM-7 160 / 153 per part, otherwise UCS-2 70 / 67 (UTF-16 code units). */
export function countSmsSegments(text: string): SegmentCount {
  let units = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) units += 1;
    else if (GSM_EXT.has(ch)) units += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm)
    return {
      encoding: 'GSM',
      units,
      segments: units <= 160 ? 1 : Math.ceil(units / 153),
      perSegment: units <= 160 ? 160 : 153,
    };
  const n = text.length;
  return { encoding: 'UCS-2', units: n, segments: n <= 70 ? 1 : Math.ceil(n / 67), perSegment: n <= 70 ? 70 : 67 };
}

/** E.164 Taiwanese mobile → 0912345678 (what Taiwanese gateways expect). */
export const toLocalMobile = (e164: string): string => (e164.startsWith('+886') ? `0${e164.slice(4)}` : e164);

/** 0912-***-678 */
export function maskPhone(e164: string): string {
  const d = toLocalMobile(e164);
  return d.length === 10 ? `${d.slice(0, 4)}-***-${d.slice(7)}` : `${d.slice(0, 3)}****${d.slice(-2)}`;
}

export type SmsAccount = { provider: SmsProviderName; baseUrl: string; username: string; password: string };

type FetchFn = typeof fetch;

/** Parses Mitake's plain-text answer (`[1]`, `msgid=`, `statuscode=`, `AccountPoint=`, `Duplicate=Y`, `Error=`). */
export function parseMitakeAnswer(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

// Mitake status letters for account/request problems (from their API document and client libs).
const MITAKE_ERRORS: Record<string, string> = {
  '*': '系統發生錯誤',
  a: '簡訊發送功能暫時停止服務',
  b: '簡訊發送功能暫時停止服務',
  c: '請輸入帳號',
  d: '請輸入密碼',
  e: '簡訊帳號或密碼錯誤',
  f: '帳號已過期',
  h: '帳號已被停用',
  k: '無效的連線位址',
  l: '帳號已達到同時連線數上限',
  m: '必須變更密碼',
  n: '密碼已逾期',
  p: '沒有權限使用外部 HTTP 程式',
  r: '系統暫停服務',
  s: '帳務處理失敗',
  t: '簡訊已過期',
  u: '簡訊內容不得為空白',
  v: '無效的手機號碼',
  w: '查詢筆數超過上限',
  x: '發送檔案過大',
  y: '參數錯誤',
  z: '查無資料',
};
const MITAKE_TRANSIENT = new Set(['*', 'a', 'b', 'l', 'r', 's']);

/** Mitake SmSend (HTTP, UTF-8). The LINE emulator serves the same shape at /api/mtk/SmSend. */
export function mitakeProvider(
  acct: SmsAccount,
  fetchImpl: FetchFn = fetch,
  name: SmsProviderName = 'mitake',
): SmsProvider {
  return {
    name,
    async send(input) {
      const seg = countSmsSegments(input.text);
      const form = new URLSearchParams({
        username: acct.username,
        password: acct.password,
        dstaddr: toLocalMobile(input.to),
        smbody: input.text,
        clientid: input.idempotencyKey,
      });
      if (input.reportUrl) form.set('response', input.reportUrl);
      let res: Response;
      try {
        res = await fetchImpl(`${acct.baseUrl}/api/mtk/SmSend?CharsetURL=UTF8`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        throw new SmsError(`無法連線到簡訊商：${err instanceof Error ? err.message : String(err)}`, 'network', false);
      }
      const body = await res.text();
      if (!res.ok)
        throw new SmsError(
          `簡訊商回應 HTTP ${res.status}`,
          `http_${res.status}`,
          res.status < 500 && res.status !== 429,
        );
      const a = parseMitakeAnswer(body);
      const code = a.statuscode ?? '';
      if (/^[0-4]$/.test(code) && a.msgid)
        return {
          providerMessageId: a.msgid,
          segments: seg.segments,
          cost: seg.segments,
          duplicate: a.Duplicate === 'Y',
        };
      const msg = a.Error || MITAKE_ERRORS[code] || `簡訊商回應狀態 ${code || '(空白)'}`;
      throw new SmsError(msg, code || 'unknown', !MITAKE_TRANSIENT.has(code));
    },
  };
}

/**
 * Every8d (互動資通) API 2.1 sendSMS.ashx: form POST UID, PWD, SB, MSG, DEST, ST; answers
 * `CREDIT,SENDED,COST,UNSEND,BATCH_ID` or `-code,message`. Written from their public API
 * document and NOT tested against a real Every8d server. Every8d has no idempotency key:
 * a retry after a lost answer can send twice.
 */
export function every8dProvider(acct: SmsAccount, fetchImpl: FetchFn = fetch): SmsProvider {
  return {
    name: 'every8d',
    async send(input) {
      const seg = countSmsSegments(input.text);
      const form = new URLSearchParams({
        UID: acct.username,
        PWD: acct.password,
        SB: '',
        MSG: input.text,
        DEST: toLocalMobile(input.to),
        ST: '',
      });
      let res: Response;
      try {
        res = await fetchImpl(`${acct.baseUrl}/API21/HTTP/sendSMS.ashx`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        throw new SmsError(`無法連線到簡訊商：${err instanceof Error ? err.message : String(err)}`, 'network', false);
      }
      const body = (await res.text()).trim();
      if (!res.ok)
        throw new SmsError(
          `簡訊商回應 HTTP ${res.status}`,
          `http_${res.status}`,
          res.status < 500 && res.status !== 429,
        );
      return parseEvery8dAnswer(body, seg.segments);
    },
  };
}

export function parseEvery8dAnswer(body: string, segments: number): SmsSendResult {
  const parts = body.split(',');
  if (parts[0]?.startsWith('-'))
    throw new SmsError(`簡訊商拒絕：${parts.slice(1).join(',') || parts[0]}`, parts[0], true);
  if (parts.length < 5) throw new SmsError(`簡訊商回應格式無法辨識：${body.slice(0, 100)}`, 'parse', false);
  const [, sended, cost, unsend, batchId] = parts;
  if (Number(sended) < 1 && Number(unsend) > 0) throw new SmsError('簡訊商未送出此則簡訊', 'unsend', true);
  return { providerMessageId: batchId.trim(), segments, cost: Number(cost) || segments, duplicate: false };
}

export function noneProvider(): SmsProvider {
  return {
    name: 'none',
    async send() {
      throw new SmsError('此診所未設定簡訊服務', 'none', true);
    },
  };
}

export const DEFAULT_BASE_URLS: Record<'mitake' | 'every8d', string> = {
  mitake: 'https://smsapi.mitake.com.tw',
  every8d: 'https://oms.every8d.com',
};

export function createSmsProvider(acct: SmsAccount, fetchImpl: FetchFn = fetch): SmsProvider {
  switch (acct.provider) {
    case 'emulator':
      return mitakeProvider(acct, fetchImpl, 'emulator');
    case 'mitake':
      return mitakeProvider(acct, fetchImpl);
    case 'every8d':
      return every8dProvider(acct, fetchImpl);
    default:
      return noneProvider();
  }
}

/** The SMS provider of every clinic, each built once per account settings. */
export interface SmsGateway {
  /** The clinic's provider: its own account, or the environment's default (a `none` provider refuses). */
  forClinic(clinicId: string): Promise<SmsProvider>;
}

/**
 * A clinic's account as its owner (the sms module) reads it: `version` changes whenever the
 * settings do, and `account()` decrypts the password — called only when a provider is (re)built.
 */
export type SmsAccountLookup = (clinicId: string) => Promise<{ version: string; account(): SmsAccount }>;

export function createSmsGateway(lookup: SmsAccountLookup, fetchImpl: FetchFn = fetch): SmsGateway {
  const providers = new Map<string, { version: string; provider: SmsProvider }>();
  return {
    async forClinic(clinicId) {
      const a = await lookup(clinicId);
      const cached = providers.get(clinicId);
      if (cached && cached.version === a.version) return cached.provider;
      const provider = createSmsProvider(a.account(), fetchImpl);
      providers.set(clinicId, { version: a.version, provider });
      return provider;
    },
  };
}
