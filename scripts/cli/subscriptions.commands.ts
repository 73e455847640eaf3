import type { Command } from 'commander';
import { action } from './cli.context';
import { renderFields, renderTable } from './cli.output';
import {
  collect,
  parseHeaders,
  parseInteger,
  parseJson,
  parseMoment,
  readJsonObject,
  readText,
  splitList,
} from './cli.input';
import { usageError } from './cli.errors';
import { registerFilterTestCommand } from './filter-test.command';

export interface Subscription {
  id: string;
  organizationId: string;
  name: string;
  url: string;
  events: string[];
  active: boolean;
  profile: string;
  payloadTemplate: string | null;
  headers: Record<string, string>;
  retryPolicy: { schedule: string[] } | null;
  timeoutMs: number | null;
  metadata: Record<string, unknown>;
  filter: Record<string, unknown> | null;
  signature: 'hmac' | 'ed25519';
  publicKey: string | null;
  ordering: 'none' | 'subject';
  rateLimit: { perSecond: number } | null;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
  secret?: string;
}

interface SubscriptionList {
  items: Subscription[];
  total: number;
  limit: number;
  offset: number;
}

/** Options shared by create and update; absent ones leave the field as it is. */
interface FieldOptions {
  body?: string;
  name?: string;
  url?: string;
  events?: string[];
  profile?: string;
  secret?: string;
  header?: string[];
  template?: string;
  retry?: string;
  timeout?: string;
  metadata?: string;
  filter?: string;
  signature?: string;
  ordering?: string;
  rateLimit?: string;
}

interface UpdateOptions extends FieldOptions {
  enable?: boolean;
  disable?: boolean;
  clearTemplate?: boolean;
  clearRetry?: boolean;
  clearTimeout?: boolean;
  clearHeaders?: boolean;
  clearFilter?: boolean;
  clearRateLimit?: boolean;
}

const byId = (id: string): string => `/webhooks/${encodeURIComponent(id)}`;

function withFieldOptions(command: Command): Command {
  return command
    .option('--body <file>', 'a JSON body to start from (- for stdin); the flags below override its fields')
    .option('--name <name>', 'display name (1-255)')
    .option('--url <url>', 'endpoint URL (https; plain http only towards allow-listed hosts)')
    .option(
      '--events <patterns>',
      'event type patterns, comma-separated or repeated: type, prefix.*, prefix.>, *',
      collect,
    )
    .option('--profile <profile>', 'wire format: standard, kaizen, maxun, elan or apify')
    .option('--secret <secret>', 'signing secret (whsec_<base64> or 8-255 characters); generated when absent')
    .option('--header <name=value>', 'custom request header, repeatable', collect)
    .option('--template <file>', 'payload template file (- for stdin), JSON with {{variables}}')
    .option('--retry <schedule>', 'retry delays after the first attempt, such as 10s,1m,10m')
    .option('--timeout <ms>', 'request timeout in milliseconds (1000-60000)')
    .option('--metadata <json>', 'free-form JSON object')
    .option(
      '--filter <json>',
      'payload filter: a MongoDB-style query on the event, such as \'{"data.status":"FAILED"}\'',
    )
    .option('--signature <scheme>', 'hmac (v1, shared secret) or ed25519 (v1a, public key; standard profile)')
    .option(
      '--ordering <ordering>',
      'none, or subject: events with the same subject are delivered one after another, in order',
    )
    .option('--rate-limit <per-second>', 'at most this many requests per second to the endpoint (1-10000)');
}

async function fieldsOf(options: FieldOptions): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = options.body === undefined ? {} : await readJsonObject(options.body);
  if (options.name !== undefined) body.name = options.name;
  if (options.url !== undefined) body.url = options.url;
  if (options.events !== undefined) body.events = splitList(options.events);
  if (options.profile !== undefined) body.profile = options.profile;
  if (options.secret !== undefined) body.secret = options.secret;
  if (options.header !== undefined) body.headers = parseHeaders(options.header);
  if (options.template !== undefined) body.payloadTemplate = await readText(options.template);
  if (options.retry !== undefined) body.retryPolicy = { schedule: splitList([options.retry]) };
  if (options.timeout !== undefined) body.timeoutMs = parseInteger(options.timeout, '--timeout');
  if (options.metadata !== undefined) body.metadata = parseJson(options.metadata, '--metadata');
  if (options.filter !== undefined) body.filter = parseJson(options.filter, '--filter');
  if (options.signature !== undefined) body.signature = options.signature;
  if (options.ordering !== undefined) body.ordering = options.ordering;
  if (options.rateLimit !== undefined)
    body.rateLimit = { perSecond: parseInteger(options.rateLimit, '--rate-limit') };
  return body;
}

