import { attemptIdOf, factMessageIds, type Dispatch } from '@hookstream/contracts';
import { abandonedFact, decideAttempt, msUntilDue, type AttemptReport } from './attempt.outcome';

const dispatch = {
  dispatchId: 'dsp_1',
  round: '',
  organizationId: 'org_a',
  subscriptionId: 'wh_1',
  eventId: 'evt_1',
  eventType: 'TEST',
  test: false,
  event: { id: 'evt_1' },
  body: '{}',
  createdAt: '2026-01-01T00:00:00.000Z',
  publishedAt: '2026-01-01T00:00:00.000Z',
} as Dispatch;
const now = new Date('2026-01-01T00:00:10.000Z');
const half = (): number => 0.5;
const report = (overrides: Partial<AttemptReport>): AttemptReport => ({
  attempt: 1,
  startedAtMs: now.getTime() - 100,
  durationMs: 100,
  status: 200,
  retryAfter: null,
  responseBody: 'ok',
  error: null,
  requestHeaders: { 'webhook-id': 'dsp_1' },
  ...overrides,
});
const schedule = [5_000, 60_000];

describe('decideAttempt', () => {
  it('keeps the request headers on the attempt, and none when no request was sent', () => {
    const sent = decideAttempt(dispatch, report({}), schedule, now, half).fact;
    const unsent = decideAttempt(
      dispatch,
      report({ requestHeaders: null, status: null }),
      schedule,
      now,
      half,
    ).fact;
    if (sent.type !== 'dispatch.succeeded' || unsent.type !== 'dispatch.attempted')
      throw new Error(sent.type);
    expect(sent.data.attempt.requestHeaders).toEqual({ 'webhook-id': 'dsp_1' });
    expect(unsent.data.attempt).not.toHaveProperty('requestHeaders');
  });

  it('records a 2xx as succeeded under the attempt message id, without the body of the dispatch', () => {
    const { outcome, fact } = decideAttempt(dispatch, report({}), schedule, now, half);
    expect(outcome.kind).toBe('delivered');
    expect(fact.type).toBe('dispatch.succeeded');
    expect(fact.metadata.messageId).toBe(factMessageIds.attempt('dsp_1', '', 1));
    if (fact.type !== 'dispatch.succeeded') return;
    expect(fact.data.ref).not.toHaveProperty('body');
    expect(fact.data.attempt).toMatchObject({
      attemptId: attemptIdOf('dsp_1', '', 1),
      responseStatus: 200,
      responseBody: 'ok',
      errorMessage: null,
      nextAttemptAt: null,
      startedAt: '2026-01-01T00:00:09.900Z',
    });
  });

  it('schedules the next attempt on a failure, carrying the dispatch', () => {
    const { fact } = decideAttempt(
      dispatch,
      report({ status: 500, responseBody: 'boom' }),
      schedule,
      now,
      half,
    );
    expect(fact.type).toBe('dispatch.attempted');
    if (fact.type !== 'dispatch.attempted') return;
    expect(fact.data.dispatch).toBe(dispatch);
    expect(fact.data.attempt.nextAttemptAt).toBe('2026-01-01T00:00:15.000Z');
    expect(fact.data.attempt.errorMessage).toBe('HTTP 500');
  });

  it('waits at least as long as Retry-After asks', () => {
    const { fact } = decideAttempt(dispatch, report({ status: 429, retryAfter: '30' }), schedule, now, half);
    expect(fact.type === 'dispatch.attempted' && fact.data.attempt.nextAttemptAt).toBe(
      '2026-01-01T00:00:40.000Z',
    );
  });

  it('fails the dispatch after the last attempt, keeping the network error', () => {
    const { fact } = decideAttempt(
      dispatch,
      report({ attempt: 3, status: null, error: 'connection refused' }),
      schedule,
      now,
      half,
    );
    expect(fact.type).toBe('dispatch.failed');
    if (fact.type !== 'dispatch.failed') return;
    expect(fact.data.attempt?.errorMessage).toBe('connection refused');
    expect(fact.data.reason).toMatch(/no retries left/);
    expect(fact.data.disableSubscription).toBeUndefined();
  });

  it('gives up at once on 410 and asks to disable the subscription', () => {
    const { outcome, fact } = decideAttempt(dispatch, report({ status: 410 }), schedule, now, half);
    expect(outcome).toMatchObject({ kind: 'give_up', disable: true });
    expect(fact.type === 'dispatch.failed' && fact.data.disableSubscription).toBe(true);
  });

  it('never follows a redirect: a 3xx is a failure', () => {
    const { fact } = decideAttempt(dispatch, report({ status: 302 }), schedule, now, half);
    expect(fact.type === 'dispatch.attempted' && fact.data.attempt.errorMessage).toMatch(/redirect/);
  });
});

describe('abandonedFact', () => {
  it('ends the round without an attempt under its own message id', () => {
    const fact = abandonedFact(dispatch, 'subscription deleted', now);
    expect(fact.metadata.messageId).toBe(factMessageIds.abandoned('dsp_1', ''));
    expect(fact.type === 'dispatch.failed' && fact.data).toMatchObject({
      attempt: null,
      reason: 'subscription deleted',
    });
  });
});

describe('msUntilDue', () => {
  it('counts down to the next attempt and treats a missing time as due', () => {
    expect(msUntilDue('2026-01-01T00:00:15.000Z', now.getTime())).toBe(5000);
    expect(msUntilDue('2026-01-01T00:00:05.000Z', now.getTime())).toBeLessThan(0);
    expect(msUntilDue(null, now.getTime())).toBe(0);
  });
});
