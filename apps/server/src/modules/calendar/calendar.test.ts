// The working-day calendar through the API: importing an official yearly CSV for the clinic,
// the years and their source, closures (added, replaced, listed, deleted, one clinic's only)
// and the days they make.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';

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
      { date: '2030-01-02', working: false, reason: '補假,調整放假' },
      { date: '2030-01-03', working: true, reason: '週四' },
    ]);
    const bad = await adm.post('/api/calendar/import', { year: 2031, csv });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'INVALID_CALENDAR_CSV', message: expect.stringContaining('2031') });
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
    expect(day).toEqual({ date: '2026-03-20', working: false, reason: '診所休診：院內訓練' });
    const foreign = await as(t.app, other.admin).delete(`/api/calendar/closures/${all[0].id}`);
    expect(foreign.statusCode).toBe(404);
    expect((await as(t.app, other.admin).get('/api/calendar/closures')).json().items).toEqual([]);
    expect((await adm.delete(`/api/calendar/closures/${all[0].id}`)).statusCode).toBe(204);
    expect((await adm.get('/api/calendar/closures')).json().items).toHaveLength(1);
  });
});
