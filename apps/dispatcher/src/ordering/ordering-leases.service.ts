import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { JETSTREAM } from '@hookstream/messaging';
import type { DispatcherConfig } from '../dispatcher.config';
import { LEASE_TTL_MS } from './lease.policy';
import { DISPATCHER_CONFIG } from '../dispatcher.tokens';

/** Leases: one owner at a time per ordered queue and for the sequencer; entries expire after the TTL. */
export const LEASES_BUCKET = 'dispatcher-leases';
/** Where an ordered head's retries stand, so that a new owner goes on with the same attempt and timer. */
export const PROGRESS_BUCKET = 'dispatcher-ordering';

export interface Lease {
  key: string;
  revision: number;
}

export interface HeadProgress {
  /** The next attempt's number. */
  attempt: number;
  dueAt: string;
  /** DELIVERIES sequence of the `attempted` fact carrying the dispatch. */
  factSeq: number;
}

/**
 * The KV buckets of ordered delivery (JetStream KV, nats-server 2.9 features only: a bucket-wide
 * TTL, compare-and-set on the revision). A lease is taken with create (only when absent), kept
 * with update on the revision last written, and given up with a delete on that revision; so two
 * replicas never both believe they hold it while it is renewed in time.
 */
@Injectable()
export class OrderingLeases {
  readonly owner = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private buckets?: Promise<{ leases: KV; progress: KV }>;

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
  ) {}

  /** The lease when it was free, null when someone holds it. */
  async acquire(key: string): Promise<Lease | null> {
    const { leases } = await this.open();
    try {
      return { key, revision: await leases.create(key, this.owner) };
    } catch (error) {
      if (isWrongRevision(error)) return null;
      throw error;
    }
  }

  /** The renewed lease, null when it was lost (expired and taken, or deleted). */
  async renew(lease: Lease): Promise<Lease | null> {
    const { leases } = await this.open();
    try {
      return { key: lease.key, revision: await leases.update(lease.key, this.owner, lease.revision) };
    } catch (error) {
      if (isWrongRevision(error)) return null;
      throw error;
    }
  }

  async release(lease: Lease): Promise<void> {
    const { leases } = await this.open();
    await leases.delete(lease.key, { previousSeq: lease.revision }).catch(() => undefined);
  }

  async progressOf(dispatchId: string, round: string): Promise<HeadProgress | null> {
    const { progress } = await this.open();
    const entry = await progress.get(progressKey(dispatchId, round));
    if (!entry || entry.operation !== 'PUT' || entry.length === 0) return null;
    return entry.json<HeadProgress>();
  }

  async saveProgress(dispatchId: string, round: string, value: HeadProgress): Promise<void> {
    const { progress } = await this.open();
    await progress.put(progressKey(dispatchId, round), JSON.stringify(value));
  }

  async clearProgress(dispatchId: string, round: string): Promise<void> {
    const { progress } = await this.open();
    await progress.purge(progressKey(dispatchId, round));
  }

  /** Sequencer checkpoint: the EVENTS sequence up to which every ordered dispatch is on ORDERED. */
  async checkpoint(): Promise<number | null> {
    const { progress } = await this.open();
    const entry = await progress.get('sequencer');
    if (!entry || entry.operation !== 'PUT' || entry.length === 0) return null;
    return Number(entry.string());
  }

  async saveCheckpoint(seq: number): Promise<void> {
    const { progress } = await this.open();
    await progress.put('sequencer', String(seq));
  }

  private open(): Promise<{ leases: KV; progress: KV }> {
    this.buckets ??= (async () => {
      const kvm = new Kvm(this.js);
      const replicas = this.config.streamReplicas;
      const leases = await kvm.create(LEASES_BUCKET, { history: 1, ttl: LEASE_TTL_MS, replicas });
      const progress = await kvm.create(PROGRESS_BUCKET, { history: 1, replicas });
      return { leases, progress };
    })().catch((error: unknown) => {
      this.buckets = undefined;
      throw error;
    });
    return this.buckets;
  }
}

const progressKey = (dispatchId: string, round: string): string =>
  round === '' ? `head.${dispatchId}` : `head.${dispatchId}.${round}`;

/** The server's answer to a write whose expected revision (or absence) did not hold. */
function isWrongRevision(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
