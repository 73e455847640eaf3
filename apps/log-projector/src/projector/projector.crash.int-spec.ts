import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryFact } from '@hookstream/contracts';
import type { RunningService } from '@hookstream/testing';
import { dispatchOf, facts } from '../testing/delivery-facts.factory';
import {
  checkpointOf,
  publishFacts,
  runCli,
  startProjector,
  startStack,
  uniqueOrg,
  waitForProjection,
  type Stack,
} from '../testing/log-projector.int-fixture';

const KILLS = 10;

/** Resolves when another session has a transaction open on the projection tables (or after 3 s). */
async function batchInFlight(stack: Stack): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline) {
    const { rows } = await stack.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
          AND query ~ '(checkpoints|dispatches|attempts)'`,
    );
    if (Number(rows[0]?.n) > 0) return;
  }
}

describe('projector killed with -9 at random moments', () => {
  let stack: Stack;
  let service: RunningService | undefined;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await service?.stop();
    await stack?.dispose();
  });

  it('loses and duplicates no row, and its checkpoint always agrees with its rows', async () => {
    const organizationId = uniqueOrg('crash');
    let dispatches = 0;
    let attempts = 0;
    let publishing = true;
    // Facts keep arriving while the projector dies and restarts, so kills land inside batches.
    const publisher = (async () => {
      for (let i = 0; publishing; i++) {
        const d = dispatchOf({
          organizationId,
          subscriptionId: `wh_${i % 7}`,
          eventId: `evt_${i}`,
          at: i % 500,
        });
        const list: DeliveryFact[] =
          i % 3 === 0
            ? [facts.created(d), facts.attempted(d, 1), facts.failed(d, 2)]
            : [facts.created(d), facts.succeeded(d, 1)];
        await publishFacts(stack.publisher, list);
        dispatches += 1;
        attempts += list.length - 1;
        // About 500 facts a second: enough for a batch in flight at every kill, little enough to verify quickly.
        if (i % 4 === 0) await sleep(20);
      }
    })();

    const checkpoints: number[] = [];
    try {
      service = await startProjector(stack);
      for (let kill = 0; kill < KILLS; kill++) {
        await sleep(150 + Math.random() * 600);
        // Every other kill waits until a batch transaction is open, so some surely land inside one.
        if (kill % 2 === 1) await batchInFlight(stack);
        await service.kill();
        checkpoints.push(await checkpointOf(stack.db));
        // With the projector dead, the rows must be exactly what its checkpoint says it applied.
        const verified = await runCli(stack, 'verify');
        expect(`exit ${verified.code}: ${verified.stdout}${verified.stderr}`).toMatch(/^exit 0: equal/);
        await service.restart().catch((error: Error) => {
          throw new Error(`${error.message}\n${service?.output()}`);
        });
      }
    } finally {
      publishing = false;
      await publisher;
    }
    const last = await waitForProjection(stack, 120_000);

    expect(new Set(checkpoints).size).toBeGreaterThan(1);
    expect(await checkpointOf(stack.db)).toBe(last);
    const count = async (table: string) =>
      Number(
        (
          await stack.db.query(`SELECT count(*) AS n FROM ${table} WHERE organization_id = $1`, [
            organizationId,
          ])
        ).rows[0].n,
      );
    expect(await count('dispatches')).toBe(dispatches);
    expect(await count('attempts')).toBe(attempts);
    const { rows } = await stack.db.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM dispatches WHERE organization_id = $1 GROUP BY status ORDER BY status',
      [organizationId],
    );
    expect(rows).toEqual([
      { status: 'FAILED', n: String(Math.ceil(dispatches / 3)) },
      { status: 'SUCCEEDED', n: String(dispatches - Math.ceil(dispatches / 3)) },
    ]);
    expect((await runCli(stack, 'verify')).code).toBe(0);
  }, 300_000);
});
