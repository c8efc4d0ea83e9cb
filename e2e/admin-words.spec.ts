// What an admin reads in the audit log and on the jobs page is zh-TW, never a code; opening the
// home page is one audit entry however long it stays open; long values end in an ellipsis and
// show in full on hover and when the row is expanded.
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_EMAIL, login } from './demo.ts';

const CODE = /\b(?:home|appointment|patient|auth|staff|line|reminders|his|richmenu)\.[a-z_]+\b|\bbooked\b/;

async function csrfFetch(page: Page, url: string, method: string, body: unknown): Promise<number> {
  return page.evaluate(
    async ([u, m, b]) => {
      const token = decodeURIComponent(document.cookie.match(/careline_csrf=([^;]+)/)?.[1] ?? '');
      const r = await fetch(u, {
        method: m,
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
        body: JSON.stringify(b),
      });
      return r.status;
    },
    [url, method, body] as const,
  );
}

test('the home page is one audit entry; the audit log and jobs page read in zh-TW', async ({ browser }) => {
  // The front desk logs in (the home page opens) and leaves it open past the summary's 30 s poll.
  const desk = await browser.newPage();
  await desk.clock.install();
  const stream = desk.waitForResponse((r) => r.url().includes('/api/home/stream'));
  await login(desk, 'desk@demo.careline.tw');
  await stream;
  await desk.waitForTimeout(500);
  await desk.clock.runFor(95_000);
  await desk.close();

  const page = await browser.newPage();
  await login(page, ADMIN_EMAIL);
  const home = await page.evaluate(
    async () => (await (await fetch('/api/audit?action=home.*&limit=200')).json()).items,
  );
  expect(home.filter((e: { actorLabel: string }) => e.actorLabel === 'desk@demo.careline.tw')).toHaveLength(1);

  // A change with a long value.
  const staff = await page.evaluate(async () => (await (await fetch('/api/staff')).json()).items);
  const deskId = staff.find((s: { email: string }) => s.email === 'desk@demo.careline.tw').id;
  const longName = '陳怡君（櫃台主任，負責晨間與午間兩個時段的掛號、報到與電話提醒，週六輪值）';
  expect(await csrfFetch(page, `/api/staff/${deskId}`, 'PATCH', { name: longName })).toBe(200);
  expect(await csrfFetch(page, `/api/staff/${deskId}`, 'PATCH', { name: '陳怡君' })).toBe(200);

  await page.goto('/settings/audit');
  const table = page.locator('.ant-table-tbody');
  // Choosing a family of actions by its words (the demo's HIS fill writes many entries meanwhile).
  async function show(family: string) {
    await page.getByLabel('動作').click();
    await page.keyboard.type(family);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /篩選/ }).click();
  }
  await show('今日總覽（全部）');
  await expect(table.getByText('檢視今日總覽').first()).toBeVisible();
  expect(await table.innerText()).not.toMatch(CODE);

  await show('人員（全部）');
  await expect(table.getByText('修改人員').first()).toBeVisible();
  await expect(table.getByText('檢視今日總覽')).toHaveCount(0);
  expect(await table.innerText()).not.toMatch(CODE);

  // The long change (the earlier of the two): cut with an ellipsis in its column, whole on hover
  // and in the expanded row.
  const row = page.locator('tr.ant-table-row', { hasText: '修改人員' }).nth(1);
  const cell = row.locator('td').nth(5).locator('.ant-typography').first();
  await expect(cell).toContainText('姓名：陳怡君 → 陳怡君（櫃台主任');
  expect(await cell.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await cell.hover();
  await expect(page.getByRole('tooltip').filter({ hasText: '週六輪值' })).toBeVisible();
  await row.getByRole('button').first().click();
  await expect(page.locator('.ant-table-expanded-row').first()).toContainText(`陳怡君 → ${longName}`);

  await page.goto('/settings/jobs');
  await expect(page.getByRole('tab', { name: /已放棄/ })).toBeVisible();
  await expect(page.locator('.ant-table-tbody tr.ant-table-row').first()).toBeVisible();
  expect(await page.locator('.ant-table-tbody').innerText()).not.toMatch(CODE);
});
