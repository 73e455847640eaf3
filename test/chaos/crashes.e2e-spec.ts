import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { dispatchIdOf } from '@hookstream/contracts';
import {
  behaviours,
  REPO_ROOT,
  startReceiver,
  waitFor,
  type Receiver,
  type ReceivedRequest,
} from '@hookstream/testing';
import { startStack, type Stack, type Tenant } from '../support/stack';
import { readLogs, type PublishedEvent } from '../support/oracle';
import { rawNats } from '../support/nats';
import {
  awaitRouted,
  CHAOS,
  COMPRESSED_ENV,
  eventId,
  expectSound,
  metric,
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

  it('terminates and records a poison event in the middle of the stream, and every later event flows', async () => {
    const tenant = await stack.tenant();
    const sub = await subscribe(tenant, receiver, '/poison', ['workflow.completed']);
    const probes = await awaitRouted(tenant, receiver, sub, 'workflow.completed');
    const dispatcher = stack.services.dispatcher;
    const rejected = (reason: string) =>
      metric(dispatcher.httpUrl, 'hookstream_events_rejected_total', { reason });
    const before = { json: await rejected('invalid_json'), data: await rejected('invalid_data') };
    const nats = await rawNats(stack.nats.url);
    try {
      const subject = `events.${tenant.organizationId}.workflow.completed`;
      const envelope = (id: string, data: unknown) =>
        JSON.stringify({
          id,
          type: 'workflow.completed',
          organizationId: tenant.organizationId,
          occurredAt: new Date().toISOString(),
          data,
        });
      const events: PublishedEvent[] = [...probes];
      const valid = async (n: number) => {
        for (let i = 0; i < n; i += 1) {
          const event = await publish(tenant, 'workflow.completed', 'around-poison');
          if (event) events.push(event);
        }
      };
      await valid(4);
      // Straight onto the stream, where no API validates: bytes that are not JSON, then data the schema refuses.
      const brokenId = eventId('broken');
      const brokenSeq = await nats.publish(subject, `{"id":"${brokenId}","type":"workflow.comp`, brokenId);
      const invalidId = eventId('invalid');
      const invalidSeq = await nats.publish(subject, envelope(invalidId, { status: 42 }), invalidId);
      // A valid envelope on the same raw path right behind them.
      const rawId = eventId('raw');
      await nats.publish(subject, envelope(rawId, { workflow_id: 'wf_raw', status: 'completed' }), rawId);
      events.push({ id: rawId, type: 'workflow.completed' });
      await valid(4);

      const result = report.add(
        await settle(tenant, {
          scenario: 'poison events mid-stream',
          events,
          subscriptions: [sub],
          requests: receiver.requests,
        }),
      );
      expectSound(result);
      // Terminated, not delivered, and recorded: counted by reason and logged with its stream sequence.
      const poisoned = new Set([brokenId, invalidId].map((id) => dispatchIdOf(id, sub.id)));
      expect(receiver.requestsTo('/poison').filter((r) => poisoned.has(r.headers['webhook-id']!))).toEqual(
        [],
      );
      expect({ json: await rejected('invalid_json'), data: await rejected('invalid_data') }).toEqual({
        json: before.json + 1,
        data: before.data + 1,
      });
      const lines = dispatcher
        .output()
        .split('\n')
        .filter((l) => l.includes('event rejected'));
      expect(lines.some((l) => l.includes(`"seq":${brokenSeq}`) && l.includes('invalid_json'))).toBe(true);
      expect(lines.some((l) => l.includes(`"seq":${invalidSeq}`) && l.includes('invalid_data'))).toBe(true);
    } finally {
      await nats.close();
    }
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
    it('delivers at most once more after kill -9 of the dispatcher between the 2xx and its outcome fact', async () => {
      const tenant = await stack.tenant();
      const sub = await subscribe(tenant, receiver, '/answered', ['workflow.completed']);
      const probes = await awaitRouted(tenant, receiver, sub, 'workflow.completed');
      const dispatcher = stack.services.dispatcher;
      const crash: { at?: number; exited?: Promise<void> } = {};
      // Late probes are answered as usual; only the event below ends in the crash.
      const isTheEvent = (request: ReceivedRequest) =>
        crash.at === undefined && request.body.includes('evt_answered_');
      receiver.route(
        '/answered',
        behaviours.notify({
          // Frozen before the 200 is written, so that it cannot act on it, however fast it would be:
          // the 2xx is then complete on the wire and the kill lands before its outcome fact, every time.
          onRequest: (request) => {
            if (isTheEvent(request)) dispatcher.pause();
          },
          onAnswered: (request) => {
            if (!isTheEvent(request)) return;
            crash.at = Date.now();
            crash.exited = dispatcher.kill();
          },
        }),
      );

      const event = await publish(tenant, 'workflow.completed', 'answered');
      expect(event).not.toBeNull();
      const dispatchId = dispatchIdOf(event!.id, sub.id);
      await waitFor(
        'the receiver answered and the dispatcher died',
        async () => crash.exited !== undefined,
        30_000,
      );
      await crash.exited;
      await dispatcher.restart();

      const result = report.add(
        await settle(
          tenant,
          {
            scenario: 'dispatcher kill -9 after the 2xx',
            events: [...probes, event!],
            subscriptions: [sub],
            requests: receiver.requests,
          },
          90_000,
        ),
      );
      expectSound(result);
      const copies = receiver.requestsTo('/answered').filter((r) => r.headers['webhook-id'] === dispatchId);
      expect(copies.length).toBeGreaterThanOrEqual(1);
      expect(copies.length).toBeLessThanOrEqual(2);
      expect(new Set(copies.map((r) => r.body)).size).toBe(1);
      // The log ends in success, recorded by the attempt made after the restart: the killed one left no outcome.
      const logs = (await readLogs(tenant, [sub.id])) as unknown as Array<{
        dispatchId: string;
        status: string;
        startedAt: string;
      }>;
      const entries = logs.filter((l) => l.dispatchId === dispatchId);
      expect(entries.map((l) => l.status)).toEqual(['succeeded']);
      expect(Date.parse(entries[0]!.startedAt)).toBeGreaterThanOrEqual(crash.at!);
    });

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
