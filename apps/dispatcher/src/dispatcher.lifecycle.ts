import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { JetStreamManager } from '@nats-io/jetstream';
import { STREAMS } from '@hookstream/contracts';
import { JETSTREAM_MANAGER, type RunningConsumer } from '@hookstream/messaging';
import { HealthRegistry, type Logger } from '@hookstream/platform';
import { AttemptRunner } from './delivery/attempt-runner.service';
import { ATTEMPTS_DURABLE, DeliveryConsumers, RETRIES_DURABLE } from './delivery/delivery.consumer';
import { EndpointCircuits } from './delivery/endpoint-circuits.service';
import { ParkedDrains } from './delivery/parked-drains.service';
import { Throttle } from './delivery/throttle.service';
import type { DispatcherConfig } from './dispatcher.config';
import { DispatcherMetrics } from './dispatcher.metrics';
import { FANOUT_DURABLE, FanoutConsumer } from './fanout/fanout.consumer';
import { OrderedFanout } from './ordering/ordered-fanout.consumer';
import { OrderedQueues } from './ordering/ordered-queues.service';
import { RoutingService } from './routing/routing.service';
import { DISPATCHER_CONFIG, DISPATCHER_LOGGER } from './dispatcher.tokens';

const CONSUMER_GAUGES_INTERVAL_MS = 1_000;
const DURABLES: ReadonlyArray<{ stream: string; durable: string }> = [
  { stream: STREAMS.events, durable: FANOUT_DURABLE },
  { stream: STREAMS.deliveries, durable: ATTEMPTS_DURABLE },
  { stream: STREAMS.deliveries, durable: RETRIES_DURABLE },
];
/** Attempts still running this close to the end of the grace are cut off and handed back. */
const INTERRUPT_MARGIN_MS = 1_000;

/**
 * Start order: the routing table first (a dispatch must never meet a table that is still
 * loading), then the consumers. Shutdown: stop pulling, let running attempts finish within the
 * grace, hand back the rest; the messaging module then drains the connection.
 */
@Injectable()
export class DispatcherLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumers: RunningConsumer[] = [];
  private ready = false;
  private stopping = false;
  private gaugeTimer?: NodeJS.Timeout;

  constructor(
    private readonly routing: RoutingService,
    private readonly fanout: FanoutConsumer,
    private readonly deliveries: DeliveryConsumers,
    private readonly attempts: AttemptRunner,
    private readonly circuits: EndpointCircuits,
    private readonly drains: ParkedDrains,
    private readonly orderedFanout: OrderedFanout,
    private readonly orderedQueues: OrderedQueues,
    private readonly throttle: Throttle,
    private readonly health: HealthRegistry,
    private readonly metrics: DispatcherMetrics,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.health.register('routing', () => this.routing.status());
    this.health.register('dispatcher', () =>
      this.ready ? { ok: true, detail: 'consuming' } : { ok: false, detail: 'starting consumers' },
    );
    // Not awaited: the probes answer (not ready) while the table loads.
    void this.start().catch((error: unknown) =>
      this.logger.error({ err: error }, 'dispatcher did not start'),
    );
  }

  private async start(): Promise<void> {
    // The table and the circuits first: a dispatch must never meet either while it is loading.
    await Promise.all([this.routing.start(), this.circuits.start(), this.throttle.start()]);
    if (this.stopping) return;
    await this.drains.start();
    await Promise.all([this.orderedFanout.start(), this.orderedQueues.start()]);
    this.consumers = [this.deliveries.startAttempts(), this.deliveries.startRetries(), this.fanout.start()];
    await Promise.all(this.consumers.map((consumer) => consumer.started));
    this.ready = true;
    this.logger.info({ consumers: this.consumers.map((consumer) => consumer.name) }, 'dispatcher consuming');
    this.gaugeTimer = setInterval(() => void this.updateConsumerGauges(), CONSUMER_GAUGES_INTERVAL_MS);
    this.gaugeTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.ready = false;
    clearInterval(this.gaugeTimer);
    // Deliveries waiting for their endpoint's rate go back to their queues at once.
    this.throttle.stop();
    const grace = this.config.shutdownGraceMs;
    const interrupt = setTimeout(
      () => {
        const count = this.attempts.interruptAll();
        if (count > 0)
          this.logger.warn(
            { count, graceMs: grace },
            'attempts still running at the end of the grace handed back',
          );
      },
      Math.max(0, grace - INTERRUPT_MARGIN_MS),
    );
    await Promise.all([
      ...this.consumers.map((consumer) => consumer.stop(grace)),
      this.drains.stop(grace),
      this.orderedFanout.stop(),
      this.orderedQueues.stop(grace),
    ]);
    clearTimeout(interrupt);
    this.logger.info('consumers stopped');
  }

  /** Off the delivery path: one consumer info request per durable each interval. */
  private async updateConsumerGauges(): Promise<void> {
    this.metrics.circuitsOpen.set(this.circuits.openCount);
    this.metrics.parkedQueues.set(this.drains.draining);
    await Promise.all(
      DURABLES.map(async ({ stream, durable }) => {
        try {
          const info = await this.jsm.consumers.info(stream, durable);
          const consumer = { consumer: durable };
          this.metrics.consumerPending.set(consumer, info.num_pending);
          this.metrics.consumerAckPending.set(consumer, info.num_ack_pending);
          this.metrics.consumerRedelivered.set(consumer, info.num_redelivered);
          if (durable === RETRIES_DURABLE)
            this.metrics.retriesPending.set(info.num_pending + info.num_ack_pending);
        } catch (error) {
          this.logger.debug({ err: error, consumer: durable }, 'consumer gauges not updated');
        }
      }),
    );
  }
}
