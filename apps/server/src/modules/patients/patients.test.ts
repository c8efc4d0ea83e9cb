// Patients: search on CJK partial names / phones / combined filters, merge
// (history, bindings, appointments, undo, webhook), import with broken rows, export to XLSX,
// segments and automatic tags, recall, and cross-clinic isolation of every endpoint.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp, type TestClinic } from '../../testing/helpers.ts';
import { resolveSegment } from '../tags/service.ts';
import type { PatientFilter } from './service.ts';
import { runExport, runImport } from './transfer.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-01T02:00:00.000Z' });
});
afterAll(async () => t.close());

type HisClient = ReturnType<TestClinic['his']>;
async function seeded() {
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  await his.put('/his/v1/doctors/D1', { name: '林醫師' });
  const people: [string, Record<string, unknown>][] = [
    [
      'P1',
      {
        name: '王小明',
        phone: '0912-345-678',
        chartNo: 'C0001',
        birthDate: '1980-05-17',
        nationalId: 'A123456789',
        gender: 'male',
      },
    ],
    ['P2', { name: '李小明', phone: '0922 111 222', chartNo: 'C0002', birthDate: '1990-01-02' }],
    ['P3', { name: '王大明', phone: '+886 933 000 555', chartNo: 'C0003', birthDate: '2015-03-03' }],
    ['P4', { name: '陳美玲', phone: '02-2700-1234', chartNo: 'C0004', birthDate: '1955-12-31' }],
    ['P5', { name: '歐陽娜娜', phone: '0955-678-678', chartNo: 'X0005' }],
    ['P6', { name: '明小王', phone: '0966-000-111', chartNo: 'C0006' }],
  ];
  for (const [id, body] of people) expect((await his.put(`/his/v1/patients/${id}`, body)).statusCode).toBe(201);
  return { c, his, api: as(t.app, c.admin) };
}
const idOf = async (clinicId: string, hisId: string) =>
  (
    await t.deps.db
      .selectFrom('patients')
      .select('id')
      .where('clinic_id', '=', clinicId)
      .where('his_id', '=', hisId)
      .executeTakeFirstOrThrow()
  ).id;
const names = (r: { json(): { items: { name: string }[] } }) =>
  r
    .json()
    .items.map((i) => i.name)
    .sort();
const appt = (his: HisClient, id: string, patientId: string, startsAt: string, status: string, visitType = '複診') =>
  his.put(`/his/v1/appointments/${id}`, { patientId, doctorId: 'D1', startsAt, status, visitType, version: 1 });