export function renderSubscription(s: Subscription): string {
  const text = renderFields([
    ['id', s.id],
    ['name', s.name],
    ['url', s.url],
    ['events', s.events.join(', ')],
    ['profile', s.profile],
    ['active', s.active ? 'yes' : `no${s.disabledReason ? ` (${s.disabledReason})` : ''}`],
    ['headers', Object.keys(s.headers).length > 0 ? s.headers : null],
    ['retry schedule', s.retryPolicy ? s.retryPolicy.schedule.join(',') : 'service default'],
    ['timeout', s.timeoutMs === null ? 'service default' : `${s.timeoutMs} ms`],
    ['template', s.payloadTemplate === null ? 'none (profile body)' : s.payloadTemplate],
    ['metadata', Object.keys(s.metadata).length > 0 ? s.metadata : null],
    ['filter', s.filter ?? 'none (every selected event)'],
    ['signature', s.signature],
    ['public key', s.publicKey],
    ['ordering', s.ordering === 'subject' ? 'by subject' : 'none'],
    ['rate limit', s.rateLimit ? `${s.rateLimit.perSecond}/s` : 'none'],
    ['organization', s.organizationId],
    ['created', s.createdAt],
    ['updated', s.updatedAt],
  ]);
  return s.secret === undefined
    ? text
    : `${text}secret          ${s.secret}\n(the secret is shown this once)\n`;
}

const renderList = (list: SubscriptionList): string =>
  renderTable(list.items, [
    { header: 'ID', value: (s) => s.id },
    { header: 'NAME', value: (s) => s.name, max: 30 },
    { header: 'PROFILE', value: (s) => s.profile },
    { header: 'ACTIVE', value: (s) => (s.active ? 'yes' : 'no') },
    { header: 'EVENTS', value: (s) => s.events, max: 40 },
    { header: 'URL', value: (s) => s.url, max: 60 },
  ]) + `${list.items.length} of ${list.total} (offset ${list.offset})\n`;

