// deps.line and deps.sms: tests can inject fakes; the default wiring builds a clinic's LINE
// client once per access token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobDefinitions } from '../jobs.ts';
import { queuePush } from '../modules/line/push.ts';
import { lineService } from '../modules/line/service.ts';
import { queueSms } from '../modules/sms/service.ts';
import { fakeLine, fakeSms } from '../testing/fakes.ts';
import { createTestApp, createTestClinic, type TestApp } from '../testing/helpers.ts';
import { systemActor } from './audit.ts';
import { startWorker } from './jobs.ts';

describe('with fakes', () => {
  const line = fakeLine();
  const sms = fakeSms('every8d');
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ line, sms });
  });
  afterAll(async () => t.close());

  it('a LINE push job and an SMS job go to the injected clients', async () => {
    const c = await createTestClinic(t);
    await queuePush(t.deps.db, t.deps, c.clinicId, {
      to: 'U-fake',
      messages: [{ type: 'text', text: '明天見' }],
      source: 'test',
    });
    const q = await queueSms(t.deps.db, t.deps, {
      clinicId: c.clinicId,
      to: '+886912345678',
      text: '驗證碼 123456',
      purpose: 'otp',
    });
    const w = startWorker(t.deps, jobDefinitions(), { workerId: 'w', autoStart: false });
    expect(await w.runOnce()).toBe(2);
    await w.stop();
    const push = line.calls.find((x) => x.clinicId === c.clinicId && x.method === 'push');
    expect(push?.args[0]).toEqual({ to: 'U-fake', messages: [{ type: 'text', text: '明天見' }] });
    expect(push?.args[1]).toMatch(/^[0-9a-f-]{36}$/); // the retry key written with the job
    expect((await lineService(t.deps).messagesOf(c.clinicId, 'U-fake')).map((m) => m.text)).toEqual(['明天見']);
    expect(sms.sent).toEqual([
      expect.objectContaining({ clinicId: c.clinicId, to: '+886912345678', text: '驗證碼 123456' }),
    ]);
    const row = await t.deps.db
      .selectFrom('sms_messages')
      .select(['status', 'provider', 'provider_message_id'])
      .where('id', '=', q.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'sent', provider: 'every8d', provider_message_id: 'fake-1' });
  });
});

describe('default wiring', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it("a clinic's LINE client is reused until a new access token is saved", async () => {
    const c = await createTestClinic(t);
    const svc = lineService(t.deps);
    expect(await t.deps.line.forClinic(c.clinicId)).toBeNull();
    const save = (input: { accessToken?: string; greetingText?: string }) =>
      svc.saveChannel(c.clinicId, { channelId: `ch-${c.clinicId}`, channelSecret: 's', ...input }, systemActor, '::1');
    await save({ accessToken: 'token-1' });
    const first = await t.deps.line.forClinic(c.clinicId);
    expect(first?.channelId).toBe(`ch-${c.clinicId}`);
    await save({ greetingText: '歡迎' });
    expect(await t.deps.line.forClinic(c.clinicId)).toBe(first);
    await save({ accessToken: 'token-2' });
    const second = await t.deps.line.forClinic(c.clinicId);
    expect(second).not.toBe(first);
    expect(await t.deps.line.forClinic(c.clinicId)).toBe(second);
  });
});
