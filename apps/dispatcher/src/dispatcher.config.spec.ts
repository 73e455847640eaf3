import { ConfigError } from '@hookstream/platform';
import { readDispatcherConfig } from './dispatcher.config';

const SECRETS_KEY = 'ab'.repeat(32);

describe('readDispatcherConfig', () => {
  it('applies the documented defaults', () => {
    const config = readDispatcherConfig({ SECRETS_KEY });
    expect(config).toMatchObject({
      httpPort: 8082,
      deliveryTimeoutMs: 15000,
      retryScheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
      disableAfterMs: 5 * 86_400_000,
      allowHttp: false,
      deliveryConcurrency: 256,
      endpointConcurrency: 32,
      shutdownGraceMs: 25000,
    });
    expect(config.allow.allowsAddress('127.0.0.1', 80)).toBe(false);
  });

  it('reads allowed targets and a compressed schedule', () => {
    const config = readDispatcherConfig({
      SECRETS_KEY,
      DELIVERY_ALLOWED_TARGETS: '127.0.0.1/32, localhost:8080',
      DELIVERY_RETRY_SCHEDULE: '200ms,400ms',
      DELIVERY_ALLOW_HTTP: 'true',
    });
    expect(config.allow.allowsAddress('127.0.0.1', 9)).toBe(true);
    expect(config.allow.allowsHost('localhost', 8080)).toBe(true);
    expect(config.retryScheduleMs).toEqual([200, 400]);
    expect(config.allowHttp).toBe(true);
  });

  it('names every wrong variable at once', () => {
    let error: unknown;
    try {
      readDispatcherConfig({
        SECRETS_KEY: 'short',
        DELIVERY_RETRY_SCHEDULE: 'soon',
        DELIVERY_ALLOWED_TARGETS: 'a b',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join('\n')).toMatch(/SECRETS_KEY/);
    expect(() => readDispatcherConfig({ SECRETS_KEY, DELIVERY_RETRY_SCHEDULE: 'soon' })).toThrow(
      /DELIVERY_RETRY_SCHEDULE/,
    );
    expect(() => readDispatcherConfig({ SECRETS_KEY, DELIVERY_ALLOWED_TARGETS: 'a b' })).toThrow(
      /DELIVERY_ALLOWED_TARGETS/,
    );
  });
});
