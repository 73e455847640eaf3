import { HealthRegistry } from './health';

describe('HealthRegistry', () => {
  it('is ready with no checks', async () => {
    expect(await new HealthRegistry().report()).toEqual({ status: 'ok', checks: {} });
  });

  it('reports each check and is unavailable when one fails, throws or does not answer', async () => {
    const registry = new HealthRegistry();
    registry.register('nats', () => ({ ok: true }));
    registry.register('consumers', async () => ({ ok: false, detail: 'consumer deliveries stalled' }));
    registry.register('postgres', async () => {
      throw new Error('connect ECONNREFUSED');
    });
    registry.register('slow', () => new Promise(() => undefined), { timeoutMs: 10 });
    expect(await registry.report()).toEqual({
      status: 'unavailable',
      checks: {
        nats: { ok: true },
        consumers: { ok: false, detail: 'consumer deliveries stalled' },
        postgres: { ok: false, detail: 'connect ECONNREFUSED' },
        slow: { ok: false, detail: 'no answer within 10 ms' },
      },
    });
  });

  it('replaces a check registered twice and forgets an unregistered one', async () => {
    const registry = new HealthRegistry();
    registry.register('nats', () => ({ ok: false }));
    registry.register('nats', () => ({ ok: true }));
    registry.register('gone', () => ({ ok: false }));
    registry.unregister('gone');
    expect(await registry.report()).toEqual({ status: 'ok', checks: { nats: { ok: true } } });
  });

  it('stops being ready once shutdown begins', async () => {
    const registry = new HealthRegistry();
    registry.beforeApplicationShutdown();
    expect(await registry.report()).toEqual({
      status: 'unavailable',
      checks: { shutdown: { ok: false, detail: 'shutting down' } },
    });
  });
});
