// Patient binding through the real LINE emulator: follow → LIFF ID token → SMS code → bind →
// lights, rich menu, confirmation; the refusals (codes, limits, lockout, tokens, clinics).
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIdToken } from '../../../../line-emulator/src/auth.ts';
import { systemActor } from '../../platform/audit.ts';
import { as, createTestApp, type TestApp } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import { lineService } from '../line/service.ts';
import { startWorker } from '../../platform/jobs.ts';
import { jobDefinitions } from '../../jobs.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;
beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());
const dashed = (p: string) => `${p.slice(0, 4)}-${p.slice(4, 7)}-${p.slice(7)}`;

const lineOf = async (t: TestApp, clinicId: string, hisId: string) =>
  (
    await t.deps.db
      .selectFrom('patients')
      .select('line_status')
      .where('clinic_id', '=', clinicId)
      .where('his_id', '=', hisId)
      .executeTakeFirstOrThrow()
  ).line_status;
const userMenu = (channelId: string, userId: string) =>
  b.emu.store.channels.get(channelId)?.userRichMenus.get(userId) ?? null;

describe('bind flow through the emulator', () => {
  it('follow → ID token → SMS OTP → verify binds the family (lights, menu, text); block/unblock; unbind', async () => {
    const c = await s.clinic();
    const p = phone();
    await c.his.put('/his/v1/patients/P1', { name: '王大明', phone: dashed(p), birthDate: '1980-05-17' });
    await c.his.put('/his/v1/patients/P2', { name: '王小美', phone: p, birthDate: '2015-03-02' });
    await c.his.put('/his/v1/patients/P3', { name: '陳其他', phone: phone() });
    // both menus published first (default images drawn by the server)
    expect((await as(b.t.app, c.admin).post('/api/rich-menus/unbound/publish')).statusCode).toBe(200);
    const bound = (await as(b.t.app, c.admin).post('/api/rich-menus/bound/publish')).json();
    expect(bound.lineRichMenuId).toBeTruthy();
    expect(b.emu.store.channels.get(c.channelId)!.defaultRichMenuId).toBeTruthy();

    const u = await s.user();
    await b.emu_('POST', `/_emulator/users/${u}/follow`, { channelId: c.channelId });
    await b.drain();
    const tok = await s.idToken(c.channelId, u);
    const api = s.liff(b.t, c.channelId, tok);

    const me0 = (await api.get('/me')).json();
    expect(me0).toMatchObject({
      lineUser: { userId: u, displayName: '王小明' },
      bound: false,
      phoneMasked: null,
      patients: [],
    });
    expect(me0.privacyNotice.text).toContain('個人資料保護法');

    expect((await api.post('/otp', { phone: p, consent: false })).json().error.code).toBe('CONSENT_REQUIRED');
    const land = await api.post('/otp', { phone: '02-2345-6789', consent: true });
    expect([land.statusCode, land.json().error.code]).toEqual([422, 'NOT_A_MOBILE']);
    expect((await api.post('/otp', { phone: '12345', consent: true })).json().error.code).toBe('INVALID_PHONE');
    const stranger = phone();
    const nf = await api.post('/otp', { phone: stranger, consent: true });
    expect(nf.statusCode).toBe(404);
    expect(nf.json().error).toMatchObject({
      code: 'PHONE_NOT_FOUND',
      details: [expect.objectContaining({ clinicPhone: '02-2700-1234' })],
    });
    expect(nf.json().error.message).toContain('02-2700-1234');
    await b.drain();
    expect((await b.emu_('GET', `/_emulator/sms?to=${stranger}`)).messages).toEqual([]);

    const otp = await api.post('/otp', { phone: dashed(p), consent: true });
    expect(otp.statusCode).toBe(200);
    expect(otp.json()).toEqual({
      sentTo: `${p.slice(0, 4)}-***-${p.slice(7)}`,
      expiresInSeconds: 300,
      resendAfterSeconds: 60,
    });
    const code = await s.lastCode(p);
    const sms = (await b.emu_('GET', `/_emulator/sms?to=${p}`)).messages.at(-1);
    expect(sms.body).toMatch(/^【測試診所 .+】您的綁定驗證碼為 \d{6}，5 分鐘內有效。請勿將驗證碼告訴他人。$/);
    const log = await b.t.deps.db
      .selectFrom('sms_messages')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .executeTakeFirstOrThrow();
    expect(log).toMatchObject({
      purpose: 'otp',
      status: 'sent',
      segments: 1,
      encoding: 'UCS-2',
      provider_message_id: sms.msgid,
    });
    expect(sms.clientid).toBe(log.idempotency_key);
    // the code is nowhere in the database in clear
    const jobs = await b.t.deps.db.selectFrom('jobs').select('payload').where('clinic_id', '=', c.clinicId).execute();
    expect(JSON.stringify(jobs)).not.toContain(code);
    expect(JSON.stringify(await b.t.deps.db.selectFrom('otp_codes').selectAll().execute())).not.toContain(code);

    const ok = await api.post('/otp/verify', { phone: p, code });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      bound: true,
      patients: [
        expect.objectContaining({ name: '王大明', birthYear: 1980 }),
        expect.objectContaining({ name: '王小美', birthYear: 2015 }),
      ],
    });
    expect([
      await lineOf(b.t, c.clinicId, 'P1'),
      await lineOf(b.t, c.clinicId, 'P2'),
      await lineOf(b.t, c.clinicId, 'P3'),
    ]).toEqual(['bound', 'bound', 'unbound']);
    const st = (await c.his.get('/his/v1/patients/P2/status')).json();
    expect(st.lights.line.code).toBe('bound');
    expect(
      await b.t.deps.db.selectFrom('binding_consents').selectAll().where('clinic_id', '=', c.clinicId).execute(),
    ).toHaveLength(1);
    await b.drain();
    expect(userMenu(c.channelId, u)).toBe(bound.lineRichMenuId);
    const pushed = (await s.sent(c.channelId, u)).filter((m) => m.via === 'push');
    expect(pushed).toHaveLength(1);
    expect(pushed[0].retryKey).toBeTruthy();
    expect(pushed[0].message.text).toContain('綁定完成');
    const me1 = (await api.get('/me')).json();
    expect(me1).toMatchObject({ bound: true, phoneMasked: `${p.slice(0, 4)}-***-${p.slice(7)}` });
    // the code cannot be used twice
    expect((await api.post('/otp/verify', { phone: p, code })).json().error.code).toBe('OTP_ALREADY_USED');

    // block → blocked; unblock → bound again and welcomed back
    await b.emu_('POST', `/_emulator/users/${u}/unfollow`, { channelId: c.channelId });
    await b.drain();
    expect(await lineOf(b.t, c.clinicId, 'P1')).toBe('blocked');
    await b.emu_('POST', `/_emulator/users/${u}/follow`, { channelId: c.channelId });
    await b.drain();
    expect(await lineOf(b.t, c.clinicId, 'P2')).toBe('bound');
    const back = (await s.sent(c.channelId, u)).slice(-2);
    expect(back.map((m) => m.via)).toEqual(['reply', 'reply']);
    expect(back[0].message.text).toContain('歡迎回來');
    expect(JSON.stringify(back[1].message)).toContain(`https://liff.line.me/${c.channelId}-test/appointments`);

    // the patient unbinds: lights unbound, menu back to the default
    expect((await api.post('/unbind')).json()).toEqual({ bound: false });
    await b.drain();
    expect(await lineOf(b.t, c.clinicId, 'P1')).toBe('unbound');
    expect(userMenu(c.channelId, u)).toBeNull();
    expect((await api.get('/me')).json().bound).toBe(false);
  });
});

