// Renders kustomizations with kubectl and turns multi-document YAML into objects.
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { repoPath } from './deploy-conventions';

export interface KubeMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [field: string]: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asKubeObject(value: unknown, index: number): KubeObject {
  const metadata = isRecord(value) ? value.metadata : undefined;
  if (
    !isRecord(value) ||
    typeof value.apiVersion !== 'string' ||
    typeof value.kind !== 'string' ||
    !isRecord(metadata) ||
    typeof metadata.name !== 'string'
  ) {
    throw new Error(`document ${index} is not a Kubernetes object (apiVersion, kind, metadata.name)`);
  }
  return value as KubeObject;
}

/** Parses multi-document YAML; any syntax error fails the whole text. */
export function parseKubeObjects(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    if (document.errors.length > 0) {
      throw new Error(`YAML document ${index}: ${document.errors.map((e) => e.message).join('; ')}`);
    }
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) objects.push(asKubeObject(value, index));
  });
  return objects;
}

/** The manifests use kustomize v5 fields; older kubectl builds embed kustomize v2-v4. */
function kustomizeHint(): string {
  const version = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  const major = /Kustomize Version: v(\d+)/.exec(version)?.[1];
  if (major !== undefined && Number(major) >= 5) return '';
  const embedded = major === undefined ? 'an old kustomize' : `kustomize v${major}`;
  return `\nthis kubectl embeds ${embedded}; kubectl 1.27 or newer (kustomize v5) is required`;
}

/** `kubectl kustomize <dir>` (kustomize v5 is built into kubectl), parsed. */
export function renderKustomization(relativeDir: string): KubeObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', repoPath(relativeDir)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === 'ENOENT')
      throw new Error('kubectl not found on PATH: it renders the kustomizations in k8s/');
    throw new Error(`kubectl kustomize ${relativeDir} failed: ${stderr ?? String(error)}${kustomizeHint()}`);
  }
  return parseKubeObjects(output);
}

export function objectId(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}`;
}

export function findObject(
  objects: readonly KubeObject[],
  kind: string,
  name: string,
): KubeObject | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

export function objectsOfKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((object) => object.kind === kind);
}
