import { Pool } from 'undici';
import type { AllowList } from '@hookstream/webhooks';
import { guardedConnector, type Resolver } from './guarded-connector.client';

export interface OriginPoolsOptions {
  allow: AllowList;
  /** Connections per origin: the per-endpoint in-flight bound, so requests never queue inside a pool. */
  connectionsPerOrigin: number;
  connectTimeoutMs: number;
  /** A pool unused this long is closed (its sockets with it). */
  idleCloseMs: number;
  resolve?: Resolver;
}

interface Entry {
  pool: Pool;
  lastUsedMs: number;
}

/** One keep-alive undici Pool per origin, every connection through the address guard. */
export class OriginPools {
  private readonly pools = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: OriginPoolsOptions) {
    this.sweeper = setInterval(() => this.closeIdle(Date.now()), Math.max(1_000, options.idleCloseMs / 2));
    this.sweeper.unref();
  }

  get size(): number {
    return this.pools.size;
  }

  get(origin: string, nowMs: number): Pool {
    const entry = this.pools.get(origin);
    if (entry) {
      entry.lastUsedMs = nowMs;
      return entry.pool;
    }
    const url = new URL(origin);
    const pool = new Pool(url.origin, {
      connections: this.options.connectionsPerOrigin,
      // One request per connection at a time: a slow response never delays the next request.
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      connect: guardedConnector(url, {
        allow: this.options.allow,
        connectTimeoutMs: this.options.connectTimeoutMs,
        resolve: this.options.resolve,
      }),
    });
    this.pools.set(origin, { pool, lastUsedMs: nowMs });
    return pool;
  }

  closeIdle(nowMs: number): void {
    for (const [origin, entry] of this.pools) {
      const stats = entry.pool.stats;
      if (nowMs - entry.lastUsedMs < this.options.idleCloseMs || stats.running > 0 || stats.pending > 0)
        continue;
      this.pools.delete(origin);
      void entry.pool.close().catch(() => undefined);
    }
  }

  /** Closes every pool; requests still running are cut off. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const entries = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(entries.map((entry) => entry.pool.destroy().catch(() => undefined)));
  }
}
