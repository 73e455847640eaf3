import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { SpanStatusCode } from '@opentelemetry/api';
import { DataSource } from 'typeorm';
import { decodeDeliveryFact, STREAMS, subjects, TRACEPARENT_HEADER } from '@hookstream/contracts';
import {
  backoffMs,
  JETSTREAM,
  JETSTREAM_MANAGER,
  orderedStream,
  type OrderedStream,
} from '@hookstream/messaging';
import { activeTracer, HealthRegistry, type Logger, type HealthResult } from '@hookstream/platform';
import { LOG_PROJECTOR_CONFIG, LOG_PROJECTOR_LOGGER } from '../log-projector.tokens';
import type { LogProjectorConfig } from '../log-projector.config';
import { LogProjectorMetrics } from '../log-projector.metrics';
import { DELIVERY_LOG_PROJECTION } from '../projection/delivery-log-version.rules';
import { deliveriesLastSeq } from '../rebuild/deliveries-replay.queries';
import { rebuildProjection } from '../rebuild/projection-rebuild.service';
import { Batcher } from './fact-batcher.state';
import { OutcomeFeed } from './outcome-feed.service';
import { liveSchemaOf } from '../tables/projection-schema.sql';
import { ProjectionStore, ProjectionSupersededError, type StreamItem } from '../tables/projection.store';
import { startBatchSpan } from './projector.tracing';

type State = 'starting' | 'rebuilding' | 'running' | 'superseded' | 'stopped';

const LAG_REFRESH_MS = 1_000;
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Projects DELIVERIES into the read tables: an ordered consumer from the checkpoint + 1, facts
 * written in batches, each batch in one transaction with the checkpoint. A crash at any moment
 * loses only uncommitted work, which the next start reads again.
 */
