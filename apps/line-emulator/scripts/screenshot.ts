// Takes docs/screenshots/emulator-phone.png: `npx node apps/line-emulator/scripts/screenshot.ts [out.png]`
import { chromium } from 'playwright-core';
import { messagingApi } from '@line/bot-sdk';
import { startEmulator } from '../src/index.ts';
import { reminderFlex, richMenuImage } from '../src/demo-content.ts';

const out = process.argv[2] ?? 'docs/screenshots/emulator-phone.png';
const emu = await startEmulator({
  channels: [
    {
      channelId: '1000000001',
      channelSecret: 'demo-channel-secret',
      channelAccessToken: 'tok',
      displayName: '康健診所',
    },
  ],
});
const post = (p: string, b: unknown) =>
  fetch(emu.url + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) }).then(
    (r) => r.json(),
  );
const user = (await post('/_emulator/users', { displayName: '陳小明' })) as { userId: string };
await post(`/_emulator/users/${user.userId}/follow`, { channelId: '1000000001' });
const client = new messagingApi.MessagingApiClient({ channelAccessToken: 'tok', baseURL: emu.url });
const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: 'tok', baseURL: emu.url });
await client.pushMessage({
  to: user.userId,
  messages: [{ type: 'text', text: '感謝您加入康健診所 LINE 官方帳號 🎉\n綁定病歷後即可收到門診提醒。' }],
});
await post(`/_emulator/users/${user.userId}/messages`, { channelId: '1000000001', text: '你好，我想確認明天的門診' });
await client.pushMessage({ to: user.userId, messages: [reminderFlex() as unknown as messagingApi.Message] });
await client.pushMessage({
  to: user.userId,
  messages: [
    {
      type: 'text',
      text: '也可以用下方按鈕快速回覆：',
      quickReply: {
        items: [
          { type: 'action', action: { type: 'message', label: '門診時間', text: '門診時間' } },
          { type: 'action', action: { type: 'message', label: '交通資訊', text: '交通資訊' } },
          { type: 'action', action: { type: 'postback', label: '聯絡櫃檯', data: 'action=desk' } },
        ],
      },
    },
  ],
});
const { richMenuId } = await client.createRichMenu({
  size: { width: 2500, height: 843 },
  selected: true,
  name: 'main',
  chatBarText: '診所選單',
  areas: [
    {
      bounds: { x: 0, y: 0, width: 833, height: 843 },
      action: { type: 'postback', label: '我的預約', data: 'menu=appointments' },
    },
    {
      bounds: { x: 833, y: 0, width: 834, height: 843 },
      action: { type: 'uri', label: '綁定病歷', uri: 'https://example.com/liff' },
    },
    {
      bounds: { x: 1667, y: 0, width: 833, height: 843 },
      action: { type: 'message', label: '常見問題', text: '常見問題' },
    },
  ],
});
await blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(richMenuImage())], { type: 'image/png' }));
await client.setDefaultRichMenu(richMenuId);

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
const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
page.on('pageerror', (e) => process.stderr.write(`pageerror: ${e.message}\n`));
page.on('console', (m) => {
  if (m.type() === 'error') process.stderr.write(`console: ${m.text()}\n`);
});
await page.goto(emu.url + '/?labels=1');
await page.waitForSelector('.lf-bubble');
await page.waitForSelector('.rm-image img');
await page.waitForTimeout(500);
await page.screenshot({ path: out });
await browser.close();
await emu.close();
process.stderr.write(`saved ${out}\n`);
