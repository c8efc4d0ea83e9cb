// Pure helpers of the search index: name bigrams (Chinese partial-name search that stays
// index-backed for 2-character queries), reversed phone digits (last-digits search as a
// prefix range), string range bounds; and the masked phone shown in lists. No database here.

/** Lower-cased name without spaces (what the grams and the 1-char prefix gram are built from). */
export const nameKey = (name: string): string =>
  name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s·・.]/gu, '');

/** '^' + first character, then every overlapping 2-character piece (distinct). */
export function nameGrams(name: string): string[] {
  const chars = [...nameKey(name)];
  if (!chars.length) return [];
  const out = new Set<string>([`^${chars[0]}`]);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return [...out];
}

/** Grams to look up for a query: '^x' for one character, else its bigrams. */
export function queryGrams(q: string): string[] {
  const chars = [...nameKey(q)];
  if (chars.length === 0) return [];
  if (chars.length === 1) return [`^${chars[0]}`];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  // The given-name end is rarer than the surname start: put it first to drive the join.
  return [...out].reverse();
}

/** Digits of a phone in national format (+886912345678 → 0912345678). */
export function nationalDigits(phone: string): string {
  let d = phone.replace(/\D/g, '');
  if (phone.trim().startsWith('+886') || (d.startsWith('886') && d.length >= 11)) d = `0${d.slice(3)}`;
  return d;
}

export const reverse = (s: string): string => [...s].reverse().join('');

/** Stored value: the national-format digits reversed. */
export const phoneRev = (e164: string | null): string | null => (e164 ? reverse(nationalDigits(e164)) : null);

/** Smallest string greater than every string starting with `prefix` (byte/code-point order); null if none. */
export function prefixEnd(prefix: string): string | null {
  const cps = [...prefix].map((c) => c.codePointAt(0)!);
  while (cps.length) {
    const last = cps.pop()!;
    if (last < 0x10ffff && !(last >= 0xd7ff && last < 0xe000)) return String.fromCodePoint(...cps, last + 1);
  }
  return null;
}

/** 0912-***-678 for mobiles, 02-****-5678 style for others. */
export function maskPhone(e164: string | null): string | null {
  if (!e164) return null;
  const d = nationalDigits(e164);
  if (d.length === 10 && d.startsWith('09')) return `${d.slice(0, 4)}-***-${d.slice(7)}`;
  return `${d.slice(0, Math.max(2, d.length - 7))}-****-${d.slice(-3)}`;
}

/**
 * Taiwan's landline area codes longer than two digits (Miaoli 037, Nantou 049, Taitung 089,
 * Kinmen 082, Wuqiu 0826, Matsu 0836); every other area code is two digits (02 … 08).
 */
const LONG_AREA_CODES = ['0826', '0836', '037', '049', '082', '089'];

/** The number as written in Taiwan: 0912-345-678 for mobiles, 02-2700-1234 or 037-123456 for landlines. */
export function displayPhone(e164: string): string {
  const d = nationalDigits(e164);
  if (d.length === 10 && d.startsWith('09')) return `${d.slice(0, 4)}-${d.slice(4, 7)}-${d.slice(7)}`;
  const area = LONG_AREA_CODES.find((a) => d.startsWith(a)) ?? d.slice(0, 2);
  const rest = d.slice(area.length);
  return rest.length >= 7 ? `${area}-${rest.slice(0, -4)}-${rest.slice(-4)}` : `${area}-${rest}`;
}
