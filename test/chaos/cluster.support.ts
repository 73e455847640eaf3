import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, startNatsCluster, startPostgres, waitFor, type NatsCluster } from '@hookstream/testing';
import { dispatchIdOf, STREAMS } from '@hookstream/contracts';
import { request } from 'undici';
import type { Receiver } from '@hookstream/testing';
import { startStackOn, type StackOn, type Tenant } from '../support/stack';
import type { OracleResult, PublishedEvent, WatchedSubscription } from '../support/oracle';
import { rawNats } from '../support/nats';
import { COMPRESSED_ENV, eventId, publish, ready, sleep } from './chaos.support';

export type ClusterStack = StackOn<NatsCluster>;

/** The three services on a three-node cluster, every stream with three replicas, as in production. */
export async function startClusterStack(): Promise<ClusterStack> {
  const [cluster, pg] = await Promise.all([startNatsCluster({ nodes: 3 }), startPostgres()]);
  return startStackOn(cluster, pg, { ...COMPRESSED_ENV, JETSTREAM_REPLICAS: '3' });
}

export async function allReady(stack: ClusterStack, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    'every service ready',
    async () =>
      (await Promise.all(Object.values(stack.services).map((s) => ready(s.httpUrl)))).every((c) => c === 200),
    timeoutMs,
  );
}

const workflowEvent = (label: string): Record<string, unknown> => {
  const id = eventId(label);
  return {
    id,
    type: 'workflow.completed',
    occurredAt: new Date().toISOString(),
    data: { workflow_id: `wf_${id}` },
  };
};

/**
 * Posts one batch until the API answers 202, always with the same ids: what an upstream that
 * wants its events delivered does when a publish was not acknowledged (a 503 may have stored
 * some of them; the retry stores the rest, and the stream deduplicates the others).
 */
export async function publishAccepted(
  tenant: Tenant,
  count: number,
  label: string,
  timeoutMs = 60_000,
): Promise<PublishedEvent[]> {
  const events = Array.from({ length: count }, () => workflowEvent(label));
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const res = await tenant.call('POST', '/events', { events }).catch(() => null);
    if (res?.status === 202) return events.map((e) => ({ id: e.id as string, type: e.type as string }));
    if (res && res.status >= 400 && res.status < 500)
      throw new Error(`publish: ${res.status} ${JSON.stringify(res.body)}`);
    if (Date.now() > deadline) throw new Error(`a batch of ${label} was not accepted in ${timeoutMs} ms`);
    await sleep(Math.min(2_000, 100 * 2 ** attempt));
  }
}

/** Publishes `perSecond` events every second in batches of a tenth, each batch retried until accepted. */
export function steadyPublisher(tenant: Tenant, perSecond: number, label: string) {
  const accepted: PublishedEvent[] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  const started = Date.now();
  const timer = setInterval(() => {
    // Batches retried for long would otherwise pile up without bound while a node is away.
    if (inFlight.size >= 50) return;
    sent += perSecond / 10;
    const batch = publishAccepted(tenant, perSecond / 10, label).then((events) => {
      accepted.push(...events);
    });
    inFlight.add(batch);
    void batch.finally(() => inFlight.delete(batch)).catch(() => undefined);
  }, 100);
  return {
    get accepted(): number {
      return accepted.length;
    },
    /** Stops sending, waits for the batches in flight, and returns every acknowledged event. */
    stop: async (): Promise<{ events: PublishedEvent[]; sent: number; seconds: number }> => {
      clearInterval(timer);
      await Promise.all(inFlight);
      return { events: accepted, sent, seconds: (Date.now() - started) / 1000 };
    },
  };
}

/** `hookstream projector verify`: the live read model equals a rebuild from DELIVERIES. */
export function verifyProjection(stack: ClusterStack): { status: number | null; out: string; err: string } {
  const verify = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'dist/apps/log-projector/src/cli.js'), 'verify'],
    {
      env: { PATH: process.env.PATH, DATABASE_URL: stack.databaseUrl, NATS_URL: stack.nats.url },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { status: verify.status, out: verify.stdout, err: verify.stderr.slice(-2000) };
}

/** Every node holds the whole of a stream: its own copy ends at the leader's last sequence. */
export async function expectReplicasComplete(cluster: NatsCluster, stream: string): Promise<void> {
  const { lastSeq } = await cluster.streamCluster(stream);
  await waitFor(
    `every copy of ${stream} at ${lastSeq}`,
    async () => {
      const states = await Promise.all(
        cluster.nodes.map((n) => n.streamState(stream).catch(() => undefined)),
      );
      return states.every((s) => s !== undefined && s.lastSeq >= lastSeq);
    },
    60_000,
  );
}

/**
 * awaitRouted, given longer: after a node that hosted the dispatcher's ordered SUBSCRIPTIONS
 * consumer dies, the client recreates it after 5 s of silence, then waits for the elections the
 * loss causes; until then new subscriptions are not routed. Probes keep arriving meanwhile.
 */
export async function awaitRoutedOnCluster(
  tenant: Tenant,
  receiver: Receiver,
  subscription: WatchedSubscription,
): Promise<PublishedEvent[]> {
  const probes: PublishedEvent[] = [];
  await waitFor(
    `${subscription.path} routed`,
    async () => {
      const probe = await publish(tenant, 'workflow.completed', 'probe');
      if (probe) probes.push(probe);
      await sleep(400);
      return receiver.requestsTo(subscription.path).length > 0;
    },
    90_000,
  );
  // Only the probes that arrived are owed: the others were fanned out before the subscription was known.
  const arrived = new Set(receiver.requestsTo(subscription.path).map((r) => r.headers['webhook-id']));
  return probes.filter((p) => arrived.has(dispatchIdOf(p.id, subscription.id)));
}

/**
 * For a failed scenario: where each dispatch the oracle misses stands on DELIVERIES (which facts
 * were stored), where the consumers stand, and what the services report, so that a run that
 * fails once says whether a fact was never stored or stored and not projected.
 */
export async function explainUnsound(
  stack: ClusterStack,
  tenant: Tenant,
  result: OracleResult,
): Promise<string> {
  const missing = [...result.unrecorded, ...result.lostIds];
  if (missing.length === 0) return '';
  const lines: string[] = [];
  const raw = await rawNats(stack.nats.url);
  try {
    const facts = await raw.read(STREAMS.deliveries, `deliveries.${tenant.organizationId}.>`);
    for (const id of missing) {
      const stored = facts
        .filter((f) => f.data.includes(id))
        .map((f) => `${f.seq} ${f.subject.split('.').pop()}`);
      lines.push(`${id}: ${stored.join(', ') || 'no fact on DELIVERIES'}`);
    }
    const jsm = await raw.js.jetstreamManager();
    for (const stream of [STREAMS.events, STREAMS.deliveries]) {
      const info = await jsm.streams.info(stream);
      lines.push(`${stream}: last seq ${info.state.last_seq}, leader ${info.cluster?.leader}`);
      for await (const c of jsm.consumers.list(stream))
        lines.push(
          `  ${c.name} on ${c.cluster?.leader}: delivered ${c.delivered.stream_seq}, pending ${c.num_pending}, ack pending ${c.num_ack_pending}, waiting ${c.num_waiting}`,
        );
    }
  } finally {
    await raw.close();
  }
  for (const [name, service] of Object.entries(stack.services)) {
    const res = await request(`${service.httpUrl}/health/ready`).catch(() => undefined);
    lines.push(`${name} ready: ${res ? await res.body.text() : 'unreachable'}`, service.output());
  }
  return lines.join('\n');
}
