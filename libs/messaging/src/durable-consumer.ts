import { nanos } from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { configDrift } from './config-drift';
import type { MessagingLogger } from './logger';

export interface DurableConsumerSpec {
  stream: string;
  /** Shared by every replica of a service: the replicas split the messages between them. */
  durable: string;
  /** One subject filter: servers before 2.10 accept no more. */
  filterSubject: string;
  ackWaitMs: number;
  maxAckPending: number;
  /** -1 (default) redelivers until the handler settles the message. */
  maxDeliver?: number;
}

const CONSUMER_EXISTS = [10148, 10013];

export function durableConsumerConfig(spec: DurableConsumerSpec): Partial<ConsumerConfig> {
  return {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: spec.filterSubject,
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending,
    max_deliver: spec.maxDeliver ?? -1,
  };
}

/** Creates the durable pull consumer, or updates it when its configuration changed. */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  spec: DurableConsumerSpec,
  logger: MessagingLogger,
): Promise<ConsumerInfo> {
  const desired = durableConsumerConfig(spec);
  let current = await findConsumer(jsm, spec);
  if (!current) {
    try {
      return await jsm.consumers.add(spec.stream, desired);
    } catch (err) {
      // Another replica created it a moment ago: fall through and compare.
      if (!(err instanceof JetStreamApiError) || !CONSUMER_EXISTS.includes(err.code)) throw err;
      current = await jsm.consumers.info(spec.stream, spec.durable);
    }
  }
  const drift = configDrift(current.config, desired);
  if (drift.length === 0) return current;
  if (drift.includes('ack_policy') || drift.includes('deliver_policy')) {
    throw new Error(
      `consumer ${spec.stream}/${spec.durable} has a different ${drift.join(', ')}; delete it to recreate it`,
    );
  }
  logger.info({ stream: spec.stream, durable: spec.durable, drift }, 'updating consumer');
  const { ack_wait, max_ack_pending, max_deliver, filter_subject } = desired;
  return jsm.consumers.update(spec.stream, spec.durable, {
    ack_wait,
    max_ack_pending,
    max_deliver,
    filter_subject,
  });
}

async function findConsumer(
  jsm: JetStreamManager,
  spec: DurableConsumerSpec,
): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(spec.stream, spec.durable);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return undefined;
    throw err;
  }
}
