import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Dispatch, SubscriptionState } from '@hookstream/contracts';
import type { Route } from '../routing/route.state';
import { buildRequest, loggedHeaders, MASKED_VALUE } from './attempt-request.plan';

const current = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const previous = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const nowMs = Date.parse('2026-01-01T00:00:00.000Z');

function route(overrides: Partial<Route> = {}, state: Partial<SubscriptionState> = {}): Route {
  return {
    id: 'wh_1',
    organizationId: 'org_a',
    origin: 'https://hooks.example.com',
    path: '/in',
    secrets: [{ value: current, expiresAtMs: null }],
    headers: [['X-Team', 'blue']],
    state: { profile: 'standard', timeoutMs: null, ...state } as SubscriptionState,
    ...overrides,
  } as Route;
}

const dispatch = {
  dispatchId: 'dsp_abc',
  subscriptionId: 'wh_1',
  body: '{"type":"TEST","timestamp":"2026-01-01T00:00:00.000Z","data":{}}',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
} as Dispatch;

describe('buildRequest', () => {
  it('signs for Standard Webhooks verifiers with the dispatch id and a fresh timestamp', () => {
    const request = buildRequest(dispatch, route(), nowMs, 15000);
    expect(request.headers['webhook-id']).toBe('dsp_abc');
    expect(request.headers['webhook-timestamp']).toBe(String(nowMs / 1000));
    const verifier = new Webhook(current);
    // The verifier checks the timestamp against its own clock; sign "now" for it.
    const live = buildRequest(dispatch, route(), Date.now(), 15000);
    expect(verifier.verify(live.body, live.headers)).toEqual(JSON.parse(dispatch.body));
    const hex = createHmac('sha256', current).update(dispatch.body).digest('hex');
    expect(request.headers['X-Webhook-Signature']).toBe(hex);
  });

  it('signs with both secrets during a rotation, each verifiable alone', () => {
    const rotating = route({
      secrets: [
        { value: current, expiresAtMs: null },
        { value: previous, expiresAtMs: Date.now() + 60_000 },
      ],
    });
    const request = buildRequest(dispatch, rotating, Date.now(), 15000);
    expect(request.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const secret of [current, previous])
      expect(() => new Webhook(secret).verify(request.body, request.headers)).not.toThrow();
  });

  it('adds custom headers and the trace context, never over a signed header', () => {
    const request = buildRequest(
      dispatch,
      route({
        headers: [
          ['X-Team', 'blue'],
          ['webhook-id', 'spoofed'],
        ],
      }),
      nowMs,
      15000,
    );
    expect(request.headers['X-Team']).toBe('blue');
    expect(request.headers['webhook-id']).toBe('dsp_abc');
    expect(request.headers.traceparent).toBe(dispatch.traceparent);
    expect(request.path).toBe('/in');
  });

  it('takes the subscription timeout over the default', () => {
    expect(buildRequest(dispatch, route(), nowMs, 15000).timeoutMs).toBe(15000);
    expect(buildRequest(dispatch, route({}, { timeoutMs: 2500 }), nowMs, 15000).timeoutMs).toBe(2500);
  });
});

describe('loggedHeaders', () => {
  it('keeps what was sent, masking only the values of credential-like custom headers', () => {
    const custom: Array<[string, string]> = [
      ['X-Team', 'blue'],
      ['Authorization', 'Bearer abc'],
      ['X-Api-Key', 'k_123'],
      ['webhook-signature', 'spoofed'],
    ];
    const request = buildRequest(dispatch, route({ headers: custom }), nowMs, 15000);
    const logged = loggedHeaders(request.headers, custom);
    expect(logged).toMatchObject({
      'X-Team': 'blue',
      Authorization: MASKED_VALUE,
      'X-Api-Key': MASKED_VALUE,
      'webhook-id': 'dsp_abc',
      'Content-Type': 'application/json',
    });
    // The signature sent is the platform's own and stays readable.
    expect(logged['webhook-signature']).toBe(request.headers['webhook-signature']);
    expect(logged['webhook-signature']).toMatch(/^v1,/);
    expect(request.headers.Authorization).toBe('Bearer abc');
  });
});
