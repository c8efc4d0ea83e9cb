// A free-text answer to a reminder, on the emulator's phone page and the back office: a bound
// patient gets a reminder (the front desk's 重送提醒), writes 「可以改下午嗎？」 instead of tapping a
// button, is asked 「要幫您申請改期嗎？」 with one-tap buttons, taps 是，申請改期 — the appointment
// now shows a reschedule request with the patient's words (HIS light, the appointment drawer),
// and 客服 › 客服成效 counts the answer (and a question a person answered from the inbox).
// Screenshots: docs/screenshots/reminder-free-text-phone.png (390 px),
// reminder-free-text-appointment.png and support-stats.png (1440 px).
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_EMAIL, BASE, csrfJson, EMU, followAndBind, his, hisGet, login, SHOTS, taipeiAt } from './demo.ts';

const run = Date.now().toString(36).slice(-5);
const phone = `09${String(Date.now() + 41).slice(-8)}`;
const PATIENT = `E2E-RT-${run}`;
const VISIT = `${PATIENT}-A1`;

async function bind(page: Page, userId: string) {
  await followAndBind(page, userId, phone);
  await page.frameLocator('#wvFrame').getByRole('button', { name: '關閉' }).click();
  await expect(page.locator('#webview')).toBeHidden();
}

type Lights = { lights: { reply: { code: string } } };

test('「可以改下午嗎？」 after a reminder → one-tap confirmation → a reschedule request with the patient’s words', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  await his('/doctors/E2E-RT-D1', { name: '陳建志', department: '牙科' });
  await his(`/patients/${PATIENT}`, { name: '王淑芬', phone });
  await his(`/appointments/${VISIT}`, {
    patientId: PATIENT,
    doctorId: 'E2E-RT-D1',
    startsAt: taipeiAt(2, 10),
    durationMinutes: 30,
    visitType: '洗牙',
    status: 'booked',
    version: 1,
  });

  const phonePage = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const res = await fetch(`${EMU}/_emulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: '王淑芬', phone }),
  });
  const { userId } = (await res.json()) as { userId: string };
  await bind(phonePage, userId);

  // The front desk sends the reminder now (重送提醒): it reaches the phone with its buttons.
  const office = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: BASE });
  await login(office, ADMIN_EMAIL);
  const { appointmentId } = (await csrfJson(office, 'GET', `/api/appointments/${VISIT}/reminders`)).json as {
    appointmentId: string;
  };
  expect((await csrfJson(office, 'POST', `/api/appointments/${appointmentId}/resend-reminder`)).status).toBe(202);
  const timeline = phonePage.locator('#timeline');
  const bubble = timeline.locator('.lf-bubble').last();
  await expect(bubble).toBeVisible({ timeout: 60_000 });
  await expect(bubble.getByRole('button', { name: '改期', exact: true })).toBeVisible();

  // The patient writes instead of tapping.
  await phonePage.locator('#text').fill('可以改下午嗎？');
  await phonePage.locator('#send').click();
  await expect(timeline).toContainText('要幫您申請改期嗎？', { timeout: 20_000 });
  await expect(timeline).toContainText('您說：「可以改下午嗎？」');
  const yes = timeline.getByRole('button', { name: '是，申請改期' }).last();
  await expect(yes).toBeVisible();
  await expect(timeline).not.toContainText('無效');
  // nothing changed before the tap
  expect((await hisGet<Lights>(`/appointments/${VISIT}`)).lights.reply.code).not.toBe('reschedule_requested');
  await phonePage.screenshot({ path: path.join(SHOTS, 'reminder-free-text-question.png') });

  await yes.click();
  await expect(timeline).toContainText('已收到您的改期請求', { timeout: 20_000 });
  await expect
    .poll(async () => (await hisGet<Lights>(`/appointments/${VISIT}`)).lights.reply.code, { timeout: 15_000 })
    .toBe('reschedule_requested');
  await timeline.locator('.row').last().scrollIntoViewIfNeeded();
  await phonePage.screenshot({ path: path.join(SHOTS, 'reminder-free-text-phone.png') });

  // The back office: the appointment shows the request with the patient's words.
  await office.goto(`/appointments?open=${appointmentId}`);
  const drawer = office.getByRole('dialog');
  await expect(drawer).toContainText('王淑芬');
  await expect(drawer).toContainText('病患留言：「可以改下午嗎？」');
  await office.mouse.move(0, 0);
  await office.screenshot({ path: path.join(SHOTS, 'reminder-free-text-appointment.png') });

  // Two more questions for 客服成效: one for a person (answered from the inbox), one for the FAQ bot.
  const before = await timeline.locator('.row.bot').count();
  await phonePage.locator('#text').fill('我想找真人');
  await phonePage.locator('#send').click();
  await expect.poll(() => timeline.locator('.row.bot').count(), { timeout: 20_000 }).toBeGreaterThan(before);
  const sent = await csrfJson(office, 'POST', `/api/inbox/conversations/${userId}/messages`, {
    clientKey: `e2e-rt-${run}`,
    text: '王小姐您好，下午的時段已幫您查詢，稍後電話聯絡您。',
  });
  expect(sent.status, JSON.stringify(sent.json)).toBe(200);
  await expect(timeline).toContainText('下午的時段已幫您查詢', { timeout: 20_000 });

  // 客服成效 counts the free-text answer and the person's reply.
  await office.goto('/support/stats');
  await expect(office.getByRole('heading', { name: '客服成效' })).toBeVisible();
  const card = office.getByLabel('提醒的文字回覆');
  await expect(card).toContainText('一鍵確認送出');
  await expect(card).toContainText('改期');
  await expect(office.getByLabel('回答率')).toBeVisible();
  await expect(office.getByLabel('人員首次回覆', { exact: true })).not.toContainText('—');
  await office.waitForTimeout(500); // charts settle
  await office.screenshot({ path: path.join(SHOTS, 'support-stats.png'), fullPage: true });
});
