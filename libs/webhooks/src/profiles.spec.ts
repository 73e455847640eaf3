import type { EventEnvelope, Profile } from '@hookstream/contracts';
import { Webhook } from 'standardwebhooks';
import {
  apifyEventData,
  renderBody,
  signedHeaders,
  USER_AGENT,
  workflowIdOf,
  type RenderInput,
} from './profiles';
import { generateSecret } from './secrets';
import { hexBodySignature, kaizenSignature } from './signing';

function envelope(type: string, data: Record<string, unknown>): EventEnvelope {
  return { id: 'evt_01', type, organizationId: 'org_acme', occurredAt: '2026-11-23T10:00:00.000Z', data };
}

function input(profile: Profile, event: EventEnvelope, payloadTemplate: string | null = null): RenderInput {
  return {
    profile,
    event,
    dispatchId: 'dsp_1',
    subscriptionId: 'wh_1',
    payloadTemplate,
    createdAt: '2026-11-23T10:00:01.000Z',
  };
}

const body = (i: RenderInput): Record<string, unknown> =>
  JSON.parse(renderBody(i)) as Record<string, unknown>;

// Seed 000 (Kaizen), trimmed.
const execution = envelope('execution.complete', {
  id: 'exe_1',
  workflow: { id: 'wf_1', name: 'Invoices' },
  status: 'Completed',
  durationMs: 123,
});
// Seed 001/003 (Maxun), failure payload with its camelCase ids.
const runFailed = envelope('run_failed', {
  robotId: 'd453def3',
  runId: '110c4dae',
  robotName: 'Test Robot',
  status: 'failed',
  error: { message: 'Timeout exceeded while waiting for element', type: 'TimeoutError' },
});
// Seed 004 (Apify): a run object names the actor `actId` and itself `id`.
const actorRun = envelope('ACTOR.RUN.SUCCEEDED', {
  id: 'JgwXN9BdwxGcu9MMF',
  actId: 'vvE7iMKuMc5qTHHsR',
  status: 'SUCCEEDED',
});

describe('renderBody', () => {
  it('standard: {type, timestamp, data} with the time the event occurred', () => {
    expect(body(input('standard', execution))).toStrictEqual({
      type: 'execution.complete',
      timestamp: '2026-11-23T10:00:00.000Z',
      data: execution.data,
    });
  });

  it('kaizen: {type, data} as in seed 000', () => {
    expect(body(input('kaizen', execution))).toStrictEqual({
      type: 'execution.complete',
      data: execution.data,
    });
  });

  it('maxun: {event_type, timestamp, webhook_id, data} with the subscription as webhook_id (seeds 001/003)', () => {
    expect(body(input('maxun', runFailed))).toStrictEqual({
      event_type: 'run_failed',
      timestamp: '2026-11-23T10:00:01.000Z',
      webhook_id: 'wh_1',
      data: runFailed.data,
    });
  });

  it('elan: {event_id, event_type, workflow_id, organization_id, timestamp, data}', () => {
    const started = envelope('workflow.started', { workflowId: 'wf_7', step: null });
    expect(body(input('elan', started))).toStrictEqual({
      event_id: 'evt_01',
      event_type: 'workflow.started',
      workflow_id: 'wf_7',
      organization_id: 'org_acme',
      timestamp: '2026-11-23T10:00:00.000Z',
      data: started.data,
    });
  });

  it('apify: {userId, createdAt, eventType, eventData, resource} as in seed 004', () => {
    expect(body(input('apify', actorRun))).toStrictEqual({
      userId: 'org_acme',
      createdAt: '2026-11-23T10:00:01.000Z',
      eventType: 'ACTOR.RUN.SUCCEEDED',
      eventData: { actorId: 'vvE7iMKuMc5qTHHsR', actorRunId: 'JgwXN9BdwxGcu9MMF' },
      resource: actorRun.data,
    });
  });

  it("apify's own default payload template renders exactly the apify body", () => {
    const apifyDefault =
      '{"userId": {{userId}}, "createdAt": {{createdAt}}, "eventType": {{eventType}}, "eventData": {{eventData}}, "resource": {{resource}}}';
    expect(body(input('standard', actorRun, apifyDefault))).toStrictEqual(body(input('apify', actorRun)));
  });

  it('a payload template replaces the body of any profile and sees the ids', () => {
    const template =
      '{"d": {{dispatch.id}}, "s": {{subscription.id}}, "o": {{organization.id}}, "t": {{test}}}';
    expect(body({ ...input('kaizen', execution, template), test: true })).toStrictEqual({
      d: 'dsp_1',
      s: 'wh_1',
      o: 'org_acme',
      t: true,
    });
  });

  it('renders the same bytes every time for the same dispatch', () => {
    expect(renderBody(input('elan', execution))).toBe(renderBody(input('elan', execution)));
  });
});

