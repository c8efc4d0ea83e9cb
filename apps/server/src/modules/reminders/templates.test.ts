// Message templates in the back office with a fake LINE gateway: custom templates are created,
// edited and deleted (refused while a rule uses them; built-ins are reset instead), an unknown
// variable or a text over LINE's limits is refused and nothing is saved, the date style shows in
// the message a patient receives, preparation notes change one visit type without touching the
// rules, a test goes only to a friend of the clinic, and another clinic sees and changes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobDefinitions } from '../../jobs.ts';
import { startWorker, type Worker } from '../../platform/jobs.ts';
import { fakeLine, type FakeLine } from '../../testing/fakes.ts';
import {
  as,
  bindForTest,
  createTestApp,
  createTestClinic,
  type TestApp,
  type TestClinic,
} from '../../testing/helpers.ts';
import { lineService } from '../line/service.ts';
import { startReminderDispatcher, type Dispatcher } from './delivery.ts';

let t: TestApp;
let line: FakeLine;
let worker: Worker;
let dispatcher: Dispatcher;
const NOW = '2026-03-09T01:00:00Z'; // Monday 09:00 in Taipei

beforeAll(async () => {
  line = fakeLine();
  t = await createTestApp({ line, start: NOW });
  worker = startWorker(t.deps, jobDefinitions(), { workerId: 'test-worker', autoStart: false });
  dispatcher = startReminderDispatcher(t.deps, { workerId: 'test-dispatcher', autoStart: false, lockMs: 5_000 });
});
beforeEach(() => t.clock.set(NOW));
afterAll(async () => {
  await dispatcher.stop();
  await worker.stop();
  await t.close();
});

async function drain(): Promise<void> {
  for (let i = 0; i < 50 && (await worker.runOnce()) > 0; i++);
}

type Tpl = {
  id: string;
  name: string;
  builtIn: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
  usedBy: { ruleId: string; ruleName: string; override: string | null }[];
  body: Record<string, unknown> & { altText: string; body: string; title: string; dateStyle: string };
};
const templates = async (c: TestClinic): Promise<Tpl[]> =>
  (await as(t.app, c.admin).get('/api/reminders/templates')).json().items;
const audit = (c: TestClinic, action: string) =>
  t.deps.db
    .selectFrom('audit_log')
    .select(['entity_id', 'detail'])
    .where('clinic_id', '=', c.clinicId)
    .where('action', '=', action)
    .orderBy('id')
    .execute();

