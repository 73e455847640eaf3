import { dispatchIdOf, sampleDataOf, type EventEnvelope } from '@hookstream/contracts';
import { behaviours, startReceiver, waitFor, type Behaviour } from '@hookstream/testing';
import { DispatcherHarness, factsOf } from './dispatcher.harness';

export type BadEndpoint = 'hang' | 'slow' | 'error' | 'flood';

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
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function p99(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
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
  const good = await startReceiver();
  const dispatcher = await harness.startDispatcher({
    DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${bad.port},127.0.0.1:${good.port}`,
    DELIVERY_CIRCUIT_PROBE_BASE: '1s',
    DELIVERY_CIRCUIT_PROBE_MAX: '2s',
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  try {
    bad.route('/a', BEHAVIOURS[options.bad]);
    const orgA = DispatcherHarness.organization();
    const orgB = DispatcherHarness.organization();
    const a = await harness.subscribe({ organizationId: orgA, url: `${bad.url}/a`, events: ['workflow.*'] });
    const b = await harness.subscribe({ organizationId: orgB, url: `${good.url}/b`, events: ['workflow.*'] });
    const facts = harness.facts(orgA);
    const data = sampleDataOf('workflow.completed')!;
    const sentAt = new Map<string, number>();

    const steady = async (ms: number): Promise<string[]> => {
      const ids: string[] = [];
      const interval = 1_000 / options.healthyRate;
      const start = Date.now();
      for (let i = 0; Date.now() - start < ms; i++) {
        const event = harness.event(orgB, 'workflow.completed', data);
        const id = dispatchIdOf(event.id, b.state.id);
        ids.push(id);
        sentAt.set(id, Date.now());
        void harness.publishEvent(event);
        await sleep(Math.max(0, start + (i + 1) * interval - Date.now()));
      }
      return ids;
    };
    const latencies = (ids: string[]): number[] => {
      const received = new Map<string, number>();
      for (const request of good.requests) {
        const id = request.headers['webhook-id'];
        if (id && !received.has(id)) received.set(id, request.receivedAt);
      }
      return ids.flatMap((id) => (received.has(id) ? [received.get(id)! - sentAt.get(id)!] : []));
    };

    const before = await steady(options.baselineMs);
    const backlog: EventEnvelope[] = Array.from({ length: options.backlog }, () =>
      harness.event(orgA, 'workflow.completed', data),
    );
    const flooding = (async () => {
      for (let i = 0; i < backlog.length; i += 100)
        await Promise.all(backlog.slice(i, i + 100).map((event) => harness.publishEvent(event)));
    })();
    const during = await steady(options.duringMs);
    await flooding;
    const all = [...before, ...during];
    await waitFor('B delivered', async () => latencies(all).length === all.length, 60_000).catch(
      () => undefined,
    );

    const recoveryStart = Date.now();
    bad.route('/a', behaviours.ok());
    const expected = backlog.map((event) => dispatchIdOf(event.id, a.state.id));
    const succeeded = () =>
      expected.filter((id) => factsOf(facts.items, id).some((f) => f.type === 'dispatch.succeeded'));
    await waitFor(
      'A delivered after recovery',
      async () => succeeded().length === expected.length,
      240_000,
    ).catch(() => undefined);
    const recoveredInMs = Date.now() - recoveryStart;
    const expectedSet = new Set(expected);
    const baselineP99Ms = p99(latencies(before));
    const duringLatencies = latencies(during);
    await facts.stop();
    return {
      bad: options.bad,
      backlog: options.backlog,
      baselineP99Ms,
      duringP99Ms: p99(duringLatencies),
      duringMaxMs: Math.max(0, ...duringLatencies),
      boundMs: Math.max(2 * baselineP99Ms, 50),
      healthySent: all.length,
      healthyMissing: all.length - latencies(all).length,
      badLost: expected.length - succeeded().length,
      badUnexpected: bad.requests.filter((r) => !expectedSet.has(r.headers['webhook-id'] ?? '')).length,
      recoveredInMs,
    };
  } finally {
    await dispatcher.stop();
    await Promise.all([bad.close(), good.close()]);
  }
}

/** The scenario's figures as a table row, for test and bench output. */
export function isolationRow(result: IsolationResult): string {
  const ms = (n: number) => `${Math.round(n)} ms`;
  return [
    result.bad.padEnd(6),
    String(result.backlog).padStart(6),
    `B p99 before ${ms(result.baselineP99Ms)}`,
    `during ${ms(result.duringP99Ms)} (max ${ms(result.duringMaxMs)}, bound ${ms(result.boundMs)})`,
    `B missing ${result.healthyMissing}/${result.healthySent}`,
    `A lost ${result.badLost}, unexpected ${result.badUnexpected}, recovered in ${ms(result.recoveredInMs)}`,
  ].join(' | ');
}
