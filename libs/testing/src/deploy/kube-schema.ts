// Validates rendered objects against the Kubernetes OpenAPI schemas shipped by
// kubernetes-models; custom resources are checked for their envelope only.
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as core from 'kubernetes-models/v1';
import type { KubeObject } from './kube-objects';

interface ModelClass {
  new (data: unknown): { validate(): void };
  readonly apiVersion: string;
  readonly kind: string;
}

const builtInGroups: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  v1: core,
  'apps/v1': apps,
  'autoscaling/v2': autoscaling,
  'batch/v1': batch,
  'networking.k8s.io/v1': networking,
  'policy/v1': policy,
  'rbac.authorization.k8s.io/v1': rbac,
};

/** Custom resources the manifests may use (their operators validate the spec). */
export const customResourceKinds = new Set(['postgresql.cnpg.io/v1/Cluster']);

function modelClassFor(apiVersion: string, kind: string): ModelClass | undefined {
  const candidate = builtInGroups[apiVersion]?.[kind];
  if (typeof candidate !== 'function') return undefined;
  const model = candidate as ModelClass;
  // Groups also export nested types (Container, PodSpec ...): only top-level kinds count.
  return model.kind === kind && model.apiVersion === apiVersion ? model : undefined;
}

export function schemaProblems(object: KubeObject): string[] {
  const id = `${object.apiVersion} ${object.kind}/${object.metadata.name}`;
  const model = modelClassFor(object.apiVersion, object.kind);
  if (model) {
    try {
      new model(object).validate();
      return [];
    } catch (error) {
      return [`${id}: ${error instanceof Error ? error.message : String(error)}`];
    }
  }
  if (customResourceKinds.has(`${object.apiVersion}/${object.kind}`)) {
    const spec = object.spec;
    return typeof spec === 'object' && spec !== null ? [] : [`${id}: custom resource without spec`];
  }
  return [`${id}: unknown apiVersion/kind (not a built-in kind nor a known custom resource)`];
}
