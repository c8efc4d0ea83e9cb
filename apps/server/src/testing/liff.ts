// Patient-side steps shared by the LINE tests: a clinic with a LIFF app and a doctor, virtual
// LINE users, LIFF ID tokens from the emulator, the LIFF API, the SMS code, and binding.
import { randomInt } from 'node:crypto';
import { systemActor } from '../platform/audit.ts';
import { lineService } from '../modules/line/service.ts';
import type { LineTestbed } from './line.ts';
import type { TestApp } from './helpers.ts';

export const phone = () => `09${String(randomInt(10_000_000, 99_999_999))}`;

export function liffSteps(b: LineTestbed) {
  async function clinic(t: TestApp = b.t) {
    const c = await b.clinicWithChannel();
    await lineService(t.deps).saveChannel(
      c.clinicId,
      { channelId: c.channelId, liffId: `${c.channelId}-test` },
      systemActor,
      '127.0.0.1',
    );
    await t.deps.db.updateTable('clinics').set({ phone: '02-2700-1234' }).where('id', '=', c.clinicId).execute();
    const his = c.his(await c.apiKey());
    await his.put('/his/v1/doctors/D1', { name: '林醫師' });
    return { ...c, his };
  }

  async function user(name = '王小明') {
    const u = (await b.emu_('POST', '/_emulator/users', { displayName: name })).userId as string;
    return u;
  }

  async function idToken(channelId: string, userId: string): Promise<string> {
    const r = await fetch(
      `${b.emu.url}/_emulator/liff-login?liffId=${channelId}-test` +
        `&redirect=${encodeURIComponent('http://app.test/liff/')}&userId=${userId}`,
      { redirect: 'manual' },
    );
    const loc = r.headers.get('location')!;
    return new URLSearchParams(new URL(loc).hash.slice(1)).get('liff_emulator_id_token')!;
  }

  /** The LIFF page API of a channel as one LINE user (a `null` token sends no authorization). */
  function liff(
    t: TestApp,
    channelId: string,
    token: string | null,
    ip = `10.2.${randomInt(0, 250)}.${randomInt(1, 250)}`,
  ) {
    const call = (method: 'GET' | 'POST', path: string, payload?: unknown) =>
      t.app.inject({
        method,
        url: `/liff/api/${channelId}${path}`,
        remoteAddress: ip,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(payload === undefined ? {} : { payload: payload as never }),
      });
    return { get: (p: string) => call('GET', p), post: (p: string, body: unknown = {}) => call('POST', p, body) };
  }

  async function lastCode(p: string): Promise<string> {
    await b.drain();
    const sms = (await b.emu_('GET', `/_emulator/sms?to=${p}`)).messages;
    const m = /驗證碼為 (\d{6})/.exec(sms.at(-1)?.body ?? '');
    if (!m) throw new Error(`no SMS to ${p}`);
    return m[1];
  }

  /** A new LINE user follows the clinic and binds with `p`; returns the user and their LIFF API. */
  async function bindUser(c: { channelId: string }, p: string, name = '王小明') {
    const u = await user(name);
    await b.emu_('POST', `/_emulator/users/${u}/follow`, { channelId: c.channelId });
    const api = liff(b.t, c.channelId, await idToken(c.channelId, u));
    await api.post('/otp', { phone: p, consent: true });
    const r = await api.post('/otp/verify', { phone: p, code: await lastCode(p) });
    if (r.statusCode !== 200) throw new Error(`bind failed: ${r.body}`);
    await b.drain();
    return { u, api };
  }

  /** What the channel sent to a user (pushes and replies), oldest first. */
  const sent = async (channelId: string, userId: string) =>
    (await b.emu_('GET', `/_emulator/channels/${channelId}/messages?to=${userId}`)).messages as {
      via: string;
      retryKey?: string | null;
      message: {
        type: string;
        text?: string;
        altText?: string;
        template?: { text?: string; actions: { type: string; label: string; data?: string }[] };
      };
    }[];

  return { clinic, user, idToken, liff, lastCode, bindUser, sent };
}
