import { headers as natsHeaders } from '@nats-io/nats-core';
import { subjects } from '@hookstream/contracts';
import { waitFor } from '@hookstream/testing';
import {
  type SubscriptionsFixture,
  startSubscriptionsFixture,
  subscriptionBody,
} from '../testing/subscriptions.fixture';

describe('outbox relay across a crash', () => {
  let f: SubscriptionsFixture;

  beforeAll(async () => {
    f = await startSubscriptionsFixture();
  });
  afterAll(async () => {
    f?.nats.resume();
    await f?.dispose();
  });

  it('publishes changes committed before a kill -9 exactly once and in order after the restart', async () => {
    const { key, organizationId } = await f.tenant();
    const created = await f.call('POST', '/webhooks', { key, body: subscriptionBody({ name: 'v1' }) });
    const id = created.body.id as string;
    const subject = subjects.subscription(organizationId, id);
    await waitFor('the creation on SUBSCRIPTIONS', async () => {
      const msg = await f.jsm.streams
        .getMessage('SUBSCRIPTIONS', { last_by_subj: subject })
        .catch(() => null);
      return msg !== null;
    });

    // Every raw publish to the subject, in arrival order, duplicates included (a core subscription).
    const seen: Array<{ msgId: string; name: string }> = [];
    const sub = f.nc.subscribe(subject, {
      callback: (_err, msg) => {
        const fact = msg.json<{ data: { name: string } }>();
        seen.push({ msgId: (msg.headers ?? natsHeaders()).get('Nats-Msg-Id'), name: fact.data.name });
      },
    });
    await f.nc.flush();
    const before = (await f.jsm.streams.info('SUBSCRIPTIONS')).state.last_seq;

    // With NATS frozen the relay cannot publish (or its publish hangs unanswered), while the API
    // keeps committing: the changes are in Postgres only when the process dies.
    f.nats.pause();
    for (const name of ['v2', 'v3', 'v4']) {
      const reply = await f.call('PATCH', `/webhooks/${id}`, { key, body: { name } });
      expect(reply.status).toBe(200);
    }
    const pending = await f.db.query(
      'SELECT count(*)::int AS n FROM subscription_outbox WHERE subscription_id = $1 AND published_at IS NULL',
      [id],
    );
    expect(pending.rows[0].n).toBe(3);
    await f.service.kill();
    f.nats.resume();
    await f.service.restart();

    await waitFor('the outbox drained', async () => {
      const { rows } = await f.db.query(
        'SELECT count(*)::int AS n FROM subscription_outbox WHERE subscription_id = $1 AND published_at IS NULL',
        [id],
      );
      return rows[0].n === 0;
    });
    const last = await f.jsm.streams.getMessage('SUBSCRIPTIONS', { last_by_subj: subject });
    expect(last!.json<{ data: { name: string } }>().data.name).toBe('v4');
    // Exactly three messages were stored for the three changes, whatever was sent twice.
    const after = (await f.jsm.streams.info('SUBSCRIPTIONS')).state.last_seq;
    expect(after - before).toBe(3);
    await f.nc.flush();
    sub.unsubscribe();
    const firstSeen = seen.filter(
      (entry, index) => seen.findIndex((other) => other.msgId === entry.msgId) === index,
    );
    expect(firstSeen.map((entry) => entry.name)).toEqual(['v2', 'v3', 'v4']);
    const { rows } = await f.db.query(
      'SELECT id FROM subscription_outbox WHERE subscription_id = $1 ORDER BY seq',
      [id],
    );
    expect(firstSeen.map((entry) => entry.msgId)).toEqual(rows.slice(1).map((row: { id: string }) => row.id));
  });
});
