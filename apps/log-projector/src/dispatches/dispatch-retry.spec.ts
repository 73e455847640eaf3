import { dispatchOf, facts } from '../testing/delivery-facts.factory';
import { evolveDispatch } from '../projection/dispatch.evolve';
import { retryRound } from './dispatch-retry.service';

describe('retryRound', () => {
  const original = dispatchOf({
    organizationId: 'org_a',
    subscriptionId: 'wh_1',
    eventId: 'evt_1',
    data: { runId: 'run_1' },
  });
  original.event.source = 'workflow-engine';
  const now = new Date('2026-11-24T08:00:00.000Z');

  it('starts a round of the same dispatch with the stored event and body', () => {
    const row = evolveDispatch(evolveDispatch(null, facts.created(original)), facts.failed(original, 1));
    expect(retryRound(row, original.body, 'rnd_2', now)).toEqual({
      ...original,
      round: 'rnd_2',
      createdAt: now.toISOString(),
    });
  });

  it('refuses while the request is not known yet', () => {
    expect(retryRound(evolveDispatch(null, facts.succeeded(original, 1)), null, 'rnd_2', now)).toBeNull();
    expect(retryRound(evolveDispatch(null, facts.created(original)), null, 'rnd_2', now)).toBeNull();
  });
});
