import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { waitFor } from './ports';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
  /** The status answered, once a status was answered. */
  status?: number;
}

/** What a route does with a request. */
export type Behaviour =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number; then?: Behaviour }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'redirect'; location: string; status?: number }
  | { kind: 'big'; bytes: number }
  | { kind: 'trickle'; bytesPerSecond: number; totalBytes: number }
  | { kind: 'sequence'; steps: Behaviour[] }
  | { kind: 'cycle'; steps: Behaviour[] }
  | { kind: 'notify'; then: Behaviour; hooks: NotifyHooks }
  | { kind: 'chance'; probability: number; then: Behaviour; otherwise: Behaviour; random: () => number };

/** Called around a response: when the request is in and before a byte is answered, and once the answer is sent. */
export interface NotifyHooks {
  onRequest?: (request: ReceivedRequest) => void;
  onAnswered?: (request: ReceivedRequest) => void;
}

export const behaviours = {
  ok: (): Behaviour => ({ kind: 'status', status: 200, body: '{"ok":true}' }),
  status: (status: number, body?: string, headers?: Record<string, string>): Behaviour => ({
    kind: 'status',
    status,
    ...(body === undefined ? {} : { body }),
    ...(headers === undefined ? {} : { headers }),
  }),
  retryAfter: (seconds: number, status = 429): Behaviour => ({
    kind: 'status',
    status,
    headers: { 'retry-after': String(seconds) },
  }),
  delay: (ms: number, then?: Behaviour): Behaviour => ({ kind: 'delay', ms, ...(then ? { then } : {}) }),
  hang: (): Behaviour => ({ kind: 'hang' }),
  reset: (): Behaviour => ({ kind: 'reset' }),
  redirect: (location: string, status = 302): Behaviour => ({ kind: 'redirect', location, status }),
  big: (bytes: number): Behaviour => ({ kind: 'big', bytes }),
  trickle: (bytesPerSecond: number, totalBytes: number): Behaviour => ({
    kind: 'trickle',
    bytesPerSecond,
    totalBytes,
  }),
  /** The n-th request since the route was set gets steps[n]; the last step repeats. */
  sequence: (...steps: Behaviour[]): Behaviour => ({ kind: 'sequence', steps }),
  /** The n-th request since the route was set gets steps[n mod length]: a flaky endpoint. */
  cycle: (...steps: Behaviour[]): Behaviour => ({ kind: 'cycle', steps }),
  /**
   * Behaves as `then`, calling `onRequest` before answering and `onAnswered` once the response is
   * handed to the network (a test freezes the sender in the first and kills it in the second).
   */
  /** `then` for a share `probability` of the requests, drawn by `random`, `otherwise` for the rest. */
  chance: (
    probability: number,
    then: Behaviour,
    otherwise: Behaviour = behaviours.ok(),
    random: () => number = Math.random,
  ): Behaviour => ({ kind: 'chance', probability, then, otherwise, random }),
  notify: (hooks: NotifyHooks, then: Behaviour = behaviours.ok()): Behaviour => ({
    kind: 'notify',
    then,
    hooks,
  }),
};

export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  route(path: string, behaviour: Behaviour): void;
  requestsTo(path: string): ReceivedRequest[];
  waitForRequests(count: number, path?: string, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Connections accepted so far (a canary asserts none). */
  connections(): number;
  close(): Promise<void>;
}

/** A local HTTP endpoint standing in for a subscriber, with scripted behaviours per path. */
export async function startReceiver(options: { defaultBehaviour?: Behaviour } = {}): Promise<Receiver> {
  const routes = new Map<string, Behaviour>();
  const counts = new Map<string, number>();
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connectionCount = 0;

  const act = (
    behaviour: Behaviour,
    req: IncomingMessage,
    res: ServerResponse,
    index: number,
    received: ReceivedRequest,
  ): void => {
    switch (behaviour.kind) {
      case 'status':
        received.status = behaviour.status;
        res.writeHead(behaviour.status, { 'content-type': 'application/json', ...(behaviour.headers ?? {}) });
        res.end(behaviour.body ?? '');
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          act(behaviour.then ?? behaviours.ok(), req, res, index, received);
        }, behaviour.ms);
        timers.add(timer);
        return;
      }
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'redirect':
        res.writeHead(behaviour.status ?? 302, { location: behaviour.location });
        res.end();
        return;
      case 'big': {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(behaviour.bytes),
        });
        const chunk = Buffer.alloc(64 * 1024, 120);
        let left = behaviour.bytes;
        const pump = (): void => {
          while (left > 0 && !res.destroyed) {
            const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
            left -= piece.length;
            if (!res.write(piece)) return void res.once('drain', pump);
          }
          if (left <= 0) res.end();
        };
        res.on('close', () => (left = 0));
        pump();
        return;
      }
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let sent = 0;
        const timer = setInterval(
          () => {
            if (res.destroyed || sent >= behaviour.totalBytes) {
              clearInterval(timer);
              timers.delete(timer);
              if (!res.destroyed) res.end();
              return;
            }
            res.write('x');
            sent += 1;
          },
          Math.max(1, Math.round(1000 / behaviour.bytesPerSecond)),
        );
        timers.add(timer);
        return;
      }
      case 'sequence': {
        const step = behaviour.steps[Math.min(index, behaviour.steps.length - 1)];
        act(step ?? behaviours.ok(), req, res, index, received);
        return;
      }
      case 'cycle': {
        const step = behaviour.steps[index % Math.max(1, behaviour.steps.length)];
        act(step ?? behaviours.ok(), req, res, index, received);
        return;
      }
      case 'chance':
        act(
          behaviour.random() < behaviour.probability ? behaviour.then : behaviour.otherwise,
          req,
          res,
          index,
          received,
        );
        return;
      case 'notify':
        behaviour.hooks.onRequest?.(received);
        res.once('finish', () => behaviour.hooks.onAnswered?.(received));
        act(behaviour.then, req, res, index, received);
        return;
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const received: ReceivedRequest = {
        method: req.method ?? 'GET',
        path,
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      requests.push(received);
      const index = counts.get(path) ?? 0;
      counts.set(path, index + 1);
      act(routes.get(path) ?? options.defaultBehaviour ?? behaviours.ok(), req, res, index, received);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    connectionCount += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const requestsTo = (path: string): ReceivedRequest[] => requests.filter((r) => r.path === path);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    route: (path, behaviour) => {
      routes.set(path, behaviour);
      // A sequence counts the requests it answered, not those the path had before.
      counts.delete(path);
    },
    requestsTo,
    waitForRequests: async (count, path, timeoutMs = 30_000) => {
      const select = (): ReceivedRequest[] => (path === undefined ? requests : requestsTo(path));
      await waitFor(
        `${count} requests${path ? ` to ${path}` : ''}`,
        async () => select().length >= count,
        timeoutMs,
      );
      return select();
    },
    connections: () => connectionCount,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
