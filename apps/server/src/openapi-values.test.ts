// What a client sends is what is stored, for every write operation of the checked-in OpenAPI
// document: each nullable property sent as `null` reads back `null`, and each property sent
// as 0, "" or false (where its schema allows that value) either reads back as itself or is
// refused with a 4xx — never stored as something else. The operations and their properties
// come from openapi.json; a new write operation with a nullable property fails this test
// until it has a fixture below (how to call it and where to read the stored value back).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handToPerson } from './modules/line/inbox.ts';
import { lineService } from './modules/line/service.ts';
import { systemActor } from './platform/audit.ts';
import { as, createTestApp, createTestClinic, type Session, type TestApp, type TestClinic } from './testing/helpers.ts';

type Schema = Record<string, any>;
type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema> } };

const doc = JSON.parse(readFileSync(join(import.meta.dirname, '../openapi.json'), 'utf8')) as Doc;
const ajv = new Ajv({ strict: false, allErrors: false });
(formats as unknown as (a: Ajv) => Ajv)(ajv); // a CommonJS function under an ESM default import

const resolve = (s: Schema): Schema => (s?.$ref ? doc.components.schemas[s.$ref.split('/').pop()!] : s);
const isNullable = (s: Schema) =>
  (resolve(s).anyOf ?? []).some((x: Schema) => resolve(x).type === 'null') ||
  (Array.isArray(resolve(s).type) && resolve(s).type.includes('null'));

/** A property of a request body: its path (e.g. `items.0.note`) and its schema. */
type Prop = { path: string[]; schema: Schema };

/** Every property reachable through objects and (first items of) arrays of a body schema. */
function propsOf(schema: Schema, path: string[] = []): Prop[] {
  const s = resolve(schema);
  const out: Prop[] = [];
  for (const alt of s.anyOf ?? []) out.push(...propsOf(alt, path));
  if (s.type === 'array' && s.items) out.push(...propsOf(s.items, [...path, '0']));
  if (s.type === 'object') {
    for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) {
      if (resolve(v).readOnly) continue; // computed by the server; what is sent is ignored
      if (resolve(v).writeOnly) continue; // an instruction to the server (a reference it acts on), not stored
      out.push({ path: [...path, k], schema: v }, ...propsOf(v, [...path, k]));
    }
  }
  return out;
}

const getAt = (o: any, path: string[]) => path.reduce((x, k) => (x == null ? undefined : x[k]), o);
function setAt(o: any, path: string[], value: unknown): any {
  const copy = structuredClone(o);
  let x = copy;
  for (const k of path.slice(0, -1)) {
    if (x[k] == null) return null; // the property lives under something the base body leaves out
    x = x[k];
  }
  x[path[path.length - 1]] = value;
  return copy;
}

type Ctx = {
  t: TestApp;
  c: TestClinic;
  his: ReturnType<TestClinic['his']>;
  admin: ReturnType<typeof as>;
  doctor?: Session;
};
type Fixture = {
  /** A valid request: the path with its parameters filled in and a body. */
  request(ctx: Ctx): Promise<{ url: string; body: Record<string, unknown> }>;
  /** The stored record, shaped so that a body property's path finds its stored value. */
  read?(ctx: Ctx, res: LightMyRequestResponse, body: Record<string, unknown>): Promise<unknown>;
  /** Where a body property is found in what read() returns, when the name differs. */
  readPath?(path: string[]): string[] | null;
};

const json = (r: LightMyRequestResponse) => r.json();
const ok = (r: LightMyRequestResponse) => {
  if (r.statusCode >= 300) throw new Error(`${r.statusCode} ${r.body}`);
  return r;
};

async function hisPatient(ctx: Ctx, id: string) {
  ok(await ctx.his.put(`/his/v1/patients/${id}`, { name: '值測試', phone: '0912345678' }));
}
async function hisDoctor(ctx: Ctx, id: string) {
  ok(await ctx.his.put(`/his/v1/doctors/${id}`, { name: '林醫師' }));
}
async function patientByName(ctx: Ctx, name: string) {
  const list = json(ok(await ctx.admin.get(`/api/patients?q=${encodeURIComponent(name)}`)));
  const hit = list.items.find((p: { name: string }) => p.name === name);
  return json(ok(await ctx.admin.get(`/api/patients/${hit.id}`)));
}
/** The back office shows a patient's phone and national ID masked; null and "" stay as sent. */
const patientReadPath = (path: string[]) =>
  path[0] === 'phone' ? ['phoneMasked'] : path[0] === 'nationalId' ? ['nationalIdMasked'] : path;

