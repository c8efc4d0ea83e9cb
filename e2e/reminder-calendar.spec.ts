// The 提醒 › 工作日曆 page on the demo stack: an admin closes the clinic (颱風停診) on the day a
// visit's 48-hour reminder would go out; before confirming, the dry run says it moves that
// reminder (old → new send time); after confirming, the appointment's 提醒 tab shows the new
// time; deleting the closure (with its own dry run) moves it back. Importing an official CSV
// (in Big5, as the government publishes it) shows the differences before anything is applied,
// and a CSV of the wrong year is refused in zh-TW. Screenshots at 1440 px go to
// docs/screenshots/work-calendar*.png.
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { addDays, ADMIN_EMAIL, csrfJson, his, login, SHOTS, taipeiDate, weekday } from './demo.ts';

const run = Date.now().toString(36).slice(-5);
const phone = `09${String(Date.now() + 37).slice(-8)}`;
const PATIENT = '鄭雨潔';

const slash = (d: string) => d.replaceAll('-', '/');

type Day = { date: string; working: boolean; category: string; reason: string };
const dayOf = async (page: Page, d: string) =>
  ((await csrfJson(page, 'GET', `/api/calendar/days?from=${d}&to=${d}`)).json as { items: Day[] }).items[0];

/**
 * A Thursday about ten weeks ahead (past the demo's own bookings) whose Tuesday (the 48-hour
 * reminder's day) and Monday (where a closure on Tuesday moves it) are ordinary working days.
 */
async function pickVisitDay(page: Page): Promise<string> {
  let d = taipeiDate(70);
  for (let i = 0; i < 60; i++, d = addDays(d, 1)) {
    if (weekday(d) !== 4) continue;
    const [tue, mon] = [await dayOf(page, addDays(d, -2)), await dayOf(page, addDays(d, -3))];
    if (tue.category === 'working' && mon.category === 'working') return d;
  }
  throw new Error('no suitable Thursday');
}

async function chooseYear(page: Page, year: number) {
  await page.getByRole('combobox', { name: '年度' }).click();
  await page
    .locator('.ant-select-item-option')
    .filter({ hasText: `${year} 年` })
    .click();
  await expect(page.getByRole('grid', { name: `${year} 年 1 月` })).toBeVisible();
}

/** Big5 bytes of a text, from the platform decoder's own table (the government's files are Big5). */
function big5(text: string): Buffer {
  const map = new Map<string, number[]>();
  const dec = new TextDecoder('big5');
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail > 0x7e && trail < 0xa1) continue;
      const ch = dec.decode(Uint8Array.from([lead, trail]));
      if (ch.length === 1 && ch !== '\uFFFD' && !map.has(ch)) map.set(ch, [lead, trail]);
    }
  const out: number[] = [];
  for (const ch of text) out.push(...(ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : map.get(ch)!));
  return Buffer.from(out);
}

/** An official-style CSV (西元日期, 星期, 是否放假, 備註) of a year: weekends plus the given days off. */
function officialCsv(year: number, off: Record<string, string>): string {
  const lines = ['西元日期,星期,是否放假,備註'];
  for (let d = `${year}-01-01`; d.startsWith(`${year}-`); d = addDays(d, 1)) {
    const wd = weekday(d);
    const isOff = d in off || wd === 0 || wd === 6;
    lines.push(`${d.replaceAll('-', '')},${'日一二三四五六'[wd]},${isOff ? 2 : 0},${off[d] ?? ''}`);
  }
  return lines.join('\r\n');
}

