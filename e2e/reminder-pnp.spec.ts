// LINE notification messages before SMS, on the demo stack: the admin turns them on on the LINE
// 官方帳號 page; a patient who never bound LINE but whose number belongs to a LINE user (an
// emulator virtual user who is not a friend) gets the visit reminder on the phone page, marked
// 「LINE 通知訊息」, and the appointment's 提醒 tab says so with the delivered time; a patient whose
// number has no LINE account gets the SMS in the emulator's SMS inbox. Screenshots:
// docs/screenshots/pnp-*.png (1440 px back office, 390 px phone).
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_EMAIL, EMU, his, LATE_IN_THE_DAY, login, openPhone, quietHoursOff, SHOTS, soonToday } from './demo.ts';

const run = Date.now().toString(36).slice(-5);
const withLine = `09${String(Date.now()).slice(-8)}`;
const withoutLine = `09${String(Date.now() + 13).slice(-8)}`;
const PATIENT = '蔡佩珊';
const SMS_PATIENT = '許志明';

const csrfOf = async (page: Page) =>
  (await page.context().cookies()).find((c) => c.name === 'careline_csrf')?.value ?? '';

async function book(patientId: string, name: string, phone: string) {
  await his(`/patients/${patientId}`, { name, phone, chartNo: patientId.slice(-8) });
  await his(`/appointments/${patientId}-A1`, {
    patientId,
    doctorId: 'D001',
    startsAt: soonToday(),
    // Booked now: a new booking gets the booking-day reminder at once.
    bookedAt: new Date().toISOString(),
    durationMinutes: 30,
    visitType: '洗牙',
    status: 'booked',
    version: 1,
  });
}

