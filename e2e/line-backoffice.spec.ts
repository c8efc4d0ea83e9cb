// Back-office LINE screens against the demo stack: LINE channel settings (test connection),
// canned/keyword replies (create in the drawer, 試算, CSV import with per-row errors) and the
// rich menu editor (draw an area, reject a wrong-size image, publish to LINE); a patient's question
// in LINE counted on the home page, read and answered on the conversation page.
import { expect, test } from '@playwright/test';
import { ADMIN_EMAIL, EMU, his, login, SHOTS } from './demo.ts';

/** A real 2×2 PNG: the editor must refuse it before uploading (menus are 2500×1686 or 2500×843). */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEklEQVR4nGP4z8DwHwyBNAMDAC2aA/0H9dJ4AAAAAElFTkSuQmCC',
  'base64',
);

test('LINE 官方帳號: webhook URL, LIFF URL and a connection test', async ({ page }) => {
  await login(page, ADMIN_EMAIL);
  await page.goto('/settings/line');
  await expect(page.getByRole('heading', { name: 'LINE 官方帳號' })).toBeVisible();
  await expect(page.getByLabel('Channel ID')).toHaveValue('1000000001');
  await expect(page.getByText('/line/webhook/1000000001').first()).toBeVisible();
  await expect(page.getByText('/liff/1000000001/').first()).toBeVisible();
  await expect(page.getByLabel('Channel secret')).toHaveAttribute('placeholder', '已設定（不顯示）');
  await page.getByRole('button', { name: '測試連線' }).click();
  await expect(page.getByText('機器人名稱').first()).toBeVisible();
  await expect(page.getByText('本月訊息額度').first()).toBeVisible();
  await expect(page.getByText('簡訊服務', { exact: true })).toBeVisible();
});

test('罐頭訊息: create a reply, 試算 finds it, CSV import reports bad rows', async ({ page }) => {
  await login(page, ADMIN_EMAIL);
  await page.goto('/messages/auto-replies');
  await expect(page.getByRole('heading', { name: '罐頭訊息與關鍵字回覆' })).toBeVisible();

  await page.getByRole('button', { name: '新增回覆' }).click();
  const drawer = page.getByRole('dialog');
  await drawer.getByLabel('名稱').fill('植牙諮詢');
  const tags = drawer.getByRole('combobox', { name: '關鍵字' });
  await tags.fill('植牙諮詢');
  await tags.press('Enter');
  await drawer.getByLabel('回覆內容').fill('植牙諮詢請來電預約，醫師會先安排檢查與說明。');
  await expect(drawer.getByText('植牙諮詢請來電預約').last()).toBeVisible(); // the live LINE preview
  await drawer.getByRole('button', { name: '儲存' }).click();
  await expect(page.getByRole('cell', { name: /植牙諮詢/ }).first()).toBeVisible();

  await page.getByPlaceholder('例如：請問禮拜六有看診嗎').fill('我想要植牙諮詢');
  await page.getByRole('button', { name: '試算' }).click();
  await expect(page.locator('.ant-tag', { hasText: '植牙諮詢' }).first()).toBeVisible();

  // Flex JSON is validated in the drawer
  await page.getByRole('button', { name: '新增回覆' }).click();
  await drawer.getByText('Flex 訊息（卡片）').click();
  await drawer.getByLabel('Flex JSON').fill('{"type":"bubble",');
  await expect(drawer.getByText('JSON 格式錯誤').first()).toBeVisible();
  await drawer.getByRole('button', { name: '取消' }).click();

  const csv =
    '名稱,比對方式,關鍵字,優先順序,回覆內容\n洗牙,keyword,洗牙|洗牙多久,0,半年洗牙一次，健保給付。\n,keyword,,0,\n';
  await page
    .locator('input[type=file]')
    .setInputFiles({ name: 'replies.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const result = page.getByRole('dialog', { name: 'CSV 匯入結果' });
  await expect(result).toContainText('成功匯入 1 筆');
  await expect(result.getByText('失敗')).toBeVisible();
});

test('圖文選單: draw an area, refuse a wrong-size image, upload a 2500×1686 image, publish to LINE', async ({
  page,
}) => {
  await login(page, ADMIN_EMAIL);
  await page.goto('/settings/rich-menu');
  await page.getByRole('tab', { name: '已綁定使用者' }).click();
  const panel = page.getByRole('tabpanel', { name: '已綁定使用者' });
  const canvas = panel.getByRole('application');
  await expect(canvas).toBeVisible();
  const before = await panel.locator('[data-index]').count();

  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.05, box.y + box.height * 0.05);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2, { steps: 5 });
  await page.mouse.up();
  await expect(panel.getByText(`區域 ${before + 1}`, { exact: true })).toBeVisible();
  await expect(panel.getByText('需要按鈕名稱')).toBeVisible();
  await expect(panel.getByRole('button', { name: '發布到 LINE' })).toBeDisabled();
  await panel.getByRole('button', { name: '刪除' }).click();

  await panel.locator('input[type=file]').setInputFiles({ name: 'menu.png', mimeType: 'image/png', buffer: TINY_PNG });
  await expect(page.getByText('必須是 2500×1686 或 2500×843')).toBeVisible();

  // a real 2500×1686 PNG drawn in the page is accepted and uploaded
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 2500;
    c.height = 1686;
    const g = c.getContext('2d')!;
    g.fillStyle = '#0a7d45';
    g.fillRect(0, 0, 2500, 1686);
    g.fillStyle = '#ffffff';
    g.font = 'bold 160px sans-serif';
    g.fillText('晴光牙醫', 900, 900);
    return c.toDataURL('image/png');
  });
  await panel
    .locator('input[type=file]')
    .setInputFiles({ name: 'menu.png', mimeType: 'image/png', buffer: Buffer.from(dataUrl.split(',')[1], 'base64') });
  await expect(page.getByText('圖片已上傳')).toBeVisible();

  await panel.getByRole('button', { name: '發布到 LINE' }).click();
  await expect(page.getByText('已發布到 LINE')).toBeVisible();
  await page.reload();
  await page.getByRole('tab', { name: '已綁定使用者' }).click();
  await expect(panel.getByText('系統預設圖片')).toHaveCount(0);
});

