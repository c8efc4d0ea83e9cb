// Patient list: find a patient by two characters of the name, tag them, build a segment from
// the tag (live count), merge two duplicates, export the filter to XLSX and check the file's
// contents with exceljs; names in stroke order with the exact total, a phone revealed and
// called by the front desk (masked for doctors), export times in the clinic's time zone.
// Screenshots at 1440 px in docs/screenshots.
import { expect, test } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ADMIN_EMAIL, his, login, SHOTS } from './demo.ts';

const suffix = Date.now().toString(36).slice(-4);

test('find by two characters, tag, segment, merge duplicates, export XLSX', async ({ page }) => {
  // Two records of the same person from the HIS (same phone, name typed differently) and one relative.
  for (const [id, body] of [
    [
      `E2E-${suffix}-1`,
      { name: '龔曉蕾', phone: '0987-654-321', chartNo: `E${suffix}01`, birthDate: '1975-04-12', gender: 'female' },
    ],
    [`E2E-${suffix}-2`, { name: '龔曉雷', phone: '0987654321', chartNo: `E${suffix}02` }],
    [`E2E-${suffix}-3`, { name: '龔子軒', phone: '0987654321', chartNo: `E${suffix}03`, birthDate: '2012-08-30' }],
  ] as const) {
    await his(`/patients/${id}`, body);
  }

  await login(page, ADMIN_EMAIL);
  await page.goto('/patients/list');
  await expect(page.getByRole('heading', { name: '病患', exact: true })).toBeVisible();

  // Two characters of the name, results as you type.
  const search = page.getByLabel('搜尋病患');
  await search.fill('曉蕾');
  const row = page.getByRole('row').filter({ hasText: '龔曉蕾' });
  await expect(row).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: '龔曉雷' })).toHaveCount(0);
  await expect(row.getByText('0987-***-321')).toBeVisible();

  // Tag them.
  const tagName = `E2E追蹤${suffix}`;
  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: /加標籤/ }).click();
  const tagDialog = page.getByRole('dialog', { name: /加上標籤/ });
  await tagDialog.getByLabel('新標籤名稱').fill(tagName);
  await tagDialog.getByRole('button', { name: '加上標籤' }).click();
  await expect(row.getByText(tagName)).toBeVisible();
  await search.fill('龔');
  await expect(page.getByRole('row').filter({ hasText: '龔子軒' })).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'patients-list.png') });

  // Detail page: identity with HIS badges, family by phone.
  await page.getByRole('link', { name: '龔曉蕾' }).click();
  await expect(page.getByText('家人（同一電話）')).toBeVisible();
  await expect(page.getByRole('link', { name: '龔子軒' })).toBeVisible();
  await expect(page.getByText('HIS', { exact: true }).first()).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'patients-detail.png') });

  // Segment from the tag with a live count.
  await page.goto('/patients/segments');
  await page.getByLabel('分眾名稱').fill(`E2E 分眾 ${suffix}`);
  await page.getByLabel('分眾標籤').click();
  await page.locator('.ant-select-item-option').filter({ hasText: tagName }).click();
  await page.keyboard.press('Escape');
  const countCard = page.locator('.ant-card').filter({ hasText: '符合人數（即時）' });
  await expect(countCard.locator('.ant-statistic-content-value')).toHaveText('1');
  await expect(countCard.getByText('龔曉蕾')).toBeVisible();
  await page.getByRole('button', { name: '儲存分眾' }).click();
  await expect(page.getByText(/已儲存分眾/)).toBeVisible();
  await expect(page.getByRole('cell', { name: `E2E 分眾 ${suffix}` })).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'patients-segments.png') });

  // Merge the two records of 龔曉蕾.
  await page.goto('/patients/merge');
  // The demo clinic has thousands of patients (siblings share phones): find the pair by name.
  await page.getByRole('textbox', { name: '搜尋可能重複的病患' }).fill('龔曉');
  await expect(page.getByText('共 1 組')).toBeVisible();
  const cand = page.getByRole('row').filter({ hasText: '龔曉蕾' }).filter({ hasText: '龔曉雷' });
  await expect(cand).toBeVisible();
  await expect(cand.getByText('電話相同且姓名相近')).toBeVisible();
  await cand.getByRole('button', { name: '比較與整併' }).click();
  const review = page.getByRole('dialog', { name: '並排比較並選擇保留的值' });
  await expect(review.getByText('龔曉雷')).toBeVisible();
  // The dialog's opening animation has finished.
  await page.screenshot({ path: path.join(SHOTS, 'patients-merge.png'), animations: 'disabled' });
  await review.getByRole('button', { name: '整併' }).click();
  await expect(page.getByText('已整併，7 天內可復原')).toBeVisible();
  const hist = page.locator('.ant-card').filter({ hasText: '整併紀錄' }).getByRole('row').filter({ hasText: '龔曉雷' });
  await expect(hist.getByRole('button', { name: '復原' })).toBeVisible();

  // The list now has one 龔曉… record; export the filter to XLSX.
  await page.goto('/patients/list');
  await page.getByLabel('搜尋病患').fill('龔');
  await expect(page.getByRole('row').filter({ hasText: '龔曉雷' })).toHaveCount(0);
  await expect(page.getByRole('row').filter({ hasText: '龔曉蕾' })).toBeVisible();
  await page.getByRole('button', { name: '匯出' }).hover();
  await page.getByText('匯出 Excel（XLSX）').click();
  const exportDialog = page.getByRole('dialog', { name: '匯出目前篩選的病患' });
  const dl = exportDialog.getByRole('link', { name: /下載/ }).or(exportDialog.getByRole('button', { name: /下載/ }));
  await expect(dl).toBeVisible({ timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), dl.click()]);
  const file = path.resolve(import.meta.dirname, '../test-results', `patients-${suffix}.xlsx`);
  await download.saveAs(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const rows: string[][] = [];
  wb.worksheets[0].eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  expect(rows[0]).toEqual(expect.arrayContaining(['姓名', '病歷號', '電話', '標籤']));
  const names = rows.slice(1).map((r) => r[0]);
  expect(names).toEqual(expect.arrayContaining(['龔曉蕾', '龔子軒']));
  expect(names).not.toContain('龔曉雷');
  const me = rows.find((r) => r[0] === '龔曉蕾')!;
  expect(me[2]).toBe('0987654321');
  expect(me[9]).toContain(tagName);
});