const appointmentBody = (over: Record<string, unknown> = {}) => ({
  patientId: 'PV1',
  doctorId: 'DV1',
  startsAt: '2026-06-10T10:00:00+08:00',
  durationMinutes: 20,
  visitType: '洗牙',
  status: 'booked',
  note: '備註',
  ...over,
});

/** The LINE user a case is opened for must be a friend of the clinic. */
const caseLineUser = (ctx: Ctx) =>
  lineService(ctx.t.deps).applyFriendEvent(ctx.c.clinicId, CASE_LINE_USER, 'follow', ctx.t.clock.now().toISOString());
const CASE_LINE_USER = 'U0123456789abcdef0123456789abcdef';
const caseBody = () => ({
  kind: 'complaint',
  category: 'fees',
  severity: 'normal',
  source: 'phone',
  text: '自費項目沒有事先說明',
  contactName: '林太太',
  contactMethod: 'phone',
  contactPhone: '02-2700-5678',
  contactTime: '平日下午',
  patientId: null,
  lineUserId: CASE_LINE_USER,
  messageId: version++,
});
let version = 1;
/** A LINE user's conversation in the inbox of the context's clinic (with a LINE channel to reply through). */
async function inboxConversation(ctx: Ctx): Promise<string> {
  const lineUserId = `U${randomBytes(16).toString('hex')}`;
  if (!(await lineService(ctx.t.deps).getChannel(ctx.c.clinicId)))
    await lineService(ctx.t.deps).saveChannel(
      ctx.c.clinicId,
      {
        channelId: String(1_000_000_000 + version++),
        channelSecret: 'secret-0123456789',
        accessToken: 'token-0123456789',
      },
      systemActor,
      '127.0.0.1',
    );
  await handToPerson(ctx.t.deps, ctx.c.clinicId, lineUserId, { reason: 'handoff' });
  return lineUserId;
}

/** A health-education article's body with a cover and a link (both nullable). */
async function articleBody(ctx: Ctx) {
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452000000140000000d', 'hex'), Buffer.alloc(32)]);
  const up = await ctx.t.app.inject({
    method: 'POST',
    url: '/api/care/articles/covers',
    headers: { cookie: ctx.c.admin.cookie, 'x-csrf-token': ctx.c.admin.csrf, 'content-type': 'image/png' },
    payload: png,
  });
  return {
    title: '衛教',
    category: '術後照護',
    tags: ['拔牙'],
    body: '內文',
    linkUrl: 'https://example.org/',
    coverId: ok(up).json().id as string,
    status: 'draft',
  };
}
async function storedArticle(ctx: Ctx, id: string) {
  const a = json(ok(await ctx.admin.get(`/api/care/articles/${id}`)));
  return { ...a, coverId: a.cover?.id ?? null };
}

const broadcastBody = (imageId?: string) => ({
  title: '六月通知',
  audience: { kind: 'all_friends', id: null },
  messages: imageId ? [{ type: 'image', imageId, previewId: null }] : [{ type: 'text', text: '六月份洗牙優惠' }],
  smsFallback: false,
  smsText: '',
});
/** An uploaded PNG for a broadcast's image message. */
async function broadcastImage(ctx: Ctx): Promise<string> {
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(32)]);
  const up = await ctx.t.app.inject({
    method: 'POST',
    url: '/api/broadcasts/uploads',
    headers: { cookie: ctx.c.admin.cookie, 'x-csrf-token': ctx.c.admin.csrf, 'content-type': 'image/png' },
    payload: png,
  });
  return ok(up).json().id;
}
/** A broadcast reads back its audience's id as audienceId. */
const broadcastReadPath = (path: string[]) => (path.join('.') === 'audience.id' ? ['audienceId'] : path);

