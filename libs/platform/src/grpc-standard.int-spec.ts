import { dirname, join } from 'node:path';
import {
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { type INestApplication, Injectable, Module } from '@nestjs/common';
import { protoPath as HEALTH_PROTO } from 'grpc-health-check';
import { freePort } from '@hookstream/testing';
import { bootstrapService, HealthRegistry, PlatformModule } from '@hookstream/platform';

const PROTO = join(__dirname, 'fixtures', 'probe.proto');
const REFLECTION_PROTO = join(
  dirname(require.resolve('@grpc/reflection/package.json')),
  'build/proto/grpc/reflection/v1/reflection.proto',
);

@Injectable()
class Switch {
  ok = true;
  constructor(registry: HealthRegistry) {
    registry.register('switch', () => ({ ok: this.ok }));
  }
}

@Module({ imports: [PlatformModule.forRoot()], providers: [Switch] })
class ProbeModule {}

type Client = InstanceType<ServiceClientConstructor>;
const clientOf = (proto: string, path: string[], address: string): Client => {
  let node = loadPackageDefinition(loadSync(proto, { keepCase: true, enums: String }));
  for (const part of path.slice(0, -1)) node = node[part] as GrpcObject;
  const Service = node[path.at(-1)!] as ServiceClientConstructor;
  return new Service(address, credentials.createInsecure());
};

/** grpc.health.v1 and server reflection on every service's gRPC server. */
describe('the standard gRPC services', () => {
  let app: INestApplication;
  let address: string;

  beforeAll(async () => {
    const grpcPort = await freePort();
    app = await bootstrapService({
      name: 'probe',
      module: ProbeModule,
      httpPort: await freePort(),
      host: '127.0.0.1',
      logLevel: 'silent',
      grpc: { port: grpcPort, packageName: 'hookstream.probe', protoFiles: [PROTO] },
    });
    address = `127.0.0.1:${grpcPort}`;
  });
  afterAll(async () => {
    await app?.close();
  });

  const check = (service: string) => {
    const health = clientOf(HEALTH_PROTO, ['grpc', 'health', 'v1', 'Health'], address);
    return new Promise<string>((resolve, reject) =>
      (
        health as unknown as {
          Check: (r: object, cb: (e: ServiceError | null, r?: { status: string }) => void) => void;
        }
      ).Check({ service }, (error, reply) => (error ? reject(error) : resolve(reply!.status))),
    ).finally(() => health.close());
  };

  it('answers grpc.health.v1 Check for the server and each service, following readiness', async () => {
    await expect(check('')).resolves.toBe('SERVING');
    await expect(check('hookstream.probe.Probe')).resolves.toBe('SERVING');
    await expect(check('hookstream.other.Nothing')).rejects.toMatchObject({ code: 5 });
    app.get(Switch).ok = false;
    let status = await check('');
    for (let i = 0; i < 100 && status === 'SERVING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = await check('');
    }
    app.get(Switch).ok = true;
    expect(status).toBe('NOT_SERVING');
  });

  it('lists the services through server reflection', async () => {
    const reflection = clientOf(
      REFLECTION_PROTO,
      ['grpc', 'reflection', 'v1', 'ServerReflection'],
      address,
    ) as unknown as {
      ServerReflectionInfo: () => NodeJS.ReadWriteStream & { write(m: object): void; end(): void };
      close(): void;
    };
    const stream = reflection.ServerReflectionInfo();
    stream.on('error', () => undefined); // the cancellation when the client closes
    const reply = new Promise<{ list_services_response: { service: Array<{ name: string }> } }>((resolve) =>
      stream.once('data', resolve),
    );
    stream.write({ list_services: '' });
    const names = (await reply).list_services_response.service.map((service) => service.name);
    stream.end();
    reflection.close();
    expect(names).toEqual(expect.arrayContaining(['hookstream.probe.Probe']));
  });
});
