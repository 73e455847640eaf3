/**
 * `npm run demo`: on the running local stack, one subscription per wire profile and a flaky one,
 * the sample event of every source document, and what each endpoint received, verified.
 */
import { randomBytes } from 'node:crypto';
import { sampleDataOf } from '@hookstream/contracts';
import { ApiClient } from './cli/api.client';
import { DEFAULT_GRPC_ADDRESS, resolveSettings } from './cli/cli.config';
import { CliError, EXIT } from './cli/cli.errors';
import type { Subscription } from './cli/subscriptions.commands';
import {
  DEMO_ENDPOINTS,
  DEMO_EVENT_TYPES,
  expectedDeliveries,
  type PlannedEvent,
  type PlannedSubscription,
} from './demo/demo.plan';
import { FLAKY_PATH, startDemoReceiver, type DemoReceiver } from './demo/demo.receiver';
import {
  renderDispatches,
  renderLogs,
  renderRequests,
  type DemoDispatch,
  type DemoLogEntry,
  type DemoRequest,
} from './demo/demo.report';
import { checkRequests } from './demo/demo.verify';

export interface DemoOptions {
  apiUrl: string;
  /** Creates a fresh organization and key for the demo; without it, apiKey's organization is used. */
  adminToken?: string;
  apiKey?: string;
  log?: (line: string) => void;
  timeoutMs?: number;
}

export interface DemoResult {
  organizationId: string;
  apiKey: string;
  subscriptions: PlannedSubscription[];
  events: PlannedEvent[];
  /** One test per subscription and one per (event, matching subscription), all delivered. */
  expectedDispatchIds: string[];
  /** Every request the receiver got, with its checks. */
  requests: DemoRequest[];
  logs: DemoLogEntry[];
  dispatches: DemoDispatch[];
  /** Every check of every request passed. */
  ok: boolean;
}

type Log = (line: string) => void;

const POLL_MS = 250;

