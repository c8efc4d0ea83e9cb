// The patient's whole LINE journey on the emulator's phone page against the demo stack:
// follow → greeting → rich menu 綁定帳號 → LIFF bind page (個資告知, phone, SMS code from the
// emulator's SMS gateway) → bound menu within 2 s → 我的預約 (confirm) → 家人 (cancel request, then
// withdraw it) → a keyword gets its canned reply, a free question an acknowledgement → a family
// member the HIS adds later is offered (加入) → unbind from the page (menu back to the unbound one).
import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { EMU, his, openPhone, SHOTS, smsCode } from './demo.ts';

const run = Date.now().toString(36).slice(-5);
// A fresh mobile number each run (the family of two shares it).
const phone = `09${String(Date.now()).slice(-8)}`;

function tpe(daysAhead: number, hh: number, mm = 0): string {
  const d = new Date(Date.now() + 8 * 3600e3 + daysAhead * 86400e3);
  return `${d.toISOString().slice(0, 10)}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+08:00`;
}

const webview = (page: Page): FrameLocator => page.frameLocator('#wvFrame');
/** Tap a rich menu area, opening the menu first when it is collapsed. */
async function tapMenu(page: Page, label: string) {
  const area = page.locator(`.rm-area[title="${label}"]`);
  await expect(area).toBeAttached({ timeout: 20_000 });
  if (!(await area.isVisible())) await page.locator('#rmBar').click();
  await area.click();
}

async function closeWebview(page: Page) {
  await page.locator('#wvClose').click();
  await expect(page.locator('#webview')).toBeHidden();
}

test.beforeAll(async () => {
  await his('/doctors/E2E-D1', { name: '測試醫師', department: '牙科' });
  await his(`/patients/E2E-${run}-1`, { name: '陳大文', phone });
  await his(`/patients/E2E-${run}-2`, { name: '陳小芸', phone });
  await his(`/appointments/E2E-${run}-A1`, {
    patientId: `E2E-${run}-1`,
    doctorId: 'E2E-D1',
    startsAt: tpe(3, 9, 30),
    durationMinutes: 30,
    visitType: '洗牙',
    status: 'booked',
    version: 1,
  });
  await his(`/appointments/E2E-${run}-A2`, {
    patientId: `E2E-${run}-2`,
    doctorId: 'E2E-D1',
    startsAt: tpe(5, 14, 0),
    durationMinutes: 30,
    visitType: '兒童塗氟',
    status: 'booked',
    version: 1,
  });
});