const FIXTURES: Record<string, Fixture> = {
  'POST /api/care/articles': {
    request: async (ctx) => ({ url: '/api/care/articles', body: await articleBody(ctx) }),
    read: async (ctx, res) => storedArticle(ctx, res.json().id),
  },
  'PUT /api/care/articles/{id}': {
    request: async (ctx) => {
      const a = json(ok(await ctx.admin.post('/api/care/articles', await articleBody(ctx))));
      return { url: `/api/care/articles/${a.id}`, body: await articleBody(ctx) };
    },
    read: async (ctx, res) => storedArticle(ctx, res.json().id),
  },
  'POST /api/care/articles/preview': {
    // Nothing is stored: the operation only has to accept the values.
    request: async (ctx) => ({
      url: '/api/care/articles/preview',
      body: { title: '標題', body: '內文', linkUrl: 'https://example.org/', coverId: (await articleBody(ctx)).coverId },
    }),
  },
  'POST /api/broadcasts': {
    request: async (ctx) => {
      await caseLineUser(ctx);
      return { url: '/api/broadcasts', body: broadcastBody(await broadcastImage(ctx)) };
    },
    read: async (ctx, res) => json(ok(await ctx.admin.get(`/api/broadcasts/${res.json().id}`))),
    readPath: broadcastReadPath,
  },
  'PUT /api/broadcasts/{id}': {
    request: async (ctx) => {
      await caseLineUser(ctx);
      const b = json(ok(await ctx.admin.post('/api/broadcasts', broadcastBody())));
      return { url: `/api/broadcasts/${b.id}`, body: broadcastBody(await broadcastImage(ctx)) };
    },
    read: async (ctx, res) => json(ok(await ctx.admin.get(`/api/broadcasts/${res.json().id}`))),
    readPath: broadcastReadPath,
  },
  'POST /api/broadcasts/estimate': {
    // Nothing is stored: the estimate only has to accept null for the audience's id.
    request: async (ctx) => {
      await caseLineUser(ctx);
      return { url: '/api/broadcasts/estimate', body: { audience: { kind: 'all_friends', id: null } } };
    },
  },
  'POST /api/broadcasts/{id}/send': {
    // sendAt null means now; nothing of it is read back.
    request: async (ctx) => {
      await caseLineUser(ctx);
      const b = json(ok(await ctx.admin.post('/api/broadcasts', broadcastBody())));
      return { url: `/api/broadcasts/${b.id}/send`, body: { sendAt: null } };
    },
  },
  'POST /api/follow-ups/{id}/assign': {
    request: async (ctx) => {
      await hisPatient(ctx, 'PF1');
      const p = await patientByName(ctx, '值測試');
      const clientKey = `fu-${randomBytes(6).toString('hex')}`;
      const f = json(
        ok(await ctx.admin.post('/api/follow-ups', { patientId: p.id, priority: 'normal', title: '回電', clientKey })),
      );
      return { url: `/api/follow-ups/${f.id}/assign`, body: { ownerId: ctx.c.admin.userId } };
    },
    read: async (ctx, res) => json(ok(await ctx.admin.get(`/api/follow-ups/${res.json().id}`))),
  },
  'POST /api/cases': {
    request: async (ctx) => {
      await caseLineUser(ctx);
      return { url: '/api/cases', body: caseBody() };
    },
    read: async (ctx, res) => json(ok(await ctx.admin.get(`/api/cases/${res.json().id}`))),
  },
  'PATCH /api/cases/{id}': {
    request: async (ctx) => {
      await caseLineUser(ctx);
      const k = json(ok(await ctx.admin.post('/api/cases', caseBody())));
      return { url: `/api/cases/${k.id}`, body: { severity: 'urgent', ownerId: ctx.c.admin.userId } };
    },
    read: async (ctx, res) => json(ok(await ctx.admin.get(`/api/cases/${res.json().id}`))),
  },
  'POST /api/inbox/conversations/{lineUserId}/assign': {
    request: async (ctx) => ({
      url: `/api/inbox/conversations/${await inboxConversation(ctx)}/assign`,
      body: { assigneeId: ctx.c.admin.userId },
    }),
    read: async (_ctx, res) => ({ assigneeId: res.json().assignee?.id ?? null }),
  },
  'POST /api/inbox/conversations/{lineUserId}/messages': {
    // Nothing is read back: the operation only has to accept null for each optional part.
    request: async (ctx) => {
      const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(32)]);
      const up = await ctx.t.app.inject({
        method: 'POST',
        url: '/api/inbox/uploads',
        headers: { cookie: ctx.c.admin.cookie, 'x-csrf-token': ctx.c.admin.csrf, 'content-type': 'image/png' },
        payload: png,
      });
      return {
        url: `/api/inbox/conversations/${await inboxConversation(ctx)}/messages`,
        body: { clientKey: randomBytes(8).toString('hex'), text: '您好', imageId: ok(up).json().id, previewId: null },
      };
    },
  },
  'PUT /api/sms/settings': {
    request: async () => ({
      url: '/api/sms/settings',
      body: { provider: 'emulator', baseUrl: 'http://127.0.0.1:9/sms', reminderFallback: true },
    }),
    read: async (ctx) => json(ok(await ctx.admin.get('/api/sms/settings'))),
  },
  'PUT /his/v1/doctors/{doctorId}': {
    request: async () => ({ url: '/his/v1/doctors/DV9', body: { name: '林醫師', department: '牙科', title: '主治' } }),
    read: async (ctx) =>
      json(ok(await ctx.admin.get('/api/doctors'))).items.find((d: { id: string }) => d.id === 'DV9'),
  },
  'PUT /his/v1/patients/{patientId}': {
    request: async () => {
      const n = version++;
      return {
        url: `/his/v1/patients/PV${n}`,
        body: { name: `值測試${n}`, phone: '0912345678', birthDate: '1980-01-02', chartNo: `C${n}`, gender: 'female' },
      };
    },
    read: (ctx, _res, body) => patientByName(ctx, String(body.name)),
    readPath: patientReadPath,
  },
  'PUT /his/v1/appointments/{appointmentId}': {
    request: async (ctx) => {
      await hisPatient(ctx, 'PV1');
      await hisDoctor(ctx, 'DV1');
      const n = version++;
      return { url: `/his/v1/appointments/AV${n}`, body: appointmentBody({ version: n }) };
    },
    read: async (ctx, res) => json(ok(await ctx.his.get(`/his/v1/appointments/${res.json().appointmentId}`))),
  },
  'POST /his/v1/appointments/batch': {
    request: async (ctx) => {
      await hisPatient(ctx, 'PV1');
      await hisDoctor(ctx, 'DV1');
      const n = version++;
      return {
        url: '/his/v1/appointments/batch',
        body: { items: [appointmentBody({ appointmentId: `AB${n}`, version: n })] },
      };
    },
    read: async (ctx, _res, body) => {
      const [item] = body.items as { appointmentId: string }[];
      return { items: [json(ok(await ctx.his.get(`/his/v1/appointments/${item.appointmentId}`)))] };
    },
  },
  'POST /his/v1/queue-events': {
    request: async (ctx) => {
      await hisDoctor(ctx, 'DV1');
      const n = version++;
      return {
        url: '/his/v1/queue-events',
        body: {
          eventId: `QV${n}`,
          type: 'call',
          // each probe newer than the last, so that it applies (an older call is only recorded)
          occurredAt: new Date(ctx.t.clock.now().getTime() - 600_000 + n * 1000).toISOString(),
          doctorId: 'DV1',
          session: 'morning',
          room: '2 診',
          calledNumber: 3,
        },
      };
    },
    read: async (_ctx, res) => res.json(),
    readPath: (p) => (p[0] === 'room' ? ['queue', 'room'] : p),
  },
  'PUT /api/booking/rules/{doctorId}': {
    request: async (ctx) => {
      await hisDoctor(ctx, 'DB1');
      const rules = json(ok(await ctx.admin.get('/api/booking/rules')));
      const doctorId = rules.doctors[0].doctorId;
      return {
        url: `/api/booking/rules/${doctorId}`,
        body: { enabled: true, visitTypes: ['初診'], slotMinutes: 15, daysAhead: 14, cutoffMinutes: 60, perSlot: 1 },
      };
    },
    read: async (ctx) => json(ok(await ctx.admin.get('/api/booking/rules'))).doctors[0].rule,
  },
  'PUT /his/v1/availability/{doctorId}': {
    request: async (ctx) => {
      await hisDoctor(ctx, 'DA1');
      return {
        url: '/his/v1/availability/DA1',
        body: {
          slots: [
            {
              startsAt: '2099-06-10T09:00:00+08:00',
              endsAt: '2099-06-10T09:15:00+08:00',
              capacity: 1,
              visitTypes: ['初診'],
            },
          ],
        },
      };
    },
  },
  'PUT /api/satisfaction/settings': {
    request: async () => ({
      url: '/api/satisfaction/settings',
      body: {
        enabled: true,
        delayMinutes: 120,
        validityDays: 7,
        minDaysBetween: 30,
        doctorIds: ['d1'],
        visitTypes: ['洗牙'],
        placeId: 'ChIJgUbEo8cfqokR5lP9_Wh_DaM',
        messageText: '{name} 您好，請為這次看診評分',
      },
    }),
    read: async (ctx) => json(ok(await ctx.admin.get('/api/satisfaction/settings'))),
  },
  'POST /api/waitlist/entries': {
    request: async (ctx) => {
      const n = version++;
      ok(await ctx.his.put(`/his/v1/patients/PW${n}`, { name: `候補測試${n}`, phone: '0912345678' }));
      await hisDoctor(ctx, 'DV1');
      const patient = await patientByName(ctx, `候補測試${n}`);
      return {
        url: '/api/waitlist/entries',
        body: {
          patientId: patient.id,
          doctorId: 'DV1',
          visitType: '洗牙',
          dateFrom: '2026-06-02',
          dateTo: '2026-06-20',
          timeOfDay: 'morning',
          note: '想提早',
        },
      };
    },
    read: async (ctx, res) =>
      json(ok(await ctx.admin.get('/api/waitlist/entries?status=all&limit=200'))).items.find(
        (e: { id: string }) => e.id === res.json().id,
      ),
  },
  'PUT /api/reports/settings': {
    request: async () => ({
      url: '/api/reports/settings',
      body: {
        baselinePeriod: { from: '2025-01-01', to: '2025-03-31' },
        averageVisitValueTwd: 600,
        minutesPerCall: 3,
        staffHourlyCostTwd: 200,
      },
    }),
    read: async (ctx) => json(ok(await ctx.admin.get('/api/reports/settings'))),
  },
  'PUT /api/reminders/rules': {
    request: async (ctx) => {
      const current = json(ok(await ctx.admin.get('/api/reminders/rules')));
      return { url: '/api/reminders/rules', body: { ...current, monthlyCap: 500 } };
    },
    read: async (ctx) => json(ok(await ctx.admin.get('/api/reminders/rules'))),
  },
  'PUT /api/reminders/templates/{id}': {
    request: async (ctx) => {
      const list = json(ok(await ctx.admin.get('/api/reminders/templates')));
      const first = list.items[0];
      return {
        url: `/api/reminders/templates/${first.id}`,
        body: { name: first.name, body: { ...first.body, logoUrl: 'https://example.com/logo.png' } },
      };
    },
    read: async (ctx, _res, body) => {
      const list = json(ok(await ctx.admin.get('/api/reminders/templates')));
      return list.items.find((x: { name: string }) => x.name === body.name);
    },
  },
  'POST /api/reminders/templates': {
    request: async (ctx) => {
      const first = json(ok(await ctx.admin.get('/api/reminders/templates'))).items[0];
      return { url: '/api/reminders/templates', body: { name: '新範本', body: { ...first.body } } };
    },
    read: async (_ctx, res) => res.json(),
  },
  'PUT /api/reminders/preparations': {
    request: async () => ({ url: '/api/reminders/preparations', body: { visitType: '植牙', text: '術前請空腹' } }),
    read: async (ctx, _res, body) => {
      const { preparations } = json(ok(await ctx.admin.get('/api/reminders/rules')));
      return { visitType: body.visitType, text: preparations[body.visitType as string] ?? null };
    },
  },
  'POST /api/reminders/templates/{id}/preview': {
    // Nothing is stored: the operation only has to accept the values.
    request: async (ctx) => {
      const first = json(ok(await ctx.admin.get('/api/reminders/templates'))).items[0];
      return { url: `/api/reminders/templates/${first.id}/preview`, body: { body: { ...first.body } } };
    },
  },
  'POST /api/reminders/simulate': {
    // Nothing is stored: the operation only has to accept the values.
    request: async (ctx) => {
      const date = new Date(ctx.t.clock.now().getTime() + 7 * 86_400_000).toISOString().slice(0, 10);
      return { url: '/api/reminders/simulate', body: { date, time: '10:00', doctorId: 'D1', visitType: '植牙' } };
    },
  },
  'PUT /api/reminders/prices': {
    request: async () => ({ url: '/api/reminders/prices', body: { smsPoint: 0.8, pnpMessage: 0.35 } }),
    read: async (ctx) => json(ok(await ctx.admin.get('/api/reminders/prices'))),
  },
  'PUT /api/doctor-links/{staffId}': {
    request: async (ctx) => {
      await hisDoctor(ctx, 'DV1');
      ctx.doctor ??= await ctx.c.staff('doctor');
      return { url: `/api/doctor-links/${ctx.doctor.userId}`, body: { doctorId: 'DV1' } };
    },
    read: async (ctx) => {
      const links = json(ok(await ctx.admin.get('/api/doctor-links')));
      return links.items.find((x: { staffId: string }) => x.staffId === ctx.doctor?.userId);
    },
  },
  'POST /api/calendar-feeds/rotate': {
    request: async (ctx) => {
      await hisDoctor(ctx, 'DV1');
      return { url: '/api/calendar-feeds/rotate', body: { doctorId: 'DV1' } };
    },
    read: async (_ctx, res) => ({ doctorId: res.json().doctorId ?? null }),
  },
  'POST /api/patients': {
    request: async () => ({
      url: '/api/patients',
      body: { name: '新病患', phone: '0912000111', birthDate: '1990-03-04', chartNo: `N${version++}`, gender: 'male' },
    }),
    read: async (ctx, res) => json(ok(await ctx.admin.get(`/api/patients/${res.json().id}`))),
    readPath: patientReadPath,
  },
  'PATCH /api/patients/{id}': {
    request: async (ctx) => {
      const created = json(ok(await ctx.admin.post('/api/patients', { name: '改資料' })));
      return {
        url: `/api/patients/${created.id}`,
        body: { phone: '0912000222', chartNo: `N${version++}`, gender: 'female' },
      };
    },
    read: async (ctx, res) => json(ok(await ctx.admin.get(`/api/patients/${res.json().id}`))),
    readPath: patientReadPath,
  },
  'POST /api/tags': {
    request: async () => ({
      url: '/api/tags',
      body: { name: `標籤${version++}`, color: 'blue', rule: { ageMin: 40 } },
    }),
    read: async (ctx, res) =>
      json(ok(await ctx.admin.get('/api/tags'))).items.find((x: { id: string }) => x.id === res.json().id),
  },
  'POST /api/recall-rules': {
    request: async () => ({ url: '/api/recall-rules', body: recallRule() }),
    read: async (ctx, res) =>
      json(ok(await ctx.admin.get('/api/recall-rules'))).items.find((x: { id: string }) => x.id === res.json().id),
  },
  'PUT /api/recall-rules/{id}': {
    request: async (ctx) => {
      const created = json(ok(await ctx.admin.post('/api/recall-rules', recallRule())));
      return { url: `/api/recall-rules/${created.id}`, body: recallRule() };
    },
    read: async (ctx, res) =>
      json(ok(await ctx.admin.get('/api/recall-rules'))).items.find((x: { id: string }) => x.id === res.json().id),
  },
  'POST /api/care/plans': {
    request: async () => ({ url: '/api/care/plans', body: carePlan() }),
    read: async (ctx, res) => json(ok(await ctx.admin.get(`/api/care/plans/${res.json().id}`))),
  },
  'PUT /api/care/plans/{id}': {
    request: async (ctx) => {
      const created = json(ok(await ctx.admin.post('/api/care/plans', carePlan())));
      return { url: `/api/care/plans/${created.id}`, body: carePlan() };
    },
    read: async (ctx, res) => json(ok(await ctx.admin.get(`/api/care/plans/${res.json().id}`))),
  },
  'POST /api/questionnaires': {
    request: async () => ({ url: '/api/questionnaires', body: questionnaire() }),
    read: async (ctx, res) => json(ok(await ctx.admin.get(`/api/questionnaires/${res.json().id}`))),
  },
  'PUT /api/questionnaires/{id}': {
    request: async (ctx) => {
      const created = json(ok(await ctx.admin.post('/api/questionnaires', questionnaire())));
      return { url: `/api/questionnaires/${created.id}`, body: questionnaire() };
    },
    read: async (ctx, res) => json(ok(await ctx.admin.get(`/api/questionnaires/${res.json().id}`))),
  },
};