describe('search', () => {
  it('finds names by 2+ characters or surname, phones in any format or by last digits, chart no., ID', async () => {
    const { api, c } = await seeded();
    const q = (s: string) => api.get(`/api/patients?q=${encodeURIComponent(s)}`);
    expect(names(await q('小明'))).toEqual(['李小明', '王小明']);
    expect(names(await q('王小明'))).toEqual(['王小明']);
    expect(names(await q('小王'))).toEqual(['明小王']);
    expect(names(await q('陽娜娜'))).toEqual(['歐陽娜娜']);
    expect(names(await q('王'))).toEqual(['王大明', '王小明']);
    expect(names(await q('明王小'))).toEqual([]);
    expect(names(await q('0912345678'))).toEqual(['王小明']);
    expect(names(await q('+886-912-345-678'))).toEqual(['王小明']);
    expect(names(await q('5678'))).toEqual(['王小明']);
    expect(names(await q('678'))).toEqual(['歐陽娜娜', '王小明']);
    expect(names(await api.get('/api/patients?phone=(02)27001234'))).toEqual(['陳美玲']);
    expect(names(await q('C000'))).toEqual(['李小明', '王大明', '王小明', '陳美玲', '明小王'].sort());
    expect(names(await q('x0005'))).toEqual([]);
    expect(names(await q('X0005'))).toEqual(['歐陽娜娜']);
    expect(names(await q('a123456789'))).toEqual(['王小明']);
    expect(names(await q('1980-05-17'))).toEqual(['王小明']);
    // Long names: at most three bigrams are joined, the whole text is verified.
    const his = (await import('../../testing/helpers.ts')).asApiKey(t.app, await c.apiKey());
    await his.put('/his/v1/patients/P8', { name: 'Anna Wang', chartNo: 'C0008' });
    await his.put('/his/v1/patients/P9', { name: '司馬相如小明', chartNo: 'C0009' });
    expect(names(await q('Anna Wang'))).toEqual(['Anna Wang']);
    expect(names(await q('Anna Wan'))).toEqual(['Anna Wang']);
    expect(names(await q('annawanx'))).toEqual([]);
    expect(names(await q('wang anna'))).toEqual([]);
    expect(names(await q('司馬相如小明'))).toEqual(['司馬相如小明']);
    expect(names(await q('馬相如小'))).toEqual(['司馬相如小明']);
    expect(names(await q('司馬如相小明'))).toEqual([]);
    const first = (await q('小明')).json().items.find((i: { name: string }) => i.name === '王小明');
    expect(first.phoneMasked).toBe('0912-***-678');
    expect(first.chartNo).toBe('C0001');
  });

  it('combines filters: name + phone digits, age band, line status, tags, sorting and paging', async () => {
    const { api, c } = await seeded();
    expect(names(await api.get(`/api/patients?name=${encodeURIComponent('小明')}&phone=678`))).toEqual(['王小明']);
    expect(names(await api.get(`/api/patients?ageMin=60`))).toEqual(['陳美玲']);
    expect(names(await api.get(`/api/patients?ageMax=12`))).toEqual(['王大明']);
    await t.deps.db
      .updateTable('patients')
      .set({ line_status: 'bound' })
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', 'P2')
      .execute();
    expect(names(await api.get(`/api/patients?q=${encodeURIComponent('小明')}&lineStatus=bound`))).toEqual(['李小明']);
    const tag = (await api.post('/api/tags', { name: 'VIP' })).json();
    expect(
      (
        await api.post('/api/patients/tags', {
          patientIds: [await idOf(c.clinicId, 'P1'), await idOf(c.clinicId, 'P4')],
          tagIds: [tag.id],
        })
      ).statusCode,
    ).toBe(200);
    expect(names(await api.get(`/api/patients?tagIds=${tag.id}`))).toEqual(['王小明', '陳美玲']);
    expect(names(await api.get(`/api/patients?tagIds=${tag.id}&q=${encodeURIComponent('王')}`))).toEqual(['王小明']);
    // The broad-tag plan (SQLite: probe per row, count along the tag index) gives the same answer.
    const { searchPatients } = await import('./search.repository.ts');
    const { searchCtx } = await import('./service.ts');
    const ctx = await searchCtx(t.deps, c.clinicId);
    await t.deps.db
      .updateTable('patients')
      .set({ last_visit_at: '2025-01-02T03:00:00.000Z' })
      .where('id', '=', await idOf(c.clinicId, 'P4'))
      .execute();
    const filters: PatientFilter[] = [
      { tagIds: [tag.id] },
      { tagIds: [tag.id], ageMin: 60 },
      { tagIds: [tag.id], q: '王' },
      { tagIds: [tag.id], q: '小明' },
      { tagIds: [tag.id], lastVisitBefore: '2025-06-01T00:00:00Z', ageMin: 40 },
      { tagIds: [tag.id], lineStatus: ['bound'] },
    ];
    const expected = [['王小明', '陳美玲'], ['陳美玲'], ['王小明'], ['王小明'], ['陳美玲'], []];
    for (const [i, f] of filters.entries()) {
      const normal = await searchPatients(t.deps.db, c.clinicId, f, ctx, { limit: 50, offset: 0 });
      const broad = await searchPatients(
        t.deps.db,
        c.clinicId,
        f,
        { ...ctx, broadTagThreshold: 0 },
        { limit: 50, offset: 0 },
      );
      expect(broad.rows.map((r) => r.name)).toEqual(normal.rows.map((r) => r.name));
      expect(broad.total).toBe(normal.total);
      expect(normal.rows.map((r) => r.name).sort()).toEqual(expected[i]);
      expect(normal.total).toBe(expected[i].length);
    }
    const page = (await api.get('/api/patients?sort=chartNo&order=desc&pageSize=2&page=1')).json();
    expect(page.items.map((i: { chartNo: string }) => i.chartNo)).toEqual(['X0005', 'C0006']);
    expect(page.total).toBe(6);
    const p2 = (await api.get('/api/patients?sort=chartNo&order=desc&pageSize=2&page=2')).json();
    expect(p2.items.map((i: { chartNo: string }) => i.chartNo)).toEqual(['C0004', 'C0003']);
    // Sorting by a column that can be empty puts the empty ones last in both directions, on both databases.
    await t.deps.db
      .updateTable('patients')
      .set({ last_visit_at: '2026-01-05T02:00:00.000Z' })
      .where('id', '=', await idOf(c.clinicId, 'P1'))
      .execute();
    const byVisit = async (order: string, pageNo: number) =>
      (await api.get(`/api/patients?sort=lastVisit&order=${order}&pageSize=2&page=${pageNo}`))
        .json()
        .items.map((i: { name: string; lastVisitAt: string | null }) => [i.name, i.lastVisitAt?.slice(0, 10) ?? null]);
    expect(await byVisit('asc', 1)).toEqual([
      ['陳美玲', '2025-01-02'],
      ['王小明', '2026-01-05'],
    ]);
    expect(await byVisit('desc', 1)).toEqual([
      ['王小明', '2026-01-05'],
      ['陳美玲', '2025-01-02'],
    ]);
    for (const order of ['asc', 'desc']) {
      const rest = [...(await byVisit(order, 2)), ...(await byVisit(order, 3))];
      expect(rest).toHaveLength(4);
      expect(rest.every(([, at]) => at === null)).toBe(true);
    }
    const odd = (await api.get('/api/patients?sort=lastVisit&order=asc&pageSize=3&page=1'))
      .json()
      .items.map((i: { lastVisitAt: string | null }) => i.lastVisitAt?.slice(0, 10) ?? null);
    expect(odd).toEqual(['2025-01-02', '2026-01-05', null]);
    // HIS rename re-indexes the name.
    await (
      await import('../../testing/helpers.ts')
    )
      .asApiKey(t.app, await c.apiKey())
      .put('/his/v1/patients/P6', { name: '林志玲' });
    expect(names(await api.get(`/api/patients?q=${encodeURIComponent('志玲')}`))).toEqual(['林志玲']);
    expect(names(await api.get(`/api/patients?q=${encodeURIComponent('小王')}`))).toEqual([]);
  });

  it('detail: identity masked, reveal audited, family by phone, HIS fields read-only, notes editable', async () => {
    const { api, c, his } = await seeded();
    await his.put('/his/v1/patients/P7', { name: '王小華', phone: '0912345678' });
    const id = await idOf(c.clinicId, 'P1');
    const d = (await api.get(`/api/patients/${id}`)).json();
    expect(d.nationalIdMasked).toBe('A12****789');
    expect(d.family.map((f: { name: string }) => f.name)).toEqual(['王小華']);
    expect(d.hisOwnedFields).toContain('name');
    const rv = await api.post(`/api/patients/${id}/national-id/reveal`, { reason: '核對身分' });
    expect(rv.json().nationalId).toBe('A123456789');
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('clinic_id', '=', c.clinicId)
      .where('entity_id', '=', id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['patient.viewed', 'patient.national_id_revealed']),
    );
    const bad = await api.patch(`/api/patients/${id}`, { name: '改名' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0].message).toContain('HIS');
    expect((await api.patch(`/api/patients/${id}`, { notes: '對盤尼西林過敏' })).json().notes).toBe('對盤尼西林過敏');
    // Manual patients: validated like the HIS API; all fields editable.
    const badNew = await api.post('/api/patients', { name: '張三', phone: '12345', nationalId: 'A123456788' });
    expect(badNew.statusCode).toBe(422);
    expect(
      badNew
        .json()
        .error.details.map((x: { field: string }) => x.field)
        .sort(),
    ).toEqual(['nationalId', 'phone']);
    const created = (
      await api.post('/api/patients', { name: '張三豐', phone: '0911-222-333', chartNo: 'M001' })
    ).json();
    expect(created.source).toBe('manual');
    expect(created.hisOwnedFields).toEqual([]);
    expect((await api.patch(`/api/patients/${created.id}`, { name: '張三丰' })).json().name).toBe('張三丰');
    expect(names(await api.get(`/api/patients?q=${encodeURIComponent('三丰')}`))).toEqual(['張三丰']);
    expect((await api.post('/api/patients', { name: '重複', chartNo: 'M001' })).statusCode).toBe(422);
    // A tag that is not the clinic's: 422 on tagIds, and no patient half-created.
    const before = (await api.get('/api/patients?q=無此標籤')).json().items.length;
    const badTag = await api.post('/api/patients', { name: '無此標籤', tagIds: ['no-such-tag'] });
    expect(badTag.statusCode, badTag.body).toBe(422);
    expect(badTag.json().error.details[0]).toMatchObject({ field: 'tagIds', code: 'unknown_tag' });
    expect((await api.get('/api/patients?q=無此標籤')).json().items.length).toBe(before);
  });
});

