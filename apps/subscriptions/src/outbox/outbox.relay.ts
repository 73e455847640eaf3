import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from '@hookstream/platform';
import { Publisher } from '@hookstream/messaging';
import { SUBSCRIPTIONS_LOGGER } from '../subscriptions.tokens';
import { SubscriptionsMetrics } from '../subscriptions.metrics';
import { publishesOf, type OutboxRow } from './outbox.batch';

const POLL_INTERVAL_MS = 100;
const BATCH_SIZE = 100;
/** One relay at a time across replicas: two relays interleaving could reorder a subscription's changes. */
const RELAY_LOCK_KEY = 7_426_115_002;
/** Published rows are kept a while for inspection, then deleted. */
const RETENTION = '7 days';
const CLEANUP_EVERY_MS = 10 * 60_000;
/** A publish that cannot be stored this fast is retried on the next round rather than holding the lock. */
const PUBLISH_TIMEOUT_MS = 5_000;

/**
 * Publishes outbox rows to SUBSCRIPTIONS in outbox order, marks them published after the
 * stream's acknowledgement, and resumes from the first unpublished row after any crash. A crash
 * between publish and mark publishes the row again under the same Nats-Msg-Id, which the stream
 * stores once.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private lastCleanup = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: Publisher,
    metrics: SubscriptionsMetrics,
    @Inject(SUBSCRIPTIONS_LOGGER) private readonly logger: Logger,
  ) {
    metrics.measureOutboxBacklog(async () => {
      const rows = await this.dataSource.query<Array<{ n: string }>>(
        'SELECT count(*) AS n FROM subscription_outbox WHERE published_at IS NULL',
      );
      return Number(rows[0]?.n ?? 0);
    });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Called after a commit that wrote outbox rows: publish now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let more = false;
      try {
        more = await this.relayBatch();
        await this.cleanup();
      } catch (error) {
        this.logger.warn({ err: error }, 'outbox relay failed; retrying');
      }
      if (!more) await this.idle();
    }
  }

  private idle(): Promise<void> {
    if (this.woken || !this.running) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, POLL_INTERVAL_MS);
      this.wakeUp = done;
    });
  }

  /** One batch under the relay lock; true when a full batch was published (more may be waiting). */
  async relayBatch(): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const [lock] = await em.query<Array<{ locked: boolean }>>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [RELAY_LOCK_KEY],
      );
      if (!lock?.locked) return false;
      const rows = await em.query<OutboxRow[]>(
        `SELECT id, seq, organization_id, subscription_id, fact FROM subscription_outbox
          WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
        [BATCH_SIZE],
      );
      const published: string[] = [];
      let failure: unknown;
      // Sequential on purpose: concurrent publishes could be stored out of order.
      for (const item of publishesOf(rows)) {
        try {
          await this.publisher.publish(item.subject, item.fact, {
            msgId: item.msgId,
            timeoutMs: PUBLISH_TIMEOUT_MS,
          });
        } catch (error) {
          failure = error;
          break;
        }
        published.push(item.id);
      }
      // What was stored is marked even when a later publish failed; the rest waits for the next round.
      if (published.length > 0)
        await em.query('UPDATE subscription_outbox SET published_at = now() WHERE id = ANY($1)', [published]);
      if (failure !== undefined) {
        this.logger.warn({ err: failure }, 'outbox relay: publish failed; retrying');
        return false;
      }
      return rows.length === BATCH_SIZE;
    });
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(
      `DELETE FROM subscription_outbox WHERE published_at < now() - interval '${RETENTION}'`,
    );
  }
}
