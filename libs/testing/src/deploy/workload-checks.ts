// Per-workload rules: the restricted security profile, pinned images, resources,
// probes on the conventional paths, graceful shutdown and complete configuration.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import {
  knownEnv,
  probePaths,
  processes,
  requiredServiceEnv,
  SECRET_ENV,
  secretEnvOf,
} from './deploy-conventions';
import { objectId, type KubeObject } from './kube-objects';
import { allContainers, containerEnv, containerPortNumber, type PodWorkload } from './workloads';

export const appUid = 10001;

/** A tag other than "latest", or a digest. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const separator = lastSegment.indexOf(':');
  return separator > 0 && separator < lastSegment.length - 1 && lastSegment.slice(separator + 1) !== 'latest';
}

export function securityProblems({ object, pod }: PodWorkload): string[] {
  const id = objectId(object);
  const problems: string[] = [];
  const podContext = pod.securityContext;
  if (podContext?.runAsNonRoot !== true) problems.push(`${id}: pod runAsNonRoot is not true`);
  if (podContext?.runAsUser !== appUid) problems.push(`${id}: pod runAsUser is not ${appUid}`);
  if (podContext?.seccompProfile?.type !== 'RuntimeDefault')
    problems.push(`${id}: seccompProfile not RuntimeDefault`);
  const tmpVolumes = new Set((pod.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
  for (const container of allContainers(pod)) {
    const at = `${id} container ${container.name}`;
    const context = container.securityContext;
    if (!container.image || !isPinnedImage(container.image))
      problems.push(`${at}: image not pinned to a tag`);
    if (context?.runAsNonRoot !== true) problems.push(`${at}: runAsNonRoot is not true`);
    if (context?.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem is not true`);
    if (context?.allowPrivilegeEscalation !== false)
      problems.push(`${at}: allowPrivilegeEscalation not false`);
    if (!context?.capabilities?.drop?.includes('ALL')) problems.push(`${at}: capabilities do not drop ALL`);
    const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
    if (!tmp || !tmpVolumes.has(tmp.name)) problems.push(`${at}: no emptyDir mounted at /tmp`);
    const { requests, limits } = container.resources ?? {};
    if (!requests?.cpu || !requests.memory) problems.push(`${at}: cpu and memory requests required`);
    if (!limits?.memory) problems.push(`${at}: memory limit required`);
  }
  return problems;
}

function probeProblems(
  at: string,
  container: IContainer,
  kind: string,
  probe: IProbe | undefined,
  path: string,
) {
  const http = probe?.httpGet;
  if (!http) return [`${at}: no HTTP ${kind} probe`];
  const problems: string[] = [];
  if (http.path !== path) problems.push(`${at}: ${kind} probe path ${http.path} is not ${path}`);
  if (containerPortNumber(container, http.port) === undefined) {
    problems.push(`${at}: ${kind} probe port ${http.port} is not a container port`);
  }
  return problems;
}

/** The port variable, the named container port and the convention agree (or are all absent). */
function portEnvProblems(
  at: string,
  container: IContainer,
  env: ReadonlyMap<string, string | undefined>,
  variable: string,
  portName: string,
  expected: number | undefined,
): string[] {
  const declared = containerPortNumber(container, portName);
  const value = env.get(variable);
  const agrees = declared === expected && value === expected?.toString();
  return agrees
    ? []
    : [`${at}: ${variable}=${value} and port "${portName}"=${declared}, expected ${expected}`];
}

function roleOf(container: IContainer): string | undefined {
  const role = container.args?.[0];
  return role !== undefined && role in processes ? role : undefined;
}

/** Rules for long-running service containers (Deployments). */
export function serviceProblems(objects: readonly KubeObject[], workload: PodWorkload): string[] {
  const id = objectId(workload.object);
  const problems: string[] = [];
  const grace = workload.pod.terminationGracePeriodSeconds ?? 30;
  for (const container of workload.pod.containers) {
    const at = `${id} container ${container.name}`;
    problems.push(...probeProblems(at, container, 'liveness', container.livenessProbe, probePaths.live));
    problems.push(...probeProblems(at, container, 'readiness', container.readinessProbe, probePaths.ready));
    problems.push(...probeProblems(at, container, 'startup', container.startupProbe, probePaths.live));
    const role = roleOf(container);
    if (!role) {
      problems.push(`${at}: first argument ${container.args?.[0]} is not an entrypoint role`);
      continue;
    }
    const env = containerEnv(objects, container);
    const missing = requiredServiceEnv.filter((name) => !env.has(name));
    if (missing.length > 0) problems.push(`${at}: missing env ${missing.join(', ')}`);
    const secrets = secretEnvOf[role] ?? [];
    const absent = secrets.filter((name) => !env.has(name));
    if (absent.length > 0) problems.push(`${at}: missing secret ${absent.join(', ')}`);
    const extra = SECRET_ENV.filter((name) => env.has(name) && !secrets.includes(name));
    if (extra.length > 0) problems.push(`${at}: gets secret ${extra.join(', ')} it does not read`);
    const unknown = [...env.keys()].filter((name) => !knownEnv.has(name));
    if (unknown.length > 0) problems.push(`${at}: unknown env ${unknown.join(', ')}`);
    problems.push(...portEnvProblems(at, container, env, 'HTTP_PORT', 'http', processes[role]?.httpPort));
    problems.push(...portEnvProblems(at, container, env, 'GRPC_PORT', 'grpc', processes[role]?.grpcPort));
    const preStop = container.lifecycle?.preStop?.exec?.command;
    const sleepSeconds = preStop?.[0] === 'sleep' ? Number(preStop[1]) : NaN;
    const drainSeconds = Number(env.get('SHUTDOWN_GRACE_MS')) / 1000;
    if (!(sleepSeconds > 0)) problems.push(`${at}: no preStop sleep before SIGTERM`);
    else if (!(sleepSeconds + drainSeconds < grace)) {
      problems.push(
        `${at}: preStop ${sleepSeconds}s + drain ${drainSeconds}s exceed the ${grace}s grace period`,
      );
    }
  }
  return problems;
}
