import type { DeliveryFact, Dispatch } from '@hookstream/contracts';
import { dispatchOf, facts } from './delivery-facts.factory';

export const REPLAY_ROUND = 'rnd_01KAQZ7000000000000000000';

export interface Workload {
  facts: DeliveryFact[];
  /** The dispatches by a short name, for assertions. */
  dispatches: Record<
    'ok' | 'retried' | 'failed' | 'test' | 'replayed' | 'replay' | 'active' | 'other' | 'gone',
    Dispatch
  >;
}

/**
 * Successes, retries, a final failure, a test delivery, a replay (a second round) and a delivery
 * still retrying on `subscription`, plus a success and an abandoned round on `other`. In the order
 * the dispatcher would publish them.
 */
export function mixedWorkload(organizationId: string, subscription: string, other: string): Workload {
  const on = (
    subscriptionId: string,
    eventId: string,
    at: number,
    extra: Partial<Parameters<typeof dispatchOf>[0]> = {},
  ) => dispatchOf({ organizationId, subscriptionId, eventId, at, ...extra });
  const d = {
    ok: on(subscription, 'evt_ok', 0),
    retried: on(subscription, 'evt_retried', 10, { eventType: 'workflow.failed' }),
    failed: on(subscription, 'evt_failed', 20, {
      eventType: 'run_failed',
      data: { runId: 'run_1', error: 'boom' },
    }),
    test: on(subscription, 'evt_test_1', 30, { test: true }),
    replayed: on(subscription, 'evt_replayed', 40),
    replay: on(subscription, 'evt_replayed', 100, { round: REPLAY_ROUND }),
    active: on(subscription, 'evt_active', 50),
    other: on(other, 'evt_ok', 0),
    gone: on(other, 'evt_gone', 60),
  };
  const list: DeliveryFact[] = [
    facts.created(d.ok),
    facts.succeeded(d.ok, 1),
    facts.created(d.retried),
    facts.attempted(d.retried, 1, { status: 503, error: 'HTTP 503' }),
    facts.attempted(d.retried, 2, { status: null, error: 'timeout after 15000 ms', responseBody: null }),
    facts.succeeded(d.retried, 3),
    facts.created(d.failed),
    facts.attempted(d.failed, 1),
    facts.attempted(d.failed, 2),
    facts.failed(d.failed, 3, { status: 500, error: 'HTTP 500', responseBody: '{"error":"internal"}' }),
    facts.created(d.test),
    facts.succeeded(d.test, 1),
    facts.created(d.replayed),
    facts.failed(d.replayed, 1, { status: 410, error: 'HTTP 410' }),
    facts.created(d.active),
    facts.attempted(d.active, 1, { retryIn: 5 }),
    facts.created(d.other),
    facts.succeeded(d.other, 1),
    facts.created(d.gone),
    facts.abandoned(d.gone, 'subscription deleted'),
    facts.created(d.replay),
    facts.attempted(d.replay, 1),
    facts.succeeded(d.replay, 2),
  ];
  return { facts: list, dispatches: d };
}

/** A reproducible shuffle (seeded), so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
