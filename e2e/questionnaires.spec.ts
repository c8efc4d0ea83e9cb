// 滿意度 › 問卷 and Google 評論 in a real browser with the emulator's phone page:
// a questionnaire from the 看診滿意度調查 template, sent to a saved segment from the back office,
// answered in the LIFF form on the phone (a required question left out first, then complete; a
// second open says it was answered), the results with a chart per question, the XLSX export read
// back by exceljs; and a review added to the emulator's Business Profile shows in the back office
// after connecting by OAuth, and a reply written there reaches the emulator.
// Screenshots: docs/screenshots/questionnaires-*.png, reviews-*.png (1440 px and the 390 px phone).
import { expect, test } from '@playwright/test';
import ExcelJS from 'exceljs';
import { ADMIN_EMAIL, csrfJson, EMU, followAndBind, his, login, newLineUser, quietHoursOff, SHOTS } from './demo.ts';

test('a questionnaire sent to a segment is answered on the phone and charted in the back office', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const run = Date.now().toString(36).slice(-5);
  const phone = `09${String(Date.now()).slice(-8)}`;
  const name = `問卷測試${run}`;
  await his(`/patients/QN-${run}`, { name, phone, chartNo: `QN${run}` });

  // the patient follows the clinic and binds on the phone
  await page.setViewportSize({ width: 390, height: 844 });
  const userId = await newLineUser(name);
  const bound = await followAndBind(page, userId, phone);
  await bound.getByRole('button', { name: '關閉' }).click();

  // the back office: quiet hours off for the run, a segment of this one patient
  const office = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await login(office, ADMIN_EMAIL);
  const restore = await quietHoursOff(office);
  try {
    const seg = await csrfJson(office, 'POST', '/api/segments', { name: `問卷對象 ${run}`, conditions: { phone } });
    expect(seg.status).toBe(201);

    // build from the template, preview, save
    await office.goto('/satisfaction/questionnaires');
    await office.getByRole('button', { name: '新增問卷' }).hover();
    await office.getByText('從範本建立：看診滿意度調查').click();
    await office.getByLabel('問卷名稱').fill(`看診滿意度調查 ${run}`);
    await office.getByRole('button', { name: '預覽' }).click();
    await expect(office.getByText('病患在手機上看到的樣子（寬 390 px）')).toBeVisible();
    await office.screenshot({ path: `${SHOTS}/questionnaires-builder.png` });
    await office.getByRole('button', { name: '儲存' }).click();
    await expect(office.getByText('已建立問卷')).toBeVisible();

    // send it to the segment
    await office.getByRole('tab', { name: '寄出' }).click();
    await office.getByLabel('寄送對象').click();
    await office.getByTitle(`問卷對象 ${run}`).click();
    await office.getByRole('button', { name: '寄出問卷' }).click();
    await office.getByRole('button', { name: /確\s*定|OK/ }).click();
    await expect(office.getByText(/已排入 1 位以 LINE 傳送/)).toBeVisible();

    // the phone: the message with the form button; a required question left out, then complete
    const timeline = page.locator('#timeline');
    await expect(timeline).toContainText(`看診滿意度調查 ${run}`, { timeout: 30_000 });
    await timeline.getByRole('button', { name: '填寫問卷' }).last().click();
    const wv = page.frameLocator('#wvFrame');
    await expect(wv.getByRole('heading', { level: 1 })).toContainText(`看診滿意度調查 ${run}`, { timeout: 20_000 });
    const score = (q: string, n: number) =>
      wv.getByRole('radiogroup', { name: q }).getByText(String(n), { exact: true }).click();
    await score('候診時間', 3);
    await score('人員態度', 5);
    await score('醫師與人員的說明清楚程度', 5);
    await score('環境（整潔、舒適）', 4);
    await wv.getByRole('button', { name: '送出' }).click();
    await expect(wv.getByText('第 5 題是必填題，請回答')).toBeVisible();
    await score('整體滿意度', 4);
    await wv.getByRole('textbox', { name: '其他建議（選填）' }).fill('候診區可以多放一些兒童讀物');
    await page.screenshot({ path: `${SHOTS}/questionnaires-phone-form.png` });
    await wv.getByRole('button', { name: '送出' }).click();
    await expect(wv.getByRole('heading', { name: '已收到，謝謝您！' })).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/questionnaires-phone-done.png` });

    // opened again: one response per person
    await wv.getByRole('button', { name: '回到聊天室' }).click();
    await timeline.getByRole('button', { name: '填寫問卷' }).last().click();
    await expect(wv.getByRole('heading', { name: '您已經填寫過這份問卷了' })).toBeVisible({ timeout: 20_000 });

    // the results: response rate and a chart per question
    await office.getByRole('tab', { name: '結果' }).click();
    await office.reload();
    await office.getByRole('cell', { name: new RegExp(`看診滿意度調查 ${run}`) }).click();
    const drawer = office.getByRole('dialog');
    await expect(drawer.getByText('100%')).toBeVisible();
    await expect(drawer.getByRole('img', { name: '候診時間 的統計圖' })).toBeVisible();
    await expect(drawer.getByText('候診區可以多放一些兒童讀物')).toBeVisible();
    await office.screenshot({ path: `${SHOTS}/questionnaires-results.png` });

    // the XLSX export, read back
    const list = (await csrfJson(office, 'GET', '/api/questionnaires')).json as {
      items: { id: string; title: string }[];
    };
    const id = list.items.find((q) => q.title === `看診滿意度調查 ${run}`)!.id;
    const xlsx = await office.request.get(`/api/questionnaires/${id}/export?format=xlsx`);
    expect(xlsx.status()).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('填答')!;
    expect(ws.getRow(2).getCell(3).value).toBe(name);
    expect(ws.getRow(2).getCell(5).value).toBe(3);
    expect(ws.getRow(2).getCell(10).value).toBe('候診區可以多放一些兒童讀物');
  } finally {
    await restore();
  }
});

test('a review in the emulator’s Business Profile shows in the back office and a reply reaches it', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const run = Date.now().toString(36).slice(-5);
  await page.setViewportSize({ width: 1440, height: 900 });
  await login(page, ADMIN_EMAIL);
  await page.goto('/satisfaction/reviews');
  const status = (await csrfJson(page, 'GET', '/api/google/status')).json as { status: string };
  if (status.status !== 'connected') {
    await page.getByRole('button', { name: /連結 Google 商家檔案|重新連結/ }).click();
    // Google's consent page (the emulator's stand-in)
    await expect(page.getByRole('heading', { level: 1 })).toContainText('想要存取你的 Google 帳戶');
    await page.screenshot({ path: `${SHOTS}/reviews-consent.png` });
    await page.getByRole('button', { name: '允許' }).click();
    await expect(page.getByText('已連結 Google 商家檔案，評論同步完成。')).toBeVisible({ timeout: 20_000 });
  }

  // a new 2-star review arrives on Google; 立即同步 brings it in
  const comment = `候診等了快一個小時 ${run}`;
  const added = await fetch(`${EMU}/gbp/control/reviews`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ starRating: 2, comment, reviewerName: '李小姐' }),
  });
  const review = (await added.json()) as { reviewId: string };
  await page.getByRole('button', { name: '立即同步' }).click();
  await expect(page.getByText('同步完成，新增 1 則評論')).toBeVisible();
  const item = page.getByRole('listitem').filter({ hasText: comment });
  await expect(item.getByText('新', { exact: true })).toBeVisible();
  await expect(item.getByLabel('2 顆星')).toBeVisible();

  // the reply goes to Google
  await item.getByRole('button', { name: '回覆' }).click();
  const reply = '很抱歉讓您久候，我們已調整預約間隔，歡迎再給我們一次機會。';
  await item.getByRole('textbox').fill(reply);
  await item.getByRole('button', { name: '送出回覆' }).click();
  await expect(page.getByText('已回覆，會顯示在 Google 上')).toBeVisible();
  await expect(item.getByText(reply)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/reviews-page.png`, fullPage: true });
  const state = (await (await fetch(`${EMU}/gbp/control/state`)).json()) as {
    reviews: { reviewId: string; reviewReply?: { comment: string } }[];
  };
  expect(state.reviews.find((r) => r.reviewId === review.reviewId)?.reviewReply?.comment).toBe(reply);
});
