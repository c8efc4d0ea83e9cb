import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/helpers.ts';
import { inlineScriptHashes, NON_HTML_POLICY, securityHeaders } from './security-headers.ts';

const directives = (csp: string) =>
  Object.fromEntries(
    csp.split(';').map((d) => {
      const [k, ...v] = d.trim().split(/\s+/);
      return [k, v];
    }),
  ) as Record<string, string[]>;

describe('security headers', () => {
  let t: TestApp;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'careline-dist-'));
    writeFileSync(
      join(dist, 'index.html'),
      '<!doctype html><html><head><style>body{margin:0}</style></head><body><div id="root"></div>' +
        '<script type="module" src="/assets/main.js"></script></body></html>',
    );
    t = await createTestApp({ env: { WEB_DIST_DIR: dist } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('puts nosniff, the referrer policy and an allow-nothing policy on JSON answers, errors included', async () => {
    for (const url of ['/healthz', '/api/no-such-thing', '/api/me']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['referrer-policy'], url).toBe('same-origin');
      expect(res.headers['content-security-policy'], url).toBe(NON_HTML_POLICY);
      if (url.startsWith('/api/')) expect(res.headers['cache-control'], url).toBe('no-store');
      // Served over http (tests, the demo): no HSTS, or browsers would refuse http to the host.
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('gives the back office a policy without inline scripts, never framed', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/patients' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = directives(String(res.headers['content-security-policy']));
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('allows exactly the inline scripts of the API reference page, by hash', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    const scripts = [...res.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    const csp = directives(String(res.headers['content-security-policy']));
    for (const s of scripts)
      expect(csp['script-src']).toContain(`'sha256-${createHash('sha256').update(s).digest('base64')}'`);
    expect(csp['script-src']).not.toContain("'unsafe-inline'");
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
  });

  it('sends HSTS with subdomains when the service is reached over https', async () => {
    const https = await createTestApp({ env: { PUBLIC_BASE_URL: 'https://app.careline.tw' } });
    try {
      const res = await https.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    } finally {
      await https.close();
    }
  });
});

describe('LIFF page policy', () => {
  const html = '<html><head><script>window.__CARELINE_LIFF__ = {"a":1};</script></head><body></body></html>';
  const hash = `'sha256-${createHash('sha256').update('window.__CARELINE_LIFF__ = {"a":1};').digest('base64')}'`;

  it('with the LINE emulator: its SDK and its phone page (which frames the page) are allowed', () => {
    const h = securityHeaders({ publicBaseUrl: 'http://127.0.0.1:3100', lineLoginBaseUrl: 'http://localhost:4100' });
    const csp = directives(h.pagePolicy('/liff/1000000001/', html));
    expect(csp['script-src']).toEqual(["'self'", 'http://localhost:4100', 'http://127.0.0.1:4100', hash]);
    expect(csp['frame-ancestors']).toEqual(["'self'", 'http://localhost:4100', 'http://127.0.0.1:4100']);
  });

  it("with LINE itself: LINE's SDK host, nobody else frames the page", () => {
    const h = securityHeaders({ publicBaseUrl: 'https://app.careline.tw', lineLoginBaseUrl: 'https://access.line.me' });
    const csp = directives(h.pagePolicy('/liff/1000000001/', html));
    expect(csp['script-src']).toEqual(["'self'", 'https://static.line-scdn.net', hash]);
    expect(csp['frame-ancestors']).toEqual(["'self'"]);
    expect(csp['connect-src']).toEqual(["'self'", 'https:']);
  });

  it("a care article or a tracked link's page, opened from LINE: the emulator's web view may frame it", () => {
    const emu = securityHeaders({ publicBaseUrl: 'http://127.0.0.1:3100', lineLoginBaseUrl: 'http://localhost:4100' });
    const line = securityHeaders({
      publicBaseUrl: 'https://app.careline.tw',
      lineLoginBaseUrl: 'https://access.line.me',
    });
    for (const path of ['/line/articles/abc123', '/r/tok3n']) {
      const csp = directives(emu.pagePolicy(path, '<p>x</p>'));
      expect(csp['frame-ancestors']).toEqual(["'self'", 'http://localhost:4100', 'http://127.0.0.1:4100']);
      expect(csp['script-src']).toEqual(["'self'"]);
      expect(directives(line.pagePolicy(path, '<p>x</p>'))['frame-ancestors']).toEqual(["'self'"]);
    }
    // the back office stays unframeable
    expect(directives(emu.pagePolicy('/messages/inbox', '<p>x</p>'))['frame-ancestors']).toEqual(["'none'"]);
  });

  it('hashes only inline scripts with content', () => {
    expect(
      inlineScriptHashes('<script src="/a.js"></script><script> </script><script type="module">x()</script>'),
    ).toEqual([`'sha256-${createHash('sha256').update('x()').digest('base64')}'`]);
  });
});