describe('bound menu right after binding', () => {
  it('reaches LINE within 2 s of the verify call on a running worker, whatever its poll interval', async () => {
    const c = await s.clinic();
    const p = phone();
    await c.his.put('/his/v1/patients/P1', { name: '林快', phone: p });
    expect((await as(b.t.app, c.admin).post('/api/rich-menus/bound/publish')).statusCode).toBe(200);
    await b.drain();
    const menuId = b.emu.store.channels.get(c.channelId)!.richMenus.keys().next().value;
    const u = await s.user();
    await b.emu_('POST', `/_emulator/users/${u}/follow`, { channelId: c.channelId });
    const api = s.liff(b.t, c.channelId, await s.idToken(c.channelId, u));
    await api.post('/otp', { phone: p, consent: true });
    const code = await s.lastCode(p);
    // A worker that sleeps 10 s between idle polls: only a wake-up can make the switch fast.
    const worker = startWorker(b.t.deps, jobDefinitions(), { workerId: 'menu-worker', pollMs: 10_000 });
    try {
      await new Promise((r) => setTimeout(r, 300)); // its first poll found nothing; it sleeps now
      const t0 = Date.now();
      expect((await api.post('/otp/verify', { phone: p, code })).statusCode).toBe(200);
      while (userMenu(c.channelId, u) !== menuId && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
      expect(userMenu(c.channelId, u)).toBe(menuId);
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      await worker.stop();
    }
  });
});

describe('family with two LINE users', () => {
  it('bound while any bound LINE user is a friend; blocked when all block; SMS reports update the log', async () => {
    const c = await s.clinic();
    const p = phone();
    await c.his.put('/his/v1/patients/F', { name: '全家', phone: p });
    const bindAs = async (name: string) => {
      const u = await s.user(name);
      await b.emu_('POST', `/_emulator/users/${u}/follow`, { channelId: c.channelId });
      const api = s.liff(b.t, c.channelId, await s.idToken(c.channelId, u));
      b.t.clock.advance(61_000);
      expect((await api.post('/otp', { phone: p, consent: true })).statusCode).toBe(200);
      expect((await api.post('/otp/verify', { phone: p, code: await s.lastCode(p) })).statusCode).toBe(200);
      return u;
    };
    const dad = await bindAs('爸爸');
    const mom = await bindAs('媽媽');
    expect(await lineOf(b.t, c.clinicId, 'F')).toBe('bound');
    await b.emu_('POST', `/_emulator/users/${dad}/unfollow`, { channelId: c.channelId });
    await b.drain();
    expect(await lineOf(b.t, c.clinicId, 'F')).toBe('bound');
    await b.emu_('POST', `/_emulator/users/${mom}/unfollow`, { channelId: c.channelId });
    await b.drain();
    expect(await lineOf(b.t, c.clinicId, 'F')).toBe('blocked');
    await b.emu_('POST', `/_emulator/users/${dad}/follow`, { channelId: c.channelId });
    await b.drain();
    expect(await lineOf(b.t, c.clinicId, 'F')).toBe('bound');

    // Mitake-style delivery report (GET with msgid/statuscode) on the signed report URL
    const row = await b.t.deps.db
      .selectFrom('sms_messages')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .executeTakeFirstOrThrow();
    const sig = b.t.deps.crypto.hmacHex('sms-report', row.id).slice(0, 32);
    expect(
      (
        await b.t.app.inject({
          method: 'GET',
          url: `/sms/report/${row.id}?sig=bad&msgid=${row.provider_message_id}&statuscode=4`,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await b.t.app.inject({
          method: 'GET',
          url: `/sms/report/${row.id}?sig=${sig}&msgid=${row.provider_message_id}&statuscode=4&statusstr=DELIVRD`,
        })
      ).statusCode,
    ).toBe(200);
    const log = (await as(b.t.app, c.admin).get('/api/sms/messages')).json().items;
    expect(log.find((m: { id: string }) => m.id === row.id)).toMatchObject({
      status: 'delivered',
      deliveryStatus: 'delivered:DELIVRD',
      purpose: 'otp',
      segments: 1,
    });
    expect(JSON.stringify(log)).not.toContain(p);
  });
});

describe('codes, limits and lockout', () => {
  it('wrong codes count down, the fifth locks the phone for 15 minutes, and the lock outlives a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'careline-bind-'));
    const env = {
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? `sqlite:${join(dir, 'db.sqlite')}`,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LINE_API_BASE_URL: b.emu.url,
      SMS_BASE_URL: b.emu.url,
    };
    const t1 = await createTestApp({ env });
    // a channel known to the emulator, connected to a clinic in t1's database
    const c = {
      channelId: `7${String(randomInt(10_000_000, 99_999_999))}`,
      channelSecret: randomBytes(16).toString('hex'),
      accessToken: '',
    };
    c.accessToken = (
      await b.emu_('POST', '/_emulator/channels', { channelId: c.channelId, channelSecret: c.channelSecret })
    ).channelAccessToken;
    const { clinicService } = await import('../clinics/service.ts');
    const clinic1 = await clinicService(t1.deps).create({ name: '重啟診所' });
    await lineService(t1.deps).saveChannel(
      clinic1.id,
      { channelId: c.channelId, channelSecret: c.channelSecret, accessToken: c.accessToken },
      systemActor,
      '127.0.0.1',
    );
    const { patientService } = await import('../patients/service.ts');
    const p = phone();
    await patientService(t1.deps).upsert(clinic1.id, 'R1', { name: '李重啟', phone: p }, systemActor);
    const u = await s.user('李重啟');
    const tok = await s.idToken(c.channelId, u);
    const api = s.liff(t1, c.channelId, tok);
    expect((await api.post('/otp', { phone: p, consent: true })).statusCode).toBe(200);
    for (const left of [4, 3, 2, 1]) {
      const r = await api.post('/otp/verify', { phone: p, code: String(randomInt(0, 1e6)).padStart(6, '0') });
      if (r.statusCode === 200) return; // astronomically unlikely: a random guess was right
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ error: { code: 'OTP_INVALID' }, attemptsLeft: left });
    }
    const fifth = await api.post('/otp/verify', { phone: p, code: '999999' });
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().error.code).toBe('OTP_LOCKED');
    expect(fifth.headers['retry-after']).toBe('900');
    await t1.close();

    const t2 = await createTestApp({ env, start: t1.clock.now().toISOString() });
    const api2 = s.liff(t2, c.channelId, tok);
    const still = await api2.post('/otp/verify', { phone: p, code: '123456' });
    expect([still.statusCode, still.json().error.code]).toEqual([429, 'OTP_LOCKED']);
    expect((await api2.post('/otp', { phone: p, consent: true })).json().error.code).toBe('OTP_LOCKED');
    t2.clock.advance(16 * 60_000);
    expect((await api2.post('/otp', { phone: p, consent: true })).statusCode).toBe(200);
    const attempts = await t2.deps.db
      .selectFrom('otp_codes')
      .select('attempts')
      .where('clinic_id', '=', clinic1.id)
      .executeTakeFirstOrThrow();
    expect(Number(attempts.attempts)).toBe(0);
    await t2.close();
  }, 90_000); // two app instances migrate a database file each: slow on a loaded machine

  it('resend after 60 s replaces the old code; expired codes; another phone’s code; per-phone rate limit', async () => {
    const c = await s.clinic();
    const p = phone();
    const q = phone();
    await c.his.put('/his/v1/patients/A1', { name: '張一', phone: p });
    await c.his.put('/his/v1/patients/B1', { name: '張二', phone: q });
    const u = await s.user('張一');
    const api = s.liff(b.t, c.channelId, await s.idToken(c.channelId, u));
    expect((await api.post('/otp', { phone: p, consent: true })).statusCode).toBe(200);
    const first = await s.lastCode(p);
    const soon = await api.post('/otp', { phone: p, consent: true });
    expect(soon.statusCode).toBe(429);
    expect(soon.json().error.code).toBe('OTP_RESEND_TOO_SOON');
    expect(Number(soon.headers['retry-after'])).toBeGreaterThan(0);
    b.t.clock.advance(61_000);
    expect((await api.post('/otp', { phone: p, consent: true })).statusCode).toBe(200);
    const second = await s.lastCode(p);
    if (first !== second)
      expect((await api.post('/otp/verify', { phone: p, code: first })).json().error.code).toBe('OTP_INVALID');
    // a code sent to q does not work for p, and p's code does not work for q
    expect((await api.post('/otp', { phone: q, consent: true })).statusCode).toBe(200);
    const qCode = await s.lastCode(q);
    if (qCode !== second)
      expect((await api.post('/otp/verify', { phone: p, code: qCode })).json().error.code).toBe('OTP_INVALID');
    // expired after 5 minutes
    b.t.clock.advance(301_000);
    const exp = await api.post('/otp/verify', { phone: q, code: qCode });
    expect([exp.statusCode, exp.json().error.code]).toEqual([410, 'OTP_EXPIRED']);
    // 5 sends per phone per hour (2 used so far)
    for (let i = 0; i < 3; i++) {
      b.t.clock.advance(61_000);
      expect((await api.post('/otp', { phone: p, consent: true })).statusCode).toBe(200);
    }
    b.t.clock.advance(61_000);
    const limited = await api.post('/otp', { phone: p, consent: true });
    expect([limited.statusCode, limited.json().error.code]).toEqual([429, 'OTP_RATE_LIMITED']);
    // a code requested by another LINE user is not theirs to use
    const other = s.liff(b.t, c.channelId, await s.idToken(c.channelId, await s.user('路人')));
    expect((await other.post('/otp/verify', { phone: p, code: '123456' })).json().error.code).toBe('OTP_NOT_REQUESTED');
  });

  it('per-IP and per-LINE-user limits', async () => {
    const c = await s.clinic();
    const u = await s.user('頻繁');
    const tok = await s.idToken(c.channelId, u);
    const ip = `10.200.${randomInt(0, 250)}.${randomInt(1, 250)}`;
    const api = s.liff(b.t, c.channelId, tok, ip);
    for (let i = 0; i < 10; i++)
      expect((await api.post('/otp', { phone: phone(), consent: true })).statusCode).toBe(404);
    const r = await api.post('/otp', { phone: phone(), consent: true });
    expect([r.statusCode, r.json().error.code]).toEqual([429, 'OTP_RATE_LIMITED']);
  });
});

