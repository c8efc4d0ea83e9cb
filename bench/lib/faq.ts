// The FAQ matcher at a large clinic's scale: 2,000 FAQs × 5 wordings of synthetic zh-TW
// questions (100 subjects × 20 aspects, each aspect asked with different key phrases and
// sentence frames), matched against paraphrases — another key phrase, another frame, the
// subject moved to the end — that are not among the wordings. Pure code, no database: the
// same index and match() the LINE hook uses. Returns the per-question latency and the share
// of paraphrases whose best candidate is the FAQ they were made from.
import { buildIndex, match, type FaqDoc } from '../../apps/server/src/modules/faq/matcher.ts';

const BASES = (
  '植牙 矯正 假牙 牙套 根管治療 補牙 洗牙 拔牙 智齒 牙周病 蛀牙 牙齦 牙橋 全口重建 美白 ' +
  '塗氟 窩溝封填 咬合板 隱形矯正 活動假牙 牙冠 嵌體 貼片 牙根 牙結石 口臭 顳顎關節 舌頭 ' +
  '乳牙 恆牙 牙齒敏感 牙齒斷裂 牙齒鬆動 口腔黏膜 口腔癌篩檢 牙菌斑 牙線 電動牙刷 沖牙機 ' +
  '漱口水 麻醉 X光 斷層掃描 骨粉 鼻竇增高 牙齦整形 笑齦 戴維持器 牙齦萎縮 夜間磨牙'
).split(' ');
const SIDES = ['上排', '下排'];
const SUBJECTS = BASES.flatMap((b) => SIDES.map((s) => `${s}${b}`));

// Each aspect: five key phrases for the wordings, and two others only questions use.
const ASPECTS: { keys: string[]; asked: string[] }[] = [
  { keys: ['要多少錢', '費用多少', '怎麼收費', '價格是多少', '大概花多少'], asked: ['多少錢', '收費標準'] },
  { keys: ['要多久', '需要幾次', '療程多長', '幾天會好', '做完要幾週'], asked: ['多久時間', '幾次療程'] },
  { keys: ['會不會痛', '痛不痛', '會很痛嗎', '疼痛程度', '需要打麻藥嗎'], asked: ['會痛嗎', '痛感'] },
  {
    keys: ['健保有給付嗎', '健保有沒有補助', '要自費嗎', '健保可以用嗎', '能用健保嗎'],
    asked: ['健保給付', '自費還是健保'],
  },
  {
    keys: ['術後注意事項', '做完要注意什麼', '之後要怎麼照顧', '術後照護', '回家後注意'],
    asked: ['完要注意什麼', '照顧方式'],
  },
  { keys: ['可以吃什麼', '飲食禁忌', '能吃東西嗎', '多久能吃飯', '可以喝飲料嗎'], asked: ['吃東西', '飲食'] },
  { keys: ['有什麼風險', '副作用', '會有後遺症嗎', '失敗率', '併發症'], asked: ['風險高嗎', '後遺症'] },
  { keys: ['幾歲可以做', '年齡限制', '小孩可以做嗎', '老人家適合嗎', '幾歲以上'], asked: ['年紀', '幾歲'] },
  { keys: ['流程是什麼', '步驟', '怎麼進行', '過程', '要做哪些檢查'], asked: ['流程', '進行方式'] },
  { keys: ['可以維持多久', '使用年限', '能用幾年', '壽命', '會不會壞'], asked: ['維持幾年', '耐用'] },
  { keys: ['懷孕可以做嗎', '孕婦適合嗎', '哺乳期可以嗎', '懷孕期間', '孕期'], asked: ['懷孕', '孕婦'] },
  { keys: ['要請假嗎', '影響上班嗎', '需要休息幾天', '可以運動嗎', '恢復期'], asked: ['休息', '請假'] },
  { keys: ['怎麼預約', '要先掛號嗎', '可以現場掛號嗎', '預約方式', '線上預約'], asked: ['預約', '掛號'] },
  { keys: ['哪位醫師', '醫師專長', '誰看比較好', '醫生是誰', '指定醫師'], asked: ['醫師', '醫生'] },
  { keys: ['流血怎麼辦', '出血', '一直流血', '血止不住', '有血絲'], asked: ['流血', '血'] },
  { keys: ['腫起來', '腫脹', '臉腫', '腫多久', '消腫'], asked: ['腫', '腫了'] },
  { keys: ['可以分期嗎', '分期付款', '刷卡', '付款方式', '信用卡'], asked: ['分期', '付款'] },
  { keys: ['保固', '壞掉怎麼辦', '掉了怎麼辦', '脫落', '重做'], asked: ['保固期', '掉下來'] },
  { keys: ['需要拍X光嗎', '要照片子嗎', '檢查項目', '術前檢查', '評估'], asked: ['拍片', '檢查'] },
  { keys: ['跟別的差在哪', '比較', '哪個好', '優缺點', '差異'], asked: ['差別', '優點缺點'] },
];

const FRAMES = ['{s}{k}', '請問{s}{k}', '想問{s}{k}', '{s}的話{k}', '我想知道{s}{k}'];
const QUESTION_FRAMES = ['{k}？我要做{s}', '關於{s}，{k}', '{s}{k}呢', '醫生說要{s}，{k}', '{k}（{s}）'];

let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)];

export function corpus(): FaqDoc[] {
  const faqs: FaqDoc[] = [];
  for (const [si, s] of SUBJECTS.entries())
    for (const [ai, a] of ASPECTS.entries())
      faqs.push({
        id: `${si}-${ai}`,
        wordings: a.keys.map((k, i) => FRAMES[i].replace('{s}', s).replace('{k}', k)),
      });
  return faqs;
}

export function paraphrases(n: number): { text: string; faqId: string }[] {
  const out: { text: string; faqId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const si = Math.floor(rand() * SUBJECTS.length);
    const ai = Math.floor(rand() * ASPECTS.length);
    const k = rand() < 0.5 ? pick(ASPECTS[ai].asked) : pick(ASPECTS[ai].keys);
    out.push({ text: pick(QUESTION_FRAMES).replace('{s}', SUBJECTS[si]).replace('{k}', k), faqId: `${si}-${ai}` });
  }
  return out;
}

const SYNONYMS = [
  ['費用', '多少錢', '收費', '價格', '花費'],
  ['醫師', '醫生'],
  ['x光', '片子', '拍片'],
];

export default async function faqBench(): Promise<Record<string, number>> {
  seed = 7;
  const faqs = corpus();
  const t0 = performance.now();
  const index = buildIndex(faqs, SYNONYMS);
  const buildMs = performance.now() - t0;
  const questions = paraphrases(Number(process.env.BENCH_FAQ_QUESTIONS ?? 2000));
  for (const q of questions.slice(0, 50)) match(index, q.text); // warm-up
  const times: number[] = [];
  let top1 = 0;
  for (const q of questions) {
    const s = performance.now();
    const r = match(index, q.text);
    times.push(performance.now() - s);
    if (r.candidates[0]?.faqId === q.faqId) top1++;
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))] * 1000) / 1000;
  return {
    faq_p95_ms: at(0.95),
    faq_p50_ms: at(0.5),
    faq_build_ms: Math.round(buildMs),
    faq_top1: Math.round((top1 / questions.length) * 1000) / 1000,
    faqs: faqs.length,
    wordings: faqs.reduce((n, f) => n + f.wordings.length, 0),
    questions: questions.length,
  };
}
