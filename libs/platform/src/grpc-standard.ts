import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { HealthRegistry } from './health';

/** How often grpc.health.v1 follows the readiness checks: as often as a kubelet probes. */
const HEALTH_REFRESH_MS = 5_000;

/** The fully qualified services of a package definition (messages and enums carry a `format`). */
function serviceNames(definition: PackageDefinition): string[] {
  return Object.entries(definition)
    .filter(([, value]) => !('format' in value))
    .map(([name]) => name);
}

/**
 * The services every gRPC server of ours carries besides its own: grpc.health.v1.Health (""
 * and each service, SERVING while /health/ready is ok, for grpc_health_probe and Kubernetes gRPC
 * probes) and server reflection (v1 and v1alpha, for grpcurl and Postman).
 */
export function addStandardGrpcServices(
  server: Server,
  definition: PackageDefinition,
  registry: HealthRegistry,
): () => void {
  new ReflectionService(definition).addToServer(server);
  const names = ['', ...serviceNames(definition)];
  const health = new HealthImplementation(Object.fromEntries(names.map((name) => [name, 'NOT_SERVING'])));
  health.addToServer(server);
  const set = (status: ServingStatus): void => names.forEach((name) => health.setStatus(name, status));
  let stopped = false;
  const refresh = async (): Promise<void> => {
    const report = await registry.report();
    if (!stopped) set(report.status === 'ok' ? 'SERVING' : 'NOT_SERVING');
  };
  void refresh();
  const timer = setInterval(() => void refresh(), HEALTH_REFRESH_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    set('NOT_SERVING');
  };
}
