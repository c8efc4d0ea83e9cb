// 照護計畫 in the browser: the clinic switches on the shipped 拔牙後照護 (its day-1 step moved to
// 00:00 in the editor, so that with the visit put in the past — completed yesterday — day 1 is
// due now whatever the hour of the run); an extraction marked completed through the HIS API
// enrols the patient; day 1's message reaches the emulator's phone; the patient taps
// 「很痛，想問醫師」 and a high-priority follow-up task appears for staff.
import { expect, test } from '@playwright/test';
import {
  ADMIN_EMAIL,
  csrfJson,
  followAndBind,
  his,
  login,
  newLineUser,
  quietHoursOff,
  SHOTS,
  taipeiAt,
} from './demo.ts';

test('an extraction completed in the HIS enrols the patient; day 1 reaches the phone; 很痛 opens a task', async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  const run = Date.now().toString(36).slice(-5);
  const phone = `09${String(Date.now()).slice(-8)}`;
  const name = `照護${run}`;
  await login(page, ADMIN_EMAIL);
  const restoreQuiet = await quietHoursOff(page);

  // The plan list: shipped plans, disabled.
  await page.goto('/care/plans');
  const row = page.getByRole('row', { name: /拔牙後照護/ });
  await expect(row).toBeVisible();
  await expect(row.getByRole('switch')).not.toBeChecked();
  await page.screenshot({ path: `${SHOTS}/care-plans.png` });

  // The editor: day 1 at 00:00, so that it is due now (overlapping steps: care-plans.test.ts).
  await row.getByRole('button', { name: '編輯「拔牙後照護」' }).click();
  const editor = page.getByRole('dialog');
  await expect(editor.getByText('病人手機預覽')).toBeVisible();
  await editor.getByLabel('第 2 步是第幾天').fill('1');
  await editor.getByLabel('第 2 步的時間', { exact: true }).fill('00:00');
  await editor.getByText('第 2 步：第 1 天 00:00').click();
  await page.screenshot({ path: `${SHOTS}/care-plan-editor.png` });
  await editor.getByRole('button', { name: '儲存' }).click();
  await expect(page.getByText('已儲存照護計畫')).toBeVisible();
  await row.getByRole('switch').click();
  await expect(row.getByRole('switch')).toBeChecked();

  // A patient bound to LINE; the HIS marks yesterday's extraction completed (the clock moved).
  await his(`/patients/CP-${run}`, { name, phone });
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-TW' });
  const phonePage = await ctx.newPage();
  const user = await newLineUser(name, phone);
  const wv = await followAndBind(phonePage, user, phone);
  await wv.getByRole('button', { name: '關閉' }).click();
  // Booked, then marked completed (a change the HIS makes now, not a copy of the past).
  const visit = { patientId: `CP-${run}`, doctorId: 'D001', startsAt: taipeiAt(-1, 10), visitType: '拔牙' };
  await his(`/appointments/CP-${run}-1`, { ...visit, status: 'booked', version: 1 });
  await his(`/appointments/CP-${run}-1`, { ...visit, status: 'completed', version: 2 });

  // Enrolled: the 照護紀錄 tab shows the patient in 拔牙後照護.
  await page.getByRole('tab', { name: '照護紀錄' }).click();
  await expect(async () => {
    await page.getByRole('tab', { name: '計畫' }).click();
    await page.getByRole('tab', { name: '照護紀錄' }).click();
    await expect(page.getByRole('row', { name: new RegExp(name) })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  // Day 1 reaches the phone, with the check-in's quick replies.
  await expect(phonePage.getByText('今天是拔牙後第 1 天').first()).toBeVisible({ timeout: 30_000 });
  const quick = phonePage.locator('#quick');
  await expect(quick.getByRole('button', { name: '很痛，想問醫師' })).toBeVisible();
  await expect(quick.getByRole('button', { name: '不用再傳' })).toBeVisible();
  await phonePage.screenshot({ path: `${SHOTS}/care-plans-phone.png` });
  await quick.getByRole('button', { name: '很痛，想問醫師' }).click();
  await expect(phonePage.getByText('已通知診所，會盡快打電話給您').first()).toBeVisible({ timeout: 20_000 });

  // A high-priority follow-up task for staff, and the answer on the enrolment.
  await expect
    .poll(
      async () => {
        const r = await csrfJson(page, 'GET', '/api/follow-ups');
        const items = (r.json as { items: { patientName: string; priority: string; answer: string | null }[] }).items;
        return items.find((x) => x.patientName === name);
      },
      { timeout: 20_000 },
    )
    .toMatchObject({ priority: 'high', answer: '很痛，想問醫師' });
  await page.reload();
  await page.getByRole('tab', { name: '照護紀錄' }).click();
  const enrolled = page.getByRole('row', { name: new RegExp(name) });
  await enrolled.getByRole('button', { name: '展開列' }).click();
  await expect(page.getByText('很痛，想問醫師').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/care-plans-enrolments.png` });

  await ctx.close();
  await restoreQuiet();
});
