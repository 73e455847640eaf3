import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the endpoint saw it: raw body bytes as text, header names in lower case. */
export interface CapturedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The status this receiver answered. */
  answered: number;
  receivedAt: string;
}

export interface DemoReceiver {
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

/** The path whose endpoint fails each delivery's first attempt and accepts the retry. */
export const FLAKY_PATH = '/flaky';

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

/**
 * Subscriber endpoints on 127.0.0.1 (a random port), one path per subscription. Every path answers
 * 200, except FLAKY_PATH, which answers 500 to the first attempt of each webhook-id.
 */
export async function startDemoReceiver(): Promise<DemoReceiver> {
  const requests: CapturedRequest[] = [];
  const failedOnce = new Set<string>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = headersOf(request);
      const path = request.url ?? '/';
      const dispatchId = headers['webhook-id'] ?? '';
      const fail = path === FLAKY_PATH && !failedOnce.has(dispatchId);
      if (fail) failedOnce.add(dispatchId);
      const answered = fail ? 500 : 200;
      requests.push({
        path,
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answered,
        receivedAt: new Date().toISOString(),
      });
      response.writeHead(answered, { 'content-type': 'application/json' });
      response.end(fail ? '{"error":"temporarily unavailable"}' : '{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
