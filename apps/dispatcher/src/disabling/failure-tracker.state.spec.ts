import { FailureTracker } from './failure-tracker.state';

const DAY = 86_400_000;

describe('FailureTracker', () => {
  it('counts from the first failure since the last success', () => {
    const tracker = new FailureTracker();
    tracker.recordFailure('wh', 1 * DAY);
    tracker.recordFailure('wh', 3 * DAY);
    expect(tracker.failingForMs('wh', 6 * DAY, 0)).toBe(5 * DAY);
    tracker.recordSuccess('wh');
    expect(tracker.failingForMs('wh', 6 * DAY, 0)).toBe(0);
    tracker.recordFailure('wh', 7 * DAY);
    expect(tracker.failingForMs('wh', 8 * DAY, 0)).toBe(DAY);
  });

  it('starts a fresh window when the subscription changed since', () => {
    const tracker = new FailureTracker();
    tracker.recordFailure('wh', 0);
    expect(tracker.failingForMs('wh', 6 * DAY, 4 * DAY)).toBe(2 * DAY);
  });

  it('takes the history over what memory saw, unless a success came in meanwhile', () => {
    const tracker = new FailureTracker();
    expect(tracker.knows('wh')).toBe(false);
    tracker.recordFailure('wh', 5 * DAY);
    const token = tracker.successesOf('wh');
    tracker.seed('wh', 1 * DAY, token);
    expect(tracker.failingForMs('wh', 6 * DAY, 0)).toBe(5 * DAY);

    const raced = new FailureTracker();
    raced.recordFailure('wh', 5 * DAY);
    const stale = raced.successesOf('wh');
    raced.recordSuccess('wh');
    raced.seed('wh', 1 * DAY, stale);
    expect(raced.failingForMs('wh', 6 * DAY, 0)).toBe(0);
  });

  it('keeps memory when the history has no failure recorded yet', () => {
    const tracker = new FailureTracker();
    tracker.recordFailure('wh', 5 * DAY);
    tracker.seed('wh', null, tracker.successesOf('wh'));
    expect(tracker.failingForMs('wh', 6 * DAY, 0)).toBe(DAY);
    tracker.forget('wh');
    expect(tracker.knows('wh')).toBe(false);
  });
});