test('a typhoon closure moves the visit’s planned reminder; the 提醒 tab shows the new time', async ({ page }) => {
  test.setTimeout(150_000);
  await login(page, ADMIN_EMAIL);
  const visit = await pickVisitDay(page);
  const tuesday = addDays(visit, -2);
  const monday = addDays(visit, -3);
  const year = Number(tuesday.slice(0, 4));

  await his(`/patients/WC-${run}`, { name: PATIENT, phone });
  await his(`/appointments/WC-${run}-A1`, {
    patientId: `WC-${run}`,
    doctorId: 'D001',
    startsAt: `${visit}T15:00:00+08:00`,
    durationMinutes: 30,
    visitType: '洗牙',
    status: 'booked',
    version: 1,
  });
  let id = '';
  const due48 = async () => {
    const d = (await csrfJson(page, 'GET', `/api/appointments/${id}`)).json as {
      reminders: { ruleName: string; dueAt: string | null; state: string }[];
    };
    return d.reminders.find((r) => r.ruleName === '看診前 48 小時提醒' && r.state === 'planned')?.dueAt ?? '';
  };
  await expect
    .poll(
      async () => {
        const list = (await csrfJson(page, 'GET', `/api/appointments?q=${phone.slice(-4)}`)).json as {
          items: { id: string; patientName: string }[];
        };
        id = list.items.find((i) => i.patientName === PATIENT)?.id ?? '';
        return id ? due48() : '';
      },
      { timeout: 30_000, message: 'the new visit’s 48-hour reminder is planned' },
    )
    .toBe(new Date(`${tuesday}T15:00:00+08:00`).toISOString());

  await page.goto('/reminders/calendar');
  await chooseYear(page, year);
  await expect(page.getByText(/國定假日（\d+ 天）/)).toBeVisible();
  await page.locator(`[data-date="${tuesday}"]`).click();
  const modal = page.getByRole('dialog');
  await expect(modal).toContainText(`${slash(tuesday)}（週二） 休診／加開`);
  await expect(modal.getByRole('radio', { name: '休診' })).toBeChecked();
  await modal.getByRole('textbox', { name: '原因' }).fill('颱風停診');
  // The dry run: this closure moves exactly that reminder, Tuesday 15:00 → Monday 09:00.
  const impact = modal.getByTestId('calendar-impact');
  await expect(impact).toContainText('將移動 1 則已排程的提醒');
  const row = impact.getByRole('row').filter({ hasText: PATIENT });
  await expect(row).toContainText('看診前 48 小時提醒');
  await expect(row).toContainText(`${slash(tuesday)} 15:00 → ${slash(monday)} 09:00`);
  await page.screenshot({ path: path.join(SHOTS, 'work-calendar-closure.png') });
  // Nothing saved yet.
  expect(await due48()).toBe(new Date(`${tuesday}T15:00:00+08:00`).toISOString());
  await modal.getByRole('button', { name: /確認休診（移動 1 則提醒）/ }).click();
  await expect(page.getByText('已設定休診，1 則提醒將重新排程')).toBeVisible();
  await expect(page.locator(`[data-date="${tuesday}"]`)).toHaveAttribute('data-category', 'clinic_closed');
  await expect(page.getByTestId('calendar-overrides')).toContainText('颱風停診');
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByText('已設定休診，1 則提醒將重新排程')).toBeHidden();
  await page.screenshot({ path: path.join(SHOTS, 'work-calendar.png'), fullPage: true });

  await expect
    .poll(due48, { timeout: 20_000, message: 'the replan moved the reminder' })
    .toBe(new Date(`${monday}T09:00:00+08:00`).toISOString());
  await page.goto(`/appointments?open=${id}`);
  const appt = page.getByRole('dialog');
  await expect(appt).toContainText(PATIENT);
  await appt.getByRole('tab', { name: /提醒/ }).click();
  const tab = appt.getByRole('tabpanel');
  await expect(tab).toContainText('診所休診：颱風停診，順延至');
  await expect(tab).toContainText(new RegExp(`預定 \\S*${monday.slice(5, 7)}/${monday.slice(8, 10)} 09:00`));
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'work-calendar-appointment.png') });

  // Deleting the closure: its own dry run moves the reminder back to Tuesday 15:00.
  await page.goto('/reminders/calendar');
  await chooseYear(page, year);
  await page
    .getByTestId('calendar-overrides')
    .getByRole('button', { name: `刪除 ${tuesday}` })
    .click();
  const del = page.getByRole('dialog');
  await expect(del.getByRole('radio', { name: '取消這天的設定' })).toBeChecked();
  await expect(del.getByTestId('calendar-impact')).toContainText('將移動 1 則已排程的提醒');
  await expect(del.getByTestId('calendar-impact').getByRole('row').filter({ hasText: PATIENT })).toContainText(
    `${slash(monday)} 09:00 → ${slash(tuesday)} 15:00`,
  );
  await del.getByRole('button', { name: /確認刪除/ }).click();
  await expect(page.getByText('已刪除，1 則提醒將重新排程')).toBeVisible();
  await expect
    .poll(due48, { timeout: 20_000, message: 'the replan moved the reminder back' })
    .toBe(new Date(`${tuesday}T15:00:00+08:00`).toISOString());
});

