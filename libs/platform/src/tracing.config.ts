import { readConfig, type Parser } from './config';
import { bool, int, oneOf, optional, str, url } from './config-parsers';

/** The samplers of the OpenTelemetry specification (OTEL_TRACES_SAMPLER). */
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** A number from 0 to 1, as OTEL_TRACES_SAMPLER_ARG takes for the ratio samplers. */
function ratio(): Parser<number | undefined> {
  return {
    parse(raw) {
      if (raw === undefined || raw.trim() === '') return { ok: true, value: undefined };
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0 || value > 1)
        return { ok: false, problem: `must be a number from 0 to 1 (got "${raw}")` };
      return { ok: true, value };
    },
  };
}

/**
 * The standard OpenTelemetry variables the services read (docs/operations.md, Tracing). Tracing is
 * on only when an OTLP endpoint is given; the OTLP exporter reads its headers and timeout itself.
 */
export const tracingConfigSpec = {
  /** Base URL of an OTLP/HTTP receiver; traces go to `<it>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(url({ protocols: ['http', 'https'] })),
  /** Full URL for traces, taken over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional(url({ protocols: ['http', 'https'] })),
  /** Only OTLP/HTTP with JSON bodies is sent; another protocol is refused rather than ignored. */
  OTEL_EXPORTER_OTLP_PROTOCOL: optional(oneOf(['http/json'])),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: optional(oneOf(['http/json'])),
  OTEL_SDK_DISABLED: bool({ default: false }),
  /** Defaults to the service's own name. */
  OTEL_SERVICE_NAME: optional(str()),
  OTEL_TRACES_SAMPLER: oneOf(TRACE_SAMPLERS, { default: 'parentbased_always_on' }),
  OTEL_TRACES_SAMPLER_ARG: ratio(),
  OTEL_BSP_SCHEDULE_DELAY: int({ default: 5_000, min: 0, max: 600_000 }),
  OTEL_BSP_MAX_QUEUE_SIZE: int({ default: 2_048, min: 1, max: 1_000_000 }),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: int({ default: 512, min: 1, max: 1_000_000 }),
  OTEL_BSP_EXPORT_TIMEOUT: int({ default: 30_000, min: 1, max: 600_000 }),
};

export interface TracingConfig {
  /** Where spans are sent; undefined: tracing is off (no SDK, the API's no-op tracer). */
  tracesUrl: string | undefined;
  serviceName: string | undefined;
  sampler: (typeof TRACE_SAMPLERS)[number];
  samplerRatio: number;
  batch: {
    scheduledDelayMillis: number;
    maxQueueSize: number;
    maxExportBatchSize: number;
    exportTimeoutMillis: number;
  };
}

/** Reads the OTEL_* variables once; a wrong one stops the service with a ConfigError naming it. */
export function readTracingConfig(env: NodeJS.ProcessEnv = process.env): TracingConfig {
  const read = readConfig(tracingConfigSpec, env);
  const base = read.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const tracesUrl =
    read.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base === undefined ? undefined : `${base}/v1/traces`);
  return {
    tracesUrl: read.OTEL_SDK_DISABLED ? undefined : tracesUrl,
    serviceName: read.OTEL_SERVICE_NAME,
    sampler: read.OTEL_TRACES_SAMPLER,
    samplerRatio: read.OTEL_TRACES_SAMPLER_ARG ?? 1,
    batch: {
      scheduledDelayMillis: read.OTEL_BSP_SCHEDULE_DELAY,
      maxQueueSize: read.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: read.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
      exportTimeoutMillis: read.OTEL_BSP_EXPORT_TIMEOUT,
    },
  };
}