function carePlan() {
  return {
    name: `術後關心${version++}`,
    enabled: true,
    trigger: { kind: 'visit', visitTypes: ['拔牙'], treatmentCodes: [] },
    steps: [
      {
        when: { kind: 'day', day: 1, at: '10:00' },
        text: '{name} 您好',
        imageId: null,
        articleId: null,
        checkIn: { question: '還好嗎？', options: [{ label: '還好', route: 'fine' }] },
      },
    ],
  };
}

function questionnaire() {
  return {
    title: '看診滿意度',
    intro: '請花 1 分鐘填寫',
    questions: [
      { id: 'overall', type: 'scale', title: '整體滿意度', required: true },
      { id: 'note', type: 'text', title: '建議', required: false },
    ],
    closesAt: '2026-12-31T15:59:00.000Z',
    afterVisit: true,
    afterVisitDelayMinutes: 120,
    afterVisitTypes: ['洗牙'],
    template: 'satisfaction',
  };
}

function recallRule() {
  return {
    name: `半年洗牙${version++}`,
    kind: 'after_visit',
    visitType: '洗牙',
    intervalDays: 180,
    message: '{name} 您好，該洗牙了',
    button: 'call',
    enabled: true,
  };
}

type Operation = { key: string; method: string; body: Schema; nullable: Prop[]; scalars: Prop[] };

