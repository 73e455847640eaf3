import { ConfigError, exitOnConfigError, readConfig, readSettings, setting } from './config';
import { bool, duration, int, list, oneOf, optional, secretKey, str, url } from './config-parsers';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readConfig', () => {
  const spec = {
    NATS_URL: url({ protocols: ['nats', 'tls'] }),
    DATABASE_URL: url({ protocols: ['postgres', 'postgresql'] }),
    HTTP_PORT: int({ default: 8081, min: 1, max: 65535 }),
    DELIVERY_ALLOW_HTTP: bool({ default: false }),
    DELIVERY_DISABLE_AFTER: duration({ default: '5d' }),
    DELIVERY_RETRY_SCHEDULE: list({ default: '5s,5m,30m', item: duration() }),
    DELIVERY_ALLOWED_TARGETS: list({ default: [] }),
    SECRETS_KEY: secretKey(),
    LOG_LEVEL: oneOf(['debug', 'info', 'warn'], { default: 'info' }),
    ADMIN_TOKEN: optional(str()),
  };
  const key = 'ab'.repeat(32);

  it('types the values and applies the defaults', () => {
    const config = readConfig(spec, {
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://u:p@localhost/db',
      SECRETS_KEY: key,
      HTTP_PORT: '',
    });
    expect(config).toEqual({
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://u:p@localhost/db',
      HTTP_PORT: 8081,
      DELIVERY_ALLOW_HTTP: false,
      DELIVERY_DISABLE_AFTER: 5 * 86_400_000,
      DELIVERY_RETRY_SCHEDULE: [5000, 300_000, 1_800_000],
      DELIVERY_ALLOWED_TARGETS: [],
      SECRETS_KEY: Buffer.from(key, 'hex'),
      LOG_LEVEL: 'info',
      ADMIN_TOKEN: undefined,
    });
  });

  it('names every wrong or missing variable at once, and why', () => {
    const problems = problemsOf(() =>
      readConfig(spec, {
        DATABASE_URL: 'mysql://secret-password@db/x',
        HTTP_PORT: '80a',
        DELIVERY_ALLOW_HTTP: 'yes',
        DELIVERY_RETRY_SCHEDULE: '5s,soon',
        SECRETS_KEY: 'too-short',
        LOG_LEVEL: 'loud',
      }),
    );
    expect(problems).toEqual([
      'NATS_URL is required',
      'DATABASE_URL must be a URL starting with postgres:// or postgresql://',
      'HTTP_PORT must be an integer between 1 and 65535 (got "80a")',
      'DELIVERY_ALLOW_HTTP must be true, false, 1 or 0 (got "yes")',
      'DELIVERY_RETRY_SCHEDULE item 2 must be a duration such as 250ms, 5s, 5m, 2h or 5d (got "soon")',
      'SECRETS_KEY must be 32 bytes written as 64 hex characters or as base64',
      'LOG_LEVEL must be one of debug, info, warn (got "loud")',
    ]);
  });

  it('never echoes secrets or URLs, which may hold credentials', () => {
    const message = (() => {
      try {
        readConfig(
          { DATABASE_URL: url({ protocols: ['postgres'] }), SECRETS_KEY: secretKey() },
          {
            DATABASE_URL: 'mysql://hunter2@db',
            SECRETS_KEY: 'hunter2',
          },
        );
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('SECRETS_KEY');
    expect(message).not.toContain('hunter2');
  });
});

describe('readSettings', () => {
  const spec = {
    natsUrl: setting('NATS_URL', str({ default: 'nats://127.0.0.1:4222' })),
    maxEventBytes: setting('MAX_EVENT_BYTES', int({ default: 262_144, min: 1024 })),
    schedule: setting('DELIVERY_RETRY_SCHEDULE', str({ default: '5s' }), (raw) => {
      if (raw === 'soon') throw new Error('must list durations');
      return raw.split(',');
    }),
  };

  it('keys the values by the names the code reads', () => {
    expect(readSettings(spec, { MAX_EVENT_BYTES: '2048', DELIVERY_RETRY_SCHEDULE: '5s,5m' })).toEqual({
      natsUrl: 'nats://127.0.0.1:4222',
      maxEventBytes: 2048,
      schedule: ['5s', '5m'],
    });
  });

  it('names the environment variable in every problem, conversions included', () => {
    expect(problemsOf(() => readSettings(spec, { MAX_EVENT_BYTES: '12' }))).toEqual([
      'MAX_EVENT_BYTES must be an integer of at least 1024 (got "12")',
    ]);
    expect(problemsOf(() => readSettings(spec, { DELIVERY_RETRY_SCHEDULE: 'soon' }))).toEqual([
      'DELIVERY_RETRY_SCHEDULE must list durations',
    ]);
  });

  it('converts only once every variable is valid, so a wrong one is reported alone', () => {
    expect(
      problemsOf(() => readSettings(spec, { MAX_EVENT_BYTES: '12', DELIVERY_RETRY_SCHEDULE: 'soon' })),
    ).toEqual(['MAX_EVENT_BYTES must be an integer of at least 1024 (got "12")']);
  });
});

describe('parsers', () => {
  const one = <T>(parser: { parse(raw: string | undefined): unknown }, raw: string | undefined): T =>
    readConfig({ V: parser as never }, raw === undefined ? {} : { V: raw }).V as T;

  it('reads durations in every unit and plain milliseconds', () => {
    expect(['250ms', '5s', '5m', '2h', '5d', '1500', '1.5s'].map((raw) => one(duration(), raw))).toEqual([
      250, 5000, 300_000, 7_200_000, 432_000_000, 1500, 1500,
    ]);
    expect(problemsOf(() => one(duration(), '-5s'))).toHaveLength(1);
    expect(problemsOf(() => one(duration(), '5 weeks'))).toHaveLength(1);
  });

  it('reads booleans as true/false/1/0 in any case', () => {
    expect(['true', 'TRUE', '1', 'false', 'False', '0'].map((raw) => one(bool(), raw))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('checks integer bounds', () => {
    expect(one(int({ min: 1 }), '1')).toBe(1);
    expect(problemsOf(() => one(int({ min: 1 }), '0'))).toEqual([
      'V must be an integer of at least 1 (got "0")',
    ]);
    expect(problemsOf(() => one(int({ max: 9 }), '10'))).toEqual([
      'V must be an integer of at most 9 (got "10")',
    ]);
    expect(problemsOf(() => one(int(), '1.5'))).toEqual(['V must be an integer (got "1.5")']);
  });

  it('refuses empty strings unless allowed', () => {
    expect(problemsOf(() => one(str(), ''))).toEqual(['V must not be empty']);
    expect(one(str({ allowEmpty: true }), '')).toBe('');
    expect(one(str({ default: 'x' }), undefined)).toBe('x');
  });

  it('splits lists on commas, trimming and dropping empty items', () => {
    expect(one(list(), ' 10.0.0.0/8 , example.com:443,,')).toEqual(['10.0.0.0/8', 'example.com:443']);
    expect(one(list({ default: ['a'] }), '')).toEqual([]);
    expect(problemsOf(() => one(list(), undefined))).toEqual(['V is required']);
  });

  it('accepts a 32-byte secret key as hex, base64 or base64url', () => {
    const bytes = Buffer.alloc(32, 0xfb);
    for (const raw of [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')])
      expect(one<Buffer>(secretKey(), raw).equals(bytes)).toBe(true);
    expect(problemsOf(() => one(secretKey(), Buffer.alloc(31).toString('base64')))).toHaveLength(1);
  });

  it('rejects an invalid default at definition time', () => {
    expect(() => duration({ default: 'later' })).toThrow('invalid default duration "later"');
  });
});

describe('exitOnConfigError', () => {
  let exit: jest.SpyInstance;
  let stderr: jest.SpyInstance;

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    exit.mockRestore();
    stderr.mockRestore();
  });

  it('prints the problems and exits 1', () => {
    exitOnConfigError(() => readConfig({ NATS_URL: str() }, {}));
    expect(stderr).toHaveBeenCalledWith('invalid configuration:\n  - NATS_URL is required\n');
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('does the same for a rejected promise and returns values untouched', async () => {
    await exitOnConfigError(async () => readConfig({ NATS_URL: str() }, {}));
    expect(exit).toHaveBeenCalledWith(1);
    expect(exitOnConfigError(() => 42)).toBe(42);
  });

  it('lets other errors through', () => {
    expect(() =>
      exitOnConfigError(() => {
        throw new TypeError('boom');
      }),
    ).toThrow('boom');
    expect(exit).not.toHaveBeenCalled();
  });
});
