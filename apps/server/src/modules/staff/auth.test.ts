import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, login, TEST_PASSWORD, type TestApp } from '../../testing/helpers.ts';
import { staffService } from './service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const SAME_401 = '帳號或密碼錯誤，或登入已失效，請重新登入';

describe('login', () => {
  it('logs in, returns the user and a CSRF token, and /me works with the cookie', async () => {
    const c = await createTestClinic(t);
    const me = await as(t.app, c.admin).get('/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toMatchObject({ role: 'admin', roleLabel: '管理者', clinicId: c.clinicId });
    expect(me.json().csrfToken).toBe(c.admin.csrf);
  });

  it('answers wrong password, unknown user and disabled user with the same 401 message', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    const upd = await as(t.app, c.admin).patch(`/api/staff/${desk.userId}`, { status: 'disabled' });
    expect(upd.statusCode).toBe(200);
    const tries = [
      { email: c.admin.email, password: 'wrong-password-1' },
      { email: `nobody-${Date.now()}@test.careline.tw`, password: TEST_PASSWORD },
      { email: desk.email, password: TEST_PASSWORD },
    ];
    for (const body of tries) {
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: body });
      expect(r.statusCode).toBe(401);
      expect(r.json().error).toMatchObject({ code: 'UNAUTHENTICATED', message: SAME_401 });
    }
    // The disabled user's old session no longer works either.
    expect((await as(t.app, desk).get('/api/auth/me')).statusCode).toBe(401);
  });

  it('rejects a tampered or missing cookie and an expired session with 401', async () => {
    const c = await createTestClinic(t);
    expect((await as(t.app, { ...c.admin, cookie: c.admin.cookie + 'x' }).get('/api/auth/me')).statusCode).toBe(401);
    expect((await as(t.app, null).get('/api/staff')).statusCode).toBe(401);
    t.clock.advance(13 * 3600_000);
    const r = await as(t.app, c.admin).get('/api/auth/me');
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('UNAUTHENTICATED');
    t.clock.advance(-13 * 3600_000);
  });

  it('locks an account (and an unknown email alike) after 5 failures for 15 minutes', async () => {
    const c = await createTestClinic(t);
    for (const email of [c.admin.email, `ghost-${Date.now()}@test.careline.tw`]) {
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email, password: `bad-${i}` },
          remoteAddress: `10.1.1.${i}`,
        });
        codes.push(r.statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 401, 429, 429]);
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: c.admin.email, password: TEST_PASSWORD },
      remoteAddress: '10.1.2.1',
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('LOGIN_LOCKED');
    expect(locked.headers['retry-after']).toBeDefined();
    t.clock.advance(16 * 60_000);
    expect((await login(t.app, c.admin.email)).userId).toBe(c.admin.userId);
  });

  it('rate-limits many attempts from one IP', async () => {
    let last = 0;
    for (let i = 0; i < 32; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: `x${i}@y.tw`, password: 'nope' },
        remoteAddress: '10.200.0.1',
      });
      last = r.statusCode;
    }
    expect(last).toBe(429);
  });

  it('logout ends the session', async () => {
    const c = await createTestClinic(t);
    expect((await as(t.app, c.admin).post('/api/auth/logout')).statusCode).toBe(204);
    expect((await as(t.app, c.admin).get('/api/auth/me')).statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated write without the CSRF header', async () => {
    const c = await createTestClinic(t);
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      payload: { name: 'x' },
      headers: { cookie: c.admin.cookie },
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('CSRF_FAILED');
    const r2 = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      payload: { name: 'x' },
      headers: { cookie: c.admin.cookie, 'x-csrf-token': 'forged' },
    });
    expect(r2.statusCode).toBe(403);
  });
});