const operations: Operation[] = [];
for (const [path, item] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries<any>(item)) {
    if (!['post', 'put', 'patch'].includes(method)) continue;
    const body = op.requestBody?.content?.['application/json']?.schema;
    if (!body) continue;
    const props = propsOf(body);
    const nullable = props.filter((p) => isNullable(p.schema));
    const scalars = props.filter((p) => {
      const s = resolve(p.schema);
      const types = [s.type, ...(s.anyOf ?? []).map((x: Schema) => resolve(x).type)];
      return types.some((x) => ['string', 'integer', 'number', 'boolean'].includes(x));
    });
    operations.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), body, nullable, scalars });
  }
}
const withNullable = operations.filter((o) => o.nullable.length > 0);

/** 0, "" and false, where the property's own schema accepts them. */
function zeroValues(p: Prop): unknown[] {
  const validate = ajv.compile(resolve(p.schema));
  return [0, '', false].filter((v) => validate(v));
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-01T02:00:00.000Z' });
});
afterAll(async () => t.close());

async function context(): Promise<Ctx> {
  const c = await createTestClinic(t);
  return { t, c, his: c.his(await c.apiKey()), admin: as(t.app, c.admin) };
}

async function send(ctx: Ctx, method: string, url: string, body: unknown) {
  if (url.startsWith('/his/')) return method === 'PUT' ? ctx.his.put(url, body) : ctx.his.post(url, body);
  return method === 'PUT'
    ? ctx.admin.put(url, body)
    : method === 'PATCH'
      ? ctx.admin.patch(url, body)
      : ctx.admin.post(url, body);
}

