import { request } from 'undici';
import {
  attemptIdOf,
  factMessageIds,
  STREAMS,
  subscriptionChanged,
  subscriptionDeleted,
  subscriptionFactMessage,
  type SubscriptionFact,
  type SubscriptionState,
} from '@hookstream/contracts';
import { hashApiKey } from '@hookstream/platform';
import { waitFor, type RunningService } from '@hookstream/testing';
import type { ApifyDispatch, ApifyList } from './dispatches/dispatch.dto';
import type { LogPage } from './logs/log.dto';
import { mixedWorkload, REPLAY_ROUND } from './testing/delivery-workload.factory';
import {
  createApiKey,
  getJson,
  postJson,
  publishFacts,
  startProjector,
  startStack,
  uniqueOrg,
  waitForProjection,
  type Stack,
} from './testing/log-projector.int-fixture';

describe('log-projector', () => {
  let stack: Stack;
  let service: RunningService;
  const orgA = uniqueOrg('a');
  const orgB = uniqueOrg('b');
  let keyA: string;
  let keyB: string;
  const a = mixedWorkload(orgA, 'wh_a1', 'wh_a2');
  const b = mixedWorkload(orgB, 'wh_b1', 'wh_b2');

  beforeAll(async () => {
    stack = await startStack();
    keyA = await createApiKey(stack.db, [orgA]);
    keyB = await createApiKey(stack.db, [orgB]);
    service = await startProjector(stack);
    await publishFacts(stack.publisher, [...a.facts, ...b.facts]);
    await waitForProjection(stack);
  });
  afterAll(async () => {
    await service?.stop();
    await stack?.dispose();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const api = <T = any>(path: string, key = keyA) => getJson<T>(`${service.httpUrl}${path}`, key);

  it('projects the workload into one row per dispatch with its latest state', async () => {
    const { rows } = await stack.db.query<{
      event_id: string;
      subscription_id: string;
      status: string;
      round: string;
      attempt_count: number;
    }>(
      'SELECT event_id, subscription_id, status, round, attempt_count FROM dispatches WHERE organization_id = $1 ORDER BY subscription_id, event_id',
      [orgA],
    );
    expect(rows).toEqual([
      { event_id: 'evt_active', subscription_id: 'wh_a1', status: 'ACTIVE', round: '', attempt_count: 1 },
      { event_id: 'evt_failed', subscription_id: 'wh_a1', status: 'FAILED', round: '', attempt_count: 3 },
      { event_id: 'evt_ok', subscription_id: 'wh_a1', status: 'SUCCEEDED', round: '', attempt_count: 1 },
      {
        event_id: 'evt_replayed',
        subscription_id: 'wh_a1',
        status: 'SUCCEEDED',
        round: REPLAY_ROUND,
        attempt_count: 2,
      },
      { event_id: 'evt_retried', subscription_id: 'wh_a1', status: 'SUCCEEDED', round: '', attempt_count: 3 },
      { event_id: 'evt_test_1', subscription_id: 'wh_a1', status: 'SUCCEEDED', round: '', attempt_count: 1 },
      { event_id: 'evt_gone', subscription_id: 'wh_a2', status: 'FAILED', round: '', attempt_count: 0 },
      { event_id: 'evt_ok', subscription_id: 'wh_a2', status: 'SUCCEEDED', round: '', attempt_count: 1 },
    ]);
  });

  it('lists every attempt of a subscription, newest first, with its details', async () => {
    const { status, body } = await api<LogPage>('/webhooks/wh_a1/logs');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 12, limit: 50, offset: 0 });
    const started = body.items.map((item) => item.startedAt);
    expect(started).toEqual([...started].sort().reverse());
    const retried = a.dispatches.retried;
    const second = body.items.find((item) => item.id === attemptIdOf(retried.dispatchId, '', 2));
    expect(second).toEqual({
      id: attemptIdOf(retried.dispatchId, '', 2),
      dispatchId: retried.dispatchId,
      round: '',
      subscriptionId: 'wh_a1',
      eventId: 'evt_retried',
      eventType: 'workflow.failed',
      attempt: 2,
      status: 'retrying',
      responseStatus: null,
      durationMs: 122,
      errorMessage: 'timeout after 15000 ms',
      responseBody: null,
      requestBody: retried.body,
      requestHeaders: { 'webhook-id': retried.dispatchId },
      test: false,
      startedAt: '2026-11-23T10:12:00.000Z',
      finishedAt: '2026-11-23T10:12:00.122Z',
      nextAttemptAt: '2026-11-23T10:17:00.000Z',
    });
    const success = body.items.find((item) => item.id === attemptIdOf(retried.dispatchId, '', 3));
    expect(success).toMatchObject({ status: 'succeeded', responseStatus: 200, requestBody: retried.body });
    expect(body.items.filter((item) => item.test)).toHaveLength(1);
  });

  it('filters and pages the logs', async () => {
    const failed = await api<LogPage>('/webhooks/wh_a1/logs?status=FAILED');
    expect(failed.body.total).toBe(2);
    expect(failed.body.items.map((i) => i.eventId).sort()).toEqual(['evt_failed', 'evt_replayed']);
    const page = await api('/webhooks/wh_a1/logs?limit=5&offset=10');
    expect(page.body).toMatchObject({ total: 12, limit: 5, offset: 10 });
    expect(page.body.items).toHaveLength(2);
    const all = await api('/webhooks/logs/all?eventType=run_failed');
    expect(all.body.total).toBe(3);
    const everything = await api<LogPage>('/webhooks/logs/all');
    expect(everything.body.total).toBe(14);
    const gone = everything.body.items.find((i) => i.eventId === 'evt_gone');
    expect(gone).toMatchObject({ attempt: 0, status: 'failed', errorMessage: 'subscription deleted' });
    expect((await api('/webhooks/wh_a1/logs?limit=201')).status).toBe(400);
    expect((await api('/webhooks/wh_a1/logs?status=pending')).body.error.type).toBe('validation_failed');
  });

  it("never shows another organization's deliveries", async () => {
    const foreign = await api('/webhooks/wh_b1/logs');
    expect(foreign).toEqual({
      status: 404,
      body: { error: { type: 'not_found', message: 'webhook wh_b1 not found' } },
    });
    expect((await api(`/v2/webhook-dispatches/${b.dispatches.ok.dispatchId}`)).status).toBe(404);
    expect((await api('/v2/webhooks/wh_b1/dispatches')).status).toBe(404);
    const listed = await api<{ data: ApifyList<ApifyDispatch> }>('/v2/webhook-dispatches');
    expect(listed.body.data.items.every((d) => d.userId === orgA)).toBe(true);
    expect((await api('/webhooks/logs/all', keyB)).body.total).toBe(14);
    const wrongOrg = await getJson(`${service.httpUrl}/webhooks/logs/all`, keyA, {
      'x-organization-id': orgB,
    });
    expect(wrongOrg.status).toBe(403);
    expect((await getJson(`${service.httpUrl}/webhooks/logs/all`)).status).toBe(401);
  });

  it('authenticates the keys of the subscriptions tables, and refuses one once it is revoked there', async () => {
    const both = await createApiKey(stack.db, [orgA, orgB]);
    const logs = (headers: Record<string, string> = {}) =>
      getJson<LogPage>(`${service.httpUrl}/webhooks/logs/all`, both, headers);
    expect((await logs()).body.total).toBe((await api<LogPage>('/webhooks/logs/all')).body.total);
    expect((await logs({ 'x-organization-id': orgB })).body.total).toBe(14);
    await stack.db.query('UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1', [hashApiKey(both)]);
    await waitFor('the revoked key refused', async () => (await logs()).status === 401);
  });

  it('answers an empty page for a subscription not delivered to yet, and 404 once it is deleted', async () => {
    const now = new Date();
    const state = (id: string): SubscriptionState => ({
      id,
      organizationId: orgA,
      name: id,
      url: 'https://example.com/hook',
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
      ordering: 'none',
      rateLimit: null,
      secrets: [],
      disabledReason: null,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    const publish = async (fact: SubscriptionFact) => {
      const { subject, payload, msgId } = subscriptionFactMessage(fact);
      await stack.publisher.publish(subject, payload, { msgId });
    };
    await publish(subscriptionChanged(state('wh_quiet'), 'wh_quiet:1', now));
    await waitFor('wh_quiet known', async () => (await api('/webhooks/wh_quiet/logs')).status === 200);
    expect((await api('/webhooks/wh_quiet/logs')).body).toEqual({
      items: [],
      total: 0,
      limit: 50,
      offset: 0,
    });
    const dispatches = await api<{ data: ApifyList<ApifyDispatch> }>('/v2/webhooks/wh_quiet/dispatches');
    expect([dispatches.status, dispatches.body.data.total, dispatches.body.data.items]).toEqual([200, 0, []]);
    // Never to another organization.
    expect((await api('/webhooks/wh_quiet/logs', keyB)).status).toBe(404);
    expect((await api('/v2/webhooks/wh_quiet/dispatches', keyB)).status).toBe(404);

    // Deleted: unknown again, unless it has deliveries (a deleted subscription keeps its logs).
    await publish(subscriptionDeleted(state('wh_quiet'), 'wh_quiet:2', now));
    await publish(subscriptionDeleted(state('wh_a1'), 'wh_a1:deleted', now));
    // Applied in stream order: once a later subscription is known, both deletions are too.
    await publish(subscriptionChanged(state('wh_marker'), 'wh_marker:1', now));
    await waitFor('wh_marker known', async () => (await api('/webhooks/wh_marker/logs')).status === 200);
    expect((await api('/webhooks/wh_quiet/logs')).status).toBe(404);
    expect((await api('/webhooks/wh_a1/logs')).status).toBe(200);
  });

  it('serves a dispatch in the Apify shape, one call per HTTP attempt over all rounds', async () => {
    const replayed = a.dispatches.replayed;
    const { status, body } = await api(`/v2/webhook-dispatches/${replayed.dispatchId}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        id: replayed.dispatchId,
        userId: orgA,
        webhookId: 'wh_a1',
        createdAt: replayed.createdAt,
        status: 'SUCCEEDED',
        eventType: 'workflow.completed',
        eventData: replayed.event.data,
        calls: [
          expect.objectContaining({ responseStatus: 410, errorMessage: 'HTTP 410' }),
          expect.objectContaining({ responseStatus: 500, errorMessage: 'HTTP 500' }),
          expect.objectContaining({ responseStatus: 200, errorMessage: null, responseBody: '{"attempt":2}' }),
        ],
      },
    });
    const missing = await api('/v2/webhook-dispatches/dsp_unknown');
    expect(missing).toEqual({
      status: 404,
      body: { error: { type: 'record-not-found', message: 'webhook dispatch dsp_unknown not found' } },
    });
  });

  it('lists dispatches in the Apify list shape', async () => {
    const all = await api<{ data: ApifyList<ApifyDispatch> }>(
      '/v2/webhook-dispatches?desc=1&limit=3&offset=1',
    );
    expect(all.body.data).toMatchObject({ total: 8, offset: 1, limit: 3, count: 3, desc: true });
    const created = all.body.data.items.map((d) => d.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    const forWebhook = await api<{ data: ApifyList<ApifyDispatch> }>('/v2/webhooks/wh_a2/dispatches');
    expect(forWebhook.body.data).toMatchObject({ total: 2, offset: 0, limit: 1000, count: 2, desc: false });
    expect(forWebhook.body.data.items.map((d) => d.status)).toEqual(['SUCCEEDED', 'FAILED']);
  });

  it('retries a dispatch as a new round of the same dispatch', async () => {
    const failed = a.dispatches.failed;
    const { status, body } = await postJson(
      `${service.httpUrl}/webhook-dispatches/${failed.dispatchId}/retry`,
      keyA,
    );
    expect(status).toBe(202);
    expect(body.data.dispatchId).toBe(failed.dispatchId);
    expect(body.data.round).toMatch(/^rnd_/);
    await waitForProjection(stack);
    const msg = await stack.jsm.streams.getMessage(STREAMS.deliveries, {
      last_by_subj: `deliveries.${orgA}.wh_a1.created`,
    });
    const fact = msg?.json<{
      type: string;
      data: Record<string, unknown>;
      metadata: { messageId: string };
    }>();
    expect(fact?.type).toBe('dispatch.created');
    expect(fact?.metadata.messageId).toBe(factMessageIds.created(failed.dispatchId, body.data.round));
    expect(fact?.data).toMatchObject({
      round: body.data.round,
      body: failed.body,
      eventId: 'evt_failed',
      event: failed.event,
    });
    const after = await api(`/v2/webhook-dispatches/${failed.dispatchId}`);
    expect(after.body.data).toMatchObject({ status: 'ACTIVE', createdAt: failed.createdAt });
    expect((await postJson(`${service.httpUrl}/webhook-dispatches/dsp_unknown/retry`, keyA)).status).toBe(
      404,
    );
    expect(
      (await postJson(`${service.httpUrl}/webhook-dispatches/${failed.dispatchId}/retry`, keyB)).status,
    ).toBe(404);
  });

  it('answers a retry sent again with the same Idempotency-Key with the first round', async () => {
    const url = `${service.httpUrl}/webhook-dispatches/${a.dispatches.failed.dispatchId}/retry`;
    const headers = { 'idempotency-key': 'retry-once' };
    const first = await postJson<{ data: { round: string } }>(url, keyA, headers);
    const again = await postJson<{ data: { round: string } }>(url, keyA, headers);
    const fresh = await postJson<{ data: { round: string } }>(url, keyA);
    expect(first.status).toBe(202);
    expect(again).toEqual(first);
    expect(fresh.body.data.round).not.toBe(first.body.data.round);
  });

  it('reports the lag in readiness and metrics', async () => {
    await waitForProjection(stack);
    const ready = await getJson(`${service.httpUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.checks.projector.detail).toMatch(/^lag \d+ \(checkpoint \d+, stream \d+\)$/);
    const metrics = (await (await request(`${service.httpUrl}/metrics`)).body.text()).split('\n');
    expect(metrics.some((line) => line.startsWith('hookstream_projector_lag_messages '))).toBe(true);
    expect(metrics.some((line) => line.startsWith('hookstream_projector_checkpoint_sequence '))).toBe(true);
  });
});
