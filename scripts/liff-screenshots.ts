// Screenshots of every patient LIFF page state at 390×844 → docs/screenshots/liff-*.png,
// against the fixture server (scripts/liff-preview.ts). Build first: npm run build:web.
//   npx node scripts/liff-screenshots.ts
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startLiffPreview } from './liff-preview.ts';

const OUT = resolve(import.meta.dirname, '../docs/screenshots');
const preview = await startLiffPreview(0);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const base = `${preview.url}/liff/1000000001`;
async function open(path: string): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: 'zh-TW',
    timezoneId: 'Asia/Taipei',
    isMobile: true,
    hasTouch: true,
  });
  const page = await ctx.newPage();
  await page.goto(base + path);
  await page.waitForSelector('.main:not([aria-busy]) :is(.panel, .card, .empty, .member)');
  return page;
}
const shot = async (page: Page, name: string) => {
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${OUT}/liff-${name}.png` });
  process.stdout.write(`liff-${name}.png\n`);
};

try {
  let p = await open('/bind?user=s1');
  await shot(p, 'privacy');
  await p.getByLabel('我已閱讀並同意上述個資告知').check();
  await p.getByRole('button', { name: '下一步' }).click();
  await p.getByRole('textbox', { name: '手機號碼' }).fill('09123');
  await p.getByRole('button', { name: '傳送驗證碼' }).click();
  await shot(p, 'phone-invalid');
  await p.getByRole('textbox', { name: '手機號碼' }).fill('0912345678');
  await shot(p, 'phone');
  await p.getByRole('button', { name: '傳送驗證碼' }).click();
  await p.getByLabel('6 位數驗證碼').waitFor();
  await shot(p, 'code');
  await p.getByLabel('6 位數驗證碼').fill('111111');
  await p.getByText('還可以再試').waitFor();
  await shot(p, 'code-wrong');
  await p.getByLabel('6 位數驗證碼').fill('123456');
  await p.getByText('綁定完成').waitFor();
  await shot(p, 'success');

  p = await open('/bind?user=s2');
  await p.getByLabel('我已閱讀並同意上述個資告知').check();
  await p.getByRole('button', { name: '下一步' }).click();
  await p.getByRole('textbox', { name: '手機號碼' }).fill('0987654321');
  await p.getByRole('button', { name: '傳送驗證碼' }).click();
  await p.getByText('找不到這個號碼').waitFor();
  await shot(p, 'not-found');

  p = await open('/bind?user=bound');
  await shot(p, 'bound');
  await p.getByRole('button', { name: '解除綁定' }).click();
  await shot(p, 'unbind-confirm');

  p = await open('/appointments?user=bound');
  await shot(p, 'appointments');
  await p.getByRole('button', { name: '取消' }).first().click();
  await p.getByText('時間無法配合').click();
  await shot(p, 'cancel');
  await p.getByRole('button', { name: '返回' }).click();
  await p.getByRole('button', { name: '改期' }).first().click();
  await p.getByLabel('第 1 個希望時間').fill('2026-12-08T18:30');
  await p.getByRole('button', { name: '＋ 再加一個時間' }).click();
  await shot(p, 'reschedule');

  p = await open('/family?user=bound');
  await shot(p, 'family');
  p = await open('/appointments?user=empty');
  await shot(p, 'empty');
  p = await open('/appointments?user=s3');
  await shot(p, 'unbound');
} finally {
  await browser.close();
  await preview.close();
}