describe('openapi.json write operations keep what is sent', () => {
  it('finds the write operations with nullable properties, each with a fixture', () => {
    expect(withNullable.length).toBeGreaterThanOrEqual(10);
    const missing = withNullable.map((o) => o.key).filter((k) => !FIXTURES[k]);
    expect(missing, 'add a fixture for these operations').toEqual([]);
  });

  for (const op of withNullable) {
    it(`${op.key}: null reads back null; 0, "" and false read back as themselves or are refused`, async () => {
      const fx = FIXTURES[op.key];
      const ctx = await context();
      const failures: string[] = [];
      const probes: { prop: Prop; value: unknown; mustAccept: boolean }[] = [
        ...op.nullable.map((prop) => ({ prop, value: null, mustAccept: true })),
        ...op.scalars.flatMap((prop) => zeroValues(prop).map((value) => ({ prop, value, mustAccept: false }))),
      ];
      for (const { prop, value, mustAccept } of probes) {
        const { url, body: base } = await fx.request(ctx);
        const body = setAt(base, prop.path, value);
        if (body === null) continue;
        const label = `${prop.path.join('.')} = ${JSON.stringify(value)}`;
        if (process.env.DEBUG_VALUES) console.log(op.key, label, Date.now());
        const res = await send(ctx, op.method, url, body);
        if (res.statusCode >= 500) {
          failures.push(`${label}: ${res.statusCode} ${res.body}`);
          continue;
        }
        if (res.statusCode >= 400) {
          if (mustAccept) failures.push(`${label}: refused ${res.statusCode} ${res.body}`);
          else if (!res.json().error?.code) failures.push(`${label}: ${res.statusCode} without an error code`);
          continue;
        }
        if (!fx.read) continue;
        const stored = await fx.read(ctx, res, body);
        const where = fx.readPath?.(prop.path) ?? prop.path;
        const got = getAt(stored, where);
        if (got !== value) {
          failures.push(`${label}: stored ${JSON.stringify(got)} (read at ${where.join('.')})`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