@Injectable()
export class ProjectorService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly abort = new AbortController();
  private state: State = 'starting';
  private detail = 'starting';
  private store: ProjectionStore | undefined;
  private stream: OrderedStream | undefined;
  private batcher: Batcher<StreamItem> | undefined;
  private checkpoint = 0;
  private streamLastSeq = 0;
  private lagTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly tracer = activeTracer();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(LOG_PROJECTOR_CONFIG) private readonly config: LogProjectorConfig,
    @Inject(LOG_PROJECTOR_LOGGER) private readonly logger: Logger,
    private readonly health: HealthRegistry,
    private readonly feed: OutcomeFeed,
    private readonly metrics: LogProjectorMetrics,
  ) {}

  onModuleInit(): void {
    this.health.register('projector', () => this.healthCheck());
  }

  onApplicationBootstrap(): void {
    this.running = this.start();
    void this.refreshLag();
    this.lagTimer = setInterval(() => void this.refreshLag(), LAG_REFRESH_MS);
    this.lagTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.lagTimer);
    this.abort.abort();
    await this.running;
    // Stop reading first, then write what was read: a clean stop leaves nothing to read again.
    await this.stream?.stop();
    await this.batcher?.flush().catch(() => undefined);
    if (this.state === 'running') this.state = 'stopped';
  }

  private healthCheck(): HealthResult {
    const lag = Math.max(0, this.streamLastSeq - this.checkpoint);
    const position = `lag ${lag} (checkpoint ${this.checkpoint}, stream ${this.streamLastSeq})`;
    if (this.state !== 'running') return { ok: false, detail: `${this.state}: ${this.detail}; ${position}` };
    const stream = this.stream?.status();
    if (stream && !stream.healthy) return { ok: false, detail: `consumer: ${stream.detail}; ${position}` };
    return { ok: true, detail: position };
  }

  /** Rebuilds first when the tables hold another projection version, then follows the stream. */
  private async start(): Promise<void> {
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      try {
        const store = new ProjectionStore(
          this.dataSource,
          await liveSchemaOf(this.dataSource),
          DELIVERY_LOG_PROJECTION,
        );
        const found = await store.checkpoint();
        if (found && found.version !== DELIVERY_LOG_PROJECTION.version) {
          this.state = 'rebuilding';
          this.detail = `projection version ${found.version} found, ${DELIVERY_LOG_PROJECTION.version} expected`;
          this.logger.info(
            { found: found.version, expected: DELIVERY_LOG_PROJECTION.version },
            'projection version changed: rebuilding from DELIVERIES',
          );
          const log = (message: string) => this.logger.info(message);
          await rebuildProjection({ dataSource: this.dataSource, js: this.js, jsm: this.jsm, log });
        }
        this.checkpoint = (await store.checkpoint())?.lastSeq ?? 0;
        this.metrics.checkpoint.set(this.checkpoint);
        this.store = store;
        this.follow(store);
        this.state = 'running';
        this.detail = 'following DELIVERIES';
        this.logger.info({ fromSeq: this.checkpoint + 1 }, 'projecting DELIVERIES');
        return;
      } catch (error) {
        this.detail = error instanceof Error ? error.message : String(error);
        const delay = backoffMs(attempt, 500, 10_000);
        this.logger.warn({ err: error, retryInMs: delay }, 'cannot start projecting; retrying');
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private follow(store: ProjectionStore): void {
    const batcher = new Batcher<StreamItem>({
      maxItems: this.config.batchSize,
      maxDelayMs: this.config.batchMs,
      write: (items) => this.traced(store, items),
    });
    this.batcher = batcher;
    this.stream = orderedStream({
      js: this.js,
      stream: STREAMS.deliveries,
      filterSubject: subjects.allDeliveries(),
      startSeq: this.checkpoint + 1,
      onMessage: (msg) => {
        const item: StreamItem = { seq: msg.seq, fact: decodeDeliveryFact(msg.data) };
        if (this.tracer) item.trace = msg.headers?.get(TRACEPARENT_HEADER) || undefined;
        return batcher.push(item);
      },
    });
    void this.stream.caughtUp.then(
      () => this.logger.info('caught up with DELIVERIES'),
      () => undefined,
    );
  }

  /** With tracing on, one span per batch, over every try of it. */
  private async traced(store: ProjectionStore, items: StreamItem[]): Promise<void> {
    if (this.tracer === undefined) return this.write(store, items);
    const span = startBatchSpan(this.tracer, items);
    try {
      await this.write(store, items, (error) => span.recordException(error as Error));
      if (this.state === 'superseded') span.setStatus({ code: SpanStatusCode.ERROR, message: this.detail });
    } finally {
      span.end();
    }
  }

  /** Retries a failed batch (Postgres away) until it is written or the service stops. */
  private async write(
    store: ProjectionStore,
    items: StreamItem[],
    onFailure?: (error: unknown) => void,
  ): Promise<void> {
    for (let attempt = 0; this.state !== 'superseded'; attempt++) {
      const end = this.metrics.batchSeconds.startTimer();
      try {
        const result = await store.apply(items);
        end();
        this.checkpoint = result.lastSeq;
        this.metrics.checkpoint.set(result.lastSeq);
        this.metrics.lag.set(Math.max(0, this.streamLastSeq - result.lastSeq));
        const undecodable = items.filter((item) => item.fact === undefined).length;
        this.metrics.facts.inc({ result: 'applied' }, result.applied);
        this.metrics.facts.inc({ result: 'skipped' }, result.skipped);
        if (undecodable > 0) {
          this.metrics.facts.inc({ result: 'undecodable' }, undecodable);
          this.logger.warn(
            { count: undecodable, upToSeq: result.lastSeq },
            'DELIVERIES messages that are not delivery facts skipped',
          );
        }
        this.feed.publish(result.news);
        return;
      } catch (error) {
        if (error instanceof ProjectionSupersededError) {
          this.state = 'superseded';
          this.detail = error.message;
          this.logger.error({ err: error }, 'projection superseded: this process stops projecting');
          void this.stream?.stop();
          return;
        }
        onFailure?.(error);
        if (this.abort.signal.aborted) return;
        const delay = backoffMs(attempt, 250, 5_000);
        this.logger.warn(
          { upToSeq: items.at(-1)?.seq, err: error, retryInMs: delay },
          'batch not written; retrying',
        );
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private async refreshLag(): Promise<void> {
    try {
      this.streamLastSeq = await deliveriesLastSeq(this.jsm);
      this.metrics.lag.set(Math.max(0, this.streamLastSeq - this.checkpoint));
    } catch {
      // NATS unreachable: readiness says so through the nats check; keep the last known value.
    }
  }
}
