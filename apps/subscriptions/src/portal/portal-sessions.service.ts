import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '@hookstream/contracts';
import { forbidden, PORTAL_DEFAULT_TTL_SECONDS, signPortalToken } from '@hookstream/platform';
import type { SubscriptionsConfig } from '../subscriptions.config';
import { CLOCK, SUBSCRIPTIONS_CONFIG } from '../subscriptions.tokens';
import type { CreatePortalSessionDto, PortalSessionResponse } from './portal-session.dto';

/** Mints portal links, over HTTP and gRPC alike. */
@Injectable()
export class PortalSessionsService {
  constructor(
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(organizationId: string, body: CreatePortalSessionDto): Promise<PortalSessionResponse> {
    const key = this.config.portalSigningKey;
    if (!key) throw forbidden('portal sessions are disabled: PORTAL_SIGNING_KEY is not set');
    const { token, grant } = await signPortalToken(
      key,
      {
        organizationId,
        permissions: body.permissions,
        filter: body.subscriptionFilter ?? {},
        theme: { ...body.theme },
      },
      body.expiresIn ?? PORTAL_DEFAULT_TTL_SECONDS,
      this.clock.now(),
    );
    // The token rides in the fragment: browsers never send it to a server or a referrer.
    const url = `${this.config.portalPublicUrl.replace(/\/+$/, '')}/portal/#token=${token}`;
    return { url, token, expiresAt: grant.expiresAt.toISOString() };
  }
}
