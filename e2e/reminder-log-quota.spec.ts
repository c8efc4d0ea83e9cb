// The 發送紀錄 and 額度與費用 pages on the demo stack: a patient bound on the emulator's phone and a
// patient without LINE or a mobile number get a visit later today and a reminder from the front
// desk; the delivery log lists the failed reminder first, filters by state, and a resend (after
// a confirmation that the patient gets a second message) reaches the phone. The quota page shows
// the month's numbers and its chart (with the plan's limit and the cap once the LINE plan has
// one); when the patient taps 確認赴約 on the phone, the free replies go up and the pushes do not.
// Screenshots at 1440 px go to docs/screenshots/reminder-log*.png and reminder-quota*.png.
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_EMAIL, EMU, followAndBind, his, LATE_IN_THE_DAY, login, SHOTS, soonToday } from './demo.ts';

const CHANNEL = '1000000001';
const run = Date.now().toString(36).slice(-5);
const phone = `09${String(Date.now() + 23).slice(-8)}`;
const BOUND = '蘇怡君';
const NO_LINE = '林志明';

type BotMsg = { via: string; message: { type: string; text?: string; altText?: string } };
const botMessages = async (userId: string): Promise<BotMsg[]> =>
  ((await (await fetch(`${EMU}/_emulator/channels/${CHANNEL}/messages?to=${userId}`)).json()) as { messages: BotMsg[] })
    .messages;

