import { dispatchIdOf, sampleDataOf, subjects, type EventEnvelope } from '@hookstream/contracts';
import {
  behaviours,
  startReceiver,
  startReceiverProcess,
  waitFor,
  type Behaviour,
} from '@hookstream/testing';
import { DispatcherHarness } from './dispatcher.harness';

/**
 * How organization A's endpoint misbehaves. `floor`: A's backlog selects none of A's
 * subscriptions, so nothing is delivered for it; what B waits for then is the stream storing A's
 * events and the fan-out reading them, the least any backlog of that size can cost B.
 */
export type BadEndpoint = 'hang' | 'slow' | 'error' | 'flood' | 'floor';

export interface IsolationOptions {
  bad: BadEndpoint;
  /** Events published to organization A's endpoint at once, in batches of 100. */
  backlog: number;
  /** Organization B's steady rate, events per second. */
  healthyRate: number;
  /** How long B is measured before the backlog and during it. */
  baselineMs: number;
  duringMs: number;
  env?: Record<string, string>;
}

export interface IsolationResult {
  bad: BadEndpoint;
  backlog: number;
  baselineP99Ms: number;
  duringP99Ms: number;
  duringMaxMs: number;
  /**
   * B's p99 during the backlog from the moment EVENTS stored its event (the event's publishedAt)
   * to its arrival: the dispatcher's share, without the wait for the stream to store the event
   * behind A's (which with `sync_interval: always` is one fsync per message, in order).
   */
  duringP99FromStoredMs: number;
  /**
   * B's p99 split at the moment EVENTS had stored the whole of A's backlog: B's events published
   * while A's were still being stored, and those published after, while A's endpoint still
   * misbehaves and its dispatches are handed off, parked, retried or drained.
   */
  whileStoringP99Ms?: number;
  afterStoredP99Ms?: number;
  /** How long EVENTS took to store A's backlog, from its first publish to the last acknowledgement. */
  backlogStoredInMs: number;
  /** max(2 × the p99 before, 50 ms): the bound the issue sets. */
  boundMs: number;
  healthySent: number;
  healthyMissing: number;
  /** A's dispatches with no success once its endpoint answers again (the oracle's "lost"). */
  badLost: number;
  /** Requests A's endpoint received for a webhook-id that is none of A's dispatches. */
  badUnexpected: number;
  recoveredInMs: number;
}

const BEHAVIOURS: Record<BadEndpoint, Behaviour> = {
  hang: behaviours.hang(),
  slow: behaviours.delay(2_000),
  error: behaviours.status(500),
  flood: behaviours.delay(200),
  floor: behaviours.ok(),
};

