import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  createTestApp,
  createTestClinic,
  login,
  TEST_PASSWORD,
  TOTP_SECRETS,
  totpCode,
  type Session,
  type TestApp,
} from '../../testing/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const code = (secret: string, offsetMs = 0) => totpCode(secret, new Date(t.clock.now().getTime() + offsetMs));
const passwordStep = (email: string, ip = '10.20.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: TEST_PASSWORD },
    remoteAddress: ip,
  });
const codeStep = (challenge: string, c: string, ip = '10.20.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login/code', payload: { challenge, code: c }, remoteAddress: ip });

/** Turns two-factor login on for a signed-in user; returns the secret and the recovery codes. */
async function enrol(s: Session): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await as(t.app, s).post('/api/account/two-factor/setup');
  expect(setup.statusCode, setup.body).toBe(200);
  const { secret } = setup.json();
  const on = await as(t.app, s).post('/api/account/two-factor/enable', { code: await code(secret) });
  expect(on.statusCode, on.body).toBe(200);
  TOTP_SECRETS.set(s.email, secret);
  return { secret, recoveryCodes: on.json().recoveryCodes };
}

/** An admin's reset-password link for `userId`, used to set a new password; the answer. */
async function newPasswordThroughLink(admin: Session, userId: string) {
  const link = (await as(t.app, admin).post(`/api/staff/${userId}/reset-password`)).json().link as string;
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/accept-invite',
    payload: { token: link.split('/invite/')[1], password: 'a-new-password-1' },
  });
}

async function audits(clinicId: string | null, userId: string) {
  return t.deps.db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('entity_id', '=', userId)
    .where((eb) => (clinicId ? eb('clinic_id', '=', clinicId) : eb('clinic_id', 'is', null)))
    .orderBy('id')
    .execute();
}

describe('setting up two-factor login', () => {
  it('offers a secret and QR URI, enables with a code from an authenticator library, 10 recovery codes', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    const api = as(t.app, desk);
    expect((await api.get('/api/account/two-factor')).json()).toEqual({
      enabled: false,
      enabledAt: null,
      recoveryCodesLeft: 0,
      required: false,
    });
    const setup = (await api.post('/api/account/two-factor/setup')).json();
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.otpauthUri).toContain('otpauth://totp/Careline:');
    expect(setup.otpauthUri).toContain(`secret=${setup.secret}`);
    expect(setup.otpauthUri).toContain(encodeURIComponent(desk.email));

    const wrong = await api.post('/api/account/two-factor/enable', { code: '000000' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CODE');
    const notDigits = await api.post('/api/account/two-factor/enable', { code: 12345 });
    expect(notDigits.statusCode).toBe(422);

    const on = await api.post('/api/account/two-factor/enable', { code: await code(setup.secret) });
    expect(on.statusCode, on.body).toBe(200);
    const codes: string[] = on.json().recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const rc of codes) expect(rc).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect((await api.get('/api/account/two-factor')).json()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });

    // Secrets are sealed at rest and recovery codes kept only as keyed hashes.
    const row = await t.deps.db
      .selectFrom('staff_two_factor')
      .selectAll()
      .where('user_id', '=', desk.userId)
      .executeTakeFirstOrThrow();
    expect(row.secret_enc).not.toContain(setup.secret);
    expect(t.deps.crypto.decrypt(row.secret_enc)).toBe(setup.secret);
    const hashes = await t.deps.db
      .selectFrom('staff_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', desk.userId)
      .execute();
    expect(hashes).toHaveLength(10);
    const stored = JSON.stringify(hashes);
    for (const rc of codes) expect(stored).not.toContain(rc.replace('-', ''));
    expect((await audits(c.clinicId, desk.userId)).map((a) => a.action)).toContain('account.two_factor_enabled');
    // A second set-up while on is refused.
    expect((await api.post('/api/account/two-factor/setup')).statusCode).toBe(409);
  });
});

