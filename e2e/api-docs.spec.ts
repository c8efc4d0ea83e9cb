// The API reference at /docs works offline: every request it makes stays on this server (no
// fonts or scripts from a vendor's host), it shows none of the docs tool's own controls, speaks
// zh-TW, opens on the HIS Open API and can switch to the whole API.
import { expect, test } from '@playwright/test';

const LOCAL = new Set(['127.0.0.1', 'localhost']);
const VENDOR_CONTROLS = [
  'Ask AI',
  'Generate MCP',
  'Deploy',
  'Share',
  'Developer Tools',
  'Configure',
  'Powered by Scalar',
  'Test Request',
  'Open API Client',
];

test('/docs loads nothing from outside, hides the vendor controls and opens on the HIS Open API', async ({ page }) => {
  const outside: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if ((u.protocol === 'http:' || u.protocol === 'https:') && !LOCAL.has(u.hostname)) outside.push(r.url());
  });
  const started = Date.now();
  await page.goto('/docs');
  const firstOperation = page.getByRole('link', { name: '新增或更新醫師' }).first();
  await expect(firstOperation).toBeVisible();
  const firstVisible = Date.now() - started;
  // zh-TW words of the tool itself, once the interactive reference has replaced the first view.
  await expect(page.getByText('下載 OpenAPI 文件').first()).toBeVisible({ timeout: 30_000 });
  test
    .info()
    .annotations.push(
      { type: 'first operation visible', description: `${firstVisible} ms` },
      { type: 'interactive reference', description: `${Date.now() - started} ms` },
    );
  await expect(page.getByRole('button', { name: /搜尋/ }).first()).toBeVisible();

  await firstOperation.click();
  await expect(page.getByRole('heading', { name: '新增或更新醫師' }).first()).toBeVisible();
  await page.waitForLoadState('networkidle');
  for (const text of VENDOR_CONTROLS) await expect(page.getByText(text, { exact: false })).toHaveCount(0);

  // The whole API (back office included) is the second document.
  await page
    .getByRole('button', { name: /HIS Open API v1/ })
    .first()
    .click();
  await page.getByText('Careline 全部 API（含後台）').click();
  await expect(page.getByText('後台：登入').first()).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(outside).toEqual([]);
});
