// The HIS settings page shows the clinic's initial sync: the demo's fake HIS has already called,
// so it is running, with its start and automatic end in the clinic's time; an admin ends it
// (after a confirmation that says what changes), the page then says who ended it and when, and
// the audit log records it in words. The front desk has neither the page nor the right to end it.
// Screenshots at 1440 px: docs/screenshots/his-initial-sync-{active,confirm,ended}.png.
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { ADMIN_EMAIL, login, SHOTS } from './demo.ts';

test.use({ viewport: { width: 1440, height: 900 } });

type Sync = { state: string; startedAt: string | null; endsAt: string | null; endedAt: string | null };

/** 2026/05/04 09:30 in Taipei (the demo clinic's time zone). */
const taipei = (iso: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Taipei', dateStyle: 'short', timeStyle: 'short' })
    .format(new Date(iso))
    .replaceAll('-', '/');

const syncOf = (page: Page): Promise<Sync> =>
  page.evaluate(async () => (await (await fetch('/api/his/initial-sync')).json()) as Sync);

async function postAsStaff(page: Page, url: string): Promise<number> {
  return page.evaluate(async (u) => {
    const token = decodeURIComponent(document.cookie.match(/careline_csrf=([^;]+)/)?.[1] ?? '');
    const r = await fetch(u, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
    });
    return r.status;
  }, url);
}

test('the front desk can neither see the HIS settings nor end the initial sync', async ({ page }) => {
  await login(page, 'desk@demo.careline.tw');
  await expect(page.getByRole('navigation', { name: '主選單' }).getByText('HIS 串接')).toHaveCount(0);
  await page.goto('/settings/api-keys');
  await expect(page.getByText('您沒有權限檢視此頁面')).toBeVisible();
  await expect(page.getByRole('button', { name: '結束初次同步' })).toHaveCount(0);
  expect(await postAsStaff(page, '/api/his/initial-sync/end')).toBe(403);
  expect((await syncOf(page)).state).toBe('active');
});

test('an admin sees the initial sync running, ends it, and the audit log records it', async ({ page }) => {
  await login(page, ADMIN_EMAIL);
  const before = await syncOf(page);
  expect(before.state).toBe('active');
  await page.goto('/settings/api-keys');
  const section = page.locator('.ant-card').filter({ has: page.getByText('初次同步', { exact: true }) });
  const state = section.getByTestId('initial-sync-state');
  await expect(state).toContainText('進行中');
  await expect(state).toContainText(`自 ${taipei(before.startedAt!)} 起，至 ${taipei(before.endsAt!)} 自動結束`);
  await expect(state).toContainText(/還剩 2[34] 小時/);
  await expect(state).toContainText('未附 bookedAt 的預約不發送「預約當下」通知');
  const guide = section.getByRole('link', { name: '串接指南：初次同步與 bookedAt' });
  const href = await guide.getAttribute('href');
  const anchor = decodeURIComponent(href!.split('#')[1]);
  const guideHtml = await (await page.request.get(href!)).text();
  expect(guideHtml).toContain(`id="${anchor}"`);
  await section.scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'his-initial-sync-active.png') });
  // The page's help says the same.
  await page.getByRole('button', { name: '說明' }).first().click();
  const help = page.getByRole('dialog', { name: 'HIS 串接與 API 金鑰' });
  await expect(help).toContainText('既有預約全部傳完後，請在「初次同步」區塊按「結束初次同步」');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  await section.getByRole('button', { name: '結束初次同步' }).click();
  const confirm = page.getByRole('tooltip').filter({ hasText: '結束初次同步？' });
  await expect(confirm).toContainText('每一筆新預約都會發送「預約當下」通知');
  await page.waitForTimeout(400); // the popover's zoom-in, so the screenshot shows it settled
  await page.screenshot({ path: path.join(SHOTS, 'his-initial-sync-confirm.png') });
  await confirm.getByRole('button', { name: '結束初次同步' }).click();

  await expect(state).toContainText('已結束');
  const after = await syncOf(page);
  expect(after.state).toBe('ended');
  await expect(state).toContainText(`由 林雅婷 於 ${taipei(after.endedAt!)} 結束`);
  await expect(state).toContainText('之後 HIS 傳來的新預約都會發送「預約當下」通知');
  await expect(section.getByRole('button', { name: '結束初次同步' })).toHaveCount(0);
  // It stays ended after a reload.
  await page.reload();
  await expect(state).toContainText('由 林雅婷 於');
  await section.scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'his-initial-sync-ended.png') });

  await page.goto('/settings/audit');
  await page.getByLabel('動作').click();
  await page.keyboard.type('結束 HIS 初次同步');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: /篩選/ }).click();
  const row = page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: '結束 HIS 初次同步' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(ADMIN_EMAIL);
  expect(await row.innerText()).not.toContain('his.initial_sync_ended');
});
