// 說明中心: the search finds the manual's sections and the articles that mention a word (「綁定」),
// with the text around it, and opens the one clicked; the system FAQ (docs/faq.md) is one of them;
// a word no article has says so.
import { expect, test } from '@playwright/test';
import { ADMIN_EMAIL, login, SHOTS } from './demo.ts';

test('the help centre search finds 綁定 and opens the article', async ({ page }) => {
  await login(page, ADMIN_EMAIL);
  await page.goto('/help');
  await expect(page.getByRole('heading', { name: '說明中心', exact: true })).toBeVisible();
  await page.getByLabel('搜尋說明').fill('綁定');
  const items = page.locator('[aria-label="搜尋結果"] .ant-list-item');
  await expect(items.first()).toContainText('綁定');
  expect(await items.count()).toBeGreaterThan(2);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${SHOTS}/help-search.png` });
  // the operator manual's sections come first (手冊), then the pages' articles (說明)
  await expect(items.filter({ hasText: '第 11 章 病患手機端 › 加入好友與綁定' })).toHaveCount(1);
  const article = items.filter({ hasText: '說明' }).filter({ hasText: 'LINE 官方帳號串接' });
  await article.click();
  await expect(page).toHaveURL(/topic=lineChannel/);
  await expect(page.getByLabel('說明內容').getByRole('heading', { level: 4, name: 'LINE 官方帳號串接' })).toBeVisible();

  // The system FAQ (docs/faq.md) is an article too, found by what it answers.
  await page.getByLabel('搜尋說明').fill('收不到簡訊驗證碼');
  await items.filter({ hasText: '常見問題（系統 FAQ）' }).click();
  const faq = page.getByLabel('說明內容');
  await expect(faq.getByRole('heading', { name: '一直收不到簡訊驗證碼' })).toBeVisible();
  await expect(faq.locator('table').first()).toContainText('病患尚未綁定 LINE');
  await page.screenshot({ path: `${SHOTS}/help-faq.png` });

  await page.getByLabel('搜尋說明').fill('沒有這個詞xyz');
  await expect(page.getByText('找不到「沒有這個詞xyz」的說明')).toBeVisible();
});
