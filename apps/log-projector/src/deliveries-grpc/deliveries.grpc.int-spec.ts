import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { REPO_ROOT, waitFor, type RunningService } from '@hookstream/testing';
import { dispatchOf, facts } from '../testing/delivery-facts.factory';
import { mixedWorkload } from '../testing/delivery-workload.factory';
import {
  createApiKey,
  publishFacts,
  startProjector,
  startStack,
  uniqueOrg,
  waitForProjection,
  type Stack,
} from '../testing/log-projector.int-fixture';
import type { DeliveryOutcomeMessage } from '@hookstream/contracts';
import type { DeliveryLogMessage, DispatchMessage } from './deliveries.grpc-mapping';

interface ListLogsResponse {
  items: DeliveryLogMessage[];
  total: number;
  limit: number;
  offset: number;
}
type Callback<T> = (error: grpc.ServiceError | null, value: T) => void;
interface DeliveriesClient extends grpc.Client {
  ListLogs(request: object, metadata: grpc.Metadata, callback: Callback<ListLogsResponse>): void;
  GetDispatch(request: object, metadata: grpc.Metadata, callback: Callback<DispatchMessage>): void;
  Watch(request: object, metadata: grpc.Metadata): grpc.ClientReadableStream<DeliveryOutcomeMessage>;
}

function deliveriesClient(address: string): DeliveriesClient {
  const definition = loadSync(join(REPO_ROOT, 'libs', 'contracts', 'proto', 'deliveries.proto'), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    hookstream: { v1: { Deliveries: unknown } };
  };
  const Deliveries = loaded.hookstream.v1.Deliveries as new (
    address: string,
    credentials: grpc.ChannelCredentials,
  ) => DeliveriesClient;
  return new Deliveries(address, grpc.credentials.createInsecure());
}