test('follow → greeting → bind with SMS code → bound menu → my appointments → family → canned reply → unbind', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const res = await fetch(`${EMU}/_emulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: '陳大文', phone }),
  });
  const { userId } = (await res.json()) as { userId: string };
  await openPhone(page, userId);

  // follow → greeting with a bind button, and the menu for unbound users
  await page.getByRole('button', { name: '加入好友' }).click();
  await expect(page.locator('#timeline')).toContainText('晴光牙醫診所', { timeout: 15_000 });
  await expect(page.locator('#timeline').getByRole('button', { name: '立即綁定' }).first()).toBeVisible();
  await expect(page.locator('.rm-area[title="綁定帳號"]')).toBeAttached({ timeout: 15_000 });
  await page.screenshot({ path: `${SHOTS}/liff-emulator-chat.png` }); // the operator manual's 病患手機端

  // rich menu → LIFF bind page in the webview
  await tapMenu(page, '綁定帳號');
  await expect(page.locator('#webview')).toBeVisible();
  const wv = webview(page);
  await expect(wv.getByRole('heading', { level: 1 })).toContainText('告知', { timeout: 20_000 });
  await expect(wv.getByRole('button', { name: '下一步' })).toBeDisabled();
  await page.screenshot({ path: `${SHOTS}/liff-privacy.png` });
  await wv.getByLabel('我已閱讀並同意上述個資告知').check();
  await wv.getByRole('button', { name: '下一步' }).click();

  const phoneBox = wv.getByRole('textbox', { name: '手機號碼' });
  await phoneBox.fill('0212345678');
  await wv.getByRole('button', { name: '傳送驗證碼' }).click();
  await expect(wv.locator('#phone-msg')).toContainText('09');
  await phoneBox.fill(phone);
  await expect(phoneBox).toHaveValue(`${phone.slice(0, 4)}-${phone.slice(4, 7)}-${phone.slice(7)}`);
  await page.screenshot({ path: `${SHOTS}/liff-phone.png` });
  await wv.getByRole('button', { name: '傳送驗證碼' }).click();
  await expect(wv.getByRole('heading', { name: '輸入簡訊驗證碼' })).toBeVisible();
  await expect(wv.getByRole('button', { name: /秒後可重送/ })).toBeDisabled();

  const code = await smsCode(phone);
  const wrong = code === '000000' ? '111111' : '000000';
  await wv.getByLabel('6 位數驗證碼').fill(wrong);
  await expect(wv.locator('#code-msg')).toContainText('還可以再試');
  await wv.getByLabel('6 位數驗證碼').fill(code);
  const boundAt = Date.now();
  await expect(wv.getByRole('heading', { name: '綁定完成' })).toBeVisible();
  await expect(wv.getByText('已綁定：')).toContainText('陳大文');
  await expect(wv.getByText('已綁定：')).toContainText('陳小芸');
  await page.screenshot({ path: `${SHOTS}/liff-success.png` });
  await wv.getByRole('button', { name: '關閉' }).click();
  await expect(page.locator('#webview')).toBeHidden();

  // the menu switches to the one for bound users within 2 s of binding (the page's long poll
  // answers at once when the menu it shows is not the user's any more)
  await expect(page.locator('.rm-area[title="綁定管理"]')).toBeAttached({ timeout: 5_000 });
  expect(Date.now() - boundAt).toBeLessThan(3_000);

  // 我的預約: both family members' appointments, upcoming first; confirm one
  await tapMenu(page, '我的預約');
  await expect(wv.getByRole('heading', { name: '即將到來的預約' })).toBeVisible({ timeout: 20_000 });
  const first = wv.locator('article.card').first();
  await expect(first).toContainText('測試醫師');
  await expect(first).toContainText('洗牙');
  await expect(first).toContainText('陳大文');
  await expect(wv.locator('article.card')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}/liff-appointments.png` });
  await first.getByRole('button', { name: '確認赴約' }).click();
  await expect(first.locator('.chip.green')).toContainText('確認赴約');
  await expect(first.getByRole('button', { name: '確認赴約' })).toHaveCount(0);

  // 家人: one section per family member
  await wv.getByRole('link', { name: '家人' }).click();
  await expect(wv.locator('section.member')).toHaveCount(2);
  await expect(wv.locator('section.member').nth(1)).toContainText('兒童塗氟');

  // ask to cancel one (reason chips) and to reschedule the other (preferred times)
  const second = wv.locator('section.member').nth(1).locator('article.card').first();
  await second.getByRole('button', { name: '取消' }).click();
  const sheet = wv.getByRole('dialog');
  await sheet.getByText('身體不適').click();
  await page.screenshot({ path: `${SHOTS}/liff-cancel.png` });
  await sheet.getByRole('button', { name: '確定取消' }).click();
  await expect(sheet).toBeHidden();
  // a pending request offers only its withdrawal
  await expect(second.locator('.chip.grey')).toContainText('取消申請處理中');
  await expect(second.getByRole('button', { name: '確認赴約' })).toHaveCount(0);
  await expect(second.getByRole('button', { name: '改期' })).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/liff-cancel-pending.png` });
  page.once('dialog', (d) => void d.accept());
  await second.getByRole('button', { name: '撤回申請' }).click();
  await expect(second.locator('.chip.grey')).toHaveCount(0);
  await expect(second.getByRole('button', { name: '確認赴約' })).toBeVisible();
  await second.getByRole('button', { name: '取消' }).click();
  await sheet.getByText('身體不適').click();
  await sheet.getByRole('button', { name: '確定取消' }).click();
  await expect(second.locator('.chip.grey')).toContainText('取消申請處理中');
  const firstFamily = wv.locator('section.member').first().locator('article.card').first();
  await firstFamily.getByRole('button', { name: '改期' }).click();
  await sheet.getByLabel('第 1 個希望時間').fill(`${tpe(10, 10).slice(0, 16)}`);
  await sheet.getByLabel('備註（選填）').fill('平日上午較方便');
  await page.screenshot({ path: `${SHOTS}/liff-reschedule.png` });
  await sheet.getByRole('button', { name: '送出改期申請' }).click();
  await expect(sheet).toBeHidden();
  await expect(firstFamily.locator('.chip.blue')).toContainText('改期申請處理中');
  await closeWebview(page);

  // a keyword gets the clinic's canned reply
  await page.locator('#text').fill('請問門診時間');
  await page.locator('#send').click();
  await expect(page.locator('#timeline')).toContainText('週日及國定假日休診', { timeout: 15_000 });
  // a question in the patient's own words (no reminder to answer) gets the FAQ bot's answer
  await page.locator('#text').fill('可以改下午嗎？');
  await page.locator('#send').click();
  await expect(page.locator('#timeline')).toContainText('要更改或取消預約', { timeout: 15_000 });
  // a question nothing answers is acknowledged, and waits for the front desk
  await page.locator('#text').fill('請問有賣電動牙刷嗎？');
  await page.locator('#send').click();
  await expect(page.locator('#timeline')).toContainText('已收到您的訊息', { timeout: 15_000 });

  // a family member the HIS adds later is offered once; 加入 binds it
  await his(`/patients/E2E-${run}-3`, { name: '陳小豪', phone });
  await expect(page.locator('#timeline')).toContainText('新增家人：陳小豪，要一起查詢嗎？', { timeout: 15_000 });
  await page.screenshot({ path: `${SHOTS}/line-family-offer.png` });
  await page.locator('#timeline').getByRole('button', { name: '加入', exact: true }).last().click();
  await expect(page.locator('#timeline')).toContainText('已加入家人：陳小豪', { timeout: 15_000 });

  // unbind from the LIFF page: the menu goes back to the one for unbound users
  await tapMenu(page, '綁定管理');
  await expect(wv.getByRole('heading', { name: '已完成綁定' })).toBeVisible({ timeout: 20_000 });
  await expect(wv.locator('.people')).toContainText('陳小芸');
  await wv.getByRole('button', { name: '解除綁定' }).click();
  await expect(wv.getByRole('alertdialog')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/liff-unbind-confirm.png` });
  await wv.getByRole('alertdialog').getByRole('button', { name: '解除綁定' }).click();
  await expect(wv.getByRole('status')).toContainText('已解除綁定');
  await expect(wv.getByLabel('我已閱讀並同意上述個資告知')).not.toBeChecked();
  await closeWebview(page);
  await expect(page.locator('.rm-area[title="綁定帳號"]')).toBeAttached({ timeout: 30_000 });
});
