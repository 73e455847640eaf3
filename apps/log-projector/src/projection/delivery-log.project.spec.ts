import fc from 'fast-check';
import { refOf, type DeliveryFact } from '@hookstream/contracts';
import { dispatchOf, facts } from '../testing/delivery-facts.factory';
import type { AttemptRow, DispatchRow, RoundRow } from './delivery-log.rows';
import { projectBatch, type SequencedFact } from './delivery-log.project';

/** What the Postgres store does with a projected batch, in memory. */
class MemoryStore {
  readonly dispatches = new Map<string, DispatchRow>();
  readonly rounds = new Map<string, RoundRow>();
  readonly attempts = new Map<string, AttemptRow>();
  private seq = 0;

  apply(batch: DeliveryFact[]): void {
    const items: SequencedFact[] = batch.map((fact) => ({ seq: ++this.seq, fact }));
    const current = new Map<string, DispatchRow>();
    for (const { fact } of items) {
      const row = this.dispatches.get(refOf(fact).dispatchId);
      if (row) current.set(row.id, row);
    }
    const out = projectBatch(current, items);
    for (const row of out.dispatches) this.dispatches.set(row.id, row);
    for (const round of out.rounds) {
      const key = `${round.dispatchId}/${round.round}`;
      if (!this.rounds.has(key)) this.rounds.set(key, round);
    }
    for (const attempt of out.attempts)
      if (!this.attempts.has(attempt.id)) this.attempts.set(attempt.id, attempt);
  }

  /**
   * Rows without the sequence numbers, which depend on publication order by design; attempts as
   * the logs read them, with their round's body.
   */
  snapshot(): {
    dispatches: DispatchRow[];
    attempts: Array<Omit<AttemptRow, 'seq'> & { requestBody: string | null }>;
  } {
    const byId = <T extends { id: string }>(a: T, b: T) => a.id.localeCompare(b.id);
    const bodyOf = (a: Pick<AttemptRow, 'dispatchId' | 'round'>) =>
      this.rounds.get(`${a.dispatchId}/${a.round}`)?.requestBody ?? null;
    return {
      dispatches: [...this.dispatches.values()].sort(byId),
      attempts: [...this.attempts.values()]
        .map(({ seq: _seq, ...rest }) => ({ ...rest, requestBody: bodyOf(rest) }))
        .sort(byId),
    };
  }
}

function run(list: DeliveryFact[], batchSize: number): MemoryStore {
  const store = new MemoryStore();
  for (let i = 0; i < list.length; i += batchSize) store.apply(list.slice(i, i + batchSize));
  return store;
}

type Ending = 'succeeded' | 'failed' | 'abandoned' | 'active';
interface RoundPlan {
  attempts: number;
  ending: Ending;
}

/** The facts of one dispatch in the order the dispatcher publishes them; one terminal fact per round at most. */
function dispatchFacts(eventId: string, plans: RoundPlan[], test: boolean): DeliveryFact[] {
  return plans.flatMap((plan, index) => {
    const d = dispatchOf({
      organizationId: 'org_p',
      subscriptionId: 'wh_p',
      eventId,
      test,
      round: index === 0 ? '' : `rnd_0${index}`,
      at: index * 120,
      body: `{"event":"${eventId}","round":${index}}`,
    });
    const out = [facts.created(d)];
    const last = plan.ending === 'active' || plan.ending === 'abandoned' ? plan.attempts : plan.attempts - 1;
    for (let n = 1; n <= last; n++) out.push(facts.attempted(d, n, { status: 500 + n }));
    if (plan.ending === 'succeeded') out.push(facts.succeeded(d, plan.attempts));
    if (plan.ending === 'failed') out.push(facts.failed(d, plan.attempts));
    if (plan.ending === 'abandoned') out.push(facts.abandoned(d));
    return out;
  });
}

