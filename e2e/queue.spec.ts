// 看診進度 on the emulator's phone page and the back office: a patient bound on LINE checks in
// through the HIS API (POST /his/v1/queue-events) → the HIS calls numbers → 「前面還有 3 位」 and
// 「請準備進診間」 reach the phone (two messages, whatever the hour: queue notices are not held in
// quiet hours) → the notice's 查看即時看診進度 opens the LIFF live queue, which follows the next
// call by itself → 線上預約 › 看診進度 shows the queue with the notices sent; the threshold is
// saved and restored; bad input gets the HIS API's error shape.
// Screenshots: docs/screenshots/queue-*.png (1440 px and the 390 px phone).
import { expect, test } from '@playwright/test';
import { ADMIN_EMAIL, BASE, csrfJson, EMU, followAndBind, his, login, newLineUser, SHOTS } from './demo.ts';

const HIS = { authorization: 'Bearer demo-his-key', 'content-type': 'application/json' };
const DOCTOR = 'DQ01';

async function queueEvent(body: Record<string, unknown>) {
  const res = await fetch(`${BASE}/his/v1/queue-events`, { method: 'POST', headers: HIS, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** What the demo channel sent the user (the emulator's log), newest last. */
async function sentTo(userId: string) {
  const r = await fetch(`${EMU}/_emulator/channels/1000000001/messages?to=${userId}`);
  return ((await r.json()) as { messages: { message: { altText?: string } }[] }).messages.map((m) => m.message);
}

test('check-in and calls through the HIS API → two queue notices on the phone → the live queue page', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const office = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: BASE });
  await login(office, ADMIN_EMAIL);
  const before = (await csrfJson(office, 'GET', '/api/queue/settings')).json as Record<string, unknown>;
  try {
    expect((await csrfJson(office, 'PUT', '/api/queue/settings', { enabled: true, nearThreshold: 3 })).status).toBe(
      200,
    );
    const stamp = Date.now().toString().slice(-7);
    const phone = `0936${stamp.slice(-6)}`;
    const patientId = `PQ${stamp}`;
    const appointmentId = `AQ${stamp}`;
    await his(`/doctors/${DOCTOR}`, { name: '周怡君', department: '家醫科' });
    await his(`/patients/${patientId}`, { name: '候診測試', phone });
    await his(`/appointments/${appointmentId}`, {
      patientId,
      doctorId: DOCTOR,
      startsAt: new Date(Date.now() + 10 * 60_000).toISOString(),
      status: 'checked_in',
      version: 1,
    });
    const userId = await newLineUser('候診測試');
    await page.setViewportSize({ width: 390, height: 844 });
    await followAndBind(page, userId, phone);
    // The live page before the check-in (as from a rich-menu button): nothing of theirs yet.
    const frame = page.locator('#wvFrame');
    const bindUrl = (await frame.getAttribute('src')) ?? '';
    await frame.evaluate(
      (f: HTMLIFrameElement, url: string) => (f.src = url),
      bindUrl.replace(/\/bind\b.*$/, '/queue'),
    );
    const live = page.frameLocator('#wvFrame');
    await expect(live.getByRole('heading', { name: '今天沒有已報到的看診' })).toBeVisible({ timeout: 20_000 });
    await page.screenshot({ path: `${SHOTS}/queue-liff-empty.png` });
    await page.locator('#wvClose').click();

    // The queue of this doctor's evening session today may hold earlier runs' numbers: go past them.
    const day = (await csrfJson(office, 'GET', '/api/queue/day')).json as {
      queues: { doctorName: string; session: string; calledNumber: number | null }[];
    };
    const mine = day.queues.find((q) => q.doctorName === '周怡君' && q.session === 'evening');
    const base = (mine?.calledNumber ?? 0) + 1;
    const ev = (n: number) => ({
      eventId: `Q${stamp}-${n}`,
      occurredAt: new Date().toISOString(),
      doctorId: DOCTOR,
      session: 'evening',
      room: '3 診',
    });

    // Bad input: the HIS API's error shape, in zh-TW.
    const bad = await queueEvent({ ...ev(0), type: 'check_in', appointmentId });
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(bad.json.error.details)).toContain('queueNumber');

    expect((await queueEvent({ ...ev(1), type: 'call', calledNumber: base })).status).toBe(201);
    const checkIn = await queueEvent({ ...ev(2), type: 'check_in', appointmentId, queueNumber: base + 5 });
    expect(checkIn.json).toMatchObject({ result: 'applied', noticesQueued: 0 });
    const nearCall = { ...ev(3), type: 'call', calledNumber: base + 2 };
    expect((await queueEvent(nearCall)).json).toMatchObject({ result: 'applied', noticesQueued: 1 });
    // The same event again (an HIS retry): the first answer, nothing more sent.
    expect(await queueEvent(nearCall)).toMatchObject({ status: 200, json: { duplicate: true, noticesQueued: 0 } });

    const timeline = page.locator('#timeline');
    await expect(timeline).toContainText('前面還有 3 位', { timeout: 30_000 });
    await expect(timeline).toContainText(`${base + 5} 號`);
    await page.screenshot({ path: `${SHOTS}/queue-phone-near.png` });

    // The live page from the notice: 前面還有 3 位, and it follows the next call by itself.
    await timeline.getByText('查看即時看診進度').last().click();
    const wv = page.frameLocator('#wvFrame');
    await expect(wv.getByRole('heading', { name: /看診進度/ })).toBeVisible({ timeout: 20_000 });
    const card = wv.getByRole('article', { name: '候診測試 的看診進度' });
    await expect(card).toContainText('前面還有 3 位');
    await expect(card).toContainText('您的號碼');
    await expect(card).toContainText(String(base + 5));
    await expect(wv.getByText('今日各診進度')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/queue-liff-near.png` });

    // Next: 「請準備進診間」 on the page (its own refresh) and on the phone.
    expect((await queueEvent({ ...ev(4), type: 'call', calledNumber: base + 4 })).json.noticesQueued).toBe(1);
    await expect(card).toContainText('請準備進診間', { timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/queue-liff-next.png` });
    await page.locator('#wvClose').click();
    await expect(timeline).toContainText('請準備進診間', { timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/queue-phone-next.png` });
    // Called: no third message.
    expect((await queueEvent({ ...ev(5), type: 'call', calledNumber: base + 5 })).json.noticesQueued).toBe(0);
    const notices = (await sentTo(userId)).filter((m) => m.altText?.startsWith('候診測試（'));
    expect(notices.map((m) => m.altText)).toEqual([
      `候診測試（${base + 5} 號）前面還有 3 位`,
      `候診測試（${base + 5} 號）請準備進診間，下一位就是您`,
    ]);

    // 線上預約 › 看診進度: the queue with the patient and both notices.
    await office.goto('/booking/queue');
    await expect(office.getByRole('heading', { name: '看診進度' })).toBeVisible();
    const row = office.getByRole('row').filter({ hasText: '候診測試' }).last();
    await expect(row).toBeVisible();
    await expect(row).toContainText('已叫號');
    await expect(row).toContainText('前面還有 3 位');
    await expect(row).toContainText('請準備進診間');
    await expect(office.getByLabel('周怡君 晚上診 目前看診號碼')).toHaveText(String(base + 5));
    await office.screenshot({ path: `${SHOTS}/queue-office.png`, fullPage: true });

    // The threshold, saved from the page (restored at the end).
    const threshold = office.getByLabel('前面還有幾位時通知');
    await threshold.fill('4');
    await office.getByRole('button', { name: '儲存' }).click();
    await expect(office.getByText('已儲存看診進度通知設定')).toBeVisible();
    expect(
      ((await csrfJson(office, 'GET', '/api/queue/settings')).json as { nearThreshold: number }).nearThreshold,
    ).toBe(4);
  } finally {
    await csrfJson(office, 'PUT', '/api/queue/settings', before);
    await office.close();
  }
});
