// Pure validators and normalisers for Taiwanese personal data (docs/taiwan.md):
// national ID / resident certificate checksum, phone numbers → E.164, birth dates, names.
// Each returns either the normalised value or a zh-TW message for the person who typed it.

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const LETTER_VALUES: Record<string, number> = {
  A: 10,
  B: 11,
  C: 12,
  D: 13,
  E: 14,
  F: 15,
  G: 16,
  H: 17,
  I: 34,
  J: 18,
  K: 19,
  L: 20,
  M: 21,
  N: 22,
  O: 35,
  P: 23,
  Q: 24,
  R: 25,
  S: 26,
  T: 27,
  U: 28,
  V: 29,
  W: 32,
  X: 30,
  Y: 31,
  Z: 33,
};
const WEIGHTS = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1];

export type NationalIdKind = 'citizen' | 'resident_new' | 'resident_old';

/**
 * 身分證字號 (A123456789), new-style resident certificate (A800000014, second digit 8/9) and
 * old-style resident number (AA00000009, second character A–D counts as its value's last
 * digit). Upper-cases and trims; checks the checksum.
 */
export function checkNationalId(input: string): Checked<{ id: string; kind: NationalIdKind }> {
  const id = input.trim().toUpperCase();
  const m = /^([A-Z])([0-9A-D])([0-9]{8})$/.exec(id);
  if (!m) return { ok: false, message: '身分證字號或居留證號格式不正確（1 個英文字母加 9 碼，例如 A123456789）' };
  const [, first, second, rest] = m;
  let kind: NationalIdKind;
  let secondDigit: number;
  if (/[A-D]/.test(second)) {
    kind = 'resident_old';
    secondDigit = LETTER_VALUES[second] % 10;
  } else {
    secondDigit = Number(second);
    if (secondDigit === 1 || secondDigit === 2) kind = 'citizen';
    else if (secondDigit === 8 || secondDigit === 9) kind = 'resident_new';
    else return { ok: false, message: '身分證字號第 2 碼應為 1、2（本國人）或 8、9（居留證）' };
  }
  const lv = LETTER_VALUES[first];
  const digits = [Math.floor(lv / 10), lv % 10, secondDigit, ...rest.split('').map(Number)];
  const sum = digits.reduce((s, d, i) => s + d * WEIGHTS[i], 0);
  if (sum % 10 !== 0) return { ok: false, message: '身分證字號或居留證號檢查碼錯誤，請確認是否打錯' };
  return { ok: true, value: { id, kind } };
}

/** A12****789: first 3 and last 3 characters. */
export const maskNationalId = (id: string): string =>
  id.length >= 7 ? `${id.slice(0, 3)}${'*'.repeat(id.length - 6)}${id.slice(-3)}` : '*'.repeat(id.length);

export type PhoneKind = 'mobile' | 'landline';

/**
 * Taiwanese phone numbers in any common form → E.164. Mobiles: 09 + 8 digits
 * (0912-345-678, 0912 345 678, +886 912 345 678, 886912345678, +886-0912…). Landlines
 * (02-2345-6789, (04)2234-5678) are accepted as contact numbers and flagged `landline`:
 * they cannot receive SMS and must never be used for LINE binding.
 */
export function normalizeTwPhone(input: string): Checked<{ e164: string; kind: PhoneKind }> {
  const raw = input.trim();
  if (!/^[+0-9\s\-().]+$/.test(raw)) return { ok: false, message: '電話號碼只能包含數字、空白、「-」、「+」與括號' };
  let d = raw.replace(/[\s\-().]/g, '');
  if (d.startsWith('+886')) d = d.slice(4);
  else if (d.startsWith('00886')) d = d.slice(5);
  else if (d.startsWith('886') && d.length >= 11) d = d.slice(3);
  else if (d.startsWith('+')) return { ok: false, message: '只接受台灣電話號碼（+886 或 0 開頭）' };
  if (!d.startsWith('0')) d = `0${d}`;
  if (/^09[0-9]{8}$/.test(d)) return { ok: true, value: { e164: `+886${d.slice(1)}`, kind: 'mobile' } };
  // Area codes 02–08 (and 037, 049, 082, 0836, 089 …): 9 or 10 digits including the 0.
  if (/^0[2-8][0-9]{7,8}$/.test(d)) return { ok: true, value: { e164: `+886${d.slice(1)}`, kind: 'landline' } };
  if (d.startsWith('09')) return { ok: false, message: '手機號碼應為 09 開頭共 10 碼，例如 0912-345-678' };
  return {
    ok: false,
    message: '電話號碼格式不正確，手機請填 09 開頭 10 碼（例如 0912-345-678），市話請含區碼（例如 02-2345-6789）',
  };
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function localDate(now: Date, timeZone = 'Asia/Taipei'): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** YYYY-MM-DD, a real calendar date, not in the future (clinic time), not before 1900. */
export function checkBirthDate(input: string, today: string): Checked<string> {
  const s = input.trim();
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s);
  if (!m) return { ok: false, message: '出生日期格式應為西元 YYYY-MM-DD，例如 1980-05-17' };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d)
    return { ok: false, message: '出生日期不是有效的日期' };
  if (y < 1900) return { ok: false, message: '出生日期不可早於 1900 年（民國年請換算為西元年）' };
  if (s > today) return { ok: false, message: '出生日期不可晚於今天' };
  return { ok: true, value: s };
}

/** A person's name: NFC, trimmed, inner whitespace collapsed, 1–50 characters, no control characters. */
export function checkPersonName(input: string, max = 50): Checked<string> {
  const s = input.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (s.length === 0) return { ok: false, message: '姓名不可空白' };
  // oxlint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) return { ok: false, message: '姓名含有不允許的控制字元' };
  if ([...s].length > max) return { ok: false, message: `姓名最多 ${max} 個字` };
  return { ok: true, value: s };
}
