// Durability settings of the NATS servers Hookstream runs on: JetStream on file
// storage with fsync on every write, on a server release with the needed fixes.
import { parse } from 'yaml';

/** Oldest nats-server release the deployments accept. */
export const minimumNatsVersion = [2, 10, 23] as const;

/** Options of the top-level `jetstream { ... }` block of a nats-server config file. */
export function jetStreamBlock(conf: string): Map<string, string> | undefined {
  const withoutComments = conf.replace(/#.*$/gm, '');
  const block = /^\s*jetstream\s*\{([^}]*)\}/m.exec(withoutComments)?.[1];
  if (block === undefined) return undefined;
  const options = new Map<string, string>();
  for (const match of block.matchAll(/^\s*([a-z_]+)\s*[:=]?\s*(.+?)\s*$/gm))
    options.set(match[1]!, match[2]!);
  return options;
}

/** `2.12.3-alpine` -> [2, 12, 3]; undefined for floating tags such as `alpine`. */
export function natsVersion(tag: string): number[] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(tag);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function isAtLeast(version: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i += 1) {
    const part = version[i] ?? 0;
    if (part !== minimum[i]) return part > minimum[i]!;
  }
  return true;
}

interface NatsChartValues {
  config?: {
    cluster?: { enabled?: boolean; replicas?: number };
    jetstream?: {
      enabled?: boolean;
      fileStore?: { enabled?: boolean; pvc?: { enabled?: boolean } };
      merge?: Record<string, unknown>;
    };
  };
  container?: { image?: { repository?: string; tag?: string } };
}

/** Production values for the official nats/nats Helm chart (1.x layout). */
export function natsChartProblems(valuesYaml: string, replicas: number): string[] {
  const values = parse(valuesYaml) as NatsChartValues;
  const problems: string[] = [];
  const { cluster, jetstream } = values.config ?? {};
  if (cluster?.enabled !== true || cluster.replicas !== replicas) {
    problems.push(`config.cluster must be enabled with ${replicas} replicas`);
  }
  if (jetstream?.enabled !== true) problems.push('config.jetstream.enabled must be true');
  if (jetstream?.fileStore?.enabled !== true || jetstream.fileStore.pvc?.enabled !== true) {
    problems.push('JetStream must use file storage on a PersistentVolumeClaim');
  }
  if (jetstream?.merge?.sync_interval !== 'always') {
    problems.push('config.jetstream.merge.sync_interval must be "always"');
  }
  const tag = values.container?.image?.tag ?? '';
  const version = natsVersion(tag);
  if (!version || !isAtLeast(version, minimumNatsVersion)) {
    problems.push(`container.image.tag ${tag} must pin nats-server ${minimumNatsVersion.join('.')} or newer`);
  }
  return problems;
}
