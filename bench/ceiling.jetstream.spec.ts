import { jetStreamBoundPerSecond } from './ceiling.jetstream';

describe('jetStreamBoundPerSecond', () => {
  const ceiling = { messages: 1, publishPerSecond: 20_000, consumePerSecond: 30_000 };

  it('prices one stored fact and 1 + 1/f reads per delivery on the fast path', () => {
    // 1 / (1 / 20,000 + 2 / 30,000)
    expect(jetStreamBoundPerSecond(ceiling, 1)).toBeCloseTo(8_571.43, 1);
  });

  it('prices dispatch.created too for the share handed off', () => {
    // 1 / (2 / 20,000 + 4 / 30,000): the model before the fan-out made first attempts
    expect(jetStreamBoundPerSecond(ceiling, 1, 1)).toBeCloseTo(4_285.71, 1);
  });
});
