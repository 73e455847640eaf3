import { deliveredPerSecond, keptUp, publishWindow } from './latency.keepup';

describe('deliveredPerSecond', () => {
  it('counts the deliveries received within the window', () => {
    const receivedAt = [999, 1_000, 1_500, 2_000, 2_001];
    expect(deliveredPerSecond(receivedAt, 1_000, 2_000)).toBe(3);
  });

  it('is NaN for an empty window', () => {
    expect(deliveredPerSecond([1], 5, 5)).toBeNaN();
  });
});

describe('publishWindow', () => {
  it('spans the publish times of the events of one prefix', () => {
    const publishedAt = new Map([
      ['evt_x_w_0', 1],
      ['evt_x_m_1', 10],
      ['evt_x_m_2', 30],
    ]);
    expect(publishWindow(publishedAt, 'evt_x_m_')).toEqual({ fromMs: 10, toMs: 30 });
  });
});

describe('keptUp', () => {
  it('holds when the delivered rate matches the offered one and the last delivery follows quickly', () => {
    expect(keptUp({ offeredPerSecond: 1_000, deliveredPerSecond: 985, settleMs: 40 })).toBe(true);
  });

  it('fails when a queue grew: fewer delivered than offered, or a long settle', () => {
    expect(keptUp({ offeredPerSecond: 1_000, deliveredPerSecond: 900, settleMs: 40 })).toBe(false);
    expect(keptUp({ offeredPerSecond: 1_000, deliveredPerSecond: 1_000, settleMs: 2_500 })).toBe(false);
  });

  it('fails when nothing was measured', () => {
    expect(keptUp({ offeredPerSecond: 1_000, deliveredPerSecond: Number.NaN, settleMs: 0 })).toBe(false);
  });
});
