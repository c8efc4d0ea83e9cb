// The working-day calendar through the API: importing an official yearly CSV for the clinic,
// the years and their source, closures (added, replaced, listed, deleted, one clinic's only)
// and the days they make.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { SHIPPED_CALENDAR } from './data.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-03-09T01:00:00Z' });
});
afterAll(() => t.close());

/** An official-style CSV of `year`: weekends off, plus the given days off (with a remark). */
function officialCsv(year: number, offDays: Record<string, string>): string {
  const lines = ['西元日期,星期,是否放假,備註'];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
    const iso = d.toISOString().slice(0, 10);
    const wd = d.getUTCDay();
    const off = iso in offDays || wd === 0 || wd === 6;
    const note = offDays[iso] ? `"${offDays[iso]}"` : '';
    lines.push(`${iso.replaceAll('-', '')},${'日一二三四五六'[wd]},${off ? 2 : 0},${note}`);
  }
  return lines.join('\r\n');
}

describe('calendar', () => {
  it('imports a clinic’s official CSV, lists the years by source, and the days follow it', async () => {
    const c = await createTestClinic(t);
    const adm = as(t.app, c.admin);
    const csv = officialCsv(2030, { '2030-01-01': '開國紀念日', '2030-01-02': '補假,調整放假' });
    const imp = await adm.post('/api/calendar/import', { year: 2030, csv });
    expect(imp.statusCode, imp.body).toBe(200);
    expect(imp.json()).toMatchObject({ year: 2030, days: 365, daysOff: 2, makeUpWorkdays: 0 });
    expect(imp.json().entries).toContainEqual({ date: '2030-01-02', off: true, name: '補假,調整放假' });
    const years = (await adm.get('/api/calendar/years')).json().items;
    expect(years.find((y: { year: number }) => y.year === 2030)).toMatchObject({ source: 'clinic_import' });
    const days = (await adm.get('/api/calendar/days?from=2030-01-02&to=2030-01-03')).json().items;
    expect(days).toEqual([
      { date: '2030-01-02', working: false, category: 'observed', reason: '補假,調整放假' },
      { date: '2030-01-03', working: true, category: 'working', reason: '週四' },
    ]);
    const bad = await adm.post('/api/calendar/import', { year: 2031, csv });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({
      code: 'INVALID_CALENDAR_CSV',
      message:
        '無法匯入辦公日曆表：檔案內容是 2030 年的日曆，與您選擇的 2031 年不符；請選擇 2030 年，或上傳 2031 年的檔案',
      details: [{ field: 'year', code: 'wrong_year' }],
    });
  });

  it('closures: added, replaced on the same date, listed, deleted; another clinic’s is not found', async () => {
    const c = await createTestClinic(t);
    const other = await createTestClinic(t);
    const adm = as(t.app, c.admin);
    const first = await adm.post('/api/calendar/closures', { date: '2026-03-11', kind: 'closed', note: '颱風停診' });
    expect(first.statusCode, first.body).toBe(200);
    const again = await adm.post('/api/calendar/closures', { date: '2026-03-11', kind: 'open' });
    expect(again.json()).toMatchObject({ date: '2026-03-11', kind: 'open', note: '' });
    await adm.post('/api/calendar/closures', { date: '2026-03-20', kind: 'closed', note: '院內訓練' });
    const list = (await adm.get('/api/calendar/closures?from=2026-03-12')).json().items;
    expect(list.map((o: { date: string }) => o.date)).toEqual(['2026-03-20']);
    const all = (await adm.get('/api/calendar/closures')).json().items;
    expect(all).toHaveLength(2);
    const day = (await adm.get('/api/calendar/days?from=2026-03-20&to=2026-03-20')).json().items[0];
    expect(day).toEqual({
      date: '2026-03-20',
      working: false,
      category: 'clinic_closed',
      reason: '診所休診：院內訓練',
    });
    const foreign = await as(t.app, other.admin).delete(`/api/calendar/closures/${all[0].id}`);
    expect(foreign.statusCode).toBe(404);
    expect((await as(t.app, other.admin).get('/api/calendar/closures')).json().items).toEqual([]);
    expect((await adm.delete(`/api/calendar/closures/${all[0].id}`)).statusCode).toBe(204);
    expect((await adm.get('/api/calendar/closures')).json().items).toHaveLength(1);
  });

  it('the year view: each day’s category and reason (business hours, government, clinic)', async () => {
    const c = await createTestClinic(t);
    const adm = as(t.app, c.admin);
    // Open Monday to Saturday: Sunday is the weekly closed day.
    const bh = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, open: '09:00', close: '12:00' }));
    await t.deps.db
      .updateTable('clinics')
      .set({ business_hours: JSON.stringify(bh) })
      .where('id', '=', c.clinicId)
      .execute();
    await adm.post('/api/calendar/closures', { date: '2026-07-10', kind: 'closed', note: '颱風停診' });
    await adm.post('/api/calendar/closures', { date: '2026-02-22', kind: 'open', note: '春節加診' });
    const r = await adm.get('/api/calendar/year?year=2026');
    expect(r.statusCode, r.body).toBe(200);
    const y = r.json();
    expect(y).toMatchObject({ year: 2026, source: 'shipped', provisional: false, importedAt: null });
    const y2027 = (await adm.get('/api/calendar/year?year=2027')).json();
    expect(y2027).toMatchObject({ source: 'shipped', provisional: true });
    expect((await adm.get('/api/calendar/year?year=2031')).json()).toMatchObject({ source: 'none', provisional: true });
    expect(y.items).toHaveLength(365);
    const on = (d: string) => y.items.find((x: { date: string }) => x.date === d);
    expect(on('2026-02-17')).toEqual({ date: '2026-02-17', working: false, category: 'holiday', reason: '春節' });
    expect(on('2026-02-20')).toMatchObject({ category: 'observed', reason: '春節補假' });
    expect(on('2026-02-27')).toMatchObject({ category: 'observed', reason: '和平紀念日補假' });
    expect(on('2026-02-22')).toMatchObject({ working: true, category: 'clinic_open', reason: '診所加開：春節加診' });
    expect(on('2026-07-10')).toMatchObject({ working: false, category: 'clinic_closed' });
    expect(on('2026-03-15')).toMatchObject({ working: false, category: 'weekly_closed', reason: '週日休診' });
    expect(on('2026-03-14')).toMatchObject({ working: true, category: 'working', reason: '週六' });
    expect(y.counts).toMatchObject({ clinic_closed: 1, clinic_open: 1, makeup_workday: 0 });
    expect(Object.values(y.counts as Record<string, number>).reduce((a, b) => a + b)).toBe(365);
    expect(
      (await adm.get('/api/calendar/year?year=2025'))
        .json()
        .items.find((x: { date: string }) => x.date === '2025-02-08'),
    ).toMatchObject({ category: 'makeup_workday', working: true });
    expect((await adm.get('/api/calendar/year?year=1999')).statusCode).toBe(400);
    // Other roles read it.
    const viewer = as(t.app, await c.staff('viewer'));
    expect((await viewer.get('/api/calendar/year?year=2026')).statusCode).toBe(200);
  });

  it('an import preview lists the differences and saves nothing; bad files are refused in zh-TW', async () => {
    const c = await createTestClinic(t);
    const adm = as(t.app, c.admin);
    // 2026 as shipped, but 7/10 a typhoon day off for everyone, 2/27 a working day and 6/19 renamed.
    const offDays: Record<string, string> = {};
    for (const [d, name] of Object.entries(SHIPPED_2026)) offDays[d] = name;
    delete offDays['2026-02-27'];
    offDays['2026-07-10'] = '颱風假';
    offDays['2026-06-19'] = '端午節（調整）';
    const csv = officialCsv(2026, offDays);
    const body = { year: 2026, csvBase64: Buffer.from(csv, 'utf8').toString('base64') };
    const before = (await adm.get('/api/calendar/year?year=2026')).json();
    const p = await adm.post('/api/calendar/import/preview', body);
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json()).toMatchObject({ year: 2026, days: 365, current: 'shipped' });
    expect(p.json().changes).toEqual([
      {
        date: '2026-02-27',
        change: 'becomes_working',
        before: { off: true, name: '和平紀念日補假' },
        after: { off: false, name: '' },
      },
      {
        date: '2026-06-19',
        change: 'renamed',
        before: { off: true, name: '端午節' },
        after: { off: true, name: '端午節（調整）' },
      },
      {
        date: '2026-07-10',
        change: 'becomes_off',
        before: { off: false, name: '' },
        after: { off: true, name: '颱風假' },
      },
    ]);
    // Nothing saved: the year, its source and the jobs are as before.
    expect((await adm.get('/api/calendar/year?year=2026')).json()).toEqual(before);
    const jobs = () =>
      t.deps.db
        .selectFrom('jobs')
        .select('id')
        .where('clinic_id', '=', c.clinicId)
        .where('type', '=', 'reminders.replan_clinic')
        .execute();
    const jobsBefore = (await jobs()).length;

    const refused = async (b: Record<string, unknown>, code: string, message: string) => {
      for (const url of ['/api/calendar/import/preview', '/api/calendar/import']) {
        const r = await adm.post(url, b);
        expect(r.statusCode, r.body).toBe(422);
        expect(r.json().error).toMatchObject({ code: 'INVALID_CALENDAR_CSV', details: [{ code }] });
        expect(r.json().error.message).toContain(message);
      }
    };
    await refused({ ...body, year: 2027 }, 'wrong_year', '檔案內容是 2026 年的日曆，與您選擇的 2027 年不符');
    const gap = csv
      .split('\r\n')
      .filter((l) => !l.startsWith('20260401') && !l.startsWith('20260402'))
      .join('\r\n');
    await refused({ year: 2026, csv: gap }, 'missing_days', '檔案缺少 2 天（2026-04-01、2026-04-02）');
    await refused(
      { year: 2026, csvBase64: Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x80, 0xff]).toString('base64') },
      'encoding',
      '無法辨識檔案的文字編碼',
    );
    await refused({ year: 2026, csv: 'date,off\n20260101,2' }, 'columns', '找不到「西元日期」或「是否放假」欄位');
    expect(
      (await adm.get('/api/calendar/years')).json().items.find((y: { year: number }) => y.year === 2026),
    ).toMatchObject({ source: 'shipped' });
    expect((await jobs()).length).toBe(jobsBefore);

    // Only admins preview; another clinic's import does not show in this clinic's preview.
    const desk = as(t.app, await c.staff('front_desk'));
    expect((await desk.post('/api/calendar/import/preview', body)).statusCode).toBe(403);
    const other = await createTestClinic(t);
    expect((await as(t.app, other.admin).post('/api/calendar/import', body)).statusCode).toBe(200);
    expect((await adm.post('/api/calendar/import/preview', body)).json()).toMatchObject({ current: 'shipped' });
    expect((await adm.get('/api/calendar/year?year=2026')).json().source).toBe('shipped');
    // After this clinic's own import, the same file differs in nothing.
    expect((await adm.post('/api/calendar/import', body)).statusCode).toBe(200);
    expect((await adm.post('/api/calendar/import/preview', body)).json()).toMatchObject({
      current: 'clinic_import',
      changes: [],
    });
    expect((await jobs()).length).toBe(jobsBefore + 1);
  });

  it('a platform operator previews and imports a year for every clinic; a clinic’s own import then wins', async () => {
    const c = await createTestClinic(t);
    const op = as(t.app, await c.staff('platform_operator'));
    const adm = as(t.app, c.admin);
    const csv = officialCsv(2032, { '2032-01-01': '開國紀念日', '2032-01-02': '補假' });
    const p = await op.post('/api/calendar/import/preview', { year: 2032, csv });
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json()).toMatchObject({ current: 'none' });
    expect(p.json().changes.map((x: { date: string }) => x.date)).toEqual(['2032-01-01', '2032-01-02']);
    expect((await adm.get('/api/calendar/year?year=2032')).json()).toMatchObject({ source: 'none' });
    expect((await op.post('/api/calendar/import', { year: 2032, csv })).statusCode).toBe(200);
    const y = (await adm.get('/api/calendar/year?year=2032')).json();
    expect(y).toMatchObject({ source: 'platform_import', provisional: false });
    expect(y.items[1]).toMatchObject({ date: '2032-01-02', category: 'observed', reason: '補假' });
    // The clinic's preview compares with the platform's year; its own import replaces it for it alone.
    const mine = officialCsv(2032, { '2032-01-01': '開國紀念日' });
    const cp = (await adm.post('/api/calendar/import/preview', { year: 2032, csv: mine })).json();
    expect(cp).toMatchObject({ current: 'platform_import' });
    expect(cp.changes).toEqual([
      {
        date: '2032-01-02',
        change: 'becomes_working',
        before: { off: true, name: '補假' },
        after: { off: false, name: '' },
      },
    ]);
  });
});

/** The shipped 2026 days off that are not plain weekend days (what an official 2026 CSV lists). */
const SHIPPED_2026 = Object.fromEntries(SHIPPED_CALENDAR[2026].filter((e) => e.off).map((e) => [e.date, e.name]));