const auth = (key: string): grpc.Metadata => {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${key}`);
  return metadata;
};

const unary = <T>(call: (callback: Callback<T>) => void): Promise<T> =>
  new Promise((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value))));

/** Collects a server stream's messages until cancelled. */
function collect(stream: grpc.ClientReadableStream<DeliveryOutcomeMessage>): DeliveryOutcomeMessage[] {
  const seen: DeliveryOutcomeMessage[] = [];
  stream.on('data', (message: DeliveryOutcomeMessage) => seen.push(message));
  stream.on('error', () => undefined);
  return seen;
}

describe('gRPC hookstream.v1.Deliveries', () => {
  let stack: Stack;
  let service: RunningService;
  let client: DeliveriesClient;
  const orgA = uniqueOrg('ga');
  const orgB = uniqueOrg('gb');
  let keyA: string;
  let keyB: string;
  const a = mixedWorkload(orgA, 'wh_ga1', 'wh_ga2');
  const b = mixedWorkload(orgB, 'wh_gb1', 'wh_gb2');

  beforeAll(async () => {
    stack = await startStack();
    keyA = await createApiKey(stack.db, [orgA]);
    keyB = await createApiKey(stack.db, [orgB]);
    service = await startProjector(stack);
    client = deliveriesClient(service.grpcAddress);
  });
  afterAll(async () => {
    client?.close();
    await service?.stop();
    await stack?.dispose();
  });

  it("streams the caller's organization's outcomes and never another's", async () => {
    const streams = [
      client.Watch({}, auth(keyA)),
      client.Watch({}, auth(keyB)),
      client.Watch({ subscription_id: 'wh_ga1', kinds: ['succeeded'] }, auth(keyA)),
    ];
    const [seenA, seenB, seenA1] = streams.map(collect) as [
      DeliveryOutcomeMessage[],
      DeliveryOutcomeMessage[],
      DeliveryOutcomeMessage[],
    ];
    // A watch sees what commits after it started: probe until both are live.
    let probe = 0;
    await waitFor('both watches live', async () => {
      probe += 1;
      for (const [org, sub] of [
        [orgA, 'wh_ga1'],
        [orgB, 'wh_gb1'],
      ] as const)
        await publishFacts(stack.publisher, [
          facts.created(
            dispatchOf({ organizationId: org, subscriptionId: sub, eventId: `evt_probe_${probe}` }),
          ),
        ]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return seenA.length > 0 && seenB.length > 0;
    });

    await publishFacts(stack.publisher, [...a.facts, ...b.facts]);
    const workloadOf = (seen: DeliveryOutcomeMessage[]) =>
      seen.filter((o) => !o.event_id.startsWith('evt_probe_'));
    await waitFor(
      'every outcome watched',
      async () => workloadOf(seenA).length === a.facts.length && workloadOf(seenB).length === b.facts.length,
    );
    await waitFor('the filtered watch', async () => seenA1.length === 4);
    for (const stream of streams) stream.cancel();

    const idsOf = (list: typeof a.facts) =>
      new Set(
        list.map((f) =>
          'ref' in f.data
            ? f.data.ref.dispatchId
            : 'dispatch' in f.data
              ? f.data.dispatch.dispatchId
              : f.data.dispatchId,
        ),
      );
    const dispatchesA = idsOf(a.facts);
    const dispatchesB = idsOf(b.facts);
    expect(workloadOf(seenA).every((o) => dispatchesA.has(o.dispatch_id))).toBe(true);
    expect(workloadOf(seenB).every((o) => dispatchesB.has(o.dispatch_id))).toBe(true);
    expect(seenA.some((o) => o.subscription_id.startsWith('wh_gb'))).toBe(false);
    expect(seenB.some((o) => o.subscription_id.startsWith('wh_ga'))).toBe(false);
    expect(seenA1.map((o) => [o.subscription_id, o.kind, o.event_id])).toEqual([
      ['wh_ga1', 'succeeded', 'evt_ok'],
      ['wh_ga1', 'succeeded', 'evt_retried'],
      ['wh_ga1', 'succeeded', 'evt_test_1'],
      ['wh_ga1', 'succeeded', 'evt_replayed'],
    ]);
    const retry = workloadOf(seenA).find(
      (o) => o.kind === 'attempted' && o.event_id === 'evt_retried' && o.attempt === 1,
    );
    expect(retry).toMatchObject({
      dispatch_id: a.dispatches.retried.dispatchId,
      round: '',
      response_status: 503,
      error_message: 'HTTP 503',
      next_attempt_at: '2026-11-23T10:16:00.000Z',
      test: false,
    });
  });

  it('lists logs and reads dispatches of the caller only', async () => {
    await waitForProjection(stack);
    const logs = await unary<ListLogsResponse>((cb) =>
      client.ListLogs({ subscription_id: 'wh_ga1', status: 'failed' }, auth(keyA), cb),
    );
    expect(logs).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(logs.items.map((i) => i.event_id).sort()).toEqual(['evt_failed', 'evt_replayed']);
    const dispatch = await unary<DispatchMessage>((cb) =>
      client.GetDispatch({ dispatch_id: a.dispatches.replayed.dispatchId }, auth(keyA), cb),
    );
    expect(dispatch).toMatchObject({
      id: a.dispatches.replayed.dispatchId,
      organization_id: orgA,
      status: 'SUCCEEDED',
    });
    expect(dispatch.calls).toHaveLength(3);
    expect(JSON.parse(dispatch.event_data_json)).toEqual(a.dispatches.replayed.event.data);

    const foreign = unary((cb) =>
      client.GetDispatch({ dispatch_id: b.dispatches.ok.dispatchId }, auth(keyA), cb),
    );
    await expect(foreign).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    const foreignLogs = unary((cb) => client.ListLogs({ subscription_id: 'wh_gb1' }, auth(keyA), cb));
    await expect(foreignLogs).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    const anonymous = unary((cb) => client.ListLogs({}, new grpc.Metadata(), cb));
    await expect(anonymous).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  });
});
