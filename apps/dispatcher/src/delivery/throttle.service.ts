import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { JETSTREAM } from '@hookstream/messaging';
import type { Logger } from '@hookstream/platform';
import { parseRetryAfter } from '@hookstream/webhooks';
import type { DispatcherConfig } from '../dispatcher.config';
import { DispatcherMetrics } from '../dispatcher.metrics';
import type { Route } from '../routing/route.state';
import {
  afterThrottled,
  backoffActive,
  claimSlots,
  effectiveRate,
  RECOVERY_MS,
  UNLIMITED_BACKOFF_MS,
  type Backoff,
} from './throttle.policy';
import { ThrottleStore, type KnownRecord } from './throttle.store';
import { DISPATCHER_CONFIG, DISPATCHER_LOGGER } from '../dispatcher.tokens';

/** A slot is used without a timer when it is this close (timers are not exact) ... */
const EARLY_MS = 5;
/** ... and this late; an unused slot older than this is dropped, never sent in a burst later. */
const LATE_MS = 100;
const SWEEP_MS = 10_000;
/** A shared consumer's delivery takes a slot due within this time, or is parked. */
const SHARED_WAIT_MS = 50;
/** How long a shared consumer's delivery waits for the shared record to answer. */
const SHARED_PATIENCE_MS = 500;
/** A parked delivery waits this long for its slot before it goes back to its queue. */
const PATIENT_MS = 10_000;

interface Waiter {
  /** Accepts only a slot before this time (a shared consumer's message waits a moment, no more). */
  latestMs: number;
  resolve(slotMs: number | null): void;
  timer?: NodeJS.Timeout;
}

interface EndpointSlots {
  /** Claimed and not yet handed out, ascending. */
  slots: number[];
  waiters: Waiter[];
  claiming: boolean;
  retryTimer?: NodeJS.Timeout;
  /** No slot is to be had before this (the shared record said so): impatient waiters leave at once. */
  freeAtMs: number;
  known?: KnownRecord;
  /** Requests this replica sent in the current and the previous second: its sending rate. */
  windowStartMs: number;
  sentNow: number;
  sentBefore: number;
}

/**
 * Per-endpoint throttling (docs/delivery-flow.md, "Throttling"): the slots this replica claimed
 * from the shared record, handed out in order to the deliveries waiting for them, and the
 * endpoints' back-offs after 429 and 503, shared by the replicas. Holds state only for endpoints
 * that are throttled or were sent to lately.
 */
