import { describe, expect, it } from 'vitest';
import { isPrivateHost } from './private-address.ts';

const host = (url: string) => new URL(url).hostname;

describe('private hosts', () => {
  it('finds loopback, private, link-local, CGNAT, unspecified and multicast addresses, however written', () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://127.1/', // the URL parser writes 127.0.0.1
      'https://2130706433/', // 127.0.0.1 as one number
      'https://0x7f000001/',
      'https://localhost/',
      'https://LOCALHOST./',
      'https://his.localhost/',
      'https://printer.local/',
      'https://db.internal/',
      'https://nas.home.arpa/',
      'https://10.1.2.3/',
      'https://172.16.0.1/',
      'https://172.31.255.255/',
      'https://192.168.1.10/',
      'https://169.254.169.254/latest/meta-data/',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://224.0.0.1/',
      'https://255.255.255.255/',
      'https://[::1]/',
      'https://[::]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:a9fe:a9fe]/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
    ])
      expect(isPrivateHost(host(url)), url).toBe(true);
  });

  it('lets public names and addresses through', () => {
    for (const url of [
      'https://his.example.tw/careline/webhook',
      'https://8.8.8.8/',
      'https://172.32.0.1/',
      'https://100.128.0.1/',
      'https://[2001:db8::1]/',
      'https://localhost.example.tw/',
    ])
      expect(isPrivateHost(host(url)), url).toBe(false);
  });
});