/** Binds the patient on the emulator's phone (follow → rich menu 綁定帳號 → LIFF → SMS code). */
async function bindOnPhone(page: Page): Promise<string> {
  await page.setViewportSize({ width: 390, height: 844 });
  const res = await fetch(`${EMU}/_emulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: BOUND, phone }),
  });
  const { userId } = (await res.json()) as { userId: string };
  await followAndBind(page, userId, phone);
  return userId;
}

async function api<T>(page: Page, method: 'GET' | 'POST', url: string): Promise<{ status: number; json: T }> {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'careline_csrf')?.value ?? '';
  const r =
    method === 'GET'
      ? await page.request.get(url)
      : await page.request.post(url, { headers: { 'x-csrf-token': decodeURIComponent(csrf) }, data: {} });
  return { status: r.status(), json: (await r.json().catch(() => null)) as T };
}

type LogItem = {
  id: string;
  state: string;
  patientName: string;
  appointmentId: string;
  ruleName: string;
  channel: string | null;
};
type Quota = { used: number; pushes: number; replies: number; byPurpose: { purpose: string; pushes: number }[] };

test.describe.configure({ mode: 'serial' });
let userId = '';
let phonePage: Page;

test.beforeAll(async () => {
  await his(`/patients/LQ-${run}`, { name: BOUND, phone, chartNo: `LQ${run}` });
  await his(`/patients/LQ-${run}-N`, { name: NO_LINE, chartNo: `LQ${run}N` });
});

test('delivery log: failed first, filter by state, resend with a confirmation; it reaches the phone', async ({
  page,
  browser,
}) => {
  const startsAt = soonToday();
  test.skip(!startsAt, LATE_IN_THE_DAY);
  test.setTimeout(180_000);
  phonePage = await (await browser.newContext({ locale: 'zh-TW', timezoneId: 'Asia/Taipei' })).newPage();
  userId = await bindOnPhone(phonePage);
  for (const [id, patientId] of [
    [`LQ-${run}-A1`, `LQ-${run}`],
    [`LQ-${run}-A2`, `LQ-${run}-N`],
  ])
    await his(`/appointments/${id}`, {
      patientId,
      doctorId: 'D001',
      startsAt,
      durationMinutes: 30,
      visitType: '洗牙',
      status: 'booked',
      version: 1,
    });

  await login(page, ADMIN_EMAIL);
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  // This run's two visits, told apart by their HIS codes: the demo clinic has other patients
  // with the same names, whose reminders of today are in the log too.
  const [BOUND_VISIT, NO_LINE_VISIT] = [`LQ-${run}-A1`, `LQ-${run}-A2`];
  const ids = new Map<string, string>();
  const mine = async () =>
    (await api<{ items: LogItem[] }>(page, 'GET', `/api/reminders/log?from=${today}&pageSize=200`)).json.items.filter(
      (i) => ids.has(i.appointmentId),
    );
  // Only the resends count here: once an earlier spec has ended the demo clinic's initial HIS
  // sync, these new bookings also get their booking-day message.
  const resend = (i: LogItem) => i.ruleName.endsWith('（重送）');
  // A visit later today gets no reminder of its own from the rules (the 48-hour and visit-day
  // times have passed, and the demo clinic is still copying its bookings from the HIS, which
  // sends no booking-day message): the front desk's 「重送提醒」 sends one now to each.
  for (const hisId of [BOUND_VISIT, NO_LINE_VISIT]) {
    const { appointmentId } = (
      await api<{ appointmentId: string }>(page, 'GET', `/api/appointments/${hisId}/reminders`)
    ).json;
    ids.set(appointmentId, hisId);
    expect((await api(page, 'POST', `/api/appointments/${appointmentId}/resend-reminder`)).status).toBe(202);
  }
  await expect
    .poll(async () => (await mine()).filter((i) => resend(i) && (i.state === 'sent' || i.state === 'failed')).length, {
      timeout: 30_000,
    })
    .toBe(2);
  await expect.poll(async () => (await botMessages(userId)).filter((m) => m.via === 'push').length).toBeGreaterThan(0);

  // The log of today, searched for this run's visits (the demo clinic has a hundred reminders of
  // today): the failed reminder (no LINE, no mobile for SMS) comes first.
  await page.goto('/reminders/log');
  await page.getByLabel('搜尋病患或預約').fill(`LQ-${run}-A`);
  await page.getByLabel('搜尋病患或預約').press('Enter');
  await expect(page).toHaveURL(/q=LQ-/);
  const table = page.locator('.ant-table-tbody');
  const first = table.locator('tr.ant-table-row').first();
  await expect(first).toContainText('失敗');
  await expect(
    page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: NO_LINE_VISIT }).first(),
  ).toContainText('尚未綁定 LINE');
  // The explanation opens under the row.
  const boundRow = table.locator('tr.ant-table-row').filter({ hasText: BOUND_VISIT }).first();
  await expect(boundRow).toContainText('LINE');
  await boundRow.getByRole('button', { name: /展開|Expand/ }).click();
  await expect(page.locator('.ant-table-expanded-row').first()).toContainText('為什麼是這個時間');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'reminder-log.png') });

  // Filter by state with the counts above the table: 失敗 only (kept in the address).
  await page.getByRole('checkbox', { name: /^失敗 \d+/ }).click();
  await expect(page).toHaveURL(/state=failed/);
  const rows = table.locator('tr.ant-table-row');
  await expect(rows.filter({ hasText: BOUND_VISIT })).toHaveCount(0);
  await expect(rows.filter({ hasText: NO_LINE_VISIT }).first()).toBeVisible();
  for (const r of await rows.all()) await expect(r).toContainText('失敗');
  await page.getByRole('checkbox', { name: /^已送出 \d+/ }).click();
  await expect(page).toHaveURL(/state=sent/);
  await expect(rows.filter({ hasText: BOUND_VISIT }).first()).toBeVisible();

  // Resend: the confirmation says it is a second message; the phone gets it.
  const before = (await botMessages(userId)).filter((m) => m.via === 'push').length;
  await rows.filter({ hasText: BOUND_VISIT }).first().getByRole('button', { name: '重新發送' }).click();
  const confirm = page.locator('.ant-popconfirm');
  await expect(confirm).toContainText('第二則訊息');
  await expect(confirm).toBeVisible();
  await page.waitForTimeout(400); // the popover's fade-in, for the screenshot
  await page.screenshot({ path: path.join(SHOTS, 'reminder-log-resend.png') });
  await confirm.getByRole('button', { name: '重新發送' }).click();
  await expect(page.getByText('已排入重新發送')).toBeVisible();
  await expect
    .poll(async () => (await botMessages(userId)).filter((m) => m.via === 'push').length, { timeout: 30_000 })
    .toBeGreaterThan(before);
  await expect
    .poll(async () => (await mine()).filter((i) => resend(i) && ids.get(i.appointmentId) === BOUND_VISIT).length)
    .toBeGreaterThan(1);
});

test('quota page: the numbers and the chart; a 確認 tap on the phone is a free reply, not a push', async ({ page }) => {
  test.skip(!soonToday(), LATE_IN_THE_DAY);
  test.setTimeout(120_000);
  await login(page, ADMIN_EMAIL);
  const quota = async () => (await api<Quota>(page, 'GET', '/api/reminders/quota')).json;
  // Everything pushed so far has been logged (the resend of the first test included).
  await expect.poll(async () => (await quota()).pushes, { timeout: 20_000 }).toBeGreaterThan(0);
  const before = await quota();

  await page.goto('/reminders/quota');
  const pushesCard = page.getByLabel('本月推播', { exact: true });
  await expect(pushesCard).toContainText(before.used.toLocaleString('zh-TW'));
  await expect(page.getByLabel('免費回覆', { exact: true })).toContainText(
    new RegExp(`${before.replies.toLocaleString('zh-TW')}\\s*則`),
  );
  await expect(page.getByRole('img', { name: /每日 LINE 推播/ }).locator('svg')).toBeVisible();
  await expect(page.getByText('依用途')).toBeVisible();
  await expect(page.getByRole('cell', { name: '提醒', exact: true })).toBeVisible();
  await expect(page.getByText('達到上限時')).toBeVisible();

  // The patient taps 確認赴約 on the reminder: answered with a free reply.
  await phonePage.reload();
  await phonePage
    .locator('.lf-bubble')
    .filter({ hasText: BOUND })
    .last()
    .getByRole('button', { name: '確認赴約' })
    .click();
  await expect(phonePage.locator('#timeline')).toContainText('已收到您的確認', { timeout: 20_000 });
  await expect.poll(async () => (await quota()).replies, { timeout: 20_000 }).toBeGreaterThan(before.replies);
  const after = await quota();
  expect(after.pushes).toBe(before.pushes);
  expect(after.byPurpose.find((p) => p.purpose === 'reply')?.pushes).toBe(
    before.byPurpose.find((p) => p.purpose === 'reply')?.pushes,
  );
  const ack = (await botMessages(userId)).at(-1)!;
  expect(ack.via).toBe('reply');

  // The clinic's LINE plan becomes 中用量 (3,000 messages a month): 重新整理 asks LINE now, the
  // first card shows the limit and the chart draws it and the cap (90 %) as lines.
  const plan = (p: { freeMessages: number; paidCap: number | null }) =>
    fetch(`${EMU}/_emulator/channels/${CHANNEL}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ plan: p }),
    });
  await plan({ freeMessages: 3000, paidCap: 0 });
  try {
    await page.getByRole('button', { name: '重新整理' }).click();
    await expect(page.getByLabel('本月推播', { exact: true })).toContainText('3,000');
    await expect(page.getByLabel('本月推播', { exact: true })).toContainText('非必要提醒上限 2,700 則');
    const chart = page.getByRole('img', { name: /每日 LINE 推播/ });
    await expect(chart).toContainText('LINE 方案上限：3000');
    await expect(chart).toContainText('非必要提醒上限：2700');
  } finally {
    await plan({ freeMessages: 3000, paidCap: null });
  }
  await expect(page.getByLabel('免費回覆', { exact: true })).toContainText(
    new RegExp(`${after.replies.toLocaleString('zh-TW')}\\s*則`),
  );
  await expect(page.getByLabel('本月推播', { exact: true })).toContainText(before.used.toLocaleString('zh-TW'));
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'reminder-quota.png'), fullPage: true });
  await phonePage.locator('#timeline').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await phonePage.screenshot({ path: path.join(SHOTS, 'reminder-quota-phone-confirm.png') });
});
