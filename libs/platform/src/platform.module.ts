import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import {
  API_KEY_AUTH_OPTIONS,
  API_KEY_LOOKUP,
  type ApiKeyAuthOptions,
  ApiKeyAuthenticator,
  type ApiKeyLookup,
} from './authenticator';
import { ADMIN_TOKEN, AdminGuard, ApiKeyGuard } from './auth.guards';
import { HealthController, HealthRegistry, PostgresHealth } from './health';
import { Metrics, MetricsController } from './metrics';
import { PORTAL_SIGNING_KEY, PortalAccess } from './portal.access';

export interface PlatformModuleOptions {
  /** Absent: the admin routes answer 403. */
  adminToken?: string;
  auth?: ApiKeyAuthOptions;
  /** Where API keys are found (a class the module instantiates); absent: API keys answer unavailable. */
  apiKeyLookup?: Type<ApiKeyLookup>;
  /** PORTAL_SIGNING_KEY; absent or null: portal session tokens are refused. */
  portalSigningKey?: Uint8Array | null;
}

/**
 * Probes, metrics and authentication for a service. Global, so feature modules use the guards
 * and registries without importing it. API keys are checked through the app's `apiKeyLookup`;
 * with a TypeORM DataSource (from the app's TypeOrmModule) `postgres` joins readiness.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions = {}): DynamicModule {
    const lookup: Provider[] = options.apiKeyLookup
      ? [{ provide: API_KEY_LOOKUP, useClass: options.apiKeyLookup }]
      : [];
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
        ...lookup,
        {
          provide: ApiKeyAuthenticator,
          useFactory: (authOptions: ApiKeyAuthOptions, keys?: ApiKeyLookup) =>
            new ApiKeyAuthenticator(keys, authOptions),
          inject: [API_KEY_AUTH_OPTIONS, { token: API_KEY_LOOKUP, optional: true }],
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
