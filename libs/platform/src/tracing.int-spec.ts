import { Controller, Headers, Module, Post } from '@nestjs/common';
import { request } from 'undici';
import { freePort } from '@hookstream/testing';
import {
  activeTracer,
  bootstrapService,
  contextFromTraceparent,
  PlatformModule,
  readTracingConfig,
} from '@hookstream/platform';

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

@Controller('work')
class WorkController {
  // Taken when the module is built, as the services' providers do.
  private readonly tracer = activeTracer();

  @Post()
  work(@Headers('traceparent') traceparent?: string): { traced: boolean } {
    this.tracer?.startSpan('work', {}, contextFromTraceparent(traceparent)).end();
    return { traced: this.tracer !== undefined };
  }
}

@Module({ imports: [PlatformModule], controllers: [WorkController] })
class WorkModule {}

async function start(env: NodeJS.ProcessEnv) {
  const httpPort = await freePort();
  const app = await bootstrapService({
    name: 'probe',
    module: WorkModule,
    httpPort,
    host: '127.0.0.1',
    logLevel: 'silent',
    tracing: readTracingConfig(env),
  });
  const work = async (): Promise<{ traced: boolean }> => {
    const res = await request(`http://127.0.0.1:${httpPort}/work`, {
      method: 'POST',
      headers: { traceparent: CALLER },
    });
    return (await res.body.json()) as { traced: boolean };
  };
  return { app, work };
}

/**
 * In-process: what the chassis gives the code. That the spans reach an OTLP receiver, and are
 * sent at shutdown, is test/e2e/tracing.e2e-spec.ts (jest's VM cannot load the exporter's
 * transport, which the services load as plain Node does).
 */
describe('tracing in the service chassis', () => {
  it('gives the code a tracer when an endpoint is set, and takes it back when the service stops', async () => {
    const { app, work } = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    expect(await work()).toEqual({ traced: true });
    await app.close();
    expect(activeTracer()).toBeUndefined();
  });

  it('gives the code no tracer without an endpoint, so that it makes no span', async () => {
    const { app, work } = await start({ OTEL_SERVICE_NAME: 'probe', OTEL_BSP_SCHEDULE_DELAY: '10' });
    expect(await work()).toEqual({ traced: false });
    await app.close();
  });
});
