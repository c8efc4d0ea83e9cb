// What an admin reads in the audit log and on the jobs page: zh-TW words for every code, the
// detail in readable lines, and one entry per view of the home page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob } from '../../platform/jobs.ts';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { WEBHOOK_JOB } from '../webhooks/service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

type Entry = {
  action: string;
  actionLabel: string;
  entityTypeLabel: string;
  actorTypeLabel: string;
  actorLabel: string;
  detailItems: { label: string; value: string }[];
};

describe('audit log in words', () => {
  it('labels actions, entity types and actors, and reads the detail with codes as words', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    expect((await as(t.app, c.admin).patch(`/api/staff/${desk.userId}`, { role: 'admin' })).statusCode).toBe(200);
    const r = await as(t.app, c.admin).get('/api/audit?action=staff.updated');
    expect(r.statusCode).toBe(200);
    const [e] = r.json().items as Entry[];
    expect(e).toMatchObject({
      action: 'staff.updated',
      actionLabel: '修改人員',
      entityTypeLabel: '人員',
      actorTypeLabel: '人員',
      actorLabel: c.admin.email,
    });
    expect(e.detailItems).toEqual([{ label: '角色', value: '櫃台人員 → 管理者' }]);
  });

  it('an HIS write reads as the HIS key and the appointment status in words', async () => {
    const c = await createTestClinic(t);
    const his = c.his(await c.apiKey('院內 HIS'));
    await his.put('/his/v1/doctors/D1', { name: '王大明' });
    await his.put('/his/v1/patients/P1', { name: '陳小明' });
    const put = await his.put('/his/v1/appointments/A1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2030-05-04T10:00:00+08:00',
      status: 'booked',
      version: 1,
    });
    expect(put.statusCode).toBe(201);
    const [e] = (await as(t.app, c.admin).get('/api/audit?action=appointment.created')).json().items as Entry[];
    expect(e).toMatchObject({ actionLabel: '新增預約', entityTypeLabel: '預約', actorTypeLabel: 'API 金鑰（HIS）' });
    expect(e.detailItems).toContainEqual({ label: '狀態', value: '已預約' });
  });

  it("a patient's page shows its audit trail in the same words", async () => {
    const c = await createTestClinic(t);
    const his = c.his(await c.apiKey());
    await his.put('/his/v1/patients/P7', { name: '林小華', gender: 'female' });
    const list = (await as(t.app, c.admin).get('/api/patients?q=林小華')).json();
    const detail = (await as(t.app, c.admin).get(`/api/patients/${list.items[0].id}`)).json();
    const created = detail.audit.find((a: { action: string }) => a.action === 'patient.created');
    expect(created).toMatchObject({ actionLabel: '新增病患' });
    expect(created.detailItems).toContainEqual({ label: '修改的欄位', value: '姓名、性別' });
  });

  it('offers every action and entity type with its label for the filters', async () => {
    const c = await createTestClinic(t);
    const v = (await as(t.app, c.admin).get('/api/audit/vocabulary')).json();
    expect(v.actions).toContainEqual({ code: 'home.viewed', label: '檢視今日總覽' });
    expect(v.actionGroups).toContainEqual({ code: 'staff.*', label: '人員（全部）' });
    expect(v.entityTypes).toContainEqual({ code: 'patient', label: '病患' });
    const desk = await c.staff('front_desk');
    expect((await as(t.app, desk).get('/api/audit/vocabulary')).statusCode).toBe(403);
  });
});

describe('jobs page in words', () => {
  it('labels each job type and status', async () => {
    const c = await createTestClinic(t);
    await enqueueJob(t.deps.db, t.deps.clock, WEBHOOK_JOB, { eventId: 'e1' }, { clinicId: c.clinicId });
    const r = await as(t.app, c.admin).get('/api/jobs');
    expect(r.statusCode).toBe(200);
    expect(r.json().items[0]).toMatchObject({
      type: 'his.webhook.deliver',
      typeLabel: '通知 HIS（Webhook）',
      status: 'pending',
      statusLabel: '等待中',
    });
    expect(r.json().statuses).toEqual([
      { status: 'dead', label: '已放棄', count: 0 },
      { status: 'pending', label: '等待中', count: 1 },
      { status: 'running', label: '執行中', count: 0 },
      { status: 'done', label: '完成', count: 0 },
    ]);
  });
});

describe('one view, one entry', () => {
  it('opening the home page (summary, then its live stream) writes one audit entry', async () => {
    const c = await createTestClinic(t);
    const desk = await c.staff('front_desk');
    expect((await as(t.app, desk).get('/api/home/today')).statusCode).toBe(200);
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const abort = new AbortController();
    const res = await fetch(`${url}/api/home/stream`, { headers: { cookie: desk.cookie }, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('retry:');
    abort.abort();
    await reader.cancel().catch(() => {});
    const items = (await as(t.app, c.admin).get('/api/audit?action=home.*')).json().items as Entry[];
    expect(items.map((e) => e.action)).toEqual(['home.viewed']);
  });
});
