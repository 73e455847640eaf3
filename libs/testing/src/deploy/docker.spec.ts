import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  composeReferenceProblems,
  composeSchemaProblems,
  dependencies,
  environmentOf,
  interpolationProblems,
  parseCompose,
  type ComposeFile,
} from './compose-checks';
import { processes, repoPath, requiredServiceEnv, services } from './deploy-conventions';
import { dockerfileLint, dockerfileStages, entrypointRoles, isNonRootUser } from './dockerfile-checks';
import { parse } from 'yaml';
import { jetStreamBlock } from './nats-checks';
import { SERVICE_NODE_FLAGS } from '../services';

const execFileAsync = promisify(execFile);
const read = (path: string) => readFileSync(repoPath(path), 'utf8');

describe('docker/Dockerfile', () => {
  const text = read('docker/Dockerfile');
  const stages = dockerfileStages(text);
  const runtime = stages.at(-1)!;

  it('passes the Dockerfile linter', () => {
    expect(dockerfileLint(text)).toEqual([]);
    expect(dockerfileLint(`${text}\nWORKDIR relative\nEXPOSE http\n`)).toHaveLength(2);
  });

  it('builds and runs on Node 24 in two stages', () => {
    expect(stages.map((stage) => stage.image)).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
    expect(stages[0]?.name).toBe('build');
  });

  it('runs as the unprivileged uid 10001 under tini, through the entrypoint', () => {
    expect(runtime.user).toBe('10001:10001');
    expect(isNonRootUser(runtime.user)).toBe(true);
    expect(['root', '0:0', undefined].map(isNonRootUser)).toEqual([false, false, false]);
    expect(runtime.entrypoint).toEqual(['/usr/bin/tini', '--', '/usr/local/bin/hookstream-entrypoint']);
    const entrypointCopy = runtime.copies.find((copy) => copy.sources.includes('docker/entrypoint.sh'));
    expect(entrypointCopy?.destination).toBe('/usr/local/bin/hookstream-entrypoint');
  });

  it('ships build output, production dependencies, the CLI and the gRPC protos at their relative paths', () => {
    const fromBuild = runtime.copies.filter((copy) => copy.from === 'build');
    const shipped = Object.fromEntries(fromBuild.map((copy) => [copy.sources[0], copy.destination]));
    expect(shipped).toEqual({
      '/app/package.json': './package.json',
      '/app/node_modules': './node_modules',
      '/app/dist': './dist',
      '/app/bin': './bin',
      '/app/libs/contracts/proto': './libs/contracts/proto',
      // Served at /docs-json by the subscriptions service.
      '/app/docs/openapi.json': './docs/openapi.json',
    });
    expect(text).toMatch(/npm prune --omit=dev/);
  });
});

describe('docker/entrypoint.sh', () => {
  const path = repoPath('docker/entrypoint.sh');

  it('is an executable POSIX shell script', () => {
    expect(() => execFileSync('sh', ['-n', path])).not.toThrow();
    expect(statSync(path).mode & 0o111).not.toBe(0);
  });

  it('maps every role to its entry point with exec, so signals reach node', () => {
    const expected = Object.fromEntries(Object.entries(processes).map(([role, spec]) => [role, spec.entry]));
    const roles = entrypointRoles(readFileSync(path, 'utf8'));
    expect(Object.fromEntries([...roles].map(([role, { entry }]) => [role, entry]))).toEqual(expected);
  });

  it('runs each service with the node flags its tests and the bench run it with', () => {
    const roles = entrypointRoles(readFileSync(path, 'utf8'));
    for (const service of services)
      expect([service, roles.get(service)?.flags]).toEqual([service, SERVICE_NODE_FLAGS[service]]);
  });
});

describe('.dockerignore', () => {
  const rules = read('.dockerignore')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));

  it('excludes everything except the sources the build copies', () => {
    expect(rules[0]).toBe('*');
    for (const source of [
      'package.json',
      'package-lock.json',
      'apps/',
      'libs/',
      'bin/',
      'docker/entrypoint.sh',
    ]) {
      expect(rules).toContain(`!${source}`);
    }
    expect(rules).not.toContain('!.env');
  });
});

