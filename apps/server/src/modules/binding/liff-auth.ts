// Who calls a /liff/api/<channelId>/… route: the LINE user of the LIFF ID token in
// `Authorization: Bearer …`, verified with LINE Login (never trusted from the client). Shared by
// every module with patient LIFF pages.
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { lineLoginVerifier } from '../../platform/line-login.ts';
import { lineService } from '../line/service.ts';
import type { LiffUser } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    liffUser?: LiffUser;
  }
}

/** The channel id of a /liff/… route (every one has it; a shared hook sees the params untyped). */
export function channelIdOf(params: unknown): string {
  return typeof params === 'object' && params !== null && 'channelId' in params && typeof params.channelId === 'string'
    ? params.channelId
    : '';
}

/** The LINE Login channel of the clinic's LIFF app: the numeric prefix of the LIFF id, else the Messaging channel. */
export const loginChannelOf = (ch: { liff_id: string; channel_id: string }) =>
  ch.liff_id ? ch.liff_id.split('-')[0] : ch.channel_id;

/** A preHandler that sets req.liffUser (401 without a valid token, 404 for an unknown channel). */
export function liffAuthHook(deps: Deps) {
  const line = lineService(deps);
  const verifier = lineLoginVerifier(deps.config.lineLoginBaseUrl, () => deps.clock.now().getTime());
  return async (req: FastifyRequest) => {
    const channelId = channelIdOf(req.params);
    const ch = await line.channelById(channelId);
    if (!ch) throw new AppError('CHANNEL_NOT_FOUND', 404, '找不到這個診所的 LINE 官方帳號');
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
    if (!m)
      throw new AppError('LIFF_TOKEN_INVALID', 401, '無法確認您的 LINE 身分，請從診所的 LINE 官方帳號重新開啟此頁面');
    const r = await verifier.verifyIdToken(m[1], loginChannelOf(ch));
    if (!r.ok) {
      if (r.status === null)
        throw new AppError('LINE_LOGIN_UNAVAILABLE', 503, '暫時無法連線到 LINE 驗證身分，請稍後再試');
      throw new AppError(
        'LIFF_TOKEN_INVALID',
        401,
        'LINE 登入已過期或不屬於這個診所，請關閉頁面後從診所的 LINE 官方帳號重新開啟',
      );
    }
    req.liffUser = {
      clinicId: ch.clinic_id,
      channelId,
      lineUserId: r.claims.sub,
      displayName: r.claims.name ?? '',
      pictureUrl: r.claims.picture ?? null,
    };
  };
}
