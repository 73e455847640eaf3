import {
  type BeforeApplicationShutdown,
  Controller,
  Get,
  Injectable,
  Optional,
  Res,
  type OnModuleInit,
} from '@nestjs/common';
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

interface StatusResponse {
  status(code: number): unknown;
}

@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
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
