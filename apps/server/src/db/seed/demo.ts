// Seeds the demo clinic and the demo logins of docs/contracts.md. Idempotent: a second run keeps
// earlier data. Refuses to run in production.
import { systemActor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { apiKeyService } from '../../modules/api-keys/service.ts';
import { clinicService } from '../../modules/clinics/service.ts';
import { staffService } from '../../modules/staff/service.ts';
import { twoFactorService } from '../../modules/two-factor/service.ts';
import { doctorByHisId, doctorService } from '../../modules/doctors/service.ts';
import type { Role } from '../../platform/auth.ts';
import { lineService } from '../../modules/line/service.ts';
import { smsService } from '../../modules/sms/service.ts';
import { richMenuService } from '../../modules/rich-menus/service.ts';
import { autoReplyService, type AutoReplyInput } from '../../modules/auto-replies/service.ts';
import { faqService } from '../../modules/faq/service.ts';
import { caseService, type OpenInput } from '../../modules/cases/service.ts';

const DEMO_REPLIES: AutoReplyInput[] = [
  {
    name: '門診時間',
    matchType: 'keyword',
    triggers: ['門診時間', '看診時間', '幾點', '營業時間'],
    priority: 10,
    reply: {
      type: 'text',
      text: '晴光牙醫門診時間：\n週一至週五 09:00–12:00、14:00–17:30、18:30–21:00\n週六 09:00–12:00、14:00–17:30\n週日及國定假日休診',
    },
  },
  {
    name: '交通方式',
    matchType: 'keyword',
    triggers: ['交通', '怎麼去', '地址', '捷運'],
    priority: 5,
    reply: {
      type: 'text',
      text: '診所地址：台北市大安區復興南路一段 100 號 2 樓\n捷運忠孝復興站 2 號出口步行約 3 分鐘。',
    },
  },
  {
    name: '停車資訊',
    matchType: 'keyword',
    triggers: ['停車', '車位'],
    priority: 5,
    reply: { type: 'text', text: '診所沒有附設停車場，附近的「復興南路公有停車場」步行約 2 分鐘，每小時 50 元。' },
  },
  {
    name: '自費項目',
    matchType: 'keyword',
    triggers: ['自費', '價格', '費用', '植牙多少'],
    priority: 3,
    reply: {
      type: 'text',
      text: '自費項目（植牙、矯正、美白、全瓷冠等）費用依個人狀況而定，醫師看診評估後會先詳細說明並報價。歡迎來電 02-2700-1234 詢問。',
    },
  },
];

export const DEMO_CLINIC_ID = '00000000-0000-7000-8000-00000000d001';
export const DEMO_PASSWORD = 'careline-demo';
/**
 * The demo platform operator's TOTP secret (docs/contracts.md "Demo logins"): operators always
 * log in with a second step, and a known secret lets anyone trying the demo (and the browser
 * tests) compute the code or add the key to an authenticator app.
 */
export const DEMO_OPERATOR_TOTP_SECRET = 'CARELINEDEMOOPERATORTOTPSECRET22';
export const DEMO_HIS_KEY = 'demo-his-key';
export const DEMO_CLINIC_NAME = '晴光牙醫診所';
// The demo clinic's channel in the LINE emulator (docs/contracts.md "Demo logins").
export const DEMO_CHANNEL = {
  channelId: '1000000001',
  channelSecret: 'demo-channel-secret',
  accessToken: 'demo-channel-access-token',
};
// The demo LIFF app (login channel = the demo channel), registered in the emulator by scripts/demo.ts.
export const DEMO_LIFF_ID = '1000000001-careline';

/**
 * Connects the demo clinic to the LINE emulator as an admin would: publishes its rich menus
 * (default images) and runs the connection test, which also points the channel's webhook at the
 * demo server and checks it. The emulator keeps all this in memory only, so the demo does it on
 * every start, once the server listens. Failures are reported, not fatal.
 */
export async function connectDemoLine(deps: Deps): Promise<string | null> {
  const svc = richMenuService(deps);
  try {
    for (const kind of ['unbound', 'bound'] as const) await svc.publish(DEMO_CLINIC_ID, kind, systemActor, '127.0.0.1');
    const test = await lineService(deps).testConnection(DEMO_CLINIC_ID);
    if (!test.ok || !test.webhook?.ok) return test.webhook?.message ?? test.message;
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * The demo doctor login is this doctor of the demo's HIS (scripts/fake-his.ts D001): the same
 * name, and linked, so its 行事曆 opens on its own column.
 */
export const DEMO_DOCTOR = { hisId: 'D001', name: '陳建志', department: '一般牙科', title: '院長' } as const;

export const DEMO_LOGINS: { email: string; name: string; role: Role }[] = [
  { email: 'admin@demo.careline.tw', name: '林雅婷', role: 'admin' },
  { email: 'desk@demo.careline.tw', name: '陳怡君', role: 'front_desk' },
  { email: 'doctor@demo.careline.tw', name: DEMO_DOCTOR.name, role: 'doctor' },
  { email: 'operator@demo.careline.tw', name: 'Careline 營運', role: 'platform_operator' },
];

/**
 * Links the demo doctor login to DEMO_DOCTOR unless it is linked already. The seed runs
 * before the fake HIS fills the clinic, so the doctor is created as the HIS will send it (the
 * fill then updates it with the same values).
 */
async function linkDemoDoctor(deps: Deps): Promise<void> {
  const login = DEMO_LOGINS.find((u) => u.role === 'doctor')!;
  const staff = (await staffService(deps).list(DEMO_CLINIC_ID)).find((s) => s.email === login.email);
  // A login renamed since (or seeded by an older version under another name) is left alone.
  if (!staff || staff.name !== DEMO_DOCTOR.name) return;
  if (await staffService(deps).doctorLinkOf(DEMO_CLINIC_ID, staff.id)) return;
  const doctors = doctorService(deps);
  const { hisId, ...body } = DEMO_DOCTOR;
  if (!(await doctorByHisId(deps.db, DEMO_CLINIC_ID, hisId)))
    await doctors.upsert(DEMO_CLINIC_ID, hisId, body, systemActor, '127.0.0.1');
  await doctors.link(DEMO_CLINIC_ID, staff.id, hisId, systemActor, '127.0.0.1');
}

export async function seedDemo(deps: Deps): Promise<{ created: boolean }> {
  if (deps.config.nodeEnv === 'production') throw new Error('demo seeding refuses to run with NODE_ENV=production');
  const existing = await clinicService(deps).find(DEMO_CLINIC_ID);
  if (!existing) {
    await clinicService(deps).create({
      id: DEMO_CLINIC_ID,
      name: DEMO_CLINIC_NAME,
      timeZone: 'Asia/Taipei',
      address: '台北市大安區復興南路一段 100 號 2 樓',
      phone: '02-2700-1234',
    });
    // The demo reminds patients who have not bound LINE by SMS (the emulator's gateway).
    await smsService(deps).saveSettings(
      DEMO_CLINIC_ID,
      { provider: 'default', reminderFallback: true },
      systemActor,
      '127.0.0.1',
    );
  }
  const staff = staffService(deps);
  for (const u of DEMO_LOGINS) {
    if (!(await staff.emailTaken(u.email)))
      await staff.createWithPassword(u.role === 'platform_operator' ? null : DEMO_CLINIC_ID, {
        ...u,
        password: DEMO_PASSWORD,
      });
  }
  const operator = DEMO_LOGINS.find((u) => u.role === 'platform_operator')!;
  const operatorRow = (await staff.findLogin(operator.email))!;
  await twoFactorService(deps).seedSecret(
    { id: operatorRow.id, clinicId: null, role: operatorRow.role, email: operatorRow.email },
    DEMO_OPERATOR_TOTP_SECRET,
  );
  await linkDemoDoctor(deps);
  const keys = apiKeyService(deps);
  if (!(await keys.exists(DEMO_HIS_KEY)))
    await keys.create(DEMO_CLINIC_ID, '示範 HIS', systemActor, '127.0.0.1', DEMO_HIS_KEY);
  const channel = await lineService(deps).getChannel(DEMO_CLINIC_ID);
  if (!channel)
    await lineService(deps).saveChannel(
      DEMO_CLINIC_ID,
      { ...DEMO_CHANNEL, liffId: DEMO_LIFF_ID },
      systemActor,
      '127.0.0.1',
    );
  else if (!channel.liffId)
    await lineService(deps).saveChannel(
      DEMO_CLINIC_ID,
      { channelId: channel.channelId, liffId: DEMO_LIFF_ID },
      systemActor,
      '127.0.0.1',
    );
  if ((await autoReplyService(deps).list(DEMO_CLINIC_ID)).length === 0) {
    for (const r of DEMO_REPLIES) await autoReplyService(deps).create(DEMO_CLINIC_ID, r, systemActor, '127.0.0.1');
  }
  await seedDemoQuestions(deps);
  if (!existing) await seedDemoCases(deps);
  return { created: !existing };
}

/** A few cases on 客服 › 客訴與意見 of a new demo clinic: one waiting, one taken, one closed. */
async function seedDemoCases(deps: Deps): Promise<void> {
  const cases = caseService(deps);
  const member = (await staffService(deps).list(DEMO_CLINIC_ID)).find((m) => m.email === 'desk@demo.careline.tw');
  if (!member) return;
  const desk = { type: 'staff' as const, id: member.id, label: member.email };
  const phone = (o: Partial<OpenInput> & Pick<OpenInput, 'kind' | 'category' | 'text'>): OpenInput => ({
    severity: 'normal',
    source: 'phone',
    contactMethod: 'phone',
    ...o,
  });
  await cases.open(
    DEMO_CLINIC_ID,
    phone({
      kind: 'suggestion',
      category: 'environment',
      source: 'staff',
      contactName: '王先生',
      text: '候診區的冷氣太冷，希望可以調高一點，或準備薄毯。',
    }),
    desk,
    '127.0.0.1',
  );
  const fees = await cases.open(
    DEMO_CLINIC_ID,
    phone({
      kind: 'complaint',
      category: 'fees',
      severity: 'important',
      contactName: '林太太',
      contactPhone: '0912-345-678',
      contactTime: '平日晚上 7 點後',
      text: '自費的假牙費用比當初口頭說的多了 3,000 元，事前沒有說明。',
    }),
    desk,
    '127.0.0.1',
  );
  await cases.acknowledge(DEMO_CLINIC_ID, fees.row.id, { note: '已調閱報價單，請主任回電說明' }, desk, '127.0.0.1');
  const praise = await cases.open(
    DEMO_CLINIC_ID,
    phone({
      kind: 'praise',
      category: 'attitude',
      contactName: '陳小姐',
      contactPhone: '02-2700-5678',
      text: '謝謝陳醫師和護理師很有耐心，孩子第一次看牙完全不害怕。',
    }),
    desk,
    '127.0.0.1',
  );
  await cases.reply(
    DEMO_CLINIC_ID,
    praise.row.id,
    { channel: 'phone', text: '已轉達醫師與團隊，謝謝您的鼓勵。' },
    desk,
    '127.0.0.1',
  );
  await cases.close(DEMO_CLINIC_ID, praise.row.id, {}, desk, '127.0.0.1');
}

// Questions patients asked the demo clinic's FAQ bot, so 機器人訓練 and 客服成效 show something on
// the first start: some answered (one found unhelpful), some the bot could not answer, two of
// them alike (one group in the trainer queue). Keyed like LINE events, so a restart adds none.
const DEMO_QUESTIONS: { text: string; feedback?: boolean }[] = [
  { text: '拔完牙可以喝熱的嗎', feedback: true },
  { text: '請問附近哪裡好停車', feedback: true },
  { text: '健保卡忘了帶怎麼辦' },
  { text: '洗完牙可以吃東西嗎', feedback: false },
  { text: '可以刷卡嗎' },
  { text: '請問能刷卡嗎？' },
  { text: '有賣牙線嗎' },
];

async function seedDemoQuestions(deps: Deps) {
  const faq = faqService(deps);
  for (const [i, q] of DEMO_QUESTIONS.entries()) {
    const outcome = await faq.match(DEMO_CLINIC_ID, q.text);
    const lineUserId = `Udemoquestion${i}`;
    const { row, inserted } = await faq.recordQuestion(DEMO_CLINIC_ID, {
      eventKey: `demo-question-${i}`,
      lineUserId,
      text: q.text,
      outcome,
    });
    if (!inserted || q.feedback === undefined || row.outcome !== 'answered') continue;
    await faq.markReplied(DEMO_CLINIC_ID, row.id);
    await faq.feedback(DEMO_CLINIC_ID, lineUserId, row.id, q.feedback);
  }
}
