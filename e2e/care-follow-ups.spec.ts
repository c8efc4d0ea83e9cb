// The no-show follow-up to a closed task, on the emulator's phone page and the back office: an
// admin sets 未到診關懷 to send at once → a patient binds on LINE → the HIS marks their visit of
// today no_show → 「今天沒看到您…」 reaches the phone → the patient taps 「請診所與我聯絡」 and is
// thanked → 首頁 counts it under 待追蹤 → one click opens 衛教追蹤 › 待追蹤 → staff assign it,
// start it and close it with 已安排回診 → the no-show log shows the answer.
// Screenshots: docs/screenshots/care-*.png (1440 px back office, 390 px phone).
import { expect, test } from '@playwright/test';
import { ADMIN_EMAIL, BASE, csrfJson, followAndBind, his, login, quietHoursOff, SHOTS, newLineUser } from './demo.ts';

/** The start of the current hour in Taipei today, as the HIS sends it: a visit already begun, always today. */
function thisHourToday(): string {
  const t = new Date(Date.now() + 8 * 3600e3).toISOString();
  return `${t.slice(0, 13)}:00:00+08:00`;
}

test('HIS no_show → 「今天沒看到您」 on the phone → 請診所與我聯絡 → 待追蹤 on the home page → assigned and closed', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const run = Date.now().toString(36);
  const name = `未到${run.slice(-4)}`;
  const phone = `09${String(Date.now()).slice(-8)}`;

  // the admin: quiet hours off for this run (the demo clinic holds messages 21:00–08:00), and the
  // no-show message sent right after the mark
  const office = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: BASE });
  await login(office, ADMIN_EMAIL);
  const restoreQuiet = await quietHoursOff(office);
  await office.goto('/care/no-show');
  await expect(office.getByRole('switch')).toBeChecked();
  await expect(office.getByText('今天沒看到您，要幫您重新安排看診時間嗎？').first()).toBeVisible();
  await office.getByLabel('HIS 標記「未到」後延後').fill('0');
  await office.getByRole('button', { name: '儲存' }).click();
  await expect(office.getByText('已儲存，未到診關懷已開啟')).toBeVisible();
  await office.screenshot({ path: `${SHOTS}/care-no-show-settings.png`, fullPage: true });

  try {
    // the patient binds on LINE
    await his(`/patients/NS-${run}`, { name, phone, chartNo: `NS${run.slice(-5)}` });
    await page.setViewportSize({ width: 390, height: 844 });
    const userId = await newLineUser(`${name}的LINE`);
    await followAndBind(page, userId, phone);
    await page.locator('#wvClose').click();

    // the HIS: a visit of today, then marked no_show
    const visit = { patientId: `NS-${run}`, doctorId: 'D001', startsAt: thisHourToday(), visitType: '洗牙' };
    await his(`/appointments/NS-${run}-A1`, { ...visit, status: 'booked', version: 1 });
    await his(`/appointments/NS-${run}-A1`, { ...visit, status: 'no_show', version: 2 });

    // the phone: the kind message with its two buttons, then the patient's tap and the thank-you
    const timeline = page.locator('#timeline');
    await expect(timeline).toContainText(`${name} 您好，今天沒看到您，要幫您重新安排看診時間嗎？`, { timeout: 30_000 });
    await expect(timeline.getByRole('button', { name: '不用了，謝謝' }).last()).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/care-no-show-phone.png` });
    await timeline.getByRole('button', { name: '請診所與我聯絡' }).last().click();
    await expect(timeline).toContainText('收到！已請診所人員與您聯絡，協助重新安排看診時間', { timeout: 15_000 });
    await page.screenshot({ path: `${SHOTS}/care-no-show-phone-answered.png` });

    // 首頁: the 待追蹤 counter, one click from the list
    await office.goto('/');
    const counter = office.getByRole('link', { name: /^待追蹤 \d+/ });
    await expect(counter).toBeVisible({ timeout: 15_000 });
    await expect.poll(async () => Number((await counter.getAttribute('aria-label'))?.split(' ')[1])).toBeGreaterThan(0);
    await office.screenshot({ path: `${SHOTS}/care-home-counter.png` });
    await counter.click();
    await expect(office).toHaveURL(/\/care\/follow-ups/);
    const row = office.getByRole('row').filter({ hasText: name });
    await expect(row).toBeVisible();
    await expect(row).toContainText('今天未到診，請回電安排回診');
    await expect(row).toContainText('優先');
    await expect(row).toContainText('未到診關懷');
    await office.waitForTimeout(1000); // the list settles after the live stream's first event
    await expect(office.locator('.ant-table .ant-spin-blur')).toHaveCount(0);
    await office.screenshot({ path: `${SHOTS}/care-follow-ups-list.png` });

    // the task: assign to the front desk, start, close with an outcome
    await row.click();
    const drawer = office.getByRole('dialog').filter({ hasText: '處理紀錄' });
    await expect(drawer).toContainText(`待追蹤：${name}`);
    await expect(drawer).toContainText('病患回覆：「請診所與我聯絡」');
    await drawer.getByLabel('負責人').click();
    await office.locator('.ant-select-item-option').filter({ hasText: '陳怡君' }).click();
    await expect(office.getByText('已指派給 陳怡君')).toBeVisible();
    await drawer.getByRole('button', { name: '開始處理' }).click();
    await expect(drawer).toContainText('處理中');
    await drawer.getByRole('button', { name: '完成' }).click();
    const modal = office.getByRole('dialog').filter({ hasText: '完成待追蹤' });
    await modal.getByText('已安排回診', { exact: true }).click();
    await modal.getByLabel('說明').fill('已改約明天上午 10:00');
    await modal.getByRole('button', { name: '完成' }).click();
    await expect(office.getByText('已完成：已安排回診')).toBeVisible();
    await expect(drawer).toContainText('已完成');
    await expect(drawer).toContainText('已改約明天上午 10:00');
    await expect(drawer).toContainText('陳怡君');
    await office.screenshot({ path: `${SHOTS}/care-follow-ups-done.png` });

    // the no-show log: sent and answered, with the task
    await office.goto('/care/no-show');
    const logRow = office.getByRole('row').filter({ hasText: name });
    await expect(logRow).toContainText('請診所聯絡');
    await expect(logRow.getByRole('link', { name: '開啟' })).toBeVisible();
    await office.screenshot({ path: `${SHOTS}/care-no-show-log.png`, fullPage: true });
  } finally {
    const doc = (await csrfJson(office, 'GET', '/api/no-show/settings')).json as {
      enabled: boolean;
      text: string;
      delayMinutes: number;
    };
    await csrfJson(office, 'PUT', '/api/no-show/settings', { enabled: doc.enabled, text: doc.text, delayMinutes: 30 });
    await restoreQuiet();
  }
});
