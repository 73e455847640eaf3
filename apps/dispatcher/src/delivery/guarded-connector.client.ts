import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { checkConnectAddress, type AllowList } from '@hookstream/webhooks';

/** Raised before any connection is opened: the target is not a public address and not allow-listed. */
export class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError';
  readonly code = 'HS_ADDRESS_REFUSED';
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

export type Resolver = (
  hostname: string,
  options: { all: true; family?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A `lookup` for net/tls.connect: resolves every address of the name, keeps those the address
 * rules (or the allow list) accept, and hands only those to the socket, so the address checked is
 * the address connected to. Nothing is connected when no address passes. A name the operator
 * allow-listed as `host[:port]` may resolve anywhere: that is what listing it by name means.
 */
export function guardedLookup(port: number, allow: AllowList, resolve: Resolver = systemResolver) {
  return (hostname: string, options: { family?: number; all?: boolean }, callback: LookupCallback): void => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    const hostAllowed = allow.allowsHost(hostname, port);
    resolve(hostname, { all: true, family }, (error, addresses) => {
      if (error) return callback(error, []);
      const accepted: LookupAddress[] = [];
      const refused: string[] = [];
      for (const address of addresses) {
        const problem = hostAllowed ? null : checkConnectAddress(address.address, port, allow);
        if (problem === null) accepted.push(address);
        else refused.push(problem);
      }
      const first = accepted[0];
      if (first === undefined) {
        const why = refused.length > 0 ? refused.join('; ') : 'no address found';
        return callback(new AddressRefusedError(`${hostname}: ${why}`), []);
      }
      if (options.all) callback(null, accepted);
      else callback(null, first.address, first.family);
    });
  };
}

export interface GuardOptions {
  allow: AllowList;
  /** TCP and TLS handshake bound; the attempt's own deadline still applies on top. */
  connectTimeoutMs: number;
  resolve?: Resolver;
}

/**
 * An undici connector for one origin. IP literals never reach `lookup` (net connects to them
 * directly), so they are checked here; names are checked address by address in `lookup`.
 * TLS certificates are verified (Node's default, never turned off).
 */
export function guardedConnector(origin: URL, options: GuardOptions): buildConnector.connector {
  const port = Number(origin.port) || (origin.protocol === 'https:' ? 443 : 80);
  const connect = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: guardedLookup(port, options.allow, options.resolve),
  } as buildConnector.BuildOptions);
  return (connectOptions, callback) => {
    const host = connectOptions.hostname;
    if (isIP(host) !== 0) {
      const problem = checkConnectAddress(host, port, options.allow);
      if (problem !== null) return callback(new AddressRefusedError(problem), null);
    }
    connect(connectOptions, callback);
  };
}
