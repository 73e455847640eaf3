import { join } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  status,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { REPO_ROOT } from '@hookstream/testing';
import type { Stack } from './stack';

export type GrpcService = 'Subscriptions' | 'Events' | 'Deliveries' | 'Portal';

/** What a call sends as metadata: an API key, an organization, or nothing at all. */
export interface GrpcAuth {
  key?: string;
  organization?: string;
}

/** A unary reply, or the status code the call ended with. */
export type GrpcReply<T> =
  { ok: true; code: status.OK; value: T } | { ok: false; code: status; details: string };

export interface GrpcClients {
  unary<T = Record<string, unknown>>(
    service: GrpcService,
    method: string,
    request: unknown,
    auth: GrpcAuth,
  ): Promise<GrpcReply<T>>;
  /** A server stream (Deliveries.Watch); cancel it when done. */
  stream<T = Record<string, unknown>>(
    service: GrpcService,
    method: string,
    request: unknown,
    auth: GrpcAuth,
  ): ClientReadableStream<T>;
  close(): void;
}

type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  callback: (error: ServiceError | null, reply: unknown) => void,
) => void;
type StreamMethod = (request: unknown, metadata: Metadata) => ClientReadableStream<unknown>;

const metadataOf = (auth: GrpcAuth): Metadata => {
  const metadata = new Metadata();
  if (auth.key !== undefined) metadata.set('authorization', `Bearer ${auth.key}`);
  if (auth.organization !== undefined) metadata.set('x-organization-id', auth.organization);
  return metadata;
};

/** Clients of the stack's gRPC services (hookstream.v1), each at the service that serves it. */
export function grpcClients(stack: Stack): GrpcClients {
  const definition = loadSync(
    ['subscriptions.proto', 'events.proto', 'deliveries.proto', 'portal.proto'].map((file) =>
      join(REPO_ROOT, 'libs', 'contracts', 'proto', file),
    ),
    { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true },
  );
  const v1 = (loadPackageDefinition(definition).hookstream as unknown as { v1: Record<string, unknown> }).v1;
  const addresses: Record<GrpcService, string> = {
    Subscriptions: stack.services.subscriptions.grpcAddress,
    Events: stack.services.subscriptions.grpcAddress,
    Deliveries: stack.services['log-projector'].grpcAddress,
    Portal: stack.services.subscriptions.grpcAddress,
  };
  const clients = new Map<GrpcService, Client>();
  const client = (service: GrpcService): Client => {
    let found = clients.get(service);
    if (!found) {
      const Constructor = v1[service] as new (
        address: string,
        creds: ReturnType<typeof credentials.createInsecure>,
      ) => Client;
      found = new Constructor(addresses[service], credentials.createInsecure());
      clients.set(service, found);
    }
    return found;
  };
  const method = <M>(service: GrpcService, name: string): M => {
    const target = client(service);
    const fn = (target as unknown as Record<string, M | undefined>)[name];
    if (typeof fn !== 'function') throw new Error(`no method ${service}.${name}`);
    return (fn as unknown as { bind(self: Client): M }).bind(target);
  };

  return {
    unary: <T>(service: GrpcService, name: string, request: unknown, auth: GrpcAuth) =>
      new Promise<GrpcReply<T>>((resolve) => {
        method<UnaryMethod>(service, name)(request, metadataOf(auth), (error, reply) =>
          resolve(
            error
              ? { ok: false, code: error.code, details: error.details }
              : { ok: true, code: status.OK, value: reply as T },
          ),
        );
      }),
    stream: <T>(service: GrpcService, name: string, request: unknown, auth: GrpcAuth) =>
      method<StreamMethod>(service, name)(request, metadataOf(auth)) as ClientReadableStream<T>,
    close: () => {
      for (const c of clients.values()) c.close();
    },
  };
}
