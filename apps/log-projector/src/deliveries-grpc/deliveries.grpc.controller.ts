import { Controller, createParamDecorator, UseGuards, type ExecutionContext } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { status as GrpcStatus, type ServerWritableStream } from '@grpc/grpc-js';
import { filter, map, type Observable } from 'rxjs';
import { isEventType, refOf, factKindOf, type DeliveryOutcomeMessage } from '@hookstream/contracts';
import { ApiKeyGuard, CurrentTenant, notFound, validationFailed, type Tenant } from '@hookstream/platform';
import { DeliveryLogQueries } from '../logs/delivery-log.queries';
import {
  DEFAULT_LOG_LIMIT,
  LOG_STATUSES,
  MAX_LOG_LIMIT,
  toAttemptStatus,
  toLogEntry,
  type LogStatus,
} from '../logs/log.dto';
import { OutcomeFeed } from '../projector/outcome-feed.service';
import {
  toDispatchMessage,
  toLogMessage,
  toOutcomeMessage,
  type DeliveryLogMessage,
  type DispatchMessage,
} from './deliveries.grpc-mapping';

interface ListLogsRequest {
  subscription_id?: string;
  event_type?: string;
  status?: string;
  limit?: number;
  offset?: number;
}

const KINDS = ['created', 'attempted', 'succeeded', 'failed'];
/** Outcomes a watcher may fall behind by before its stream is ended (it reconnects and reads the logs). */
const MAX_UNSENT = 10_000;

/** The grpc-js call of the current handler (the third argument Nest receives). */
const GrpcCall = createParamDecorator((_data: unknown, context: ExecutionContext): unknown =>
  context.getArgByIndex(2),
);

/** hookstream.v1.Deliveries: the same reads as the HTTP API, plus a live stream of outcomes. */
@Controller()
@UseGuards(ApiKeyGuard)
export class DeliveriesGrpcController {
  constructor(
    private readonly queries: DeliveryLogQueries,
    private readonly feed: OutcomeFeed,
  ) {}

  @GrpcMethod('Deliveries', 'ListLogs')
  async listLogs(
    @Payload() request: ListLogsRequest,
    @CurrentTenant() tenant: Tenant,
  ): Promise<{ items: DeliveryLogMessage[]; total: number; limit: number; offset: number }> {
    const subscriptionId = request.subscription_id || undefined;
    const eventType = request.event_type || undefined;
    const status = (request.status || undefined)?.toLowerCase();
    const limit = request.limit || DEFAULT_LOG_LIMIT;
    const offset = request.offset ?? 0;
    if (status !== undefined && !(LOG_STATUSES as readonly string[]).includes(status))
      throw validationFailed(`status must be one of ${LOG_STATUSES.join(', ')}`);
    if (eventType !== undefined && !isEventType(eventType))
      throw validationFailed('event_type must be a valid event type');
    if (limit > MAX_LOG_LIMIT) throw validationFailed(`limit must be at most ${MAX_LOG_LIMIT}`);
    if (
      subscriptionId !== undefined &&
      !(await this.queries.subscriptionKnown(tenant.organizationId, subscriptionId))
    )
      throw notFound(`webhook ${subscriptionId}`);
    const { items, total } = await this.queries.listLogs({
      organizationId: tenant.organizationId,
      subscriptionId,
      eventType,
      status: status === undefined ? undefined : toAttemptStatus(status as LogStatus),
      limit,
      offset,
    });
    return { items: items.map((row) => toLogMessage(toLogEntry(row))), total, limit, offset };
  }

  @GrpcMethod('Deliveries', 'GetDispatch')
  async getDispatch(
    @Payload() request: { dispatch_id?: string },
    @CurrentTenant() tenant: Tenant,
  ): Promise<DispatchMessage> {
    const found = await this.queries.getDispatch(tenant.organizationId, request.dispatch_id ?? '');
    if (!found) throw notFound(`webhook dispatch ${request.dispatch_id ?? ''}`);
    return toDispatchMessage(found);
  }

  /**
   * Outcomes of the caller's organization only (optionally one subscription and some kinds), from
   * the moment of the call, as each batch commits. Any subscription id of the organization may be
   * watched, including one not delivered to yet.
   */
  @GrpcMethod('Deliveries', 'Watch')
  watch(
    @Payload() request: { subscription_id?: string; kinds?: string[] },
    @GrpcCall() call: ServerWritableStream<unknown, unknown>,
    @CurrentTenant() tenant: Tenant,
  ): Observable<DeliveryOutcomeMessage> {
    const organizationId = tenant.organizationId;
    const subscriptionId = request.subscription_id || undefined;
    const kinds = request.kinds ?? [];
    const unknownKind = kinds.find((kind) => !KINDS.includes(kind));
    if (unknownKind !== undefined)
      throw validationFailed(`unknown kind "${unknownKind}"; kinds are ${KINDS.join(', ')}`);
    let unsent = 0;
    return this.feed.facts.pipe(
      filter(({ fact }) => {
        const ref = refOf(fact);
        if (ref.organizationId !== organizationId) return false;
        if (subscriptionId !== undefined && ref.subscriptionId !== subscriptionId) return false;
        return kinds.length === 0 || kinds.includes(factKindOf(fact));
      }),
      map(({ fact }) => {
        // Nest queues what the client has not taken yet; a watcher that stops reading must not grow it forever.
        unsent = call.writableNeedDrain ? unsent + 1 : 0;
        if (unsent > MAX_UNSENT)
          throw Object.assign(new Error('the watcher fell too far behind; reconnect and read the logs'), {
            code: GrpcStatus.RESOURCE_EXHAUSTED,
          });
        return toOutcomeMessage(fact);
      }),
    );
  }
}
