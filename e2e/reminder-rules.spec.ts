// The 提醒規則 page on the demo stack (a clinic open on Saturdays): an admin sets the 48-hour
// rule to skip Saturdays, the simulator shows a Monday visit's reminder on Friday before
// anything is saved, the rules are saved, and a new Monday visit from the HIS gets its 48-hour
// reminder on Friday in the appointment's 提醒 tab. Other roles read without editing; a bad
// document is marked at its field and saved not at all. Screenshots at 1440 px go to
// docs/screenshots/reminder-rules*.png.
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { addDays, ADMIN_EMAIL, csrfJson, his, login, SHOTS, taipeiDate, weekday } from './demo.ts';

const run = Date.now().toString(36).slice(-5);
const phone = `09${String(Date.now() + 11).slice(-8)}`;
const PATIENT = '溫佳蓉';

/** The first Monday at least four days ahead (the simulator's default visit day). */
function nextMonday(): string {
  let d = taipeiDate(4);
  while (weekday(d) !== 1) d = addDays(d, 1);
  return d;
}
const md = (d: string) => `${Number(d.slice(5, 7))}/${Number(d.slice(8, 10))}`;
const longLabel = (d: string, wd: string) =>
  `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日（星期${wd}）`;

test('skip Saturdays for the 48-hour rule: simulator and a new Monday visit show Friday', async ({ page }) => {
  test.setTimeout(120_000);
  const monday = nextMonday();
  const friday = addDays(monday, -3);
  await login(page, ADMIN_EMAIL);
  const original = (await csrfJson(page, 'GET', '/api/reminders/rules')).json;

  await page.goto('/reminders/rules');
  const rule = page.getByTestId('rule-before-48h');
  await expect(rule).toContainText('看診前 48 小時發送');
  // The simulator's default visit: that Monday at 10:00; with nothing skipped, Saturday 10:00.
  const sim = page.getByTestId('rule-simulator');
  await expect(sim).toContainText(`${longLabel(monday, '一')} 10:00`);
  await expect(sim.getByTestId('sim-before-48h')).toContainText(`${longLabel(addDays(monday, -2), '六')} 10:00`);

  await page.getByRole('button', { name: '編輯「看診前 48 小時提醒」' }).click();
  const drawer = page.getByRole('dialog', { name: /編輯規則/ });
  await drawer.getByRole('checkbox', { name: '週六' }).check();
  await drawer.getByRole('button', { name: '套用' }).click();
  await expect(drawer).toBeHidden();
  await expect(page.getByTestId('unsaved')).toBeVisible();
  await expect(rule).toContainText('不在週六發送');
  // Unsaved: the simulator already moves the reminder to Friday at the shift time, and says why.
  await expect(sim.getByTestId('sim-before-48h')).toContainText(`${longLabel(friday, '五')} 09:00`);
  await expect(sim.getByTestId('sim-before-48h')).toContainText('此提醒設定週六不發送');
  await expect(rule).toContainText('週六不發送，改在前一個可發送的上班日 09:00 發送');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'reminder-rules.png'), fullPage: true });

  await page.getByRole('button', { name: '儲存', exact: true }).click();
  await expect(page.getByText('已儲存；未來預約尚未發送的提醒會依新規則重新排程')).toBeVisible();
  await expect(page.getByTestId('unsaved')).toHaveCount(0);

  // A new Monday visit from the HIS.
  await his(`/patients/RR-${run}`, { name: PATIENT, phone });
  await his(`/appointments/RR-${run}-A1`, {
    patientId: `RR-${run}`,
    doctorId: 'D001',
    startsAt: `${monday}T10:00:00+08:00`,
    durationMinutes: 30,
    visitType: '洗牙',
    status: 'booked',
    version: 1,
  });
  let id = '';
  await expect
    .poll(
      async () => {
        const list = (await csrfJson(page, 'GET', `/api/appointments?q=${phone.slice(-4)}`)).json as {
          items: { id: string; patientName: string }[];
        };
        id = list.items.find((i) => i.patientName === PATIENT)?.id ?? '';
        if (!id) return '';
        const d = (await csrfJson(page, 'GET', `/api/appointments/${id}`)).json as {
          reminders: { ruleName: string; explanation: string; state: string }[];
        };
        return d.reminders.find((r) => r.ruleName === '看診前 48 小時提醒' && r.state === 'planned')?.explanation ?? '';
      },
      { timeout: 30_000, message: 'the new visit is planned' },
    )
    .toContain('此提醒設定週六不發送');

  await page.goto(`/appointments?open=${id}`);
  const appt = page.getByRole('dialog');
  await expect(appt).toContainText(PATIENT);
  await appt.getByRole('tab', { name: /提醒/ }).click();
  const tab = appt.getByRole('tabpanel');
  await expect(tab).toContainText(
    `為什麼是這個時間：48 小時前 → ${md(addDays(monday, -2))}（六） 10:00 → ` +
      `此提醒設定週六不發送，提前至前一個可發送的上班日${md(friday)}（五） 09:00`,
  );
  // 預定 2026/12/11 09:00 (or 民國115/12/11 09:00 when the clinic shows ROC dates).
  await expect(tab).toContainText(new RegExp(`預定 \\S*${friday.slice(5, 7)}/${friday.slice(8, 10)} 09:00`));
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, 'reminder-rules-appointment.png') });

  // Leave the demo clinic's rules as they were for the other specs.
  const rules = original.rules.map(({ explanation: _e, ...r }: { explanation?: string }) => r);
  expect((await csrfJson(page, 'PUT', '/api/reminders/rules', { ...original, rules })).status).toBe(200);
});

test('other roles read the rules and use the simulator, without editing', async ({ page }) => {
  await login(page, 'desk@demo.careline.tw');
  await page.goto('/reminders/rules');
  await expect(page.getByText('只有管理者可以修改提醒規則')).toBeVisible();
  await expect(page.getByRole('button', { name: '儲存', exact: true })).toHaveCount(0);
  await expect(page.getByRole('switch', { name: '啟用「看診前 48 小時提醒」' })).toBeDisabled();
  await expect(page.getByTestId('rule-simulator').getByTestId('sim-before-48h')).toBeVisible();
});

test('a refused document names the field and saves nothing', async ({ page }) => {
  await login(page, ADMIN_EMAIL);
  await page.goto('/reminders/rules');
  const end = page.getByLabel('安靜時段結束');
  await end.click();
  await end.fill('21:00');
  await page.keyboard.press('Enter');
  // The simulator's check marks the field while editing; 儲存 is refused whole.
  await expect(page.getByText('安靜時段的開始與結束時間不可相同')).toBeVisible();
  await expect(page.getByTestId('rule-simulator')).toContainText('目前的規則有誤');
  await page.getByRole('button', { name: '儲存', exact: true }).click();
  await expect(page.getByText('請修正下方標示為紅色的欄位後再按「儲存」。')).toBeVisible();
  const saved = (await csrfJson(page, 'GET', '/api/reminders/rules')).json as { quietHours: { end: string } };
  expect(saved.quietHours.end).toBe('08:00');
  await page.getByRole('button', { name: '復原' }).click();
  await expect(page.getByTestId('unsaved')).toHaveCount(0);
  await expect(page.getByText('安靜時段的開始與結束時間不可相同')).toHaveCount(0);
});
