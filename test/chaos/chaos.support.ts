import { request } from 'undici';
import { dispatchIdOf } from '@hookstream/contracts';
import { waitFor, type Receiver } from '@hookstream/testing';
import type { Stack, Tenant } from '../support/stack';
import {
  formatTable,
  judge,
  readLogs,
  type OracleInput,
  type OracleResult,
  type PublishedEvent,
  type WatchedSubscription,
} from '../support/oracle';

/** `npm run test:chaos` sets it: the long scenarios run only then. */
export const CHAOS = process.env.CHAOS === '1';

/** Compressed delivery timings, so that schedules and disabling fit in a test. */
export const COMPRESSED_ENV = {
  DELIVERY_TIMEOUT_MS: '2000',
  DELIVERY_RETRY_SCHEDULE: '1s,2s,4s',
  DELIVERY_DISABLE_AFTER: '30s',
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let sequence = 0;
export const eventId = (label: string): string => `evt_${label}_${process.pid}_${Date.now()}_${sequence++}`;

/** Publishes one workflow event; resolves with it when acknowledged (202), with null when unavailable. */
export async function publish(tenant: Tenant, type: string, label: string): Promise<PublishedEvent | null> {
  const id = eventId(label);
  const event = {
    id,
    type,
    occurredAt: new Date().toISOString(),
    data: { workflow_id: `wf_${id}`, status: 'completed' },
  };
  const res = await tenant.call('POST', '/events', event).catch(() => null);
  // A refusal of the request itself is a mistake of the test, not an outage.
  if (res && res.status >= 400 && res.status < 500)
    throw new Error(`publish: ${res.status} ${JSON.stringify(res.body)}`);
  return res?.status === 202 ? { id, type } : null;
}

export async function subscribe(
  tenant: Tenant,
  receiver: Receiver,
  path: string,
  events: string[],
  extra: Record<string, unknown> = {},
): Promise<WatchedSubscription> {
  const res = await tenant.call<{ id: string; secret: string }>('POST', '/webhooks', {
    name: `chaos ${path}`,
    url: `${receiver.url}${path}`,
    events,
    ...extra,
  });
  if (res.status !== 201) throw new Error(`subscribe ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, secret: res.body.secret, events, path };
}

/**
 * The routing table learns of a subscription asynchronously: publishes probes until one reaches
 * the receiver. Probes published before the subscription was routed are owed nothing; the ones
 * that arrived are returned for the oracle.
 */
export async function awaitRouted(
  tenant: Tenant,
  receiver: Receiver,
  subscription: WatchedSubscription,
  type: string,
): Promise<PublishedEvent[]> {
  const probes: PublishedEvent[] = [];
  await waitFor(
    `${subscription.path} routed`,
    async () => {
      const probe = await publish(tenant, type, 'probe');
      if (probe) probes.push(probe);
      await sleep(400);
      return receiver.requestsTo(subscription.path).length > 0;
    },
    30_000,
  );
  const arrived = new Set(receiver.requestsTo(subscription.path).map((r) => r.headers['webhook-id']));
  return probes.filter((p) => arrived.has(dispatchIdOf(p.id, subscription.id)));
}

/** Waits until the oracle finds nothing lost (or the time is up), then returns its verdict. */
export async function settle(
  tenant: Tenant,
  input: Omit<OracleInput, 'logs'>,
  timeoutMs = 45_000,
): Promise<OracleResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = await readLogs(
      tenant,
      input.subscriptions.map((s) => s.id),
    ).catch(() => undefined);
    const result = judge({ ...input, ...(logs ? { logs } : {}) });
    const complete = result.lost === 0 && logs !== undefined && result.unrecorded.length === 0;
    if (complete || Date.now() > deadline) return result;
    await sleep(500);
  }
}

/** The rows of one spec file, printed as a table when the file ends. */
export function oracleReport(): { add(result: OracleResult): OracleResult; print(): void } {
  const rows: OracleResult[] = [];
  return {
    add: (result) => {
      rows.push(result);
      return result;
    },
    print: () => {
      if (rows.length > 0) process.stdout.write(`\n${formatTable(rows)}\n`);
    },
  };
}

/** The oracle's invariants: nothing lost, nothing unexpected, every signature valid, all recorded. */
export function expectSound(result: OracleResult): void {
  expect({
    lost: result.lostIds,
    unexpected: result.unexpectedIds,
    badSignatures: result.badSignatures,
    unrecorded: result.unrecorded,
  }).toEqual({ lost: [], unexpected: [], badSignatures: [], unrecorded: [] });
  expect(result.expected).toBeGreaterThan(0);
}

export async function ready(url: string): Promise<number> {
  try {
    const res = await request(`${url}/health/ready`);
    await res.body.dump();
    return res.statusCode;
  } catch {
    return 0;
  }
}

/** The sum of a series' samples on /metrics whose labels include `labels` (0 when there is none). */
export async function metric(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const res = await request(`${url}/metrics`);
  const text = await res.body.text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    if (wanted.every((label) => (match[2] ?? '').includes(label))) total += Number(match[3]);
  }
  return total;
}

export type { Stack, Tenant };
