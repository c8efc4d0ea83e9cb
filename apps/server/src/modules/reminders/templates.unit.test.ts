import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCrypto } from '../../platform/crypto.ts';
import {
  BUILT_IN_TEMPLATES,
  SAMPLE_VARS,
  checkTemplate,
  fill,
  renderReminder,
  signToken,
  signTokens,
  verifyToken,
} from './templates.ts';

const crypto = createCrypto(randomBytes(32));
const other = createCrypto(randomBytes(32));
const appt = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const now = new Date('2026-03-09T01:00:00Z');

describe('postback tokens', () => {
  it('round-trip, short enough for LINE, bound to the key, the appointment and the expiry', () => {
    const exp = new Date('2026-03-17T02:00:00Z');
    const t = signTokens(crypto, appt, exp, ['c', 'x', 'r']);
    expect(t.c.length).toBeLessThanOrEqual(300);
    expect(t.c).not.toContain('patient');
    expect(verifyToken(crypto, t.x, now)).toEqual({
      ok: true,
      payload: { appointmentId: appt, action: 'x', expiresAt: exp },
    });
    expect(verifyToken(other, t.c, now)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyToken(crypto, t.c.replace(appt, appt.replace('7e5f', '7e5e')), now)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(
      verifyToken(
        crypto,
        t.c.replace(
          /\.([0-9a-z]+)\.([^.]+)$/,
          (_m, e: string, s: string) => `.${(parseInt(e, 36) + 86400).toString(36)}.${s}`,
        ),
        now,
      ),
    ).toEqual({ ok: false, reason: 'forged' });
    expect(verifyToken(crypto, t.c, new Date('2026-03-18T00:00:00Z'))).toEqual({ ok: false, reason: 'expired' });
    expect(verifyToken(crypto, 'action=menu', now)).toEqual({ ok: false, reason: 'not_ours' });
    expect(verifyToken(crypto, signToken(crypto, { appointmentId: appt, action: 'x2', expiresAt: exp }), now).ok).toBe(
      true,
    );
  });
});

describe('templates', () => {
  it('render a Flex bubble with the three buttons, map link and clinic details', () => {
    const t = signTokens(crypto, appt, new Date('2026-03-17T02:00:00Z'), ['c', 'x', 'r']);
    const m = renderReminder(BUILT_IN_TEMPLATES[0].body, SAMPLE_VARS, { confirm: t.c, cancel: t.x, reschedule: t.r });
    const s = JSON.stringify(m);
    expect(m.altText).toBe('【康寧牙醫診所】看診提醒：2026年3月16日（星期一） 10:00 陳大文');
    for (const label of [
      '確認赴約',
      '取消',
      '改期',
      '地圖',
      '王小明 您好',
      '地址：臺北市中正區',
      '電話：02-2311-3731',
      'google.com/maps',
    ])
      expect(s).toContain(label);
  });

  it('check LINE limits before saving', () => {
    const ok = BUILT_IN_TEMPLATES[0].body;
    expect(checkTemplate(ok, crypto)).toEqual([]);
    const codes = (b: typeof ok) => checkTemplate(b, crypto).map((e) => `${e.field}:${e.code}`);
    expect(codes({ ...ok, labels: { ...ok.labels, cancel: '我'.repeat(21) } })).toEqual(['labels.cancel:max_length']);
    expect(codes({ ...ok, altText: '{patientName}'.repeat(80) })).toEqual(['altText:max_length']);
    expect(codes({ ...ok, body: '{nope} {preparation}'.repeat(60) })).toContain('body:unknown_variable');
    expect(codes({ ...ok, body: '{preparation}'.repeat(60) })).toEqual(['body:bubble_size']);
    expect(codes({ ...ok, brandColor: 'green', logoUrl: 'http://x.test/logo.png' })).toEqual([
      'brandColor:color',
      'logoUrl:https',
    ]);
  });
});

describe('fill', () => {
  it('does what the one-line regular expression did, for any text', () => {
    const byRegex = (text: string, vars: Record<string, string | undefined>) =>
      text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k] ?? '') : m));
    const vars = { ...SAMPLE_VARS, patientName: '王$&小明{date}', preparation: '' } as Record<
      string,
      string | undefined
    >;
    vars.time = undefined;
    const pieces = [
      '{patientName}',
      '{date}',
      '{time}',
      '{preparation}',
      '{unknown}',
      '{',
      '}',
      '{}',
      '{{date}}',
      '{ date }',
      '{date',
      'date}',
      '文字',
      ' ',
      '\n',
      '$1',
      '{__proto__}',
      '{constructor}',
      '{toString}',
    ];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: Math.floor(rnd() * 8) }, () => pieces[Math.floor(rnd() * pieces.length)]).join(
        '',
      );
      expect(fill(text, vars as never)).toBe(byRegex(text, vars));
      expect(fill(text, {})).toBe(byRegex(text, {}));
    }
  });
});
