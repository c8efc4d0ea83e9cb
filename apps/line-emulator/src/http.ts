import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Detail } from './validate.ts';
import type { Channel } from './store.ts';

/** LINE's error body: {message, details?} (details omitted when empty). */
export function lineError(
  reply: FastifyReply,
  status: number,
  message: string,
  details?: Detail[],
  extra?: Record<string, unknown>,
): FastifyReply {
  const body: Record<string, unknown> = { message };
  if (details && details.length > 0) body.details = details;
  if (extra) Object.assign(body, extra);
  return reply.code(status).send(body);
}

export function badRequestDetails(reply: FastifyReply, details: Detail[]): FastifyReply {
  return lineError(reply, 400, `The request body has ${details.length} error(s)`, details);
}

export const AUTH_FAILED = 'Authentication failed. Confirm that the access token in the authorization header is valid.';
export const RATE_LIMITED = 'The API rate limit has been exceeded. Try again later.';
export const MONTHLY_LIMIT = 'You have reached your monthly limit.';

declare module 'fastify' {
  interface FastifyRequest {
    channel: Channel;
    lineRequestId: string;
    faultAfter: boolean;
    /** the X-Line-Retry-Key of this request once the bot guards have checked it, else null */
    lineRetryKey: string | null;
  }
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