async function waitUntil(
  what: string,
  deadline: number,
  check: () => Promise<boolean> | boolean,
): Promise<void> {
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`the demo timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const clientFor = (apiUrl: string, credentials: { apiKey?: string; adminToken?: string }): ApiClient =>
  new ApiClient({
    apiUrl,
    apiKey: credentials.apiKey,
    adminToken: credentials.adminToken,
    grpcAddress: DEFAULT_GRPC_ADDRESS,
    organizationId: undefined,
    json: false,
  });

/** A fresh organization and API key through the admin API, or the given key as it is. */
async function demoApiKey(options: DemoOptions, log: Log): Promise<string> {
  if (options.adminToken === undefined) {
    if (options.apiKey === undefined) throw new Error('the demo needs an admin token or an API key');
    log("Using the API key's default organization (no admin token given).");
    return options.apiKey;
  }
  const admin = clientFor(options.apiUrl, { adminToken: options.adminToken });
  const org = await admin.call<{ id: string }>('POST', '/admin/organizations', {
    body: { name: 'Hookstream demo' },
    auth: 'admin',
  });
  const key = await admin.call<{ key: string }>('POST', '/admin/api-keys', {
    body: { organizationIds: [org.id], defaultOrganizationId: org.id },
    auth: 'admin',
  });
  log(`Organization ${org.id} created, with API key ${key.key} (admin API).`);
  return key.key;
}

async function subscribeEndpoints(
  api: ApiClient,
  receiver: DemoReceiver,
  log: Log,
): Promise<PlannedSubscription[]> {
  log('\nSubscriptions:');
  const subscriptions: PlannedSubscription[] = [];
  for (const endpoint of DEMO_ENDPOINTS) {
    const body = {
      name: `demo ${endpoint.name}`,
      url: `${receiver.url}/${endpoint.name}`,
      events: endpoint.events,
      profile: endpoint.profile,
    };
    const created = await api.call<Subscription>('POST', '/webhooks', { body });
    subscriptions.push({ ...endpoint, id: created.id, secret: created.secret ?? '', testDispatchId: '' });
    const patterns = endpoint.events.join(', ');
    log(
      `  /${endpoint.name.padEnd(9)} ${created.id}  ${endpoint.profile.padEnd(8)}  ${patterns.padEnd(28)}  ${endpoint.about}`,
    );
  }
  return subscriptions;
}

/**
 * A test delivery waits for the dispatcher's routing table, so its arrival proves the subscription
 * is routed: events published after it are fanned out to it.
 */
async function awaitRouting(
  api: ApiClient,
  receiver: DemoReceiver,
  subs: PlannedSubscription[],
  deadline: number,
) {
  for (const sub of subs) {
    const body = sub.testEventType === undefined ? {} : { eventType: sub.testEventType };
    sub.testDispatchId = (
      await api.call<{ dispatchId: string }>('POST', `/webhooks/${sub.id}/test`, { body })
    ).dispatchId;
  }
  const arrived = (sub: PlannedSubscription): boolean =>
    receiver.requests.some((r) => r.headers['webhook-id'] === sub.testDispatchId);
  await waitUntil('the test deliveries', deadline, () => subs.every(arrived));
}

async function publishSamples(api: ApiClient, log: Log): Promise<PlannedEvent[]> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const occurredAt = new Date().toISOString();
  const events = DEMO_EVENT_TYPES.map((type, i) => ({
    id: `evt_demo_${runId}_${i}`,
    type,
    occurredAt,
    source: 'hookstream-demo',
    data: sampleDataOf(type) ?? {},
  }));
  await api.call('POST', '/events', { body: { events } });
  log(`Published ${events.length} events in one POST /events: ${DEMO_EVENT_TYPES.join(', ')}.`);
  log(
    `The ${FLAKY_PATH} endpoint fails each first attempt; the dispatcher retries after the first delay of\n` +
      'DELIVERY_RETRY_SCHEDULE (5s,5m,30m,... by default, so about 5 seconds on the local stack).\n',
  );
  return events.map(({ id, type }) => ({ id, type }));
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  log(`Hookstream demo against ${options.apiUrl}\n`);
  const apiKey = await demoApiKey(options, log);
  const api = clientFor(options.apiUrl, { apiKey });
  const receiver = await startDemoReceiver();
  try {
    log(`Receiver listening on ${receiver.url}, one path per subscription.`);
    const subscriptions = await subscribeEndpoints(api, receiver, log);
    const organizationId = (await api.call<Subscription>('GET', `/webhooks/${subscriptions[0]!.id}`))
      .organizationId;
    await awaitRouting(api, receiver, subscriptions, deadline);
    log(
      '\nTest deliveries (POST /webhooks/:id/test) arrived at every endpoint: all subscriptions are routed.',
    );
    const events = await publishSamples(api, log);

    const expected = expectedDeliveries(subscriptions, events);
    const ids = [...expected.keys()];
    const delivered = (id: string): boolean =>
      receiver.requests.some((r) => r.headers['webhook-id'] === id && r.answered < 300);
    await waitUntil(`${ids.length} deliveries`, deadline, () => ids.every(delivered));

    let dispatches: DemoDispatch[] = [];
    await waitUntil('the delivery log', deadline, async () => {
      const page = await api.call<{ data: { items: DemoDispatch[] } }>('GET', '/v2/webhook-dispatches', {
        query: { limit: 1000 },
      });
      dispatches = page.data.items.filter((d) => expected.has(d.id));
      return ids.every((id) => dispatches.some((d) => d.id === id && d.status === 'SUCCEEDED'));
    });
    const logs = (
      await api.call<{ items: DemoLogEntry[] }>('GET', '/webhooks/logs/all', { query: { limit: 200 } })
    ).items;
    const requests = checkRequests(receiver.requests, expected);
    const ok =
      requests.length === receiver.requests.length && requests.every((r) => r.checks.every((c) => c.ok));

    const names = new Map(subscriptions.map((s) => [s.id, `/${s.name}`]));
    log(`What each endpoint received (${requests.length} requests, ${ids.length} deliveries):`);
    log(renderRequests(requests));
    log('Delivery log, newest first (GET /webhooks/logs/all):');
    log(renderLogs(logs, names));
    log('Dispatches (GET /v2/webhook-dispatches):');
    log(renderDispatches(dispatches, names));
    log(
      ok
        ? 'Every delivery arrived and every signature verified.'
        : 'SOME CHECKS FAILED: see the ✗ marks above.',
    );

    // The receiver goes away with the demo: disabled subscriptions keep their logs and stop retrying.
    for (const sub of subscriptions)
      await api.call('PATCH', `/webhooks/${sub.id}`, { body: { active: false } });
    log(
      '\nThe demo subscriptions are now disabled (their receiver is gone); their logs stay. Look around with:\n' +
        `  export HOOKSTREAM_API_KEY=${apiKey}\n` +
        '  npx hookstream subscriptions list\n' +
        `  npx hookstream logs --subscription ${subscriptions.at(-1)!.id}\n` +
        `  npx hookstream dispatches show ${subscriptions.at(-1)!.testDispatchId}`,
    );
    return {
      organizationId,
      apiKey,
      subscriptions,
      events,
      expectedDispatchIds: ids,
      requests,
      logs,
      dispatches,
      ok,
    };
  } finally {
    await receiver.close();
  }
}

async function main(): Promise<number> {
  const settings = resolveSettings({});
  if (settings.adminToken === undefined && settings.apiKey === undefined) {
    process.stderr.write(
      'The demo runs on the local stack: start it with `npm run up` (or set HOOKSTREAM_ADMIN_TOKEN).\n',
    );
    return EXIT.usage;
  }
  const result = await runDemo({
    apiUrl: settings.apiUrl,
    adminToken: settings.adminToken,
    apiKey: settings.apiKey,
  });
  return result.ok ? EXIT.ok : EXIT.api;
}

if (require.main === module)
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(error instanceof CliError ? error.exitCode : EXIT.api);
    },
  );
