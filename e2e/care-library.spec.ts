// 衛教追蹤 › 衛教文章 on the demo stack: the starter articles are listed; staff write an article
// with a cover and watch the LINE card take shape in the preview, publish it, then send it from
// the inbox to a patient on the emulator's phone; the card shows there and 「閱讀全文」 opens the
// public article page. Screenshots: docs/screenshots/care-library-*.png (1440 px) and
// care-library-phone*.png (390 px).
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_EMAIL, EMU, login, openPhone, SHOTS } from './demo.ts';

const run = Date.now().toString(36).slice(-5);
const PATIENT = `衛教${run}`;
const TITLE = `智齒拔除後照護${run}`;
// A 200×130 PNG (sky, sun, grass), as the file picker hands it over.
const COVER = Buffer.from(
  [
    'iVBORw0KGgoAAAANSUhEUgAAAMgAAACCCAIAAACM+RDDAAABbUlEQVR42u3cUQ2AMAxAQbSgAy3owAOe+MYLIsACIUvLukuegKa7',
    'z23TdlxS8yYrEFgCS2BJYAksgSWBJbAElgSWwBJYElgCS2BJYAksgSWBJbDUovtc3gSWGpP6CS+wapJK5wVWcVVZtsAqTiqLF1ij',
    'qAq2BdZAqiJtgQUWWFT1Ywus4VTF2AILLLCo6scWWGCBRVU/tsACCyywwBJYDhUssMACS2AJLLDAAktgCSywwAJLYMntBrDAAktu',
    'kAossNjySkfeFQossNjyd4PSbUUOD9YQvOLHBqu+rZSZwarMK3FasGrySp8TLIElsASWLQgsgSWwJLAElsCSwBJYAksCS2AJLAks',
    'gSWwJLAElsCSwBJYAksCS2AJLAksgSWwpK+w5n2VmgeWwBJYAssWBJbAElgSWAJLYElgCSyBJYElsASWBJbAElgSWAJLYElgCSyB',
    'JYElsASWBJbAElgSWAJLYElgCSyBJYGlf/QAiXaaBZOXDMsAAAAASUVORK5CYII=',
  ].join(''),
  'base64',
);

async function say(phone: Page, text: string) {
  await phone.locator('#text').fill(text);
  await phone.locator('#send').click();
}

test('an article with a cover is written, previewed, published and sent from the inbox; the phone opens it', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await login(page, ADMIN_EMAIL);

  // the starter articles are there, published
  await page.goto('/care/library');
  await expect(page.getByRole('heading', { name: '衛教文章' })).toBeVisible();
  for (const t of ['拔牙後照護', '植牙術後照護', '根管治療後注意事項', '洗牙後注意事項', '正確刷牙與牙線'])
    await expect(page.getByRole('row', { name: new RegExp(t) }).first()).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'care-library-list.png') });

  // a new article: the preview follows the title, the cover and the text
  await page.getByRole('button', { name: '新增文章' }).click();
  const drawer = page.getByRole('dialog', { name: '新增衛教文章' });
  await expect(drawer.getByText('病患手機預覽')).toBeVisible();
  await drawer.getByLabel('標題').fill(TITLE);
  await drawer.locator('input[type=file]').setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: COVER });
  await expect(drawer.getByRole('img', { name: '封面' })).toBeVisible({ timeout: 15_000 });
  await drawer
    .getByLabel('內文')
    .fill(
      '智齒拔除後，傷口需要約一至兩週癒合。\n\n## 照護重點\n- 紗布緊咬 30 至 60 分鐘\n- 當天不要漱口\n\n## 如有以下情形，請立即回診或來電\n- 持續出血',
    );
  const preview = drawer.locator('.ant-col').filter({ hasText: '病患手機預覽' }).last();
  await expect(preview).toContainText(TITLE, { timeout: 10_000 });
  await expect(preview).toContainText('智齒拔除後，傷口需要約一至兩週癒合');
  await expect(preview).toContainText('閱讀全文');
  await expect(preview.locator('img').first()).toHaveAttribute('src', /\/line\/care-images\//);
  await expect(drawer.getByText(`手機通知顯示：【衛教】${TITLE}`)).toBeVisible();
  await drawer.getByRole('switch').click();
  await page.screenshot({ path: path.join(SHOTS, 'care-library-editor.png') });
  await drawer.getByRole('button', { name: '儲存' }).click();
  await expect(page.getByText('已儲存')).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(TITLE) });
  await expect(row).toContainText('已發布');

  // search finds it
  await page.getByLabel('搜尋文章').fill(TITLE);
  await page.getByLabel('搜尋文章').press('Enter');
  await expect(page.getByRole('row')).toHaveCount(2);

  // a patient on the emulator's phone writes to the clinic
  const phone = await (await browser.newContext({ locale: 'zh-TW', timezoneId: 'Asia/Taipei' })).newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  const res = await fetch(`${EMU}/_emulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: PATIENT }),
  });
  const { userId } = (await res.json()) as { userId: string };
  await openPhone(phone, userId);
  await phone.getByRole('button', { name: '加入好友' }).click();
  await expect(phone.locator('#timeline')).toContainText('晴光牙醫診所', { timeout: 15_000 });
  await say(phone, `智齒 ${run} 拔完一直流血正常嗎`);

  // the front desk answers with the article from the inbox
  await page.goto('/messages/inbox?f=all');
  const item = page.getByRole('listitem', { name: `與 ${PATIENT} 的對話` });
  await expect(item).toBeVisible({ timeout: 20_000 });
  await item.click();
  await page.getByLabel('回覆內容').fill('您好，少量滲血是正常的，請參考這篇說明。');
  await page.getByRole('button', { name: '衛教文章' }).click();
  await page.getByLabel('搜尋衛教文章').fill(run);
  await page.getByRole('listitem').filter({ hasText: TITLE }).click();
  await expect(page.getByText(`衛教文章：${TITLE}`)).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'care-library-inbox.png') });
  await page.getByRole('button', { name: '傳送' }).click();
  await expect(page.getByText(/^已傳送/)).toBeVisible();
  const log = page.getByRole('log', { name: '訊息' });
  await expect(log).toContainText(`【衛教】${TITLE}`, { timeout: 15_000 });

  // the card reaches the phone, with its cover; 閱讀全文 opens the article page
  const timeline = phone.locator('#timeline');
  await expect(timeline).toContainText('請參考這篇說明', { timeout: 15_000 });
  await expect(timeline).toContainText(TITLE);
  const hero = timeline.locator('img[src*="/line/care-images/"]').last();
  await expect(hero).toBeVisible();
  await expect.poll(() => hero.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(200);
  await phone.screenshot({ path: path.join(SHOTS, 'care-library-phone.png') });
  await timeline.getByText('閱讀全文').last().click();
  const wv = phone.frameLocator('#wvFrame');
  await expect(wv.getByRole('heading', { level: 1 })).toHaveText(TITLE, { timeout: 15_000 });
  await expect(wv.getByRole('heading', { level: 2, name: '照護重點' })).toBeVisible();
  await expect(wv.getByText('晴光牙醫診所').first()).toBeVisible();
  await expect(wv.getByRole('link', { name: '撥打電話給診所' })).toBeVisible();
  await phone.screenshot({ path: path.join(SHOTS, 'care-library-phone-article.png') });
});
