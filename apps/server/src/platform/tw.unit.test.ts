import { describe, expect, it } from 'vitest';
import { checkBirthDate, checkNationalId, checkPersonName, maskNationalId, normalizeTwPhone } from './tw.ts';

describe('checkNationalId (docs/taiwan.md examples)', () => {
  it.each([
    'A123456789',
    'F131104093',
    'O158238845',
    'Y123456788',
    'A800000014',
    'A900207177',
    'AA00000009',
    'AB00207171',
  ])('accepts %s', (id) => {
    expect(checkNationalId(id).ok).toBe(true);
  });
  it.each([
    'A123456788',
    'A800000000',
    'AA00000000',
    'D123456789',
    'Z596839485',
    'A323456789',
    '123456789',
    'A12345678',
    '',
  ])('rejects %s', (id) => {
    const r = checkNationalId(id);
    expect(r.ok).toBe(false);
  });
  it('normalises case and whitespace and tells the kind', () => {
    expect(checkNationalId(' a123456789 ')).toEqual({ ok: true, value: { id: 'A123456789', kind: 'citizen' } });
    expect(checkNationalId('A800000014')).toMatchObject({ value: { kind: 'resident_new' } });
    expect(checkNationalId('AB00207171')).toMatchObject({ value: { kind: 'resident_old' } });
  });
  it('masks', () => expect(maskNationalId('A123456789')).toBe('A12****789'));
});

describe('normalizeTwPhone', () => {
  it.each([
    '0912-345-678',
    '0912 345 678',
    '+886 912 345 678',
    '886912345678',
    '+886912345678',
    '+886-0912-345-678',
    '(0912)345678',
    '00886912345678',
  ])('mobile %s', (p) => {
    expect(normalizeTwPhone(p)).toEqual({ ok: true, value: { e164: '+886912345678', kind: 'mobile' } });
  });
  it('accepts landlines flagged as not mobile', () => {
    expect(normalizeTwPhone('02-2345-6789')).toEqual({ ok: true, value: { e164: '+886223456789', kind: 'landline' } });
    expect(normalizeTwPhone('(04)2234-5678')).toEqual({ ok: true, value: { e164: '+886422345678', kind: 'landline' } });
  });
  it.each(['0912-345-67', '091234567890', '+1 415 555 0100', 'abc', '12', '0112345678'])('rejects %s', (p) => {
    expect(normalizeTwPhone(p).ok).toBe(false);
  });
});

describe('checkBirthDate', () => {
  it('accepts real past dates', () =>
    expect(checkBirthDate('1980-02-29', '2026-05-01')).toEqual({ ok: true, value: '1980-02-29' }));
  it.each(['1981-02-29', '2026-05-02', '80-01-01', '1899-12-31', '2026/01/01'])('rejects %s', (d) =>
    expect(checkBirthDate(d, '2026-05-01').ok).toBe(false),
  );
});

describe('checkPersonName', () => {
  it('NFC, trims and collapses spaces', () => {
    expect(checkPersonName('  王  小明 ')).toEqual({ ok: true, value: '王 小明' });
    expect(checkPersonName('陳大文').ok).toBe(true);
  });
  it('rejects empty, too long and control characters', () => {
    expect(checkPersonName('   ').ok).toBe(false);
    expect(checkPersonName('林'.repeat(51)).ok).toBe(false);
    expect(checkPersonName('王\u0007明').ok).toBe(false);
  });
});
