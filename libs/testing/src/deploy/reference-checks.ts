// Cross-object rules: every name one object uses points at an object that exists
// (or that an operator generates), so a rename in one file cannot go unnoticed.
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import { findObject, objectId, objectsOfKind, type KubeObject } from './kube-objects';
import { allContainers, containerPortNumber, podWorkloads, sourceKeys, type PodWorkload } from './workloads';

const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass']);

function matches(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

export function namespaceProblems(objects: readonly KubeObject[], namespace: string): string[] {
  const problems: string[] = [];
  if (!findObject(objects, 'Namespace', namespace)) problems.push(`Namespace/${namespace} is not rendered`);
  const seen = new Set<string>();
  for (const object of objects) {
    const id = objectId(object);
    if (seen.has(id)) problems.push(`${id} is rendered twice`);
    seen.add(id);
    const actual = object.metadata.namespace;
    if (!clusterScoped.has(object.kind) && actual !== namespace)
      problems.push(`${id} is in namespace ${actual}`);
  }
  return problems;
}

function workloadSourceProblems(objects: readonly KubeObject[], { object, pod }: PodWorkload): string[] {
  const problems: string[] = [];
  // Optional sources may be absent by design; required ones must exist with the key.
  const need = (kind: 'ConfigMap' | 'Secret', name: string | undefined, key?: string, optional?: boolean) => {
    if (optional) return;
    const keys = sourceKeys(objects, kind, name ?? '');
    if (!keys) problems.push(`${objectId(object)} references missing ${kind}/${name}`);
    else if (key !== undefined && !keys.includes(key)) {
      problems.push(`${objectId(object)} references missing key ${key} of ${kind}/${name}`);
    }
  };
  for (const container of allContainers(pod)) {
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef) need('ConfigMap', from.configMapRef.name, undefined, from.configMapRef.optional);
      if (from.secretRef) need('Secret', from.secretRef.name, undefined, from.secretRef.optional);
    }
    for (const { valueFrom } of container.env ?? []) {
      const cm = valueFrom?.configMapKeyRef;
      const secret = valueFrom?.secretKeyRef;
      if (cm) need('ConfigMap', cm.name, cm.key, cm.optional);
      if (secret) need('Secret', secret.name, secret.key, secret.optional);
    }
  }
  for (const volume of pod.volumes ?? []) {
    if (volume.configMap) need('ConfigMap', volume.configMap.name, undefined, volume.configMap.optional);
    if (volume.secret) need('Secret', volume.secret.secretName, undefined, volume.secret.optional);
  }
  if (pod.serviceAccountName && !findObject(objects, 'ServiceAccount', pod.serviceAccountName)) {
    problems.push(`${objectId(object)} uses missing ServiceAccount/${pod.serviceAccountName}`);
  }
  return problems;
}

function serviceProblems(service: IService & KubeObject, workloads: readonly PodWorkload[]): string[] {
  const id = objectId(service);
  const selector = service.spec?.selector ?? {};
  const targets = workloads.filter((workload) => matches(selector, workload.labels));
  if (targets.length === 0) return [`${id} selects no pods`];
  const problems: string[] = [];
  for (const port of service.spec?.ports ?? []) {
    const target = port.targetPort ?? port.port;
    const resolved = targets.every(({ pod }) => pod.containers.some((c) => containerPortNumber(c, target)));
    if (!resolved) problems.push(`${id} port ${port.name}: targetPort ${target} is not a container port`);
    if (port.name === 'grpc' && port.appProtocol !== 'grpc')
      problems.push(`${id} port grpc lacks appProtocol grpc`);
  }
  return problems;
}

function ingressProblems(objects: readonly KubeObject[], ingress: IIngress & KubeObject): string[] {
  const problems: string[] = [];
  for (const rule of ingress.spec?.rules ?? []) {
    for (const { path, backend } of rule.http?.paths ?? []) {
      const name = backend.service?.name ?? '';
      const service = findObject(objects, 'Service', name) as (IService & KubeObject) | undefined;
      const wanted = backend.service?.port;
      const port = service?.spec?.ports?.find((p) => p.name === wanted?.name || p.port === wanted?.number);
      if (!port)
        problems.push(`${objectId(ingress)} path ${path}: no Service/${name} port ${JSON.stringify(wanted)}`);
    }
  }
  return problems;
}

export function referenceProblems(objects: readonly KubeObject[]): string[] {
  const workloads = podWorkloads(objects);
  const problems = workloads.flatMap((workload) => workloadSourceProblems(objects, workload));
  for (const service of objectsOfKind(objects, 'Service')) {
    problems.push(...serviceProblems(service as IService & KubeObject, workloads));
  }
  for (const ingress of objectsOfKind(objects, 'Ingress')) {
    problems.push(...ingressProblems(objects, ingress as IIngress & KubeObject));
  }
  for (const hpa of objectsOfKind(objects, 'HorizontalPodAutoscaler') as (IHorizontalPodAutoscaler &
    KubeObject)[]) {
    const target = hpa.spec?.scaleTargetRef;
    if (!target || !findObject(objects, target.kind, target.name)) {
      problems.push(`${objectId(hpa)} scales missing ${target?.kind}/${target?.name}`);
    }
  }
  for (const pdb of objectsOfKind(objects, 'PodDisruptionBudget') as (IPodDisruptionBudget & KubeObject)[]) {
    const selector = pdb.spec?.selector?.matchLabels ?? {};
    if (!workloads.some((workload) => matches(selector, workload.labels))) {
      problems.push(`${objectId(pdb)} selects no pods`);
    }
  }
  return problems;
}
