// The care plans every clinic gets, disabled until the clinic has read them and switched them on
// (照護計畫 page). Standard after-care for a dental clinic only — no diagnosis, no medicine names
// or doses — and every message ends with what to do when something is wrong: 「如有…請立即回診
// 或來電」. {name} and {phone} are filled in when sent. Triggered by a completed visit of the
// visit type; clinics add their own treatment codes. Copied into a clinic once (unique on
// clinic + shipped_key), from then on the clinic's own.
import type { CheckIn, PlanStep, PlanTrigger } from './model.ts';

export type ShippedPlan = { key: string; name: string; trigger: PlanTrigger; steps: PlanStep[] };

const checkIn = (question: string): CheckIn => ({
  question,
  options: [
    { label: '還好', route: 'fine' },
    { label: '有點腫', route: 'worrying' },
    { label: '很痛，想問醫師', route: 'call' },
  ],
});

const step = (day: number, at: string, text: string, question: string | null): PlanStep => ({
  when: { kind: 'day', day, at },
  text,
  imageId: null,
  articleId: null,
  checkIn: question ? checkIn(question) : null,
});

const visit = (...visitTypes: string[]): PlanTrigger => ({ kind: 'visit', visitTypes, treatmentCodes: [] });

export const SHIPPED_PLANS: ShippedPlan[] = [
  {
    key: 'extraction',
    name: '拔牙後照護',
    trigger: visit('拔牙'),
    steps: [
      step(
        0,
        '19:00',
        '{name} 您好，今天拔牙辛苦了，以下是術後照護提醒：\n' +
          '・紗布請持續咬緊約 30 分鐘至 1 小時後再取出。\n' +
          '・今天請勿漱口、吐口水、用吸管或吸吮傷口，也請勿抽菸、喝酒。\n' +
          '・口水帶少量血絲是正常的；今天可以冰敷臉頰，每次約 15–20 分鐘。\n' +
          '・請吃溫涼、軟質的食物，避免用拔牙的那一側咀嚼。\n' +
          '・如醫師有開藥，請依醫師指示服用。\n' +
          '如有大量出血不止、腫痛持續加劇或發燒，請立即回診或來電 {phone}。',
        '今天傷口還好嗎？',
      ),
      step(
        1,
        '10:00',
        '{name} 您好，今天是拔牙後第 1 天：\n' +
          '・今天起可以正常刷牙，拔牙處附近請輕輕刷，避免碰觸傷口。\n' +
          '・腫脹通常在第 2–3 天最明顯，之後會慢慢消退；48 小時後可改為溫敷。\n' +
          '・請繼續避免抽菸、喝酒與過硬過燙的食物。\n' +
          '如有出血不止、疼痛越來越嚴重或發燒，請立即回診或來電 {phone}。',
        '今天感覺怎麼樣？',
      ),
      step(
        3,
        '10:00',
        '{name} 您好，今天是拔牙後第 3 天，腫脹與疼痛應該會逐漸減輕。\n' +
          '請持續保持口腔清潔，飯後可用溫開水輕輕漱口。\n' +
          '如有疼痛反而加劇、傷口有異味、流膿或發燒，請立即回診或來電 {phone}。',
        '傷口復原得還好嗎？',
      ),
      step(
        7,
        '10:00',
        '{name} 您好，拔牙已經一週，傷口大多已穩定。如醫師有安排拆線或回診，請依約回診。\n' +
          '如有持續疼痛、腫脹或傷口異常，請立即回診或來電 {phone}。祝您早日康復！',
        '目前狀況還好嗎？',
      ),
    ],
  },
  {
    key: 'implant',
    name: '植牙術後',
    trigger: visit('植牙'),
    steps: [
      step(
        0,
        '19:00',
        '{name} 您好，今天植牙手術辛苦了，以下是術後照護提醒：\n' +
          '・紗布請咬緊約 30 分鐘至 1 小時；今天口水帶少量血絲是正常的。\n' +
          '・今天可冰敷臉頰，每次約 15–20 分鐘，有助減輕腫脹。\n' +
          '・請勿用手術的那一側咀嚼，吃溫涼、軟質的食物；請勿抽菸、喝酒。\n' +
          '・如醫師有開藥，請依醫師指示服用。\n' +
          '如有大量出血不止、腫痛持續加劇或發燒，請立即回診或來電 {phone}。',
        '今天傷口還好嗎？',
      ),
      step(
        1,
        '10:00',
        '{name} 您好，今天是植牙後第 1 天：\n' +
          '・腫脹通常在第 2–3 天最明顯，之後會慢慢消退。\n' +
          '・可以輕輕刷牙，手術部位請避開，依醫師指示保持清潔。\n' +
          '・請繼續避免用手術部位咀嚼、抽菸與喝酒。\n' +
          '如有出血不止、疼痛越來越嚴重或發燒，請立即回診或來電 {phone}。',
        '今天感覺怎麼樣？',
      ),
      step(
        3,
        '10:00',
        '{name} 您好，今天是植牙後第 3 天，腫脹應該會逐漸消退。請持續保持口腔清潔，飲食仍以軟質為主。\n' +
          '如有疼痛加劇、傷口流膿、有異味或發燒，請立即回診或來電 {phone}。',
        '傷口復原得還好嗎？',
      ),
      step(
        7,
        '10:00',
        '{name} 您好，植牙已經一週。如醫師有安排拆線或複診，請依約回診，讓醫師確認癒合情形。\n' +
          '如有持續疼痛、腫脹、植體周圍出血或鬆動感，請立即回診或來電 {phone}。',
        '目前狀況還好嗎？',
      ),
    ],
  },
  {
    key: 'root_canal',
    name: '根管治療後',
    trigger: visit('根管治療'),
    steps: [
      step(
        0,
        '19:00',
        '{name} 您好，今天根管治療辛苦了，以下是治療後的提醒：\n' +
          '・麻藥退去前請勿進食，以免咬傷嘴唇或臉頰。\n' +
          '・治療後幾天咬合時可能會有些痠痛，通常會逐漸減輕。\n' +
          '・治療中的牙齒請避免咬硬物或黏的食物，以免暫時填補物脫落或牙齒裂開。\n' +
          '・如醫師有開藥，請依醫師指示服用。\n' +
          '如有腫脹、劇烈疼痛或發燒，請立即回診或來電 {phone}。',
        '今天治療的牙齒還好嗎？',
      ),
      step(
        2,
        '10:00',
        '{name} 您好，根管治療後第 2 天，咬合的痠痛應該正在減輕。請繼續避免用治療中的牙齒咬硬物。\n' +
          '如暫時填補物脫落、牙齦腫起或疼痛加劇，請立即回診或來電 {phone}。',
        '今天感覺怎麼樣？',
      ),
      step(
        7,
        '10:00',
        '{name} 您好，根管治療通常需要多次療程，完成後醫師也可能建議做牙套保護牙齒。' +
          '請依約回診完成治療，以免牙齒再次感染或裂開。\n' +
          '如有腫脹、疼痛或填補物脫落，請立即回診或來電 {phone}。',
        '目前狀況還好嗎？',
      ),
    ],
  },
  {
    key: 'cleaning',
    name: '洗牙後',
    trigger: visit('洗牙'),
    steps: [
      step(
        0,
        '19:00',
        '{name} 您好，謝謝您今天來洗牙。洗牙後的提醒：\n' +
          '・牙齒短暫對冷熱敏感、牙齦輕微出血都是常見的，通常幾天內會改善。\n' +
          '・請用軟毛牙刷輕輕刷牙，並使用牙線清潔牙縫。\n' +
          '・今天可以避免太冰、太燙或太酸的食物。\n' +
          '如有牙齦持續出血、腫痛或敏感越來越嚴重，請立即回診或來電 {phone}。',
        '今天牙齒和牙齦還好嗎？',
      ),
      step(
        3,
        '10:00',
        '{name} 您好，洗牙後幾天，敏感與出血應該已經改善。記得每天刷牙兩次並使用牙線，建議每半年定期洗牙檢查。\n' +
          '如有牙齦持續出血或腫痛，請立即回診或來電 {phone}。',
        '目前狀況還好嗎？',
      ),
    ],
  },
];