describe('LIFF identity', () => {
  it('answers 401 for a missing, tampered, expired or other-channel token; 404 for an unknown channel', async () => {
    const c = await s.clinic();
    const d = await s.clinic();
    const u = await s.user();
    const good = await s.idToken(c.channelId, u);
    expect((await s.liff(b.t, c.channelId, good).get('/me')).statusCode).toBe(200);
    const bad = async (tok: string | null) => {
      const r = await s.liff(b.t, c.channelId, tok).get('/me');
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('LIFF_TOKEN_INVALID');
      expect(r.json().error.message).toMatch(/LINE/);
    };
    await bad(null);
    await bad(good.slice(0, -3) + 'abc');
    await bad(await s.idToken(d.channelId, u));
    const now = Math.floor(Date.now() / 1000);
    await bad(
      signIdToken(
        { iss: 'https://access.line.me', sub: u, aud: c.channelId, exp: now - 60, iat: now - 3660, name: 'x' },
        c.channelSecret,
      ),
    );
    expect((await s.liff(b.t, '999999999', good).get('/me')).statusCode).toBe(404);
  });
});

describe('clinics are isolated', () => {
  it('the same phone at two clinics: binding at A shows only A’s patients; A’s token does not open B', async () => {
    const a = await s.clinic();
    const bb = await s.clinic();
    const p = phone();
    await a.his.put('/his/v1/patients/X', { name: 'A診所病患', phone: p });
    await bb.his.put('/his/v1/patients/X', { name: 'B診所病患', phone: p });
    await bb.his.put('/his/v1/appointments/B-1', {
      patientId: 'X',
      doctorId: 'D1',
      startsAt: new Date(b.t.clock.now().getTime() + 86_400_000).toISOString(),
      status: 'booked',
      version: 1,
    });
    const u = await s.user();
    const tokA = await s.idToken(a.channelId, u);
    const api = s.liff(b.t, a.channelId, tokA);
    await api.post('/otp', { phone: p, consent: true });
    expect(
      (await api.post('/otp/verify', { phone: p, code: await s.lastCode(p) }))
        .json()
        .patients.map((x: { name: string }) => x.name),
    ).toEqual(['A診所病患']);
    const appts = (await api.get('/appointments')).json();
    expect(appts.members.map((m: { patient: { name: string } }) => m.patient.name)).toEqual(['A診所病患']);
    expect((await s.liff(b.t, bb.channelId, tokA).get('/me')).statusCode).toBe(401);
    const atB = s.liff(b.t, bb.channelId, await s.idToken(bb.channelId, u));
    expect((await atB.get('/me')).json()).toMatchObject({ bound: false, patients: [] });
    expect((await atB.get('/appointments')).json()).toEqual({ members: [] });
    expect(await lineOf(b.t, bb.clinicId, 'X')).toBe('unbound');
    // B's appointment id cannot be answered through A
    const bAppt = await b.t.deps.db
      .selectFrom('appointments')
      .select('id')
      .where('clinic_id', '=', bb.clinicId)
      .executeTakeFirstOrThrow();
    expect((await api.post(`/appointments/${bAppt.id}/confirm`)).json().error.code).toBe('APPOINTMENT_NOT_FOUND');
  });
});

