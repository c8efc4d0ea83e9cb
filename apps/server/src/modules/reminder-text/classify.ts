// What a patient means by a free-text answer to a reminder (「好」「要取消」「可以改下午嗎？」
// 「我會晚 10 分鐘」): confirm / cancel / reschedule / running_late / question / other, with a
// confidence between 0 and 1. Pure and rule based (a handful of zh-TW phrasings, negation aware),
// so it runs without a database and every rule has a unit test. Only a confident confirm, cancel
// or reschedule is acted on — and even then the patient confirms with one tap first.
export type Intent = 'confirm' | 'cancel' | 'reschedule' | 'running_late' | 'question' | 'other';

export type Classification = {
  intent: Intent;
  confidence: number;
  /** running_late: how many minutes late the patient said (「晚 10 分鐘」「晚半小時」), if said. */
  minutes?: number;
};

/** At or above this a confirm / cancel / reschedule is proposed to the patient; below it a person looks. */
export const CONFIDENT = 0.75;

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  兩: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 「10」「十」「十五」「二十」「三十五」 → a number (small Chinese numerals only). */
function numberOf(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (s === '半') return 30;
  const m = /^([一二兩三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (m) return (m[1] ? CN_DIGITS[m[1]] : 1) * 10 + (m[2] ? CN_DIGITS[m[2]] : 0);
  if (s.length === 1 && s in CN_DIGITS) return CN_DIGITS[s];
  return undefined;
}

/** Full-width forms folded (NFKC), lower case, skin tones and variation selectors dropped, spaces squeezed. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u{1F3FB}-\u{1F3FF}]/gu, '')
    .replace(/\uFE0E|\uFE0F|\u200D/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const alternatives = (before: string, after: string, words: string[]) =>
  new RegExp(`${before}${words.join('|')}${after}`, 'u');

// Whole short messages that mean "yes, I'll be there" (after trailing punctuation is dropped).
const CONFIRM_WHOLE = alternatives('^(', ')+$', [
  '好',
  '好的',
  '好喔',
  '好哦',
  '好唷',
  '好啊',
  '好呀',
  '好滴',
  '好ㄉ',
  '好~',
  'ok',
  'okay',
  'okok',
  'k',
  'oK',
  '沒問題',
  '收到',
  '了解',
  '瞭解',
  '知道了',
  '知道',
  '謝謝',
  '感謝',
  '確認',
  '確定',
  '是',
  '是的',
  '對',
  '嗯',
  '嗯嗯',
  '恩',
  '恩恩',
  '可以',
  '行',
  '會',
  '會的',
  '會到',
  '會去',
  '會來',
  '準時到',
  'yes',
  'y',
  '👍',
  '👌',
  '🆗',
  '⭕',
  '🙆',
  '🙆‍♀️',
  '🙆‍♂️',
  '🙏',
  '💯',
]);
// Phrases inside a longer message that mean attending (checked after the negated forms).
const CONFIRM_PHRASE =
  /(會準時|準時到|準時赴約|準時過去|一定到|一定會到|會到|會去|會過去|會來|確認(出席|赴約|預約|看診)?|沒問題|照常|照原訂|照預約|👍|👌)/u;

// Not going: the negated forms of attending come first (「不能去」「不會到」).
const CANCEL = alternatives('(', ')', [
  '取消',
  '不去了',
  '不去',
  '不來了',
  '不來',
  '不能去',
  '不能來',
  '不能到',
  '不會去',
  '不會來',
  '不會到',
  '沒辦法去',
  '沒辦法來',
  '沒辦法到',
  '沒空去',
  '沒辦法過去',
  '無法(前往|赴約|到|去|來|出席)',
  '去不了',
  '來不了',
  '到不了',
  '那天不行',
  '當天不行',
  '那天沒空',
  '當天沒空',
  '那天不方便',
  '不看了',
  '不用看了',
  '請假',
  '先不要了',
]);
// 「不用取消」「不要取消」「別取消」「沒有要取消」「不取消」: the patient keeps the visit.
const NOT_CANCEL = /(不用|不要|別|沒有要|沒要|不是要|不必|無須|無需|不需要|不)取消/u;

const RESCHEDULE = alternatives('(', ')', [
  '改期',
  '改時間',
  '改天',
  '改日',
  '改約',
  '改到',
  '改成',
  '改在',
  '改為',
  '改下',
  '改上午',
  '改早上',
  '改中午',
  '改晚上',
  '改明天',
  '改後天',
  '改其他',
  '改別',
  '換(個|一個|別的|其他)?(時間|日子|天|時段)',
  '換到',
  '延期',
  '延後',
  '往後',
  '提前',
  '挪',
  '另約',
  '再約',
  '別天',
  '其他時間',
  '其他天',
  '別的時間',
  '重新預約',
  '重新約',
]);

const LATE =
  /(遲到|晚到|晚點到|晚一點到|晚一點點|晚些到|會晚|晚個|塞車|來不及準時|趕不上|晚\s*[0-9一二兩三四五六七八九十半]+\s*(分|分鐘|min|個小時|小時))/u;
const LATE_MINUTES = /([0-9]+|[一二兩三四五六七八九十]+|半)\s*(分鐘|分|min|mins|minutes)/u;
const LATE_HOURS = /(半|[0-9]+|[一二兩三四五六七八九十]+)\s*(個)?(小時|hr|hour)/u;

const QUESTION =
  /([?？]|嗎|呢|請問|怎麼|如何|多少|多久|幾點|幾號|幾天|幾樓|哪裡|哪邊|哪位|什麼|甚麼|可不可以|能不能|是否|要不要|有沒有|需不需要)/u;

/** Trailing punctuation and laughter that change nothing (「好！」「OK～」「好的哈哈」). */
const TRAILING = /[\s!！.。,，~～、…:：;；)）(（]+$|(哈+|呵+|喔|哦|唷|囉|啦|喲)$/u;

function stripTrailing(t: string): string {
  let prev = '';
  let s = t;
  while (s !== prev) {
    prev = s;
    s = s.replace(TRAILING, '');
  }
  return s;
}

function lateMinutes(t: string): number | undefined {
  const h = LATE_HOURS.exec(t);
  if (h) {
    const n = numberOf(h[1]);
    if (h[1] === '半') return 30;
    if (n !== undefined) return n * 60;
  }
  const m = LATE_MINUTES.exec(t);
  if (m) return numberOf(m[1]);
  return undefined;
}

export function classify(raw: string): Classification {
  const t = normalize(raw);
  if (!t) return { intent: 'other', confidence: 0 };
  // A long message is more than an answer: a person reads it, whatever it contains.
  const long = [...t].length > 60;
  const cap = (c: number) => (long ? Math.min(c, 0.6) : c);

  if (LATE.test(t.replace(/晚上|晚餐|晚班|晚診/gu, ''))) {
    return { intent: 'running_late', confidence: cap(0.9), minutes: lateMinutes(t) };
  }
  const keepsVisit = NOT_CANCEL.test(t);
  const cancel = !keepsVisit && CANCEL.test(t.replace(NOT_CANCEL, ''));
  if (RESCHEDULE.test(t)) {
    // 「不用改期」「不要改時間」 keep the visit as it is.
    if (/(不用|不要|別|不必|不需要)(改|換|延)/u.test(t)) return { intent: 'other', confidence: 0.4 };
    return { intent: 'reschedule', confidence: cap(cancel ? 0.8 : 0.9) };
  }
  if (cancel) return { intent: 'cancel', confidence: cap(QUESTION.test(t) ? 0.8 : 0.9) };
  const bare = stripTrailing(t);
  if (CONFIRM_WHOLE.test(bare.replace(/[\s,，、]/g, ''))) return { intent: 'confirm', confidence: 0.95 };
  if (QUESTION.test(t)) return { intent: 'question', confidence: cap(0.8) };
  if (keepsVisit) return { intent: 'confirm', confidence: 0.6 }; // 「不用取消」: probably coming; a person checks
  if (CONFIRM_PHRASE.test(t)) return { intent: 'confirm', confidence: cap(0.85) };
  return { intent: 'other', confidence: 0.3 };
}
