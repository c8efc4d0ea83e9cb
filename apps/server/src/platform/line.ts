// The LINE Messaging API through the official @line/bot-sdk, pointed at LINE_API_BASE_URL
// (the emulator in development and tests, https://api.line.me in production).
import { createHmac } from 'node:crypto';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { Type } from 'typebox';
import { safeEqual } from './crypto.ts';
import type { Config } from '../config.ts';

/**
 * A LINE message as stored in a job payload. Only its `type` is checked here: LINE validates
 * the rest (and answers 400 for a bad message), and the message types come from the SDK.
 */
export const LineMessageSchema = Type.Unsafe<messagingApi.Message>(Type.Object({ type: Type.String() }));

export type LineClient = messagingApi.MessagingApiClient;
export type LineBlobClient = messagingApi.MessagingApiBlobClient;

export function lineClient(config: Config, channelAccessToken: string): LineClient {
  return new messagingApi.MessagingApiClient({ channelAccessToken, baseURL: config.lineApiBaseUrl });
}

export function lineBlobClient(config: Config, channelAccessToken: string): LineBlobClient {
  return new messagingApi.MessagingApiBlobClient({ channelAccessToken, baseURL: config.lineDataApiBaseUrl });
}

/**
 * Checks x-line-signature (base64 HMAC-SHA256 of the raw body with the channel secret). The
 * header must be exactly the canonical base64 text: the SDK's validateSignature decodes the
 * header leniently (trailing junk is ignored), so we compare the text in constant time.
 */
export function verifyLineSignature(rawBody: Buffer, channelSecret: string, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', channelSecret).update(rawBody).digest('base64');
  return safeEqual(signature, expected);
}

/** LINE's error for people: status and LINE's message, in zh-TW where we know it. */
export function describeLineError(err: unknown): { status: number | null; message: string; lineMessage: string } {
  if (err instanceof HTTPFetchError) {
    let lineMessage = err.body;
    try {
      lineMessage = JSON.parse(err.body).message ?? err.body;
    } catch {
      /* plain text */
    }
    const zh: Record<number, string> = {
      400: 'LINE 拒絕了這個請求（內容格式不符合 LINE 的規定）',
      401: 'Channel access token 無效或已過期，請到 LINE Developers 重新發行後貼上',
      403: '此 LINE 官方帳號沒有使用這項功能的權限',
      404: '找不到對象（使用者未加入好友或資源不存在）',
      409: '這個請求 LINE 已經接受過了',
      429: '已超過 LINE 的發送頻率或本月訊息額度',
    };
    return { status: err.status, message: zh[err.status] ?? `LINE 回應錯誤（${err.status}）`, lineMessage };
  }
  const msg = err instanceof Error ? err.message : String(err);
  return { status: null, message: '無法連線到 LINE 平台，請稍後再試', lineMessage: msg };
}

export { HTTPFetchError };
