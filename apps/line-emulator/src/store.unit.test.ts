import { describe, expect, it } from 'vitest';
import { phoneHash, Store, toE164 } from './store.ts';

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

describe('phone numbers (LINE notification messages find users by them)', () => {
  it('reads Taiwan numbers written nationally or internationally as E.164, and nothing else', () => {
    expect(toE164('0912-345-678')).toBe('+886912345678');
    expect(toE164('0912 345 678')).toBe('+886912345678');
    expect(toE164('+886 912 345 678')).toBe('+886912345678');
    expect(toE164('+886-0912-345-678')).toBe('+886912345678');
    expect(toE164('886912345678')).toBe('+886912345678');
    expect(toE164('(02) 2345-6789')).toBe('+886223456789');
    expect(toE164('+818000001234')).toBe('+818000001234');
    expect(toE164('abc')).toBeNull();
    expect(toE164('12345')).toBeNull();
    // LINE's own example of the hash: SHA-256 of "+818000001234", lowercase hex.
    expect(phoneHash('+818000001234')).toBe('d41e0ad70dddfeb68f149ad6fc61574b9c5780ab7bcb2fba5517771ffbb2409c');
  });

  it('indexes a user by the hash of the number; changing or removing the number moves the index', () => {
    const store = new Store();
    const u = store.createUser({ displayName: '甲', phone: '0912345678' });
    expect(store.usersByPhoneHash.get(phoneHash('+886912345678'))).toBe(u.userId);
    store.setPhone(u, '0922000111');
    expect(store.usersByPhoneHash.has(phoneHash('+886912345678'))).toBe(false);
    expect(store.usersByPhoneHash.get(phoneHash('+886922000111'))).toBe(u.userId);
    store.setPhone(u, null);
    expect(u.phone).toBeUndefined();
    expect(store.usersByPhoneHash.size).toBe(0);
    // Any text is still accepted at creation (the earlier contract); only a number is indexed.
    expect(store.createUser({ displayName: '乙', phone: 'n/a' })).toMatchObject({ phone: 'n/a' });
    expect(store.usersByPhoneHash.size).toBe(0);
  });
});
