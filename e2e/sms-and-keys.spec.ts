// Two admin moments on the demo stack:
// - a patient without LINE gets the booking reminder as an SMS (the demo clinic allows SMS
//   fallback); the appointment's reminders tab shows the SMS with its number, status, segments;
// - an admin creates a HIS API key: the key is shown once, with the header to use, and the
//   dialog does not close on an outside click while the key is on screen.
// Screenshots at 1440 px: docs/screenshots/frontdesk-detail-sms.png, api-key-created.png.
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { BASE, his, login, quietHoursOff, SHOTS } from './demo.ts';

const run = Date.now().toString(36).slice(-5);
const phone = `09${String(Date.now() + 11).slice(-8)}`;
const PATIENT = '簡訊測';

test.use({ viewport: { width: 1440, height: 900 } });

test('a patient without LINE gets the reminder by SMS, and the appointment shows it', async ({ page }) => {
  test.setTimeout(90_000);
  await login(page, 'admin@demo.careline.tw');
  // A booking reminder goes at once whatever the hour of the run (not at 08:00 after quiet hours);
  // the dispatcher reads a clinic's settings at most every 30 s.
  const quietHoursBack = await quietHoursOff(page);
  await page.waitForTimeout(31_000);
  const inThreeDays = new Date(Date.now() + 3 * 86_400_000 + 8 * 3600e3).toISOString().slice(0, 10);
  await his(`/patients/SMS-${run}`, { name: `${PATIENT}${run}`, phone });
  await his(`/appointments/SMS-A-${run}`, {
    patientId: `SMS-${run}`,
    doctorId: 'D001',
    startsAt: `${inThreeDays}T10:30:00+08:00`,
    status: 'booked',
    visitType: '洗牙',
    // Booked now: the demo's initial sync is still running, and an appointment it receives
    // without bookedAt is taken as an existing one copied over (no booking-day message).
    bookedAt: new Date().toISOString(),
    version: 1,
  });

  await page.goto('/appointments');
  await page.getByLabel('搜尋病患').fill(phone.slice(-4));
  await page.keyboard.press('Enter');
  const row = page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: `${PATIENT}${run}` });
  await expect(row).toBeVisible();
  await row.click();
  const drawer = page.getByRole('dialog');
  await expect(drawer).toContainText(`${PATIENT}${run}`);
  // The booking-day reminder is planned, then sent by the worker within seconds: as an SMS.
  await expect(async () => {
    await drawer.getByRole('tab', { name: /提醒/ }).click();
    await expect(drawer.getByText(/^簡訊 09/)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  const sms = drawer.getByText(/^簡訊 09/).first();
  await expect(sms).toContainText(/則/);
  await expect(sms).toContainText(/已交給簡訊商|已送達|排隊中|重試中/);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'frontdesk-detail-sms.png') });
  await quietHoursBack();
});

test('an admin creates a HIS API key that is shown once', async ({ page }) => {
  await login(page, 'admin@demo.careline.tw');
  await page.goto('/settings/api-keys');
  await page.getByRole('button', { name: '建立金鑰' }).first().click();
  const dialog = page.getByRole('dialog', { name: '建立 API 金鑰' });
  await dialog.getByLabel('金鑰名稱').fill(`門診 HIS 測試機 ${run}`);
  await dialog.getByRole('button', { name: '建立金鑰' }).click();
  const done = page.getByRole('dialog', { name: '金鑰已建立' });
  await expect(done).toContainText('Authorization: Bearer');
  const key = await done.getByLabel('API 金鑰').inputValue();
  expect(key.length).toBeGreaterThan(20);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'api-key-created.png') });
  // A click outside does not close it while the key is on screen.
  await page.mouse.click(20, 450);
  await expect(done).toBeVisible();
  await done.getByRole('button', { name: '我已妥善保存' }).click();
  await expect(done).toBeHidden();
  // The new key works against the HIS API.
  const res = await fetch(`${BASE}/his/v1/status-changes`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  await expect(page.locator('.ant-table-tbody').first()).toContainText(`門診 HIS 測試機 ${run}`);
});
