// The Content-Security-Policy (apps/server/src/platform/security-headers.ts) breaks no page: the
// back office with its charts and forms, the API reference, and the LIFF pages inside the LINE
// emulator's phone page — the browser reports no violation on any of them, and the back office
// cannot be framed.
import { expect, test, type Page } from '@playwright/test';
import { BASE, followAndBind, his, login, newLineUser } from './demo.ts';

/** Collects the browser's CSP violation reports of the page and its frames. */
function violations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|frame|connect)/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

test('back office pages and the API reference run under the policy without a violation', async ({ page }) => {
  test.setTimeout(120_000);
  const seen = violations(page);
  await login(page, 'admin@demo.careline.tw');
  for (const path of ['/', '/reports/dashboard', '/patients', '/settings/security', '/messages/inbox']) {
    const res = await page.goto(path);
    expect(res?.headers()['content-security-policy'], path).toContain("frame-ancestors 'none'");
    await expect(page.getByRole('navigation', { name: '主選單' })).toBeVisible();
    await page.waitForLoadState('networkidle');
  }
  // ECharts drew its charts (as SVG or canvas) on the dashboard.
  await page.goto('/reports/dashboard');
  await expect(page.locator('svg, canvas').first()).toBeVisible({ timeout: 20_000 });

  await page.goto('/docs');
  await expect(page.getByRole('heading', { name: 'Careline API' }).first()).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(seen).toEqual([]);
});

test('the back office refuses to be framed by another site', async ({ page }) => {
  await page.goto('about:blank');
  await page.setContent(`<iframe id="f" src="${BASE}/login"></iframe>`);
  // The login form draws within a second or two when the page is allowed to load (as on its own
  // page below); in the frame it never does.
  await page.waitForTimeout(3000);
  await expect(page.frameLocator('#f').getByLabel('電子郵件')).toHaveCount(0);
  const own = await page.context().newPage();
  await own.goto(`${BASE}/login`);
  await expect(own.getByLabel('電子郵件')).toBeVisible({ timeout: 3000 });
});

test('the LIFF pages work inside the emulator phone page under the policy', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const seen = violations(page);
  const phone = `09${String(Date.now()).slice(-8)}`;
  await his(`/patients/E2E-CSP-${phone}`, { name: '沈安全', phone });
  const user = await newLineUser('CSP 測試', phone);
  const wv = await followAndBind(page, user, phone);
  await expect(wv.getByRole('heading', { name: '綁定完成' })).toBeVisible();
  expect(seen).toEqual([]);
});