test('a patient without LINE binding gets the reminder as a LINE notification message; no LINE → SMS', async ({
  page,
  browser,
}) => {
  test.skip(!soonToday(), LATE_IN_THE_DAY);
  test.setTimeout(240_000);
  await login(page, ADMIN_EMAIL);

  // The admin turns LINE notification messages on (with the confirmation), and SMS fallback.
  await page.goto('/settings/line');
  const card = page.getByTestId('pnp-card');
  await expect(card).toContainText('LINE 通知訊息（需 LINE 核准）');
  await expect(card).toContainText('另外計費');
  const toggle = card.getByRole('switch', { name: 'LINE 通知訊息（需 LINE 核准）' });
  if ((await toggle.getAttribute('aria-checked')) !== 'true') {
    await toggle.click();
    // The switch turns when the PUT has answered: wait for it (a loaded full run can be slow) and say what it said.
    const saved = page.waitForResponse(
      (r) => r.url().endsWith('/api/line/channel/pnp') && r.request().method() === 'PUT',
      { timeout: 60_000 },
    );
    await page.getByRole('button', { name: '已獲核准，開啟' }).click();
    const res = await saved;
    expect(res.status(), await res.text()).toBe(200);
  }
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await expect(card).toContainText('已開啟');
  const sms = await page.request.put('/api/sms/settings', {
    headers: { 'x-csrf-token': await csrfOf(page) },
    data: { provider: 'default', username: '', reminderFallback: true },
  });
  expect(sms.status(), await sms.text()).toBe(200);
  await card.scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'pnp-settings.png') });
  const quietHoursBack = await quietHoursOff(page);
  // The dispatcher reads a clinic's settings at most every 30 s.
  await page.waitForTimeout(31_000);

  // On the phone page, ＋ creates a LINE user with the patient's number (not a friend of the clinic).
  const phone = await (
    await browser.newContext({ locale: 'zh-TW', timezoneId: 'Asia/Taipei', viewport: { width: 390, height: 844 } })
  ).newPage();
  await openPhone(phone, '');
  const answers = [PATIENT, withLine];
  phone.on('dialog', (d) => void d.accept(answers.shift()));
  await phone.locator('#newUser').click();
  await expect(phone.locator('#user option:checked')).toHaveText(`${PATIENT}（${withLine}）`);
  const userId = await phone.locator('#user').inputValue();
  const users = (await (await fetch(`${EMU}/_emulator/users`)).json()) as {
    users: { userId: string; phoneE164?: string }[];
  };
  expect(users.users.find((u) => u.userId === userId)?.phoneE164).toBe(`+886${withLine.slice(1)}`);

  await book(`PNP-${run}-1`, PATIENT, withLine);
  await book(`PNP-${run}-2`, SMS_PATIENT, withoutLine);

  // The booking reminder arrives on the phone as a LINE notification message.
  const pnp = phone.locator('.row.pnp');
  await expect(pnp.first()).toBeVisible({ timeout: 30_000 });
  await expect(pnp.first().locator('.pnp-label')).toHaveText('LINE 通知訊息');
  await expect(pnp.first()).toContainText(PATIENT);
  await expect(pnp.first().getByRole('button', { name: '確認赴約' })).toHaveCount(0);
  await expect(phone.locator('#friendGate')).toHaveClass(/compact/);
  await expect(phone.getByRole('button', { name: '加入好友' })).toBeVisible();
  await phone.locator('#timeline').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await phone.screenshot({ path: path.join(SHOTS, 'pnp-phone.png') });

  // The number without a LINE account: the SMS reached the emulator's gateway.
  await expect
    .poll(
      async () => {
        const r = (await (await fetch(`${EMU}/_emulator/sms?to=${withoutLine}`)).json()) as {
          messages: { body: string }[];
        };
        return r.messages.map((m) => m.body).join('\n');
      },
      { timeout: 30_000 },
    )
    .toContain(SMS_PATIENT);
  await phone.getByRole('button', { name: '簡訊' }).click();
  await phone.locator('#smsPhone').fill(withoutLine);
  await phone.getByRole('button', { name: '查看' }).click();
  await expect(phone.locator('#smsList')).toContainText(SMS_PATIENT);
  await phone.screenshot({ path: path.join(SHOTS, 'pnp-phone-sms.png') });

  // The appointment's 提醒 tab: LINE 通知訊息, delivered; the other one: 簡訊 and why.
  const openDrawer = async (q: string, name: string) => {
    await page.goto('/appointments');
    await page.getByLabel('搜尋病患').fill(q);
    await page.getByLabel('搜尋病患').press('Enter');
    await page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: name }).click();
    const drawer = page.getByRole('dialog');
    await expect(drawer).toContainText(name);
    await drawer.getByRole('tab', { name: /提醒/ }).click();
    return drawer;
  };
  let drawer = await openDrawer(withLine, PATIENT);
  await expect(drawer.getByRole('tabpanel')).toContainText('LINE 通知訊息');
  await expect
    .poll(
      async () => {
        if (await drawer.getByText(/已送達手機/).count()) return true;
        drawer = await openDrawer(withLine, PATIENT);
        return false;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  await expect(drawer.getByRole('tabpanel')).toContainText('病患尚未綁定 LINE，以 LINE 通知訊息傳到手機號碼');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'pnp-appointment-reminders.png') });

  drawer = await openDrawer(withoutLine, SMS_PATIENT);
  await expect(drawer.getByRole('tabpanel')).toContainText('簡訊');
  await expect(drawer.getByRole('tabpanel')).toContainText('LINE 通知訊息無法送達：此手機號碼沒有 LINE 帳號');

  // The 發送紀錄 (delivery log) shows which way each went: LINE 通知訊息 (delivered) and 簡訊 with why.
  await page.goto(`/reminders/log?q=PNP-${run}-`);
  const logRow = (name: string) => page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: name });
  await expect(logRow(PATIENT).first()).toContainText('LINE 通知訊息');
  await expect(logRow(PATIENT).first()).toContainText('已送達');
  await expect(logRow(SMS_PATIENT).first()).toContainText('簡訊');
  await expect(logRow(SMS_PATIENT).first()).toContainText('此手機號碼沒有 LINE 帳號');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'pnp-delivery-log.png') });

  // The emulator counted one LINE notification message for the channel today (LINE counts days in UTC+9).
  const day = new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10).replace(/-/g, '');
  const count = await fetch(`${EMU}/v2/bot/message/delivery/pnp?date=${day}`, {
    headers: { authorization: 'Bearer demo-channel-access-token' },
  });
  expect(((await count.json()) as { success: number }).success).toBeGreaterThanOrEqual(1);
  await quietHoursBack();
});
