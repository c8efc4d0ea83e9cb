// 開始使用: the platform operator opens a new clinic; its first admin sets a password from the
// invitation link and walks the home page's checklist to done on the emulator — a LINE channel
// made in the emulator (saved, then 測試連線 with its webhook check), both rich menus published,
// an HIS key whose first call reaches Careline, the shipped reminder rules confirmed, the SMS
// choice saved and a colleague invited. Every step is checked by the server, none ticked by hand.
// Screenshots: docs/screenshots/first-use-*.png (1440 px).
import { expect, test, type Page } from '@playwright/test';
import { BASE, EMU, login, SHOTS } from './demo.ts';

const run = Date.now().toString(36).slice(-5);

async function checklistStep(page: Page, label: RegExp) {
  await page.goto('/');
  return page.getByRole('listitem', { name: label });
}

test('a new clinic walks the first-use checklist to done', async ({ page, browser }) => {
  test.setTimeout(240_000);

  // The platform operator opens the clinic and copies the admin's invitation link.
  await login(page, 'operator@demo.careline.tw');
  await page.goto('/platform/clinics');
  await page.getByRole('button', { name: '開設診所' }).first().click();
  const dialog = page.getByRole('dialog', { name: '開設診所' });
  await dialog.getByLabel('診所名稱').fill(`新開牙醫 ${run}`);
  await dialog.getByLabel('電子郵件').fill(`owner-${run}@e2e.careline.tw`);
  await dialog.getByLabel('姓名').fill('王院長');
  await dialog.getByRole('button', { name: '開設診所' }).click();
  const link = await page.getByLabel('管理者邀請連結').inputValue();

  // The admin sets a password and lands on the home page with the checklist at 0 of 6.
  const ctx = await browser.newContext({
    locale: 'zh-TW',
    timezoneId: 'Asia/Taipei',
    viewport: { width: 1440, height: 900 },
  });
  const admin = await ctx.newPage();
  const password = `e2e-${run}-first-use`;
  await admin.goto(new URL(link).pathname);
  await admin.getByLabel('新密碼', { exact: true }).fill(password);
  await admin.getByLabel('確認新密碼').fill(password);
  await admin.getByRole('button', { name: '設定密碼並登入' }).click();
  const card = admin.locator('[aria-label="開始使用"]');
  await expect(card).toContainText('0 / 6 已完成');
  await admin.mouse.move(0, 0);
  await admin.screenshot({ path: `${SHOTS}/first-use-start.png` });

  // 1. LINE: a channel made in the emulator (no webhook URL yet), saved, then 測試連線.
  const channelId = String(1_800_000_000 + Math.floor(Math.random() * 1e8));
  const secret = `secret${run}`.padEnd(32, '0');
  const made = await fetch(`${EMU}/_emulator/channels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channelId, channelSecret: secret, displayName: `新開牙醫 ${run}` }),
  });
  const { channelAccessToken } = (await made.json()) as { channelAccessToken: string };
  await (await checklistStep(admin, /連接 LINE 官方帳號/)).getByRole('link', { name: /前往設定/ }).click();
  await expect(admin).toHaveURL(/\/settings\/line/);
  await admin.getByLabel('Channel ID').fill(channelId);
  await admin.getByLabel('Channel secret').fill(secret);
  await admin.getByLabel(/Channel access token/).fill(channelAccessToken);
  await admin.getByRole('button', { name: '儲存', exact: true }).first().click();
  await expect(admin.getByText('LINE 設定已儲存').first()).toBeVisible();
  await admin.getByRole('button', { name: '測試連線' }).click();
  await expect(admin.getByText('Webhook 正常：LINE 的測試呼叫已送達 Careline').first()).toBeVisible({
    timeout: 20_000,
  });
  // LINE now calls this clinic's Careline URL.
  const endpoint = await fetch(`${EMU}/v2/bot/channel/webhook/endpoint`, {
    headers: { authorization: `Bearer ${channelAccessToken}` },
  });
  expect(((await endpoint.json()) as { endpoint: string }).endpoint).toContain(`/line/webhook/${channelId}`);
  await expect(await checklistStep(admin, /連接 LINE 官方帳號.*已完成/)).toBeVisible();

  // 2. Both rich menus published.
  await (await checklistStep(admin, /發布圖文選單/)).getByRole('link', { name: /前往設定/ }).click();
  for (const tab of ['未綁定使用者', '已綁定使用者']) {
    await admin.getByRole('tab', { name: new RegExp(tab) }).click();
    const panel = admin.getByRole('tabpanel');
    await panel.getByRole('button', { name: '發布到 LINE' }).click();
    await expect(panel.getByText(/上次發布/)).toBeVisible({ timeout: 20_000 });
  }
  await expect(await checklistStep(admin, /發布圖文選單.*已完成/)).toBeVisible();

  // 3. An HIS key, and its first call.
  await (await checklistStep(admin, /建立 HIS 金鑰/)).getByRole('link', { name: /前往設定/ }).click();
  await admin.getByRole('button', { name: '建立金鑰' }).first().click();
  const keyDialog = admin.getByRole('dialog', { name: '建立 API 金鑰' });
  await keyDialog.getByLabel('金鑰名稱').fill('診所 HIS');
  await keyDialog.getByRole('button', { name: '建立金鑰' }).click();
  const created = admin.getByRole('dialog', { name: '金鑰已建立' });
  const key = await created.getByLabel('API 金鑰').inputValue();
  await created.getByRole('button').last().click();
  await expect(await checklistStep(admin, /建立 HIS 金鑰.*未完成/)).toContainText('等待 HIS 第一次傳入');
  const doctor = await fetch(`${BASE}/his/v1/doctors/D001`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: '王大明' }),
  });
  expect(doctor.status).toBeLessThan(300);
  await expect(await checklistStep(admin, /建立 HIS 金鑰.*已完成/)).toBeVisible();

  // 4. The shipped reminder rules confirmed as they are.
  await (await checklistStep(admin, /確認提醒規則/)).getByRole('link', { name: /前往設定/ }).click();
  await admin.getByRole('button', { name: '確認使用這些規則' }).click();
  await expect(admin.getByText(/已儲存；未來預約/)).toBeVisible();
  await expect(admin.getByRole('button', { name: '確認使用這些規則' })).toHaveCount(0);

  // 5. The SMS choice saved (Careline's default account).
  await (await checklistStep(admin, /選擇簡訊服務商/)).getByRole('link', { name: /前往設定/ }).click();
  await admin.getByRole('button', { name: '儲存簡訊設定' }).click();
  await expect(admin.getByText('簡訊設定已儲存')).toBeVisible();

  // 6. A colleague invited: the checklist is done and leaves the home page.
  await (await checklistStep(admin, /邀請診所人員/)).getByRole('link', { name: /前往設定/ }).click();
  await admin.getByRole('button', { name: '邀請人員' }).first().click();
  const invite = admin.getByRole('dialog', { name: '邀請人員' });
  await invite.getByLabel('電子郵件').fill(`desk-${run}@e2e.careline.tw`);
  await invite.getByLabel('姓名').fill('陳櫃台');
  await invite.getByRole('button', { name: '產生邀請連結' }).click();
  await admin.getByRole('dialog', { name: '邀請連結已產生' }).getByRole('button', { name: '完成' }).click();
  await admin.goto('/');
  await expect(admin.getByRole('heading', { name: /王院長/ })).toBeVisible();
  await expect(admin.locator('[aria-label="開始使用"]')).toHaveCount(0);
  await admin.mouse.move(0, 0);
  await admin.screenshot({ path: `${SHOTS}/first-use-done.png` });
  await ctx.close();
});