describe('workflowIdOf', () => {
  it.each([
    [{ workflow_id: 'a' }, 'a'],
    [{ workflowId: 'b' }, 'b'],
    [{ workflow: { id: 'c', name: 'x' } }, 'c'],
    [{ workflow: { id: 42 } }, 42],
    [{ workflow_id: 'a', workflowId: 'b' }, 'a'],
    [{ workflow: 'not an object' }, null],
    [{ workflowId: { id: 'x' } }, null],
    [{}, null],
  ])('%j -> %j', (data, expected) => expect(workflowIdOf(data)).toBe(expected));
});

describe('apifyEventData', () => {
  it('prefers explicit ids and names builds by their own id', () => {
    expect(apifyEventData(envelope('ACTOR.BUILD.FAILED', { id: 'b1', actId: 'a1' }))).toStrictEqual({
      actorId: 'a1',
      actorBuildId: 'b1',
    });
    expect(
      apifyEventData(
        envelope('ACTOR.RUN.CREATED', { id: 'x', actorId: 'a', actorTaskId: 't', actorRunId: 'r' }),
      ),
    ).toStrictEqual({ actorId: 'a', actorTaskId: 't', actorRunId: 'r' });
  });

  it('is null for events without actor ids, and never takes `id` as a run id for other types', () => {
    expect(apifyEventData(envelope('workflow.completed', { id: 'wf_1' }))).toBeNull();
  });
});

describe('signedHeaders', () => {
  const [newest, previous] = [generateSecret(), generateSecret()];
  const payload = '{"type":"workflow.completed"}';
  const headersFor = (profile: Profile, timestampSeconds = Math.floor(Date.now() / 1000)) =>
    signedHeaders({
      profile,
      secrets: [newest, previous],
      dispatchId: 'dsp_1',
      subscriptionId: 'wh_1',
      timestampSeconds,
      body: payload,
    });

  const common = ['Content-Type', 'User-Agent', 'webhook-id', 'webhook-signature', 'webhook-timestamp'];
  it.each<[Profile, string[]]>([
    ['standard', ['X-Webhook-Signature']],
    ['elan', ['X-Webhook-Signature']],
    ['kaizen', ['X-Webhooks-Id', 'X-Webhooks-Signature', 'X-Webhooks-Timestamp']],
    ['maxun', []],
    ['apify', ['X-Apify-Request-Origin', 'X-Apify-Webhook', 'X-Apify-Webhook-Dispatch-Id']],
  ])('%s sends exactly the Standard Webhooks headers plus %j', (profile, own) => {
    expect(Object.keys(headersFor(profile)).sort()).toEqual([...common, ...own].sort());
  });

  it.each<Profile>(['standard', 'kaizen', 'maxun', 'elan', 'apify'])(
    '%s verifies with the standardwebhooks library under both rotation secrets',
    (profile) => {
      const headers = headersFor(profile);
      expect(headers['webhook-id']).toBe('dsp_1');
      expect(headers['Content-Type']).toBe('application/json');
      expect(headers['User-Agent']).toBe(USER_AGENT);
      expect(() => new Webhook(newest).verify(payload, headers)).not.toThrow();
      expect(() => new Webhook(previous).verify(payload, headers)).not.toThrow();
    },
  );

  it('signs the hex body signature with the newest secret', () => {
    expect(headersFor('elan')['X-Webhook-Signature']).toBe(hexBodySignature(newest, payload));
  });

  it('kaizen repeats id and timestamp in its own headers and signs them', () => {
    const headers = headersFor('kaizen', 1700000000);
    expect(headers['X-Webhooks-Id']).toBe('dsp_1');
    expect(headers['X-Webhooks-Timestamp']).toBe('1700000000');
    expect(headers['webhook-timestamp']).toBe('1700000000');
    expect(headers['X-Webhooks-Signature']).toBe(kaizenSignature(newest, 'dsp_1', 1700000000, payload));
  });

  it('apify names the subscription and the dispatch', () => {
    expect(headersFor('apify')).toMatchObject({
      'X-Apify-Webhook': 'wh_1',
      'X-Apify-Webhook-Dispatch-Id': 'dsp_1',
      'X-Apify-Request-Origin': 'WEBHOOK',
    });
  });

  it('refuses to sign without a secret', () => {
    expect(() =>
      signedHeaders({
        profile: 'standard',
        secrets: [],
        dispatchId: 'd',
        subscriptionId: 's',
        timestampSeconds: 1,
        body: '',
      }),
    ).toThrow('at least one signing secret');
  });
});
