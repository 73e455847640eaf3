import { performance } from 'node:perf_hooks';
import type { EventEnvelope } from '@hookstream/contracts';

export const EVENT_TYPE = 'workflow.completed';
export const TARGET_BYTES = 1024;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

/** The event data: what the catalog's workflow.completed schema asks for, the bench's key and publish time, padding. */
export interface BenchData extends Record<string, unknown> {
  workflow_id: string;
  execution_id: string;
  status: string;
  bench_published_at: number;
  output: string;
}

function data(key: string, publishedAt: number, output: string): BenchData {
  return {
    workflow_id: 'wf_bench',
    execution_id: key,
    status: 'SUCCEEDED',
    bench_published_at: publishedAt,
    output,
  };
}

/** Padding that brings a serialized value to about TARGET_BYTES, measured once with a representative key. */
function paddingFor(measure: (output: string) => string): string {
  return 'x'.repeat(Math.max(0, TARGET_BYTES - Buffer.byteLength(measure(''))));
}

const SAMPLE_KEY = 'evt_bench_drain1_000000';
const SAMPLE_TIME = 1_763_900_000_000.123;

export function envelope(
  organizationId: string,
  key: string,
  publishedAt: number,
  output: string,
): EventEnvelope {
  return {
    id: key,
    type: EVENT_TYPE,
    organizationId,
    occurredAt: new Date(publishedAt).toISOString(),
    source: 'bench',
    data: data(key, publishedAt, output),
  };
}

/** An envelope of about 1 KiB; its key is the event id. */
export function envelopePadding(organizationId: string): string {
  return paddingFor((output) => JSON.stringify(envelope(organizationId, SAMPLE_KEY, SAMPLE_TIME, output)));
}

/** The body a `standard` subscription receives, for the raw HTTP ceiling: same shape and size. */
export function standardBody(key: string, publishedAt: number, output: string): string {
  return JSON.stringify({
    type: EVENT_TYPE,
    timestamp: new Date(publishedAt).toISOString(),
    data: data(key, publishedAt, output),
  });
}

export const standardBodyPadding = (): string =>
  paddingFor((output) => standardBody(SAMPLE_KEY, SAMPLE_TIME, output));