describe('merge', () => {
  it('finds candidates, merges chosen values, moves appointments and bindings, tells the HIS, undoes', async () => {
    const { c, his, api } = await seeded();
    await t.deps.db
      .insertInto('webhook_endpoints')
      .values({
        clinic_id: c.clinicId,
        url: 'https://his.example.tw/hook',
        secret_enc: t.deps.crypto.encrypt('s'),
        created_at: '2026-06-01T00:00:00Z',
        updated_at: '2026-06-01T00:00:00Z',
      })
      .execute();
    await his.put('/his/v1/patients/D1', { name: '王曉明', phone: '0912345678', nationalId: 'A123456789' });
    const a = await idOf(c.clinicId, 'P1');
    const b = await idOf(c.clinicId, 'D1');
    expect((await appt(his, 'A1', 'D1', '2026-05-01T09:00:00+08:00', 'completed')).statusCode).toBeLessThan(300);
    expect((await appt(his, 'A2', 'D1', '2026-07-01T09:00:00+08:00', 'booked')).statusCode).toBeLessThan(300);
    await t.deps.db
      .insertInto('line_bindings')
      .values({
        clinic_id: c.clinicId,
        line_user_id: 'U-merge-1',
        patient_id: b,
        phone_hash: 'h',
        phone_masked: '0912-***-678',
        created_at: '2026-06-01T00:00:00Z',
      })
      .execute();
    await t.deps.db.updateTable('patients').set({ line_status: 'bound' }).where('id', '=', b).execute();

    const cands = (await api.get('/api/patients/merge-candidates')).json().items;
    const pair = cands.find(
      (x: { a: { id: string }; b: { id: string } }) => [x.a.id, x.b.id].sort().join() === [a, b].sort().join(),
    );
    expect(pair.reasons.sort()).toEqual(['national_id', 'phone_name']);
    // The search box narrows the candidates by name part, chart number or phone digits; total counts the matches.
    const pairKey = (r: { json(): { items: { a: { id: string }; b: { id: string } }[]; total: number } }) => ({
      total: r.json().total,
      pairs: r.json().items.map((x) => [x.a.id, x.b.id].sort().join()),
    });
    expect(pairKey(await api.get(`/api/patients/merge-candidates?q=${encodeURIComponent('曉明')}`))).toEqual({
      total: 1,
      pairs: [[a, b].sort().join()],
    });
    expect(pairKey(await api.get('/api/patients/merge-candidates?q=5678'))).toMatchObject({
      pairs: [[a, b].sort().join()],
    });
    expect(pairKey(await api.get(`/api/patients/merge-candidates?q=${encodeURIComponent('不存在')}`))).toEqual({
      total: 0,
      pairs: [],
    });
    expect((await api.get('/api/patients/merge-candidates?limit=0')).statusCode).toBe(400);

    const m = await api.post('/api/patients/merges', { survivorId: a, mergedId: b, take: { name: 'merged' } });
    expect(m.statusCode).toBe(201);
    const merge = m.json();
    expect(merge.movedAppointments).toBe(2);
    const sv = (await api.get(`/api/patients/${a}`)).json();
    expect(sv.name).toBe('王曉明');
    expect(sv.appointments.map((x: { hisId: string }) => x.hisId).sort()).toEqual(['A1', 'A2']);
    expect(sv.line.code).toBe('bound');
    expect(sv.line.friends.map((f: { lineUserId: string }) => f.lineUserId)).toEqual(['U-merge-1']);
    expect(sv.merges).toHaveLength(1);
    expect(names(await api.get(`/api/patients?q=${encodeURIComponent('曉明')}`))).toEqual(['王曉明']);
    expect((await api.get(`/api/patients?q=A123456789`)).json().items).toHaveLength(1);
    const ev = await t.deps.db
      .selectFrom('webhook_events')
      .select(['type', 'body'])
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'patient.merged')
      .execute();
    expect(ev).toHaveLength(1);
    expect(JSON.parse(ev[0].body).data).toMatchObject({ survivingPatientId: 'P1', mergedPatientId: 'D1' });
    expect((await api.post('/api/patients/merges', { survivorId: a, mergedId: b })).statusCode).toBe(409);

    // Undo after 8 days is refused; within 7 days it restores everything.
    const until = (
      await t.deps.db
        .selectFrom('patient_merges')
        .select('undo_until')
        .where('id', '=', merge.id)
        .executeTakeFirstOrThrow()
    ).undo_until;
    expect(Date.parse(until) - Date.parse('2026-06-01T02:00:00Z')).toBe(7 * 86_400_000);
    await t.deps.db
      .updateTable('patient_merges')
      .set({ undo_until: '2026-05-31T00:00:00.000Z' })
      .where('id', '=', merge.id)
      .execute();
    expect((await api.post(`/api/patients/merges/${merge.id}/undo`)).json().error.code).toBe('UNDO_EXPIRED');
    await t.deps.db.updateTable('patient_merges').set({ undo_until: until }).where('id', '=', merge.id).execute();
    const u = await api.post(`/api/patients/merges/${merge.id}/undo`);
    expect(u.statusCode).toBe(200);
    const after = (await api.get(`/api/patients/${a}`)).json();
    expect(after.name).toBe('王小明');
    expect(after.appointments).toHaveLength(0);
    expect(after.line.code).toBe('unbound');
    const back = (await api.get(`/api/patients/${b}`)).json();
    expect(back.appointments).toHaveLength(2);
    expect(back.line.friends.map((f: { lineUserId: string }) => f.lineUserId)).toEqual(['U-merge-1']);
    expect(back.mergedInto).toBeNull();
    expect((await api.post(`/api/patients/merges/${merge.id}/undo`)).statusCode).toBe(409);
    const types = (
      await t.deps.db.selectFrom('webhook_events').select('type').where('clinic_id', '=', c.clinicId).execute()
    ).map((x) => x.type);
    expect(types).toContain('patient.merge_undone');
    const audit = (
      await t.deps.db
        .selectFrom('audit_log')
        .select('action')
        .where('clinic_id', '=', c.clinicId)
        .where('entity_id', '=', a)
        .execute()
    ).map((x) => x.action);
    expect(audit).toEqual(expect.arrayContaining(['patient.merged', 'patient.merge_undone']));
  });
});

