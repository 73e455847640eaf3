/**
 * The local stand-in for the internal gateway: the whole public HTTP API on one
 * address, routed by path to the service that owns each route (as the Ingress does
 * in Kubernetes).
 *
 * Forwarding is undici's (a Pool per service, bodies streamed both ways) rather than a proxy
 * package's: http-proxy-3 and http-proxy-middleware 4 need Node 22, httpxy is ESM only, and
 * http-proxy 1.18 is unmaintained since 2020 and calls util._extend, deprecated at run time
 * from Node 22 (the image runs 24). What is left here is routing and the hop-by-hop headers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'undici';

const PROJECTOR_ROUTES = [
  /^\/webhooks\/logs\/all(\/|\?|$)/,
  /^\/webhooks\/[^/?]+\/logs(\/|\?|$)/,
  /^\/v2\//,
  /^\/webhook-dispatches\//,
  // The portal's chart and live tail read the delivery logs.
  /^\/portal\/webhooks\/[^/?]+\/(stats|tail)(\/|\?|$)/,
];

export function routeOf(path: string): 'log-projector' | 'subscriptions' {
  return PROJECTOR_ROUTES.some((route) => route.test(path)) ? 'log-projector' : 'subscriptions';
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);

export function startGateway(options: {
  port: number;
  subscriptionsUrl: string;
  projectorUrl: string;
  host?: string;
}) {
  const pools = {
    subscriptions: new Pool(options.subscriptionsUrl, { connections: 32 }),
    'log-projector': new Pool(options.projectorUrl, { connections: 32 }),
  };

  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name))
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    // A client that leaves ends the upstream request too (a live tail would otherwise stay open).
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    try {
      const upstream = await pools[routeOf(path)].request({
        path,
        method: req.method ?? 'GET',
        headers,
        body: hasBody ? req : null,
        signal: abort.signal,
      });
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      }
      res.writeHead(upstream.statusCode, out);
      for await (const chunk of upstream.body) res.write(chunk);
      res.end();
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { type: 'unavailable', message: `upstream unavailable: ${(error as Error).message}` },
        }),
      );
    }
  };

  const server = createServer((req, res) => void forward(req, res));
  server.listen(options.port, options.host ?? '0.0.0.0');
  return {
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([pools.subscriptions.close(), pools['log-projector'].close()]);
    },
  };
}

if (require.main === module) {
  const port = Number(process.env.HTTP_PORT ?? 8080);
  const gateway = startGateway({
    port,
    subscriptionsUrl: process.env.SUBSCRIPTIONS_URL ?? 'http://127.0.0.1:8081',
    projectorUrl: process.env.LOG_PROJECTOR_URL ?? 'http://127.0.0.1:8083',
  });
  process.once('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
  process.once('SIGINT', () => void gateway.close().then(() => process.exit(0)));
}