/** B's first events, sent before it is measured. */
const WARM_UP_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function p99(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

/** No p99 of no samples (B sent nothing in that part of the window). */
function p99OrNone(values: number[]): number | undefined {
  return values.length === 0 ? undefined : p99(values);
}

/**
 * Organization A's endpoint misbehaves under a backlog while organization B's healthy endpoint
 * gets a steady rate: B's published → received latency before and during, and, once A's endpoint
 * answers again, whether every one of A's dispatches was delivered.
 */
export async function runIsolation(
  harness: DispatcherHarness,
  options: IsolationOptions,
): Promise<IsolationResult> {
  const bad = await startReceiver();
  // B's endpoint runs in a process of its own, as a customer's would: its receive times must not
  // wait for this process's own work (publishing A's backlog, reading A's facts).
  const good = await startReceiverProcess();
  const goodPort = new URL(good.origin).port;
  const dispatcher = await harness.startDispatcher({
    DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${bad.port},127.0.0.1:${goodPort}`,
    DELIVERY_CIRCUIT_PROBE_BASE: '1s',
    DELIVERY_CIRCUIT_PROBE_MAX: '2s',
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  try {
    bad.route('/a', BEHAVIOURS[options.bad]);
    const orgA = DispatcherHarness.organization();
    const orgB = DispatcherHarness.organization();
    const selected = options.bad !== 'floor';
    // A's backlog is of workflow.completed: the floor's subscription selects another type.
    const a = await harness.subscribe({
      organizationId: orgA,
      url: `${bad.url}/a`,
      events: [selected ? 'workflow.*' : 'workflow.started'],
    });
    const b = await harness.subscribe({
      organizationId: orgB,
      url: `${good.origin}/b`,
      events: ['workflow.*'],
    });
    const data = sampleDataOf('workflow.completed')!;
    const sentAt = new Map<string, number>();
    const eventOf = new Map<string, string>();

    const steady = async (ms: number): Promise<string[]> => {
      const ids: string[] = [];
      const interval = 1_000 / options.healthyRate;
      const start = Date.now();
      for (let i = 0; Date.now() - start < ms; i++) {
        const event = harness.event(orgB, 'workflow.completed', data);
        const id = dispatchIdOf(event.id, b.state.id);
        ids.push(id);
        eventOf.set(id, event.id);
        sentAt.set(id, Date.now());
        void harness.publishEvent(event);
        await sleep(Math.max(0, start + (i + 1) * interval - Date.now()));
      }
      return ids;
    };
    const receivedAt = async (): Promise<Map<string, number>> => {
      const { webhookIds, receivedAt: times } = await good.arrivals();
      return new Map(webhookIds.map((id, i) => [id, times[i]!]));
    };
    const latencies = (ids: string[], received: Map<string, number>): number[] =>
      ids.flatMap((id) => (received.has(id) ? [received.get(id)! - sentAt.get(id)!] : []));

    // Connections, the new origin's first answers and the JIT are warmed up before B is measured.
    const warmUp = await steady(WARM_UP_MS);
    const before = await steady(options.baselineMs);
    const backlog: EventEnvelope[] = Array.from({ length: options.backlog }, () =>
      harness.event(orgA, 'workflow.completed', data),
    );
    const floodStart = Date.now();
    let storedAllAt = Number.POSITIVE_INFINITY;
    const flooding = (async () => {
      for (let i = 0; i < backlog.length; i += 100)
        await Promise.all(backlog.slice(i, i + 100).map((event) => harness.publishEvent(event)));
      storedAllAt = Date.now();
    })();
    const during = await steady(options.duringMs);
    await flooding;
    const all = [...warmUp, ...before, ...during];
    await waitFor(
      'B delivered',
      async () => latencies(all, await receivedAt()).length === all.length,
      60_000,
    ).catch(() => undefined);

    // A's outcomes are read only now, so that reading them cost nothing while B was measured.
    const recoveryStart = Date.now();
    bad.route('/a', behaviours.ok());
    const succeededFacts = harness.facts(orgA, { subscriptionId: a.state.id, kind: 'succeeded' });
    const expected = new Set(selected ? backlog.map((event) => dispatchIdOf(event.id, a.state.id)) : []);
    const succeeded = (): Set<string> =>
      new Set(
        succeededFacts.items.flatMap((fact) =>
          fact.type === 'dispatch.succeeded' && expected.has(fact.data.ref.dispatchId)
            ? [fact.data.ref.dispatchId]
            : [],
        ),
      );
    await waitFor(
      'A delivered after recovery',
      async () => succeeded().size === expected.size,
      240_000,
    ).catch(() => undefined);
    const recoveredInMs = Date.now() - recoveryStart;
    const received = await receivedAt();
    const stored = harness.storedAt(subjects.eventFilter(orgB, '>'));
    await stored
      .waitFor('B stored times', (items) => items.length >= all.length, 30_000)
      .catch(() => undefined);
    const storedAt = new Map(stored.items.map((item) => [item.eventId, item.storedAtMs]));
    await stored.stop();
    const fromStored = during.flatMap((id) => {
      const at = storedAt.get(eventOf.get(id)!);
      return at !== undefined && received.has(id) ? [received.get(id)! - at] : [];
    });
    const baselineP99Ms = p99(latencies(before, received));
    const duringLatencies = latencies(during, received);
    const whileStoring = during.filter((id) => sentAt.get(id)! < storedAllAt);
    const afterStored = during.filter((id) => sentAt.get(id)! >= storedAllAt);
    const delivered = succeeded().size;
    await succeededFacts.stop();
    return {
      bad: options.bad,
      backlog: options.backlog,
      baselineP99Ms,
      duringP99Ms: p99(duringLatencies),
      duringMaxMs: Math.max(0, ...duringLatencies),
      duringP99FromStoredMs: p99(fromStored),
      whileStoringP99Ms: p99OrNone(latencies(whileStoring, received)),
      afterStoredP99Ms: p99OrNone(latencies(afterStored, received)),
      backlogStoredInMs: storedAllAt - floodStart,
      boundMs: Math.max(2 * baselineP99Ms, 50),
      healthySent: all.length,
      healthyMissing: all.length - latencies(all, received).length,
      badLost: expected.size - delivered,
      badUnexpected: bad.requests.filter((r) => !expected.has(r.headers['webhook-id'] ?? '')).length,
      recoveredInMs,
    };
  } finally {
    await dispatcher.stop();
    await Promise.all([bad.close(), good.close()]);
  }
}

/** The scenario's figures as a table row, for test and bench output. */
export function isolationRow(result: IsolationResult): string {
  const ms = (n: number | undefined) => (n === undefined ? '-' : `${Math.round(n)} ms`);
  return [
    result.bad.padEnd(6),
    String(result.backlog).padStart(6),
    `B p99 before ${ms(result.baselineP99Ms)}`,
    `during ${ms(result.duringP99Ms)} (max ${ms(result.duringMaxMs)}, bound ${ms(result.boundMs)})`,
    `from stored ${ms(result.duringP99FromStoredMs)}`,
    `while A's backlog was stored (${ms(result.backlogStoredInMs)}) ${ms(result.whileStoringP99Ms)}, after ${ms(result.afterStoredP99Ms)}`,
    `B missing ${result.healthyMissing}/${result.healthySent}`,
    `A lost ${result.badLost}, unexpected ${result.badUnexpected}, recovered in ${ms(result.recoveredInMs)}`,
  ].join(' | ');
}
