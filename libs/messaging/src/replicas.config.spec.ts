import { ConfigError } from '@hookstream/platform';
import { withReplicasAlias } from './replicas.config';

describe('withReplicasAlias', () => {
  it('reads STREAM_REPLICAS when JETSTREAM_REPLICAS is unset', () => {
    expect(withReplicasAlias({ STREAM_REPLICAS: '3' }).JETSTREAM_REPLICAS).toBe('3');
  });

  it('keeps JETSTREAM_REPLICAS, and leaves the default to the config when neither is set', () => {
    expect(withReplicasAlias({ JETSTREAM_REPLICAS: '3' }).JETSTREAM_REPLICAS).toBe('3');
    expect(withReplicasAlias({ JETSTREAM_REPLICAS: '3', STREAM_REPLICAS: '3' }).JETSTREAM_REPLICAS).toBe('3');
    expect(withReplicasAlias({}).JETSTREAM_REPLICAS).toBeUndefined();
  });

  it('stops the service when the two names disagree', () => {
    expect(() => withReplicasAlias({ JETSTREAM_REPLICAS: '3', STREAM_REPLICAS: '1' })).toThrow(ConfigError);
  });
});
