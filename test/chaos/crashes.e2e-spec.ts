import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { dispatchIdOf } from '@hookstream/contracts';
import { behaviours, REPO_ROOT, startReceiver, waitFor, type Receiver } from '@hookstream/testing';
import { startStack, type Stack, type Tenant } from '../support/stack';
import type { PublishedEvent } from '../support/oracle';
import {
  awaitRouted,
  CHAOS,
  COMPRESSED_ENV,
  expectSound,
  oracleReport,
  publish,
  ready,
  settle,
  sleep,
  subscribe,
} from './chaos.support';

/** Crashes and restarts of the processes the platform runs on: nothing acknowledged is lost. */
describe('crashes and restarts', () => {
  let stack: Stack;
  let receiver: Receiver;
  const report = oracleReport();

  beforeAll(async () => {
    [stack, receiver] = await Promise.all([startStack(COMPRESSED_ENV), startReceiver()]);
  });
  afterAll(async () => {
    report.print();
    await receiver?.close();
    await stack?.dispose();
  });

  const allReady = async (): Promise<void> => {
    await waitFor(
      'every service ready',
      async () =>
        (await Promise.all(Object.values(stack.services).map((s) => ready(s.httpUrl)))).every(
          (c) => c === 200,
        ),
      90_000,
    );
  };

  /** Publishes `count` events, `concurrency` at a time; `during(i)` runs before the i-th. */
  const burst = async (
    tenant: Tenant,
    count: number,
    during: (i: number) => Promise<void> = async () => undefined,
  ): Promise<PublishedEvent[]> => {
    const acknowledged: PublishedEvent[] = [];
    for (let i = 0; i < count; i += 4) {
      await during(i);
      const batch = await Promise.all([0, 1, 2, 3].map(() => publish(tenant, 'workflow.completed', 'burst')));
      for (const event of batch) if (event) acknowledged.push(event);
    }
    return acknowledged;
  };

  it('redelivers with the same webhook-id after kill -9 of the dispatcher holding a request', async () => {
    const tenant = await stack.tenant();
    const sub = await subscribe(tenant, receiver, '/held', ['workflow.completed']);
    const probes = await awaitRouted(tenant, receiver, sub, 'workflow.completed');
    receiver.route('/held', behaviours.hang());

    const event = await publish(tenant, 'workflow.completed', 'held');
    expect(event).not.toBeNull();
    const dispatchId = dispatchIdOf(event!.id, sub.id);
    const copies = () => receiver.requestsTo('/held').filter((r) => r.headers['webhook-id'] === dispatchId);
    // Killed while the request is held, well within the 2 s delivery timeout.
    await waitFor('request held by the receiver', async () => copies().length > 0, 30_000);
    await stack.services.dispatcher.kill();
    receiver.route('/held', behaviours.ok());
    await stack.services.dispatcher.restart();

    const result = report.add(
      await settle(tenant, {
        scenario: 'dispatcher kill -9 mid-request',
        events: [...probes, event!],
        subscriptions: [sub],
        requests: receiver.requests,
      }),
    );
    expectSound(result);
    expect(copies().length).toBeGreaterThanOrEqual(2);
    expect(new Set(copies().map((r) => r.body)).size).toBe(1);
  });

  it('delivers every acknowledged event after kill -9 of nats-server during a publish burst', async () => {
    const tenant = await stack.tenant();
    const sub = await subscribe(tenant, receiver, '/burst', ['workflow.completed']);
    const probes = await awaitRouted(tenant, receiver, sub, 'workflow.completed');

    let readinessWentRed = false;
    const events = await burst(tenant, 48, async (i) => {
      if (i !== 16) return;
      await stack.nats.kill();
      await waitFor(
        'dispatcher not ready while NATS is down',
        async () => (await ready(stack.services.dispatcher.httpUrl)) !== 200,
        20_000,
      );
      readinessWentRed = true;
      // Publishes while NATS is down are refused, not acknowledged.
      const refused = await publish(tenant, 'workflow.completed', 'down');
      expect(refused).toBeNull();
      await stack.nats.restart();
      await allReady();
    });
    expect(readinessWentRed).toBe(true);

    const result = report.add(
      await settle(tenant, {
        scenario: 'nats-server kill -9 during a burst',
        events: [...probes, ...events],
        subscriptions: [sub],
        requests: receiver.requests,
      }),
    );
    expectSound(result);
  });

  if (CHAOS) {
    it('reconnects by itself after nats-server is down for 60 s and loses nothing', async () => {
      const tenant = await stack.tenant();
      const sub = await subscribe(tenant, receiver, '/outage', ['workflow.completed']);
      const probes = await awaitRouted(tenant, receiver, sub, 'workflow.completed');
      const before = await burst(tenant, 20);
      await stack.nats.stop();
      await waitFor(
        'readiness red',
        async () =>
          (await Promise.all(Object.values(stack.services).map((s) => ready(s.httpUrl)))).every(
            (c) => c !== 200,
          ),
        30_000,
      );
      await sleep(60_000);
      await stack.nats.restart();
      await allReady();
      const after = await burst(tenant, 20);

      expectSound(
        report.add(
          await settle(tenant, {
            scenario: 'nats-server down 60 s',
            events: [...probes, ...before, ...after],
            subscriptions: [sub],
            requests: receiver.requests,
          }),
        ),
      );
    });

    it('changes nothing when a dispatcher stopped past the ack deadline acknowledges late', async () => {
      const tenant = await stack.tenant();
      const sub = await subscribe(tenant, receiver, '/stalled', ['workflow.completed']);
      const probes = await awaitRouted(tenant, receiver, sub, 'workflow.completed');
      receiver.route('/stalled', behaviours.delay(1_000));
      const events = await burst(tenant, 16);
      await receiver.waitForRequests(probes.length + 2, '/stalled');
      stack.services.dispatcher.pause();
      await sleep(40_000);
      stack.services.dispatcher.resume();
      await allReady();

      expectSound(
        report.add(
          await settle(
            tenant,
            {
              scenario: 'dispatcher SIGSTOP past ack wait',
              events: [...probes, ...events],
              subscriptions: [sub],
              requests: receiver.requests,
            },
            90_000,
          ),
        ),
      );
    });

    it('recovers from Postgres stopped with -m immediate during dispatch and projection', async () => {
      const tenant = await stack.tenant();
      const sub = await subscribe(tenant, receiver, '/pg', ['workflow.completed']);
      const probes = await awaitRouted(tenant, receiver, sub, 'workflow.completed');
      const before = await burst(tenant, 24);
      await stack.pg.stopImmediate();
      await sleep(3_000);
      await stack.pg.restart();
      await allReady();
      const after = await burst(tenant, 12);

      expectSound(
        report.add(
          await settle(
            tenant,
            {
              scenario: 'Postgres stop -m immediate',
              events: [...probes, ...before, ...after],
              subscriptions: [sub],
              requests: receiver.requests,
            },
            90_000,
          ),
        ),
      );
    });

    it('projects every fact after repeated kill -9 of the projector mid-batch, and a rebuild equals live', async () => {
      const tenant = await stack.tenant();
      const sub = await subscribe(tenant, receiver, '/projector', ['workflow.completed']);
      const probes = await awaitRouted(tenant, receiver, sub, 'workflow.completed');
      const projector = stack.services['log-projector'];
      const events = await burst(tenant, 60, async (i) => {
        if (i % 20 !== 8) return;
        await projector.kill();
        await projector.restart();
      });

      expectSound(
        report.add(
          await settle(
            tenant,
            {
              scenario: 'projector kill -9 repeated',
              events: [...probes, ...events],
              subscriptions: [sub],
              requests: receiver.requests,
            },
            90_000,
          ),
        ),
      );

      const verify = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'dist/apps/log-projector/src/cli.js'), 'verify'],
        {
          env: { PATH: process.env.PATH, DATABASE_URL: stack.databaseUrl, NATS_URL: stack.nats.url },
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect({ status: verify.status, out: verify.stdout, err: verify.stderr.slice(-2000) }).toMatchObject({
        status: 0,
      });
    });
  }
});
