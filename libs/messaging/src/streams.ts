import { nanos } from '@nats-io/nats-core';
import {
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type MsgRequest,
  type StoredMsg,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { STREAMS, subjects } from '@hookstream/contracts';
import { configDrift } from './config-drift';
import { defaultLogger, type MessagingLogger } from './logger';

export interface StreamProvisioning {
  replicas: number;
  eventsMaxAgeMs: number;
  deliveriesMaxAgeMs: number;
}

export type DesiredStream = Partial<StreamConfig> & Pick<StreamConfig, 'name'>;

/** A retried publish within this window is stored once (docs/architecture.md §2). */
export const DUPLICATE_WINDOW_MS = 2 * 60_000;

const STREAM_NAME_IN_USE = 10058;

/** The streams of docs/architecture.md §2: EVENTS, SUBSCRIPTIONS, DELIVERIES, PARKED, CIRCUITS and ORDERED. */
export function streamConfigs(options: StreamProvisioning): DesiredStream[] {
  const common = (maxAgeMs: number) => ({
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: options.replicas,
    max_age: nanos(maxAgeMs),
    // The server refuses a duplicate window longer than the stream's max age.
    duplicate_window: nanos(maxAgeMs > 0 ? Math.min(DUPLICATE_WINDOW_MS, maxAgeMs) : DUPLICATE_WINDOW_MS),
  });
  return [
    { name: STREAMS.events, subjects: [subjects.allEvents()], ...common(options.eventsMaxAgeMs) },
    {
      name: STREAMS.subscriptions,
      subjects: [subjects.allSubscriptions()],
      ...common(0),
      // Each subject holds the full state of one subscription: only the newest matters.
      max_msgs_per_subject: 1,
    },
    { name: STREAMS.deliveries, subjects: [subjects.allDeliveries()], ...common(options.deliveriesMaxAgeMs) },
    {
      name: STREAMS.parked,
      subjects: [subjects.allParked()],
      ...common(options.deliveriesMaxAgeMs),
      // An entry is removed once its dispatch has a new fact; nothing parked outlives its fact.
      retention: RetentionPolicy.Workqueue,
    },
    {
      name: STREAMS.circuits,
      subjects: [subjects.allCircuits()],
      ...common(0),
      max_msgs_per_subject: 1,
    },
    {
      name: STREAMS.ordered,
      subjects: [subjects.allOrdered()],
      ...common(options.deliveriesMaxAgeMs),
      // An entry is removed once its dispatch has its terminal fact.
      retention: RetentionPolicy.Workqueue,
    },
  ];
}

/** Creates the streams, or brings existing ones to the desired configuration. Safe to run on every start. */
export async function provisionStreams(
  jsm: JetStreamManager,
  options: StreamProvisioning,
  logger: MessagingLogger = defaultLogger('Streams'),
): Promise<StreamInfo[]> {
  const infos: StreamInfo[] = [];
  for (const desired of streamConfigs(options)) infos.push(await ensureStream(jsm, desired, logger));
  return infos;
}

export async function ensureStream(
  jsm: JetStreamManager,
  desired: DesiredStream,
  logger: MessagingLogger = defaultLogger('Streams'),
): Promise<StreamInfo> {
  try {
    return await jsm.streams.add(desired);
  } catch (err) {
    if (!(err instanceof JetStreamApiError) || err.code !== STREAM_NAME_IN_USE) throw err;
  }
  const current = await jsm.streams.info(desired.name);
  const drift = configDrift(current.config, desired);
  if (drift.length === 0) return current;
  if (drift.includes('storage') || drift.includes('retention')) {
    throw new Error(
      `stream ${desired.name} exists with storage ${current.config.storage} and retention ${current.config.retention}; ` +
        `these cannot change in place: migrate the stream by hand`,
    );
  }
  logger.info({ stream: desired.name, drift }, 'updating stream');
  return jsm.streams.update(desired.name, { ...current.config, ...desired });
}

/** "No message found" (10037) and "stream not found" (10059): answers to a lookup, not failures. */
const NOT_STORED = [10037, 10059];

/** One stored message by sequence or last by subject; null when there is none. */
export async function storedMessage(
  jsm: JetStreamManager,
  stream: string,
  query: MsgRequest,
): Promise<StoredMsg | null> {
  try {
    return await jsm.streams.getMessage(stream, query);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (NOT_STORED.includes(code as number) || /no message found/i.test((error as Error).message))
      return null;
    throw error;
  }
}
