import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  Metadata,
  type ServiceClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import {
  Body,
  Controller,
  Get,
  type INestApplication,
  Injectable,
  Module,
  type OnModuleDestroy,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { IsString, MaxLength } from 'class-validator';
import { request } from 'undici';
import { freePort } from '@hookstream/testing';
import {
  AdminGuard,
  bootstrapService,
  DomainError,
  type ErrorCode,
  HealthRegistry,
  Metrics,
  PlatformModule,
} from '@hookstream/platform';

const PROTO = join(__dirname, 'fixtures', 'probe.proto');

class ItemDto {
  @IsString()
  @MaxLength(3)
  name: string;
}

/** A check the test flips to see readiness follow it. */
@Injectable()
class Switch {
  ok = true;
  constructor(registry: HealthRegistry, metrics: Metrics) {
    registry.register('switch', () => ({ ok: this.ok, detail: this.ok ? undefined : 'switched off' }));
    metrics.counter({ name: 'probe_items_total', help: 'items created' });
  }
}

@Controller('probe')
class ProbeHttpController {
  @Post('items')
  create(@Body() item: ItemDto): ItemDto {
    return item;
  }

  @Get('fail/:code')
  fail(@Param('code') code: string): never {
    throw new DomainError(code as ErrorCode, `failed with ${code}`, undefined, {
      type: code === 'not_found' ? 'record-not-found' : undefined,
    });
  }

  @Get('crash')
  crash(): never {
    throw new Error('db password hunter2 rejected');
  }

  @Get('admin')
  @UseGuards(AdminGuard)
  admin(): { ok: true } {
    return { ok: true };
  }
}

@Controller()
class ProbeGrpcController {
  @GrpcMethod('Probe', 'Fail')
  fail(request: { code: string }): never {
    if (request.code === 'crash') throw new Error('db password hunter2 rejected');
    throw new DomainError(request.code as ErrorCode, `failed with ${request.code}`);
  }

  @GrpcMethod('Probe', 'Echo')
  @UseGuards(AdminGuard)
  echo(@Payload() item: ItemDto): { name: string; organization_id: string } {
    return { name: item.name, organization_id: '' };
  }
}

@Module({
  imports: [PlatformModule.forRoot({ adminToken: 'op-token' })],
  controllers: [ProbeHttpController, ProbeGrpcController],
  providers: [Switch],
})
class ProbeModule {}

type Callback<T> = (error: ServiceError | null, reply?: T) => void;
type ProbeClient = {
  Fail(request: object, metadata: Metadata, callback: Callback<object>): void;
  Echo(request: object, metadata: Metadata, callback: Callback<object>): void;
  close(): void;
};

function probeClient(port: number): ProbeClient {
  const root = loadPackageDefinition(loadSync(PROTO, { keepCase: true }));
  const Probe = ((root.hookstream as GrpcObject).probe as GrpcObject).Probe as ServiceClientConstructor;
  return new Probe(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as ProbeClient;
}

/** The parts of a JSON reply the assertions read. */
interface Reply {
  error?: { type: string; message: string };
  [field: string]: unknown;
}

function call<T>(
  method: (r: object, m: Metadata, cb: Callback<T>) => void,
  body: object,
  metadata = new Metadata(),
) {
  return new Promise<{ error: ServiceError | null; reply?: T }>((resolve) =>
    method(body, metadata, (error, reply) => resolve({ error, reply })),
  );
}

describe('bootstrapService', () => {
  let app: INestApplication;
  let base: string;
  let client: ProbeClient;

  beforeAll(async () => {
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    app = await bootstrapService({
      name: 'probe',
      module: ProbeModule,
      httpPort,
      host: '127.0.0.1',
      logLevel: 'silent',
      grpc: { port: grpcPort, packageName: 'hookstream.probe', protoFiles: [PROTO] },
    });
    base = `http://127.0.0.1:${httpPort}`;
    client = probeClient(grpcPort);
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  async function send(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ) {
    const response = await request(`${base}${path}`, {
      method,
      body,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      headers: response.headers,
      text,
      json: () => JSON.parse(text) as Reply,
    };
  }

  it('answers liveness, and readiness from the registered checks', async () => {
    expect((await send('GET', '/health/live')).json()).toEqual({ status: 'ok' });
    const ready = await send('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { switch: { ok: true } } });

    app.get(Switch).ok = false;
    const notReady = await send('GET', '/health/ready');
    app.get(Switch).ok = true;
    expect(notReady.status).toBe(503);
    expect(notReady.json()).toEqual({
      status: 'unavailable',
      checks: { switch: { ok: false, detail: 'switched off' } },
    });
  });

  it('accepts valid JSON bodies and refuses invalid ones with a named problem', async () => {
    expect((await send('POST', '/probe/items', '{"name":"abc"}')).json()).toEqual({ name: 'abc' });

    const invalid = await send('POST', '/probe/items', '{"name":');
    expect(invalid.status).toBe(400);
    expect(invalid.json().error?.type).toBe('invalid_json');

    const tooLong = await send('POST', '/probe/items', '{"name":"abcd","extra":1}');
    expect(tooLong.status).toBe(400);
    expect(tooLong.json()).toEqual({
      error: {
        type: 'validation_failed',
        message: 'property extra should not exist; name must be shorter than or equal to 3 characters',
        fields: [
          { path: 'extra', message: 'property extra should not exist' },
          { path: 'name', message: 'name must be shorter than or equal to 3 characters' },
        ],
      },
    });
  });

  it('answers a body that is not JSON with 415, and takes a POST without a body', async () => {
    const empty = await send('POST', '/probe/items');
    expect(empty.json().error?.type).toBe('validation_failed'); // no body: nothing to judge the type of
    const text = await request(`${base}/probe/items`, {
      method: 'POST',
      body: 'name=abc',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.statusCode).toBe(415);
    expect(await text.body.json()).toEqual({
      error: {
        type: 'unsupported_media_type',
        message: 'request body must be application/json, got application/x-www-form-urlencoded',
      },
    });
    const untyped = await request(`${base}/probe/items`, { method: 'POST', body: '{"name":"abc"}' });
    expect(untyped.statusCode).toBe(415);
    await untyped.body.dump();
    const charset = await send('POST', '/probe/items', '{"name":"abc"}', {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(charset.json()).toEqual({ name: 'abc' });
  });

  it('answers bodies over 1 MiB with 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
    const response = await send('POST', '/probe/items', big);
    expect(response.status).toBe(413);
    expect(response.json()).toEqual({
      error: { type: 'payload_too_large', message: 'request body is larger than 1048576 bytes' },
    });
  });

  it('maps domain errors, unknown routes and crashes to the error body', async () => {
    const conflict = await send('GET', '/probe/fail/conflict');
    expect(conflict.status).toBe(409);
    expect(conflict.json()).toEqual({ error: { type: 'conflict', message: 'failed with conflict' } });

    const renamed = await send('GET', '/probe/fail/not_found');
    expect(renamed.status).toBe(404);
    expect(renamed.json().error?.type).toBe('record-not-found');

    const unknown = await send('GET', '/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toEqual({ error: { type: 'not_found', message: 'Cannot GET /nope' } });

    const crash = await send('GET', '/probe/crash');
    expect(crash.status).toBe(500);
    expect(crash.json().error).toEqual({
      type: 'internal',
      message: expect.stringMatching(/^internal error, id err_/),
    });
    expect(crash.text).not.toContain('hunter2');
  });

  it('guards admin routes with the operator token', async () => {
    expect((await send('GET', '/probe/admin')).status).toBe(401);
    expect((await send('GET', '/probe/admin', undefined, { authorization: 'Bearer wrong' })).status).toBe(
      401,
    );
    expect(
      (await send('GET', '/probe/admin', undefined, { authorization: 'Bearer op-token' })).json(),
    ).toEqual({
      ok: true,
    });
  });

  it('serves Prometheus metrics including request durations by route', async () => {
    await send('GET', '/health/live');
    const metrics = await send('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.text).toContain('probe_items_total');
    expect(metrics.text).toMatch(
      /hookstream_http_request_duration_seconds_count\{method="GET",route="\/health\/live",status="200"\}/,
    );
    expect(metrics.text).toMatch(/route="unmatched",status="404"/);
  });

  it.each<[ErrorCode, status]>([
    ['validation_failed', status.INVALID_ARGUMENT],
    ['unauthorized', status.UNAUTHENTICATED],
    ['forbidden', status.PERMISSION_DENIED],
    ['not_found', status.NOT_FOUND],
    ['conflict', status.ALREADY_EXISTS],
    ['unavailable', status.UNAVAILABLE],
  ])('answers gRPC calls failing with %s with status %i', async (code, grpcStatus) => {
    const { error } = await call(client.Fail.bind(client), { code });
    expect(error?.code).toBe(grpcStatus);
    expect(error?.details).toBe(`failed with ${code}`);
    expect(error?.metadata.get('error-type')).toEqual([code]);
  });

  it('answers a crashing gRPC call with INTERNAL and an error id only', async () => {
    const { error } = await call(client.Fail.bind(client), { code: 'crash' });
    expect(error?.code).toBe(status.INTERNAL);
    expect(error?.details).toMatch(/^internal error, id err_/);
  });

  it('guards and validates gRPC calls', async () => {
    const anonymous = await call(client.Echo.bind(client), { name: 'abc' });
    expect(anonymous.error?.code).toBe(status.UNAUTHENTICATED);

    const operator = new Metadata();
    operator.set('authorization', 'Bearer op-token');
    expect((await call(client.Echo.bind(client), { name: 'abc' }, operator)).reply).toEqual({
      name: 'abc',
      organization_id: '',
    });
    const invalid = await call(client.Echo.bind(client), { name: 'abcd' }, operator);
    expect(invalid.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(invalid.error?.details).toBe('name must be shorter than or equal to 3 characters');
    expect(JSON.parse(String(invalid.error?.metadata.get('error-fields')[0]))).toEqual([
      { path: 'name', message: 'name must be shorter than or equal to 3 characters' },
    ]);
  });
});

/** Stands for what a service's modules open at start (pools, consumers): counts its release. */
@Injectable()
class HeldResource implements OnModuleDestroy {
  static released = 0;
  onModuleDestroy(): void {
    HeldResource.released += 1;
  }
}

@Module({ imports: [PlatformModule.forRoot({})], providers: [HeldResource] })
class HoldingModule {}

describe('bootstrapService on a port already taken', () => {
  it('fails with the cause and releases what its modules opened', async () => {
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const start = bootstrapService({
        name: 'holding',
        module: HoldingModule,
        httpPort: port,
        host: '127.0.0.1',
        logLevel: 'silent',
      });
      await expect(start).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(HeldResource.released).toBe(1);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
