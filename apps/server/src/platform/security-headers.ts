// Security headers of every answer (docs/security.md V14.4, V9.1, V8.1): nosniff, the referrer
// policy, HSTS when the service is reached over https, `Cache-Control: no-store` on the API,
// and a Content-Security-Policy. JSON and
// other non-HTML answers get a policy that allows nothing (they are never rendered as pages);
// HTML pages get one that allows only this server's own scripts — plus the exact inline
// scripts the page carries (the LIFF page's injected settings, the API reference's loader),
// allowed by their SHA-256 hash, computed from the page as sent — and styles inline as well
// (antd and ECharts set style attributes and inject <style> elements at run time).
// The back office is never framed (`frame-ancestors 'none'`). The patient (LIFF) pages may
// load LINE's SDK and talk to LINE; with the LINE emulator instead of LINE (development and
// tests), the emulator's phone page frames them, so its origin may frame them too. The same holds
// for the other pages patients open from a LINE message in LINE's in-app browser (a care article,
// a tracked link's answer): the emulator shows them in its phone's web view, a frame.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';

const LINE_SDK_ORIGIN = 'https://static.line-scdn.net';
const REAL_LINE = /(^|\.)line\.me$/;

/** The policy of answers that are not HTML pages: nothing may be loaded, nothing may frame them. */
export const NON_HTML_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const API_PATH = /^\/(api|his|liff\/api)\//;

/** Pages patients open from LINE: LIFF apps, public care articles (/line/articles), tracked links (/r). */
export const PATIENT_PAGE = /^\/(liff|line|r)\//;

const INLINE_SCRIPT = /<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;

/** `'sha256-…'` sources of the inline scripts of an HTML page, as CSP wants them. */
export function inlineScriptHashes(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(INLINE_SCRIPT)) {
    if (m[1].trim()) out.add(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  }
  return [...out];
}

export type SecurityHeaders = {
  /**
   * Headers every answer carries (set when the request comes in, so errors have them too); an
   * HTML page's policy replaces the non-HTML one when it is sent.
   */
  always: [string, string][];
  /** The Content-Security-Policy of an HTML page at `path` whose text is `html`. */
  pagePolicy(path: string, html: string): string;
};

export function securityHeaders(config: Pick<Config, 'publicBaseUrl' | 'lineLoginBaseUrl'>): SecurityHeaders {
  const https = new URL(config.publicBaseUrl).protocol === 'https:';
  const always: [string, string][] = [
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'same-origin'],
    ['content-security-policy', NON_HTML_POLICY],
  ];
  // Two years, with subdomains: only when the service is reached over https, because a browser
  // that saw it would refuse plain http to the host afterwards (the demo and tests run on http).
  if (https) always.push(['strict-transport-security', 'max-age=63072000; includeSubDomains']);

  const login = new URL(config.lineLoginBaseUrl);
  // The emulator's origin as written, and with localhost / 127.0.0.1 swapped (both name it).
  const loopback = { localhost: '127.0.0.1', '127.0.0.1': 'localhost' }[login.hostname];
  const emulator = REAL_LINE.test(login.hostname)
    ? null
    : [login.origin, ...(loopback ? [login.origin.replace(login.hostname, loopback)] : [])].join(' ');
  const base = (scripts: string[], extra: Record<string, string>) =>
    Object.entries({
      'default-src': "'self'",
      'script-src': ["'self'", ...scripts].join(' '),
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data: blob: https:",
      'font-src': "'self' data:",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'self'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
      ...extra,
    })
      .map(([k, v]) => `${k} ${v}`)
      .join('; ');

  return {
    always,
    pagePolicy(path, html) {
      const hashes = inlineScriptHashes(html);
      if (path.startsWith('/liff/')) {
        // LINE's SDK talks to LINE's servers (login, ID tokens, profile): any https origin.
        const lineOrigins = emulator ? [emulator] : [LINE_SDK_ORIGIN];
        return base([...lineOrigins, ...hashes], {
          'connect-src': ["'self'", 'https:', ...(emulator ? [emulator] : [])].join(' '),
          'frame-ancestors': ["'self'", ...(emulator ? [emulator] : [])].join(' '),
        });
      }
      // Other pages opened from LINE: framed only by the emulator's web view (never with LINE itself).
      if (PATIENT_PAGE.test(path))
        return base(hashes, { 'frame-ancestors': ["'self'", ...(emulator ? [emulator] : [])].join(' ') });
      // The API reference runs its requests from a worker of its own script.
      if (path === '/docs' || path.startsWith('/docs/')) return base(hashes, { 'worker-src': "'self' blob:" });
      return base(hashes, {});
    },
  };
}

/** Fastify hooks that put the headers on every answer. */
export function securityHeaderHooks(config: Pick<Config, 'publicBaseUrl' | 'lineLoginBaseUrl'>) {
  const h = securityHeaders(config);
  return {
    onRequest(req: FastifyRequest, reply: FastifyReply, done: () => void) {
      for (const [k, v] of h.always) reply.header(k, v);
      // API answers hold personal data: no browser or proxy keeps them (a route that serves a
      // cacheable image or file says so itself).
      if (API_PATH.test(req.url)) reply.header('cache-control', 'no-store');
      done();
    },
    onSend(req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, p: unknown) => void) {
      const type = reply.getHeader('content-type');
      if (typeof type === 'string' && type.startsWith('text/html')) {
        const html = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
        reply.header('content-security-policy', h.pagePolicy(req.url.split('?')[0], html));
        // For browsers without frame-ancestors; patients' pages may be framed by the emulator.
        if (!PATIENT_PAGE.test(req.url)) reply.header('x-frame-options', 'DENY');
      }
      done(null, payload);
    },
  };
}
