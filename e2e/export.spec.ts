// 設定 › 資料匯出: the HIS writes a patient of this run → the admin starts an export of the whole
// clinic → the page shows its progress → 可下載 → 下載 through the signed link → the ZIP holds the
// patient in tables/patients.csv and as a FHIR Patient with the TW Core identifier systems, and
// lists what it leaves out. Screenshots: docs/screenshots/export-*.png (1440 px).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import yauzl from 'yauzl';
import { ADMIN_EMAIL, his, login, SHOTS } from './demo.ts';

async function unzip(buf: Buffer): Promise<Map<string, string>> {
  const zip = await promisify<Buffer, yauzl.Options, yauzl.ZipFile>(yauzl.fromBuffer)(buf, { lazyEntries: true });
  const open = promisify<yauzl.Entry, Readable>(zip.openReadStream.bind(zip));
  const files = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      open(e)
        .then(async (s) => {
          const chunks: Buffer[] = [];
          for await (const c of s) chunks.push(c as Buffer);
          files.set(e.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        })
        .catch(reject);
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return files;
}

test('an admin exports all of the clinic’s data, sees the progress and downloads the ZIP', async ({ page }) => {
  test.setTimeout(180_000);
  const run = Date.now().toString(36);
  const chartNo = `EXP${run}`.toUpperCase();
  await his(`/patients/EXP-${run}`, { name: `匯出測試${run}`, phone: '0912000111', chartNo, nationalId: 'A123456789' });

  await login(page, ADMIN_EMAIL);
  await page.goto('/settings/export');
  await expect(page.getByRole('heading', { name: '資料匯出' })).toBeVisible();
  await expect(page.getByTestId('export-exclusions')).toContainText('password_hash');
  // An export left running by an earlier run finishes first (one at a time per clinic).
  await expect(page.getByRole('button', { name: '匯出全部資料' })).toBeEnabled({ timeout: 120_000 });

  await page.getByRole('button', { name: '匯出全部資料' }).click();
  const progress = page.getByTestId('export-progress');
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('progressbar')).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'export-progress.png'), fullPage: true });

  const row = page.getByRole('row').filter({ hasText: '可下載' }).first();
  await expect(progress).toBeHidden({ timeout: 150_000 });
  await expect(row).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'export-done.png'), fullPage: true });

  const downloading = page.waitForEvent('download');
  await row.getByRole('button', { name: '下載' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^careline-export-\d{4}-\d{2}-\d{2}\.zip$/);
  const files = await unzip(await readFile((await download.path())!));

  expect(files.get('tables/patients.csv')).toContain(chartNo);
  const patient = (files.get('fhir/Patient.ndjson') ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { identifier?: { system: string; value: string }[] })
    .find((p) => p.identifier?.some((i) => i.value === chartNo));
  expect(patient?.identifier).toContainEqual(
    expect.objectContaining({ system: 'http://www.moi.gov.tw', value: 'A123456789' }),
  );
  expect(files.get('README.txt')).toContain('password_hash');
  expect(files.has('tables/api_keys.jsonl')).toBe(false);
});
