// deps.line and deps.sms build one client per clinic channel / account and rebuild it only when
// the stored token or settings change.
import { describe, expect, it } from 'vitest';
import { createLineGateway } from './line.ts';
import { createSmsGateway, type SmsAccount } from './sms.ts';

const config = { lineApiBaseUrl: 'http://127.0.0.1:9', lineDataApiBaseUrl: 'http://127.0.0.1:9' };

describe('LINE gateway', () => {
  it('decrypts a token and builds a client once per token version; none without a channel', async () => {
    const channels = new Map([['c1', { channelId: '100', version: 'enc-1' }]]);
    const decrypted: string[] = [];
    const gw = createLineGateway(config, async (clinicId) => {
      const ch = channels.get(clinicId);
      return ch ? { ...ch, accessToken: () => (decrypted.push(ch.version), `token-${ch.version}`) } : null;
    });
    const a = await gw.forClinic('c1');
    expect(a?.channelId).toBe('100');
    expect(await gw.forClinic('c1')).toBe(a);
    expect(decrypted).toEqual(['enc-1']);
    channels.set('c1', { channelId: '100', version: 'enc-2' }); // a new token was saved
    const b = await gw.forClinic('c1');
    expect(b).not.toBe(a);
    expect(await gw.forClinic('c1')).toBe(b);
    expect(decrypted).toEqual(['enc-1', 'enc-2']);
    expect(await gw.forClinic('c2')).toBeNull();
  });
});

describe('SMS gateway', () => {
  it('builds a provider once per settings version', async () => {
    let version = 'default';
    const built: string[] = [];
    const account: SmsAccount = { provider: 'mitake', baseUrl: 'http://127.0.0.1:9', username: 'u', password: 'p' };
    const gw = createSmsGateway(async () => ({ version, account: () => (built.push(version), account) }));
    const a = await gw.forClinic('c1');
    expect(a.name).toBe('mitake');
    expect(await gw.forClinic('c1')).toBe(a);
    version = 'saved';
    expect(await gw.forClinic('c1')).not.toBe(a);
    expect(built).toEqual(['default', 'saved']);
  });
});
