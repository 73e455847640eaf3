/**
 * The subscriber endpoint of the measurements, run as a child process of its own so that its
 * work never shares the producer's or the platform's event loop. It answers 200 to every POST
 * and records, per webhook-id, when the request arrived and the publish time the event carries.
 * The parent talks to it over IPC (see receiver-process.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type {
  ReceiverArrivals,
  ReceiverReply,
  ReceiverRequest,
  ReceiverStats,
} from './receiver-process.protocol';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
const now = (): number => performance.timeOrigin + performance.now();

interface Entry {
  key: string;
  path: string;
  receivedAt: number;
  publishedAt: number;
}

let entries = new Map<string, Entry>();
let requests = 0;
let duplicates = 0;
let firstAt = 0;
let lastAt = 0;
let byPath = new Map<string, number>();

function record(req: IncomingMessage, body: string, receivedAt: number): void {
  requests++;
  if (firstAt === 0) firstAt = receivedAt;
  lastAt = receivedAt;
  const webhookId = req.headers['webhook-id'];
  const id = typeof webhookId === 'string' ? webhookId : `anonymous-${requests}`;
  if (entries.has(id)) {
    duplicates++;
    return;
  }
  const path = req.url ?? '/';
  byPath.set(path, (byPath.get(path) ?? 0) + 1);
  // Bench events carry their key and publish time in data (bench/payload.factory.ts).
  let key = '';
  let publishedAt = Number.NaN;
  try {
    const data = (JSON.parse(body) as { data?: { execution_id?: unknown; bench_published_at?: unknown } })
      .data;
    if (typeof data?.execution_id === 'string') key = data.execution_id;
    if (typeof data?.bench_published_at === 'number') publishedAt = data.bench_published_at;
  } catch {
    // Not one of ours: counted, without latency.
  }
  entries.set(id, { key, path, receivedAt, publishedAt });
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const receivedAt = now();
    res.writeHead(200, { 'content-length': '0' });
    res.end();
    record(req, Buffer.concat(chunks).toString('utf8'), receivedAt);
  });
}

function stats(): ReceiverStats {
  return {
    requests,
    unique: entries.size,
    duplicates,
    firstAt,
    lastAt,
    byPath: Object.fromEntries(byPath),
  };
}

function answer(request: ReceiverRequest): ReceiverReply['result'] {
  switch (request.cmd) {
    case 'reset':
      entries = new Map();
      byPath = new Map();
      requests = duplicates = firstAt = lastAt = 0;
      return stats();
    case 'stats':
      return stats();
    case 'records': {
      // Columns rather than objects: a few hundred thousand records cross IPC quickly this way.
      const out = {
        keys: [] as string[],
        paths: [] as string[],
        receivedAt: [] as number[],
        publishedAt: [] as number[],
      };
      for (const entry of entries.values()) {
        if (!entry.key.startsWith(request.prefix)) continue;
        out.keys.push(entry.key);
        out.paths.push(entry.path);
        out.receivedAt.push(entry.receivedAt);
        out.publishedAt.push(entry.publishedAt);
      }
      return out;
    }
    case 'arrivals': {
      const out: ReceiverArrivals = { webhookIds: [], receivedAt: [] };
      for (const [webhookId, entry] of entries) {
        out.webhookIds.push(webhookId);
        out.receivedAt.push(entry.receivedAt);
      }
      return out;
    }
  }
}

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, handle);
// Idle pools between phases must find their connections still open.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ ready: true, port });
});

process.on('message', (message: ReceiverRequest) => {
  const reply: ReceiverReply = { id: message.id, result: answer(message) };
  process.send?.(reply);
});
process.on('disconnect', () => process.exit(0));
