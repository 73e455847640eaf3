import { Controller, Get, Header, Injectable } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  collectDefaultMetrics,
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client';

/** One registry per process: every Nest app and test in the process shares it. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

type MetricClass<M> = new (config: { name: string; help: string; registers: Registry[] }) => M;

/**
 * The metric registered under `name`, created on first use, so that modules built twice in one
 * process (tests) do not fail on double registration.
 */
export function getOrCreateMetric<M>(kind: MetricClass<M>, config: { name: string; help: string }): M {
  const existing = metricsRegistry.getSingleMetric(config.name);
  if (existing !== undefined) {
    if (!(existing instanceof kind)) throw new Error(`metric ${config.name} exists with another type`);
    return existing;
  }
  return new kind({ ...config, registers: [metricsRegistry] });
}

export const counter = <T extends string>(config: Omit<CounterConfiguration<T>, 'registers'>): Counter<T> =>
  getOrCreateMetric(Counter as MetricClass<Counter<T>>, config);

export const gauge = <T extends string>(config: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T> =>
  getOrCreateMetric(Gauge as MetricClass<Gauge<T>>, config);

export const histogram = <T extends string>(
  config: Omit<HistogramConfiguration<T>, 'registers'>,
): Histogram<T> => getOrCreateMetric(Histogram as MetricClass<Histogram<T>>, config);

/** Injectable access to the process registry for apps' own counters and histograms. */
@Injectable()
export class Metrics {
  readonly registry = metricsRegistry;

  counter<T extends string>(config: Omit<CounterConfiguration<T>, 'registers'>): Counter<T> {
    return counter(config);
  }

  gauge<T extends string>(config: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T> {
    return gauge(config);
  }

  histogram<T extends string>(config: Omit<HistogramConfiguration<T>, 'registers'>): Histogram<T> {
    return histogram(config);
  }
}

@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format.',
    schema: { type: 'string', example: 'hookstream_events_accepted_total{type="TEST"} 1' },
  })
  @Header('Content-Type', metricsRegistry.contentType)
  @ApiOperation({ operationId: 'getMetrics', summary: 'Prometheus metrics' })
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

interface TimedRequest {
  method: string;
  baseUrl?: string;
  route?: { path?: unknown };
}

interface TimedResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

/**
 * Express middleware counting requests by route pattern; unmatched paths share one label so
 * that scanners cannot grow the series without bound.
 */
export function httpMetricsMiddleware(): (
  request: TimedRequest,
  response: TimedResponse,
  next: () => void,
) => void {
  const duration = histogram({
    name: 'hookstream_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  return (request, response, next) => {
    const end = duration.startTimer();
    response.once('finish', () => {
      const path = request.route?.path;
      const route = typeof path === 'string' ? `${request.baseUrl ?? ''}${path}` : 'unmatched';
      end({ method: request.method, route, status: String(response.statusCode) });
    });
    next();
  };
}
