import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import {
  behaviours,
  serviceEntry,
  startReceiver,
  waitFor,
  type Receiver,
  type ServiceName,
} from '@hookstream/testing';
import { startStack, type Stack } from '../support/stack';
import { judge, readLogs } from '../support/oracle';
import { awaitRouted, publish, subscribe } from '../chaos/chaos.support';

const SHUTDOWN_GRACE_MS = 5_000;

async function scrape(url: string): Promise<string> {
  const res = await request(`${url}/metrics`);
  expect(res.statusCode).toBe(200);
  return res.body.text();
}

/** The sum of a series' samples whose labels include `labels`; undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const set = match[2] ?? '';
    if (!Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) continue;
    total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

const declared = (text: string, pattern: RegExp): string[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('# TYPE '))
    .map((l) => l.split(' ')[2]!)
    .filter((name) => pattern.test(name));

/** What operators rely on: metrics that tell the truth, a clean SIGTERM, a refusal of bad configuration. */
describe('operations', () => {
  let stack: Stack;
  let receiver: Receiver;

  beforeAll(async () => {
    [stack, receiver] = await Promise.all([
      startStack({
        DELIVERY_TIMEOUT_MS: '2000',
        DELIVERY_RETRY_SCHEDULE: '1s,2s,4s',
        SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
      }),
      startReceiver(),
    ]);
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.dispose();
  });

  it('exposes the operational series with values that match a small workload', async () => {
    const tenant = await stack.tenant();
    const sub = await subscribe(tenant, receiver, '/metered', ['workflow.completed']);
    const probes = await awaitRouted(tenant, receiver, sub, 'workflow.completed');
    const events = [];
    for (let i = 0; i < 10; i += 1) events.push(await publish(tenant, 'workflow.completed', 'metered'));
    expect(events).not.toContain(null);
    const owed = [...probes, ...events.map((e) => e!)];
    await waitFor('all delivered and recorded', async () => {
      const result = judge({
        scenario: 'metrics',
        events: owed,
        subscriptions: [sub],
        requests: receiver.requests,
        logs: await readLogs(tenant, [sub.id]),
      });
      return result.lost === 0 && result.unrecorded.length === 0;
    });
    const requests = receiver.requestsTo('/metered');
    const dispatches = new Set(requests.map((r) => r.headers['webhook-id'])).size;

    const dispatcher = stack.services.dispatcher.httpUrl;
    const projector = stack.services['log-projector'].httpUrl;
    const subscriptions = stack.services.subscriptions.httpUrl;
    await waitFor('projector caught up and outbox drained', async () => {
      const [p, s] = await Promise.all([scrape(projector), scrape(subscriptions)]);
      return (
        sample(p, 'hookstream_projector_lag_messages') === 0 &&
        sample(s, 'hookstream_outbox_backlog_messages') === 0
      );
    });

    const d = await scrape(dispatcher);
    const s = await scrape(subscriptions);
    // One comparison, so that a failure lists every series that is missing or wrong.
    expect({
      dispatchesCreated: sample(d, 'hookstream_dispatches_created_total'),
      attemptsSucceeded2xx: sample(d, 'hookstream_delivery_attempts_total', {
        outcome: 'succeeded',
        status_class: '2xx',
      }),
      attempts: sample(d, 'hookstream_delivery_attempts_total'),
      attemptDurations: sample(d, 'hookstream_delivery_attempt_duration_seconds_count'),
      deliveryLatencies: sample(d, 'hookstream_delivery_latency_seconds_count'),
      // Every attempt's outcome fact was stored, and how long that took is on record.
      factStores: sample(d, 'hookstream_delivery_fact_store_seconds_count'),
      retriesPending: sample(d, 'hookstream_delivery_retries_pending'),
      subscriptionsDisabled: declared(d, /^hookstream_subscriptions_disabled_total$/).length,
      eventsRejected: declared(d, /^hookstream_events_rejected_total$/).length,
      // Consumer pending and redelivered counts of the dispatcher's durable consumers.
      consumerPending: declared(d, /consumer.*pending|pending.*consumer/).length > 0,
      consumerRedelivered: declared(d, /redeliver/).length > 0,
      // Every event the API acknowledged is counted by the subscriptions service.
      eventsIngested: declared(s, /events_ingested/).map((name) => (sample(s, name) ?? 0) >= owed.length),
      ingestRefused: declared(s, /^hookstream_events_refused_total$/).length,
    }).toEqual({
      dispatchesCreated: dispatches,
      attemptsSucceeded2xx: requests.length,
      attempts: requests.length,
      attemptDurations: requests.length,
      deliveryLatencies: requests.length,
      factStores: requests.length,
      retriesPending: 0,
      subscriptionsDisabled: 1,
      eventsRejected: 1,
      consumerPending: true,
      consumerRedelivered: true,
      eventsIngested: [true],
      ingestRefused: 1,
    });
  });

  it('exits within the grace period on SIGTERM during a burst, and a new dispatcher delivers every dispatch', async () => {
    const tenant = await stack.tenant();
    const sub = await subscribe(tenant, receiver, '/rolling', ['workflow.completed']);
    const probes = await awaitRouted(tenant, receiver, sub, 'workflow.completed');
    receiver.route('/rolling', behaviours.delay(300));
    const events = [];
    for (let i = 0; i < 40; i += 1) events.push(await publish(tenant, 'workflow.completed', 'rolling'));
    expect(events).not.toContain(null);
    await receiver.waitForRequests(probes.length + 3, '/rolling');

    const dispatcher = stack.services.dispatcher;
    const started = Date.now();
    await dispatcher.stop();
    const elapsed = Date.now() - started;
    // It left by itself (Nest re-raises SIGTERM after closing), not by a SIGKILL after the harness lost patience.
    expect(dispatcher.process.signalCode === 'SIGTERM' || dispatcher.process.exitCode === 0).toBe(true);
    expect(elapsed).toBeLessThan(SHUTDOWN_GRACE_MS + 10_000);

    await dispatcher.restart();
    const owed = [...probes, ...events.map((e) => e!)];
    let result = judge({
      scenario: 'rolling restart',
      events: owed,
      subscriptions: [sub],
      requests: receiver.requests,
    });
    await waitFor(
      'every dispatch delivered and recorded',
      async () => {
        result = judge({
          scenario: 'rolling restart',
          events: owed,
          subscriptions: [sub],
          requests: receiver.requests,
          logs: await readLogs(tenant, [sub.id]),
        });
        return result.lost === 0 && result.unrecorded.length === 0;
      },
      90_000,
    );
    expect({ lost: result.lost, unexpected: result.unexpected, badSignatures: result.badSignatures }).toEqual(
      {
        lost: 0,
        unexpected: 0,
        badSignatures: [],
      },
    );
  });

  describe('refuses a wrong or missing variable at boot, naming it', () => {
    const valid: Record<string, string> = {
      NATS_URL: 'nats://127.0.0.1:1',
      DATABASE_URL: 'postgres://user:password@127.0.0.1:1/hookstream',
      ADMIN_TOKEN: 'admin-token',
      SECRETS_KEY: randomBytes(32).toString('hex'),
      HTTP_PORT: '65010',
      GRPC_PORT: '65011',
    };
    const cases: Array<[ServiceName, string, string | undefined]> = [
      ['subscriptions', 'DATABASE_URL', undefined],
      ['subscriptions', 'SECRETS_KEY', 'not-hex'],
      ['subscriptions', 'ADMIN_TOKEN', undefined],
      ['subscriptions', 'MAX_EVENT_BYTES', 'lots'],
      ['dispatcher', 'SECRETS_KEY', undefined],
      ['dispatcher', 'DELIVERY_TIMEOUT_MS', '-5'],
      ['dispatcher', 'DELIVERY_RETRY_SCHEDULE', 'soon,later'],
      ['dispatcher', 'DELIVERY_DISABLE_AFTER', 'forever'],
      ['dispatcher', 'HTTP_PORT', 'eighty'],
      ['log-projector', 'DATABASE_URL', 'mysql://x@127.0.0.1/db'],
      ['log-projector', 'SHUTDOWN_GRACE_MS', 'soon'],
    ];

    it.each(cases)('%s with %s=%s', (service, name, value) => {
      const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...valid };
      if (value === undefined) delete env[name];
      else env[name] = value;
      const run = spawnSync(process.execPath, [serviceEntry(service)], {
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).not.toBe(0);
      expect(run.status).not.toBeNull();
      const output = `${run.stderr}${run.stdout}`;
      expect(output).toContain(name);
      // Only the variable at fault: the rest of the environment is valid.
      expect(Object.keys(valid).filter((other) => other !== name && output.includes(other))).toEqual([]);
    });
  });
});
