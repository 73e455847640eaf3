import type { Command } from 'commander';
import { action } from './cli.context';
import { renderTable } from './cli.output';
import { parseInteger, parseJson, readJsonObject } from './cli.input';

interface FilterTestResult {
  eventId: string;
  type: string;
  occurredAt: string;
  selected: boolean;
  matched: boolean;
  delivered: boolean;
}

interface FilterTest {
  filter: Record<string, unknown> | null;
  tested: number;
  matched: number;
  delivered: number;
  results: FilterTestResult[];
}

const yes = (value: boolean): string => (value ? 'yes' : 'no');

const renderFilterTest = (r: FilterTest): string =>
  renderTable(r.results, [
    { header: 'EVENT', value: (e) => e.eventId, max: 40 },
    { header: 'TYPE', value: (e) => e.type, max: 30 },
    { header: 'OCCURRED', value: (e) => e.occurredAt },
    { header: 'SELECTED', value: (e) => yes(e.selected) },
    { header: 'MATCHED', value: (e) => yes(e.matched) },
    { header: 'DELIVERED', value: (e) => yes(e.delivered) },
  ]) + `${r.matched} of ${r.tested} matched the filter, ${r.delivered} would be delivered\n`;

/** `subscriptions filter-test`: POST /webhooks/:id/filter-test. */
export function registerFilterTestCommand(subs: Command): void {
  subs
    .command('filter-test')
    .description("try a payload filter on an event or on the organization's latest events; delivers nothing")
    .argument('<id>')
    .option('--filter <json>', "the filter to try (default the subscription's saved one)")
    .option('--event <file>', 'one event as JSON ({type, data, source?, subject?}; - for stdin)')
    .option('--last <n>', "how many of the organization's latest events (1-100, default 20)")
    .action(
      action<{ filter?: string; event?: string; last?: string }>(async ({ api, out }, [id], options) => {
        const body: Record<string, unknown> = {};
        if (options.filter !== undefined) body.filter = parseJson(options.filter, '--filter');
        if (options.event !== undefined) body.event = await readJsonObject(options.event);
        if (options.last !== undefined) body.last = parseInteger(options.last, '--last');
        const path = `/webhooks/${encodeURIComponent(id!)}/filter-test`;
        out.result(await api.call<FilterTest>('POST', path, { body }), renderFilterTest);
      }),
    );
}
