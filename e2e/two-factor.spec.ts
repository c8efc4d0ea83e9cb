// Two-factor login in the browser: a new staff member sets it up on 帳號安全 (the key read off
// the page, codes computed by an authenticator library), logs out, logs in with a computed
// code, then with a recovery code; the admin sees it on 設定 › 登入安全; the demo platform
// operator logs in with the documented secret (docs/contracts.md "Demo logins").
// Screenshots: docs/screenshots/two-factor-*.png (1440 px).
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_EMAIL, csrfJson, login, SHOTS, totpCode } from './demo.ts';

const PASSWORD = 'two-factor-e2e-password';

async function logout(page: Page) {
  await page.getByRole('button', { name: '使用者選單' }).click();
  await page.getByRole('menuitem', { name: '登出' }).click();
  await expect(page.getByRole('button', { name: '登入', exact: true })).toBeVisible();
}

async function password(page: Page, email: string, pw: string) {
  await page.goto('/login');
  await page.getByLabel('電子郵件').fill(email);
  await page.getByLabel('密碼', { exact: true }).fill(pw);
  await page.getByRole('button', { name: '登入', exact: true }).click();
}

test('set up two-factor login, log in with a code and with a recovery code', async ({ page, browser }) => {
  const run = Date.now().toString(36);
  const email = `tfa-${run}@demo.careline.tw`;
  // The admin invites a new staff member (a login of its own: the demo logins stay one-step).
  await login(page, ADMIN_EMAIL);
  const invited = await csrfJson(page, 'POST', '/api/staff', { email, name: `兩步驟 ${run}`, role: 'front_desk' });
  expect(invited.status).toBe(201);
  const token = (invited.json as { link: string }).link.split('/invite/')[1];
  const staffId = (invited.json as { staff: { id: string } }).staff.id;
  const person = await browser.newPage();
  const accepted = await person.request.post('/api/auth/accept-invite', { data: { token, password: PASSWORD } });
  expect(accepted.status()).toBe(200);
  await person.close();

  const me = await browser.newPage();
  await login(me, email, PASSWORD);
  await me.getByRole('button', { name: '使用者選單' }).click();
  await me.getByRole('menuitem', { name: '帳號安全' }).click();
  await expect(me).toHaveURL(/\/account\/security$/);
  await me.getByRole('button', { name: '開始設定' }).click();
  const secret = ((await me.getByLabel('手動輸入金鑰').textContent()) ?? '').replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(me.getByLabel('兩步驟驗證 QR code')).toBeVisible();
  await me.screenshot({ path: `${SHOTS}/two-factor-setup.png` });
  await me.getByLabel('驗證碼').fill(await totpCode(secret));
  await me.getByRole('button', { name: '啟用', exact: true }).click();
  const items = me.getByRole('list', { name: '復原碼' }).getByRole('listitem');
  await expect(items).toHaveCount(10);
  const codes = await items.allTextContents();
  await me.screenshot({ path: `${SHOTS}/two-factor-recovery-codes.png` });
  await me.getByRole('button', { name: '我已妥善保存' }).click();
  await expect(me.getByText('已啟用', { exact: true })).toBeVisible();
  await expect(me.getByText('10 組')).toBeVisible();
  await logout(me);

  // Password, then the code.
  await password(me, email, PASSWORD);
  await expect(me.getByText('請輸入手機驗證 App 上目前顯示的 6 位數字。')).toBeVisible();
  await me.getByLabel('驗證碼').fill('000000');
  await me.getByRole('button', { name: '驗證並登入' }).click();
  await expect(me.getByText(/驗證碼不正確/)).toBeVisible();
  await me.screenshot({ path: `${SHOTS}/two-factor-login.png` });
  await me.getByLabel('驗證碼').fill(await totpCode(secret));
  await me.getByRole('button', { name: '驗證並登入' }).click();
  await expect(me.getByRole('navigation', { name: '主選單' })).toBeVisible();
  await logout(me);

  // Password, then a recovery code (used up afterwards).
  await password(me, email, PASSWORD);
  await me.getByRole('button', { name: '手機不在身邊？改用復原碼' }).click();
  await me.getByLabel('復原碼').fill(codes[0]);
  await me.getByRole('button', { name: '驗證並登入' }).click();
  await expect(me.getByRole('navigation', { name: '主選單' })).toBeVisible();
  await me.goto('/account/security');
  await expect(me.getByText('9 組')).toBeVisible();
  await me.close();

  // The admin sees who has it.
  await page.goto('/settings/security');
  const row = page.getByRole('row', { name: new RegExp(email) });
  await expect(row.getByText('已啟用')).toBeVisible();
  await expect(page.getByRole('switch')).not.toBeChecked();
  await page.screenshot({ path: `${SHOTS}/two-factor-clinic-settings.png` });
  // Leave the demo clinic as it was: the test login is disabled.
  expect((await csrfJson(page, 'PATCH', `/api/staff/${staffId}`, { status: 'disabled' })).status).toBe(200);
});

test('the demo platform operator logs in with the documented TOTP secret (e2e/demo.ts login)', async ({ page }) => {
  await login(page, 'operator@demo.careline.tw');
  await expect(page).toHaveURL(/\/platform\/clinics/);
});
