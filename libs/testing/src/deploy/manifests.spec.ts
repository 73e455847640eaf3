import { readFileSync } from 'node:fs';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { repoPath, services } from './deploy-conventions';
import { routeIngressPath } from './ingress-routing';
import { findObject, objectsOfKind, renderKustomization, type KubeObject } from './kube-objects';
import { schemaProblems } from './kube-schema';
import { natsChartProblems } from './nats-checks';
import { namespaceProblems, referenceProblems } from './reference-checks';
import { securityProblems, serviceProblems } from './workload-checks';
import { containerEnv, podWorkloads, sourceValue } from './workloads';

const kustomizations = { base: 'k8s/base', dev: 'k8s/overlays/dev', prod: 'k8s/overlays/prod' };

// The same split as scripts/gateway.ts, which serves the API locally.
const logProjectorPaths = [
  '/webhooks/wh_1/logs',
  '/webhooks/wh_1/logs/',
  '/webhooks/logs/all',
  '/v2/webhook-dispatches',
  '/v2/webhook-dispatches/dsp_1',
  '/v2/webhooks/wh_1/dispatches',
  '/webhook-dispatches/dsp_1/retry',
];
const subscriptionsPaths = [
  '/webhooks',
  '/webhooks/wh_1',
  '/webhooks/wh_1/test',
  '/webhooks/wh_1/replay',
  '/webhooks/wh_1/logs-export',
  '/events',
  '/event-types',
  '/admin/api-keys',
];

function deployment(objects: readonly KubeObject[], name: string): IDeployment {
  const found = findObject(objects, 'Deployment', name);
  if (!found) throw new Error(`Deployment/${name} is not rendered`);
  return found as unknown as IDeployment;
}

function routeTable(objects: readonly KubeObject[]): Record<string, string | undefined> {
  const ingress = findObject(objects, 'Ingress', 'hookstream') as unknown as IIngress;
  const host = ingress.spec?.rules?.[0]?.host;
  const paths = [...logProjectorPaths, ...subscriptionsPaths];
  return Object.fromEntries(paths.map((path) => [path, routeIngressPath(ingress, path, host)]));
}

describe.each(Object.entries(kustomizations))('kustomization %s', (_name, directory) => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderKustomization(directory);
  });

  it('renders only objects that are valid against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.flatMap(schemaProblems)).toEqual([]);
  });

  it('puts every object once into the hookstream namespace', () => {
    expect(namespaceProblems(objects, 'hookstream')).toEqual([]);
  });

  it('refers only to objects, keys and ports that exist', () => {
    expect(referenceProblems(objects)).toEqual([]);
  });

  it('runs every container non-root on a read-only root with pinned images and resources', () => {
    expect(podWorkloads(objects).flatMap(securityProblems)).toEqual([]);
  });

  it('probes, drains and configures every service container', () => {
    const deployments = podWorkloads(objects).filter((w) => w.object.kind === 'Deployment');
    expect(deployments.map((w) => w.object.metadata.name).sort()).toEqual([...services].sort());
    expect(deployments.flatMap((workload) => serviceProblems(objects, workload))).toEqual([]);
    expect(deployments.map((w) => w.pod.terminationGracePeriodSeconds)).toEqual([30, 30, 30]);
  });

  it('keeps one log-projector replica, replaced with Recreate', () => {
    const projector = deployment(objects, 'log-projector');
    expect(projector.spec?.replicas).toBe(1);
    expect(projector.spec?.strategy?.type).toBe('Recreate');
  });

  it('runs migrations as a Job of the same image', () => {
    const [job] = podWorkloads(objects).filter((w) => w.object.kind === 'Job');
    expect(job?.pod.containers[0]?.args).toEqual(['migrate']);
    expect(job?.pod.containers[0]?.image).toBe(
      deployment(objects, 'dispatcher').spec?.template.spec?.containers[0]?.image,
    );
  });

  it('routes the logs and dispatch API to the log-projector and the rest to subscriptions', () => {
    const ingress = findObject(objects, 'Ingress', 'hookstream') as unknown as IIngress;
    expect(ingress.spec?.ingressClassName).toBe('nginx');
    const expected = Object.fromEntries([
      ...logProjectorPaths.map((path) => [path, 'log-projector']),
      ...subscriptionsPaths.map((path) => [path, 'subscriptions']),
    ]);
    expect(routeTable(objects)).toEqual(expected);
  });
});

function configValue(objects: readonly KubeObject[], key: string): string | undefined {
  return sourceValue(objects, 'ConfigMap', 'hookstream-config', key);
}

describe('dev overlay', () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderKustomization(kustomizations.dev);
  });

  it('runs one replica of each service on single-replica streams without autoscaling', () => {
    expect(services.map((name) => deployment(objects, name).spec?.replicas)).toEqual([1, 1, 1]);
    expect(configValue(objects, 'JETSTREAM_REPLICAS')).toBe('1');
    expect(objectsOfKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  it('ships the Secret templates, with DATABASE_URL from the placeholder the overlay sets', () => {
    expect(sourceValue(objects, 'Secret', 'hookstream-db-app', 'uri')).toMatch(
      /^postgresql:\/\/.+@.+\/hookstream$/,
    );
    expect(sourceValue(objects, 'Secret', 'hookstream-secrets', 'SECRETS_KEY')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('prod overlay', () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderKustomization(kustomizations.prod);
  });

  it('runs three dispatchers autoscaled on CPU from 3 to 12, on three-replica streams', () => {
    expect(deployment(objects, 'dispatcher').spec?.replicas).toBe(3);
    const hpa = findObject(
      objects,
      'HorizontalPodAutoscaler',
      'dispatcher',
    ) as unknown as IHorizontalPodAutoscaler;
    expect([hpa.spec?.minReplicas, hpa.spec?.maxReplicas]).toEqual([3, 12]);
    expect(hpa.spec?.metrics?.map((m) => m.resource?.name)).toEqual(['cpu']);
    expect(configValue(objects, 'JETSTREAM_REPLICAS')).toBe('3');
  });

  it('takes DATABASE_URL from the Secret CloudNativePG generates for a three-instance Cluster', () => {
    const cluster = findObject(objects, 'Cluster', 'hookstream-db');
    expect(cluster?.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect((cluster?.spec as { instances?: number }).instances).toBe(3);
    // Placeholders must never overwrite what the operator or the secret manager owns.
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
    for (const { pod } of podWorkloads(objects)) {
      const variable = pod.containers[0]?.env?.find((e) => e.name === 'DATABASE_URL');
      expect(variable?.valueFrom?.secretKeyRef).toEqual({ name: 'hookstream-db-app', key: 'uri' });
      expect(containerEnv(objects, pod.containers[0]!).has('DATABASE_URL')).toBe(true);
    }
  });
});

describe('NATS Helm values', () => {
  it('cluster three JetStream servers on persistent file storage that fsyncs every write', () => {
    expect(natsChartProblems(readFileSync(repoPath('k8s/nats/values.yaml'), 'utf8'), 3)).toEqual([]);
  });
});
