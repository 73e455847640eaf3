import type { JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import type { Backoff, Claim, SlotRecord } from './throttle.policy';

/** JetStream KV bucket of the endpoints' send slots and back-offs (docs/architecture.md §2). */
export const RATES_BUCKET = 'delivery-rates';
/** Records of endpoints nobody sent to for this long are dropped; a claim then starts afresh. */
const RECORD_TTL_MS = 10 * 60_000;
/** Compare-and-set rounds before a claim gives up for now (the caller waits and tries again). */
const CAS_TRIES = 4;
const GIVE_UP_WAIT_MS = 50;

/** The last slot record this replica saw of an endpoint: a claim first tries to update that revision. */
export interface KnownRecord {
  revision: number;
  record: SlotRecord | null;
}

const slotsKey = (subscriptionId: string): string => `slots.${subscriptionId}`;
const backoffKey = (subscriptionId: string): string => `backoff.${subscriptionId}`;
const BACKOFF_PREFIX = 'backoff.';

/**
 * The shared side of throttling: every change is a compare-and-set on the key's revision (create
 * when there is none), so two replicas never hold the same slot. Nothing here uses a feature
 * newer than nats-server 2.9 (no per-message TTL, no multi-key watch).
 */
export class ThrottleStore {
  private constructor(private readonly kv: KV) {}

  static async open(js: JetStreamClient, replicas: number): Promise<ThrottleStore> {
    const kv = await new Kvm(js).create(RATES_BUCKET, { history: 1, ttl: RECORD_TTL_MS, replicas });
    return new ThrottleStore(kv);
  }

  /**
   * Claims slots by `decide` on the current record. Starts from the revision this replica saw
   * last (one operation when no other replica claimed since); on a conflict reads the key again.
   */
  async claim(
    subscriptionId: string,
    known: KnownRecord | undefined,
    decide: (record: SlotRecord | null) => Claim,
  ): Promise<{ claim: Claim; known: KnownRecord | undefined }> {
    const key = slotsKey(subscriptionId);
    let current = known;
    for (let round = 0; round < CAS_TRIES; round++) {
      if (current === undefined) current = await this.read(key);
      const claim = decide(current.record);
      if ('waitMs' in claim) return { claim, known: current };
      const payload = JSON.stringify(claim.record);
      try {
        const revision =
          current.revision === 0
            ? await this.kv.create(key, payload)
            : await this.kv.update(key, payload, current.revision);
        return { claim, known: { revision, record: claim.record } };
      } catch {
        // Another replica claimed first (or the record expired): read it and decide again.
        current = undefined;
      }
    }
    return { claim: { waitMs: GIVE_UP_WAIT_MS }, known: undefined };
  }

  /** Changes the endpoint's back-off by `decide`; what is stored is also announced to every watcher. */
  async changeBackoff(
    subscriptionId: string,
    decide: (previous: Backoff | undefined) => Backoff,
  ): Promise<Backoff> {
    const key = backoffKey(subscriptionId);
    let last: Backoff | undefined;
    for (let round = 0; round < CAS_TRIES; round++) {
      const entry = await this.kv.get(key);
      const previous = entry?.operation === 'PUT' ? parse<Backoff>(entry) : undefined;
      last = decide(previous ?? undefined);
      const payload = JSON.stringify(last);
      try {
        if (entry === null || entry.operation !== 'PUT') await this.kv.create(key, payload);
        else await this.kv.update(key, payload, entry.revision);
        return last;
      } catch {
        // Changed meanwhile: decide again on what the other replica stored.
      }
    }
    return last as Backoff;
  }

  /** Every endpoint's back-off, the stored ones first, then each change any replica makes. */
  async watchBackoffs(
    onChange: (subscriptionId: string, backoff: Backoff | undefined) => void,
  ): Promise<() => void> {
    const watch = await this.kv.watch({ key: `${BACKOFF_PREFIX}>` });
    void (async () => {
      for await (const entry of watch) {
        const subscriptionId = entry.key.slice(BACKOFF_PREFIX.length);
        onChange(
          subscriptionId,
          entry.operation === 'PUT' ? (parse<Backoff>(entry) ?? undefined) : undefined,
        );
      }
    })();
    return () => watch.stop();
  }

  private async read(key: string): Promise<KnownRecord> {
    const entry = await this.kv.get(key);
    if (entry === null || entry.operation !== 'PUT') return { revision: 0, record: null };
    return { revision: entry.revision, record: parse<SlotRecord>(entry) };
  }
}

function parse<T>(entry: KvEntry): T | null {
  try {
    return entry.json<T>();
  } catch {
    return null;
  }
}