describe('staff management', () => {
  it('invites a user, who sets a password through the link and logs in', async () => {
    const c = await createTestClinic(t);
    const email = `new-${Date.now()}@test.careline.tw`;
    const inv = await as(t.app, c.admin).post('/api/staff', { email, name: '王小美', role: 'front_desk' });
    expect(inv.statusCode).toBe(201);
    expect(inv.json().staff).toMatchObject({ email, status: 'invited', roleLabel: '櫃台人員' });
    const token = String(inv.json().link).split('/invite/')[1];
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/auth/accept-invite',
      payload: { token, password: 'short' },
    });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().error.details[0]).toMatchObject({ field: 'password' });
    // At least 12 characters (ASVS 2.1.1): 11 are refused with a stable code and a zh-TW message.
    const eleven = await t.app.inject({
      method: 'POST',
      url: '/api/auth/accept-invite',
      payload: { token, password: 'abcdefghijk' },
    });
    expect(eleven.statusCode).toBe(422);
    expect(eleven.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'password', code: 'minLength', message: '長度至少 12 個字' }],
    });
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/auth/accept-invite',
      payload: { token, password: 'a-good-password' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.role).toBe('front_desk');
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/accept-invite',
      payload: { token, password: 'a-good-password' },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('INVITE_INVALID');
    const s = await login(t.app, email, 'a-good-password');
    expect((await as(t.app, s).get('/api/clinic')).statusCode).toBe(200);
  });

  it('still lets in an account whose password was set before the 12-character rule', async () => {
    const c = await createTestClinic(t);
    const email = `older-${Date.now()}@test.careline.tw`;
    await staffService(t.deps).createWithPassword(c.clinicId, {
      email,
      name: '老帳號',
      role: 'front_desk',
      password: 'ten-chars!',
    });
    const s = await login(t.app, email, 'ten-chars!');
    expect((await as(t.app, s).get('/api/auth/me')).statusCode).toBe(200);
  });

  it('refuses duplicate e-mails, demoting the last admin and disabling oneself', async () => {
    const c = await createTestClinic(t);
    const dup = await as(t.app, c.admin).post('/api/staff', { email: c.admin.email, name: 'x', role: 'viewer' });
    expect(dup.statusCode).toBe(409);
    const self = await as(t.app, c.admin).patch(`/api/staff/${c.admin.userId}`, { status: 'disabled' });
    expect(self.statusCode).toBe(409);
    const other = await c.staff('admin');
    const demote = await as(t.app, other).patch(`/api/staff/${c.admin.userId}`, { role: 'viewer' });
    expect(demote.statusCode).toBe(200);
    const last = await as(t.app, c.admin).get('/api/auth/me');
    expect(last.statusCode).toBe(401); // role change ends the sessions of the changed user
    const staff = await as(t.app, other).get('/api/staff');
    expect(staff.json().items.filter((u: { role: string }) => u.role === 'admin')).toHaveLength(1);
  });

  it('reset-password issues a new link that sets a new password', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    const r = await as(t.app, c.admin).post(`/api/staff/${desk.userId}/reset-password`);
    expect(r.statusCode).toBe(200);
    const token = String(r.json().link).split('/invite/')[1];
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/accept-invite',
          payload: { token, password: 'brand-new-password' },
        })
      ).statusCode,
    ).toBe(200);
    await expect(login(t.app, desk.email, 'brand-new-password')).resolves.toBeTruthy();
  });

  it('a front-desk user gets 403 on admin endpoints', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    for (const [m, url] of [
      ['get', '/api/staff'],
      ['get', '/api/audit'],
      ['get', '/api/api-keys'],
      ['get', '/api/jobs'],
    ] as const) {
      const r = await as(t.app, desk)[m](url);
      expect(r.statusCode, url).toBe(403);
      expect(r.json().error.code).toBe('FORBIDDEN');
    }
    expect((await as(t.app, desk).post('/api/staff', { email: 'a@b.tw', name: 'a', role: 'admin' })).statusCode).toBe(
      403,
    );
    expect((await as(t.app, desk).patch('/api/clinic', { name: 'x' })).statusCode).toBe(403);
  });

  it('platform operators create clinics; clinic admins cannot', async () => {
    const c = await createTestClinic(t);
    const op = await c.staff('platform_operator');
    const created = await as(t.app, op).post('/api/platform/clinics', {
      name: '新診所',
      adminEmail: `first-${Date.now()}@test.tw`,
      adminName: '院長',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().adminInviteLink).toContain('/invite/');
    expect((await as(t.app, c.admin).get('/api/platform/clinics')).statusCode).toBe(403);
    expect((await as(t.app, op).get('/api/staff')).statusCode).toBe(403);
    const svc = staffService(t.deps);
    expect(svc).toBeTruthy();
  });
});
