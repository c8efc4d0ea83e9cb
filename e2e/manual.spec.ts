// 系統操作手冊 (docs/manual) in the product: a page's 「？」 opens its chapter at the page's section,
// with the chapter's screenshots served; the help search finds manual text; the manual PDF downloads
// from the help centre, is printed by headless Chromium, and its first pages are converted with
// pdftoppm for a person to look at (docs/screenshots/manual-pdf-*.png). It also takes the manual's
// screenshots of back-office pages no other spec shows (docs/manual/screenshots.json names this spec).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_EMAIL, followAndBind, his, login, newLineUser, SHOTS } from './demo.ts';

async function shot(page: Page, url: string, title: string, name: string) {
  await page.goto(url);
  await expect(page.getByRole('heading', { level: 3, name: title })).toBeVisible();
  await expect(page.locator('.ant-spin-spinning')).toHaveCount(0);
  await page.mouse.move(0, 0);
  // transitions finished: a table that just loaded fades its rows in
  await page.screenshot({ path: `${SHOTS}/${name}`, animations: 'disabled' });
}

test("the manual: screenshots the chapters show, a page's 「？」 opens its section, search, PDF", async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  // 病患手機端: the LIFF 線上預約 page as a bound patient fills it in; the request is sent, so that
  // 線上預約 › 預約申請 has a row to show below.
  const run = Date.now().toString(36).slice(-5);
  const phone = `09${String(Date.now() + 7).slice(-8)}`;
  await his(`/patients/MAN-${run}`, { name: '林小安', phone });
  const patient = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const wv = await followAndBind(patient, await newLineUser('林小安'), phone);
  // the demo opens online booking once its fill is done (a minute after the start, when run first)
  await expect(async () => {
    await wv.getByRole('link', { name: '我的預約' }).click();
    await wv.getByRole('link', { name: '線上預約' }).click();
    await expect(wv.getByRole('heading', { name: '線上預約', exact: true })).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  await wv.getByRole('radiogroup', { name: '醫師' }).locator('label').nth(1).click();
  await wv.getByRole('radiogroup', { name: '看診類別' }).locator('label').first().click();
  const days = wv.getByRole('radiogroup', { name: '日期' }).locator('label');
  await days.nth(Math.min(2, (await days.count()) - 1)).click();
  await wv.getByRole('radiogroup', { name: '時段' }).locator('label').first().click();
  await wv.locator('body').evaluate(() => window.scrollTo(0, 0));
  await patient.screenshot({ path: `${SHOTS}/liff-booking.png` });
  await wv.getByRole('button', { name: '送出預約申請' }).click();
  await expect(wv.locator('#bk-done-h')).toBeVisible();
  await patient.close();

  await page.goto('/login');
  await expect(page.getByRole('button', { name: '登入', exact: true })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/login.png` });
  await login(page, ADMIN_EMAIL);

  // The pages the manual shows that no other spec photographs.
  await shot(page, '/settings/clinic', '診所資料', 'settings-clinic.png');
  await shot(page, '/settings/staff', '人員管理', 'staff.png');
  await shot(page, '/settings/line', 'LINE 官方帳號', 'line-settings.png');
  await shot(page, '/settings/rich-menu', '圖文選單', 'rich-menu.png');
  await shot(page, '/settings/jobs', '背景工作', 'settings-jobs.png');
  await shot(page, '/settings/audit', '稽核紀錄', 'audit.png');
  await shot(page, '/messages/auto-replies', '罐頭訊息與關鍵字', 'auto-replies.png');
  await page.goto('/booking/requests');
  await expect(page.getByRole('row').filter({ hasText: '林小安' })).toBeVisible();
  await shot(page, '/booking/requests', '預約申請', 'booking-requests.png');
  await shot(page, '/booking/rules', '預約規則', 'booking-rules.png');

  // A page's 「？」: the drawer links the manual's section about the page.
  await page.goto('/reminders/log');
  await page.getByRole('button', { name: '說明' }).click();
  const link = page.getByRole('link', { name: '在操作手冊中閱讀' });
  await expect(link).toContainText('第 3 章 回診提醒 › 發送紀錄與重新發送');
  await page.mouse.move(0, 0);
  await expect(link).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: `${SHOTS}/help-drawer.png`, animations: 'disabled' });
  await link.click();
  await expect(page).toHaveURL(/\/help\?chapter=reminders&section=/);
  const content = page.getByLabel('說明內容');
  await expect(content.getByRole('heading', { level: 3, name: '回診提醒' })).toBeVisible();
  const section = content.getByRole('heading', { level: 4, name: '發送紀錄與重新發送' });
  await expect(section).toBeInViewport();
  // the chapter's screenshots come from the api, and load
  const img = content.getByRole('img', { name: '發送紀錄：失敗的在最前面' });
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((e: HTMLImageElement) => e.complete && e.naturalWidth)).toBe(1440);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${SHOTS}/help-manual.png` });

  // The search reads the manual: a step only the manual describes is found, and opens there.
  await page.getByLabel('搜尋說明').fill('透過網址新增');
  const hits = page.locator('[aria-label="搜尋結果"] .ant-list-item');
  await expect(hits.first()).toContainText('第 2 章 櫃台日常 › 把門診訂閱到手機行事曆');
  await hits.first().click();
  await expect(page).toHaveURL(/chapter=front-desk/);
  await expect(content.getByRole('heading', { level: 4, name: '把門診訂閱到手機行事曆' })).toBeInViewport();

  // The manual as PDF: downloaded from the help centre, A4, Traditional Chinese, with the screenshots.
  const downloading = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByRole('button', { name: '下載操作手冊 PDF' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('Careline-系統操作手冊.pdf');
  const dir = mkdtempSync(path.join(tmpdir(), 'careline-manual-'));
  const file = path.join(dir, 'manual.pdf');
  await download.saveAs(file);
  expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  expect(info).toMatch(/Page size:.*\(A4\)/);
  expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeGreaterThan(30);
  const text = execFileSync('pdftotext', ['-l', '3', file, '-'], { encoding: 'utf8' });
  expect(text).toContain('系統操作手冊');
  expect(text).toContain('病患手機端');
  // page 1 (the cover) and page 3 (the first chapter, with its screenshot) for a person to look at
  for (const n of [1, 3]) {
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '60',
      '-f',
      String(n),
      '-l',
      String(n),
      '-singlefile',
      file,
      path.join(SHOTS, `manual-pdf-${n}`),
    ]);
    expect(statSync(path.join(SHOTS, `manual-pdf-${n}.png`)).size).toBeGreaterThan(5_000);
  }

  // The specification too (fetched: the same route the button uses).
  const spec = await page.request.get('/api/help/spec.pdf');
  expect(spec.status()).toBe(200);
  expect(spec.headers()['content-type']).toBe('application/pdf');
  expect((await spec.body()).subarray(0, 5).toString()).toBe('%PDF-');
});
