// 群發 from the back office to the phone: a patient binds their LINE on the emulator's phone page,
// is tagged and put in a saved segment; the admin composes a broadcast to that segment on
// 訊息 › 群發, sees its estimate (who gets it on LINE, the cost formula), sends it now, watches it
// finish (LINE 送達) — and the phone receives the message.
// Screenshots: docs/screenshots/broadcasts-*.png (1440 px back office, 390 px phone).
import { expect, test } from '@playwright/test';
import {
  ADMIN_EMAIL,
  csrfJson,
  followAndBind,
  his,
  login,
  newLineUser,
  openPhone,
  quietHoursOff,
  SHOTS,
} from './demo.ts';

const run = Date.now().toString(36).slice(-5);
const phone = `09${String(Date.now() + 41).slice(-8)}`;
const NAME = '邱雅琪';
const TEXT = `六月洗牙週：預約洗牙送牙線一盒（${run}）。詳情 https://example.com/june`;

test('a broadcast to a segment shows its estimate, sends, and the phone receives it', async ({ page, browser }) => {
  test.setTimeout(150_000);
  await his(`/patients/BC-${run}`, { name: NAME, phone, chartNo: `BC${run}` });

  // The patient follows the clinic and binds on the phone.
  await page.setViewportSize({ width: 390, height: 844 });
  const userId = await newLineUser(NAME, phone);
  await followAndBind(page, userId, phone);

  // The admin tags the patient and saves a segment of that tag (病患 › 分眾 does the same).
  const office = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await login(office, ADMIN_EMAIL);
  const restore = await quietHoursOff(office); // a send now must not wait for 08:00 in Taipei
  try {
    const found = await csrfJson(office, 'GET', `/api/patients?q=BC${run}`);
    const patientId = (found.json as { items: { id: string }[] }).items[0].id;
    const tag = (await csrfJson(office, 'POST', '/api/tags', { name: `六月洗牙-${run}` })).json as { id: string };
    expect(
      (await csrfJson(office, 'POST', '/api/patients/tags', { patientIds: [patientId], tagIds: [tag.id] })).status,
    ).toBe(200);
    const segName = `六月洗牙名單-${run}`;
    expect(
      (await csrfJson(office, 'POST', '/api/segments', { name: segName, conditions: { tagIds: [tag.id] } })).status,
    ).toBe(201);

    // Compose: the segment, a text with a link; the estimate names one LINE recipient.
    await office.goto('/messages/broadcasts');
    await office.getByRole('button', { name: '新增群發' }).click();
    await office.getByPlaceholder('例如：六月洗牙優惠').fill(`六月洗牙週 ${run}`);
    await office.getByLabel('選擇分眾').click();
    await office.locator('.ant-select-item-option', { hasText: segName }).click();
    await office.getByLabel('第 1 則文字').fill(TEXT);
    const estimate = office.getByTestId('estimate');
    await expect(estimate).toContainText(`分眾：${segName}（1 人）`, { timeout: 15_000 });
    await expect(estimate).toContainText('LINE：1 位好友 × 1 則 = 1 則');
    await expect(office.getByTestId('broadcast-preview')).toContainText(TEXT); // the LINE-like preview
    await office.screenshot({ path: `${SHOTS}/broadcasts-composer.png` });

    // Send now (admin), confirm, and watch it finish.
    await office.getByRole('button', { name: '立即傳送' }).click();
    await office.locator('.ant-modal-confirm').getByRole('button', { name: '傳送', exact: true }).click();
    const drawer = office.locator('.ant-drawer').filter({ hasText: '每位收件人的結果' });
    await expect(drawer.getByText('已完成')).toBeVisible({ timeout: 30_000 });
    await expect(drawer.getByRole('cell', { name: NAME })).toBeVisible();
    await expect(drawer.getByRole('cell', { name: '已送出' })).toBeVisible();
    await office.screenshot({ path: `${SHOTS}/broadcasts-detail.png` });
    await office.keyboard.press('Escape');
    await expect(office.getByRole('row', { name: new RegExp(`六月洗牙週 ${run}`) })).toContainText('1 / 1');
    await office.screenshot({ path: `${SHOTS}/broadcasts-list.png` });
  } finally {
    await restore();
  }

  // The phone receives it, its link through the clinic's redirect.
  await openPhone(page, userId);
  const timeline = page.locator('#timeline');
  await expect(timeline).toContainText(`預約洗牙送牙線一盒（${run}）`, { timeout: 20_000 });
  await expect(timeline).toContainText('/r/');
  await page.screenshot({ path: `${SHOTS}/broadcasts-phone.png` });
});