describe('import and export', () => {
  it('reports every broken row in zh-TW and imports the good ones; exports the filter to XLSX', async () => {
    const { c, api } = await seeded();
    const csvText = [
      '姓名,電話,生日,身分證字號,病歷號,性別,標籤',
      '林一,0911-000-001,1970-01-01,,N001,男,慢性病',
      '林二,12345,,,N002,女,',
      '林三,0911000003,,A123456788,N003,,',
      '林四,0911000004,,,C0001,,',
      '林五,0911000005,,,N001,,',
      '林六,+886 911 000 006,1999-09-09,,N006,女,慢性病|VIP',
      ',0911000007,,,N007,,',
    ].join('\n');
    const pv = await api.post('/api/patients/imports', {
      filename: 'p.csv',
      format: 'csv',
      contentBase64: Buffer.from(csvText).toString('base64'),
    });
    expect(pv.statusCode).toBe(200);
    const prev = pv.json();
    expect(prev.total).toBe(7);
    expect(prev.valid).toBe(2);
    const byRow = (n: number) =>
      prev.errors
        .filter((e: { row: number }) => e.row === n)
        .map((e: { field: string; message: string }) => `${e.field}:${e.message}`)
        .join(' ');
    expect(byRow(3)).toContain('phone');
    expect(byRow(4)).toContain('nationalId');
    expect(byRow(5)).toMatch(/chartNo:.*C0001/);
    expect(byRow(6)).toMatch(/chartNo:.*第 2 列重複/);
    expect(byRow(8)).toContain('name');
    expect((await api.post(`/api/patients/imports/${prev.id}/commit`)).statusCode).toBe(200);
    await runImport(t.deps, c.clinicId, prev.id);
    const done = (await api.get(`/api/patients/transfers/${prev.id}`)).json();
    expect(done).toMatchObject({ status: 'done', imported: 2, failed: 5, progress: 1 });
    expect(names(await api.get(`/api/patients?q=${encodeURIComponent('林')}`))).toEqual(['林一', '林六']);
    const tags = (await api.get('/api/tags'))
      .json()
      .items.map((x: { name: string; count: number }) => `${x.name}:${x.count}`)
      .sort();
    expect(tags).toEqual(['VIP:1', '慢性病:2']);

    // XLSX import works too.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('x');
    ws.addRow(['姓名', '電話', '病歷號']);
    ws.addRow(['吳一', '0911000011', 'Q1']);
    ws.addRow(['吳二', 'bad', 'Q2']);
    const xbuf = Buffer.from(await wb.xlsx.writeBuffer());
    const xp = (
      await api.post('/api/patients/imports', {
        filename: 'p.xlsx',
        format: 'xlsx',
        contentBase64: xbuf.toString('base64'),
      })
    ).json();
    expect(xp.valid).toBe(1);
    expect(xp.errors[0]).toMatchObject({ row: 3, field: 'phone' });

    const ex = await api.post('/api/patients/exports', { format: 'xlsx', filter: { q: '小明' } });
    expect(ex.statusCode).toBe(202);
    await runExport(t.deps, c.clinicId, ex.json().id);
    expect((await api.get(`/api/patients/transfers/${ex.json().id}`)).json()).toMatchObject({
      status: 'done',
      total: 2,
      progress: 1,
    });
    const dl = await api.get(`/api/patients/exports/${ex.json().id}/download`);
    expect(dl.statusCode).toBe(200);
    const rb = new ExcelJS.Workbook();
    await rb.xlsx.load(dl.rawPayload as never);
    const rows: string[][] = [];
    rb.worksheets[0].eachRow((r) => rows.push((r.values as string[]).slice(1)));
    expect(rows[0][0]).toBe('姓名');
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(['李小明', '王小明']);
    expect(rows.find((r) => r[0] === '王小明')![2]).toBe('0912345678');
    const acts = (
      await t.deps.db.selectFrom('audit_log').select('action').where('clinic_id', '=', c.clinicId).execute()
    ).map((x) => x.action);
    expect(acts).toEqual(
      expect.arrayContaining(['patient.export_started', 'patient.export_downloaded', 'patient.imported']),
    );
  });
});