test('a patient’s question is acknowledged, counted on the home page, and answered in the inbox', async ({ page }) => {
  test.setTimeout(90_000);
  const tag = Date.now().toString(36).slice(-5);
  const mobile = `09${String(Date.now()).slice(-8)}`;
  await his(`/patients/E2E-C-${tag}-1`, { name: '林美華', phone: mobile });
  const res = await fetch(`${EMU}/_emulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: `林美華${tag}` }),
  });
  const { userId } = (await res.json()) as { userId: string };
  const emu = (path: string, body: unknown) =>
    fetch(`${EMU}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  await emu(`/_emulator/users/${userId}/follow`, { channelId: '1000000001' });
  await emu(`/_emulator/users/${userId}/messages`, { channelId: '1000000001', text: '我昨天把雨傘忘在診所了' });

  await login(page, 'desk@demo.careline.tw');
  const counter = page.getByRole('link', { name: /^LINE 訊息待回覆/ });
  await expect(counter).toBeVisible();
  await expect
    .poll(async () => Number((await counter.getAttribute('aria-label'))?.match(/\d+/)?.[0] ?? 0))
    .toBeGreaterThan(0);
  await page.screenshot({ path: `${SHOTS}/home-line-unanswered.png` });
  await counter.click();
  await expect(page.getByRole('heading', { name: '收件匣' })).toBeVisible();
  await page.getByRole('listitem', { name: `與 林美華${tag} 的對話` }).click();
  const log = page.getByRole('log', { name: '訊息' });
  await expect(log).toContainText('我昨天把雨傘忘在診所了');
  await expect(log).toContainText('已收到您的訊息');
  await page.getByLabel('回覆內容').fill('有的，雨傘放在櫃台，歡迎隨時來拿');
  await page.getByRole('button', { name: '傳送' }).click();
  await expect(log).toContainText('有的，雨傘放在櫃台，歡迎隨時來拿', { timeout: 15_000 });
  // a reply hands the conversation back: 已完成
  await expect(page.locator('.ant-tag', { hasText: '已完成' }).first()).toBeVisible({ timeout: 15_000 });
});
