import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { sampleDataOf } from '@hookstream/contracts';
import { action } from './cli.context';
import { renderTable } from './cli.output';
import { readJson } from './cli.input';
import { usageError } from './cli.errors';

interface PublishResult {
  id: string;
  duplicate: boolean;
}

interface EventType {
  name: string;
  description: string;
  builtIn: boolean;
  schema: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const newEventId = (): string => `evt_${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;

/** Fills what a hand-written event usually leaves out: a fresh id and the current time. */
export function completeEvent(event: Record<string, unknown>, now = new Date()): Record<string, unknown> {
  return { id: newEventId(), occurredAt: now.toISOString(), ...event };
}

/** One event, `{"events": [...]}` or a JSON array of events, as the body of POST /events. */
export function ingestBody(input: unknown): Record<string, unknown> {
  const list = Array.isArray(input)
    ? input
    : isObject(input) && Array.isArray(input.events)
      ? input.events
      : undefined;
  if (list === undefined) {
    if (!isObject(input))
      throw usageError('the input must be an event object, {"events": [...]} or an array');
    return completeEvent(input);
  }
  if (!list.every(isObject)) throw usageError('every event must be a JSON object');
  return { events: list.map((event) => completeEvent(event)) };
}

const renderResults = (results: PublishResult[]): string =>
  renderTable(results, [
    { header: 'EVENT ID', value: (r) => r.id },
    {
      header: 'STORED',
      value: (r) => (r.duplicate ? 'duplicate (already stored, not delivered again)' : 'yes'),
    },
  ]);

export function registerEventCommands(program: Command): void {
  const events = program.command('events').description('event ingest and the event catalog');

  events
    .command('publish')
    .description('publish events from a JSON file or stdin (-); id and occurredAt are filled in when absent')
    .argument('[file]', 'an event, {"events": [...]} or an array of events; - for stdin')
    .option('--sample <type>', "publish one event of a built-in type with the catalog's sample data")
    .action(
      action<{ sample?: string }>(async ({ api, out }, [file], options) => {
        let body: Record<string, unknown>;
        if (options.sample !== undefined) {
          if (file !== undefined) throw usageError('pass either a file or --sample, not both');
          const data = sampleDataOf(options.sample);
          if (data === undefined) throw usageError(`${options.sample} is not a built-in event type`);
          body = completeEvent({ type: options.sample, data });
        } else {
          if (file === undefined)
            throw usageError('events publish needs a file, - for stdin, or --sample <type>');
          body = ingestBody(await readJson(file));
        }
        const answer = await api.call<PublishResult | { events: PublishResult[] }>('POST', '/events', {
          body,
        });
        out.result(answer, (a) => renderResults('events' in a ? a.events : [a]));
      }),
    );

  events
    .command('types')
    .description('the event types this organization can publish and subscribe to')
    .action(
      action(async ({ api, out }) => {
        const list = await api.call<{ items: EventType[] }>('GET', '/event-types');
        out.result(list, (l) =>
          renderTable(l.items, [
            { header: 'TYPE', value: (t) => t.name },
            { header: 'BUILT-IN', value: (t) => (t.builtIn ? 'yes' : 'no') },
            { header: 'DESCRIPTION', value: (t) => t.description, max: 80 },
          ]),
        );
      }),
    );
}
