import type { Command } from 'commander';
import { action } from './cli.context';
import { renderFields, renderTable } from './cli.output';
import { parseInteger, splitList, collect } from './cli.input';
import type { DeliveryOutcomeMessage } from '@hookstream/contracts';
import { watchDeliveries } from './deliveries.grpc-client';

interface LogEntry {
  id: string;
  dispatchId: string;
  round: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: string;
  responseStatus: number | null;
  durationMs: number;
  errorMessage: string | null;
  test: boolean;
  startedAt: string;
  nextAttemptAt: string | null;
}

interface Call {
  startedAt: string | null;
  finishedAt: string | null;
  errorMessage: string | null;
  responseStatus: number | null;
  responseBody: string | null;
}

interface Dispatch {
  id: string;
  userId: string;
  webhookId: string;
  createdAt: string;
  status: string;
  eventType: string;
  eventData: unknown;
  calls: Call[];
}

interface Page<T> {
  items: T[];
  total: number;
  offset: number;
}

const page = <T>(items: T[], total: number, offset: number): string =>
  `${items.length} of ${total} (offset ${offset})\n`;

/** One streamed outcome per line; fixed widths so that lines align as they arrive. */
export function renderOutcome(o: DeliveryOutcomeMessage): string {
  const detail =
    o.kind === 'attempted'
      ? `${o.error_message ?? ''}; next attempt ${o.next_attempt_at ?? '?'}`
      : (o.error_message ?? '');
  return [
    o.occurred_at.padEnd(24),
    o.kind.padEnd(9),
    o.dispatch_id.padEnd(30),
    (o.attempt === 0 ? '' : `#${o.attempt}`).padEnd(4),
    (o.response_status === undefined ? '' : String(o.response_status)).padEnd(4),
    `${o.event_type}${o.test ? ' (test)' : ''}`.padEnd(28),
    o.subscription_id.padEnd(30),
    detail,
  ]
    .join(' ')
    .trimEnd();
}

const renderLogs = (logs: Page<LogEntry>): string =>
  renderTable(logs.items, [
    { header: 'STARTED', value: (l) => l.startedAt },
    { header: 'SUBSCRIPTION', value: (l) => l.subscriptionId },
    { header: 'EVENT TYPE', value: (l) => `${l.eventType}${l.test ? ' (test)' : ''}`, max: 32 },
    { header: 'DISPATCH', value: (l) => l.dispatchId },
    { header: 'ROUND', value: (l) => l.round || 'original', max: 14 },
    { header: 'ATTEMPT', value: (l) => l.attempt },
    { header: 'STATUS', value: (l) => l.status },
    { header: 'HTTP', value: (l) => l.responseStatus },
    { header: 'MS', value: (l) => l.durationMs },
    { header: 'ERROR', value: (l) => l.errorMessage, max: 60 },
  ]) + page(logs.items, logs.total, logs.offset);

const renderDispatches = (list: Page<Dispatch>): string =>
  renderTable(list.items, [
    { header: 'DISPATCH', value: (d) => d.id },
    { header: 'SUBSCRIPTION', value: (d) => d.webhookId },
    { header: 'EVENT TYPE', value: (d) => d.eventType, max: 32 },
    { header: 'STATUS', value: (d) => d.status },
    { header: 'CALLS', value: (d) => d.calls.length },
    { header: 'CREATED', value: (d) => d.createdAt },
  ]) + page(list.items, list.total, list.offset);

export const renderDispatch = (d: Dispatch): string =>
  renderFields([
    ['id', d.id],
    ['status', d.status],
    ['event type', d.eventType],
    ['subscription', d.webhookId],
    ['organization', d.userId],
    ['created', d.createdAt],
  ]) +
  (d.calls.length === 0
    ? 'no HTTP attempt yet\n'
    : `\n${renderTable(d.calls, [
        { header: 'STARTED', value: (c) => c.startedAt },
        { header: 'FINISHED', value: (c) => c.finishedAt },
        { header: 'HTTP', value: (c) => c.responseStatus },
        { header: 'ERROR', value: (c) => c.errorMessage, max: 50 },
        { header: 'RESPONSE', value: (c) => c.responseBody, max: 50 },
      ])}`);

