import { describe, expect, it } from 'vitest';
import { Store } from './store.ts';

describe('message log', () => {
  it('keeps the newest messages whole and a summary of older ones (memory stays bounded on long runs)', () => {
    const store = new Store({ fullMessageHistory: 3 });
    const { channel } = store.upsertChannel({ channelId: '1000000009', channelSecret: 's', channelAccessToken: 't' });
    const flex = (i: number) => ({
      type: 'flex',
      altText: `提醒 ${i}`,
      contents: { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [] } },
    });
    for (let i = 0; i < 5; i++)
      store.record(channel, { direction: 'bot', userId: `U${i}`, via: 'push', message: flex(i), retryKey: `k${i}` });
    expect(channel.log.map((r) => r.message.summarized ?? false)).toEqual([true, true, false, false, false]);
    expect(channel.log[0]).toMatchObject({
      userId: 'U0',
      retryKey: 'k0',
      via: 'push',
      message: { type: 'flex', altText: '提醒 0', summarized: true },
    });
    expect(channel.log[0].message).not.toHaveProperty('contents');
    expect(channel.log[4].message).toEqual(flex(4));
  });
});
