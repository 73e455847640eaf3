import { Controller, Get, Inject, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Subscription } from 'rxjs';
import { refOf, type Clock } from '@hookstream/contracts';
import { ApiKeyGuard, CurrentTenant, notFound, type Tenant } from '@hookstream/platform';
import { CLOCK } from '../log-projector.tokens';
import { toOutcomeMessage } from '../deliveries-grpc/deliveries.grpc-mapping';
import { DeliveryLogQueries } from '../logs/delivery-log.queries';
import { OutcomeFeed } from '../projector/outcome-feed.service';
import { fillHours, windowStart, type HourStats } from './portal-stats.rows';
import { PortalQueries } from './portal.queries';

/** Keeps proxies from closing an idle stream, and notices a client that left. */
const HEARTBEAT_MS = 15_000;
/** Outcomes a slow reader may fall behind by before its stream is ended (it reconnects). */
const MAX_UNSENT = 1_000;

interface StreamResponse {
  writeHead(status: number, headers: Record<string, string>): void;
  write(chunk: string): boolean;
  end(): void;
  writableNeedDrain: boolean;
}

interface ClosableRequest {
  on(event: 'close', listener: () => void): void;
}

/** The portal's per-endpoint chart and live tail, read where the deliveries are projected. */
@ApiExcludeController()
@UseGuards(ApiKeyGuard)
@Controller('portal/webhooks')
export class PortalHttpController {
  constructor(
    private readonly portal: PortalQueries,
    private readonly queries: DeliveryLogQueries,
    private readonly feed: OutcomeFeed,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Successes, failures and latency per hour over the last 24 hours. */
  @Get(':id/stats')
  async stats(@CurrentTenant() tenant: Tenant, @Param('id') id: string): Promise<{ hours: HourStats[] }> {
    await this.known(tenant, id);
    const now = this.clock.now();
    const rows = await this.portal.hourlyStats(tenant.organizationId, id, windowStart(now));
    return { hours: fillHours(rows, now) };
  }

  /** Server-sent events: each delivery outcome of the endpoint once it is in the logs (as Deliveries.Watch). */
  @Get(':id/tail')
  async tail(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Req() req: ClosableRequest,
    @Res() res: StreamResponse,
  ): Promise<void> {
    await this.known(tenant, id);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      // ingress-nginx would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    let unsent = 0;
    let subscription: Subscription | undefined = undefined;
    const stop = () => {
      clearInterval(heartbeat);
      subscription?.unsubscribe();
      res.end();
    };
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    subscription = this.feed.facts.subscribe({
      next: ({ fact }) => {
        const ref = refOf(fact);
        if (ref.organizationId !== tenant.organizationId || ref.subscriptionId !== id) return;
        unsent = res.writableNeedDrain ? unsent + 1 : 0;
        if (unsent > MAX_UNSENT) return stop();
        res.write(`data: ${JSON.stringify(toOutcomeMessage(fact))}\n\n`);
      },
      complete: stop,
    });
    req.on('close', stop);
  }

  /** As for the logs: existing in the caller's organization, or with deliveries there. */
  private async known(tenant: Tenant, id: string): Promise<void> {
    if (!(await this.queries.subscriptionKnown(tenant.organizationId, id))) throw notFound(`webhook ${id}`);
  }
}
