import { jetstream } from '@nats-io/jetstream';
import {
  BUILT_IN_EVENT_SAMPLES,
  type DeliveryFact,
  type DispatchCreatedFact,
  type DispatchRef,
  dispatchIdOf,
  factMessageIds,
  subjects,
  webhookDisabledEvent,
  webhookDisabledMessage,
} from '@hookstream/contracts';
import { waitFor } from '@hookstream/testing';
import { renderBody } from '@hookstream/webhooks';
import {
  type SubscriptionsFixture,
  startSubscriptionsFixture,
  subscriptionBody,
} from '../testing/subscriptions.fixture';

describe('test deliveries, replays and disabling', () => {
  let f: SubscriptionsFixture;
  let counter = 0;

  beforeAll(async () => {
    f = await startSubscriptionsFixture();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  /** Every DELIVERIES message on one subject, oldest first. */
  async function facts(subject: string): Promise<Array<{ msgId: string; fact: DispatchCreatedFact }>> {
    const info = await f.jsm.streams.info('DELIVERIES', { subjects_filter: subject });
    const out: Array<{ msgId: string; fact: DispatchCreatedFact }> = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const msg = await f.jsm.streams.getMessage('DELIVERIES', { seq }).catch(() => null);
      if (msg?.subject === subject)
        out.push({ msgId: msg.header.get('Nats-Msg-Id'), fact: msg.json<DispatchCreatedFact>() });
    }
    return out;
  }

  const newEvent = (type: string) => ({
    id: `evt_r${process.pid}_${Date.now()}_${counter++}`,
    type,
    occurredAt: new Date().toISOString(),
    data: BUILT_IN_EVENT_SAMPLES[type as keyof typeof BUILT_IN_EVENT_SAMPLES],
  });

  it('publishes a test dispatch for this subscription only, rendered with its profile', async () => {
    const { key, organizationId } = await f.tenant();
    const sub = (await f.call('POST', '/webhooks', { key, body: subscriptionBody({ profile: 'elan' }) }))
      .body;
    const other = (await f.call('POST', '/webhooks', { key, body: subscriptionBody() })).body;
    const reply = await f.call('POST', `/webhooks/${sub.id}/test`, { key });
    expect(reply.status).toBe(202);
    expect(reply.body.dispatchId).toMatch(/^dsp_/);

    const created = await facts(subjects.delivery(organizationId, sub.id, 'created'));
    expect(created).toHaveLength(1);
    const { msgId, fact } = created[0]!;
    expect(fact.type).toBe('dispatch.created');
    expect(fact.data).toMatchObject({
      dispatchId: reply.body.dispatchId,
      organizationId,
      subscriptionId: sub.id,
      eventType: 'workflow.completed',
      test: true,
    });
    expect(fact.data.round).toMatch(/^rnd_/);
    expect(fact.data.eventId).toMatch(/^evt_test_/);
    expect(fact.data.dispatchId).toBe(dispatchIdOf(fact.data.eventId, sub.id));
    expect(fact.data.event.data).toEqual(BUILT_IN_EVENT_SAMPLES['workflow.completed']);
    expect(msgId).toBe(factMessageIds.created(fact.data.dispatchId, fact.data.round));
    expect(fact.data.body).toBe(
      renderBody({
        profile: 'elan',
        event: fact.data.event,
        dispatchId: fact.data.dispatchId,
        subscriptionId: sub.id,
        payloadTemplate: null,
        createdAt: fact.data.createdAt,
        test: true,
      }),
    );
    expect(await facts(subjects.delivery(organizationId, other.id, 'created'))).toEqual([]);

    const custom = await f.call('POST', `/webhooks/${sub.id}/test`, {
      key,
      body: { eventType: 'TEST', data: { message: 'hi' } },
    });
    expect(custom.status).toBe(202);
    const bad = await f.call('POST', `/webhooks/${sub.id}/test`, {
      key,
      body: { eventType: 'run_failed', data: {} },
    });
    expect(bad.status).toBe(400);
  });

  it('replays matching events of a time window under one new round, with the original dispatch ids', async () => {
    const { key, organizationId } = await f.tenant();
    const sub = (
      await f.call('POST', '/webhooks', { key, body: subscriptionBody({ events: ['workflow.*'] }) })
    ).body;
    const since = new Date(Date.now() - 1000).toISOString();
    const matching = [newEvent('workflow.started'), newEvent('workflow.completed')];
    const ignored = [newEvent('run_failed'), newEvent('workflow.step.failed')];
    const ingest = await f.call('POST', '/events', {
      key,
      body: { events: [matching[0], ignored[0], ignored[1], matching[1]] },
    });
    expect(ingest.status).toBe(202);
    const otherTenant = await f.tenant();
    await f.call('POST', '/events', { key: otherTenant.key, body: newEvent('workflow.completed') });

    const reply = await f.call('POST', `/webhooks/${sub.id}/replay`, { key, body: { since } });
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ count: 2, truncated: false });
    expect(reply.body.replayId).toMatch(/^rnd_/);
    const created = (await facts(subjects.delivery(organizationId, sub.id, 'created'))).map(
      (m) => m.fact.data,
    );
    expect(created.map((d) => d.eventId)).toEqual(matching.map((e) => e.id));
    expect(created.map((d) => d.dispatchId)).toEqual(matching.map((e) => dispatchIdOf(e.id, sub.id)));
    expect(created.every((d) => d.round === reply.body.replayId && d.test === false)).toBe(true);

    const until = await f.call('POST', `/webhooks/${sub.id}/replay`, { key, body: { since, until: since } });
    expect(until.status).toBe(400);
    const later = { since: new Date().toISOString(), until: new Date(Date.now() + 60_000).toISOString() };
    const empty = await f.call('POST', `/webhooks/${sub.id}/replay`, { key, body: later });
    expect(empty.body).toMatchObject({ count: 0, truncated: false });
  });

  it('replays only the events whose latest round failed with onlyFailed', async () => {
    const { key, organizationId } = await f.tenant();
    const sub = (
      await f.call('POST', '/webhooks', { key, body: subscriptionBody({ events: ['run_failed'] }) })
    ).body;
    const since = new Date(Date.now() - 1000).toISOString();
    const events = [newEvent('run_failed'), newEvent('run_failed'), newEvent('run_failed')];
    await f.call('POST', '/events', { key, body: { events } });
    const js = jetstream(f.nc);
    const outcome = async (eventId: string, round: string, kind: 'failed' | 'succeeded') => {
      const ref: DispatchRef = {
        dispatchId: dispatchIdOf(eventId, sub.id),
        round,
        organizationId,
        subscriptionId: sub.id,
        eventId,
        eventType: 'run_failed',
        test: false,
      };
      const attempt = {
        attemptId: 'att_x',
        attempt: 1,
        startedAt: since,
        durationMs: 1,
        responseStatus: 500,
        responseBody: null,
        errorMessage: 'HTTP 500',
        nextAttemptAt: null,
      };
      const msgId = factMessageIds.attempt(ref.dispatchId, round, 1);
      const fact: DeliveryFact =
        kind === 'failed'
          ? {
              type: 'dispatch.failed',
              version: 1,
              data: { ref, attempt, reason: 'attempts exhausted' },
              metadata: { messageId: msgId, occurredAt: since },
            }
          : {
              type: 'dispatch.succeeded',
              version: 1,
              data: { ref, attempt: { ...attempt, responseStatus: 200 } },
              metadata: { messageId: msgId, occurredAt: since },
            };
      await js.publish(subjects.delivery(organizationId, sub.id, kind), JSON.stringify(fact), {
        msgID: msgId,
      });
    };
    // events[0]: failed; events[1]: failed, then a later round succeeded; events[2]: succeeded.
    await outcome(events[0]!.id, '', 'failed');
    await outcome(events[1]!.id, '', 'failed');
    await outcome(events[1]!.id, 'rnd_01', 'succeeded');
    await outcome(events[2]!.id, '', 'succeeded');

    const reply = await f.call('POST', `/webhooks/${sub.id}/replay`, {
      key,
      body: { since, onlyFailed: true },
    });
    expect(reply.body.count).toBe(1);
    const created = (await facts(subjects.delivery(organizationId, sub.id, 'created'))).map(
      (m) => m.fact.data,
    );
    expect(created.map((d) => d.eventId)).toEqual([events[0]!.id]);
  });

  it('applies webhook.disabled decisions through the outbox, and PATCH active:true clears the reason', async () => {
    const { key, organizationId } = await f.tenant();
    const sub = (await f.call('POST', '/webhooks', { key, body: subscriptionBody() })).body;
    const js = jetstream(f.nc);
    const disabled = webhookDisabledMessage(
      webhookDisabledEvent(
        { id: sub.id, organizationId, url: sub.url, updatedAtMs: 1 },
        'endpoint answered 410 Gone',
        new Date(),
      ),
    );
    await js.publish(disabled.subject, disabled.payload, { msgID: disabled.msgId });
    await waitFor(
      'the subscription disabled',
      async () => (await f.call('GET', `/webhooks/${sub.id}`, { key })).body.active === false,
    );
    expect((await f.call('GET', `/webhooks/${sub.id}`, { key })).body.disabledReason).toBe(
      'endpoint answered 410 Gone',
    );
    const subject = subjects.subscription(organizationId, sub.id);
    await waitFor('the change on SUBSCRIPTIONS', async () => {
      const msg = await f.jsm.streams.getMessage('SUBSCRIPTIONS', { last_by_subj: subject });
      return msg!.json<{ data: { active: boolean } }>().data.active === false;
    });

    const enabled = await f.call('PATCH', `/webhooks/${sub.id}`, { key, body: { active: true } });
    expect(enabled.body).toMatchObject({ active: true, disabledReason: null });
  });
});
