import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { STREAMS, subjects } from '@hookstream/contracts';
import { startNats, type NatsServer } from '@hookstream/testing';
import { connectNats, natsConnectionStatus } from './connection';
import { Publisher, PublishManyError } from './publisher';
import { provisionStreams } from './streams';

const DAY = 86_400_000;
jest.setTimeout(120_000);

describe('streams and publisher (real nats-server)', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let publisher: Publisher;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ servers: nats.url, name: 'publisher-int-spec' });
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
    await provisionStreams(jsm, { replicas: 1, eventsMaxAgeMs: 7 * DAY, deliveriesMaxAgeMs: 30 * DAY });
    publisher = new Publisher(js);
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.dispose();
  });

  it('provisions the streams idempotently and updates a changed setting', async () => {
    const again = await provisionStreams(jsm, {
      replicas: 1,
      eventsMaxAgeMs: 7 * DAY,
      deliveriesMaxAgeMs: 30 * DAY,
    });
    expect(again.map((s) => s.config.name)).toEqual([
      STREAMS.events,
      STREAMS.subscriptions,
      STREAMS.deliveries,
      STREAMS.parked,
      STREAMS.circuits,
      STREAMS.ordered,
    ]);

    await provisionStreams(jsm, { replicas: 1, eventsMaxAgeMs: 3 * DAY, deliveriesMaxAgeMs: 30 * DAY });
    const events = await jsm.streams.info(STREAMS.events);
    expect(events.config.max_age).toBe(3 * DAY * 1_000_000);
    expect(events.config.subjects).toEqual(['events.>']);
    expect(events.config.storage).toBe('file');
  });

  it('keeps only the newest message of each subscription subject', async () => {
    const subject = subjects.subscription('org_keep', 'wh_one');
    await publisher.publish(subject, { version: 1 }, { msgId: 'keep-1' });
    await publisher.publish(subject, { version: 2 }, { msgId: 'keep-2' });
    const info = await jsm.streams.info(STREAMS.subscriptions, { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(1);
    const last = await jsm.streams.getMessage(STREAMS.subscriptions, { last_by_subj: subject });
    expect(last?.json()).toEqual({ version: 2 });
  });

  it('stores a message published twice with the same Nats-Msg-Id once', async () => {
    const subject = subjects.event('org_dedup', 'workflow.completed');
    const first = await publisher.publish(
      subject,
      { n: 1 },
      { msgId: 'evt_dedup_1', headers: { 'X-Test': 'a' } },
    );
    const second = await publisher.publish(subject, { n: 1 }, { msgId: 'evt_dedup_1' });

    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ seq: first.seq, duplicate: true });
    const info = await jsm.streams.info(STREAMS.events, { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(1);
    const stored = await jsm.streams.getMessage(STREAMS.events, { seq: first.seq });
    expect(stored?.header.get('Nats-Msg-Id')).toBe('evt_dedup_1');
    expect(stored?.header.get('X-Test')).toBe('a');
    expect(stored?.json()).toEqual({ n: 1 });
  });

  it('publishMany stores every message, in flight at once, results in input order', async () => {
    const subject = subjects.event('org_many', 'run_completed');
    const items = Array.from({ length: 300 }, (_, i) => ({
      subject,
      payload: { i },
      msgId: `evt_many_${i}`,
    }));
    const results = await publisher.publishMany(items);

    expect(results).toHaveLength(300);
    expect(new Set(results.map((r) => r.seq)).size).toBe(300);
    const info = await jsm.streams.info(STREAMS.events, { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(300);
    const tenth = await jsm.streams.getMessage(STREAMS.events, { seq: results[10]!.seq });
    expect(tenth?.json()).toEqual({ i: 10 });
  });

  it('publishMany rejects when a message is not stored, after the others were', async () => {
    const subject = subjects.event('org_partial', 'run_failed');
    const items = [
      { subject, payload: 'ok', msgId: 'evt_partial_1' },
      // No stream listens on this subject: NATS answers "no responders".
      { subject: 'nowhere.at.all', payload: 'lost', msgId: 'evt_partial_2' },
    ];
    const failing = new Publisher(js, { deadlineMs: 300 });
    const error = await failing.publishMany(items).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(PublishManyError);
    expect((error as PublishManyError).failures.map((f) => f.msgId)).toEqual(['evt_partial_2']);
    const info = await jsm.streams.info(STREAMS.events, { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(1);
  });

  it('retries a publish across a server restart and stores it once', async () => {
    const subject = subjects.event('org_restart', 'workflow.started');
    await nats.kill();
    const pending = publisher.publish(subject, { during: 'outage' }, { msgId: 'evt_restart_1' });
    await nats.restart();
    const result = await pending;

    expect(result.duplicate).toBe(false);
    const info = await jsm.streams.info(STREAMS.events, { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(1);
    expect(natsConnectionStatus(nc).state).toBe('connected');
    expect(natsConnectionStatus(nc).reconnects).toBeGreaterThanOrEqual(1);
  });

  it('stores a publish once when its acknowledgement is late and the retry answers duplicate', async () => {
    const subject = subjects.event('org_late', 'workflow.started');
    // Attempts give up after 200 ms; the server is frozen for longer, so the first attempt is
    // stored and acknowledged only after its deadline, and the retry under the same message id
    // is what resolves.
    const impatient = new Publisher(js, { attemptTimeoutMs: 200, deadlineMs: 20_000 });
    nats.pause();
    const pending = impatient.publish(subject, { late: true }, { msgId: 'evt_late_1' });
    await new Promise((resolve) => setTimeout(resolve, 700));
    nats.resume();
    const result = await pending;

    expect(result.duplicate).toBe(true);
    const info = await jsm.streams.info(STREAMS.events, { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(1);
    // Answers that come after a publish was given up on are dropped, not mistaken for another's.
    const next = await impatient.publish(subject, { late: false }, { msgId: 'evt_late_2' });
    expect(next).toEqual({ seq: result.seq + 1, duplicate: false });
  });

  it('publishes many in one turn of the event loop, each answered with its own sequence', async () => {
    const subject = subjects.event('org_turn', 'workflow.started');
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => publisher.publish(subject, { i }, { msgId: `evt_turn_${i}` })),
    );
    const seqs = results.map((r) => r.seq);
    expect(new Set(seqs).size).toBe(500);
    for (const [i, seq] of seqs.entries()) {
      const stored = await jsm.streams.getMessage(STREAMS.events, { seq });
      expect(stored?.json()).toEqual({ i });
    }
  });

  it('sends again what was in flight when the connection comes back, without waiting for its timeout', async () => {
    const subject = subjects.event('org_resend', 'workflow.started');
    // An attempt timeout far beyond this test: only the resend on reconnect can store it in time.
    const patient = new Publisher(js, { attemptTimeoutMs: 600_000, deadlineMs: 600_000 });
    await nats.kill();
    const pending = patient.publish(subject, { during: 'outage' }, { msgId: 'evt_resend_1' });
    await nats.restart();
    const verdict = await Promise.race([
      pending.then(() => 'stored'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting after 30 s'), 30_000)),
    ]);

    expect(verdict).toBe('stored');
    const info = await jsm.streams.info(STREAMS.events, { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(1);
  });
});
