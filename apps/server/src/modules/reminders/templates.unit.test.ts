import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCrypto } from '../../platform/crypto.ts';
import {
  BUILT_IN_TEMPLATES,
  SAMPLE_VARS,
  checkTemplate,
  dateVars,
  fill,
  normalizeBody,
  templateProblemsError,
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
    expect(m.altText).toBe('【康寧牙醫診所】看診提醒：2026年3月16日（週一） 10:00 陳大文');
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

describe('variables and date styles', () => {
  it('write the visit date as 民國, 西元 or numbers, with the weekday apart', () => {
    expect(dateVars('2026-12-07', 'roc')).toEqual({ date: '民國115年12月7日', weekday: '週一' });
    expect(dateVars('2026-12-07', 'western')).toEqual({ date: '2026年12月7日', weekday: '週一' });
    expect(dateVars('2026-12-07', 'numeric')).toEqual({ date: '2026/12/07', weekday: '週一' });
    expect(dateVars('2027-01-03', 'roc')).toEqual({ date: '民國116年1月3日', weekday: '週日' });
    expect(dateVars('2024-02-29', 'western').weekday).toBe('週四');
  });

  it('a template saved before date styles keeps saying the weekday after {date}', () => {
    const { dateStyle: _, ...old } = BUILT_IN_TEMPLATES[0].body;
    const legacy = {
      ...old,
      altText: '【{clinicName}】{date} {time}',
      body: '{patientName}：{date} {time}',
      title: '提醒',
    };
    const b = normalizeBody(legacy);
    expect(b.dateStyle).toBe('western');
    expect(b.altText).toBe('【{clinicName}】{date}（{weekday}） {time}');
    expect(fill(b.body, { ...SAMPLE_VARS, ...dateVars('2026-03-16', b.dateStyle) })).toBe(
      '王小明：2026年3月16日（週一） 10:00',
    );
    // A body that already names {weekday} or has a style is read as it is.
    expect(normalizeBody({ ...legacy, body: '{date}{weekday}' }).body).toBe('{date}{weekday}');
    expect(normalizeBody({ ...legacy, dateStyle: 'roc' }).altText).toBe(legacy.altText);
  });

  it('refuses an unknown variable in any text, naming it and listing the allowed ones', () => {
    const ok = BUILT_IN_TEMPLATES[0].body;
    const p = checkTemplate(
      { ...ok, title: '{foo}', labels: { ...ok.labels, map: '{bar} 地圖' }, altText: '{foo}{clinicName}' },
      crypto,
    );
    expect(p.map((x) => `${x.field}:${x.code}`)).toEqual([
      'altText:unknown_variable',
      'title:unknown_variable',
      'labels.map:unknown_variable',
    ]);
    expect(p[0].message).toContain('{foo}');
    expect(p[0].message).toContain('{weekday}');
    const e = templateProblemsError(p);
    expect(e.code).toBe('TEMPLATE_UNKNOWN_VARIABLE');
    expect(e.message).toContain('{foo}、{bar}');
    expect(e.message).toContain('可用的變數：{patientName}、{doctorName}、{date}、{weekday}');
    expect(templateProblemsError(checkTemplate({ ...ok, brandColor: 'x' }, crypto)).code).toBe('VALIDATION_FAILED');
  });

  it('counts the notification text and button labels with long values in place of the variables', () => {
    const ok = BUILT_IN_TEMPLATES[0].body;
    const codes = (b: typeof ok) => checkTemplate(b, crypto).map((e) => `${e.field}:${e.code}`);
    expect(codes({ ...ok, altText: '{patientName}'.repeat(20) })).toEqual([]); // 20 × 20 = 400
    expect(codes({ ...ok, altText: '{patientName}'.repeat(20) + '。' })).toEqual(['altText:max_length']);
    expect(codes({ ...ok, altText: '我'.repeat(401) })).toEqual(['altText:max_length']);
    expect(codes({ ...ok, labels: { ...ok.labels, confirm: '我'.repeat(20) } })).toEqual([]);
    expect(codes({ ...ok, labels: { ...ok.labels, confirm: '確認 {patientName}' } })).toEqual([
      'labels.confirm:max_length',
    ]);
    // The 民國 date is the longest: still within the limits of the shipped templates.
    expect(codes({ ...ok, dateStyle: 'roc' })).toEqual([]);
  });

  it('fills the labels and cuts the notification text at 400 characters', () => {
    const ok = BUILT_IN_TEMPLATES[0].body;
    const t = signTokens(crypto, appt, new Date('2026-03-17T02:00:00Z'), ['c', 'x', 'r']);
    const m = renderReminder(
      { ...ok, altText: '我'.repeat(450), labels: { ...ok.labels, confirm: '{time} 會到' } },
      SAMPLE_VARS,
      { confirm: t.c, cancel: t.x, reschedule: t.r },
    );
    expect([...m.altText]).toHaveLength(400);
    expect(JSON.stringify(m.contents)).toContain('"label":"10:00 會到"');
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
