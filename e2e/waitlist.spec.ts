// 候補 (waitlist backfill) end to end on the emulator's phone page and the back office: two
// patients bind on LINE; the front desk puts the first on the waitlist (候補名單 › 新增候補), the
// second joins it in LIFF (候補 tab); the HIS cancels another patient's visit in three days →
// both phones get 「候補時段通知」 → the first taps 「我要這個時段」 and is told it is held, the
// second is told the slot is taken → 候補名單 › 釋出的時段 shows it filled, with the booking
// request sent. Screenshots: docs/screenshots/waitlist-*.png (1440 px back office, 390 px phone).
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  ADMIN_EMAIL,
  BASE,
  followAndBind,
  his,
  login,
  newLineUser,
  quietHoursOff,
  SHOTS,
  taipeiAt,
  taipeiDate,
} from './demo.ts';

async function phone(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-TW' });
  return ctx.newPage();
}

test('HIS cancels a visit → two waitlisted patients are offered it → first tap takes it, the other is told', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const run = Date.now().toString(36);
  const tag = run.slice(-4);
  const nameA = `候補甲${tag}`;
  const nameB = `候補乙${tag}`;
  const phoneA = `09${String(Date.now()).slice(-8)}`;
  const phoneB = `09${String(Date.now() + 7).slice(-8)}`;

  const office = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: BASE });
  await login(office, ADMIN_EMAIL);
  const restoreQuiet = await quietHoursOff(office);
  try {
    // a doctor of this run only (the demo clinic frees slots of its own doctors all the time)
    const doctorName = `候補醫師${tag}`;
    await his(`/doctors/WLD-${run}`, { name: doctorName });
    // the two patients, each bound on their own phone
    await his(`/patients/WL-${run}-A`, { name: nameA, phone: phoneA, chartNo: `WA${tag}` });
    await his(`/patients/WL-${run}-B`, { name: nameB, phone: phoneB, chartNo: `WB${tag}` });
    await his(`/patients/WL-${run}-C`, { name: `取消者${tag}`, phone: `09${String(Date.now() + 13).slice(-8)}` });
    const a = await phone(browser);
    await followAndBind(a, await newLineUser(`${nameA}的LINE`), phoneA);
    await a.locator('#wvClose').click();
    const b = await phone(browser);
    const wvB = await followAndBind(b, await newLineUser(`${nameB}的LINE`), phoneB);

    // the second patient joins in LIFF: 候補 tab, any doctor, the next two weeks, any time
    await wvB.getByRole('link', { name: '候補' }).click();
    await expect(wvB.getByRole('heading', { name: '登記候補' })).toBeVisible();
    await expect(wvB.getByText(`候補人：${nameB}`)).toBeVisible();
    await wvB.getByLabel('醫師').selectOption({ label: doctorName });
    await wvB.getByRole('button', { name: '登記候補' }).click();
    await expect(wvB.getByText('已登記候補，有空檔時會以 LINE 通知您')).toBeVisible();
    await expect(wvB.locator('.card').filter({ hasText: nameB })).toContainText('候補中');
    await b.screenshot({ path: `${SHOTS}/waitlist-liff.png` });
    await b.locator('#wvClose').click();

    // the front desk adds the first one in the back office
    await office.goto('/booking/waitlist');
    await expect(office.getByRole('heading', { name: '候補名單' })).toBeVisible();
    await office.getByRole('button', { name: '新增候補' }).click();
    const modal = office.getByRole('dialog', { name: '新增候補' });
    await modal.getByRole('combobox', { name: '病患' }).fill(nameA);
    await office.locator('.ant-select-item-option').filter({ hasText: nameA }).click();
    // typed: after the other specs the demo clinic has more doctors than the list shows at once
    await modal.getByRole('combobox', { name: '醫師' }).fill(doctorName);
    await office.locator('.ant-select-item-option').filter({ hasText: doctorName }).click();
    await modal.getByRole('button', { name: '加入候補名單' }).click();
    await expect(office.getByText(`已將 ${nameA} 加入候補名單`)).toBeVisible();
    const rowA = office.getByRole('row').filter({ hasText: nameA });
    await expect(rowA).toContainText('櫃台新增');
    await expect(rowA).toContainText('LINE 可通知');
    await expect(office.getByRole('row').filter({ hasText: nameB })).toContainText('病患於 LINE 登記');
    await office.screenshot({ path: `${SHOTS}/waitlist-entries.png`, fullPage: true });

    // the HIS: another patient's visit in three days, then cancelled
    const startsAt = taipeiAt(3, 10);
    const visit = {
      patientId: `WL-${run}-C`,
      doctorId: `WLD-${run}`,
      startsAt,
      durationMinutes: 30,
      visitType: '洗牙',
    };
    await his(`/appointments/WL-${run}-V`, { ...visit, status: 'booked', version: 1 });
    await his(`/appointments/WL-${run}-V`, { ...visit, status: 'cancelled', version: 2 });

    // both phones get the offer
    const day = taipeiDate(3);
    const md = `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
    const tlA = a.locator('#timeline');
    const tlB = b.locator('#timeline');
    await expect(tlA).toContainText(`${nameA} 您好，您候補的門診有空位了`, { timeout: 40_000 });
    await expect(tlB).toContainText(`${nameB} 您好，您候補的門診有空位了`, { timeout: 40_000 });
    await expect(tlA).toContainText(md);
    await a.screenshot({ path: `${SHOTS}/waitlist-offer-phone.png` });

    // the first taps 「我要這個時段」: held, and the request goes to the clinic
    await tlA.getByText('我要這個時段').last().click();
    await expect(tlA).toContainText(`已為您保留 ${md}`, { timeout: 20_000 });
    await expect(tlA).toContainText('預約申請已送給診所');
    await a.screenshot({ path: `${SHOTS}/waitlist-taken-phone.png` });
    // the second is told it is gone; tapping afterwards says the same
    await expect(tlB).toContainText('的候補時段已由其他病患預約', { timeout: 40_000 });
    await tlB.getByText('我要這個時段').last().click();
    await expect(tlB).toContainText('很抱歉，這個時段已由其他候補的病患預約', { timeout: 20_000 });
    await b.screenshot({ path: `${SHOTS}/waitlist-gone-phone.png` });

    // the back office: the slot filled by the first patient, the request sent
    await office.getByRole('tab', { name: '釋出的時段' }).click();
    const slot = office.getByRole('row').filter({ hasText: nameA });
    await expect(async () => {
      await office.reload();
      await office.getByRole('tab', { name: '釋出的時段' }).click();
      await expect(slot).toContainText('已補上', { timeout: 3_000 });
    }).toPass({ timeout: 30_000 });
    await expect(slot).toContainText('已送出預約申請');
    await slot.getByRole('button', { name: /展開/ }).click();
    await expect(office.getByText(`第 1 批・${nameB}・已被預約`)).toBeVisible();
    await office.screenshot({ path: `${SHOTS}/waitlist-slots.png`, fullPage: true });
    await office.getByRole('tab', { name: '通知設定' }).click();
    await expect(office.getByLabel('每批通知人數')).toHaveValue('5');
    await office.screenshot({ path: `${SHOTS}/waitlist-settings.png`, fullPage: true });
  } finally {
    await restoreQuiet();
  }
});
