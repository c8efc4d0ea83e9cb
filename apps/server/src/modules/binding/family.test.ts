// A family member the HIS adds after a LINE user bound with the same verified phone: offered once
// in LINE (加入 / 不用), added on consent; staff can link it from the patient page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;
beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());

const patientId = async (clinicId: string, hisId: string) =>
  await b.t.deps.db
    .selectFrom('patients')
    .select(['id', 'line_status'])
    .where('clinic_id', '=', clinicId)
    .where('his_id', '=', hisId)
    .executeTakeFirstOrThrow();

describe('family members added later', () => {
  it('are offered once in LINE and added on 加入; 不用 leaves them out; nothing is sent twice', async () => {
    const c = await s.clinic();
    const p = phone();
    await c.his.put('/his/v1/patients/MOM', { name: '陳媽媽', phone: p, birthDate: '1975-01-01' });
    const { u, api } = await s.bindUser(c, p, '陳媽媽');
    const p2 = phone();
    await c.his.put('/his/v1/patients/X', { name: '林路人', phone: p2 });
    const other = await s.bindUser(c, p2, '路人'); // bound with another phone: never offered
    await c.his.put('/his/v1/patients/NOBODY', { name: '王路人', phone: phone() });
    const before = (await s.sent(c.channelId, u)).length;

    await c.his.put('/his/v1/patients/KID', { name: '陳小明', phone: p, birthDate: '2018-04-01' });
    await c.his.put('/his/v1/patients/KID', { name: '陳小明', phone: p, birthDate: '2018-04-01', chartNo: 'C9' });
    await b.drain();
    const offers = (await s.sent(c.channelId, u)).slice(before);
    expect(offers).toHaveLength(1);
    expect(offers[0].via).toBe('push');
    expect(offers[0].message.template?.text ?? offers[0].message.altText).toContain('新增家人：陳小明，要一起查詢嗎？');
    const actions = offers[0].message.template!.actions;
    expect(actions.map((a) => a.label)).toEqual(['加入', '不用']);
    expect((await s.sent(c.channelId, other.u)).some((m) => (m.message.altText ?? '').includes('新增家人'))).toBe(
      false,
    );
    expect((await patientId(c.clinicId, 'KID')).line_status).toBe('unbound');

    // 加入: bound, light on, the family list shows the child; a second tap changes nothing
    await b.emu_('POST', `/_emulator/users/${u}/postback`, { channelId: c.channelId, data: actions[0].data });
    await b.drain();
    expect((await s.sent(c.channelId, u)).at(-1)?.message.text).toContain('已加入家人：陳小明');
    expect((await api.get('/me')).json().patients.map((x: { name: string }) => x.name)).toEqual(['陳媽媽', '陳小明']);
    expect((await patientId(c.clinicId, 'KID')).line_status).toBe('bound');
    await b.emu_('POST', `/_emulator/users/${u}/postback`, { channelId: c.channelId, data: actions[0].data });
    await b.drain();
    expect((await s.sent(c.channelId, u)).at(-1)?.message.text).toContain('已經回覆過');

    // 不用: not bound, and never offered again
    await c.his.put('/his/v1/patients/DAD', { name: '陳爸爸', phone: p, birthDate: '1970-01-01' });
    await b.drain();
    const dadOffer = (await s.sent(c.channelId, u)).at(-1)!;
    expect(dadOffer.message.altText).toContain('陳爸爸');
    await b.emu_('POST', `/_emulator/users/${u}/postback`, {
      channelId: c.channelId,
      data: dadOffer.message.template!.actions[1].data,
    });
    await b.drain();
    expect((await s.sent(c.channelId, u)).at(-1)?.message.text).toContain('不會加入陳爸爸');
    expect((await patientId(c.clinicId, 'DAD')).line_status).toBe('unbound');
    const count = (await s.sent(c.channelId, u)).length;
    await c.his.put('/his/v1/patients/DAD', { name: '陳爸爸', phone: p, birthDate: '1970-01-02' });
    await b.drain();
    expect(await s.sent(c.channelId, u)).toHaveLength(count);

    // the front desk links it from the patient page: the LINE user who proved this phone is offered
    const dad = await patientId(c.clinicId, 'DAD');
    const desk = await c.staff('front_desk');
    const links = (await as(b.t.app, desk).get(`/api/patients/${dad.id}/line`)).json();
    expect(links.bound).toEqual([]);
    expect(links.candidates).toEqual([
      expect.objectContaining({ lineUserId: u, displayName: '陳媽媽', family: ['陳媽媽', '陳小明'] }),
    ]);
    const linked = await as(b.t.app, desk).post(`/api/patients/${dad.id}/line/link`, { lineUserId: u });
    expect(linked.statusCode).toBe(200);
    expect(linked.json().bound.map((x: { lineUserId: string }) => x.lineUserId)).toEqual([u]);
    expect((await patientId(c.clinicId, 'DAD')).line_status).toBe('bound');
    // a LINE user who did not prove this phone cannot be linked
    const nobody = await patientId(c.clinicId, 'NOBODY');
    const refused = await as(b.t.app, desk).post(`/api/patients/${nobody.id}/line/link`, { lineUserId: u });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'NOT_SAME_PHONE']);
    const viewer = await c.staff('viewer');
    expect((await as(b.t.app, viewer).post(`/api/patients/${dad.id}/line/link`, { lineUserId: u })).statusCode).toBe(
      403,
    );
  });
});