test('recall rules and list; import wizard with per-row errors', async ({ page }) => {
  await login(page, ADMIN_EMAIL);
  await page.goto('/patients/recall');
  await expect(page.getByRole('heading', { name: '回診提醒' })).toBeVisible();
  const defaults = page.getByRole('button', { name: '建立預設規則' });
  if (await defaults.isVisible()) await defaults.click();
  await expect(page.getByRole('cell', { name: '慢性處方箋領藥' }).first()).toBeVisible();
  await page.getByRole('button', { name: '立即檢查並傳送' }).click();
  await expect(page.getByText(/新增 \d+ 位到提醒名單/)).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'patients-recall.png') });

  await page.goto('/patients/import');
  const csv = [
    '姓名,電話,生日,身分證字號,病歷號,性別,標籤',
    `匯入甲${suffix},0911-000-001,1970-01-01,,I${suffix}1,男,慢性病`,
    `匯入乙${suffix},12345,,,I${suffix}2,女,`,
    `匯入丙${suffix},0911000003,,A123456788,I${suffix}3,,`,
    `匯入丁${suffix},0911000004,,,I${suffix}1,,`,
  ].join('\n');
  await page
    .locator('input[type=file]')
    .setInputFiles({ name: 'patients.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByText('共 4 列：1 列可匯入，3 列有錯誤')).toBeVisible();
  await expect(page.getByRole('cell', { name: /電話/ }).first()).toBeVisible();
  await expect(page.getByText(/與第 2 列重複/)).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'patients-import.png') });
  await page.getByRole('button', { name: '匯入 1 列' }).click();
  await expect(page.getByText('已匯入 1 位病患')).toBeVisible({ timeout: 30_000 });
});

test('names in stroke order with the exact total; the front desk calls a patient; export in clinic time', async ({
  page,
}) => {
  // A visit tomorrow at 10:00 in Taipei (02:00 UTC).
  const tomorrow = new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
  const name = `丁${suffix}明`;
  await his('/doctors/E2E-PT-D', { name: '丁醫師' });
  await his(`/patients/E2E-PT-${suffix}`, { name, phone: '0933-222-111', chartNo: `PT${suffix}` });
  await his(`/appointments/E2E-PT-${suffix}-A1`, {
    patientId: `E2E-PT-${suffix}`,
    doctorId: 'E2E-PT-D',
    startsAt: `${tomorrow}T10:00:00+08:00`,
    status: 'booked',
    version: 1,
  });

  await login(page, 'desk@demo.careline.tw');
  await page.goto('/patients/list');
  // The demo clinic's 5,000 patients: an exact total, names by stroke count as the collator orders them.
  await expect(page.getByText(/^共 \d{1,2},\d{3} 位$/)).toBeVisible();
  const firstNames = await page.locator('tbody tr td:nth-child(2) a').allTextContents();
  expect(firstNames.length).toBeGreaterThan(10);
  expect(firstNames).toEqual([...firstNames].sort(new Intl.Collator('zh-Hant-TW').compare));
  await page.screenshot({ path: path.join(SHOTS, 'patients-stroke-order.png') });

  // Reveal the phone and call it.
  await page.getByLabel('搜尋病患').fill(name);
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row.getByText('0933-***-111')).toBeVisible();
  await row.getByRole('button', { name: '顯示' }).click();
  const call = row.getByRole('link', { name: '撥打 0933-222-111' });
  await expect(call).toHaveAttribute('href', 'tel:+886933222111');
  await page.screenshot({ path: path.join(SHOTS, 'patients-phone-reveal.png') });

  // Export the filter as CSV: the visit reads 10:00, in a column that names the zone.
  await page.getByRole('button', { name: '匯出' }).hover();
  await page.getByText('匯出 CSV').click();
  const dl = page.getByRole('dialog', { name: '匯出目前篩選的病患' }).getByRole('link', { name: /下載/ });
  await expect(dl).toBeVisible({ timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), dl.click()]);
  const file = path.resolve(import.meta.dirname, '../test-results', `patients-${suffix}.csv`);
  await download.saveAs(file);
  const [head, ...rows] = parse(await readFile(file, 'utf8'), { bom: true }) as string[][];
  const next = head.indexOf('下次預約（Asia/Taipei +08:00）');
  expect(next).toBeGreaterThan(-1);
  expect(rows.find((r) => r[0] === name)?.[next]).toBe(`${tomorrow} 10:00`);

  // A doctor sees the number masked, with nothing to reveal it.
  await page.context().clearCookies();
  await login(page, 'doctor@demo.careline.tw');
  await page.goto('/patients/list');
  await page.getByLabel('搜尋病患').fill(name);
  const drow = page.getByRole('row').filter({ hasText: name });
  await expect(drow.getByText('0933-***-111')).toBeVisible();
  await expect(drow.getByRole('button', { name: '顯示' })).toHaveCount(0);
});
