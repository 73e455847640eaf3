import { readFileSync } from 'node:fs';
import { dispatchIdOf } from '@hookstream/contracts';
import { behaviours, startReceiver, waitFor, type Receiver } from '@hookstream/testing';
import { startStack, type Stack, type Tenant } from '../support/stack';
import { readLogs, type WatchedSubscription } from '../support/oracle';
import {
  awaitRouted,
  COMPRESSED_ENV,
  expectSound,
  oracleReport,
  publish,
  settle,
  subscribe,
} from './chaos.support';

interface Dispatch {
  status: 'ACTIVE' | 'SUCCEEDED' | 'FAILED';
  calls: unknown[];
}
interface LogEntry {
  dispatchId: string;
  status: string;
  attempt: number;
  responseStatus: number | null;
  responseBody: string | null;
}

const rssBytes = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
};

/** Endpoints that fail, redirect, flood or hang: the dispatcher stays correct, bounded and fair. */
describe('hostile receivers', () => {
  let stack: Stack;
  let receiver: Receiver;
  let canary: Receiver;
  let neighbour: Receiver;
  const report = oracleReport();

  beforeAll(async () => {
    [receiver, canary, neighbour] = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
    // Only the receivers' ports are let through the address rules: the canary, on the same host, is not.
    stack = await startStack({
      ...COMPRESSED_ENV,
      DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${receiver.port},127.0.0.1:${neighbour.port}`,
    });
  });
  afterAll(async () => {
    report.print();
    await Promise.all([receiver?.close(), canary?.close(), neighbour?.close()]);
    await stack?.dispose();
  });

  /** A routed subscription whose route then behaves as given. */
  const hostile = async (
    tenant: Tenant,
    path: string,
    behaviour: Parameters<Receiver['route']>[1],
    extra = {},
  ) => {
    const sub = await subscribe(tenant, receiver, path, ['workflow.completed'], extra);
    await awaitRouted(tenant, receiver, sub, 'workflow.completed');
    receiver.route(path, behaviour);
    const event = await publish(tenant, 'workflow.completed', path.slice(1));
    if (!event) throw new Error('event not acknowledged');
    return { sub, dispatchId: dispatchIdOf(event.id, sub.id) };
  };

  const logsOf = async (tenant: Tenant, sub: WatchedSubscription, dispatchId: string): Promise<LogEntry[]> =>
    ((await readLogs(tenant, [sub.id])) as unknown as LogEntry[]).filter((l) => l.dispatchId === dispatchId);

  it('follows the retry schedule against an endpoint that always answers 500, then fails the dispatch', async () => {
    const tenant = await stack.tenant();
    const { sub, dispatchId } = await hostile(tenant, '/always-500', behaviours.status(500));

    let dispatch: Dispatch | undefined;
    await waitFor(
      'dispatch failed',
      async () => {
        const res = await tenant.call<{ data: Dispatch }>('GET', `/v2/webhook-dispatches/${dispatchId}`);
        dispatch = res.body?.data;
        return res.status === 200 && dispatch.status === 'FAILED';
      },
      45_000,
    );
    expect(dispatch!.calls).toHaveLength(4);
    const attempts = receiver.requestsTo(sub.path).filter((r) => r.headers['webhook-id'] === dispatchId);
    expect(attempts).toHaveLength(4);
    // Each retry waits at least its delay of the schedule 1s,2s,4s, less the 20 % jitter, after the previous attempt.
    const gaps = attempts.slice(1).map((r, i) => r.receivedAt - attempts[i]!.receivedAt);
    expect(gaps.map((gap, i) => gap >= [1000, 2000, 4000][i]! * 0.8 - 50)).toEqual([true, true, true]);
    const logs = await logsOf(tenant, sub, dispatchId);
    expect(logs.map((l) => l.status).sort()).toEqual(['failed', 'retrying', 'retrying', 'retrying']);
  });

  it('disables the subscription on 410 Gone, with a reason', async () => {
    const tenant = await stack.tenant();
    const { sub } = await hostile(tenant, '/gone', behaviours.status(410));
    await waitFor(
      'subscription disabled',
      async () => {
        const res = await tenant.call<{ active: boolean; disabledReason: string | null }>(
          'GET',
          `/webhooks/${sub.id}`,
        );
        return res.status === 200 && res.body.active === false && Boolean(res.body.disabledReason);
      },
      15_000,
    );
  });

  it('does not follow a redirect to a local address that is not allowed', async () => {
    const tenant = await stack.tenant();
    const { sub, dispatchId } = await hostile(
      tenant,
      '/redirect',
      behaviours.redirect(`${canary.url}/canary`),
    );
    await waitFor('attempt recorded', async () => (await logsOf(tenant, sub, dispatchId)).length > 0, 30_000);
    const [entry] = await logsOf(tenant, sub, dispatchId);
    expect(entry!.status).not.toBe('succeeded');
    expect(canary.connections()).toBe(0);
  });

  it('reads at most 64 KiB of a 1 GB response and keeps its memory bounded', async () => {
    const tenant = await stack.tenant();
    const pid = stack.services.dispatcher.process.pid!;
    const before = rssBytes(pid);
    const { sub, dispatchId } = await hostile(tenant, '/flood', behaviours.big(1024 ** 3));
    await waitFor('attempt recorded', async () => (await logsOf(tenant, sub, dispatchId)).length > 0, 30_000);
    const [entry] = await logsOf(tenant, sub, dispatchId);
    expect(entry!.responseStatus).toBe(200);
    expect(Buffer.byteLength(entry!.responseBody ?? '')).toBeLessThanOrEqual(64 * 1024);
    expect(rssBytes(pid) - before).toBeLessThan(128 * 1024 * 1024);
  });

  it('keeps delivering to a healthy endpoint while another one hangs', async () => {
    const tenant = await stack.tenant();
    // The hanging one first: the probes that route the healthy one are then all it ever receives before the burst.
    const stuck = await subscribe(tenant, receiver, '/stuck', ['workflow.completed'], { timeoutMs: 60_000 });
    await awaitRouted(tenant, receiver, stuck, 'workflow.completed');
    // Another origin: requests to one origin share its concurrency limit by design.
    const healthy = await subscribe(tenant, neighbour, '/healthy', ['workflow.completed']);
    const probes = await awaitRouted(tenant, neighbour, healthy, 'workflow.completed');
    const stuckBefore = receiver.requestsTo('/stuck').length;
    receiver.route('/stuck', behaviours.hang());
    const events = [];
    for (let i = 0; i < 40; i += 1) events.push(await publish(tenant, 'workflow.completed', 'fair'));
    expect(events).not.toContain(null);

    const result = report.add(
      await settle(tenant, {
        scenario: 'healthy endpoint beside a hanging one',
        events: [...probes, ...events.map((e) => e!)],
        subscriptions: [healthy],
        requests: neighbour.requests,
      }),
    );
    expectSound(result);
    // Every healthy delivery was recorded while the hanging endpoint still held its requests.
    const stuckIds = new Set(events.map((e) => dispatchIdOf(e!.id, stuck.id)));
    const stuckLogs = (await readLogs(tenant, [stuck.id])).filter((l) => stuckIds.has(l.dispatchId));
    expect(stuckLogs).toEqual([]);
    expect(receiver.requestsTo('/stuck').length).toBeGreaterThan(stuckBefore);
  });
});