describe('my appointments and answers', () => {
  it('family appointments in clinic time; confirm/cancel/reschedule rules; desk tasks; staff unbind', async () => {
    const c = await s.clinic();
    const p = phone();
    await c.his.put('/his/v1/patients/M', { name: '媽媽', phone: p, birthDate: '1975-01-01' });
    await c.his.put('/his/v1/patients/K', { name: '小孩', phone: p, birthDate: '2016-01-01' });
    const day = 86_400_000;
    const base = b.t.clock.now().getTime();
    const at = (ms: number) => new Date(Math.floor((base + ms) / 60_000) * 60_000).toISOString();
    const put = (id: string, patientId: string, startsAt: string, status = 'booked') =>
      c.his.put(`/his/v1/appointments/${id}`, {
        patientId,
        doctorId: 'D1',
        startsAt,
        status,
        version: 1,
        visitType: '洗牙',
      });
    await put('F1', 'M', at(3 * day));
    await put('F2', 'K', at(5 * day));
    await put('F3', 'K', at(6 * day), 'cancelled');
    await put('R1', 'M', at(-10 * day), 'completed');
    await put('OLD', 'M', at(-120 * day), 'completed');
    await put('SOON', 'M', at(60_000));
    const u = await s.user('媽媽');
    await b.emu_('POST', `/_emulator/users/${u}/follow`, { channelId: c.channelId });
    const api = s.liff(b.t, c.channelId, await s.idToken(c.channelId, u));
    expect((await api.get('/appointments')).json()).toEqual({ members: [] });
    await api.post('/otp', { phone: p, consent: true });
    await api.post('/otp/verify', { phone: p, code: await s.lastCode(p) });
    const list = (await api.get('/appointments')).json();
    expect(list.members.map((m: { patient: { name: string } }) => m.patient.name)).toEqual(['媽媽', '小孩']);
    const mom = list.members[0];
    expect(mom.upcoming).toHaveLength(2);
    expect(mom.recent).toHaveLength(1); // the 120-day-old visit is not shown
    const f1 = mom.upcoming.find((x: { startsAt: string }) => x.startsAt === at(3 * day));
    expect(f1).toMatchObject({
      doctorName: '林醫師',
      visitType: '洗牙',
      status: 'booked',
      statusLabel: '已預約',
      reply: 'not_sent',
      canConfirm: true,
      canCancel: true,
      canReschedule: true,
    });
    expect(f1.dateLabel).toMatch(/^(\d{4}年)?\d{1,2}月\d{1,2}日（[日一二三四五六]）\d{2}:\d{2}$/);
    const tw = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Taipei',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(f1.startsAt));
    expect(f1.dateLabel.endsWith(tw)).toBe(true);

    const conf = await api.post(`/appointments/${f1.id}/confirm`);
    expect(conf.statusCode).toBe(200);
    expect(conf.json()).toMatchObject({
      reply: 'confirmed',
      replyLabel: '確認赴約',
      canConfirm: false,
      canCancel: true,
    });
    const again = await api.post(`/appointments/${f1.id}/confirm`);
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'ALREADY_ANSWERED']);
    expect((await c.his.get('/his/v1/appointments/F1')).json().lights.reply.code).toBe('confirmed');
    const resch = await api.post(`/appointments/${f1.id}/reschedule-request`, {
      preferredTimes: [at(7 * day)],
      note: '下午比較方便',
    });
    expect(resch.json().reply).toBe('reschedule_requested');
    const kid = list.members[1].upcoming;
    const f2 = kid.find((x: { status: string }) => x.status === 'booked');
    const f3 = kid.find((x: { status: string }) => x.status === 'cancelled');
    expect(f3).toMatchObject({ canConfirm: false, canCancel: false });
    expect((await api.post(`/appointments/${f2.id}/cancel-request`, { reason: '孩子發燒' })).json().reply).toBe(
      'cancel_requested',
    );
    const canc = await api.post(`/appointments/${f3.id}/confirm`);
    expect([canc.statusCode, canc.json().error.code]).toEqual([409, 'APPOINTMENT_CANCELLED']);
    const r1 = mom.recent[0];
    expect((await api.post(`/appointments/${r1.id}/cancel-request`, {})).json().error.code).toBe('APPOINTMENT_PAST');
    const soon = mom.upcoming.find((x: { startsAt: string }) => x.startsAt === at(60_000));
    b.t.clock.advance(120_000);
    const late = await api.post(`/appointments/${soon.id}/confirm`);
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'APPOINTMENT_PAST']);
    expect(late.json().error.message).toContain('02-2700-1234');

    const tasks = await b.t.deps.db
      .selectFrom('front_desk_tasks')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .orderBy('created_at')
      .execute();
    expect(tasks.map((x) => x.kind).sort()).toEqual(['cancel_request', 'reschedule_request']);
    expect(JSON.parse(tasks.find((x) => x.kind === 'cancel_request')!.payload).reason).toBe('孩子發燒');
    const hist = await b.t.deps.db
      .selectFrom('appointment_history')
      .selectAll()
      .where('appointment_id', '=', f1.id)
      .where('source', '=', 'patient')
      .execute();
    expect(hist).toHaveLength(2);
    await b.drain();
    const acks = (await s.sent(c.channelId, u)).filter((m) => m.via === 'push').map((m) => m.message.text ?? '');
    expect(acks.some((t) => t.startsWith('已收到您的確認'))).toBe(true);
    expect(acks.some((t) => t.startsWith('已收到您的取消請求'))).toBe(true);

    // staff unbind: front desk may, a viewer may not
    const mom0 = await b.t.deps.db
      .selectFrom('patients')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', 'M')
      .executeTakeFirstOrThrow();
    const viewer = await c.staff('viewer');
    expect((await as(b.t.app, viewer).post(`/api/patients/${mom0.id}/unbind-line`)).statusCode).toBe(403);
    const desk = await c.staff('front_desk');
    expect((await as(b.t.app, desk).post(`/api/patients/${mom0.id}/unbind-line`)).json()).toEqual({
      patientId: mom0.id,
      unboundLineUsers: 1,
    });
    expect(await lineOf(b.t, c.clinicId, 'M')).toBe('unbound');
    expect(await lineOf(b.t, c.clinicId, 'K')).toBe('bound');
    expect(
      (await api.get('/appointments')).json().members.map((m: { patient: { name: string } }) => m.patient.name),
    ).toEqual(['小孩']);
  });
});

