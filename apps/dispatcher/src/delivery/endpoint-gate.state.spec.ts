import { EndpointGate, waitingShare } from './endpoint-gate.state';

const options = { originLimit: 2, globalLimit: 10, maxWaiting: 100, maxWaitMs: 1_000 };

describe('waitingShare', () => {
  it('gives one busy origin the whole waiting room and splits it between competing origins', () => {
    expect(waitingShare(512, 1, 32)).toBe(512);
    expect(waitingShare(512, 4, 32)).toBe(128);
    expect(waitingShare(512, 100, 32)).toBe(32);
  });
});

describe('EndpointGate', () => {
  it('refuses an origin that stopped answering at once, without affecting other origins', async () => {
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
    const now = Date.now();
    await gate.enter('https://a', now);
    await gate.enter('https://a', now);
    const waiting = gate.enter('https://a', now);
    gate.leave('https://a', false, now);
    expect(await waiting).toBe(true);
    expect(gate.inFlightTo('https://a')).toBe(2);
    gate.leave('https://a', false, now);
    gate.leave('https://a', false, now);
    expect(gate.inFlightTo('https://a')).toBe(0);
  });

  it('tells how many wait for an origin and how long it has been silent', async () => {
    const gate = new EndpointGate(options);
    expect(gate.silentMs('https://a', 1_000)).toBe(0);
    await gate.enter('https://a', 1_000);
    await gate.enter('https://a', 1_000);
    const waiting = gate.enter('https://a', 1_000);
    expect(gate.waitingFor('https://a')).toBe(1);
    expect(gate.silentMs('https://a', 1_400)).toBe(400);
    gate.leave('https://a', false, 1_500);
    expect(await waiting).toBe(true);
    expect(gate.waitingFor('https://a')).toBe(0);
    expect(gate.silentMs('https://a', 1_600)).toBe(100);
  });

  it('sends a waiting message back once its origin has been silent for maxWaitMs', async () => {
    const gate = new EndpointGate({ ...options, maxWaitMs: 20 });
    await gate.enter('https://a', Date.now());
    await gate.enter('https://a', Date.now());
    expect(await gate.enter('https://a', Date.now())).toBe(false);
  });

  it('keeps each origin to its share of the waiting room', async () => {
    const gate = new EndpointGate({ ...options, maxWaiting: 4 });
    const now = Date.now();
    for (const origin of ['https://a', 'https://b']) {
      await gate.enter(origin, now);
      await gate.enter(origin, now);
    }
    // Alone, a may use the whole room.
    const waits = [gate.enter('https://a', now), gate.enter('https://a', now)];
    // b now competes: each origin's share is two; neither gets a third.
    const bWaits = [gate.enter('https://b', now), gate.enter('https://b', now)];
    expect(await gate.enter('https://b', now)).toBe(false);
    expect(await gate.enter('https://a', now)).toBe(false);
    for (let i = 0; i < 2; i++) gate.leave('https://a', false, now);
    for (let i = 0; i < 2; i++) gate.leave('https://b', false, now);
    expect(await Promise.all([...waits, ...bWaits])).toEqual([true, true, true, true]);
  });

  it('queues for the global bound in arrival order within an organization', async () => {
    const gate = new EndpointGate({ ...options, globalLimit: 1 });
    await gate.acquire('org_a');
    const order: string[] = [];
    const second = gate.acquire('org_a').then(() => order.push('second'));
    const third = gate.acquire('org_a').then(() => order.push('third'));
    expect(gate.inFlight).toBe(1);
    gate.leave('https://a', true, 1);
    await second;
    gate.leave('https://a', true, 2);
    await third;
    expect(order).toEqual(['second', 'third']);
  });

  it('serves global waiters of different organizations in turn, not in arrival order', async () => {
    const gate = new EndpointGate({ ...options, globalLimit: 1 });
    await gate.acquire('org_a');
    const order: string[] = [];
    const waits = [
      ...Array.from({ length: 3 }, (_, i) => gate.acquire('org_a').then(() => order.push(`a${i}`))),
      gate.acquire('org_b').then(() => order.push('b0')),
    ];
    for (let i = 0; i < 4; i++) {
      gate.leave('https://x', true, i);
      await Promise.resolve();
      await Promise.resolve();
    }
    await Promise.all(waits);
    expect(order).toEqual(['a0', 'b0', 'a1', 'a2']);
  });

  it('lets a patient caller wait for a silent origin instead of refusing it', async () => {
    const gate = new EndpointGate({ ...options, originLimit: 1, maxWaitMs: 10 });
    expect(await gate.enter('https://a', 0)).toBe(true);
    expect(await gate.enter('https://a', 1_000)).toBe(false);
    const patient = gate.enter('https://a', 1_000, true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    gate.leave('https://a', false, 1_100);
    expect(await patient).toBe(true);
  });
});