describe('docker/docker-compose.yml', () => {
  const text = read('docker/docker-compose.yml');
  const compose = parseCompose(text);
  const serviceOf = (name: string) => compose.services[name]!;

  it('follows the Compose Specification', () => {
    expect(composeSchemaProblems(compose)).toEqual([]);
    const broken = structuredClone(compose);
    (broken.services.nats!.healthcheck as Record<string, unknown>).intervall = '5s';
    expect(composeSchemaProblems(broken)).toHaveLength(1);
  });

  it('interpolates only well-formed ${VARIABLES}', () => {
    expect(interpolationProblems(text)).toEqual([]);
    expect(interpolationProblems('a: $HOME ${OK:-x} $$literal')).toHaveLength(1);
  });

  it('refers only to services and volumes that exist, and mounts files that exist', () => {
    expect(composeReferenceProblems(compose)).toEqual([]);
    const broken: ComposeFile = { services: { a: { depends_on: ['b'], volumes: ['data:/data'] } } };
    expect(composeReferenceProblems(broken)).toHaveLength(2);
    const binds = Object.values(compose.services).flatMap((s) => s.volumes ?? []);
    for (const bind of binds.filter((v): v is string => typeof v === 'string' && v.startsWith('.'))) {
      expect(existsSync(join(dirname(repoPath('docker/docker-compose.yml')), bind.split(':')[0]!))).toBe(
        true,
      );
    }
  });

  it('starts each service after NATS and Postgres are healthy and migrations succeeded', () => {
    expect(serviceOf('migrate').command).toEqual(['migrate']);
    for (const name of services) {
      expect(serviceOf(name).depends_on).toEqual({
        nats: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
  });

  it('runs each service with its configuration and a readiness check on its HTTP port', () => {
    for (const name of services) {
      const service = serviceOf(name);
      const env = environmentOf(service);
      expect(service.command).toEqual([name]);
      expect(requiredServiceEnv.filter((variable) => !env.has(variable))).toEqual([]);
      expect(env.get('HTTP_PORT')).toBe(String(processes[name]!.httpPort));
      expect(env.get('GRPC_PORT')).toBe(processes[name]!.grpcPort?.toString());
      expect(service.healthcheck?.test).toEqual(serviceOf('subscriptions').healthcheck?.test);
    }
    expect(environmentOf(serviceOf('subscriptions')).get('SECRETS_KEY')).toMatch(/:-[0-9a-f]{64}\}$/);
    expect(text).toMatch(/DEVELOPMENT ONLY/);
  });

  it('reports a service healthy only while /health/ready on its HTTP_PORT answers 2xx', async () => {
    const [kind, command, ...args] = serviceOf('subscriptions').healthcheck?.test as string[];
    expect([kind, command]).toEqual(['CMD', 'node']);
    let ready = false;
    const server = createServer((request, response) => {
      response.statusCode = request.url === '/health/ready' && ready ? 200 : 503;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const check = () =>
      execFileAsync('node', args, { env: { ...process.env, HTTP_PORT: String(port) } }).then(
        () => 0,
        (error: { code?: number }) => error.code,
      );
    try {
      expect(await check()).toBe(1);
      ready = true;
      expect(await check()).toBe(0);
    } finally {
      server.close();
    }
  });

  it('publishes the whole API through the gateway on 8080', () => {
    const gateway = serviceOf('gateway');
    expect(gateway.command).toEqual(['gateway']);
    expect((gateway as { ports?: string[] }).ports).toEqual(['127.0.0.1:8080:8080']);
    expect(dependencies(gateway).sort()).toEqual(['log-projector', 'subscriptions']);
    expect(environmentOf(gateway).get('HTTP_PORT')).toBe('8080');
  });

  it('runs the NATS release the Helm values pin, with JetStream from docker/nats.conf, fsyncing every write', () => {
    const nats = serviceOf('nats');
    const helm = parse(read('k8s/nats/values.yaml')) as { container: { image: { tag: string } } };
    const helmTag = helm.container.image.tag;
    expect(helmTag).toBe('2.10.27-alpine');
    expect(nats.image).toBe(`nats:${helmTag}`);
    expect(nats.command).toEqual(['-c', '/etc/nats/nats.conf']);
    expect(nats.volumes).toContain('./nats.conf:/etc/nats/nats.conf:ro');
    const jetstream = jetStreamBlock(read('docker/nats.conf'));
    expect(jetstream?.get('sync_interval')).toBe('always');
    expect(jetstream?.get('store_dir')).toBe('/data/jetstream');
    expect(serviceOf('postgres').image).toBe('postgres:17-alpine');
  });
});
