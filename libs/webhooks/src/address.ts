import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { AllowList } from './allow-list';

/**
 * Outbound address rules (docs/architecture.md §6): webhooks go to public addresses only. IPv6 is judged
 * by allowing global unicast (2000::/3) minus its special ranges, rather than by listing every
 * special range outside it, and IPv4 embedded in IPv6 is judged as the IPv4 address it reaches.
 * Addresses are parsed and matched by ipaddr.js; the table names ranges as the errors say them.
 */
type Range = readonly [cidr: string, name: string];

// First match names the address, so narrower ranges come before the ranges containing them.
const IPV4_RANGES: readonly Range[] = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared (CGNAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.169.254/32', 'cloud metadata'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', '6to4 relay anycast'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
];

const IPV6_RANGES: readonly Range[] = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fd00:ec2::254/128', 'cloud metadata'],
  ['fc00::/7', 'unique local'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['2001::/23', 'IETF protocol assignments'],
];

const IPV4 = IPV4_RANGES.map(([cidr, name]) => ({ name, range: ipaddr.IPv4.parseCIDR(cidr) }));
const IPV6 = IPV6_RANGES.map(([cidr, name]) => ({ name, range: ipaddr.IPv6.parseCIDR(cidr) }));
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16');

/**
 * Parses an IPv6 address. ipaddr.js reads `::a.b.c.d` (IPv4-compatible, deprecated and not
 * routable) as the IPv4-mapped `::ffff:a.b.c.d`, which would let `::8.8.8.8` pass as public, so a
 * dotted-quad tail is written as its two hex groups first.
 */
function parseIPv6(ip: string): ipaddr.IPv6 {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!dotted) return ipaddr.IPv6.parse(ip);
  const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
  const groups = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  return ipaddr.IPv6.parse(`${ip.slice(0, dotted.index)}${groups}`);
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The IPv4 address an IPv6 address reaches: IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16). */
export function embeddedIPv4(ip: string): { ipv4: string; via: string } | undefined {
  if (isIP(ip) !== 6 || ip.includes('%')) return undefined;
  const address = parseIPv6(ip);
  const g = address.parts;
  if (address.isIPv4MappedAddress()) return { ipv4: address.toIPv4Address().toString(), via: 'IPv4-mapped' };
  if (address.match(NAT64)) return { ipv4: ipv4Of(g[6]!, g[7]!), via: 'NAT64' };
  if (address.match(SIX_TO_FOUR)) return { ipv4: ipv4Of(g[1]!, g[2]!), via: '6to4' };
  return undefined;
}

/** The name of the forbidden range the address falls in, or null for a public address. */
export function forbiddenRange(ip: string): string | null {
  const family = isIP(ip);
  if (family === 4) {
    const address = ipaddr.IPv4.parse(ip);
    return IPV4.find(({ range }) => address.match(range))?.name ?? null;
  }
  if (family !== 6) return 'not an IP address';
  // A zone id only exists for scoped (link-local) addresses.
  if (ip.includes('%')) return 'scoped';
  const embedded = embeddedIPv4(ip);
  if (embedded) {
    const range = forbiddenRange(embedded.ipv4);
    return range === null ? null : `${range} (${embedded.via})`;
  }
  const address = parseIPv6(ip);
  const special = IPV6.find(({ range }) => address.match(range));
  if (special) return special.name;
  return address.match(GLOBAL_UNICAST) ? null : 'reserved';
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
