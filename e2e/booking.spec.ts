// 線上預約 end to end on the emulator's phone page and the back office. A parent binds on LINE
// (two patients share the phone: the parent and a child) and books in LIFF (線上預約) for the
// child: doctor, visit type, day, time → 「預約申請中」 on the page and in LINE. The request is on
// 線上預約 › 預約申請; the HIS writes the appointment back with the request's id → 預約成功 in
// LINE. A second request is accepted by the front desk in the back office → one 預約成功, no
// second confirmation. A recall (回診提醒) reaches the phone; its 「線上預約」 button opens the
// booking page; the request is marked as coming from the recall, and once accepted the recall
// list says 已預約. With a no-show rule set on 未到診規則 (restored at the end), the parent — two
// no-shows this year — books and reads the clinic's approval message; the front desk sees 需核准
// and declines with a reason the patient reads.
// Screenshots: docs/screenshots/booking-*.png (390 px phone, 1440 px back office).
import { expect, test, type Browser, type FrameLocator, type Page } from '@playwright/test';
import {
  ADMIN_EMAIL,
  BASE,
  csrfJson,
  EMU,
  followAndBind,
  his,
  login,
  newLineUser,
  quietHoursOff,
  SHOTS,
  tapMenu,
  taipeiAt,
  taipeiDate,
  weekday,
} from './demo.ts';

type Req = { id: string; patientName: string; startsAt: string; status: string; source: string; visitType: string };

async function phoneOf(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-TW' });
  return ctx.newPage();
}

/** What the demo channel pushed to the user (the emulator's log), as text or alt text. */
async function sentTo(userId: string): Promise<string[]> {
  const r = await fetch(`${EMU}/_emulator/channels/1000000001/messages?to=${userId}`);
  const j = (await r.json()) as { messages: { message: { text?: string; altText?: string } }[] };
  return j.messages.map((m) => m.message.text ?? m.message.altText ?? '');
}

/** "12/8（二）" as the LIFF day chips show a YYYY-MM-DD date. */
const chip = (d: string) => `${Number(d.slice(5, 7))}/${Number(d.slice(8, 10))}（${'日一二三四五六'[weekday(d)]}）`;

/**
 * On the LIFF booking page: for whom, the doctor, the visit type, the day; picks the `nth` time
 * of that day and returns its label (HH:MM).
 */
async function fillBooking(
  wv: FrameLocator,
  o: { who: string; doctor: string; visitType: string; day: string; nth: number },
): Promise<string> {
  await expect(wv.getByRole('heading', { name: '線上預約' })).toBeVisible({ timeout: 20_000 });
  await wv.getByRole('radiogroup', { name: '為誰預約' }).locator('label').filter({ hasText: o.who }).click();
  await wv.getByRole('radiogroup', { name: '醫師' }).locator('label').filter({ hasText: o.doctor }).click();
  await wv.getByRole('radiogroup', { name: '看診類別' }).locator('label').filter({ hasText: o.visitType }).click();
  await wv
    .getByRole('radiogroup', { name: '日期' })
    .locator('label')
    .filter({ hasText: chip(o.day) })
    .click();
  // the times of that day (an instant of the day in UTC too: slots run 09:00–21:00 Taipei)
  await expect(wv.locator('input[name="slot"]').first()).toHaveAttribute('value', new RegExp(`^${o.day}T`));
  const time = wv.getByRole('radiogroup', { name: '時段' }).locator('label').nth(o.nth);
  await expect(time).toBeVisible();
  const label = (await time.innerText()).trim().slice(0, 5);
  await time.click();
  return label;
}

