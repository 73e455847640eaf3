import { Inject, Injectable } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { decodeCircuitRecord, STREAMS, subjects, type CircuitRecord } from '@hookstream/contracts';
import { ConsumerRunner, Publisher, type OrderedStream } from '@hookstream/messaging';
import type { Logger } from '@hookstream/platform';
import type { DispatcherConfig } from '../dispatcher.config';
import { DispatcherMetrics } from '../dispatcher.metrics';
import {
  afterFailure,
  afterSuccess,
  closedRecord,
  newerRecord,
  probeDue,
  type BreakerPolicy,
  type EndpointKey,
  type Transition,
} from './circuit-breaker.policy';
import { DISPATCHER_CONFIG, DISPATCHER_LOGGER } from '../dispatcher.tokens';

/**
 * The circuit of every endpoint that has failed lately, shared by the replicas through CIRCUITS
 * (last record per subscription): each replica publishes the transitions it makes and adopts the
 * newer ones it reads, including a user's recovery. Only endpoints with failures are held, so
 * the map grows with troubled endpoints, never with dispatches.
 */
@Injectable()
export class EndpointCircuits {
  private readonly records = new Map<string, CircuitRecord>();
  private readonly probing = new Set<string>();
  private readonly policy: BreakerPolicy;
  private stream?: OrderedStream;
  /** Called when a circuit closes (recovered by a probe, by a user, or by another replica). */
  onClosed: (key: EndpointKey) => void = () => undefined;

  constructor(
    private readonly runner: ConsumerRunner,
    private readonly publisher: Publisher,
    private readonly metrics: DispatcherMetrics,
    @Inject(DISPATCHER_CONFIG) config: DispatcherConfig,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {
    this.policy = {
      failureThreshold: config.circuitThreshold,
      probeBaseMs: config.circuitProbeBaseMs,
      probeMaxMs: config.circuitProbeMaxMs,
    };
  }

  async start(): Promise<void> {
    this.stream = this.runner.ordered({
      stream: STREAMS.circuits,
      filterSubject: subjects.allCircuits(),
      deliverPolicy: 'last_per_subject',
      onMessage: (msg) => this.adopt(msg),
    });
    await this.stream.caughtUp;
  }

  isOpen(subscriptionId: string): boolean {
    return this.records.get(subscriptionId)?.state === 'open';
  }

  record(subscriptionId: string): CircuitRecord | undefined {
    return this.records.get(subscriptionId);
  }

  get openCount(): number {
    let open = 0;
    for (const record of this.records.values()) if (record.state === 'open') open++;
    return open;
  }

  /** True when the caller may send the probe of this open circuit now (one at a time per process). */
  takeProbe(subscriptionId: string, nowMs: number): boolean {
    const record = this.records.get(subscriptionId);
    if (!record || !probeDue(record, nowMs) || this.probing.has(subscriptionId)) return false;
    this.probing.add(subscriptionId);
    return true;
  }

  probeFinished(subscriptionId: string): void {
    this.probing.delete(subscriptionId);
  }

  observe(key: EndpointKey, delivered: boolean, reason: string | null, probe: boolean): void {
    const current = this.records.get(key.subscriptionId);
    if (delivered && current === undefined) return;
    const now = new Date();
    const base = current ?? closedRecord(key, now);
    const transition = delivered
      ? afterSuccess(base, now)
      : afterFailure(base, reason ?? 'failed', probe, this.policy, now, Math.random);
    this.apply(transition);
  }

  private apply({ record, changed }: Transition): void {
    const previous = this.records.get(record.subscriptionId);
    if (record.state === 'closed' && record.consecutiveFailures === 0)
      this.records.delete(record.subscriptionId);
    else this.records.set(record.subscriptionId, record);
    if (!changed) return;
    this.announce(record, previous);
    void this.publish(record);
  }

  private announce(record: CircuitRecord, previous: CircuitRecord | undefined): void {
    this.metrics.circuitTransitions.inc({ state: record.state });
    const fields = {
      subscriptionId: record.subscriptionId,
      organizationId: record.organizationId,
      consecutiveFailures: record.consecutiveFailures,
      reason: record.reason,
      nextProbeAt: record.nextProbeAt,
      ...(record.recoveredBy ? { recoveredBy: record.recoveredBy } : {}),
    };
    if (record.state === 'open') this.logger.warn(fields, 'endpoint circuit opened: dispatches parked');
    else {
      this.logger.warn(fields, 'endpoint circuit closed: parked dispatches resume');
      if (previous?.state === 'open') this.onClosed(record);
    }
  }

  private async publish(record: CircuitRecord): Promise<void> {
    const subject = subjects.circuit(record.organizationId, record.subscriptionId);
    try {
      await this.publisher.publish(subject, record, {
        msgId: `${record.subscriptionId}:${record.state}:${record.since}`,
      });
    } catch (error) {
      // The local state already holds; other replicas reach the same verdict from their own attempts.
      this.logger.warn({ err: error, subscriptionId: record.subscriptionId }, 'circuit state not published');
    }
  }

  private adopt(msg: JsMsg): void {
    const incoming = decodeCircuitRecord(msg.data);
    if (!incoming) return;
    const current = this.records.get(incoming.subscriptionId);
    const winner = current ? newerRecord(current, incoming) : incoming;
    if (winner === current) return;
    if (winner.state === 'closed') this.records.delete(winner.subscriptionId);
    else this.records.set(winner.subscriptionId, winner);
    if (winner.state === 'closed' && (current?.state === 'open' || winner.recoveredBy === 'api'))
      this.onClosed(winner);
  }

  async stop(): Promise<void> {
    await this.stream?.stop();
  }
}
