import { BlockList, isIP } from 'node:net';
import type { AllowList } from './allow-list';

/**
 * Outbound address rules (ARCHITECTURE §6): webhooks go to public addresses only. IPv6 is judged
 * by allowing global unicast (2000::/3) minus its special ranges, rather than by listing every
 * special range outside it, and IPv4 embedded in IPv6 is judged as the IPv4 address it reaches.
 */
type Range = readonly [network: string, prefix: number, name: string];

// First match names the address, so narrower ranges come before the ranges containing them.
const IPV4_RANGES: readonly Range[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.169.254', 32, 'cloud metadata'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_RANGES: readonly Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fd00:ec2::254', 128, 'cloud metadata'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
  ['2001::', 23, 'IETF protocol assignments'],
];

function compile(
  ranges: readonly Range[],
  family: 'ipv4' | 'ipv6',
): Array<{ name: string; list: BlockList }> {
  return ranges.map(([network, prefix, name]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { name, list };
  });
}

const IPV4 = compile(IPV4_RANGES, 'ipv4');
const IPV6 = compile(IPV6_RANGES, 'ipv6');
const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');

/** The eight 16-bit groups of a valid IPv6 address (dotted-quad tail included). */
function ipv6Groups(ip: string): number[] {
  let text = ip;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (part: string | undefined): number[] =>
    part ? part.split(':').map((h) => parseInt(h, 16)) : [];
  const left = groups(head);
  const right = groups(tail);
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...new Array<number>(zeros).fill(0), ...right];
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The IPv4 address an IPv6 address reaches: IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16). */
export function embeddedIPv4(ip: string): { ipv4: string; via: string } | undefined {
  if (isIP(ip) !== 6 || ip.includes('%')) return undefined;
  const g = ipv6Groups(ip) as [number, number, number, number, number, number, number, number];
  const zeroUpTo = (end: number): boolean => g.slice(0, end).every((group) => group === 0);
  if (zeroUpTo(5) && g[5] === 0xffff) return { ipv4: ipv4Of(g[6], g[7]), via: 'IPv4-mapped' };
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((group) => group === 0))
    return { ipv4: ipv4Of(g[6], g[7]), via: 'NAT64' };
  if (g[0] === 0x2002) return { ipv4: ipv4Of(g[1], g[2]), via: '6to4' };
  return undefined;
}

/** The name of the forbidden range the address falls in, or null for a public address. */
export function forbiddenRange(ip: string): string | null {
  const family = isIP(ip);
  if (family === 4) return IPV4.find(({ list }) => list.check(ip, 'ipv4'))?.name ?? null;
  if (family !== 6) return 'not an IP address';
  // A zone id only exists for scoped (link-local) addresses.
  if (ip.includes('%')) return 'scoped';
  const embedded = embeddedIPv4(ip);
  if (embedded) {
    const range = forbiddenRange(embedded.ipv4);
    return range === null ? null : `${range} (${embedded.via})`;
  }
  const special = IPV6.find(({ list }) => list.check(ip, 'ipv6'));
  if (special) return special.name;
  return GLOBAL_UNICAST.check(ip, 'ipv6') ? null : 'reserved';
}

export function isForbiddenAddress(ip: string): boolean {
  return forbiddenRange(ip) !== null;
}

export const MAX_URL_LENGTH = 2048;

/** Send-time check of the address actually connected to, after DNS; null when it may be used. */
export function checkConnectAddress(ip: string, port: number, allow: AllowList): string | null {
  if (allow.allowsAddress(ip, port)) return null;
  const range = forbiddenRange(ip);
  return range === null ? null : `address ${ip} is not allowed: ${range} range`;
}

/**
 * Create-time check of a subscription URL; null when acceptable. Names are only judged here by
 * their spelling (localhost); what they resolve to is checked at send time, on every attempt.
 */
export function checkSubscriptionUrl(
  url: string,
  opts: { allowHttp: boolean; allow: AllowList },
): string | null {
  if (url.length > MAX_URL_LENGTH) return `url must be at most ${MAX_URL_LENGTH} characters`;
  // WHATWG URL silently drops tabs and newlines; a URL carrying them was not meant as written.
  if (/[\s\p{Cc}]/u.test(url)) return 'url must not contain whitespace or control characters';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an absolute URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'url must use https';
  if (parsed.username !== '' || parsed.password !== '') return 'url must not contain a username or password';
  const port = parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'http:' ? 80 : 443;
  const allowed = opts.allow.allowsHost(parsed.hostname, port);
  if (parsed.protocol === 'http:' && !(opts.allowHttp && allowed))
    return 'url must use https (plain http only towards allow-listed targets)';
  if (allowed) return null;

  const host = parsed.hostname;
  const literal = host.startsWith('[') ? host.slice(1, -1) : isIP(host) === 4 ? host : null;
  if (literal !== null) {
    const range = forbiddenRange(literal);
    return range === null ? null : `url host ${host} is not allowed: ${range} range`;
  }
  const name = host.replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost'))
    return `url host ${host} is not allowed: localhost`;
  return null;
}