test('books for a child in LIFF → HIS write-back and staff accept; recall link books; no-show rule', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const run = Date.now().toString(36);
  const tag = run.slice(-4);
  const parent = `預約家長${tag}`;
  const child = `預約小孩${tag}`;
  const doctor = `預約測試${tag}`;
  const mobile = `09${String(Date.now() + 31).slice(-8)}`;
  // A day this doctor works: two or more days ahead, not a Sunday (the demo clinic is closed).
  let day = taipeiDate(2);
  if (weekday(day) === 0) day = taipeiDate(3);
  const md = `${Number(day.slice(5, 7))}/${Number(day.slice(8, 10))}`;

  const office = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: BASE });
  await login(office, ADMIN_EMAIL);
  // Outside quiet hours, so that a booking-day message would go at once — and be seen if it went
  // besides 預約成功 (the dispatcher reads the setting within 30 s).
  const restoreQuiet = await quietHoursOff(office);
  const quietOffAt = Date.now();
  const policyBefore = (await csrfJson(office, 'GET', '/api/booking/no-show-policy')).json as Record<string, unknown>;
  let doctorId: string | null = null;
  let recallRuleId: string | null = null;
  const pausedRules: Record<string, unknown>[] = [];
  try {
    // The HIS: a doctor of this run, open for online booking (30-minute slots, 洗牙 and 補牙),
    // the parent (two no-shows in the last months, a cleaning 40 days ago) and the child.
    await his(`/doctors/BKD-${run}`, { name: doctor, department: '一般牙科' });
    await his(`/patients/BK-${run}-P`, { name: parent, phone: mobile, chartNo: `BP${tag}` });
    await his(`/patients/BK-${run}-C`, { name: child, phone: mobile, chartNo: `BC${tag}` });
    for (const [i, days] of [-30, -75].entries())
      await his(`/appointments/BK-${run}-NS${i}`, {
        patientId: `BK-${run}-P`,
        doctorId: `BKD-${run}`,
        startsAt: taipeiAt(days, 10),
        durationMinutes: 30,
        status: 'no_show',
        version: 1,
      });
    const rules = (await csrfJson(office, 'GET', '/api/booking/rules')).json as {
      doctors: { doctorId: string; name: string }[];
    };
    doctorId = rules.doctors.find((d) => d.name === doctor)!.doctorId;
    const rule = {
      enabled: true,
      visitTypes: ['洗牙', '補牙'],
      slotMinutes: 30,
      daysAhead: 7,
      cutoffMinutes: 60,
      perSlot: 1,
    };
    expect((await csrfJson(office, 'PUT', `/api/booking/rules/${doctorId}`, rule)).status).toBe(200);

    // The parent binds on their phone: both patients with that number.
    const userId = await newLineUser(`${parent}的LINE`, mobile);
    const phone = await phoneOf(browser);
    const wv = await followAndBind(phone, userId, mobile);
    await expect(wv.getByText('已綁定：')).toContainText(child);

    // 1. For the child: 洗牙 with this doctor, the first time of the day.
    await wv.getByRole('link', { name: '線上預約' }).click();
    const t1 = await fillBooking(wv, { who: child, doctor, visitType: '洗牙', day, nth: 0 });
    await phone.screenshot({ path: `${SHOTS}/booking-liff-form.png`, fullPage: true });
    await wv.getByRole('button', { name: '送出預約申請' }).click();
    await expect(wv.getByRole('heading', { name: '預約申請中' })).toBeVisible();
    await expect(wv.getByText(`${child}・${md}`)).toContainText(t1);
    await phone.screenshot({ path: `${SHOTS}/booking-liff-requested.png` });
    await phone.locator('#wvClose').click();
    const timeline = phone.locator('#timeline');
    await expect(timeline).toContainText(`已收到${child}的預約申請：${md}`, { timeout: 30_000 });
    await expect(timeline).toContainText('目前為「預約申請中」');

    // The clinic has it on 預約申請 (from LINE); the HIS books it and writes it back with its id.
    const open = async (name: string) => {
      let found: Req | undefined;
      await expect(async () => {
        const list = (await csrfJson(office, 'GET', '/api/booking/requests?status=requested')).json as {
          items: Req[];
        };
        found = list.items.filter((r) => r.patientName === name).at(-1);
        expect(found).toBeTruthy();
      }).toPass({ timeout: 20_000 });
      return found!;
    };
    const r1 = await open(child);
    expect(r1.source).toBe('liff');
    await office.waitForTimeout(Math.max(0, 31_000 - (Date.now() - quietOffAt)));
    await his(`/appointments/BK-${run}-A1`, {
      patientId: `BK-${run}-C`,
      doctorId: `BKD-${run}`,
      startsAt: r1.startsAt,
      durationMinutes: 30,
      visitType: '洗牙',
      status: 'booked',
      version: 1,
      bookingRequestId: r1.id,
    });
    await expect(timeline).toContainText(`預約成功！${child}：${md}`, { timeout: 30_000 });
    // One confirmation of the visit: 預約成功, no booking-day message besides (given time to show).
    const confirmations = async (time: string) => {
      await phone.waitForTimeout(8_000);
      return (await sentTo(userId)).filter((m) => m.includes(time) && /預約成功|已為您預約/.test(m));
    };
    expect(await confirmations(t1)).toEqual([
      expect.stringMatching(new RegExp(`^預約成功！${child}：${md}（週.）${t1}`)),
    ]);
    await phone.screenshot({ path: `${SHOTS}/booking-phone-accepted.png` });

    // 2. For the child again (補牙, the second time): the front desk accepts it in the back office.
    await openBooking(phone, wv);
    const t2 = await fillBooking(wv, { who: child, doctor, visitType: '補牙', day, nth: 0 });
    await wv.getByRole('button', { name: '送出預約申請' }).click();
    await expect(wv.getByRole('heading', { name: '預約申請中' })).toBeVisible();
    await phone.locator('#wvClose').click();
    await office.goto('/booking/requests');
    const row = office.getByRole('row').filter({ hasText: child }).filter({ hasText: '補牙' });
    await expect(async () => {
      await office.reload();
      await expect(row).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 30_000 });
    await expect(row).toContainText(doctor);
    await expect(row).toContainText(`${day.replaceAll('-', '/')}（週`);
    await expect(row).toContainText('LINE 預約頁');
    await expect(row).toContainText('預約申請中');
    await expect(office.locator('.ant-spin-spinning')).toHaveCount(0); // not mid-refetch
    await office.screenshot({ path: `${SHOTS}/booking-office-requests.png`, fullPage: true });
    await row.getByRole('button', { name: '接受' }).click();
    await expect(office.getByText(`已接受，${child} 的預約已成立`)).toBeVisible();
    await expect(timeline).toContainText(`預約成功！${child}：${md}`, { timeout: 30_000 });
    expect(await confirmations(t2)).toEqual([
      expect.stringMatching(new RegExp(`^預約成功！${child}：${md}（週.）${t2}`)),
    ]);
    await phone.screenshot({ path: `${SHOTS}/booking-phone-staff-accepted.png` });
    await office.getByText('已成立', { exact: true }).click();
    await expect(office.getByRole('row').filter({ hasText: child }).first()).toContainText('預約成功');

    // 3. A recall reaches the parent (a rule of this run's visit type only; the clinic's other
    // rules paused meanwhile), and its 線上預約 button opens the booking page.
    const recallType = `回診${tag}`;
    await his(`/appointments/BK-${run}-R`, {
      patientId: `BK-${run}-P`,
      doctorId: `BKD-${run}`,
      startsAt: taipeiAt(-40, 10),
      durationMinutes: 30,
      visitType: recallType,
      status: 'completed',
      version: 1,
    });
    type RecallRule = { id: string; enabled: boolean; [k: string]: unknown };
    const existing = ((await csrfJson(office, 'GET', '/api/recall-rules')).json as { items: RecallRule[] }).items;
    for (const r of existing.filter((x) => x.enabled)) {
      const { id, ...body } = r;
      expect((await csrfJson(office, 'PUT', `/api/recall-rules/${id}`, { ...body, enabled: false })).status).toBe(200);
      pausedRules.push(r);
    }
    const created = await csrfJson(office, 'POST', '/api/recall-rules', {
      name: `回診測試${tag}`,
      kind: 'after_visit',
      visitType: recallType,
      intervalDays: 30,
      message: '{name} 您好，上次看診已超過一個月，歡迎回診檢查。',
      button: 'booking',
    });
    expect(created.status, JSON.stringify(created.json)).toBeLessThan(300);
    recallRuleId = ((await csrfJson(office, 'GET', '/api/recall-rules')).json as { items: RecallRule[] }).items.find(
      (r) => r.name === `回診測試${tag}`,
    )!.id;
    expect((await csrfJson(office, 'POST', '/api/recalls/scan')).status).toBeLessThan(300);
    await expect(timeline).toContainText(`${parent} 您好，上次看診已超過一個月`, { timeout: 30_000 });
    await phone.screenshot({ path: `${SHOTS}/booking-recall-phone.png` });
    await timeline.getByText('線上預約').last().click();
    // any doctor (不指定): the visit types of every bookable doctor are offered
    const t3 = await fillBooking(wv, { who: parent, doctor: '不指定', visitType: '洗牙', day, nth: 0 });
    await wv.getByRole('button', { name: '送出預約申請' }).click();
    await expect(wv.getByRole('heading', { name: '預約申請中' })).toBeVisible();
    await phone.locator('#wvClose').click();
    const r3 = await open(parent);
    expect(r3).toMatchObject({ source: 'recall', visitType: '洗牙' });
    await expect(timeline).toContainText(`已收到${parent}的預約申請：${md}`, { timeout: 30_000 });
    await expect(timeline).toContainText(t3);
    // Accepted: the recall list says 已預約 (the front desk need not record it).
    expect((await csrfJson(office, 'POST', `/api/booking/requests/${r3.id}/accept`)).status).toBe(200);
    const recalls = (await csrfJson(office, 'GET', `/api/recalls?ruleId=${recallRuleId}`)).json as {
      items: { patientName: string; statusLabel: string; outcomeBy: string | null }[];
    };
    expect(recalls.items.find((r) => r.patientName === parent)).toMatchObject({
      statusLabel: '已預約',
      outcomeBy: '線上預約',
    });

    // 4. 未到診規則: two no-shows need approval (set on the page, restored at the end).
    await office.goto('/booking/no-show-policy');
    await expect(office.getByRole('heading', { name: '未到診規則' })).toBeVisible();
    const approval = `您近一年有 2 次以上未到診，線上預約需診所確認（${tag}），我們會盡快與您聯絡。`;
    const toggle = office.getByRole('switch', { name: '啟用未到診規則' });
    if ((await toggle.getAttribute('aria-checked')) !== 'true') await toggle.click();
    await office.getByLabel('近 12 個月未到診達').fill('2');
    await office.getByLabel('病患看到的說明').fill(approval);
    await office.getByRole('button', { name: '儲存' }).click();
    await expect(office.getByText('未到診 2 次以上的病患')).toBeVisible();
    await expect(async () => {
      const p = (await csrfJson(office, 'GET', '/api/booking/no-show-policy')).json as { message: string };
      expect(p.message).toBe(approval);
    }).toPass({ timeout: 10_000 });
    await office.screenshot({ path: `${SHOTS}/booking-no-show-policy.png`, fullPage: true });

    await openBooking(phone, wv);
    await fillBooking(wv, { who: parent, doctor, visitType: '補牙', day, nth: 0 });
    await wv.getByRole('button', { name: '送出預約申請' }).click();
    await expect(wv.getByRole('heading', { name: '預約申請中' })).toBeVisible();
    await expect(wv.getByText(approval)).toBeVisible();
    await phone.screenshot({ path: `${SHOTS}/booking-liff-approval.png` });
    await phone.locator('#wvClose').click();
    await expect(timeline).toContainText(approval, { timeout: 30_000 });

    // The front desk sees it needs approval and declines it; the patient reads why.
    await office.goto('/booking/requests');
    const held = office.getByRole('row').filter({ hasText: parent }).filter({ hasText: '需核准' });
    await expect(async () => {
      await office.reload();
      await expect(held).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 30_000 });
    await expect(held).toContainText('近 12 個月未到診 2 次');
    await held.getByRole('button', { name: '婉拒' }).click();
    const dialog = office.getByRole('dialog', { name: `婉拒 ${parent} 的預約申請` });
    await dialog.getByLabel('原因（病患會在 LINE 看到）').fill('請先來電與櫃台確認時段');
    await dialog.getByRole('button', { name: '婉拒並通知病患' }).click();
    await expect(office.getByText('已婉拒，病患會在 LINE 收到原因')).toBeVisible();
    await expect(timeline).toContainText('原因：請先來電與櫃台確認時段', { timeout: 30_000 });
    await phone.screenshot({ path: `${SHOTS}/booking-phone-declined.png` });
  } finally {
    await restoreQuiet();
    await csrfJson(office, 'PUT', '/api/booking/no-show-policy', policyBefore);
    if (doctorId) await csrfDelete(office, `/api/booking/rules/${doctorId}`);
    if (recallRuleId) await csrfDelete(office, `/api/recall-rules/${recallRuleId}`);
    for (const { id, ...body } of pausedRules) await csrfJson(office, 'PUT', `/api/recall-rules/${id}`, body);
    await office.close();
  }
});

/** Rich menu 我的預約 → the LIFF page's 線上預約 tab. */
async function openBooking(phone: Page, wv: FrameLocator): Promise<void> {
  await tapMenu(phone, '我的預約');
  await wv.getByRole('link', { name: '線上預約' }).click();
}

/** A back-office DELETE from the logged-in page (answers 204 without a body). */
async function csrfDelete(page: Page, url: string): Promise<number> {
  return page.evaluate(async (u) => {
    const token = decodeURIComponent(document.cookie.match(/careline_csrf=([^;]+)/)?.[1] ?? '');
    return (await fetch(u, { method: 'DELETE', headers: { 'x-csrf-token': token } })).status;
  }, url);
}
