import { ConfigError } from '@hookstream/platform';
import { readSubscriptionsConfig } from './subscriptions.config';

const required = {
  DATABASE_URL: 'postgres://u:p@localhost/db',
  ADMIN_TOKEN: 'a'.repeat(16),
  SECRETS_KEY: 'ab'.repeat(32),
};

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    readSubscriptionsConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readSubscriptionsConfig', () => {
  it('applies the documented defaults under camelCase names', () => {
    const config = readSubscriptionsConfig(required);
    expect(config).toMatchObject({
      natsUrl: 'nats://127.0.0.1:4222',
      httpPort: 8081,
      grpcPort: 50051,
      logLevel: 'info',
      maxEventBytes: 262_144,
      secretRotationGraceMs: 86_400_000,
      portalFrameAncestors: "'self'",
      allowHttp: false,
    });
    expect(config.allowList.allowsAddress('127.0.0.1', 80)).toBe(false);
  });

  it('reads JETSTREAM_REPLICAS under its former name too', () => {
    expect(readSubscriptionsConfig({ ...required, STREAM_REPLICAS: '3' }).streamReplicas).toBe(3);
  });

  it('names every wrong variable at once', () => {
    expect(problemsOf({ ...required, DATABASE_URL: 'mysql://x@db', MAX_EVENT_BYTES: '10' })).toEqual([
      'DATABASE_URL must be a URL starting with postgres:// or postgresql://',
      'MAX_EVENT_BYTES must be an integer between 1024 and 8388608 (got "10")',
    ]);
    expect(
      problemsOf({
        ...required,
        ADMIN_TOKEN: 'short',
        PORTAL_FRAME_ANCESTORS: "'self'; script-src *",
        DELIVERY_ALLOWED_TARGETS: 'a b',
      }),
    ).toEqual([
      'ADMIN_TOKEN must be at least 16 characters',
      expect.stringMatching(/^DELIVERY_ALLOWED_TARGETS /),
      "PORTAL_FRAME_ANCESTORS must be space-separated CSP sources such as 'self' https://app.example.com",
    ]);
  });

  it('reports a wrong variable alone, without the checks built on the others', () => {
    expect(problemsOf({ ...required, ADMIN_TOKEN: 'short', DATABASE_URL: undefined })).toEqual([
      'DATABASE_URL is required',
    ]);
  });
});
