import { EndpointGate, saturationDelayMs } from './endpoint-gate';

describe('EndpointGate', () => {
  it('refuses an origin at its bound without affecting other origins', () => {
    const gate = new EndpointGate(2, 10);
    expect(gate.tryEnter('https://a')).toBe(true);
    expect(gate.tryEnter('https://a')).toBe(true);
    expect(gate.tryEnter('https://a')).toBe(false);
    expect(gate.tryEnter('https://b')).toBe(true);
    gate.leave('https://a', false);
    expect(gate.tryEnter('https://a')).toBe(true);
    expect(gate.inFlightTo('https://a')).toBe(2);
  });

  it('queues for the global bound in arrival order', async () => {
    const gate = new EndpointGate(10, 1);
    await gate.acquire();
    const order: string[] = [];
    const second = gate.acquire().then(() => order.push('second'));
    const third = gate.acquire().then(() => order.push('third'));
    expect(gate.inFlight).toBe(1);
    gate.leave('https://a', true);
    await second;
    gate.leave('https://a', true);
    await third;
    expect(order).toEqual(['second', 'third']);
  });
});

describe('saturationDelayMs', () => {
  it('grows with each hand-back up to a ceiling, with jitter around it', () => {
    const mid = (): number => 0.5;
    expect(saturationDelayMs(1, mid)).toBe(250);
    expect(saturationDelayMs(2, mid)).toBe(500);
    expect(saturationDelayMs(100, mid)).toBe(30_000);
    expect(saturationDelayMs(1, () => 0)).toBe(188);
    expect(saturationDelayMs(1, () => 0.999999)).toBe(312);
  });
});
