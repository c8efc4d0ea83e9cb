// 訊息 › 收件匣 on the demo stack: a patient writes on the emulator's phone page and the message
// appears live in the inbox (待回覆); the front desk assigns it, adds an internal note and
// answers with a canned reply; the patient sees the answer on the phone; an image the patient
// sends shows in the conversation, and asking for a person (找真人) hands the conversation over.
// Screenshots: docs/screenshots/inbox-*.png (1440 px) and inbox-phone.png (390 px).
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_EMAIL, csrfJson, EMU, login, openPhone, SHOTS } from './demo.ts';

const run = Date.now().toString(36).slice(-5);
const PATIENT = `收件匣${run}`;
// A 2×2 PNG, as the phone's picker hands it over.
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGNgYPj/n4GB4T8DAwMDAwAr+gT9+F8N0wAAAABJRU5ErkJggg==',
  'base64',
);
const CANNED = `術後照護${run}`;
const CANNED_TEXT = '拔牙後 24 小時內請避免熱食與漱口，如持續出血請來電。';

async function say(phone: Page, text: string) {
  await phone.locator('#text').fill(text);
  await phone.locator('#send').click();
}

test('a patient writes → live in the inbox → assigned, noted, answered with a canned reply → on the phone', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  // the patient follows the clinic on the emulator's phone
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

  // the front desk has the inbox open (all conversations) and a canned reply ready
  await page.setViewportSize({ width: 1440, height: 900 });
  await login(page, ADMIN_EMAIL);
  const created = await csrfJson(page, 'POST', '/api/auto-replies', {
    name: CANNED,
    matchType: 'exact',
    triggers: [`觸發${run}`],
    reply: { type: 'text', text: CANNED_TEXT },
  });
  expect(created.status).toBe(201);
  await page.goto('/messages/inbox?f=all');
  await expect(page.getByRole('heading', { name: '收件匣' })).toBeVisible();
  await expect(page.getByText('即時')).toBeVisible();

  // the patient asks something the bot cannot answer: it appears without reloading the page
  await say(phone, `我家的貓咪 ${run} 不吃飯怎麼辦`);
  const item = page.getByRole('listitem', { name: `與 ${PATIENT} 的對話` });
  await expect(item).toBeVisible({ timeout: 20_000 });
  await expect(item).toContainText('待回覆');
  await expect(item).toContainText('機器人無法回答');
  // the bot's acknowledgement offers a person
  await expect(phone.locator('#timeline')).toContainText('這個問題需要由櫃台人員回覆', { timeout: 15_000 });

  // an image from the patient shows in the conversation
  await phone.locator('#imageInput').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PHOTO });
  await item.click();
  const log = page.getByRole('log', { name: '訊息' });
  await expect(log).toContainText(`我家的貓咪 ${run} 不吃飯怎麼辦`);
  await expect(log.getByRole('img', { name: '圖片' })).toBeVisible({ timeout: 20_000 });
  await expect
    .poll(() => log.getByRole('img', { name: '圖片' }).evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBeGreaterThan(0);

  // assign to the admin, add a note
  await page.getByRole('combobox', { name: '指派給' }).click();
  await page.locator('.ant-select-item-option', { hasText: '林雅婷' }).click();
  await expect(page.getByText('已指派給 林雅婷')).toBeVisible();
  await page.getByLabel('新增內部備註').fill('已請醫師確認術後狀況');
  await page.getByRole('button', { name: '新增備註' }).click();
  await expect(page.getByLabel('新增內部備註')).toHaveValue('');
  await expect(page.getByText('已請醫師確認術後狀況')).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'inbox-conversation.png') });

  // answer with the canned reply
  await page.getByRole('button', { name: '罐頭訊息' }).click();
  await page.getByRole('menuitem', { name: new RegExp(CANNED) }).click();
  await expect(page.getByLabel('回覆內容')).toHaveValue(CANNED_TEXT);
  await page.getByRole('button', { name: '傳送' }).click();
  await expect(page.getByText(/^已傳送/)).toBeVisible();
  await expect(log).toContainText(CANNED_TEXT, { timeout: 15_000 });
  await expect(log).toContainText('櫃台');

  // the patient sees it on the phone; the conversation is done and the note never reached LINE
  await expect(phone.locator('#timeline')).toContainText(CANNED_TEXT, { timeout: 15_000 });
  await expect(phone.locator('#timeline')).not.toContainText('已請醫師確認術後狀況');
  await expect(item).toContainText('已完成');
  await phone.screenshot({ path: path.join(SHOTS, 'inbox-phone.png') });

  // asking for a person hands the conversation over (the bot is paused after the staff reply, so
  // the message simply waits for the front desk)
  await say(phone, '找真人');
  await expect(item).toContainText('待回覆', { timeout: 20_000 });
  await page.getByRole('button', { name: /^未指派/ }).click();
  await page.getByRole('button', { name: /^我的/ }).click();
  await expect(page.getByRole('listitem', { name: `與 ${PATIENT} 的對話` })).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'inbox-list.png') });

  // search over the message history finds the patient's words
  await page.getByLabel('搜尋訊息紀錄').fill(`貓咪 ${run}`);
  await page.getByLabel('搜尋訊息紀錄').press('Enter');
  await expect(page.locator('mark')).toHaveText(`貓咪 ${run}`);
});
