import { DomainError } from '@hookstream/platform';
import {
  fromCreateRequest,
  fromUpdateRequest,
  toGrpcCircuit,
  toGrpcSubscription,
} from './subscription.grpc-mapping';
import type { SubscriptionResponse } from './subscription.response';

const update = { id: 'wh_1', events: [], headers: {}, replace_headers: false };

describe('gRPC subscription mapping', () => {
  it('maps a create request onto the REST body, leaving unset optional fields out', () => {
    expect(
      fromCreateRequest({
        name: 'n',
        url: 'u',
        events: ['*'],
        headers: {},
        timeout_ms: 3000,
        metadata_json: '{"a":1}',
      }),
    ).toEqual({ name: 'n', url: 'u', events: ['*'], headers: {}, timeoutMs: 3000, metadata: { a: 1 } });
  });

  it('reads empty values of an update as "clear" and absent ones as "keep"', () => {
    expect(fromUpdateRequest(update)).toEqual({});
    expect(
      fromUpdateRequest({ ...update, payload_template: '', timeout_ms: 0, retry_policy: { schedule: [] } }),
    ).toEqual({ payloadTemplate: null, timeoutMs: null, retryPolicy: null });
    expect(fromUpdateRequest({ ...update, headers: {}, replace_headers: true, events: ['a'] })).toEqual({
      headers: {},
      events: ['a'],
    });
  });

  it('carries the filter as JSON text and the signature scheme; an empty filter_json clears it', () => {
    expect(
      fromCreateRequest({
        name: 'n',
        url: 'u',
        events: ['*'],
        headers: {},
        filter_json: '{"data.status":"FAILED"}',
        signature: 'ed25519',
        ordering: 'subject',
      }),
    ).toMatchObject({ filter: { 'data.status': 'FAILED' }, signature: 'ed25519', ordering: 'subject' });
    expect(fromUpdateRequest({ ...update, filter_json: '' })).toEqual({ filter: null });
    expect(fromUpdateRequest({ ...update, ordering: 'none' })).toEqual({ ordering: 'none' });
    expect(() => fromUpdateRequest({ ...update, filter_json: '"x"' })).toThrow('filter_json');
  });

  it('carries the rate limit; clear_rate_limit removes it, and not together with a new one', () => {
    expect(
      fromCreateRequest({ name: 'n', url: 'u', events: ['*'], headers: {}, rate_limit: { per_second: 20 } }),
    ).toMatchObject({ rateLimit: { perSecond: 20 } });
    expect(fromUpdateRequest({ ...update, rate_limit: { per_second: 5 } })).toEqual({
      rateLimit: { perSecond: 5 },
    });
    expect(fromUpdateRequest({ ...update, clear_rate_limit: true })).toEqual({ rateLimit: null });
    expect(() =>
      fromUpdateRequest({ ...update, clear_rate_limit: true, rate_limit: { per_second: 5 } }),
    ).toThrow('clear_rate_limit');
  });

  it('refuses metadata that is not a JSON object', () => {
    expect(() => fromUpdateRequest({ ...update, metadata_json: '[]' })).toThrow(DomainError);
    expect(() => fromUpdateRequest({ ...update, metadata_json: '{' })).toThrow('metadata_json');
  });

  it('omits null fields and the secret unless present', () => {
    const response = {
      id: 'wh_1',
      organizationId: 'org_a',
      name: 'n',
      url: 'u',
      events: ['*'],
      active: true,
      profile: 'standard',
      payloadTemplate: null,
      headers: {},
      retryPolicy: null,
      timeoutMs: null,
      metadata: {},
      filter: null,
      signature: 'hmac',
      publicKey: null,
      ordering: 'none',
      rateLimit: null,
      disabledReason: null,
      createdAt: 't',
      updatedAt: 't',
    } as SubscriptionResponse;
    expect(toGrpcSubscription(response)).toEqual({
      id: 'wh_1',
      organization_id: 'org_a',
      name: 'n',
      url: 'u',
      events: ['*'],
      active: true,
      profile: 'standard',
      headers: {},
      metadata_json: '{}',
      created_at: 't',
      updated_at: 't',
      signature: 'hmac',
      ordering: 'none',
    });
    expect(toGrpcSubscription({ ...response, ordering: 'subject' })).toMatchObject({ ordering: 'subject' });
    expect(
      toGrpcSubscription({ ...response, filter: { type: 'x' }, signature: 'ed25519', publicKey: 'whpk_k' }),
    ).toMatchObject({ filter_json: '{"type":"x"}', signature: 'ed25519', public_key: 'whpk_k' });
    expect(toGrpcSubscription({ ...response, rateLimit: { perSecond: 20 } })).toMatchObject({
      rate_limit: { per_second: 20 },
    });
    expect(toGrpcSubscription({ ...response, secret: 's', timeoutMs: 5 })).toMatchObject({
      secret: 's',
      timeout_ms: 5,
    });
  });

  it('carries the circuit, leaving its null fields out', () => {
    expect(
      toGrpcCircuit({
        state: 'closed',
        since: null,
        consecutiveFailures: 0,
        nextProbeAt: null,
        reason: null,
      }),
    ).toEqual({ state: 'closed', consecutive_failures: 0 });
    expect(
      toGrpcCircuit({
        state: 'open',
        since: 's',
        consecutiveFailures: 3,
        nextProbeAt: 'n',
        reason: 'HTTP 503',
      }),
    ).toEqual({ state: 'open', since: 's', consecutive_failures: 3, next_probe_at: 'n', reason: 'HTTP 503' });
  });
});
