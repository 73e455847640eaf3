import type { DeliveryFact } from '@hookstream/contracts';
import { dispatchOf, facts } from '../testing/delivery-facts.factory';
import type { DispatchRow } from './delivery-log.rows';
import { evolveDispatch } from './dispatch.evolve';

const fold = (...list: DeliveryFact[]): DispatchRow | null =>
  list.reduce<DispatchRow | null>((row, fact) => evolveDispatch(row, fact), null);

const original = dispatchOf({ organizationId: 'org_a', subscriptionId: 'wh_1', eventId: 'evt_1' });
const retry = dispatchOf({
  organizationId: 'org_a',
  subscriptionId: 'wh_1',
  eventId: 'evt_1',
  round: 'rnd_01',
  at: 60,
});

describe('evolveDispatch', () => {
  it('starts ACTIVE with the event', () => {
    const row = fold(facts.created(original));
    expect(row).toMatchObject({
      id: original.dispatchId,
      organizationId: 'org_a',
      subscriptionId: 'wh_1',
      eventType: 'workflow.completed',
      eventData: original.event.data,
      round: '',
      status: 'ACTIVE',
      attemptCount: 0,
      createdAt: original.createdAt,
      finishedAt: null,
    });
  });

  it('follows retries and ends SUCCEEDED', () => {
    const retrying = fold(facts.created(original), facts.attempted(original, 1));
    expect(retrying).toMatchObject({ status: 'ACTIVE', attemptCount: 1, lastResponseStatus: 500 });
    expect(retrying?.nextAttemptAt).not.toBeNull();
    const done = evolveDispatch(retrying, facts.succeeded(original, 2, { durationMs: 250 }));
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      attemptCount: 2,
      lastResponseStatus: 200,
      nextAttemptAt: null,
    });
    expect(done.finishedAt).toBe(new Date(Date.parse(original.createdAt) + 2 * 60_000 + 250).toISOString());
  });

  it('changes nothing on a duplicate of any fact', () => {
    const sequence = [facts.created(original), facts.attempted(original, 1), facts.failed(original, 2)];
    let row: DispatchRow | null = null;
    sequence.forEach((fact, index) => {
      row = evolveDispatch(row, fact);
      for (const again of sequence.slice(0, index + 1)) expect(evolveDispatch(row, again)).toEqual(row);
    });
  });

  it('keeps a terminal state terminal when an earlier attempt arrives late', () => {
    const row = fold(facts.created(original), facts.failed(original, 3), facts.attempted(original, 2));
    expect(row).toMatchObject({ status: 'FAILED', attemptCount: 3, nextAttemptAt: null });
  });

  it('lets a later attempt win over an earlier one arriving late', () => {
    const late = fold(
      facts.created(original),
      facts.attempted(original, 3, { status: 503 }),
      facts.attempted(original, 2),
    );
    const inOrder = fold(
      facts.created(original),
      facts.attempted(original, 2),
      facts.attempted(original, 3, { status: 503 }),
    );
    expect(late).toEqual(inOrder);
    expect(late).toMatchObject({ attemptCount: 3, lastResponseStatus: 503 });
  });

  it('records a round abandoned without an attempt as FAILED', () => {
    const row = fold(facts.created(original), facts.attempted(original, 1), facts.abandoned(original));
    expect(row).toMatchObject({ status: 'FAILED', attemptCount: 1, nextAttemptAt: null });
    expect(row?.finishedAt).toBe(new Date(Date.parse(original.createdAt) + 30 * 60_000).toISOString());
  });

  it('starts over at ACTIVE on a newer round and keeps the first creation time', () => {
    const row = fold(facts.created(original), facts.failed(original, 1), facts.created(retry));
    expect(row).toMatchObject({
      round: 'rnd_01',
      status: 'ACTIVE',
      attemptCount: 0,
      finishedAt: null,
      lastResponseStatus: null,
      createdAt: original.createdAt,
    });
    expect(evolveDispatch(row, facts.succeeded(retry, 1))).toMatchObject({
      round: 'rnd_01',
      status: 'SUCCEEDED',
    });
  });

  it('sorts the original round before every rnd_ round', () => {
    const row = fold(facts.created(retry), facts.created(original), facts.succeeded(original, 1));
    expect(row).toMatchObject({
      round: 'rnd_01',
      status: 'ACTIVE',
      createdAt: original.createdAt,
    });
  });

  it('ignores outcomes of an older round', () => {
    const row = fold(facts.created(original), facts.created(retry), facts.failed(original, 1));
    expect(row).toMatchObject({ round: 'rnd_01', status: 'ACTIVE', attemptCount: 0 });
  });

  it('fills in the event when the created fact arrives after the outcome', () => {
    const row = fold(facts.succeeded(original, 1), facts.created(original));
    expect(row).toEqual(fold(facts.created(original), facts.succeeded(original, 1)));
    expect(row).toMatchObject({
      status: 'SUCCEEDED',
      eventData: original.event.data,
    });
  });

  it('replaces what Postgres cannot store', () => {
    const odd = dispatchOf({
      organizationId: 'org_a',
      subscriptionId: 'wh_1',
      eventId: 'evt_nul',
      data: { 'k\u0000': ['a\u0000b', '\uD800'] },
    });
    const row = fold(facts.created(odd));
    expect(row?.eventData).toEqual({ 'k\uFFFD': ['a\uFFFDb', '\uFFFD'] });
  });
});
