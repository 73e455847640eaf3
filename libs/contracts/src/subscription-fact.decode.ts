import { isProfile } from './profiles';
import {
  isOrdering,
  isRateLimit,
  isSignatureScheme,
  SUBSCRIPTION_CHANGED_VERSION,
  upcastSubscriptionState,
  type SubscriptionFact,
  type SubscriptionState,
} from './subscription-facts';

export type DecodedSubscriptionFact = { ok: true; fact: SubscriptionFact } | { ok: false; reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isStringOrNull = (value: unknown): value is string | null =>
  value === null || typeof value === 'string';

/** What the consumers rely on (the dispatcher's routing table first); a state missing any of it is refused with the reason. */
function stateProblem(data: Record<string, unknown>): string | null {
  if (!isString(data.id) || !isString(data.organizationId)) return 'id and organizationId must be strings';
  if (!isString(data.url)) return 'url must be a string';
  if (!Array.isArray(data.events) || !data.events.every(isString)) return 'events must be a list of patterns';
  if (typeof data.active !== 'boolean') return 'active must be a boolean';
  if (!isProfile(data.profile)) return 'profile is unknown';
  if (!isStringOrNull(data.payloadTemplate)) return 'payloadTemplate must be a string or null';
  if (!isRecord(data.headers) || !Object.values(data.headers).every(isString))
    return 'headers must map names to strings';
  const policy = data.retryPolicy;
  if (
    policy !== null &&
    !(isRecord(policy) && Array.isArray(policy.schedule) && policy.schedule.every(isString))
  )
    return 'retryPolicy must be null or {schedule: string[]}';
  if (data.timeoutMs !== null && (typeof data.timeoutMs !== 'number' || !(data.timeoutMs > 0)))
    return 'timeoutMs must be a positive number or null';
  if (
    !Array.isArray(data.secrets) ||
    !data.secrets.every(
      (s) =>
        isRecord(s) &&
        isString(s.ciphertext) &&
        isStringOrNull(s.expiresAt) &&
        (s.publicKey === undefined || isString(s.publicKey)),
    )
  )
    return 'secrets must be a list of encrypted secrets';
  if (data.filter !== null && !isRecord(data.filter)) return 'filter must be an object or null';
  if (!isSignatureScheme(data.signature)) return 'signature is unknown';
  if (!isOrdering(data.ordering)) return 'ordering is unknown';
  if (data.rateLimit !== null && !isRateLimit(data.rateLimit))
    return 'rateLimit must be null or {perSecond: 1-10000}';
  if (!isStringOrNull(data.disabledReason)) return 'disabledReason must be a string or null';
  if (!isString(data.updatedAt) || Number.isNaN(Date.parse(data.updatedAt)))
    return 'updatedAt must be a date';
  return null;
}

/** Decodes one SUBSCRIPTIONS message (docs/architecture.md §2), upcast to the newest version; never throws. */
export function decodeSubscriptionFact(raw: Uint8Array): DecodedSubscriptionFact {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (!isRecord(value) || !isRecord(value.data)) return { ok: false, reason: 'not a fact' };
  if (value.type === 'subscription.deleted') {
    const data = value.data;
    if (value.version !== 1) return { ok: false, reason: 'not a fact' };
    if (!isString(data.id) || !isString(data.organizationId))
      return { ok: false, reason: 'deleted fact without ids' };
    return { ok: true, fact: value as unknown as SubscriptionFact };
  }
  if (value.type !== 'subscription.changed')
    return { ok: false, reason: `unknown fact type ${String(value.type)}` };
  if (
    typeof value.version !== 'number' ||
    !Number.isInteger(value.version) ||
    value.version < 1 ||
    value.version > SUBSCRIPTION_CHANGED_VERSION
  )
    return { ok: false, reason: 'not a fact' };
  const data = upcastSubscriptionState(value.version, value.data);
  const problem = stateProblem(data);
  if (problem !== null) return { ok: false, reason: problem };
  const fact = value as unknown as Extract<SubscriptionFact, { type: 'subscription.changed' }>;
  return {
    ok: true,
    fact: { ...fact, version: SUBSCRIPTION_CHANGED_VERSION, data: data as unknown as SubscriptionState },
  };
}
