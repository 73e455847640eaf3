import { Pool, type Dispatcher } from 'undici';
import { generateSecret, standardSignature } from '@hookstream/webhooks';
import { preciseNow, standardBody, standardBodyPadding } from './payload.factory';
import type { ReceiverProcess } from '@hookstream/testing';

export interface HttpCeiling {
  inFlight: number;
  requests: number;
  seconds: number;
  perSecond: number;
  errors: number;
  receiverUnique: number;
}

/**
 * Ceiling (a): what one Node process can push to the receiver, doing only what any sender must:
 * build a 1 KiB JSON body, sign `id.timestamp.body` with HMAC-SHA256, POST it on a warmed
 * keep-alive undici Pool with `inFlight` requests outstanding, and read the answer. Requests go
 * through undici's dispatch handler API, the cheapest it has and the one the dispatcher uses.
 */
export async function measureHttpCeiling(
  receiver: ReceiverProcess,
  options: { inFlight: number; warmupMs: number; measureMs: number },
): Promise<HttpCeiling> {
  const pool = new Pool(receiver.origin, {
    connections: options.inFlight,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  const secret = generateSecret();
  const output = standardBodyPadding();
  await receiver.reset();
  let sequence = 0;
  let errors = 0;
  let counted = 0;
  const start = Date.now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.measureMs;

  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const key = `ceil_${options.inFlight}_${sequence++}`;
      const publishedAt = preciseNow();
      const timestamp = Math.floor(publishedAt / 1000);
      const body = standardBody(key, publishedAt, output);
      try {
        const status = await post(pool, {
          path: '/ceiling',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': key,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': standardSignature([secret], key, timestamp, body),
          },
          body,
        });
        if (status !== 200) errors++;
        const done = Date.now();
        if (done >= measureFrom && done < end) counted++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  await pool.close();
  const stats = await receiver.stats();
  const seconds = options.measureMs / 1000;
  return {
    inFlight: options.inFlight,
    requests: counted,
    seconds,
    perSecond: counted / seconds,
    errors,
    receiverUnique: stats.unique,
  };
}

/** One request, its answer read and dropped; resolves with the status code. */
function post(pool: Pool, options: Dispatcher.DispatchOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    let status = 0;
    // undici takes a handler for its current API by the presence of onRequestStart.
    pool.dispatch(options, {
      onRequestStart: () => undefined,
      onResponseStart: (_controller, statusCode) => {
        status = statusCode;
      },
      onResponseData: () => undefined,
      onResponseEnd: () => resolve(status),
      onResponseError: (_controller, error) => reject(error),
    });
  });
}