@Injectable()
export class Throttle {
  private store?: ThrottleStore;
  private readonly endpoints = new Map<string, EndpointSlots>();
  private readonly backoffs = new Map<string, Backoff>();
  private stopWatch?: () => void;
  private sweeper?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly metrics: DispatcherMetrics,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
    @Inject(DISPATCHER_LOGGER) private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.store = await ThrottleStore.open(this.js, this.config.streamReplicas);
    this.stopWatch = await this.store.watchBackoffs((subscriptionId, backoff) => {
      if (backoff) this.backoffs.set(subscriptionId, backoff);
      else this.backoffs.delete(subscriptionId);
    });
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Wakes every waiting delivery empty-handed: they go back to their queue, nothing is sent. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.sweeper);
    this.stopWatch?.();
    for (const endpoint of this.endpoints.values()) {
      clearTimeout(endpoint.retryTimer);
      for (const waiter of endpoint.waiters.splice(0)) this.settle(waiter, null);
    }
  }

  /** Requests per second the endpoint takes now, or null when nothing throttles it. */
  rateOf(route: Route, nowMs: number): number | null {
    return effectiveRate(route.ratePerSecond, this.backoffOf(route, nowMs), nowMs);
  }

  limited(route: Route, nowMs: number): boolean {
    const backoff = this.backoffOf(route, nowMs);
    return route.ratePerSecond !== null || backoff !== undefined;
  }

  /**
   * Waits for the endpoint's next slot and resolves true at its time; false when the delivery
   * goes elsewhere instead: the fan-out hands it off, a shared consumer parks it (both wait only
   * for a slot due within a moment, so neither holds a shared consumer), a parked queue's drain
   * (`queue`, waiting its turn) puts it back.
   */
  async admit(route: Route, path: 'fanout' | 'parked' | 'queue'): Promise<boolean> {
    const nowMs = Date.now();
    if (!this.limited(route, nowMs)) return true;
    const slot =
      path === 'queue'
        ? await this.take(route, PATIENT_MS)
        : await this.take(route, SHARED_PATIENCE_MS, nowMs + SHARED_WAIT_MS);
    if (slot === null) {
      this.metrics.throttled.inc({ path });
      return false;
    }
    const waitMs = slot - Date.now();
    if (waitMs > EARLY_MS) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return true;
  }

  /**
   * Deliveries of a limited endpoint's parked queue taken at once: two seconds of its limit, not a
   * crowd of waiters (a back-off, which passes, leaves it as it is).
   */
  drainConcurrency(route: Route, concurrency: number): number {
    const limit = route.ratePerSecond;
    return limit === null ? concurrency : Math.max(1, Math.min(concurrency, Math.ceil(limit * 2)));
  }

  /**
   * The next slot for this delivery, in the order deliveries asked: resolves with its time (the
   * caller waits until then and sends), or null when none comes within `patienceMs` or before
   * `latestMs` (the caller puts the delivery back on its queue).
   */
  private take(route: Route, patienceMs: number, latestMs = Infinity): Promise<number | null> {
    if (this.stopped || this.store === undefined) return Promise.resolve(null);
    const endpoint = this.endpoint(route.id, Date.now());
    return new Promise((resolve) => {
      const waiter: Waiter = { latestMs, resolve };
      waiter.timer = setTimeout(() => {
        const index = endpoint.waiters.indexOf(waiter);
        if (index >= 0) endpoint.waiters.splice(index, 1);
        this.settle(waiter, null);
      }, patienceMs);
      endpoint.waiters.push(waiter);
      this.pump(route, endpoint);
    });
  }

  /** Every request's answer: counts the sending rate; a 429 or 503 slows the endpoint down for every replica. */
  observe(route: Route, status: number | null, retryAfter: string | null, nowMs: number): void {
    const endpoint = this.endpoint(route.id, nowMs);
    this.roll(endpoint, nowMs);
    endpoint.sentNow++;
    if (status !== 429 && status !== 503) return;
    const retryAfterMs = parseRetryAfter(retryAfter, new Date(nowMs));
    const sendingRate = Math.max(endpoint.sentNow, endpoint.sentBefore);
    const decide = (previous: Backoff | undefined) =>
      afterThrottled(previous, route.ratePerSecond, sendingRate, nowMs, retryAfterMs);
    const local = this.backoffs.get(route.id);
    const next = decide(local);
    // The answers of one overload change nothing more once the back-off covers them.
    if (local && next.cutAtMs === local.cutAtMs && next.pauseUntilMs <= local.pauseUntilMs + 100) return;
    if (!local || next.cutAtMs !== local.cutAtMs) this.metrics.rateCuts.inc();
    this.backoffs.set(route.id, next);
    const store = this.store;
    if (!store) return;
    void store.changeBackoff(route.id, decide).then(
      (stored) => this.backoffs.set(route.id, stored),
      (error: unknown) => this.logger.warn({ err: error, subscriptionId: route.id }, 'back-off not shared'),
    );
  }

  private backoffOf(route: Route, nowMs: number): Backoff | undefined {
    const backoff = this.backoffs.get(route.id);
    if (backoff === undefined || backoffActive(route.ratePerSecond, backoff, nowMs)) return backoff;
    return undefined;
  }

  /** Hands out held slots to the waiters in order; claims more from the shared record while some wait. */
  private pump(route: Route, endpoint: EndpointSlots): void {
    const nowMs = Date.now();
    this.dropStale(endpoint, nowMs);
    while (endpoint.waiters.length > 0 && endpoint.slots.length > 0) {
      const waiter = endpoint.waiters.shift() as Waiter;
      const slot = endpoint.slots[0] as number;
      if (slot > waiter.latestMs) {
        this.settle(waiter, null);
        continue;
      }
      endpoint.slots.shift();
      this.settle(waiter, slot);
    }
    if (endpoint.slots.length === 0 && endpoint.freeAtMs > nowMs) {
      for (const waiter of endpoint.waiters.filter((w) => w.latestMs < endpoint.freeAtMs)) {
        endpoint.waiters.splice(endpoint.waiters.indexOf(waiter), 1);
        this.settle(waiter, null);
      }
    }
    if (endpoint.waiters.length === 0 || endpoint.claiming || endpoint.retryTimer) return;
    endpoint.claiming = true;
    void this.claim(route, endpoint).finally(() => {
      endpoint.claiming = false;
      if (!this.stopped) this.pump(route, endpoint);
    });
  }

  private async claim(route: Route, endpoint: EndpointSlots): Promise<void> {
    const store = this.store;
    if (!store) return;
    const nowMs = Date.now();
    const rate = this.rateOf(route, nowMs);
    const pauseUntilMs = this.backoffs.get(route.id)?.pauseUntilMs ?? 0;
    // A drain has a backlog behind its waiter: a whole batch will be used, so one write serves
    // several deliveries. The shared consumers' deliveries claim only what waits now.
    const want = endpoint.waiters.some((waiter) => waiter.latestMs === Infinity)
      ? Number.MAX_SAFE_INTEGER
      : endpoint.waiters.length;
    try {
      const { claim, known } = await store.claim(route.id, endpoint.known, (record) =>
        // Not throttled any more (a back-off ended): one slot now lets the waiting deliveries go.
        claimSlots(record, Date.now(), rate ?? Number.MAX_SAFE_INTEGER, want, pauseUntilMs),
      );
      endpoint.known = known;
      if ('slots' in claim) {
        endpoint.freeAtMs = 0;
        endpoint.slots.push(...claim.slots);
        return;
      }
      endpoint.freeAtMs = Date.now() + claim.waitMs;
      this.retryLater(route, endpoint, claim.waitMs);
    } catch (error) {
      endpoint.known = undefined;
      this.logger.warn({ err: error, subscriptionId: route.id }, 'send slots not claimed');
      this.retryLater(route, endpoint, 250);
    }
  }

  private retryLater(route: Route, endpoint: EndpointSlots, waitMs: number): void {
    endpoint.retryTimer = setTimeout(() => {
      endpoint.retryTimer = undefined;
      if (!this.stopped) this.pump(route, endpoint);
    }, waitMs);
  }

  private settle(waiter: Waiter, slotMs: number | null): void {
    clearTimeout(waiter.timer);
    waiter.resolve(slotMs);
  }

  private dropStale(endpoint: EndpointSlots, nowMs: number): void {
    while (endpoint.slots.length > 0 && (endpoint.slots[0] as number) < nowMs - LATE_MS)
      endpoint.slots.shift();
  }

  private endpoint(subscriptionId: string, nowMs: number): EndpointSlots {
    let endpoint = this.endpoints.get(subscriptionId);
    if (!endpoint) {
      endpoint = {
        slots: [],
        waiters: [],
        claiming: false,
        freeAtMs: 0,
        windowStartMs: nowMs,
        sentNow: 0,
        sentBefore: 0,
      };
      this.endpoints.set(subscriptionId, endpoint);
    }
    return endpoint;
  }

  private roll(endpoint: EndpointSlots, nowMs: number): void {
    const elapsed = nowMs - endpoint.windowStartMs;
    if (elapsed < 1000) return;
    endpoint.sentBefore = elapsed < 2000 ? endpoint.sentNow : 0;
    endpoint.sentNow = 0;
    endpoint.windowStartMs = nowMs;
  }

  /** Forgets endpoints with nothing held, nothing waiting and nothing sent lately, and back-offs that ended. */
  private sweep(): void {
    const nowMs = Date.now();
    for (const [id, endpoint] of this.endpoints) {
      this.dropStale(endpoint, nowMs);
      const quiet = nowMs - endpoint.windowStartMs > 2 * SWEEP_MS;
      if (quiet && endpoint.slots.length === 0 && endpoint.waiters.length === 0 && !endpoint.claiming)
        this.endpoints.delete(id);
    }
    const longest = Math.max(RECOVERY_MS, UNLIMITED_BACKOFF_MS);
    for (const [id, backoff] of this.backoffs) {
      if (nowMs > backoff.pauseUntilMs && nowMs - backoff.cutAtMs > longest) this.backoffs.delete(id);
    }
  }
}