export function registerSubscriptionCommands(program: Command): void {
  const subs = program
    .command('subscriptions')
    .alias('subs')
    .description('webhook subscriptions (/webhooks)');

  withFieldOptions(subs.command('create').description('subscribe an endpoint to event types'))
    .option('--inactive', 'create it disabled')
    .action(
      action<FieldOptions & { inactive?: boolean }>(async ({ api, out }, _args, options) => {
        const body = await fieldsOf(options);
        if (options.inactive) body.active = false;
        for (const field of ['name', 'url', 'events'])
          if (body[field] === undefined) throw usageError(`subscriptions create needs --${field}`);
        out.result(await api.call<Subscription>('POST', '/webhooks', { body }), renderSubscription);
      }),
    );

  subs
    .command('list')
    .description("the organization's subscriptions")
    .option('--limit <n>', 'at most this many (1-200, default 50)')
    .option('--offset <n>', 'skip this many')
    .action(
      action<{ limit?: string; offset?: string }>(async ({ api, out }, _args, options) => {
        const query = { limit: options.limit, offset: options.offset };
        out.result(await api.call<SubscriptionList>('GET', '/webhooks', { query }), renderList);
      }),
    );

  subs
    .command('show')
    .description('one subscription')
    .argument('<id>')
    .action(
      action(async ({ api, out }, [id]) => {
        out.result(await api.call<Subscription>('GET', byId(id!)), renderSubscription);
      }),
    );

  withFieldOptions(subs.command('update').description('change some fields; the others stay').argument('<id>'))
    .option('--enable', 're-enable (clears the disabled reason)')
    .option('--disable', 'stop deliveries')
    .option('--clear-template', 'send the profile body again')
    .option('--clear-retry', 'use the service retry schedule')
    .option('--clear-timeout', 'use the service timeout')
    .option('--clear-headers', 'remove every custom header')
    .option('--clear-filter', 'deliver every event the patterns select')
    .option('--clear-rate-limit', 'no rate limit (429 and 503 answers still slow the endpoint down)')
    .action(
      action<UpdateOptions>(async ({ api, out }, [id], options) => {
        const body = await fieldsOf(options);
        if (options.enable && options.disable) throw usageError('--enable and --disable exclude each other');
        if (options.enable) body.active = true;
        if (options.disable) body.active = false;
        if (options.clearTemplate) body.payloadTemplate = null;
        if (options.clearRetry) body.retryPolicy = null;
        if (options.clearTimeout) body.timeoutMs = null;
        if (options.clearHeaders) body.headers = {};
        if (options.clearFilter) body.filter = null;
        if (options.clearRateLimit) {
          if (options.rateLimit !== undefined)
            throw usageError('--rate-limit and --clear-rate-limit exclude each other');
          body.rateLimit = null;
        }
        if (Object.keys(body).length === 0) throw usageError('nothing to update: pass at least one option');
        out.result(await api.call<Subscription>('PATCH', byId(id!), { body }), renderSubscription);
      }),
    );

  subs
    .command('delete')
    .description('delete a subscription; pending deliveries to it are abandoned')
    .argument('<id>')
    .action(
      action(async ({ api, out }, [id]) => {
        await api.call('DELETE', byId(id!));
        out.result({ id, deleted: true }, () => `deleted ${id}\n`);
      }),
    );

  subs
    .command('test')
    .description('deliver a test event to this subscription only; it shows in the logs')
    .argument('<id>')
    .option('--event-type <type>', 'a registered event type (default workflow.completed)')
    .option('--data <file>', "JSON object file (- for stdin); default the type's sample data")
    .action(
      action<{ eventType?: string; data?: string }>(async ({ api, out }, [id], options) => {
        const body: Record<string, unknown> = {};
        if (options.eventType !== undefined) body.eventType = options.eventType;
        if (options.data !== undefined) body.data = await readJsonObject(options.data);
        const result = await api.call<{ dispatchId: string }>('POST', `${byId(id!)}/test`, { body });
        out.result(
          result,
          (r) =>
            `test delivery started: ${r.dispatchId}\nsee it with: hookstream dispatches show ${r.dispatchId}\n`,
        );
      }),
    );

  registerFilterTestCommand(subs);

  subs
    .command('rotate-secret')
    .description('a new secret; the old one keeps signing beside it for the grace period')
    .argument('<id>')
    .action(
      action(async ({ api, out }, [id]) => {
        out.result(await api.call<Subscription>('POST', `${byId(id!)}/rotate-secret`), renderSubscription);
      }),
    );

  subs
    .command('replay')
    .description("deliver this subscription's events of a time range again, from the event log")
    .argument('<id>')
    .requiredOption('--since <time>', 'ISO 8601 time, or a duration ago such as 2h')
    .option('--until <time>', 'ISO 8601 time or a duration ago (default now)')
    .option('--only-failed', 'only events whose latest delivery failed')
    .action(
      action<{ since: string; until?: string; onlyFailed?: boolean }>(async ({ api, out }, [id], options) => {
        const body: Record<string, unknown> = { since: parseMoment(options.since, '--since') };
        if (options.until !== undefined) body.until = parseMoment(options.until, '--until');
        if (options.onlyFailed) body.onlyFailed = true;
        const result = await api.call<{ replayId: string; count: number; truncated: boolean }>(
          'POST',
          `${byId(id!)}/replay`,
          { body },
        );
        out.result(
          result,
          (r) =>
            `replay ${r.replayId}: ${r.count} dispatch${r.count === 1 ? '' : 'es'} started` +
            (r.truncated
              ? ' (stopped at the per-call bound: replay again from the last event for more)'
              : '') +
            '\n',
        );
      }),
    );
}
