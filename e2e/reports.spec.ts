// 報表 on the demo clinic (a year of HIS history): KPI 儀表板 draws a chart per KPI with the
// targets, hovering a KPI's name shows its definition and formula, the doctor filter marks the
// clinic-wide KPIs; Careline 效益 shows the net value with every figure's formula; 月報 downloads
// last month's PDF — turned into images with pdftoppm (and its text read with pdftotext) — and its
// Excel workbook, read back by exceljs. Nothing is changed, so the spec runs in any order.
// Screenshots: docs/screenshots/reports-*.png (1440 px) and reports-monthly-pdf-*.png (the PDF's pages).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_EMAIL, BASE, csrfJson, login, SHOTS, taipeiDate } from './demo.ts';

type Kpis = {
  kpis: { key: string; label: string; formula: string; definition: string; series: { value: number | null }[] }[];
  rollup: { state: string };
};

/**
 * The dashboard once the demo clinic's roll-up is built. The stack answers before the fake HIS has
 * filled the year of history (the demo's past surveys are seeded last), and the worker builds the
 * roll-up on the first read — so the first read waits for the fill.
 */
async function openDashboard(page: Page) {
  await expect(async () => {
    const s = (await csrfJson(page, 'GET', '/api/satisfaction/summary')).json as { total: { sent: number } };
    expect(s.total.sent).toBeGreaterThan(0);
  }).toPass({ timeout: 180_000, intervals: [3_000] });
  await expect(async () => {
    const k = (await csrfJson(page, 'GET', '/api/reports/kpis')).json as Kpis;
    expect(k.rollup.state).toBe('ready');
  }).toPass({ timeout: 120_000, intervals: [2_000] });
  await page.goto('/reports/dashboard');
  await expect(page.getByRole('heading', { name: 'KPI 儀表板' })).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

test('KPI 儀表板: a chart per KPI with target lines, the formula on hover, filters', async ({ browser }) => {
  test.setTimeout(360_000);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: BASE });
  await login(page, ADMIN_EMAIL);
  await openDashboard(page);
  const api = (await csrfJson(page, 'GET', '/api/reports/kpis')).json as Kpis;

  // A chart per KPI with data in the last 30 days; the satisfaction target (≥ 90 %) is drawn and named.
  const charted = api.kpis.filter((k) => k.series.some((s) => s.value !== null));
  expect(charted.length).toBeGreaterThanOrEqual(4);
  const charts = page.getByRole('img', { name: /的趨勢圖$/ });
  await expect(charts).toHaveCount(charted.length);
  await expect(charts.first().locator('svg path').first()).toBeAttached();
  const satisfaction = page.getByLabel('滿意度（4 星以上）', { exact: true });
  await expect(satisfaction.getByText('目標 ≥ 90%')).toBeVisible();
  await expect(satisfaction.getByRole('img', { name: '滿意度（4 星以上）的趨勢圖' })).toBeVisible();
  await expect(page.getByText(/有目標的 \d+ 項指標中，\d+ 項達標/)).toBeVisible();
  // Before and after: no-show and cancellation rates against the baseline period.
  const baseline = page.getByLabel('導入前後比較');
  await expect(baseline.getByText('未到診率').first()).toBeVisible();
  await expect(baseline.getByRole('img', { name: /長條圖$/ })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/reports-dashboard.png`, fullPage: true });

  // Hovering a KPI's name shows its definition and formula (the API's words).
  const noShow = api.kpis.find((k) => k.key === 'no_show_rate')!;
  await page.getByTestId('kpi-name-no_show_rate').hover();
  const tip = page.getByRole('tooltip').filter({ hasText: noShow.formula });
  await expect(tip).toBeVisible();
  await expect(tip).toContainText(noShow.definition);
  await page.getByTestId('kpi-name-no_show_rate').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/reports-dashboard-formula.png` });
  await page.mouse.move(0, 0);

  // Per month and per doctor: the URL keeps the filter; clinic-wide KPIs say so.
  await page.getByLabel('篩選').getByText('每月', { exact: true }).click();
  await expect(page).toHaveURL(/by=month/);
  await page.getByLabel('醫師').click();
  await page.locator('.ant-select-item-option').first().click();
  await expect(page).toHaveURL(/doctor=/);
  await expect(page.getByText('全診所').first()).toBeVisible();
  await expect(charts.first()).toBeVisible();
  await page.close();
});

test('Careline 效益: the net value in NT$ with every formula and the clinic settings', async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: BASE });
  await login(page, ADMIN_EMAIL);
  // Last month (whole), by the Taipei calendar.
  const [y, m] = taipeiDate().split('-').map(Number);
  const month = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  const value = (await csrfJson(page, 'GET', `/api/reports/value?month=${month}`)).json as {
    figures: { key: string; label: string; formula: string }[];
  };
  await page.goto(`/reports/value?month=${month}`);
  await expect(page.getByRole('heading', { name: 'Careline 效益' })).toBeVisible();
  await expect(page.getByLabel('淨效益金額')).toContainText('NT$');
  const table = page.getByLabel('計算方式');
  for (const f of value.figures) await expect(table.getByText(f.formula, { exact: true })).toBeVisible();
  await expect(page.getByLabel('診所設定').getByText('平均每診收入')).toBeVisible();
  await expect(page.getByRole('button', { name: '儲存設定' })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/reports-value.png`, fullPage: true });
  await page.close();
});

test('月報: last month as a PDF (turned into images and read) and as Excel', async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: BASE, acceptDownloads: true });
  await login(page, ADMIN_EMAIL);
  await page.goto('/reports/monthly');
  await expect(page.getByRole('heading', { name: '月報' })).toBeVisible();
  const rows = page.getByLabel('月報列表').locator('tbody tr');
  await expect(rows).toHaveCount(13);
  await expect(rows.first().getByText('本月至今')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/reports-monthly.png`, fullPage: true });

  const last = rows.nth(1);
  const label = (await last.locator('td').first().innerText()).trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'careline-report-'));

  const [pdf] = await Promise.all([page.waitForEvent('download'), last.getByRole('button', { name: /PDF/ }).click()]);
  const pdfFile = path.join(dir, 'report.pdf');
  await pdf.saveAs(pdfFile);
  expect(readFileSync(pdfFile).subarray(0, 5).toString()).toBe('%PDF-');
  // Read back: the text layer names the clinic and the month; the pages become images to look at.
  const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
  expect(text).toContain('晴光牙醫診所');
  expect(text).toContain(label);
  expect(text).toContain('關鍵指標');
  expect(text).toContain('未到診率');
  expect(text).toContain('Careline 效益');
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdfFile], { encoding: 'utf8' }))?.[1]);
  expect(pages).toBeGreaterThanOrEqual(2);
  for (let n = 1; n <= Math.min(pages, 3); n++) {
    const out = `${SHOTS}/reports-monthly-pdf-${n}`;
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', `${n}`, '-l', `${n}`, '-singlefile', pdfFile, out]);
    expect(statSync(`${out}.png`).size).toBeGreaterThan(20_000);
  }

  const [xlsx] = await Promise.all([
    page.waitForEvent('download'),
    last.getByRole('button', { name: /Excel/ }).click(),
  ]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(await xlsx.path());
  expect(wb.worksheets.map((w) => w.name)).toEqual(['摘要', '每日', '效益', '導入前後']);
  const summary = wb.getWorksheet('摘要')!;
  expect(String(summary.getCell('A1').value)).toContain('晴光牙醫診所');
  const labels = summary.getColumn(1).values.map(String);
  expect(labels).toContain('未到診率');
  await page.close();
});
