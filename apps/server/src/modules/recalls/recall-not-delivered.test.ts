// A recall's LINE message that LINE refuses (the job dies) does not leave the recall marked
// sent: it goes back on the list to be called, with the reason. A delivered one stays sent;
// another clinic's recalls are not touched.
import { HTTPFetchError } from '@line/bot-sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobDefinitions } from '../../jobs.ts';
import type { LineGateway } from '../../platform/line.ts';
import { startWorker } from '../../platform/jobs.ts';
import { fakeLine } from '../../testing/fakes.ts';
import {
  as,
  bindFriendForTest,
  createTestApp,
  createTestClinic,
  type TestApp,
  type TestClinic,
} from '../../testing/helpers.ts';

const REFUSED = `U${'9'.repeat(32)}`;
const base = fakeLine();
const line: LineGateway = {
  async forClinic(clinicId) {
    const inner = (await base.forClinic(clinicId))!;
    return {
      ...inner,
      async push(request, retryKey) {
        if (request.to === REFUSED)
          throw new HTTPFetchError('400 - Bad Request', {
            status: 400,
            statusText: 'Bad Request',
            headers: new Headers(),
            body: JSON.stringify({ message: 'Failed to send messages' }),
          });
        return inner.push(request, retryKey);
      },
    };
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-10T02:00:00.000Z', line });
});
afterAll(async () => t.close());

async function clinicWithRecalls(users: string[]): Promise<TestClinic> {
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  await his.put('/his/v1/doctors/D1', { name: '林醫師' });
  for (const [i, u] of users.entries()) {
    await his.put(`/his/v1/patients/P${i}`, { name: `病患${i}`, phone: `0912-000-00${i}` });
    await his.put(`/his/v1/appointments/A${i}`, {
      patientId: `P${i}`,
      doctorId: 'D1',
      startsAt: '2025-10-01T09:00:00+08:00',
      status: 'completed',
      visitType: '洗牙',
      version: 1,
    });
    await bindFriendForTest(t, c.clinicId, `P${i}`, u);
  }
  const api = as(t.app, c.admin);
  const rule = await api.post('/api/recall-rules', {
    name: '半年洗牙',
    kind: 'after_visit',
    visitType: '洗牙',
    intervalDays: 182,
    message: '{name} 您好，該洗牙了',
    button: 'call',
  });
  expect(rule.statusCode).toBe(201);
  expect((await api.post('/api/recalls/scan')).json()).toMatchObject({ created: users.length, sent: users.length });
  return c;
}

type Item = { patientName: string; status: string; channel: string | null; note: string };
const recalls = async (c: TestClinic) => (await as(t.app, c.admin).get('/api/recalls')).json().items as Item[];

it('puts a recall whose LINE message was refused back on the list with the reason', async () => {
  const a = await clinicWithRecalls([`U${'1'.repeat(32)}`, REFUSED]);
  const other = await clinicWithRecalls([REFUSED]); // the same LINE user id in another clinic
  const worker = startWorker(t.deps, jobDefinitions(), { workerId: 'recall-test', autoStart: false });
  try {
    // only clinic A's jobs run: the other clinic's recall is still waiting for its push
    await t.deps.db
      .updateTable('jobs')
      .set({ run_at: '2099-01-01T00:00:00.000Z' })
      .where('clinic_id', '=', other.clinicId)
      .execute();
    while ((await worker.runOnce()) > 0);
  } finally {
    await worker.stop();
  }
  const items = await recalls(a);
  expect(items.find((r) => r.patientName === '病患0')).toMatchObject({ status: 'sent', channel: 'line', note: '' });
  const refused = items.find((r) => r.patientName === '病患1')!;
  expect(refused).toMatchObject({ status: 'due', channel: null });
  expect(refused.note).toBe(
    'LINE 訊息未送達（LINE 無法把訊息送給這位使用者（不是官方帳號的好友、已封鎖，或沒有這個 LINE 帳號））；請以電話聯絡',
  );
  const dead = await t.deps.db
    .selectFrom('jobs')
    .select('status')
    .where('clinic_id', '=', a.clinicId)
    .where('type', '=', 'line.push')
    .execute();
  expect(dead.map((j) => j.status).sort()).toEqual(['dead', 'done']);
  expect(await recalls(other)).toEqual([expect.objectContaining({ status: 'sent', channel: 'line' })]);
});
