// Post-visit satisfaction on the emulator's phone page and the back office: 調查設定 (sent right
// after the visit for the run, a Place ID) → the HIS marks a visit completed → the survey on the
// phone → 2 stars: thanks, 「想讓我們知道哪裡可以更好嗎？」 and the Google review link → the comment
// page refuses 5,000 characters with the limit in words, then takes a comment → a feedback case
// (source 滿意度調查) on 客服 › 客訴與意見 → a second visit, 5 stars: the review link again, no
// question → 滿意度總覽 shows the answers and its Excel export, read back by exceljs, holds them.
// Screenshots: docs/screenshots/satisfaction-*.png (1440 px and the 390 px phone).
import ExcelJS from 'exceljs';
import { expect, test } from '@playwright/test';
import {
  ADMIN_EMAIL,
  BASE,
  csrfJson,
  EMU,
  followAndBind,
  his,
  login,
  newLineUser,
  quietHoursOff,
  SHOTS,
} from './demo.ts';

const PLACE = 'ChIJgUbEo8cfqokR5lP9_Wh_DaM';
const REVIEW = `https://search.google.com/local/writereview?placeid=${PLACE}`;
type Settings = Record<string, unknown>;

/** What the demo channel sent the user (the emulator's log), newest last. */
async function sentTo(userId: string) {
  const r = await fetch(`${EMU}/_emulator/channels/1000000001/messages?to=${userId}`);
  return ((await r.json()) as { messages: { message: Record<string, unknown> }[] }).messages.map((m) => m.message);
}
const uris = (ms: Record<string, unknown>[]) =>
  ms.flatMap((m) => ((m.template as { actions?: { uri?: string }[] })?.actions ?? []).map((a) => a.uri ?? ''));

/** The HIS books a visit that began 40 minutes ago and marks it completed. */
async function completedVisit(appointmentId: string, patientId: string) {
  const startsAt = new Date(Date.now() - 40 * 60_000).toISOString();
  const body = { patientId, doctorId: 'D001', startsAt, visitType: '洗牙', durationMinutes: 30 };
  await his(`/appointments/${appointmentId}`, { ...body, status: 'booked', version: 1 });
  await his(`/appointments/${appointmentId}`, { ...body, status: 'completed', version: 2 });
}

