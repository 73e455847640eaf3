import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { contextFromTraceparent, linksTo, MAX_SPAN_LINKS, traceparentOf } from './tracing';

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context helpers', () => {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(
    't',
  );

  it("makes a span the child of the caller's traceparent, and names the span in its own", () => {
    const span = tracer.startSpan('child', {}, contextFromTraceparent(CALLER));
    const own = traceparentOf(span);
    span.end();
    expect(own).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`);
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('starts a new trace when there is no usable caller context', () => {
    expect(contextFromTraceparent(undefined)).toBe(ROOT_CONTEXT);
    expect(trace.getSpanContext(contextFromTraceparent('00-zz-yy-01'))).toBeUndefined();
  });

  it('links each distinct, well-formed span once, up to the SDK link limit', () => {
    const other = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    const links = linksTo([CALLER, undefined, 'nonsense', CALLER, other]);
    expect(links.map((link) => [link.context.traceId, link.context.spanId])).toEqual([
      ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'],
      ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
    ]);
    const many = Array.from(
      { length: 300 },
      (_, i) => `00-${'1'.repeat(32)}-${(i + 1).toString(16).padStart(16, '0')}-01`,
    );
    expect(linksTo(many)).toHaveLength(MAX_SPAN_LINKS);
  });
});