describe('logging in with two-factor login', () => {
  it('asks for a code after the password, sets no cookie before it, and never takes one code twice', async () => {
    const c = await createTestClinic(t);
    const doc = await c.staff('doctor');
    const { secret } = await enrol(doc);
    const first = await passwordStep(doc.email);
    expect(first.statusCode).toBe(200);
    expect(first.json().twoFactor).toMatchObject({ step: 'verify', setup: null });
    expect(first.json().user).toBeUndefined();
    expect(first.cookies.find((k) => k.name === 'careline_session')).toBeUndefined();

    // The code enrolment used is spent already (same 30-second step).
    const replay = await codeStep(first.json().twoFactor.challenge, await code(secret));
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('INVALID_CODE');

    t.clock.advance(30_000);
    const ok = await codeStep(first.json().twoFactor.challenge, await code(secret));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ user: { id: doc.userId }, recoveryCodes: null });
    const cookie = ok.cookies.find((k) => k.name === 'careline_session')!;
    const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie: `careline_session=${cookie.value}` } });
    expect(me.statusCode).toBe(200);
    // A challenge opens one login only.
    expect((await codeStep(first.json().twoFactor.challenge, await code(secret, 30_000))).json().error.code).toBe(
      'CHALLENGE_EXPIRED',
    );
    // One step of clock drift either way is accepted.
    t.clock.advance(60_000);
    const again = await passwordStep(doc.email);
    expect((await codeStep(again.json().twoFactor.challenge, await code(secret, -30_000))).statusCode).toBe(200);

    const log = await audits(c.clinicId, doc.userId);
    expect(log.map((a) => a.action)).toContain('auth.two_factor_failed');
    expect(log.filter((a) => a.action === 'auth.login').map((a) => JSON.parse(a.detail))).toContainEqual({
      twoFactor: 'totp',
    });
  });

  it('takes each recovery code once (with or without the dash, any case)', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    const { recoveryCodes } = await enrol(desk);
    const ch1 = (await passwordStep(desk.email)).json().twoFactor.challenge;
    const used = await codeStep(ch1, recoveryCodes[3].replace('-', '').toUpperCase());
    expect(used.statusCode, used.body).toBe(200);
    const ch2 = (await passwordStep(desk.email)).json().twoFactor.challenge;
    expect((await codeStep(ch2, recoveryCodes[3])).statusCode).toBe(401);
    expect((await codeStep(ch2, recoveryCodes[4])).statusCode).toBe(200);
    const log = await audits(c.clinicId, desk.userId);
    expect(log.filter((a) => a.action === 'auth.recovery_code_used').map((a) => JSON.parse(a.detail))).toEqual([
      { left: 9 },
      { left: 8 },
    ]);
    expect((await as(t.app, desk).get('/api/account/two-factor')).json().recoveryCodesLeft).toBe(8);
  });

  it('ends a challenge after 5 wrong codes and locks the account after 5 wrong codes in 15 minutes', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    const { secret } = await enrol(desk);
    t.clock.advance(30_000);
    const ch = (await passwordStep(desk.email)).json().twoFactor.challenge;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await codeStep(ch, `99999${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401]);
    const fifth = await codeStep(ch, '999995');
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().error.code).toBe('TWO_FACTOR_LOCKED');
    // Locked: even the right code on a fresh challenge waits.
    const ch2 = (await passwordStep(desk.email)).json().twoFactor.challenge;
    const locked = await codeStep(ch2, await code(secret));
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBeDefined();
    t.clock.advance(16 * 60_000);
    const ch3 = (await passwordStep(desk.email)).json().twoFactor.challenge;
    expect((await codeStep(ch3, await code(secret))).statusCode).toBe(200);
  });

  it('lets a challenge expire after 5 minutes and refuses a made-up one', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    const { secret } = await enrol(desk);
    const ch = (await passwordStep(desk.email)).json().twoFactor.challenge;
    t.clock.advance(5 * 60_000 + 1000);
    expect((await codeStep(ch, await code(secret))).json().error.code).toBe('CHALLENGE_EXPIRED');
    expect((await codeStep('made-up-challenge-token', '123456')).json().error.code).toBe('CHALLENGE_EXPIRED');
  });

  it('turns off with a current code (login is one step again); new recovery codes replace the old', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    const { secret, recoveryCodes } = await enrol(desk);
    const api = as(t.app, desk);
    t.clock.advance(30_000);
    const fresh = await api.post('/api/account/two-factor/recovery-codes', { code: await code(secret) });
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.json().recoveryCodes).toHaveLength(10);
    expect(fresh.json().recoveryCodes).not.toContain(recoveryCodes[0]);
    expect((await api.post('/api/account/two-factor/disable', { code: recoveryCodes[0] })).statusCode).toBe(401);
    expect(
      (await api.post('/api/account/two-factor/disable', { code: fresh.json().recoveryCodes[0] })).statusCode,
    ).toBe(204);
    expect((await passwordStep(desk.email)).json().user.id).toBe(desk.userId);
    expect((await audits(c.clinicId, desk.userId)).map((a) => a.action)).toEqual(
      expect.arrayContaining(['account.recovery_codes_regenerated', 'account.two_factor_disabled']),
    );
  });
});

describe('the clinic requires two-factor login', () => {
  it('leads staff without it to enrol at next login; they cannot turn it off; admins see who has it', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    const admin = as(t.app, c.admin);
    expect((await as(t.app, desk).put('/api/security/settings', { requireTwoFactor: true })).statusCode).toBe(403);
    expect((await admin.put('/api/security/settings', { requireTwoFactor: 'yes' })).statusCode).toBe(422);
    const put = await admin.put('/api/security/settings', { requireTwoFactor: true });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().requireTwoFactor).toBe(true);
    expect(put.json().staff.find((p: { id: string }) => p.id === desk.userId)).toMatchObject({
      twoFactorEnabled: false,
    });
    // The session already open goes on.
    expect((await as(t.app, desk).get('/api/auth/me')).statusCode).toBe(200);

    const first = await passwordStep(desk.email);
    expect(first.json().twoFactor.step).toBe('enrol');
    const { secret, otpauthUri } = first.json().twoFactor.setup;
    expect(otpauthUri).toContain(secret);
    expect((await codeStep(first.json().twoFactor.challenge, '123456')).statusCode).toBe(401);
    const done = await codeStep(first.json().twoFactor.challenge, await code(secret));
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().recoveryCodes).toHaveLength(10);
    TOTP_SECRETS.set(desk.email, secret);

    const status = (await admin.get('/api/security/settings')).json();
    expect(status.staff.find((p: { id: string }) => p.id === desk.userId).twoFactorEnabled).toBe(true);
    t.clock.advance(30_000);
    const again = await login(t.app, desk.email);
    const off = await as(t.app, again).post('/api/account/two-factor/disable', { code: await code(secret, 30_000) });
    expect(off.statusCode).toBe(409);
    expect(off.json().error.code).toBe('TWO_FACTOR_REQUIRED');
    expect((await as(t.app, again).get('/api/account/two-factor')).json()).toMatchObject({ required: true });

    // Lost phone and codes: the admin resets it, and the next login enrols again.
    expect((await admin.post(`/api/security/staff/${desk.userId}/reset-two-factor`)).statusCode).toBe(204);
    expect((await passwordStep(desk.email)).json().twoFactor.step).toBe('enrol');
    expect((await admin.put('/api/security/settings', { requireTwoFactor: false })).statusCode).toBe(200);
    expect((await passwordStep(desk.email)).json().user.id).toBe(desk.userId);
    expect((await audits(c.clinicId, desk.userId)).map((a) => a.action)).toContain('staff.two_factor_reset');
  });

  it('another clinic’s admin can neither see nor reset this clinic’s staff', async () => {
    const a = await createTestClinic(t);
    const b = await createTestClinic(t);
    const desk = await a.staff('front_desk');
    await enrol(desk);
    const other = as(t.app, b.admin);
    expect((await other.post(`/api/security/staff/${desk.userId}/reset-two-factor`)).statusCode).toBe(404);
    expect(JSON.stringify((await other.get('/api/security/settings')).json())).not.toContain(desk.userId);
    expect((await as(t.app, desk).get('/api/account/two-factor')).json().enabled).toBe(true);
    await other.put('/api/security/settings', { requireTwoFactor: true });
    expect((await as(t.app, a.admin).get('/api/security/settings')).json().requireTwoFactor).toBe(false);
  });

  it('a reset-password link sets the password but still asks for the code', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    await enrol(desk);
    const r = await newPasswordThroughLink(c.admin, desk.userId);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().twoFactor.step).toBe('verify');
    expect(r.cookies.find((k) => k.name === 'careline_session')).toBeUndefined();
  });
});

describe('a change of login factors signs the user out elsewhere', () => {
  const signedIn = async (s: Session) => (await as(t.app, s).get('/api/auth/me')).statusCode;

  it('turning two-factor login on or off ends the other sessions, not the one making the change', async () => {
    const c = await createTestClinic(t);
    const here = await c.staff('front_desk');
    const elsewhere = await login(t.app, here.email);
    const { secret } = await enrol(here);
    expect(await signedIn(here)).toBe(200);
    expect(await signedIn(elsewhere)).toBe(401);

    t.clock.advance(30_000);
    const again = await login(t.app, here.email);
    expect(await signedIn(again)).toBe(200);
    t.clock.advance(30_000);
    const off = await as(t.app, here).post('/api/account/two-factor/disable', { code: await code(secret) });
    expect(off.statusCode, off.body).toBe(204);
    expect(await signedIn(here)).toBe(200);
    expect(await signedIn(again)).toBe(401);
  });

  it("an admin's reset of someone's two-factor login ends all of that person's sessions", async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    await enrol(desk);
    t.clock.advance(30_000);
    const second = await login(t.app, desk.email);
    const reset = await as(t.app, c.admin).post(`/api/security/staff/${desk.userId}/reset-two-factor`);
    expect(reset.statusCode, reset.body).toBe(204);
    expect(await signedIn(desk)).toBe(401);
    expect(await signedIn(second)).toBe(401);
    expect(await signedIn(c.admin)).toBe(200);
  });

  it('a password set through a reset link ends every session of the user', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    const r = await newPasswordThroughLink(c.admin, desk.userId);
    expect(r.statusCode, r.body).toBe(200);
    expect(await signedIn(desk)).toBe(401);
  });
});

describe('platform operators', () => {
  it('always enrol at their first login and cannot turn it off', async () => {
    const c = await createTestClinic(t);
    const op = await c.staff('platform_operator'); // login() enrolled through the second step
    const status = (await as(t.app, op).get('/api/account/two-factor')).json();
    expect(status).toMatchObject({ enabled: true, required: true, recoveryCodesLeft: 10 });
    t.clock.advance(30_000);
    expect((await passwordStep(op.email)).json().twoFactor.step).toBe('verify');
    const off = await as(t.app, op).post('/api/account/two-factor/disable', {
      code: await code(TOTP_SECRETS.get(op.email)!),
    });
    expect(off.json().error.code).toBe('TWO_FACTOR_REQUIRED');
  });
});
