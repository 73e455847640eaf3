export * from './ports';
export * from './process';
export * from './nats-server';
export * from './postgres-server';
export * from './services';
export * from './receiver';
export * from './otlp-receiver';
export * from './nats-cluster';
export type { StreamClusterInfo } from './nats-cluster-info';
