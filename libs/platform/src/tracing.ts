import {
  type Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator, parseTraceParent } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from './tracing.config';

/** The instrumentation scope of every span Hookstream makes. */
const SCOPE = 'hookstream';

/** The SDK's default OTEL_SPAN_LINK_COUNT_LIMIT: a span keeps at most this many links. */
export const MAX_SPAN_LINKS = 128;

const propagator = new W3CTraceContextPropagator();

/** Set by startTracing: undefined means tracing is off and callers make no span at all. */
let active: Tracer | undefined;

export interface StartedTracing {
  /** Sends the spans still buffered, then stops the exporter. */
  shutdown(): Promise<void>;
}

function samplerOf(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
  }
}

/**
 * Starts the OpenTelemetry SDK when an OTLP endpoint is configured: spans are batched and sent
 * as OTLP/HTTP JSON. Otherwise nothing is started, `activeTracer()` stays undefined and the
 * instrumented code skips its spans entirely (docs/operations.md, Tracing).
 */
export function startTracing(serviceName: string, config: TracingConfig): StartedTracing | undefined {
  if (config.tracesUrl === undefined) return undefined;
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName ?? serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({
    resource,
    sampler: samplerOf(config),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl }), config.batch)],
  });
  trace.setGlobalTracerProvider(provider);
  active = provider.getTracer(SCOPE);
  return {
    shutdown: async () => {
      active = undefined;
      await provider.shutdown();
    },
  };
}

/** The tracer while tracing is on; undefined when it is off, so that no span is made. */
export function activeTracer(): Tracer | undefined {
  return active;
}

/** A remote parent from a W3C `traceparent` (the root context when absent or malformed). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (traceparent === undefined) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
}

/** The `traceparent` naming this span as the parent (what goes onto a message or a request). */
export function traceparentOf(span: Span): string {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
  return carrier.traceparent!;
}

/**
 * Links to the spans named by these `traceparent`s (a batch span covers many traces): malformed
 * and repeated ones are left out, and at most MAX_SPAN_LINKS are kept.
 */
export function linksTo(traceparents: Iterable<string | undefined>): Link[] {
  const links = new Map<string, Link>();
  for (const traceparent of traceparents) {
    if (links.size >= MAX_SPAN_LINKS) break;
    const context: SpanContext | null = traceparent === undefined ? null : parseTraceParent(traceparent);
    if (context === null || links.has(context.spanId)) continue;
    links.set(context.spanId, { context: { ...context, isRemote: true } });
  }
  return [...links.values()];
}