describe('message templates', () => {
  it('lists the variables; creates, edits and deletes a custom template; refuses deleting one in use', async () => {
    const c = await createTestClinic(t);
    const admin = as(t.app, c.admin);
    const list = (await admin.get('/api/reminders/templates')).json();
    expect(list.variables).toContain('weekday');
    expect(list.variableList.find((v: { name: string }) => v.name === 'date').label).toContain('民國');
    const def = list.items.find((x: Tpl) => x.id === 'default') as Tpl;
    expect(def.usedBy.map((u) => u.ruleId)).toEqual(['before-48h', 'visit-day']);
    expect(def.body.dateStyle).toBe('western');

    const created = await admin.post('/api/reminders/templates', {
      name: '植牙術前',
      body: { ...def.body, title: '植牙手術提醒', dateStyle: 'roc' },
    });
    expect(created.statusCode, created.body).toBe(200);
    const tpl = created.json() as Tpl;
    expect(tpl.id).toMatch(/^t-[a-z0-9]{8}$/);
    expect(tpl).toMatchObject({ name: '植牙術前', builtIn: false, usedBy: [] });
    expect(tpl.updatedBy).toBeTruthy();
    const again = (await admin.post('/api/reminders/templates', { name: '植牙術前', body: def.body })).json() as Tpl;
    expect(again.id).not.toBe(tpl.id);

    const edit = await admin.put(`/api/reminders/templates/${tpl.id}`, {
      name: '植牙術前提醒',
      body: { ...tpl.body, body: '{patientName} 您好，{date}（{weekday}）{time} 植牙手術。\n{preparation}' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json().name).toBe('植牙術前提醒');

    // Used by an override: deleting is refused with the rule's name, and nothing is deleted.
    const rules = (await admin.get('/api/reminders/rules')).json();
    rules.rules.forEach((r: { explanation?: string }) => delete r.explanation);
    // A per-doctor override names the doctor as people know them (the HIS id only when unknown).
    expect((await c.his(await c.apiKey()).put('/his/v1/doctors/D7', { name: '陳建志' })).statusCode).toBe(201);
    rules.overrides = [
      { visitType: '植牙', ruleId: 'before-48h', templateId: tpl.id },
      { doctorId: 'D7', ruleId: 'visit-day', templateId: tpl.id },
      { doctorId: 'D404', ruleId: 'visit-day', templateId: tpl.id },
    ];
    expect((await admin.put('/api/reminders/rules', rules)).statusCode).toBe(200);
    expect((await templates(c)).find((x) => x.id === tpl.id)?.usedBy).toEqual([
      { ruleId: 'before-48h', ruleName: '看診前 48 小時提醒', override: '看診類別 植牙' },
      { ruleId: 'visit-day', ruleName: '看診當天提醒', override: '陳建志醫師' },
      { ruleId: 'visit-day', ruleName: '看診當天提醒', override: '醫師 D404' },
    ]);
    const inUse = await admin.delete(`/api/reminders/templates/${tpl.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error.code).toBe('TEMPLATE_IN_USE');
    expect(inUse.json().error.message).toContain('看診前 48 小時提醒（看診類別 植牙）、看診當天提醒（陳建志醫師）');
    expect((await admin.get(`/api/reminders/templates/${tpl.id}`)).statusCode).toBe(200);

    rules.overrides = [];
    expect((await admin.put('/api/reminders/rules', rules)).statusCode).toBe(200);
    expect((await admin.delete(`/api/reminders/templates/${tpl.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/reminders/templates/${tpl.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/reminders/templates/${tpl.id}`)).statusCode).toBe(404);
    expect(await audit(c, 'reminders.template_deleted')).toHaveLength(1);

    const front = as(t.app, await c.staff('front_desk'));
    expect((await front.post('/api/reminders/templates', { name: 'x', body: def.body })).statusCode).toBe(403);
    expect((await front.delete(`/api/reminders/templates/${again.id}`)).statusCode).toBe(403);
    expect((await front.get('/api/reminders/templates')).statusCode).toBe(200);
  });

  it('built-in templates cannot be deleted but can be reset to their shipped text', async () => {
    const c = await createTestClinic(t);
    const admin = as(t.app, c.admin);
    const def = (await templates(c)).find((x) => x.id === 'booking')!;
    const del = await admin.delete('/api/reminders/templates/booking');
    expect(del.statusCode).toBe(409);
    expect(del.json().error).toMatchObject({ code: 'TEMPLATE_BUILT_IN' });
    expect(del.json().error.message).toContain('還原預設內容');

    await admin.put('/api/reminders/templates/booking', { name: '預約好了', body: { ...def.body, title: '改過的' } });
    expect((await templates(c)).find((x) => x.id === 'booking')).toMatchObject({ name: '預約好了', builtIn: true });
    const reset = await admin.post('/api/reminders/templates/booking/reset', {});
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toMatchObject({ name: def.name, body: def.body, updatedAt: null, builtIn: true });
    expect(await audit(c, 'reminders.template_reset')).toHaveLength(1);

    const custom = (await admin.post('/api/reminders/templates', { name: '自訂', body: def.body })).json() as Tpl;
    const notBuiltIn = await admin.post(`/api/reminders/templates/${custom.id}/reset`, {});
    expect(notBuiltIn.statusCode).toBe(409);
    expect(notBuiltIn.json().error.code).toBe('TEMPLATE_NOT_BUILT_IN');
    expect((await admin.post('/api/reminders/templates/t-nothere/reset', {})).statusCode).toBe(404);
  });

  it('an unknown variable or a text over the limits is refused with a zh-TW message and nothing is saved', async () => {
    const c = await createTestClinic(t);
    const admin = as(t.app, c.admin);
    const before = await templates(c);
    const def = before.find((x) => x.id === 'default')!;

    const unknown = await admin.put('/api/reminders/templates/default', {
      name: '看診提醒',
      body: { ...def.body, body: '{patientName} 您好，{foo} 見' },
    });
    expect(unknown.statusCode).toBe(422);
    const err = unknown.json().error;
    expect(err.code).toBe('TEMPLATE_UNKNOWN_VARIABLE');
    expect(err.message).toContain('{foo}');
    expect(err.message).toContain('可用的變數：{patientName}、{doctorName}、{date}、{weekday}、{time}');
    expect(err.details).toContainEqual(expect.objectContaining({ field: 'body', code: 'unknown_variable' }));

    const created = await admin.post('/api/reminders/templates', {
      name: '壞的',
      body: { ...def.body, labels: { ...(def.body.labels as object), confirm: '{ok}' } },
    });
    expect(created.statusCode).toBe(422);
    expect(created.json().error.details[0].field).toBe('labels.confirm');

    const long = await admin.put('/api/reminders/templates/default', {
      name: '看診提醒',
      body: { ...def.body, altText: '提'.repeat(401) },
    });
    expect(long.statusCode).toBe(422);
    expect(long.json().error.code).toBe('VALIDATION_FAILED');
    expect(long.json().error.details[0]).toMatchObject({ field: 'altText', code: 'max_length' });
    expect(long.json().error.details[0].message).toContain('400');

    expect(await templates(c)).toEqual(before);
    expect(await audit(c, 'reminders.template_saved')).toHaveLength(0);

    // The preview reports the same problems without saving.
    const prev = await admin.post('/api/reminders/templates/default/preview', {
      body: { ...def.body, title: '{foo}' },
    });
    expect(prev.statusCode).toBe(200);
    expect(prev.json().problems.map((p: { code: string }) => p.code)).toEqual(['unknown_variable']);
  });

  it('the template date style is what the patient reads; preview shows it too', async () => {
    const c = await createTestClinic(t);
    const admin = as(t.app, c.admin);
    const his = c.his(await c.apiKey());
    expect((await his.put('/his/v1/doctors/D1', { name: '林醫師' })).statusCode).toBe(201);
    expect((await admin.post('/api/his/initial-sync/end', {})).statusCode).toBe(200);
    const def = (await templates(c)).find((x) => x.id === 'default')!;
    expect(
      (await admin.put('/api/reminders/templates/default', { name: def.name, body: { ...def.body, dateStyle: 'roc' } }))
        .statusCode,
    ).toBe(200);
    const prev = (await admin.post('/api/reminders/templates/default/preview', {})).json();
    expect(prev.message.altText).toContain('民國115年3月11日（週三）'); // two days after 2026-03-09
    const numeric = (
      await admin.post('/api/reminders/templates/default/preview', { body: { ...def.body, dateStyle: 'numeric' } })
    ).json();
    expect(numeric.message.altText).toContain('2026/03/11（週三）');

    expect((await his.put('/his/v1/patients/P1', { name: '王小明', phone: '0912-345-678' })).statusCode).toBe(201);
    const user = 'U' + 'a1'.repeat(16);
    await bindForTest(t, c.clinicId, 'P1', user);
    await his.put('/his/v1/appointments/A1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-03-12T10:00:00+08:00',
      status: 'booked',
      version: 1,
    });
    await drain();
    t.clock.set('2026-03-10T02:00:05Z'); // the 48-hour reminder is due
    for (let i = 0; i < 10 && (await dispatcher.runOnce()) > 0; i++);
    const pushed = line.calls
      .filter((x) => x.clinicId === c.clinicId && x.method === 'push')
      .map((x) => (x.args[0] as { messages: { altText: string }[] }).messages[0].altText);
    expect(pushed.filter((a) => a.endsWith('】看診提醒：民國115年3月12日（週四） 10:00 林醫師'))).toHaveLength(1);
  });

  it('preparation notes change one visit type (admins, audited); saving rules without them keeps them', async () => {
    const c = await createTestClinic(t);
    const admin = as(t.app, c.admin);
    const rulesBefore = (await admin.get('/api/reminders/rules')).json();
    const put = await admin.put('/api/reminders/preparations', { visitType: '植牙', text: '  術前 8 小時請勿進食。 ' });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().preparations).toEqual({ '': rulesBefore.preparations[''], 植牙: '術前 8 小時請勿進食。' });
    const after = (await admin.get('/api/reminders/rules')).json();
    expect({ ...after, preparations: undefined }).toEqual({ ...rulesBefore, preparations: undefined });

    // The preview shows a visit type's notes, or the default ones.
    const preview = async (visitType?: string) =>
      JSON.stringify((await admin.post('/api/reminders/templates/default/preview', { visitType })).json().message);
    expect(await preview('植牙')).toContain('術前 8 小時請勿進食。');
    expect(await preview('洗牙')).toContain(rulesBefore.preparations['']);
    expect(await preview()).toContain(rulesBefore.preparations['']);

    // The rules editor saves without the notes: they stay.
    const { preparations: _, ...rulesOnly } = after;
    rulesOnly.rules.forEach((r: { explanation?: string }) => delete r.explanation);
    expect((await admin.put('/api/reminders/rules', { ...rulesOnly, mergeWindowMinutes: 30 })).statusCode).toBe(200);
    expect((await admin.get('/api/reminders/rules')).json().preparations['植牙']).toBe('術前 8 小時請勿進食。');

    const def = await admin.put('/api/reminders/preparations', { visitType: '', text: '請帶健保卡。' });
    expect(def.json().preparations['']).toBe('請帶健保卡。');
    const removed = await admin.put('/api/reminders/preparations', { visitType: '植牙', text: null });
    expect(removed.json().preparations).toEqual({ '': '請帶健保卡。' });
    expect((await admin.put('/api/reminders/preparations', { visitType: '植牙', text: '' })).statusCode).toBe(422);
    expect(
      (await admin.put('/api/reminders/preparations', { visitType: '植牙', text: '準'.repeat(501) })).statusCode,
    ).toBe(422);

    const front = as(t.app, await c.staff('front_desk'));
    expect((await front.put('/api/reminders/preparations', { visitType: '', text: 'x' })).statusCode).toBe(403);
    const rows = await audit(c, 'reminders.preparation_saved');
    expect(rows).toHaveLength(3);
    expect(JSON.parse(rows[0].detail)).toMatchObject({
      visitType: '植牙',
      before: null,
      after: '術前 8 小時請勿進食。',
    });

    // Concurrent edits of two visit types both land (each under the settings row lock).
    await Promise.all(
      ['矯正', '洗牙', '拔牙', '根管'].map((v) =>
        admin.put('/api/reminders/preparations', { visitType: v, text: `${v}注意事項` }),
      ),
    );
    expect(Object.keys((await admin.get('/api/reminders/rules')).json().preparations).sort()).toEqual(
      ['', '拔牙', '根管', '洗牙', '矯正'].sort(),
    );

    // A rules save and a note save at the same moment: both land, whichever goes first.
    const current = (await admin.get('/api/reminders/rules')).json();
    delete current.preparations;
    current.rules.forEach((r: { explanation?: string }) => delete r.explanation);
    const [r1, r2] = await Promise.all([
      admin.put('/api/reminders/rules', { ...current, mergeWindowMinutes: 45 }),
      admin.put('/api/reminders/preparations', { visitType: '假牙', text: '請戴舊假牙來' }),
    ]);
    expect([r1.statusCode, r2.statusCode]).toEqual([200, 200]);
    const both = (await admin.get('/api/reminders/rules')).json();
    expect(both.mergeWindowMinutes).toBe(45);
    expect(both.preparations['假牙']).toBe('請戴舊假牙來');
  });

  it('send-test goes only to a LINE friend of this clinic', async () => {
    const c = await createTestClinic(t);
    const admin = as(t.app, c.admin);
    const friend = 'U' + 'b2'.repeat(16);
    const stranger = 'U' + 'c3'.repeat(16);
    await lineService(t.deps).applyFriendEvent(c.clinicId, friend, 'follow', NOW, { displayName: '測試者' });
    const no = await admin.post('/api/reminders/templates/default/send-test', { lineUserId: stranger });
    expect(no.statusCode).toBe(400);
    expect(no.json().error.details[0].code).toBe('not_a_friend');
    const ok = await admin.post('/api/reminders/templates/default/send-test', { lineUserId: friend });
    expect(ok.statusCode, ok.body).toBe(200);
    const push = line.calls.filter((x) => x.clinicId === c.clinicId && x.method === 'push').at(-1)!;
    const req = push.args[0] as { to: string; messages: { altText: string }[] };
    expect(req.to).toBe(friend);
    expect(req.messages[0].altText).toMatch(/^【測試】【.+】看診提醒：\d{4}年/);
    expect(await audit(c, 'reminders.template_test_sent')).toHaveLength(1);
  });

  it("another clinic's admin sees and changes nothing of this clinic's templates and notes", async () => {
    const c = await createTestClinic(t);
    const other = await createTestClinic(t);
    const admin = as(t.app, c.admin);
    const intruder = as(t.app, other.admin);
    const def = (await templates(c)).find((x) => x.id === 'default')!;
    const mine = (await admin.post('/api/reminders/templates', { name: '我的範本', body: def.body })).json() as Tpl;
    await admin.put('/api/reminders/templates/default', { name: '本診所提醒', body: { ...def.body, title: '本診所' } });
    await admin.put('/api/reminders/preparations', { visitType: '植牙', text: '本診所的準備事項' });
    const before = await templates(c);

    expect((await intruder.get(`/api/reminders/templates/${mine.id}`)).statusCode).toBe(404);
    expect((await intruder.get('/api/reminders/templates')).json().items.map((x: Tpl) => x.id)).not.toContain(mine.id);
    expect((await intruder.get('/api/reminders/templates/default')).json().name).toBe('看診提醒');
    expect((await intruder.delete(`/api/reminders/templates/${mine.id}`)).statusCode).toBe(404);
    expect((await intruder.post(`/api/reminders/templates/${mine.id}/preview`, {})).statusCode).toBe(404);
    expect((await intruder.post(`/api/reminders/templates/${mine.id}/reset`, {})).statusCode).toBe(404);
    // Saving the same id in the other clinic writes that clinic's own copy.
    await intruder.put(`/api/reminders/templates/${mine.id}`, { name: '入侵', body: def.body });
    await intruder.post('/api/reminders/templates/default/reset', {});
    await intruder.put('/api/reminders/preparations', { visitType: '植牙', text: '別家的' });

    expect(await templates(c)).toEqual(before);
    expect((await admin.get('/api/reminders/rules')).json().preparations['植牙']).toBe('本診所的準備事項');
    expect((await intruder.get('/api/reminders/rules')).json().preparations['植牙']).toBe('別家的');
  });
});