describe('tags, segments, recall', () => {
  it('automatic tags from rules, segment preview and resolveSegment, recall list with outcomes', async () => {
    const { c, his, api } = await seeded();
    await appt(his, 'R1', 'P1', '2025-10-01T09:00:00+08:00', 'completed', '洗牙');
    await appt(his, 'R2', 'P2', '2026-05-01T09:00:00+08:00', 'completed', '洗牙');
    await appt(his, 'R3', 'P3', '2026-04-01T09:00:00+08:00', 'no_show');
    await appt(his, 'R4', 'P3', '2026-04-08T09:00:00+08:00', 'no_show');
    const auto = (await api.post('/api/tags', { name: '洗牙客', rule: { visitType: '洗牙' } })).json();
    expect(auto).toMatchObject({ kind: 'auto', count: 2 });
    const ns = (await api.post('/api/tags', { name: '常爽約', rule: { noShowMin: 2 } })).json();
    expect(ns.count).toBe(1);
    const senior = (await api.post('/api/tags', { name: '長者', rule: { ageMin: 65 } })).json();
    expect(senior.count).toBe(1);
    expect(
      (await api.post('/api/patients/tags', { patientIds: [await idOf(c.clinicId, 'P1')], tagIds: [auto.id] }))
        .statusCode,
    ).toBe(422);
    const pv = (
      await api.post('/api/segments/preview', { conditions: { tagIds: [auto.id], lastVisitDaysAgo: 180 } })
    ).json();
    expect(pv.count).toBe(1);
    expect(pv.sample[0].name).toBe('王小明');
    const seg = (
      await api.post('/api/segments', { name: '該洗牙了', conditions: { tagIds: [auto.id], lastVisitDaysAgo: 180 } })
    ).json();
    expect(seg.count).toBe(1);
    expect(await resolveSegment(t.deps, c.clinicId, seg.id)).toEqual([await idOf(c.clinicId, 'P1')]);

    const rule = (
      await api.post('/api/recall-rules', {
        name: '半年洗牙',
        kind: 'after_visit',
        visitType: '洗牙',
        intervalDays: 182,
        message: '{name} 您好，該洗牙了',
        button: 'booking',
      })
    ).json();
    expect(rule.enabled).toBe(true);
    // The preview counts what a scan would add, sends nothing, and names the next automatic scan (a day after
    // saving the rule).
    const preview = (await api.get('/api/recalls/preview')).json();
    expect(preview).toMatchObject({ rules: [{ ruleId: rule.id, name: '半年洗牙', due: 1 }], total: 1 });
    expect(Date.parse(preview.nextScanAt) - t.clock.now().getTime()).toBe(86_400_000);
    expect((await api.get('/api/recalls')).json().items).toHaveLength(0);
    const scan = (await api.post('/api/recalls/scan')).json();
    expect(scan.created).toBe(preview.total);
    expect((await api.get('/api/recalls/preview')).json()).toMatchObject({ rules: [{ due: 0 }], total: 0 });
    expect((await api.post('/api/recalls/scan')).json().created).toBe(0);
    const list = (await api.get('/api/recalls')).json().items;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ patientName: '王小明', ruleName: '半年洗牙' });
    expect(['sent', 'due']).toContain(list[0].status);
    expect((await api.put(`/api/recalls/${list[0].id}/outcome`, { outcome: 'booked' })).statusCode).toBe(200);
    expect((await api.get('/api/recalls?status=booked')).json().items).toHaveLength(1);
  });
});

