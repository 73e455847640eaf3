import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { ApiKeyGuard, CurrentTenant, type Tenant } from '@hookstream/platform';
import { defined } from '../common/grpc.decode';
import { validateInput } from '../common/validation.rules';
import { CreatePortalSessionDto } from './portal-session.dto';
import { PortalSessionsService } from './portal-sessions.service';

interface CreateSessionRequest {
  permissions: string;
  expires_in?: number;
  subscription_filter?: Record<string, string>;
  theme?: { title?: string; logo_url?: string; primary_color?: string };
}

/** hookstream.v1.Portal: the gRPC side of POST /portal/sessions, with the same rules. */
@Controller()
@UseGuards(ApiKeyGuard)
export class PortalGrpcController {
  constructor(private readonly sessions: PortalSessionsService) {}

  @GrpcMethod('Portal', 'CreateSession')
  async create(
    @Payload() request: CreateSessionRequest,
    @CurrentTenant() tenant: Tenant,
  ): Promise<{ url: string; token: string; expires_at: string }> {
    const filter = request.subscription_filter ?? {};
    const theme = request.theme;
    const dto = validateInput(
      CreatePortalSessionDto,
      defined({
        permissions: request.permissions,
        expiresIn: request.expires_in,
        // A proto3 map cannot be absent: empty means no filter.
        subscriptionFilter: Object.keys(filter).length > 0 ? { ...filter } : undefined,
        theme:
          theme === undefined
            ? undefined
            : defined({ title: theme.title, logoUrl: theme.logo_url, primaryColor: theme.primary_color }),
      }),
    );
    const session = await this.sessions.create(tenant.organizationId, dto);
    return { url: session.url, token: session.token, expires_at: session.expiresAt };
  }
}
