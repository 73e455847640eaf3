import { admitsWait, EndpointGate, saturationDelayMs } from './endpoint-gate';

const options = { originLimit: 2, globalLimit: 10, maxWaiting: 100, maxWaitMs: 1_000 };

describe('admitsWait', () => {
  it('lets many wait for a fast endpoint, few for a slow one, none for one that stopped answering', () => {
    expect(admitsWait(500, 32, 2, 1, 1_000)).toBe(true);
    expect(admitsWait(5, 32, 5_000, 10, 1_000)).toBe(true);
    expect(admitsWait(6, 32, 5_000, 10, 1_000)).toBe(false);
    expect(admitsWait(0, 32, 2, 40_000, 1_000)).toBe(false);
  });
});

describe('EndpointGate', () => {
  it('refuses a stalled origin at once without affecting other origins', async () => {
    const gate = new EndpointGate(options);
    expect(await gate.enter('https://a', 0)).toBe(true);
    expect(await gate.enter('https://a', 0)).toBe(true);
    // Saturated and silent for 5 s: nobody waits.
    expect(await gate.enter('https://a', 5_000)).toBe(false);
    expect(await gate.enter('https://b', 5_000)).toBe(true);
    expect(gate.inFlightTo('https://a')).toBe(2);
  });

  it('hands a finished request slot to a message waiting for the same origin', async () => {
    const gate = new EndpointGate(options);
    await gate.enter('https://a', 0);
    await gate.enter('https://a', 0);
    const waiting = gate.enter('https://a', 1);
    gate.leave('https://a', false, 3, 4);
    expect(await waiting).toBe(true);
    expect(gate.inFlightTo('https://a')).toBe(2);
    gate.leave('https://a', false, 3, 5);
    gate.leave('https://a', false, 3, 6);
    expect(gate.inFlightTo('https://a')).toBe(0);
  });

  it('gives up waiting after maxWaitMs', async () => {
    const gate = new EndpointGate({ ...options, maxWaitMs: 20 });
    await gate.enter('https://a', Date.now());
    await gate.enter('https://a', Date.now());
    expect(await gate.enter('https://a', Date.now())).toBe(false);
  });

  it('refuses when too many already wait overall', async () => {
    const gate = new EndpointGate({ ...options, maxWaiting: 1 });
    await gate.enter('https://a', 0);
    await gate.enter('https://a', 0);
    const first = gate.enter('https://a', 0);
    expect(await gate.enter('https://a', 0)).toBe(false);
    gate.leave('https://a', false, 1, 1);
    expect(await first).toBe(true);
  });

  it('queues for the global bound in arrival order', async () => {
    const gate = new EndpointGate({ ...options, globalLimit: 1 });
    await gate.acquire();
    const order: string[] = [];
    const second = gate.acquire().then(() => order.push('second'));
    const third = gate.acquire().then(() => order.push('third'));
    expect(gate.inFlight).toBe(1);
    gate.leave('https://a', true, 1, 1);
    await second;
    gate.leave('https://a', true, 1, 2);
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
