// Foundation: the demo admin logs in and sees the shell, invites a front-desk user,
// the invitee sets a password from the link in a fresh browser, logs in, and is refused the
// admin pages (menu entries hidden, direct URL shows the 403 result).
import { expect, test } from '@playwright/test';
import { ADMIN_EMAIL, login } from './demo.ts';

const ADMIN = { email: ADMIN_EMAIL, password: 'careline-demo' };
const NAV = ['首頁', '預約', '提醒', '病患', '訊息', '衛教追蹤', '滿意度', '客服', '報表', '設定', '說明'];
const ADMIN_PAGES = ['人員管理', 'HIS 串接', '背景工作', '稽核紀錄'];

test('admin invites a front-desk user who cannot open the admin pages', async ({ page, browser }) => {
  // Wrong password: the API's message is shown on the login card.
  await page.goto('/login');
  await page.getByLabel('電子郵件').fill(ADMIN.email);
  await page.getByLabel('密碼', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: '登入', exact: true }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  // The admin sees the whole shell.
  await login(page, ADMIN.email, ADMIN.password);
  const nav = page.getByRole('navigation', { name: '主選單' });
  for (const label of NAV) await expect(nav.getByRole('menuitem', { name: label, exact: true })).toBeVisible();
  await nav.getByRole('menuitem', { name: '設定', exact: true }).click();
  for (const label of ['診所資料', ...ADMIN_PAGES])
    await expect(nav.getByRole('menuitem', { name: label })).toBeVisible();

  // Invite a front-desk user (unique email per run).
  const email = `desk-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@e2e.careline.tw`;
  const name = `櫃台測試${Date.now() % 10000}`;
  await nav.getByRole('menuitem', { name: '人員管理' }).click();
  await expect(page.getByRole('heading', { name: '人員管理' })).toBeVisible();
  await page.getByRole('button', { name: '邀請人員' }).first().click();
  const dialog = page.getByRole('dialog', { name: '邀請人員' });
  await dialog.getByLabel('電子郵件').fill(email);
  await dialog.getByLabel('姓名').fill(name);
  await expect(dialog.getByLabel('角色')).toBeVisible();
  await expect(dialog.getByText('櫃台人員')).toBeVisible(); // the default role
  await dialog.getByRole('button', { name: '產生邀請連結' }).click();
  const done = page.getByRole('dialog', { name: '邀請連結已產生' });
  await expect(done.getByText('請將此連結交給該人員，7 天內有效', { exact: false })).toBeVisible();
  const link = await done.getByLabel('邀請連結').inputValue();
  expect(link).toMatch(/\/invite\/[\w-]+$/);
  await done.getByRole('button', { name: '完成' }).click();
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row.getByText('櫃台人員')).toBeVisible();
  await expect(row.getByText('已邀請')).toBeVisible();

  // The invitee opens the link in a fresh browser context and sets a password.
  const ctx = await browser.newContext();
  const desk = await ctx.newPage();
  const password = `e2e-${Math.random().toString(36).slice(2)}-pass`;
  await desk.goto(new URL(link).pathname);
  await desk.getByLabel('新密碼', { exact: true }).fill(password);
  await desk.getByLabel('確認新密碼').fill(password.slice(0, -1) + 'X');
  await desk.getByRole('button', { name: '設定密碼並登入' }).click();
  await expect(desk.getByText('兩次輸入的密碼不一致')).toBeVisible();
  await desk.getByLabel('確認新密碼').fill(password);
  await desk.getByRole('button', { name: '設定密碼並登入' }).click();
  await expect(desk.getByRole('heading', { name: new RegExp(name) })).toBeVisible();

  // Log out, then log in with the new password.
  await desk.getByRole('button', { name: '使用者選單' }).click();
  await desk.getByRole('menuitem', { name: '登出' }).click();
  await expect(desk).toHaveURL(/\/login/);
  await login(desk, email, password);
  const deskNav = desk.getByRole('navigation', { name: '主選單' });
  await expect(desk.getByRole('button', { name: '使用者選單' })).toContainText('櫃台人員');

  // Admin pages are hidden from the menu…
  await deskNav.getByRole('menuitem', { name: '設定', exact: true }).click();
  await expect(deskNav.getByRole('menuitem', { name: '診所資料' })).toBeVisible();
  for (const label of ADMIN_PAGES) await expect(deskNav.getByRole('menuitem', { name: label })).toHaveCount(0);

  // …and refused when opened directly.
  for (const path of ['/settings/staff', '/settings/api-keys', '/settings/jobs', '/settings/audit']) {
    await desk.goto(path);
    await expect(desk.getByText('您沒有權限檢視此頁面')).toBeVisible();
  }
  await ctx.close();
});
