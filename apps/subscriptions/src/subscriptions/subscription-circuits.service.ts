import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamManager } from '@nats-io/jetstream';
import { ApiProperty } from '@nestjs/swagger';
import { decodeCircuitRecord, STREAMS, subjects, type CircuitRecord } from '@hookstream/contracts';
import { JETSTREAM_MANAGER, Publisher, storedMessage } from '@hookstream/messaging';
import type { Clock } from '@hookstream/contracts';
import { CLOCK } from '../subscriptions.tokens';
import { SubscriptionsService } from './subscriptions.service';

/** An endpoint's circuit as clients see it. */
export class CircuitResponse {
  @ApiProperty({
    enum: ['closed', 'open'],
    description: 'open: the endpoint kept failing; its dispatches are parked and it is probed on a back-off',
  })
  state: 'closed' | 'open';
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) since: string | null;
  @ApiProperty({ description: 'Failed attempts in a row' }) consecutiveFailures: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextProbeAt: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'timeout after 15000 ms' }) reason: string | null;
}

/**
 * Reads the circuit the dispatchers keep for a subscription (CIRCUITS, last record per
 * subscription), and records a user's request to recover: a closed record that every dispatcher
 * adopts, draining the parked backlog at once.
 */
@Injectable()
export class SubscriptionCircuitsService {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly publisher: Publisher,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async read(organizationId: string, subscriptionId: string): Promise<CircuitResponse> {
    const record = await this.stored(organizationId, subscriptionId);
    if (!record)
      return { state: 'closed', since: null, consecutiveFailures: 0, nextProbeAt: null, reason: null };
    const { state, since, consecutiveFailures, nextProbeAt, reason } = record;
    return { state, since, consecutiveFailures, nextProbeAt, reason };
  }

  async recover(organizationId: string, subscriptionId: string): Promise<CircuitResponse> {
    await this.subscriptions.get(organizationId, subscriptionId);
    const now = this.clock.now().toISOString();
    const record: CircuitRecord = {
      subscriptionId,
      organizationId,
      state: 'closed',
      since: now,
      consecutiveFailures: 0,
      nextProbeAt: null,
      failedProbes: 0,
      reason: null,
      recoveredBy: 'api',
    };
    await this.publisher.publish(subjects.circuit(organizationId, subscriptionId), record, {
      msgId: `${subscriptionId}:recover:${now}`,
    });
    return this.read(organizationId, subscriptionId);
  }

  private async stored(organizationId: string, subscriptionId: string): Promise<CircuitRecord | undefined> {
    const msg = await storedMessage(this.jsm, STREAMS.circuits, {
      last_by_subj: subjects.circuit(organizationId, subscriptionId),
    });
    return msg ? decodeCircuitRecord(msg.data) : undefined;
  }
}
