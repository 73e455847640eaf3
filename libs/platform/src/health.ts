import {
  type BeforeApplicationShutdown,
  Controller,
  Get,
  Injectable,
  Optional,
  Res,
  type OnModuleInit,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';

export interface HealthResult {
  ok: boolean;
  detail?: string;
}

export type HealthCheck = () => Promise<HealthResult> | HealthResult;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, HealthResult>;
}

/** A check that hangs is a failed check: readiness must answer while a dependency does not. */
export async function runCheck(check: HealthCheck, timeoutMs: number): Promise<HealthResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks registered by the modules that own a dependency (Postgres, NATS, consumers). Kept rather
 * than @nestjs/terminus: its report is `{status, info, error, details}` where /health/ready,
 * grpc.health.v1 and the docs read `{status, checks}`, and each check here still needs its own
 * timeout and the shutdown state, which terminus leaves to custom indicators.
 */
@Injectable()
export class HealthRegistry implements BeforeApplicationShutdown {
  private readonly checks = new Map<string, { check: HealthCheck; timeoutMs: number }>();
  private stopping = false;

  /** Registering a name again replaces its check. */
  register(name: string, check: HealthCheck, options: { timeoutMs?: number } = {}): void {
    this.checks.set(name, { check, timeoutMs: options.timeoutMs ?? 2000 });
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(
        async ([name, { check, timeoutMs }]) => [name, await runCheck(check, timeoutMs)] as const,
      ),
    );
    const checks: Record<string, HealthResult> = Object.fromEntries(entries);
    // A stopping process takes no new work, so it stops being ready before it stops listening.
    if (this.stopping) checks.shutdown = { ok: false, detail: 'shutting down' };
    const ok = Object.values(checks).every((result) => result.ok);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }
}

const HEALTH_REPORT_SCHEMA = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['ok'],
        properties: { ok: { type: 'boolean' }, detail: { type: 'string' } },
      },
    },
  },
};

interface StatusResponse {
  status(code: number): unknown;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['ok'] } },
      required: ['status'],
    },
    example: { status: 'ok' },
  })
  @ApiOperation({ operationId: 'getLiveness', summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({
    schema: HEALTH_REPORT_SCHEMA,
    example: { status: 'ok', checks: { postgres: { ok: true } } },
  })
  @ApiServiceUnavailableResponse({
    schema: HEALTH_REPORT_SCHEMA,
    example: {
      status: 'unavailable',
      checks: { postgres: { ok: false, detail: 'timed out after 1000 ms' } },
    },
  })
  @ApiOperation({ operationId: 'getReadiness', summary: "Readiness: the service's dependencies are healthy" })
  async ready(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthReport> {
    const report = await this.registry.report();
    response.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}

export function postgresCheck(dataSource: DataSource): HealthCheck {
  return async () => {
    await dataSource.query('SELECT 1');
    return { ok: true };
  };
}

/** Registers `postgres` (SELECT 1 within 1 s) when the app has a TypeORM DataSource. */
@Injectable()
export class PostgresHealth implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  onModuleInit(): void {
    if (this.dataSource)
      this.registry.register('postgres', postgresCheck(this.dataSource), { timeoutMs: 1000 });
  }
}
