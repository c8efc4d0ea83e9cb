// The front desk's morning on the demo stack: a patient bound on the emulator's phone has a
// visit today that is not confirmed; the front desk sees them on the home page, reveals their
// number to call them, opens the appointment, resends the reminder, the reminder arrives on the
// emulator's phone page, the patient confirms and the 歷程 says so in words. The demo doctor
// login (the demo HIS's 陳建志) sees only their own calendar by default and only masked
// numbers; a doctor login linked to no HIS doctor opens on all doctors with a hint. Screenshots
// at 1440 px go to docs/screenshots/frontdesk-*.png.
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  ADMIN_EMAIL,
  EMU,
  followAndBind,
  his,
  hisGet,
  login,
  LATE_IN_THE_DAY,
  quietHoursOff,
  SHOTS,
  soonToday,
} from './demo.ts';

const CHANNEL = '1000000001';
const run = Date.now().toString(36).slice(-5);
const phone = `09${String(Date.now() + 7).slice(-8)}`;
const PATIENT = '郭書豪';
// The demo doctor login is the demo HIS's doctor D001 (seeded and linked).
const DOCTOR = { id: 'D001', name: '陳建志' };

const startsAt = soonToday();

const botMessages = async (userId: string) =>
  (
    (await (await fetch(`${EMU}/_emulator/channels/${CHANNEL}/messages?to=${userId}`)).json()) as {
      messages: { message: { type: string; text?: string; altText?: string } }[];
    }
  ).messages;

