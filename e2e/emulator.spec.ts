// LINE emulator phone page: a user follows the channel, receives a Flex message pushed
// through the Messaging API, taps a button, and the postback webhook reaches a receiver.
import { createServer, type Server } from 'node:http';
import { messagingApi, validateSignature } from '@line/bot-sdk';
import { expect, test } from '@playwright/test';
import { reminderFlex } from '../apps/line-emulator/src/demo-content.ts';
import { startEmulator, type RunningEmulator } from '../apps/line-emulator/src/index.ts';

const CH = '4000000001';
const SECRET = 'e2e-secret';
let emu: RunningEmulator;
let receiver: Server;
const events: { type: string; postback?: { data: string }; source: { userId: string }; signed: boolean }[] = [];

test.beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const signed = validateSignature(raw, SECRET, String(req.headers['x-line-signature']));
      for (const e of (JSON.parse(raw) as { events: typeof events }).events) events.push({ ...e, signed });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const port = (receiver.address() as { port: number }).port;
  emu = await startEmulator({
    channels: [
      {
        channelId: CH,
        channelSecret: SECRET,
        channelAccessToken: 'e2e-token',
        webhookUrl: `http://127.0.0.1:${port}/webhook`,
        displayName: '康健診所',
      },
    ],
  });
});

test.afterAll(async () => {
  await emu?.close();
  await new Promise<void>((r) => receiver?.close(() => r()));
});

test('phone page: follow, receive a pushed Flex message, tap a button → postback webhook', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const res = await fetch(`${emu.url}/_emulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: '陳小明' }),
  });
  const { userId } = (await res.json()) as { userId: string };
  await page.goto(emu.url + '/');

  await page.getByRole('button', { name: '加入好友' }).click();
  await expect.poll(() => events.find((e) => e.type === 'follow')?.source.userId).toBe(userId);
  await expect(page.locator('#composer')).toBeVisible();

  const client = new messagingApi.MessagingApiClient({ channelAccessToken: 'e2e-token', baseURL: emu.url });
  await client.pushMessage({ to: userId, messages: [reminderFlex() as unknown as messagingApi.Message] });

  const bubble = page.locator('.lf-bubble');
  await expect(bubble).toBeVisible();
  await expect(bubble).toContainText('門診提醒');
  await bubble.getByRole('button', { name: '確認赴約' }).click();

  await expect.poll(() => events.find((e) => e.type === 'postback')?.postback?.data).toBe('action=confirm&appt=A100');
  const pb = events.find((e) => e.type === 'postback')!;
  expect(pb.source.userId).toBe(userId);
  expect(pb.signed).toBe(true);
  // displayText of the postback appears as the user's own message
  await expect(page.locator('.row.me .bubble').last()).toHaveText('確認赴約');
});