test('completed visit → survey on the phone → 2 stars + comment → case and review link; 5 stars → link; Excel', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const office = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: BASE });
  await login(office, ADMIN_EMAIL);
  const restoreQuiet = await quietHoursOff(office);
  const before = (await csrfJson(office, 'GET', '/api/satisfaction/settings')).json as Settings;
  try {
    // 調查設定: an invalid Place ID is refused at the field; then sent right after the visit.
    await office.goto('/satisfaction/settings');
    await expect(office.getByRole('heading', { name: '調查設定' })).toBeVisible();
    await expect(office.getByText('Google 禁止只邀請滿意的病患寫評論')).toBeVisible();
    const on = office.getByRole('switch', { name: '看診完成後傳送滿意度調查' });
    if ((await on.getAttribute('aria-checked')) !== 'true') await on.click();
    await expect(on).toHaveAttribute('aria-checked', 'true');
    await office.getByLabel('傳送時間（分鐘）').fill('0');
    await office.getByLabel('同一位病患至少間隔').fill('0');
    await office.getByLabel('Google 地點 ID（Place ID）').fill('晴光牙醫的 Google 連結');
    await office.getByRole('button', { name: '儲存' }).click();
    await expect(office.getByText('Google 地點 ID 格式不正確')).toBeVisible();
    await office.getByLabel('Google 地點 ID（Place ID）').fill(REVIEW);
    await office.getByRole('button', { name: '儲存' }).click();
    await expect(office.getByText('已儲存滿意度調查設定')).toBeVisible();
    await expect(office.getByText(`目前的評論連結：${REVIEW}`)).toBeVisible();
    await expect(office.getByText('看診完成後立即傳送')).toBeVisible();
    // The preview: what follows 2 stars holds the review link too.
    await expect(office.getByText('寫 Google 評論')).toBeVisible();
    await expect(office.getByText('請修正標示的欄位')).toBeHidden();
    await expect(office.getByText('已儲存滿意度調查設定')).toBeHidden();
    await office.screenshot({ path: `${SHOTS}/satisfaction-settings.png` });

    // A patient bound on LINE; the HIS marks their visit completed.
    const stamp = Date.now().toString().slice(-7);
    const phone = `0935${stamp.slice(-6)}`;
    const patientId = `PSV${stamp}`;
    await his(`/patients/${patientId}`, { name: '滿意度測試', phone });
    const userId = await newLineUser('滿意度測試');
    await page.setViewportSize({ width: 390, height: 844 });
    await followAndBind(page, userId, phone);
    await page.locator('#wvClose').click();
    await completedVisit(`ASV${stamp}1`, patientId);

    // The survey on the phone: five star buttons and the comment link.
    const timeline = page.locator('#timeline');
    await expect(timeline).toContainText('看診滿意度調查', { timeout: 30_000 });
    await expect(timeline).toContainText('滿意度測試 您好');
    await page.screenshot({ path: `${SHOTS}/satisfaction-phone-survey.png` });
    await timeline.getByText('★★☆☆☆ 不滿意').last().click();
    await expect(timeline).toContainText('謝謝您的評分（★★☆☆☆ 2 星）', { timeout: 15_000 });
    await expect(timeline).toContainText('想讓我們知道哪裡可以更好嗎？');
    await expect(timeline.getByText('寫 Google 評論').last()).toBeVisible();
    expect(uris(await sentTo(userId))).toContain(REVIEW);
    await page.screenshot({ path: `${SHOTS}/satisfaction-phone-low.png` });

    // A double tap: recorded once, told politely.
    await timeline.getByText('★★★★★ 非常滿意').last().click();
    await expect(timeline).toContainText('您已經評分過了（★★☆☆☆ 2 星）', { timeout: 15_000 });

    // The comment page: 5,000 characters are refused with the limit, a short comment is taken.
    await timeline.getByText('告訴我們').last().click();
    const wv = page.frameLocator('#wvFrame');
    await expect(wv.getByRole('heading', { name: '看診滿意度' })).toBeVisible({ timeout: 20_000 });
    const box = wv.getByLabel('想讓我們知道哪裡可以更好嗎？（選填）');
    await box.fill('等'.repeat(5000));
    await expect(wv.getByText('意見最多 1,000 字，目前 5,000 字，請精簡後再送出')).toBeVisible();
    await wv.getByRole('button', { name: '送出' }).click();
    await expect(wv.getByText('意見最多 1,000 字，目前 5,000 字，請精簡後再送出')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/satisfaction-phone-too-long.png` });
    await box.fill('候診等了快一個小時，櫃台也沒有說明要等多久。');
    await wv.getByRole('button', { name: '送出' }).click();
    await expect(wv.getByRole('heading', { name: '謝謝您的回饋' })).toBeVisible({ timeout: 15_000 });
    const done = (await wv.locator('main').textContent()) ?? '';
    const number = /案件編號 (C-\d{4}-\d{4})/.exec(done)?.[1];
    expect(number, done).toBeTruthy();
    await expect(wv.getByRole('link', { name: '寫 Google 評論' })).toHaveAttribute('href', REVIEW);
    await page.screenshot({ path: `${SHOTS}/satisfaction-phone-comment-done.png` });
    await page.locator('#wvClose').click();

    // The feedback case on 客服 › 客訴與意見.
    await office.goto('/support/cases');
    const row = office.getByRole('row').filter({ hasText: number! });
    await expect(row).toBeVisible();
    await row.click();
    const drawer = office.getByRole('dialog').filter({ hasText: `案件 ${number}` });
    await expect(drawer.getByText('滿意度調查', { exact: false }).first()).toBeVisible();
    await expect(drawer.getByText(/候診等了快一個小時/).first()).toBeVisible();
    await office.keyboard.press('Escape');

    // A second visit, 5 stars: the same review link, no question.
    await completedVisit(`ASV${stamp}2`, patientId);
    // The first survey's button, the double tap's bubble, and the new survey's button.
    await expect(timeline.getByText('★★★★★ 非常滿意')).toHaveCount(3, { timeout: 30_000 });
    await timeline.getByText('★★★★★ 非常滿意').last().click();
    await expect(timeline).toContainText('謝謝您的評分（★★★★★ 5 星）', { timeout: 15_000 });
    const after5 = (await sentTo(userId)).slice(-2);
    expect(uris(after5)).toContain(REVIEW);
    expect(JSON.stringify(after5)).not.toContain('想讓我們知道哪裡可以更好嗎');
    await page.screenshot({ path: `${SHOTS}/satisfaction-phone-high.png` });

    // 滿意度總覽: the answers with the comment and the case; the Excel export holds them.
    await office.goto('/satisfaction/overview?stars=2');
    const answer = office.getByRole('row').filter({ hasText: '滿意度測試' });
    await expect(answer).toContainText('候診等了快一個小時');
    await expect(answer).toContainText(`案件 ${number}`);
    await office.goto('/satisfaction/overview');
    await expect(office.getByText('星等分布')).toBeVisible();
    await office.screenshot({ path: `${SHOTS}/satisfaction-overview.png`, fullPage: true });
    const download = office.waitForEvent('download');
    await office.getByRole('link', { name: /匯出 Excel/ }).click();
    const file = await (await download).path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('滿意度調查')!;
    const rows = (ws.getSheetValues() as unknown[][]).filter(Boolean);
    expect(String(rows[0][1])).toBe('看診時間（Asia/Taipei +08:00）');
    const ours = rows.filter((r) => r[2] === '滿意度測試');
    expect(ours.map((r) => r[7]).sort()).toEqual([2, 5]);
    expect(ours.find((r) => r[7] === 2)![10]).toBe('候診等了快一個小時，櫃台也沒有說明要等多久。');
    expect(ours.find((r) => r[7] === 2)![13]).toBe(number);
  } finally {
    const { reviewUrl: _r, ...body } = before;
    await csrfJson(office, 'PUT', '/api/satisfaction/settings', body);
    await restoreQuiet();
    await office.close();
  }
});
