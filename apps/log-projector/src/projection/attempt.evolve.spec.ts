import { attemptIdOf } from '@hookstream/contracts';
import { dispatchOf, facts } from '../testing/delivery-facts.factory';
import { evolveAttempt } from './attempt.evolve';
import { RESPONSE_BODY_MAX_BYTES } from './delivery-log.rows';

const d = dispatchOf({
  organizationId: 'org_a',
  subscriptionId: 'wh_1',
  eventId: 'evt_1',
  eventType: 'run_failed',
});

describe('evolveAttempt', () => {
  it('records a failed attempt with a retry scheduled as RETRYING', () => {
    const row = evolveAttempt(null, facts.attempted(d, 1, { status: 503, error: 'HTTP 503' }), 7);
    expect(row).toMatchObject({
      id: attemptIdOf(d.dispatchId, '', 1),
      dispatchId: d.dispatchId,
      attempt: 1,
      eventType: 'run_failed',
      status: 'RETRYING',
      responseStatus: 503,
      errorMessage: 'HTTP 503',
      seq: 7,
    });
    expect(row?.nextAttemptAt).toBe(new Date(Date.parse(d.createdAt) + 6 * 60_000).toISOString());
  });

  it('records successes and final failures', () => {
    expect(evolveAttempt(null, facts.succeeded(d, 2), 8)).toMatchObject({
      status: 'SUCCEEDED',
      responseStatus: 200,
      errorMessage: null,
      nextAttemptAt: null,
    });
    expect(evolveAttempt(null, facts.failed(d, 8, { status: null, error: 'timeout' }), 9)).toMatchObject({
      status: 'FAILED',
      responseStatus: null,
      errorMessage: 'timeout',
    });
  });

  it('records an abandoned round as attempt 0 with the reason', () => {
    const row = evolveAttempt(null, facts.abandoned(d, 'subscription disabled'), 3);
    expect(row).toMatchObject({
      id: attemptIdOf(d.dispatchId, '', 0),
      attempt: 0,
      status: 'FAILED',
      errorMessage: 'subscription disabled',
      durationMs: 0,
    });
  });

  it('records nothing for a created fact', () => {
    expect(evolveAttempt(null, facts.created(d), 1)).toBeNull();
  });

  it('keeps the first recorded outcome of an attempt', () => {
    const first = evolveAttempt(null, facts.attempted(d, 2), 5);
    expect(evolveAttempt(first, facts.attempted(d, 2), 6)).toBe(first);
    expect(evolveAttempt(first, facts.succeeded(d, 2), 6)).toBe(first);
  });

  it('bounds the response body without splitting a character', () => {
    const body = 'é'.repeat(RESPONSE_BODY_MAX_BYTES);
    const row = evolveAttempt(null, facts.succeeded(d, 1, { responseBody: body }), 1);
    expect(Buffer.byteLength(row?.responseBody ?? '', 'utf8')).toBe(RESPONSE_BODY_MAX_BYTES);
    expect(row?.responseBody).toBe('é'.repeat(RESPONSE_BODY_MAX_BYTES / 2));
  });
});