describe('rich menus and SMS settings', () => {
  it('validates menus and images, publishes through LINE, reports LINE errors in zh-TW', async () => {
    const c = await s.clinic();
    const admin = as(b.t.app, c.admin);
    const list = (await admin.get('/api/rich-menus')).json();
    expect(list.items.map((i: { kind: string }) => i.kind)).toEqual(['unbound', 'bound']);
    expect(list.templates.length).toBeGreaterThanOrEqual(3);
    const small = list.templates.find((t: { size: { height: number } }) => t.size.height === 843);
    const body = { name: '小選單', chatBarText: '選單', size: small.size, areas: small.areas };
    expect(
      (await admin.put('/api/rich-menus/bound', { ...body, chatBarText: '一二三四五六七八九十一二三四五' })).statusCode,
    ).toBe(422);
    const out = await admin.put('/api/rich-menus/bound', {
      ...body,
      areas: [
        { bounds: { x: 2000, y: 0, width: 600, height: 843 }, action: { type: 'message', text: 'hi', label: 'hi' } },
      ],
    });
    expect(out.statusCode).toBe(422);
    expect(out.json().error.details[0].field).toBe('areas.0.bounds');
    expect((await admin.put('/api/rich-menus/bound', body)).statusCode).toBe(200);
    const { defaultMenuImage } = await import('../rich-menus/image.ts');
    const wrong = defaultMenuImage(2500, 1686, [{ x: 0, y: 0, width: 2500, height: 1686 }]);
    const up = (buf: Buffer, type = 'image/png') =>
      b.t.app.inject({
        method: 'PUT',
        url: '/api/rich-menus/bound/image',
        payload: buf,
        headers: { cookie: c.admin.cookie, 'x-csrf-token': c.admin.csrf, 'content-type': type },
      });
    const bad = await up(wrong);
    expect([bad.statusCode, bad.json().error.code]).toEqual([422, 'IMAGE_SIZE']);
    expect(bad.json().error.message).toContain('2500×843');
    expect((await up(Buffer.from('not an image'))).json().error.code).toBe('IMAGE_FORMAT');
    const good = await up(
      defaultMenuImage(
        2500,
        843,
        small.areas.map((a: { bounds: unknown }) => a.bounds),
      ),
    );
    expect(good.json()).toMatchObject({ hasImage: true });
    const img = await b.t.app.inject({
      method: 'GET',
      url: '/api/rich-menus/bound/image',
      headers: { cookie: c.admin.cookie },
    });
    expect(img.headers['content-type']).toBe('image/png');
    const pub = await admin.post('/api/rich-menus/bound/publish');
    expect(pub.statusCode).toBe(200);
    const first = pub.json().lineRichMenuId;
    const menu = b.emu.store.channels.get(c.channelId)!.richMenus.get(first)!;
    expect(menu.chatBarText).toBe('選單');
    expect(JSON.stringify(menu.areas)).toContain(`https://liff.line.me/${c.channelId}-test/appointments`);
    const again = (await admin.post('/api/rich-menus/bound/publish')).json().lineRichMenuId;
    await b.drain();
    expect(b.emu.store.channels.get(c.channelId)!.richMenus.has(first)).toBe(false); // the previous one is deleted
    expect(again).not.toBe(first);
    // LINE refuses (bad token) → 502 with a zh-TW explanation and lastError kept
    await lineService(b.t.deps).saveChannel(
      c.clinicId,
      { channelId: c.channelId, accessToken: 'invalid-token-xxxxxxxx' },
      systemActor,
      '',
    );
    const err = await admin.post('/api/rich-menus/unbound/publish');
    expect(err.statusCode).toBe(502);
    expect(err.json().error.message).toContain('Channel access token');
    expect((await admin.get('/api/rich-menus')).json().items[0].lastError).toContain('Channel access token');
    const desk = await c.staff('front_desk');
    expect((await as(b.t.app, desk).get('/api/rich-menus')).statusCode).toBe(403);
  });

  it('SMS settings: encrypted password, validation, provider none refuses OTP with 503', async () => {
    const c = await s.clinic();
    const admin = as(b.t.app, c.admin);
    expect((await admin.get('/api/sms/settings')).json()).toMatchObject({
      provider: 'default',
      effectiveProvider: 'emulator',
      passwordSet: false,
      reminderFallback: false,
    });
    expect(
      (await admin.put('/api/sms/settings', { provider: 'mitake', username: 'acct', reminderFallback: true }))
        .statusCode,
    ).toBe(422);
    const saved = await admin.put('/api/sms/settings', {
      provider: 'mitake',
      username: 'acct',
      password: 's3cret-pass',
      reminderFallback: true,
    });
    expect(saved.json()).toMatchObject({
      provider: 'mitake',
      effectiveProvider: 'mitake',
      passwordSet: true,
      reminderFallback: true,
    });
    expect(saved.body).not.toContain('s3cret-pass');
    const row = await b.t.deps.db
      .selectFrom('sms_settings')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .executeTakeFirstOrThrow();
    expect(row.password_enc).not.toContain('s3cret');
    await admin.put('/api/sms/settings', { provider: 'none', reminderFallback: false });
    const p = phone();
    await c.his.put('/his/v1/patients/S', { name: '簡訊', phone: p });
    const r = await s.liff(b.t, c.channelId, await s.idToken(c.channelId, await s.user())).post('/otp', {
      phone: p,
      consent: true,
    });
    expect([r.statusCode, r.json().error.code]).toEqual([503, 'SMS_NOT_CONFIGURED']);
    expect((await as(b.t.app, await c.staff('front_desk')).get('/api/sms/settings')).statusCode).toBe(403);
  });
});

describe('LIFF pages', () => {
  it('serves a zh-TW page for a known channel (fallback when not built) and 404 for an unknown one', async () => {
    const c = await s.clinic();
    const r = await b.t.app.inject({ method: 'GET', url: `/liff/${c.channelId}/bind` });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body).toContain('病患頁面尚未建置');
    expect((await b.t.app.inject({ method: 'GET', url: '/liff/123456789/' })).statusCode).toBe(404);
  });
});
