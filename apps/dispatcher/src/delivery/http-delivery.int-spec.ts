import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { behaviours, startReceiver, type Receiver } from '@hookstream/testing';
import { parseAllowedTargets } from '@hookstream/webhooks';
import { startCanary, type Canary } from '../testing/canary.fixture';
import { selfSignedCert } from '../testing/tls.fixture';
import type { Resolver } from './guarded-connector.client';
import { HttpSender, RESPONSE_STORE_LIMIT } from './http-sender.client';
import { OriginPools } from './origin-pools.client';

/** Real sockets, real servers on loopback; names resolved by a fixed table instead of DNS. */
function resolverOf(table: Record<string, string[]>): Resolver {
  return (hostname, _options, callback) => {
    const addresses = table[hostname];
    if (!addresses)
      return callback(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
        [],
      );
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

const request = (path = '/', timeoutMs = 5_000) => ({
  path,
  headers: { 'content-type': 'application/json' },
  body: '{}',
  timeoutMs,
});

describe('HTTP delivery (address guard, bounded reads, deadlines)', () => {
  let receiver: Receiver;
  let canary: Canary;
  let pools: OriginPools;
  const sender = new HttpSender();

  beforeAll(async () => {
    receiver = await startReceiver();
    canary = await startCanary('::');
    pools = new OriginPools({
      // The receiver is allowed by address and port, the canary by nothing: it is loopback like the receiver.
      allow: parseAllowedTargets(`127.0.0.1:${receiver.port},named.test:${canary.port}`),
      connectionsPerOrigin: 4,
      connectTimeoutMs: 2_000,
      idleCloseMs: 60_000,
      resolve: resolverOf({
        'rebind.test': ['127.0.0.1', '::1'],
        'mixed.test': ['127.0.0.2', '127.0.0.1'],
        'named.test': ['127.0.0.1'],
      }),
    });
  });

  afterAll(async () => {
    await pools.close();
    await Promise.all([receiver.close(), canary.close()]);
  });

  const send = (url: string, timeoutMs?: number) => {
    const parsed = new URL(url);
    return sender.send(
      pools.get(parsed.origin, Date.now()),
      request(`${parsed.pathname}${parsed.search}`, timeoutMs),
    );
  };

  it('delivers to an allow-listed address', async () => {
    const result = await send(`${receiver.url}/ok`);
    expect(result).toMatchObject({ status: 200, error: null, responseBody: '{"ok":true}' });
  });

  it.each([
    ['dotted loopback', (p: number) => `http://127.0.0.1:${p}/`],
    ['decimal loopback', (p: number) => `http://2130706433:${p}/`],
    ['hex loopback', (p: number) => `http://0x7f000001:${p}/`],
    ['octal and short loopback', (p: number) => `http://0177.1:${p}/`],
    ['IPv6 loopback', (p: number) => `http://[::1]:${p}/`],
    ['IPv4-mapped IPv6 loopback', (p: number) => `http://[::ffff:127.0.0.1]:${p}/`],
    ['unspecified address', (p: number) => `http://0.0.0.0:${p}/`],
    ['a name resolving to loopback', (p: number) => `http://rebind.test:${p}/`],
  ])('never connects to %s', async (_what, url) => {
    const result = await send(url(canary.port));
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/not allowed/);
    expect(canary.connections()).toBe(0);
  });

  it('connects only to the checked address when a name resolves to several', async () => {
    // Same port on two loopback addresses: 127.0.0.2 is not allowed and must see nothing.
    const other = await startCanary('127.0.0.2', receiver.port);
    try {
      const result = await send(`http://mixed.test:${receiver.port}/mixed`);
      expect(result.status).toBe(200);
      expect(other.connections()).toBe(0);
      expect(receiver.requestsTo('/mixed')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('lets a name the operator allow-listed resolve to a private address', async () => {
    const before = canary.connections();
    const result = await send(`http://named.test:${canary.port}/`);
    expect(result.status).toBe(200);
    expect(canary.connections()).toBe(before + 1);
  });

  it('does not follow a redirect', async () => {
    const before = canary.connections();
    receiver.route('/moved', behaviours.redirect(`http://127.0.0.1:${canary.port}/`));
    const result = await send(`${receiver.url}/moved`);
    expect(result.status).toBe(302);
    expect(canary.connections()).toBe(before);
  });

  it('reads at most 64 KiB of a huge response, keeps 4 KiB, and drops the connection', async () => {
    receiver.route('/huge', behaviours.big(1024 * 1024 * 1024));
    const rssBefore = process.memoryUsage().rss;
    const result = await send(`${receiver.url}/huge`, 60_000);
    expect(result.status).toBe(200);
    expect(result.responseBody).toHaveLength(RESPONSE_STORE_LIMIT);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    // The pool is still usable afterwards.
    expect((await send(`${receiver.url}/after-huge`)).status).toBe(200);
  });

  it('applies one deadline to headers and body', async () => {
    receiver.route('/hang', behaviours.hang());
    receiver.route('/trickle', behaviours.trickle(20, 10_000));
    const hung = await send(`${receiver.url}/hang`, 300);
    expect(hung).toMatchObject({ status: null, error: 'timed out after 300 ms', interrupted: false });
    const slowBody = await send(`${receiver.url}/trickle`, 300);
    expect(slowBody.status).toBeNull();
    expect(slowBody.error).toMatch(/timed out after 300 ms reading the body of an HTTP 200 response/);
  });

  it('counts the wait for a free connection in the deadline, and never sends an attempt that ran out of it', async () => {
    // Every connection of the origin (4) held by a request that hangs for 1 s.
    receiver.route('/busy', behaviours.hang());
    const busy = Array.from({ length: 4 }, () => send(`${receiver.url}/busy`, 1_000));
    await receiver.waitForRequests(4, '/busy');
    const queued = await send(`${receiver.url}/queued`, 300);
    expect(queued).toMatchObject({ status: null, error: 'timed out after 300 ms' });
    // The held connections time out and close; the queued request then gets one and must stop there.
    expect((await Promise.all(busy)).map((r) => r.error)).toEqual(Array(4).fill('timed out after 1000 ms'));
    expect((await send(`${receiver.url}/after-busy`)).status).toBe(200);
    expect(receiver.requestsTo('/queued')).toHaveLength(0);
  });

  it('reports a reset connection', async () => {
    receiver.route('/reset', behaviours.reset());
    const result = await send(`${receiver.url}/reset`);
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/connection (closed|reset)/);
  });

  it('hands back an attempt cut off by shutdown, without an outcome', async () => {
    receiver.route('/held', behaviours.hang());
    const pending = send(`${receiver.url}/held`, 10_000);
    await receiver.waitForRequests(1, '/held');
    sender.abortAll();
    expect(await pending).toMatchObject({ interrupted: true, status: null });
  });

  it('verifies TLS certificates', async () => {
    const { key, cert } = selfSignedCert();
    const server: HttpsServer = createHttpsServer({ key, cert }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const tlsPools = new OriginPools({
      allow: parseAllowedTargets(`127.0.0.1:${port}`),
      connectionsPerOrigin: 1,
      connectTimeoutMs: 2_000,
      idleCloseMs: 60_000,
    });
    try {
      const result = await sender.send(tlsPools.get(`https://127.0.0.1:${port}`, Date.now()), request());
      expect(result.status).toBeNull();
      expect(result.error).toMatch(/^TLS: .*self.signed/i);
    } finally {
      await tlsPools.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