export function registerDeliveryCommands(program: Command): void {
  program
    .command('deliveries')
    .description('live delivery outcomes (gRPC Deliveries.Watch)')
    .command('tail')
    .description('print delivery outcomes as they are recorded, until Ctrl-C')
    .option('--subscription <id>', "only this subscription's outcomes")
    .option(
      '--kinds <kinds>',
      'only these kinds: created, attempted, succeeded, failed (comma-separated)',
      collect,
    )
    .option('--count <n>', 'exit after this many outcomes')
    .action(
      action<{ subscription?: string; kinds?: string[]; count?: string }>(
        async ({ settings, out }, _args, options) => {
          const limit = options.count === undefined ? undefined : parseInteger(options.count, '--count');
          const abort = new AbortController();
          const stop = (): void => abort.abort();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          let seen = 0;
          try {
            await watchDeliveries(
              settings,
              { subscription_id: options.subscription ?? '', kinds: splitList(options.kinds) },
              (outcome) => {
                out.streamLine(outcome, renderOutcome);
                seen += 1;
                if (limit !== undefined && seen >= limit) abort.abort();
              },
              {
                signal: abort.signal,
                onReady: () =>
                  out.note(
                    `watching deliveries of ${options.subscription ?? settings.organizationId ?? "the key's organization"} at ${settings.grpcAddress} (Ctrl-C stops)`,
                  ),
              },
            );
          } finally {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
          }
        },
      ),
    );

  program
    .command('logs')
    .description('delivery attempts, retries included, newest first')
    .option('--subscription <id>', "one subscription's attempts (default: the whole organization)")
    .option('--event-type <type>', 'only this event type')
    .option('--status <status>', 'succeeded, retrying or failed')
    .option('--limit <n>', 'at most this many (1-200, default 50)')
    .option('--offset <n>', 'skip this many')
    .action(
      action<{ subscription?: string; eventType?: string; status?: string; limit?: string; offset?: string }>(
        async ({ api, out }, _args, options) => {
          const path =
            options.subscription === undefined
              ? '/webhooks/logs/all'
              : `/webhooks/${encodeURIComponent(options.subscription)}/logs`;
          const query = {
            eventType: options.eventType,
            status: options.status,
            limit: options.limit,
            offset: options.offset,
          };
          out.result(await api.call<Page<LogEntry>>('GET', path, { query }), renderLogs);
        },
      ),
    );

  const dispatches = program.command('dispatches').description('dispatches: one per (event, subscription)');
  dispatches
    .command('list')
    .description('dispatches with their status and HTTP calls')
    .option('--subscription <id>', "one subscription's dispatches")
    .option('--limit <n>', 'at most this many (default and maximum 1000)')
    .option('--offset <n>', 'skip this many')
    // Newest first, as `logs`; the API itself keeps Apify's default (oldest first).
    .option('--oldest-first', 'oldest first, as the /v2 API answers by default')
    .option('--desc', 'newest first (the default; kept for scripts written against earlier versions)')
    .action(
      action<{ subscription?: string; limit?: string; offset?: string; oldestFirst?: boolean }>(
        async ({ api, out }, _args, options) => {
          const path =
            options.subscription === undefined
              ? '/v2/webhook-dispatches'
              : `/v2/webhooks/${encodeURIComponent(options.subscription)}/dispatches`;
          const query = { limit: options.limit, offset: options.offset, desc: options.oldestFirst ? 0 : 1 };
          const answer = await api.call<{ data: Page<Dispatch> }>('GET', path, { query });
          out.result(answer, (a) => renderDispatches(a.data));
        },
      ),
    );
  dispatches
    .command('show')
    .description('one dispatch with one call per HTTP attempt')
    .argument('<dispatchId>')
    .action(
      action(async ({ api, out }, [id]) => {
        const answer = await api.call<{ data: Dispatch }>(
          'GET',
          `/v2/webhook-dispatches/${encodeURIComponent(id!)}`,
        );
        out.result(answer, (a) => renderDispatch(a.data));
      }),
    );
  dispatches
    .command('retry')
    .description('deliver a dispatch again now (a new round with the same body)')
    .argument('<dispatchId>')
    .action(
      action(async ({ api, out }, [id]) => {
        const answer = await api.call<{ data: { dispatchId: string; round: string } }>(
          'POST',
          `/webhook-dispatches/${encodeURIComponent(id!)}/retry`,
        );
        out.result(answer, (a) => `retry started: dispatch ${a.data.dispatchId}, round ${a.data.round}\n`);
      }),
    );
}
