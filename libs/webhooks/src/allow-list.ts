import { BlockList, isIP } from 'node:net';
import { embeddedIPv4 } from './address';

/**
 * DELIVERY_ALLOWED_TARGETS: targets an operator lets through despite the address rules (local
 * development, in-cluster receivers). Entries: CIDR (`10.0.0.0/8`, `::1/128`), bare address,
 * `address:port` (`[v6]:port`), `host` or `host:port`; no port means any port.
 */
export interface AllowList {
  allowsAddress(ip: string, port: number): boolean;
  /** `host` as WHATWG URL gives it: a name, a dotted IPv4 or a bracketed IPv6. */
  allowsHost(host: string, port: number): boolean;
}

interface AddressRule {
  list: BlockList;
  port: number | null;
}
interface HostRule {
  host: string;
  port: number | null;
}

const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

/** Throws on the first malformed entry, naming it, so a wrong variable stops the process at boot. */
export function parseAllowedTargets(value: string): AllowList {
  const addresses: AddressRule[] = [];
  const hosts: HostRule[] = [];
  for (const entry of value.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const rule = parseEntry(entry);
    if (rule === undefined)
      throw new Error(`allowed target "${entry}" is not a CIDR, an address or a host[:port]`);
    if ('list' in rule) addresses.push(rule);
    else hosts.push(rule);
  }
  const portMatches = (rule: { port: number | null }, port: number): boolean =>
    rule.port === null || rule.port === port;

  const allowsAddress = (ip: string, port: number): boolean => {
    const candidates = [ip];
    const embedded = embeddedIPv4(ip);
    if (embedded?.via === 'IPv4-mapped') candidates.push(embedded.ipv4);
    return candidates.some((candidate) => {
      const family = isIP(candidate) === 4 ? 'ipv4' : 'ipv6';
      return (
        isIP(candidate) !== 0 &&
        addresses.some((r) => portMatches(r, port) && r.list.check(candidate, family))
      );
    });
  };

  const allowsHost = (host: string, port: number): boolean => {
    const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    if (isIP(literal) !== 0) return allowsAddress(literal, port);
    const name = normalizeHost(host);
    return hosts.some((rule) => rule.host === name && portMatches(rule, port));
  };

  return { allowsAddress, allowsHost };
}

function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function parsePort(text: string): number | undefined {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return port >= 1 && port <= 65535 ? port : undefined;
}

function addressRule(ip: string, prefix: number | undefined, port: number | null): AddressRule | undefined {
  const family = isIP(ip);
  if (family === 0) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= bits)) return undefined;
  const list = new BlockList();
  list.addSubnet(ip, prefix ?? bits, family === 4 ? 'ipv4' : 'ipv6');
  return { list, port };
}

function parseEntry(entry: string): AddressRule | HostRule | undefined {
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
  if (cidr) return addressRule(cidr[1]!, Number(cidr[2]), null);
  if (isIP(entry) !== 0) return addressRule(entry, undefined, null);

  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    const port = bracketed[2] === undefined ? null : parsePort(bracketed[2]);
    return port === undefined || isIP(bracketed[1]!) !== 6
      ? undefined
      : addressRule(bracketed[1]!, undefined, port);
  }

  const [name = '', portText, ...extra] = entry.split(':');
  if (extra.length > 0) return undefined;
  const port = portText === undefined ? null : parsePort(portText);
  if (port === undefined) return undefined;
  if (isIP(name) === 4) return addressRule(name, undefined, port);
  const host = normalizeHost(name);
  return HOST_NAME.test(host) ? { host, port } : undefined;
}

/** Production: nothing bypasses the address rules. */
export const EMPTY_ALLOW_LIST: AllowList = parseAllowedTargets('');
