import { type DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { API_KEY_AUTH_OPTIONS, type ApiKeyAuthOptions, ApiKeyAuthenticator } from './auth.authenticator';
import { ADMIN_TOKEN, AdminGuard, ApiKeyGuard } from './auth.guards';
import { HealthController, HealthRegistry, PostgresHealth } from './health';
import { Metrics, MetricsController } from './metrics';
import { PORTAL_SIGNING_KEY, PortalAccess } from './portal.access';

export interface PlatformModuleOptions {
  /** Absent: the admin routes answer 403. */
  adminToken?: string;
  auth?: ApiKeyAuthOptions;
  /** PORTAL_SIGNING_KEY; absent or null: portal session tokens are refused. */
  portalSigningKey?: Uint8Array | null;
}

/**
 * Probes, metrics and authentication for a service. Global, so feature modules use the guards
 * and registries without importing it. The TypeORM DataSource is optional: with one (from the
 * app's TypeOrmModule) API keys are checked against Postgres and `postgres` joins readiness.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions = {}): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [
        HealthRegistry,
        Metrics,
        PostgresHealth,
        ApiKeyGuard,
        AdminGuard,
        PortalAccess,
        { provide: PORTAL_SIGNING_KEY, useValue: options.portalSigningKey ?? null },
        { provide: ADMIN_TOKEN, useValue: options.adminToken ?? null },
        { provide: API_KEY_AUTH_OPTIONS, useValue: options.auth ?? {} },
        {
          provide: ApiKeyAuthenticator,
          useFactory: (authOptions: ApiKeyAuthOptions, dataSource?: DataSource) =>
            new ApiKeyAuthenticator(dataSource, authOptions),
          inject: [API_KEY_AUTH_OPTIONS, { token: DataSource, optional: true }],
        },
      ],
      exports: [
        HealthRegistry,
        Metrics,
        ApiKeyAuthenticator,
        ApiKeyGuard,
        AdminGuard,
        ADMIN_TOKEN,
        PortalAccess,
      ],
    };
  }
}
