import { areaOf } from './profile.summary';

describe('areaOf', () => {
  it('groups frames by package, by file of ours, or by runtime part', () => {
    expect(areaOf('file:///r/node_modules/@nats-io/nats-core/lib/protocol.js', 'flush')).toBe(
      '@nats-io/nats-core',
    );
    expect(areaOf('file:///r/node_modules/undici/lib/core/util.js', 'x')).toBe('undici');
    expect(areaOf('file:///r/dist/apps/dispatcher/src/delivery/attempt.runner.js', 'run')).toBe(
      'apps/dispatcher/src/delivery/attempt.runner',
    );
    expect(areaOf('node:internal/streams/writable', 'write')).toBe('node:internal/streams');
    expect(areaOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(areaOf('', 'writeBuffer')).toBe('(native)');
  });
});
