// 提醒 › 訊息範本 against the demo stack: a new template's text changes the live preview (drawn
// by the same Flex renderer as LINE's phone), an unknown variable is shown in zh-TW and blocks
// saving (nothing is saved), the saved template is sent as a test to a LINE friend and arrives on
// the emulator's phone page, and the template is deleted again.
import { expect, test } from '@playwright/test';
import { ADMIN_EMAIL, EMU, login, openPhone, SHOTS } from './demo.ts';

test('edit a template → preview changes; unknown variable refused; send a test → it arrives on the phone', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const tag = Date.now().toString(36).slice(-5);
  const friendName = `範本測試${tag}`;
  const created = await fetch(`${EMU}/_emulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: friendName }),
  });
  const { userId } = (await created.json()) as { userId: string };
  await fetch(`${EMU}/_emulator/users/${userId}/follow`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channelId: '1000000001' }),
  });

  await login(page, ADMIN_EMAIL);
  await page.goto('/reminders/templates');
  await expect(page.getByRole('heading', { name: '訊息範本' })).toBeVisible();
  await expect(page.getByRole('cell', { name: /看診提醒/ }).first()).toBeVisible();

  // A new template: its title and date style show in the preview as they are typed.
  await page.getByRole('button', { name: '新增範本' }).click();
  await page.getByLabel('名稱').fill(`術後回診 ${tag}`);
  const preview = page.getByTestId('line-preview');
  await expect(preview).toContainText('看診提醒');
  const title = `術後回診提醒${tag}`;
  await page.getByLabel('標題').fill(title);
  await expect(preview).toContainText(title);
  await page.getByRole('combobox', { name: '日期寫法' }).click();
  await page.locator('.ant-select-item-option', { hasText: '民國（民國115年3月16日）' }).click();
  await expect(preview).toContainText('民國1');
  await expect(page.getByTestId('alt-text-preview')).toContainText('民國1');

  // An unknown variable: the zh-TW error names it and 儲存 stays disabled.
  const body = page.getByLabel('內文');
  await body.fill('{patientName} 您好，{foo} 請回診。\n{date}（{weekday}） {time}');
  const problems = page.getByTestId('template-problems');
  await expect(problems).toContainText('不認得的變數：{foo}');
  await expect(page.getByRole('button', { name: '儲存範本' })).toBeDisabled();
  await expect(preview).toContainText('{foo} 請回診。'); // the server's preview of the unsaved text
  await expect(page.getByText('檢查中…')).toHaveCount(0);
  await problems.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/reminder-templates-unknown-variable.png` });

  // A variable chip inserts at the cursor.
  await body.fill('{patientName} 您好，請於 {time} 回診。');
  await body.focus();
  await body.press('End');
  await page.getByRole('group', { name: '插入變數' }).getByText('{preparation}').click();
  await expect(body).toHaveValue('{patientName} 您好，請於 {time} 回診。{preparation}');
  await expect(problems).toHaveCount(0);
  await expect(preview).toContainText('請於 10:00 回診。');

  await page.getByRole('button', { name: '儲存範本' }).click();
  await expect(page.getByText('範本已儲存')).toBeVisible();
  await expect(page.getByRole('cell', { name: new RegExp(`術後回診 ${tag}`) })).toBeVisible();

  // Nothing half-saved: an unknown variable typed into the saved template cannot be saved.
  await body.fill('{patientName} 您好 {foo}');
  await expect(problems).toContainText('{foo}');
  await expect(page.getByRole('button', { name: '儲存範本' })).toBeDisabled();
  await page.reload();
  await expect(page.getByLabel('內文')).toHaveValue('{patientName} 您好，請於 {time} 回診。{preparation}');
  await expect(preview).toContainText('請於 10:00 回診。');
  await page.screenshot({ path: `${SHOTS}/reminder-templates.png` });

  // Send a test to the LINE friend; it arrives on the emulator's phone page.
  const to = page.getByRole('combobox', { name: '測試對象' });
  await expect
    .poll(
      async () => {
        await page.reload();
        await to.click();
        await to.fill(friendName);
        return page.locator('.ant-select-item-option', { hasText: friendName }).count();
      },
      { message: 'the follow reaches the friends list', timeout: 20_000 },
    )
    .toBeGreaterThan(0);
  await page.locator('.ant-select-item-option', { hasText: friendName }).click();
  await page.getByRole('button', { name: '傳送測試' }).click();
  await expect(page.getByText(`測試訊息已傳給 ${friendName}`)).toBeVisible();

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await openPhone(phone, userId);
  await expect(phone.locator('#timeline')).toContainText(title, { timeout: 15_000 });
  await expect(phone.locator('#timeline')).toContainText('請於 10:00 回診。');
  await phone.screenshot({ path: `${SHOTS}/reminder-template-test-phone.png` });
  await phone.close();

  // The custom template is deleted again (no rule uses it).
  await page.getByRole('button', { name: '刪除' }).click();
  await page.getByRole('button', { name: '刪除', exact: true }).last().click();
  await expect(page.getByText('範本已刪除')).toBeVisible();
  await expect(page.getByRole('cell', { name: new RegExp(`術後回診 ${tag}`) })).toHaveCount(0);
});

test('the front desk reads templates and notes but cannot change them', async ({ page }) => {
  await login(page, 'desk@demo.careline.tw');
  await page.goto('/reminders/templates');
  await expect(page.getByText('只有管理者可以修改範本')).toBeVisible();
  await expect(page.getByRole('button', { name: '新增範本' })).toHaveCount(0);
  await expect(page.getByLabel('標題')).toBeDisabled();
  await expect(page.getByRole('button', { name: '儲存範本' })).toHaveCount(0);
  await expect(page.getByTestId('line-preview')).toContainText('看診提醒');
  await expect(page.getByLabel('預設的準備事項')).toBeDisabled();
  await expect(page.getByRole('button', { name: '傳送測試' })).toBeVisible();
});
