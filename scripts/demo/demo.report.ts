import { renderTable } from '../cli/cli.output';
import type { Check } from './demo.verify';

/** A received request, attributed to its subscription and checked. */
export interface DemoRequest {
  endpoint: string;
  profile: string;
  subscriptionId: string;
  dispatchId: string;
  eventType: string;
  test: boolean;
  answered: number;
  /** Top-level fields of the body: the profile's shape at a glance. */
  bodyFields: string[];
  checks: Check[];
  headers: Record<string, string>;
  body: string;
  receivedAt: string;
}

export interface DemoLogEntry {
  subscriptionId: string;
  dispatchId: string;
  eventType: string;
  attempt: number;
  status: string;
  responseStatus: number | null;
  durationMs: number;
  errorMessage: string | null;
  test: boolean;
  startedAt: string;
}

export interface DemoDispatch {
  id: string;
  webhookId: string;
  eventType: string;
  status: string;
  calls: unknown[];
}

const mark = (ok: boolean): string => (ok ? '✓' : '✗ FAILED');

export function renderRequests(requests: readonly DemoRequest[]): string {
  return renderTable(requests, [
    { header: 'ENDPOINT', value: (r) => `/${r.endpoint}` },
    { header: 'EVENT TYPE', value: (r) => `${r.eventType}${r.test ? ' (test)' : ''}` },
    { header: 'ANSWER', value: (r) => r.answered },
    { header: 'BODY FIELDS', value: (r) => r.bodyFields.join(','), max: 50 },
    { header: 'CHECKS', value: (r) => r.checks.map((c) => `${c.header} ${mark(c.ok)}`).join('  ') },
  ]);
}

export function renderLogs(logs: readonly DemoLogEntry[], names: ReadonlyMap<string, string>): string {
  return renderTable(logs, [
    { header: 'STARTED', value: (l) => l.startedAt },
    { header: 'ENDPOINT', value: (l) => names.get(l.subscriptionId) ?? l.subscriptionId },
    { header: 'EVENT TYPE', value: (l) => `${l.eventType}${l.test ? ' (test)' : ''}` },
    { header: 'ATTEMPT', value: (l) => l.attempt },
    { header: 'STATUS', value: (l) => l.status },
    { header: 'HTTP', value: (l) => l.responseStatus },
    { header: 'MS', value: (l) => l.durationMs },
    { header: 'ERROR', value: (l) => l.errorMessage, max: 40 },
  ]);
}

export function renderDispatches(
  dispatches: readonly DemoDispatch[],
  names: ReadonlyMap<string, string>,
): string {
  return renderTable(dispatches, [
    { header: 'DISPATCH', value: (d) => d.id },
    { header: 'ENDPOINT', value: (d) => names.get(d.webhookId) ?? d.webhookId },
    { header: 'EVENT TYPE', value: (d) => d.eventType },
    { header: 'STATUS', value: (d) => d.status },
    { header: 'CALLS', value: (d) => d.calls.length },
  ]);
}
