// A complaint from LINE to its closing question, on the emulator's phone page and the back office:
// 「我要客訴」 → a case at once (number, time limits, the form button) → the LIFF form adds the
// category, details and a photo → the case with its clocks on 客服 › 客訴與意見 → 受理 there and a
// reply in 訊息 › 收件匣 (the case counts it) → the patient sees both on the phone → 結案 →
// 「這次的處理您滿意嗎？」 answered 滿意 and recorded on the case.
// Screenshots: docs/screenshots/cases-*.png (1440 px and the 390 px phone).
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_EMAIL, BASE, EMU, login, openPhone, SHOTS } from './demo.ts';

// An 8×6 PNG, as a phone's photo picker would hand over (scaled and re-encoded as JPEG by the form).
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAGCAIAAABxZ0isAAAAK0lEQVR4nGM4URGFFTGcaIrCihhO9ERhRQwnpkVhRQwnFkRhRQwnVkVh' +
    'RQBzB1GRipYYqgAAAABJRU5ErkJggg==',
  'base64',
);

/** The id of a case by its number (the cases API, with the page's session and CSRF cookie). */
async function caseIdOf(office: Page, number: string): Promise<string> {
  const r = await office.request.get(`/api/cases?status=all&q=${number}`);
  return ((await r.json()) as { items: { id: string }[] }).items[0].id;
}

async function send(page: Page, text: string) {
  await page.locator('#text').fill(text);
  await page.locator('#send').click();
}

test('「我要客訴」 → a case with its clocks → 受理, a reply in the inbox → the patient sees them → 結案 with 滿意', async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const res = await fetch(`${EMU}/_emulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: '林美華' }),
  });
  const { userId } = (await res.json()) as { userId: string };
  await openPhone(page, userId);
  await page.getByRole('button', { name: '加入好友' }).click();
  await expect(page.locator('#timeline')).toContainText('晴光牙醫診所', { timeout: 15_000 });

  // the complaint opens a case at once: its number, the limits in words and the form button
  await send(page, '我要客訴');
  const timeline = page.locator('#timeline');
  await expect(timeline).toContainText('案件編號：C-', { timeout: 15_000 });
  await expect(timeline).toContainText('4 小時內由專人受理，24 小時內回覆您（以門診時間計算）');
  const number = /案件編號：(C-\d{4}-\d{4})/.exec((await timeline.textContent()) ?? '')![1];
  await page.screenshot({ path: `${SHOTS}/cases-phone-opened.png` });

  // the LIFF form: category, details, a photo, how to be contacted
  await timeline.getByRole('button', { name: '填寫補充表單' }).last().click();
  const wv = page.frameLocator('#wvFrame');
  await expect(wv.getByRole('heading', { level: 1 })).toContainText(`補充說明（案件 ${number}）`, { timeout: 20_000 });
  await wv.getByText('候診時間', { exact: true }).click();
  await wv.getByLabel('想補充的內容（選填）').fill('預約下午 3 點，等到 4 點半才看到醫師，櫃台也沒有說明要等多久。');
  await wv
    .locator('input[type=file]')
    .setInputFiles({ name: 'waiting-room.png', mimeType: 'image/png', buffer: PHOTO });
  await expect(wv.getByRole('img', { name: '照片 1' })).toBeVisible();
  await wv.getByLabel('方便聯絡的時間（選填）').fill('平日下午');
  await page.screenshot({ path: `${SHOTS}/cases-phone-form.png` });
  await wv.getByRole('button', { name: '送出' }).click();
  await expect(wv.getByRole('heading', { name: '已收到，謝謝您' })).toBeVisible({ timeout: 15_000 });
  await page.locator('#wvClose').click();

  // the back office: the case with its two clocks
  const office = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: BASE });
  await login(office, ADMIN_EMAIL);
  await office.goto('/support/cases');
  const row = office.getByRole('row').filter({ hasText: number });
  await expect(row).toBeVisible();
  await expect(row).toContainText('候診時間');
  await expect(row.getByText(/^剩 /).first()).toBeVisible();
  await expect(office.locator('.ant-table .ant-spin-blur')).toHaveCount(0);
  await office.screenshot({ path: `${SHOTS}/cases-list.png` });

  // 受理 on the case page
  await row.click();
  const drawer = office.getByRole('dialog').filter({ hasText: `案件 ${number}` });
  await expect(drawer.getByText('預約下午 3 點，等到 4 點半才看到醫師').first()).toBeVisible();
  await expect(drawer.getByRole('img', { name: '病患上傳的照片' })).toBeVisible();
  await drawer.getByRole('button', { name: '受理' }).click();
  await expect(drawer.getByText('已受理', { exact: true }).first()).toBeVisible();
  await office.screenshot({ path: `${SHOTS}/cases-drawer.png` });

  // the front desk answers in the inbox: the case counts it as replied (both clocks stop)
  await drawer.getByRole('link', { name: '在收件匣開啟對話' }).click();
  await expect(office).toHaveURL(new RegExp(`/messages/inbox\\?f=all&c=${userId}`));
  const incoming = office.getByText('我要客訴', { exact: true }).first();
  await expect(incoming).toBeVisible({ timeout: 15_000 });
  await expect(office.getByRole('button', { name: '開立案件' }).first()).toBeVisible();
  await office.getByLabel('回覆內容').fill('林小姐您好，非常抱歉讓您久候。已請櫃台在延誤超過 15 分鐘時主動說明。');
  await office.getByRole('button', { name: '傳送' }).click();
  await expect(office.getByText(/已傳送/)).toBeVisible();
  await expect(office.getByText(/非常抱歉讓您久候/).first()).toBeVisible();
  await office.screenshot({ path: `${SHOTS}/cases-inbox.png` });
  await office.goto(`/support/cases?case=${await caseIdOf(office, number)}`);
  await expect(drawer.getByText('已回覆', { exact: true }).first()).toBeVisible();
  await expect(drawer.getByText('在收件匣回覆病患')).toBeVisible();

  // the patient sees both on the phone
  await expect(timeline).toContainText(`（案件編號 ${number}）已由專人受理`, { timeout: 15_000 });
  await expect(timeline).toContainText('非常抱歉讓您久候', { timeout: 15_000 });

  // 結案: the patient is asked the closing question and answers 滿意
  await drawer.getByRole('button', { name: '結案' }).click();
  await office
    .getByRole('dialog')
    .filter({ hasText: `結案 ${number}？` })
    .getByRole('button', { name: '結案' })
    .click();
  await expect(drawer.getByText('已結案', { exact: true }).first()).toBeVisible();
  await expect(timeline).toContainText('這次的處理您滿意嗎？', { timeout: 15_000 });
  await page.locator('#quick').getByRole('button', { name: '滿意', exact: true }).click();
  await expect(timeline).toContainText('謝謝您的回饋（滿意）', { timeout: 15_000 });
  await page.screenshot({ path: `${SHOTS}/cases-phone-closed.png` });

  await office.reload();
  await expect(office.getByRole('dialog').getByText('滿意', { exact: true }).first()).toBeVisible({ timeout: 15_000 });
  await office.screenshot({ path: `${SHOTS}/cases-drawer-closed.png` });

  // the statistics
  await office.keyboard.press('Escape');
  await office.getByRole('tab', { name: '統計' }).click();
  await expect(office.getByText('首次處理時限內')).toBeVisible();
  await office.screenshot({ path: `${SHOTS}/cases-stats.png` });
  await office.close();
});
