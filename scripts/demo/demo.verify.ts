import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DEMO_ENDPOINTS, type ExpectedDelivery } from './demo.plan';
import type { CapturedRequest } from './demo.receiver';
import type { DemoRequest } from './demo.report';

/** One check of one received request: a signature header, or an id header that must match. */
export interface Check {
  header: string;
  ok: boolean;
}

const sameText = (a: string | undefined, b: string): boolean =>
  a !== undefined && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const hexHmac = (secret: string, content: string): string =>
  createHmac('sha256', secret).update(content).digest('hex');

/** Standard Webhooks, checked by its reference library (timestamp tolerance included). */
function standardWebhooksCheck(secret: string, request: CapturedRequest): Check {
  try {
    new Webhook(secret).verify(request.body, request.headers);
    return { header: 'webhook-signature', ok: true };
  } catch {
    return { header: 'webhook-signature', ok: false };
  }
}

/**
 * Every check that applies to the profile: all profiles carry Standard Webhooks headers; standard
 * and elan add the hex body HMAC, kaizen its own timestamped HMAC, apify its id headers.
 */
export function verifyRequest(
  profile: string,
  secret: string,
  subscriptionId: string,
  request: CapturedRequest,
): Check[] {
  const { headers, body } = request;
  const checks = [standardWebhooksCheck(secret, request)];
  if (profile === 'standard' || profile === 'elan')
    checks.push({
      header: 'X-Webhook-Signature',
      ok: sameText(headers['x-webhook-signature'], hexHmac(secret, body)),
    });
  if (profile === 'kaizen') {
    const content = `${headers['x-webhooks-id'] ?? ''}.${headers['x-webhooks-timestamp'] ?? ''}.${body}`;
    checks.push({
      header: 'X-Webhooks-Signature',
      ok: sameText(headers['x-webhooks-signature'], `v1=${hexHmac(secret, content)}`),
    });
  }
  if (profile === 'apify') {
    checks.push({ header: 'X-Apify-Webhook', ok: headers['x-apify-webhook'] === subscriptionId });
    checks.push({
      header: 'X-Apify-Webhook-Dispatch-Id',
      ok: headers['x-apify-webhook-dispatch-id'] === headers['webhook-id'],
    });
  }
  return checks;
}

/** The requests of the demo's dispatches, in endpoint order, each with its checks. */
export function checkRequests(
  requests: readonly CapturedRequest[],
  expected: ReadonlyMap<string, ExpectedDelivery>,
): DemoRequest[] {
  const checked = requests.flatMap((request): DemoRequest[] => {
    const dispatchId = request.headers['webhook-id'] ?? '';
    const delivery = expected.get(dispatchId);
    if (!delivery) return [];
    const { subscription } = delivery;
    return [
      {
        endpoint: subscription.name,
        profile: subscription.profile,
        subscriptionId: subscription.id,
        dispatchId,
        eventType: delivery.eventType,
        test: delivery.test,
        answered: request.answered,
        bodyFields: bodyFields(request.body),
        checks: verifyRequest(subscription.profile, subscription.secret, subscription.id, request),
        headers: request.headers,
        body: request.body,
        receivedAt: request.receivedAt,
      },
    ];
  });
  const order = (r: DemoRequest): number => DEMO_ENDPOINTS.findIndex((e) => e.name === r.endpoint);
  return checked.sort((a, b) => order(a) - order(b));
}

function bodyFields(body: string): string[] {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? Object.keys(parsed) : [];
  } catch {
    return [];
  }
}
