import { DispatcherHarness } from '../apps/dispatcher/src/testing/dispatcher.harness';
import {
  isolationRow,
  runIsolation,
  type BadEndpoint,
  type IsolationResult,
} from '../apps/dispatcher/src/testing/isolation.scenario';

/**
 * The isolation table of the fair-delivery issue for the current build: organization A's endpoint
 * hangs, answers after 2 s or answers 500 under a backlog, or a healthy 200 ms endpoint gets a
 * flood, while organization B's healthy endpoint gets a steady 20 events/s; first the floor, a
 * backlog that is delivered to nobody. One dispatcher on its own nats-server, services' defaults
 * (15 s timeout).
 */
export async function runIsolationPhase(
  backlog: number,
  log: (line: string) => void,
): Promise<IsolationResult[]> {
  const harness = await DispatcherHarness.start();
  const results: IsolationResult[] = [];
  try {
    const cases: Array<{ bad: BadEndpoint; backlog: number }> = [
      // What the backlog costs B when nothing of it is delivered: the reference for the others.
      { bad: 'floor', backlog },
      { bad: 'hang', backlog },
      { bad: 'slow', backlog },
      { bad: 'error', backlog },
      { bad: 'flood', backlog: Math.max(backlog, 10_000) },
    ];
    for (const { bad, backlog: size } of cases) {
      log(
        bad === 'floor'
          ? `isolation: A's backlog of ${size} selects none of its subscriptions; B at 20/s`
          : `isolation: A's endpoint ${bad}, backlog ${size}; B at 20/s`,
      );
      const result = await runIsolation(harness, {
        bad,
        backlog: size,
        healthyRate: 20,
        baselineMs: 5_000,
        duringMs: 40_000,
      });
      log(`  ${isolationRow(result)}`);
      results.push(result);
    }
  } finally {
    await harness.close();
  }
  return results;
}
