// Whether a URL's host names this service's own network rather than a place on the internet:
// loopback, private (RFC 1918, unique-local IPv6), carrier-grade NAT, link-local (cloud
// metadata at 169.254.169.254), unspecified, multicast and reserved addresses, an IPv4 address
// inside IPv6 (::ffff:127.0.0.1), and the names that never leave the machine or the site
// (localhost, *.localhost, *.local, *.internal, *.home.arpa). Outbound calls to URLs that an
// admin typed (the HIS webhook) are refused for such hosts in production, so the service
// cannot be steered at its own network (OWASP ASVS 12.6.1, SSRF). A public name that resolves
// to a private address is not caught here (DNS): an egress proxy or firewall is the place.
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

const LOCAL_NAME = /(^|\.)(localhost|local|internal|home\.arpa)$/i;
const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const MAPPED_V4_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** Whether an IP address (v4 or v6, without brackets) is one of the ranges above. */
export function isPrivateAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) return blocked.check(ip, 'ipv4');
  if (v !== 6) return false;
  const dotted = MAPPED_V4.exec(ip);
  if (dotted) return isPrivateAddress(dotted[1]);
  const hex = MAPPED_V4_HEX.exec(ip);
  if (hex) {
    const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
    return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return blocked.check(ip, 'ipv6');
}

/** Whether a URL's hostname (as `new URL(…).hostname` gives it) is local or private. */
export function isPrivateHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (!h) return true;
  if (isIP(h)) return isPrivateAddress(h);
  return LOCAL_NAME.test(h);
}
