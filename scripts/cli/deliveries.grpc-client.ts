import { join } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  status as GrpcStatus,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { DeliveryOutcomeMessage } from '@hookstream/contracts';
import { CliError, EXIT, unavailableError, usageError } from './cli.errors';
import type { CliSettings } from './cli.config';
import { repoRoot } from './local-env';

export interface WatchRequest {
  subscription_id?: string;
  kinds?: string[];
}

interface DeliveriesClient extends Client {
  Watch(request: WatchRequest, metadata: Metadata): ClientReadableStream<DeliveryOutcomeMessage>;
}

type DeliveriesConstructor = new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
) => DeliveriesClient;

const CONNECT_TIMEOUT_MS = 5_000;

function deliveriesConstructor(): DeliveriesConstructor {
  const definition = loadSync(join(repoRoot(), 'libs', 'contracts', 'proto', 'deliveries.proto'), {
    keepCase: true,
    longs: Number,
    defaults: false,
  });
  const root = loadPackageDefinition(definition) as unknown as {
    hookstream: { v1: { Deliveries: DeliveriesConstructor } };
  };
  return root.hookstream.v1.Deliveries;
}

/** gRPC failures in the CLI's exit codes: UNAVAILABLE and DEADLINE_EXCEEDED are "cannot reach". */
export function grpcError(error: ServiceError, address: string): CliError {
  if (error.code === GrpcStatus.UNAVAILABLE || error.code === GrpcStatus.DEADLINE_EXCEEDED)
    return unavailableError(
      `cannot reach the Deliveries gRPC service at ${address}: ${error.details || error.message}`,
    );
  const name = (GrpcStatus[error.code] as string | undefined) ?? String(error.code);
  return new CliError(`${name}: ${error.details || error.message}`, EXIT.api, {
    error: { type: name, message: error.details },
  });
}

/**
 * Deliveries.Watch: live outcomes until `signal` aborts (resolves) or the stream fails (rejects).
 * `onReady` runs once the channel is connected and the call is sent.
 */
export async function watchDeliveries(
  settings: CliSettings,
  request: WatchRequest,
  onOutcome: (outcome: DeliveryOutcomeMessage) => void,
  options: { signal: AbortSignal; onReady?: () => void },
): Promise<void> {
  if (settings.apiKey === undefined)
    throw usageError('no API key: set HOOKSTREAM_API_KEY or pass --api-key (`npm run up` prints one)');
  const Deliveries = deliveriesConstructor();
  const client = new Deliveries(settings.grpcAddress, credentials.createInsecure());
  try {
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(Date.now() + CONNECT_TIMEOUT_MS, (error) =>
        error
          ? reject(
              unavailableError(
                `cannot reach the Deliveries gRPC service at ${settings.grpcAddress}: ${error.message}`,
              ),
            )
          : resolve(),
      ),
    );
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${settings.apiKey}`);
    if (settings.organizationId !== undefined) metadata.set('x-organization-id', settings.organizationId);
    const call = client.Watch(request, metadata);
    options.onReady?.();
    await new Promise<void>((resolve, reject) => {
      const stop = (): void => call.cancel();
      options.signal.addEventListener('abort', stop, { once: true });
      call.on('data', onOutcome);
      call.on('error', (error: ServiceError) => {
        options.signal.removeEventListener('abort', stop);
        if (error.code === GrpcStatus.CANCELLED && options.signal.aborted) resolve();
        else reject(grpcError(error, settings.grpcAddress));
      });
      call.on('end', () => {
        options.signal.removeEventListener('abort', stop);
        if (options.signal.aborted) resolve();
        else
          reject(
            unavailableError(
              `the Deliveries stream at ${settings.grpcAddress} ended (the log-projector stopped?)`,
            ),
          );
      });
    });
  } finally {
    client.close();
  }
}