const roundPlan = fc.record({
  attempts: fc.integer({ min: 1, max: 4 }),
  ending: fc.constantFrom<Ending>('succeeded', 'failed', 'abandoned', 'active'),
});
const workload = fc
  .array(fc.record({ rounds: fc.array(roundPlan, { minLength: 1, maxLength: 3 }), test: fc.boolean() }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((dispatches) => dispatches.flatMap((plan, i) => dispatchFacts(`evt_${i}`, plan.rounds, plan.test)));

describe('projectBatch', () => {
  it('projects a dispatch with retries, a success and a later round', () => {
    const d = dispatchOf({ organizationId: 'org_a', subscriptionId: 'wh_1', eventId: 'evt_1' });
    const r = dispatchOf({
      organizationId: 'org_a',
      subscriptionId: 'wh_1',
      eventId: 'evt_1',
      round: 'rnd_1',
      at: 60,
    });
    const store = run(
      [facts.created(d), facts.attempted(d, 1), facts.succeeded(d, 2), facts.created(r), facts.abandoned(r)],
      2,
    );
    const { dispatches, attempts } = store.snapshot();
    expect(dispatches).toEqual([
      expect.objectContaining({ round: 'rnd_1', status: 'FAILED', createdAt: d.createdAt }),
    ]);
    expect(attempts.map((a) => [a.round, a.attempt, a.status, a.requestBody])).toEqual(
      expect.arrayContaining([
        ['', 1, 'RETRYING', d.body],
        ['', 2, 'SUCCEEDED', d.body],
        ['rnd_1', 0, 'FAILED', r.body],
      ]),
    );
  });

  it('gives attempts recorded before their round was known that round body', () => {
    const d = dispatchOf({ organizationId: 'org_a', subscriptionId: 'wh_1', eventId: 'evt_1' });
    const r = dispatchOf({
      organizationId: 'org_a',
      subscriptionId: 'wh_1',
      eventId: 'evt_1',
      round: 'rnd_1',
      at: 60,
    });
    const store = run([facts.created(d), facts.created(r), facts.succeeded(d, 1)], 1);
    expect(store.snapshot().attempts).toEqual([expect.objectContaining({ round: '', requestBody: d.body })]);
    const reversed = run([facts.succeeded(d, 1), facts.created(r), facts.created(d)], 1);
    expect(reversed.snapshot()).toEqual(store.snapshot());
  });

  it('keeps one body per round, made storable, whichever fact brings it first', () => {
    const d = dispatchOf({
      organizationId: 'org_a',
      subscriptionId: 'wh_1',
      eventId: 'evt_1',
      body: 'x\u0000y',
    });
    const out = projectBatch(new Map(), [
      { seq: 1, fact: facts.attempted(d, 1) },
      { seq: 2, fact: facts.created(d) },
    ]);
    expect(out.rounds).toEqual([
      { dispatchId: d.dispatchId, round: '', requestBody: 'x\uFFFDy', createdAt: d.createdAt },
    ]);
  });

  it('marks created facts that changed a row and every attempt as notable, duplicates excepted', () => {
    const d = dispatchOf({ organizationId: 'org_a', subscriptionId: 'wh_1', eventId: 'evt_1' });
    const out = projectBatch(new Map(), [
      { seq: 1, fact: facts.created(d) },
      { seq: 2, fact: facts.created(d) },
      { seq: 3, fact: facts.succeeded(d, 1) },
    ]);
    expect(out.notable.map((n) => n.seq)).toEqual([1, 3]);
  });

  it('reaches the same rows whatever the order, the duplicates and the batch sizes', () => {
    fc.assert(
      fc.property(
        workload,
        fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
        fc.array(fc.nat({ max: 199 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 7 }),
        (list, keys, duplicates, batchSize) => {
          const expected = run(list, list.length).snapshot();
          const noisy = [...list, ...duplicates.filter((i) => i < list.length).map((i) => list[i]!)];
          const shuffled = noisy
            .map((fact, i) => ({ fact, key: keys[i % keys.length]! * 1000 + i }))
            .sort((a, b) => a.key - b.key)
            .map((entry) => entry.fact);
          expect(run(shuffled, batchSize).snapshot()).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