/** Binds the patient on the emulator's phone (follow → rich menu 綁定帳號 → LIFF → SMS code). */
async function bindOnPhone(page: Page): Promise<string> {
  await page.setViewportSize({ width: 430, height: 932 });
  const res = await fetch(`${EMU}/_emulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: PATIENT, phone }),
  });
  const { userId } = (await res.json()) as { userId: string };
  await followAndBind(page, userId, phone);
  return userId;
}

test.describe.configure({ mode: 'serial' });
let userId = '';
let quietHoursBack = async () => {};
let quietHoursOffAt = 0;

test.beforeAll(async ({ browser }) => {
  await his(`/patients/FD-${run}`, { name: PATIENT, phone, chartNo: `FD${run}` });
  // The booking reminder and the resend go out at once whatever the hour of the run (the demo
  // clinic holds reminders 21:00–08:00); only an admin may change the rules.
  const admin = await (await browser.newContext()).newPage();
  await login(admin, ADMIN_EMAIL);
  const restore = await quietHoursOff(admin);
  quietHoursBack = async () => {
    await restore();
    await admin.context().close();
  };
  quietHoursOffAt = Date.now();
});

test.afterAll(async () => {
  await quietHoursBack();
});

test('front desk: unconfirmed patient on the home page → appointment → resend reminder → on the phone', async ({
  page,
  browser,
}) => {
  test.skip(!startsAt, LATE_IN_THE_DAY);
  test.setTimeout(180_000);
  const phonePage = await (await browser.newContext({ locale: 'zh-TW', timezoneId: 'Asia/Taipei' })).newPage();
  userId = await bindOnPhone(phonePage);
  // The dispatcher reads a clinic's settings at most every 30 s: the rules without quiet hours hold now.
  await new Promise((r) => setTimeout(r, Math.max(0, quietHoursOffAt + 31_000 - Date.now())));
  // The HIS books a visit for later today (after the binding, so the reminder engine can reach the patient).
  await his(`/appointments/FD-${run}-A1`, {
    patientId: `FD-${run}`,
    doctorId: DOCTOR.id,
    startsAt,
    durationMinutes: 30,
    visitType: '洗牙',
    status: 'booked',
    version: 1,
  });

  await login(page, 'desk@demo.careline.tw');
  // The booking-day reminder goes out right away and the light turns to 尚未回覆; if the engine
  // has not sent it yet, the front desk's own "send the reminder now" does.
  const find = async () =>
    (
      (await (await page.request.get(`/api/appointments?q=${phone.slice(-4)}`)).json()) as {
        items: { id: string; patientName: string; lights: { reply: { code: string } } }[];
      }
    ).items.find((i) => i.patientName === PATIENT);
  await expect.poll(async () => (await find())?.id, { timeout: 15_000 }).toBeTruthy();
  try {
    await expect.poll(async () => (await find())?.lights.reply.code, { timeout: 15_000 }).toBe('awaiting_reply');
  } catch {
    const csrf = (await page.context().cookies()).find((c) => c.name === 'careline_csrf')?.value ?? '';
    const r = await page.request.post(`/api/appointments/${(await find())!.id}/resend-reminder`, {
      headers: { 'x-csrf-token': csrf },
    });
    expect(r.status()).toBe(202);
  }

  // Home: the patient is under 待處理 → 尚未回覆, the counter is not zero.
  await page.goto('/');
  const awaitingTab = page.getByRole('tab', { name: /尚未回覆/ });
  await awaitingTab.click();
  const item = page.getByRole('tabpanel').locator('.ant-list-item').filter({ hasText: PATIENT });
  const row = item.getByText(PATIENT);
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('link', { name: /^尚未回覆 [1-9]/ })).toBeVisible();
  // The number is masked; 顯示 reveals it (audited) as a link to call, without opening the appointment.
  const tel = `tel:+886${phone.slice(1)}`;
  await expect(item).toContainText(`${phone.slice(0, 4)}-***-${phone.slice(-3)}`);
  await item.getByRole('button', { name: '顯示' }).click();
  await expect(item.getByRole('link', { name: /^撥打/ })).toHaveAttribute('href', tel);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'frontdesk-home.png') });

  // Open the appointment from the home page: its 電話 row reveals the number too.
  await row.click();
  const drawer = page.getByRole('dialog');
  await expect(drawer).toContainText(PATIENT);
  await expect(drawer).toContainText(DOCTOR.name);
  await expect(drawer).toContainText('洗牙');
  await drawer.getByRole('button', { name: '顯示' }).click();
  await expect(drawer.getByRole('link', { name: /^撥打/ })).toHaveAttribute('href', tel);
  await drawer.getByRole('tab', { name: /提醒/ }).click();
  await page.screenshot({ path: path.join(SHOTS, 'frontdesk-detail.png') });
  const before = (await botMessages(userId)).length;
  await drawer.getByRole('button', { name: '重送提醒' }).click();
  await expect(page.getByText('提醒已排入發送')).toBeVisible();
  await expect.poll(async () => (await botMessages(userId)).length, { timeout: 30_000 }).toBeGreaterThan(before);
  const sent = await botMessages(userId);
  const last = sent.at(-1)!.message;

  // The reminder is on the patient's phone: one more message about this visit than before.
  await phonePage.reload();
  if (last.type === 'text')
    await expect(phonePage.locator('#timeline')).toContainText(last.text!.split('\n')[0].slice(0, 12), {
      timeout: 20_000,
    });
  else
    await expect(phonePage.locator('.lf-bubble').filter({ hasText: PATIENT })).toHaveCount(
      sent.filter((m) => m.message.type === 'flex').length,
      { timeout: 20_000 },
    );
  await phonePage.locator('#timeline').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await phonePage.screenshot({ path: path.join(SHOTS, 'frontdesk-phone-reminder.png') });

  // The patient confirms on the phone; the 歷程 says what changed in words.
  await phonePage
    .locator('.lf-bubble')
    .filter({ hasText: PATIENT })
    .last()
    .getByRole('button', { name: '確認赴約' })
    .click();
  await expect.poll(async () => (await find())?.lights.reply.code, { timeout: 20_000 }).toBe('confirmed');

  // The list (today), keyboard: "/" focuses the search, the search finds the patient by the last 4 digits.
  await page.keyboard.press('Escape');
  await page.goto('/appointments');
  await expect(page.locator('.ant-table-tbody tr.ant-table-row').first()).toBeVisible();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'frontdesk-list.png') });
  await page.keyboard.press('/');
  await expect(page.getByLabel('搜尋病患')).toBeFocused();
  await page.keyboard.type(phone.slice(-4));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`q=${phone.slice(-4)}`));
  await expect(page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: PATIENT })).toBeVisible();
  // In a clinic of 5,000 patients the last 4 digits can match others too: the whole number is unique.
  await page.getByLabel('搜尋病患').fill(phone);
  await page.getByLabel('搜尋病患').press('Enter');
  await expect(page).toHaveURL(new RegExp(`q=${phone}`));
  await expect(page.locator('.ant-table-tbody tr.ant-table-row')).toHaveCount(1);
  // The row's 顯示 by keyboard reveals the number (Enter on it is not "open the row").
  const listRow = page.locator('.ant-table-tbody tr.ant-table-row');
  await listRow.getByRole('button', { name: '顯示' }).focus();
  await page.keyboard.press('Enter');
  await expect(listRow.getByRole('link', { name: /^撥打/ })).toHaveAttribute('href', tel);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toContainText(PATIENT);
  // The 歷程 says in words what changed, the patient's answer included.
  const history = page.getByRole('dialog').getByRole('tabpanel');
  await expect(history).toContainText('回覆：尚未回覆 → 確認赴約（病患於 LINE 確認）');
  await expect(history).toContainText('建立預約');
  await expect(history).not.toContainText('已預約 → 已預約');
  await expect(history).not.toContainText('回覆燈號');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'frontdesk-history.png') });

  // The calendar of all doctors, today.
  await page.goto('/calendar?doctor=all&view=day');
  await expect(page.getByRole('heading', { level: 4 })).toContainText('日');
  await expect(page.getByText(PATIENT).first()).toBeVisible();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'frontdesk-calendar.png') });
  await phonePage.context().close();
});

test('the demo doctor sees their own calendar by default, and only masked numbers', async ({ page }) => {
  test.skip(!startsAt, LATE_IN_THE_DAY);
  // Another doctor's visit at the same time (D002 as the demo HIS sends it).
  await his('/doctors/D002', { name: '林怡伶', department: '兒童牙科', title: '主治醫師' });
  await his(`/patients/FD-${run}-X`, { name: '別醫師的病人', phone: '0911000111' });
  const other = await hisGet<{ startsAt: string }>(`/appointments/FD-${run}-A1`);
  await his(`/appointments/FD-${run}-X1`, {
    patientId: `FD-${run}-X`,
    doctorId: 'D002',
    startsAt: other.startsAt,
    durationMinutes: 30,
    visitType: '複診',
    status: 'booked',
    version: 1,
  });
  await login(page, 'doctor@demo.careline.tw');
  await page.goto('/calendar');
  await expect(page.getByText(`目前顯示您（${DOCTOR.name} 醫師）的門診`)).toBeVisible();
  await expect(page.getByText('還沒有對應到 HIS 的醫師')).toHaveCount(0);
  await expect(page.locator('.ant-select-content, .ant-select-selection-item').first()).toContainText(
    `${DOCTOR.name}（我）`,
  );
  await expect(page.getByText(PATIENT).first()).toBeVisible();
  await expect(page.getByText('別醫師的病人')).toHaveCount(0);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'frontdesk-calendar-doctor.png') });

  // The day of the doctor's own calendar has exactly one column: theirs, with today's visits.
  await page.goto(`/calendar?view=day&date=${other.startsAt.slice(0, 10)}`);
  const heads = page.locator('.cal-column-head');
  await expect(heads).toHaveCount(1);
  await expect(heads.first()).toContainText(DOCTOR.name);
  await expect(heads.first()).not.toContainText(' 0 位');

  // A doctor sees the masked number and no 顯示.
  await page.getByText(PATIENT).first().click();
  const drawer = page.getByRole('dialog');
  await expect(drawer).toContainText(`${phone.slice(0, 4)}-***-${phone.slice(-3)}`);
  await expect(drawer.getByRole('button', { name: '顯示' })).toHaveCount(0);
  await page.keyboard.press('Escape');

  // All doctors: a column per HIS doctor, none for the login itself.
  await page.goto('/calendar?doctor=all&view=day');
  await expect(page.getByText('別醫師的病人').first()).toBeVisible();
  const names = await page.locator('.cal-column-head > div:first-child').allInnerTexts();
  expect(names).toContain(DOCTOR.name);
  expect(names).toContain('林怡伶');
  expect(new Set(names).size).toBe(names.length);
});

test('a doctor login linked to no HIS doctor opens on all doctors with a hint', async ({ page, browser }) => {
  // An admin invites a doctor whose name is none of the HIS's doctors; the doctor sets a password.
  await login(page, ADMIN_EMAIL);
  const csrf = (await page.context().cookies()).find((c) => c.name === 'careline_csrf')?.value ?? '';
  const name = `未連結醫師${run}`;
  const invited = await page.request.post('/api/staff', {
    headers: { 'x-csrf-token': csrf },
    data: { email: `doctor-${run}@e2e.careline.tw`, name, role: 'doctor' },
  });
  expect(invited.status()).toBe(201);
  const token = new URL(((await invited.json()) as { link: string }).link).pathname.split('/').pop()!;
  const ctx = await browser.newContext({ locale: 'zh-TW', timezoneId: 'Asia/Taipei' });
  const doc = await ctx.newPage();
  const accepted = await doc.request.post('/api/auth/accept-invite', {
    data: { token, password: `e2e-${run}-password` },
  });
  expect(accepted.status()).toBe(200);

  await doc.goto('/calendar');
  await expect(doc.getByText('您的帳號還沒有對應到 HIS 的醫師')).toBeVisible();
  await expect(doc.getByText('設定 → 行事曆訂閱 → 醫師帳號對應')).toBeVisible();
  await expect(doc.locator('.ant-select-content, .ant-select-selection-item').first()).toContainText('全部醫師');
  await expect(doc.locator('.cal-column-head').first()).toBeVisible();
  expect(await doc.locator('.cal-column-head').allInnerTexts()).not.toContainEqual(expect.stringContaining(name));
  await doc.mouse.move(0, 0);
  await doc.screenshot({ path: path.join(SHOTS, 'frontdesk-calendar-unlinked.png') });
  await ctx.close();
});

test('the month calendar shows what happened on past days, and replies only ahead', async ({ page }) => {
  const day = (offset: number) => new Date(Date.now() + 8 * 3600e3 + offset * 86_400e3).toISOString().slice(0, 10);
  const yesterday = day(-1);
  const doctorId = `FDC-${run}`;
  await his(`/doctors/${doctorId}`, { name: '月曆醫師' });
  const visits: [string, string, string][] = [
    ['done', `${yesterday}T09:00:00+08:00`, 'completed'],
    ['missed', `${yesterday}T09:30:00+08:00`, 'no_show'],
    ['open', `${yesterday}T10:00:00+08:00`, 'booked'],
  ];
  for (const [key, startsAt, status] of visits) {
    await his(`/patients/FDC-${run}-${key}`, { name: `月曆${key}` });
    await his(`/appointments/FDC-${run}-${key}`, {
      patientId: `FDC-${run}-${key}`,
      doctorId,
      startsAt,
      durationMinutes: 30,
      visitType: '洗牙',
      status,
      version: 1,
      bookedAt: `${day(-10)}T09:00:00+08:00`,
    });
  }
  await login(page, ADMIN_EMAIL);
  await page.goto(`/calendar?doctor=all&view=month&date=${yesterday}`);
  const [, m, d] = yesterday.split('-').map(Number);
  const cell = page.locator(`button[aria-label^="${m}月${d}日 "]`);
  await expect(cell).toContainText('已看診');
  await expect(cell).toContainText('未到診');
  await expect(cell).toContainText('未報到');
  await expect(cell).not.toContainText('尚未提醒');
  // The legend names what happened too.
  await expect(page.getByText('已看診', { exact: true }).first()).toBeVisible();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'frontdesk-calendar-month.png') });
});
