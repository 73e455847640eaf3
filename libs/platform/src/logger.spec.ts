import { Writable } from 'node:stream';
import { createLogger, NestPinoLogger } from './logger';

function capture(): { records: () => Record<string, unknown>[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), stream };
}

describe('createLogger', () => {
  it('writes JSON lines with the service name and the level label', () => {
    const { records, stream } = capture();
    createLogger('dispatcher', 'info', stream).info({ dispatchId: 'dsp_1' }, 'delivered');
    expect(records()[0]).toMatchObject({
      service: 'dispatcher',
      level: 'info',
      msg: 'delivered',
      dispatchId: 'dsp_1',
    });
  });

  it('redacts secrets, keys and authorization headers', () => {
    const { records, stream } = capture();
    createLogger('x', 'info', stream).info(
      {
        secret: 'whsec_a',
        secrets: ['whsec_b'],
        subscription: { id: 'wh_1', secret: 'whsec_c' },
        key: 'hs_live_d',
        authorization: 'Bearer e',
        headers: { authorization: 'Bearer f', 'content-type': 'application/json' },
        request: { headers: { authorization: 'Bearer g' } },
      },
      'saved',
    );
    const line = JSON.stringify(records()[0]);
    for (const secret of ['whsec_a', 'whsec_b', 'whsec_c', 'hs_live_d', 'Bearer e', 'Bearer f', 'Bearer g'])
      expect(line).not.toContain(secret);
    expect(records()[0]).toMatchObject({
      subscription: { id: 'wh_1' },
      headers: { 'content-type': 'application/json' },
    });
  });

  it('honours the level', () => {
    const { records, stream } = capture();
    const logger = createLogger('x', 'warn', stream);
    logger.info('hidden');
    logger.warn('shown');
    expect(records().map((r) => r.msg)).toEqual(['shown']);
  });
});

describe('NestPinoLogger', () => {
  it("turns Nest's (message, context) and (message, stack, context) calls into fields", () => {
    const { records, stream } = capture();
    const nest = new NestPinoLogger(createLogger('x', 'trace', stream));
    nest.log('Mapped {/health, GET} route', 'RouterExplorer');
    nest.error('boom', 'Error: boom\n    at main (main.ts:1:1)', 'ExceptionsHandler');
    nest.warn({ event: 'slow' }, 'Scheduler');
    nest.error(new Error('bad'));
    expect(records()).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'Mapped {/health, GET} route',
        context: 'RouterExplorer',
      }),
      expect.objectContaining({
        level: 'error',
        msg: 'boom',
        context: 'ExceptionsHandler',
        stack: 'Error: boom\n    at main (main.ts:1:1)',
      }),
      expect.objectContaining({ level: 'warn', event: 'slow', context: 'Scheduler' }),
      expect.objectContaining({
        level: 'error',
        msg: 'bad',
        err: expect.objectContaining({ message: 'bad' }),
      }),
    ]);
  });
});
