// Fakes for deps.line and deps.sms (createTestApp({ line, sms })): they record what the app
// asked for and answer like LINE / an SMS provider that accepts everything.
import type { LineChannelClient, LineGateway } from '../platform/line.ts';
import type { SmsGateway, SmsProviderName, SmsSendInput } from '../platform/sms.ts';

export type FakeLine = LineGateway & {
  /** Every call, in order: the method (`push`, `reply`, `richMenus.create`, …) and its arguments. */
  calls: { clinicId: string; method: string; args: unknown[] }[];
};

/** Every clinic has a channel (`fake-<clinicId>`) whose calls succeed. */
export function fakeLine(): FakeLine {
  const calls: FakeLine['calls'] = [];
  const clients = new Map<string, LineChannelClient>();
  let menus = 0;
  const build = (clinicId: string): LineChannelClient => {
    const rec = (method: string, ...args: unknown[]) => void calls.push({ clinicId, method, args });
    return {
      channelId: `fake-${clinicId}`,
      async push(request, retryKey) {
        rec('push', request, retryKey);
        return { status: 200, requestId: null, body: { sentMessages: [] } };
      },
      async pnpPush(...a) {
        rec('pnpPush', ...a);
        return { requestId: null };
      },
      async multicast(...a) {
        rec('multicast', ...a);
        return { requestId: null };
      },
      reply: async (...a) => rec('reply', ...a),
      startLoading: async (...a) => rec('startLoading', ...a),
      markAsRead: async (...a) => rec('markAsRead', ...a),
      content: async (messageId) => (
        rec('content', messageId),
        { contentType: 'image/png', data: Buffer.from('89504e470d0a1a0a', 'hex') }
      ),
      profile: async (userId) => (rec('profile', userId), { displayName: '測試使用者' }),
      botInfo: async () => (rec('botInfo'), { userId: 'Ubot', displayName: '測試診所', basicId: '@fake' }),
      quota: async () => (rec('quota'), { type: 'none', limit: null, used: 0 }),
      webhook: {
        get: async () => (rec('webhook.get'), { endpoint: '', active: true }),
        set: async (...a) => rec('webhook.set', ...a),
        test: async (...a) => (
          rec('webhook.test', ...a),
          { success: true, statusCode: 200, reason: 'OK', detail: '200' }
        ),
      },
      richMenus: {
        create: async (menu) => (rec('richMenus.create', menu), `richmenu-fake-${++menus}`),
        setImage: async (...a) => rec('richMenus.setImage', ...a),
        setDefault: async (...a) => rec('richMenus.setDefault', ...a),
        delete: async (...a) => rec('richMenus.delete', ...a),
        linkToUser: async (...a) => rec('richMenus.linkToUser', ...a),
        unlinkFromUser: async (...a) => rec('richMenus.unlinkFromUser', ...a),
        linkToUsers: async (...a) => rec('richMenus.linkToUsers', ...a),
      },
    };
  };
  return {
    calls,
    async forClinic(clinicId) {
      let c = clients.get(clinicId);
      if (!c) clients.set(clinicId, (c = build(clinicId)));
      return c;
    },
  };
}

export type FakeSms = SmsGateway & { sent: (SmsSendInput & { clinicId: string })[] };

/** Every clinic sends through a provider named `name` that accepts every message. */
export function fakeSms(name: SmsProviderName = 'mitake'): FakeSms {
  const sent: FakeSms['sent'] = [];
  return {
    sent,
    async forClinic(clinicId) {
      return {
        name,
        async send(input) {
          sent.push({ ...input, clinicId });
          return { providerMessageId: `fake-${sent.length}`, segments: 1, cost: 1, duplicate: false };
        },
      };
    },
  };
}
