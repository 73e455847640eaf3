import { bool, duration, int, readSettings, serviceSettings, setting, str, url } from '@hookstream/platform';
import { withReplicasAlias } from '@hookstream/messaging';
import { parseAllowedTargets } from '@hookstream/webhooks';

const refuse = (problem: string): never => {
  throw new Error(problem);
};

/** Every setting the subscriptions service reads (docs/architecture.md §9 names plus its own). */
export const subscriptionsSettings = {
  natsUrl: serviceSettings.natsUrl,
  databaseUrl: serviceSettings.databaseUrl,
  httpPort: serviceSettings.httpPort(8081),
  grpcPort: serviceSettings.grpcPort(50051),
  listenHost: serviceSettings.listenHost,
  // A short admin token is guessable, and the admin API creates keys for any organization.
  adminToken: setting('ADMIN_TOKEN', str(), (token) =>
    token.length < 16 ? refuse('must be at least 16 characters') : token,
  ),
  secretsKey: serviceSettings.secretsKey,
  /** DELIVERY_ALLOWED_TARGETS: targets reachable despite the address rules. */
  allowList: setting('DELIVERY_ALLOWED_TARGETS', str({ default: '', allowEmpty: true }), parseAllowedTargets),
  allowHttp: setting('DELIVERY_ALLOW_HTTP', bool({ default: false })),
  logLevel: serviceSettings.logLevel,
  streamReplicas: serviceSettings.streamReplicas,
  eventsMaxAgeMs: serviceSettings.eventsMaxAgeMs,
  deliveriesMaxAgeMs: serviceSettings.deliveriesMaxAgeMs,
  maxEventBytes: setting('MAX_EVENT_BYTES', int({ default: 262_144, min: 1024, max: 8 * 1024 * 1024 })),
  secretRotationGraceMs: setting('SECRET_ROTATION_GRACE', duration({ default: '24h' })),
  shutdownGraceMs: serviceSettings.shutdownGraceMs,
  portalSigningKey: serviceSettings.portalSigningKey,
  portalPublicUrl: setting(
    'PORTAL_PUBLIC_URL',
    url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:8080' }),
  ),
  // Written into a Content-Security-Policy header: one directive's sources, nothing that ends it.
  portalFrameAncestors: setting('PORTAL_FRAME_ANCESTORS', str({ default: "'self'" }), (sources) =>
    /^[^;,\r\n]+$/.test(sources)
      ? sources
      : refuse("must be space-separated CSP sources such as 'self' https://app.example.com"),
  ),
};

export type SubscriptionsConfig = ReturnType<typeof readSubscriptionsConfig>;

export function readSubscriptionsConfig(env: NodeJS.ProcessEnv = process.env) {
  return readSettings(subscriptionsSettings, withReplicasAlias(env));
}