test('importing the official CSV previews the differences; a CSV of the wrong year is refused', async ({ page }) => {
  await login(page, ADMIN_EMAIL);
  const year = Number(taipeiDate().slice(0, 4)) + 1;
  // What is in force for that year (the government's days off, weekends aside), plus a typhoon day.
  const view = (await csrfJson(page, 'GET', `/api/calendar/year?year=${year}`)).json as { items: Day[] };
  const off: Record<string, string> = {};
  for (const d of view.items) if (d.category === 'holiday' || d.category === 'observed') off[d.date] = d.reason;
  let typhoon = `${year}-07-01`;
  while (weekday(typhoon) === 0 || weekday(typhoon) === 6 || typhoon in off) typhoon = addDays(typhoon, 1);
  off[typhoon] = '颱風假';

  await page.goto('/reminders/calendar');
  await chooseYear(page, year);
  const card = page.getByTestId('calendar-import');
  await card.locator('input[type=file]').setInputFiles({
    name: `${year}年辦公日曆表.csv`,
    mimeType: 'text/csv',
    buffer: big5(officialCsv(year, off)),
  });
  const preview = card.getByTestId('import-preview');
  await expect(preview).toContainText('與目前資料相比，有 1 天不同');
  const row = preview.getByRole('row').filter({ hasText: slash(typhoon) });
  await expect(row).toContainText('改為放假');
  await expect(row).toContainText('上班');
  await expect(row).toContainText('放假・颱風假');
  await expect(preview.getByRole('button', { name: '套用' })).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'work-calendar-import.png') });
  // Not applied until 套用.
  expect(
    ((await csrfJson(page, 'GET', `/api/calendar/days?from=${typhoon}&to=${typhoon}`)).json as { items: Day[] })
      .items[0].working,
  ).toBe(true);
  await preview.getByRole('button', { name: '取消' }).click();

  // A file of another year than the one chosen.
  await card.locator('input[type=file]').setInputFiles({
    name: `${year - 1}年辦公日曆表.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from(officialCsv(year - 1, {}), 'utf8'),
  });
  const alert = card.getByRole('alert');
  await expect(alert).toContainText(`「${year - 1}年辦公日曆表.csv」無法匯入`);
  await expect(alert).toContainText(`檔案內容是 ${year - 1} 年的日曆，與您選擇的 ${year} 年不符`);
  await expect(card.getByTestId('import-preview')).toHaveCount(0);
});

test('other roles see the year and the reasons, without editing', async ({ page }) => {
  await login(page, 'desk@demo.careline.tw');
  await page.goto('/reminders/calendar');
  await expect(page.getByText('只有管理者可以設定休診、加開或匯入日曆。')).toBeVisible();
  const year = Number(taipeiDate().slice(0, 4));
  await chooseYear(page, year);
  const newYear = page.locator(`[data-date="${year}-01-01"]`);
  await expect(newYear).toHaveAttribute('data-category', 'holiday');
  await newYear.hover();
  await expect(page.getByRole('tooltip')).toContainText('國定假日：開國紀念日');
  await newYear.click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByTestId('calendar-import').locator('input[type=file]')).toHaveCount(0);
});
