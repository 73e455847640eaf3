import type { RunningService } from '@hookstream/testing';
import { attemptIdOf } from '@hookstream/contracts';
import { mixedWorkload, shuffled } from '../testing/delivery-workload.factory';
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

describe('rebuild and verify', () => {
  let stack: Stack;
  let service: RunningService;
  const orgA = uniqueOrg('a');
  const a = mixedWorkload(orgA, 'wh_a1', 'wh_a2');

  beforeAll(async () => {
    stack = await startStack();
    service = await startProjector(stack);
    await publishFacts(stack.publisher, a.facts);
    await waitForProjection(stack);
  });
  afterAll(async () => {
    await service?.stop();
    await stack?.dispose();
  });

  it('verify reports the rebuild equal to the live tables', async () => {
    const result = await runCli(stack, 'verify');
    expect(result.stdout).toContain('equal');
    expect(result.code).toBe(0);
  });

  it('reaches the same rows from facts published twice and out of order', async () => {
    const orgC = uniqueOrg('c');
    const orgD = uniqueOrg('d');
    const inOrder = mixedWorkload(orgC, 'wh_x1', 'wh_x2');
    // Other subscription ids: dispatch ids (and so message ids) depend on the event and the subscription only.
    const messy = mixedWorkload(orgD, 'wh_y1', 'wh_y2').facts;
    await publishFacts(stack.publisher, inOrder.facts);
    await publishFacts(stack.publisher, shuffled(messy, 7));
    await publishFacts(stack.publisher, shuffled(messy, 11), true);
    await publishFacts(stack.publisher, shuffled(messy.slice(0, 9), 13), true);
    await waitForProjection(stack);

    const snapshot = async (organizationId: string) => ({
      dispatches: (
        await stack.db.query(
          `SELECT d.event_id, right(d.subscription_id, 1) AS sub, d.event_type, d.event_data, d.event_occurred_at,
                  d.published_at, r.request_body, d.test, d.round, d.status, d.attempt_count, d.created_at,
                  d.finished_at, d.last_response_status, d.next_attempt_at
             FROM dispatches d LEFT JOIN dispatch_rounds r ON r.dispatch_id = d.id AND r.round = d.round
            WHERE d.organization_id = $1 ORDER BY event_id, sub`,
          [organizationId],
        )
      ).rows,
      attempts: (
        await stack.db.query(
          `SELECT a.event_id, right(a.subscription_id, 1) AS sub, a.round, a.attempt, a.status, a.response_status,
                  a.duration_ms, a.error_message, a.response_body, r.request_body, a.started_at, a.finished_at,
                  a.next_attempt_at, a.test
             FROM attempts a LEFT JOIN dispatch_rounds r ON r.dispatch_id = a.dispatch_id AND r.round = a.round
            WHERE a.organization_id = $1 ORDER BY event_id, sub, round, attempt`,
          [organizationId],
        )
      ).rows,
    });
    const expected = await snapshot(orgC);
    expect(expected.attempts).toHaveLength(14);
    expect(await snapshot(orgD)).toEqual(expected);
    const verified = await runCli(stack, 'verify');
    expect(verified.code).toBe(0);
  });

  it('verify names the rows that differ, and a rebuild repairs them', async () => {
    const retried = a.dispatches.retried;
    const id = attemptIdOf(retried.dispatchId, '', 1);
    await stack.db.query('UPDATE attempts SET response_status = 299 WHERE id = $1', [id]);
    const result = await runCli(stack, 'verify');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('attempts: 2 row(s) differ');
    expect(result.stdout).toContain(`${id}: response_status live=299 rebuild=503`);
    expect((await runCli(stack, 'rebuild')).code).toBe(0);
    expect((await runCli(stack, 'verify')).code).toBe(0);
  });

  it('rebuilds into fresh tables while running, then keeps projecting into them', async () => {
    const before = await stack.db.query('SELECT * FROM attempts ORDER BY id');
    const rebuilt = await runCli(stack, 'rebuild');
    expect(rebuilt.code).toBe(0);
    expect((await stack.db.query('SELECT * FROM attempts ORDER BY id')).rows).toEqual(before.rows);
    const orgE = uniqueOrg('e');
    await publishFacts(stack.publisher, mixedWorkload(orgE, 'wh_e1', 'wh_e2').facts);
    await waitForProjection(stack);
    const { rows } = await stack.db.query(
      'SELECT count(*)::int AS n FROM attempts WHERE organization_id = $1',
      [orgE],
    );
    expect(rows[0].n).toBe(14);
    expect((await runCli(stack, 'verify')).code).toBe(0);
  });

  it('rebuilds at start when the tables hold another projection version', async () => {
    await service.stop();
    const before = await stack.db.query('SELECT * FROM dispatches ORDER BY id');
    const checkpoint = await checkpointOf(stack.db);
    await stack.db.query("UPDATE checkpoints SET version = version - 1 WHERE projection = 'delivery-log'");
    // A row no replay would produce: only a rebuild removes it.
    await stack.db.query(
      `INSERT INTO dispatches (id, organization_id, subscription_id, event_id, event_type, test, round, status, attempt_count, created_at)
       VALUES ('dsp_stray', $1, 'wh_a1', 'evt_stray', 'TEST', false, '', 'ACTIVE', 0, now())`,
      [orgA],
    );
    await service.restart();
    const { rows } = await stack.db.query<{ version: number; last_seq: string }>(
      'SELECT version, last_seq FROM checkpoints',
    );
    expect(rows).toEqual([{ version: 1, last_seq: String(checkpoint) }]);
    expect((await stack.db.query('SELECT * FROM dispatches ORDER BY id')).rows).toEqual(before.rows);
  });
});
