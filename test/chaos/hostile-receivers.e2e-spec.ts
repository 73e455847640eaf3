import { readFileSync } from 'node:fs';
import { dispatchIdOf } from '@hookstream/contracts';
import { behaviours, startReceiver, waitFor, type Receiver } from '@hookstream/testing';
import { startStack, type Stack, type Tenant } from '../support/stack';
import { readLogs, type PublishedEvent, type WatchedSubscription } from '../support/oracle';
import {
  awaitRouted,
  CHAOS,
  COMPRESSED_ENV,
  expectSound,
  oracleReport,
  publish,
  settle,
  sleep,
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
  errorMessage: string | null;
  startedAt: string;
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
    const probes = await awaitRouted(tenant, receiver, sub, 'workflow.completed');
    receiver.route(path, behaviour);
    const event = await publish(tenant, 'workflow.completed', path.slice(1));
    if (!event) throw new Error('event not acknowledged');
    return { sub, probes, event, dispatchId: dispatchIdOf(event.id, sub.id) };
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

  it.each([
    ['the canary on 127.0.0.1', '/redirect-local', () => `${canary.url}/canary`],
    [
      'the metadata address 169.254.169.254',
      '/redirect-metadata',
      () => 'http://169.254.169.254/latest/meta-data/',
    ],
  ])('does not follow a 302 to %s', async (_, path, location) => {
    const tenant = await stack.tenant();
    const { sub, dispatchId } = await hostile(tenant, path, behaviours.redirect(location()));
    await waitFor('attempt recorded', async () => (await logsOf(tenant, sub, dispatchId)).length > 0, 30_000);
    const [entry] = await logsOf(tenant, sub, dispatchId);
    expect(entry).toMatchObject({
      status: 'retrying',
      responseStatus: 302,
      errorMessage: expect.stringMatching(/HTTP 302: redirects are not followed/),
    });
    // Listens on 127.0.0.1 beside the receivers but is not allow-listed: nothing may reach it.
    expect(canary.connections()).toBe(0);
  });

  // Each fails its first attempts in its own way, then recovers: retried on schedule, delivered once recovered.
  it.each([
    [
      'a connection reset',
      [behaviours.reset(), behaviours.reset(), behaviours.ok()],
      /connection (reset|closed)/,
    ],
    [
      'a byte-per-second response body',
      [behaviours.trickle(1, 60), behaviours.ok()],
      /timed out after 2000 ms reading the body of an HTTP 200 response/,
    ],
    ['an endpoint that never answers', [behaviours.hang(), behaviours.ok()], /timed out after 2000 ms/],
  ])('retries %s until it recovers', async (label, steps, error) => {
    const tenant = await stack.tenant();
    const path = `/${label.replace(/\W+/g, '-')}`;
    const { sub, probes, event, dispatchId } = await hostile(tenant, path, behaviours.sequence(...steps));
    const result = report.add(
      await settle(tenant, {
        scenario: `receiver: ${label}`,
        events: [...probes, event],
        subscriptions: [sub],
        requests: receiver.requests,
      }),
    );
    // A reset or a cut-off request never answered: the copies it received are not duplicates of a delivery.
    expectSound(result);
    const logs = (await logsOf(tenant, sub, dispatchId)).sort((a, b) => a.attempt - b.attempt);
    expect(logs.map((l) => l.status)).toEqual([...steps.slice(1).map(() => 'retrying'), 'succeeded']);
    for (const failed of logs.slice(0, -1))
      expect({ status: failed.responseStatus, error: failed.errorMessage }).toEqual({
        status: null,
        error: expect.stringMatching(error),
      });
    expect(receiver.requestsTo(path).filter((r) => r.headers['webhook-id'] === dispatchId)).toHaveLength(
      steps.length,
    );
  });

  it('waits at least as long as a 429 Retry-After asks before the next attempt', async () => {
    const tenant = await stack.tenant();
    // Longer than the first delay of the schedule (1 s), so the header, not the schedule, sets the wait.
    const { sub, probes, event, dispatchId } = await hostile(
      tenant,
      '/throttled',
      behaviours.sequence(behaviours.retryAfter(5, 429), behaviours.ok()),
    );
    const result = report.add(
      await settle(tenant, {
        scenario: 'receiver: 429 Retry-After 5',
        events: [...probes, event],
        subscriptions: [sub],
        requests: receiver.requests,
      }),
    );
    expectSound(result);
    const attempts = receiver.requestsTo('/throttled').filter((r) => r.headers['webhook-id'] === dispatchId);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(5_000);
    const logs = (await logsOf(tenant, sub, dispatchId)).sort((a, b) => a.attempt - b.attempt);
    expect(logs.map((l) => [l.status, l.responseStatus])).toEqual([
      ['retrying', 429],
      ['succeeded', 200],
    ]);
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
  if (CHAOS) {
    it('disables an endpoint that fails for DELIVERY_DISABLE_AFTER (30 s) and announces it with webhook.disabled', async () => {
      const tenant = await stack.tenant();
      // On the neighbour's origin: requests still held by the hanging endpoint above fill the receiver's.
      // Routed before the dead subscription: SUBSCRIPTIONS is read in order, so routing the dead one routes it too.
      const watcher = await subscribe(tenant, neighbour, '/disabled-notices', ['webhook.disabled']);
      const dead = await subscribe(tenant, neighbour, '/dead', ['workflow.completed']);
      await awaitRouted(tenant, neighbour, dead, 'workflow.completed');
      neighbour.route('/dead', behaviours.status(500));
      const startedFailing = Date.now();

      type Reading = { active: boolean; disabledReason: string | null };
      let reading: Reading | undefined;
      const published: PublishedEvent[] = [];
      // New events keep failing past the window; the decision falls on the first failure after it.
      while (Date.now() - startedFailing < 90_000) {
        const event = await publish(tenant, 'workflow.completed', 'dead');
        if (event) published.push(event);
        await sleep(3_000);
        reading = (await tenant.call<Reading>('GET', `/webhooks/${dead.id}`)).body;
        if (!reading.active) break;
      }
      const disabledAfter = Date.now() - startedFailing;
      expect(reading).toMatchObject({ active: false, disabledReason: expect.stringMatching(/\S/) });
      // Not before the window: 30 s of failures without a success.
      expect(disabledAfter).toBeGreaterThanOrEqual(30_000);

      const [notice] = await neighbour.waitForRequests(1, watcher.path);
      const body = JSON.parse(notice!.body) as {
        type: string;
        data: { subscriptionId: string; reason: string };
      };
      expect(body).toMatchObject({
        type: 'webhook.disabled',
        data: { subscriptionId: dead.id, reason: expect.stringMatching(/\S/) },
      });
      expect(reading!.disabledReason).toContain(body.data.reason);

      // Disabled means no more requests: an event published now reaches nobody.
      await sleep(2_000);
      const after = await publish(tenant, 'workflow.completed', 'after-disable');
      expect(after).not.toBeNull();
      await sleep(5_000);
      expect(
        neighbour
          .requestsTo('/dead')
          .filter((r) => r.headers['webhook-id'] === dispatchIdOf(after!.id, dead.id)),
      ).toEqual([]);
      expect(published.length).toBeGreaterThan(0);
    });
  }
});