describe('cross-clinic isolation', () => {
  it('clinic B cannot see or change anything of clinic A', async () => {
    const A = await seeded();
    const B = await createTestClinic(t);
    const b = as(t.app, B.admin);
    const pid = await idOf(A.c.clinicId, 'P1');
    const pid2 = await idOf(A.c.clinicId, 'P2');
    const tag = (await A.api.post('/api/tags', { name: 'A的標籤' })).json();
    const seg = (await A.api.post('/api/segments', { name: 'A', conditions: { q: '小明' } })).json();
    const rule = (
      await A.api.post('/api/recall-rules', {
        name: 'A',
        kind: 'yearly',
        intervalDays: 365,
        message: 'x',
        button: 'call',
      })
    ).json();
    const ex = (await A.api.post('/api/patients/exports', { format: 'csv', filter: {} })).json();
    await runExport(t.deps, A.c.clinicId, ex.id);
    const merge = (await A.api.post('/api/patients/merges', { survivorId: pid, mergedId: pid2 })).json();

    expect((await b.get(`/api/patients?q=${encodeURIComponent('小明')}`)).json().items).toEqual([]);
    expect((await b.get('/api/patients?q=0912345678')).json().items).toEqual([]);
    expect((await b.get('/api/patients?q=A123456789')).json().items).toEqual([]);
    expect((await b.get(`/api/patients?tagIds=${tag.id}`)).json().items).toEqual([]);
    expect((await b.get(`/api/patients/${pid}`)).statusCode).toBe(404);
    expect((await b.patch(`/api/patients/${pid}`, { notes: 'x' })).statusCode).toBe(404);
    expect((await b.post(`/api/patients/${pid}/national-id/reveal`, { reason: 'x' })).statusCode).toBe(404);
    expect((await b.post('/api/patients/tags', { patientIds: [pid], tagIds: [tag.id] })).statusCode).toBe(404);
    expect((await b.get('/api/tags')).json().items).toEqual([]);
    expect((await b.delete(`/api/tags/${tag.id}`)).statusCode).toBe(404);
    expect((await b.get('/api/segments')).json().items).toEqual([]);
    expect((await b.put(`/api/segments/${seg.id}`, { name: 'x', conditions: {} })).statusCode).toBe(404);
    expect((await b.delete(`/api/segments/${seg.id}`)).statusCode).toBe(404);
    expect((await b.post('/api/segments/preview', { conditions: { q: '小明' } })).json().count).toBe(0);
    expect((await b.get('/api/patients/merge-candidates')).json().items).toEqual([]);
    expect((await b.get(`/api/patients/merge-compare?a=${pid}&b=${pid2}`)).statusCode).toBe(404);
    expect((await b.post('/api/patients/merges', { survivorId: pid, mergedId: pid2 })).statusCode).toBe(404);
    expect((await b.get('/api/patients/merges')).json().items).toEqual([]);
    expect((await b.post(`/api/patients/merges/${merge.id}/undo`)).statusCode).toBe(404);
    expect((await b.get('/api/recall-rules')).json().items).toEqual([]);
    expect(
      (
        await b.put(`/api/recall-rules/${rule.id}`, {
          name: 'x',
          kind: 'yearly',
          intervalDays: 1,
          message: 'x',
          button: 'call',
        })
      ).statusCode,
    ).toBe(404);
    expect((await b.delete(`/api/recall-rules/${rule.id}`)).statusCode).toBe(404);
    expect((await b.get('/api/recalls')).json().items).toEqual([]);
    expect((await b.get('/api/recalls/preview')).json()).toEqual({ rules: [], total: 0, nextScanAt: null });
    expect((await b.get(`/api/patients/transfers/${ex.id}`)).statusCode).toBe(404);
    expect((await b.get(`/api/patients/exports/${ex.id}/download`)).statusCode).toBe(404);
    expect((await b.post(`/api/patients/imports/${ex.id}/commit`)).statusCode).toBe(404);
    expect((await b.get('/api/patients/line-friends')).json().items).toEqual([]);
    // Viewers read but do not write.
    const viewer = as(t.app, await A.c.staff('viewer'));
    expect((await viewer.get('/api/patients')).statusCode).toBe(200);
    expect((await viewer.post('/api/patients', { name: '不行' })).statusCode).toBe(403);
    expect((await viewer.post(`/api/patients/${pid}/national-id/reveal`, { reason: 'x' })).statusCode).toBe(403);
  });
});
