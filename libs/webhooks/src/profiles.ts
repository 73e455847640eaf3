import type { EventEnvelope, Profile } from '@hookstream/contracts';
import { isSecretKey } from './ed25519';
import { hexBodySignature, kaizenSignature, standardSignature } from './signing';
import { renderTemplate, type TemplateVariables } from './template';

/** Wire profiles (docs/architecture.md §7): the body each one sends and the headers each attempt carries. */
export interface RenderInput {
  profile: Profile;
  event: EventEnvelope;
  dispatchId: string;
  subscriptionId: string;
  /** Overrides the profile's body when set. */
  payloadTemplate: string | null;
  /** When the dispatch was created: the moment the webhook was triggered. */
  createdAt: string;
  /** A test delivery; only templates have room to say so (`{{test}}`), profile bodies keep their shape. */
  test?: boolean;
}

export const USER_AGENT = 'Hookstream-Webhooks/1.0';

/** The request body, rendered once per dispatch so that every attempt sends the same bytes. */
export function renderBody(input: RenderInput): string {
  if (input.payloadTemplate !== null) return renderTemplate(input.payloadTemplate, templateVariables(input));
  return JSON.stringify(profileBody(input));
}

function profileBody(input: RenderInput): Record<string, unknown> {
  const { event } = input;
  switch (input.profile) {
    case 'standard':
      return { type: event.type, timestamp: event.occurredAt, data: event.data };
    case 'kaizen':
      return { type: event.type, data: event.data };
    case 'maxun':
      // Maxun's timestamp is "when the webhook was triggered" and webhook_id names the webhook.
      return {
        event_type: event.type,
        timestamp: input.createdAt,
        webhook_id: input.subscriptionId,
        data: event.data,
      };
    case 'elan':
      return {
        event_id: event.id,
        event_type: event.type,
        workflow_id: workflowIdOf(event.data),
        organization_id: event.organizationId,
        timestamp: event.occurredAt,
        data: event.data,
      };
    case 'apify':
      // Apify's default payload template, with the same meaning as the template variables below.
      return {
        userId: event.organizationId,
        createdAt: input.createdAt,
        eventType: event.type,
        eventData: apifyEventData(event),
        resource: event.data,
      };
  }
}

/** The `{{variables}}` a payload template may use; Apify's names plus the envelope and ids. */
export function templateVariables(input: RenderInput): TemplateVariables {
  const { event } = input;
  return {
    eventType: event.type,
    eventData: apifyEventData(event),
    resource: event.data,
    timestamp: event.occurredAt,
    createdAt: input.createdAt,
    userId: event.organizationId,
    test: input.test ?? false,
    event,
    dispatch: { id: input.dispatchId },
    subscription: { id: input.subscriptionId },
    organization: { id: event.organizationId },
  };
}

function idValue(value: unknown): string | number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/** ELAN's workflow_id, under whichever spelling the upstream used. */
export function workflowIdOf(data: Record<string, unknown>): string | number | null {
  const workflow = data['workflow'];
  const nested =
    typeof workflow === 'object' && workflow !== null ? (workflow as Record<string, unknown>)['id'] : null;
  return idValue(data['workflow_id']) ?? idValue(data['workflowId']) ?? idValue(nested) ?? null;
}

/**
 * Apify's small `eventData` ({actorId, actorRunId, ...}); the full object travels as `resource`.
 * Apify run and build objects name the actor `actId` and themselves `id`. null when the event
 * carries no actor ids at all.
 */
export function apifyEventData(event: EventEnvelope): Record<string, string> | null {
  const text = (key: string): string | undefined => {
    const value = event.data[key];
    return typeof value === 'string' ? value : undefined;
  };
  const ownId = (prefix: string): string | undefined =>
    event.type.startsWith(prefix) ? text('id') : undefined;
  const candidates: Array<[string, string | undefined]> = [
    ['actorId', text('actorId') ?? text('actId')],
    ['actorTaskId', text('actorTaskId')],
    ['actorRunId', text('actorRunId') ?? ownId('ACTOR.RUN.')],
    ['actorBuildId', text('actorBuildId') ?? ownId('ACTOR.BUILD.')],
  ];
  const present = candidates.filter((entry): entry is [string, string] => entry[1] !== undefined);
  return present.length > 0 ? Object.fromEntries(present) : null;
}

export interface SignedHeadersInput {
  profile: Profile;
  /**
   * Plain secrets currently valid, newest first. All sign `webhook-signature`; the profiles'
   * single-value headers carry the newest one only, since receivers written for ELAN or Kaizen
   * compare the whole header and a space-separated list would fail them with either secret.
   * `whsk_` secret keys (ed25519) sign `webhook-signature` only: the profiles' own headers are
   * HMACs and need a shared secret, so they carry the newest shared secret, or are left out.
   */
  secrets: readonly string[];
  dispatchId: string;
  subscriptionId: string;
  timestampSeconds: number;
  body: string;
}

/** Headers of one attempt. Every profile carries Standard Webhooks headers beside its own. */
export function signedHeaders(input: SignedHeadersInput): Record<string, string> {
  const { profile, secrets, dispatchId, subscriptionId, timestampSeconds, body } = input;
  if (secrets.length === 0) throw new Error('at least one signing secret is required');
  const newest = secrets.find((secret) => !isSecretKey(secret));
  const timestamp = String(timestampSeconds);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'webhook-id': dispatchId,
    'webhook-timestamp': timestamp,
    'webhook-signature': standardSignature(secrets, dispatchId, timestampSeconds, body),
  };
  switch (profile) {
    case 'standard':
    case 'elan':
      if (newest === undefined) return headers;
      return { ...headers, 'X-Webhook-Signature': hexBodySignature(newest, body) };
    case 'kaizen':
      if (newest === undefined) return headers;
      return {
        ...headers,
        'X-Webhooks-Id': dispatchId,
        'X-Webhooks-Timestamp': timestamp,
        'X-Webhooks-Signature': kaizenSignature(newest, dispatchId, timestampSeconds, body),
      };
    case 'maxun':
      return headers;
    case 'apify':
      return {
        ...headers,
        'X-Apify-Webhook': subscriptionId,
        'X-Apify-Webhook-Dispatch-Id': dispatchId,
        'X-Apify-Request-Origin': 'WEBHOOK',
      };
  }
}
