import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { tracingConfigSpec } from '@hookstream/platform';
import { REPO_ROOT } from '@hookstream/testing';
import { dispatcherSettings } from '../../apps/dispatcher/src/dispatcher.config';
import { logProjectorSettings } from '../../apps/log-projector/src/log-projector.config';
import { subscriptionsSettings } from '../../apps/subscriptions/src/subscriptions.config';
import { runDemo, type DemoResult } from '../../scripts/demo';
import { DEMO_EVENT_TYPES } from '../../scripts/demo/demo.plan';
import type { DemoRequest } from '../../scripts/demo/demo.report';
import { startStack, type Stack } from '../support/stack';

type Headers = Record<string, string>;
interface VerifySnippet {
  verifyStandardWebhook(secret: string, headers: Headers, body: string, nowMs?: number): boolean;
  verifyBodySignature(secret: string, headers: Headers, body: string): boolean;
  verifyKaizenSignature(secret: string, headers: Headers, body: string, nowMs?: number): boolean;
  verifyDelivery(profile: string, secret: string, headers: Headers, body: string, nowMs?: number): boolean;
}
// The receiver code the docs show (docs/signatures.md), run as users would copy it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const snippet = require(join(REPO_ROOT, 'docs', 'snippets', 'verify.js')) as VerifySnippet;

const run = promisify(execFile);

/** What a profile's body looks like on the wire (docs/architecture.md §7). */
const BODY_FIELDS: Record<string, string[]> = {
  standard: ['type', 'timestamp', 'data'],
  kaizen: ['type', 'data'],
  maxun: ['event_type', 'timestamp', 'webhook_id', 'data'],
  elan: ['event_id', 'event_type', 'workflow_id', 'organization_id', 'timestamp', 'data'],
  apify: ['userId', 'createdAt', 'eventType', 'eventData', 'resource'],
};

describe('npm run demo, against the three services', () => {
  let stack: Stack;
  let result: DemoResult;
  const printed: string[] = [];

  beforeAll(async () => {
    // A short schedule, so that the flaky endpoint's retry comes within a second.
    stack = await startStack({ DELIVERY_RETRY_SCHEDULE: '500ms,1s' });
    result = await runDemo({
      apiUrl: stack.apiUrl,
      adminToken: stack.adminToken,
      log: (line) => printed.push(line),
    });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  const secretOf = (request: DemoRequest): string =>
    result.subscriptions.find((s) => s.id === request.subscriptionId)!.secret;
  const typesAt = (endpoint: string): string[] =>
    [
      ...new Set(result.requests.filter((r) => r.endpoint === endpoint && !r.test).map((r) => r.eventType)),
    ].sort();

  it('delivers each source document’s sample events to its profile, with every check passing', () => {
    expect(result.ok).toBe(true);
    expect(typesAt('kaizen')).toEqual(['execution.complete']);
    expect(typesAt('maxun')).toEqual(['run_completed', 'run_failed']);
    expect(typesAt('elan')).toEqual(DEMO_EVENT_TYPES.filter((t) => t.startsWith('workflow.')).sort());
    expect(typesAt('apify')).toEqual(['ACTOR.RUN.SUCCEEDED']);
    expect(typesAt('standard')).toEqual([...DEMO_EVENT_TYPES].sort());
    for (const id of result.expectedDispatchIds)
      expect(result.requests.some((r) => r.dispatchId === id && r.answered === 200)).toBe(true);
    for (const request of result.requests) {
      expect(request.checks.filter((c) => !c.ok)).toEqual([]);
      expect(request.bodyFields).toEqual(BODY_FIELDS[request.profile]);
    }
    expect(printed.join('\n')).toContain('Every delivery arrived and every signature verified.');
  });

  it('delivers a test event to every subscription, shown as a test in the logs', () => {
    for (const sub of result.subscriptions) {
      expect(result.requests.some((r) => r.dispatchId === sub.testDispatchId && r.answered === 200)).toBe(
        true,
      );
      expect(result.logs.some((l) => l.dispatchId === sub.testDispatchId && l.test)).toBe(true);
    }
  });

  it('recovers the flaky endpoint on the retry, and records both attempts', () => {
    const flaky = result.requests.filter((r) => r.endpoint === 'flaky' && !r.test);
    expect(flaky.map((r) => r.answered)).toEqual([500, 200]);
    expect(flaky[0]!.headers['webhook-id']).toBe(flaky[1]!.headers['webhook-id']);
    const dispatchId = flaky[0]!.dispatchId;
    expect(result.dispatches.find((d) => d.id === dispatchId)).toMatchObject({ status: 'SUCCEEDED' });
    expect(result.dispatches.find((d) => d.id === dispatchId)!.calls).toHaveLength(2);
    const attempts = result.logs
      .filter((l) => l.dispatchId === dispatchId)
      .map((l) => [l.attempt, l.status, l.responseStatus])
      .sort();
    expect(attempts).toEqual([
      [1, 'retrying', 500],
      [2, 'succeeded', 200],
    ]);
  });

  describe('docs/snippets/verify.js on the captured requests', () => {
    const receivedMs = (request: DemoRequest): number => Date.parse(request.receivedAt);

    it('verifies every signature each profile sends', () => {
      for (const request of result.requests) {
        const { headers, body, profile } = request;
        const secret = secretOf(request);
        expect(snippet.verifyDelivery(profile, secret, headers, body, receivedMs(request))).toBe(true);
        expect(snippet.verifyStandardWebhook(secret, headers, body, receivedMs(request))).toBe(true);
        if (profile === 'standard' || profile === 'elan')
          expect(snippet.verifyBodySignature(secret, headers, body)).toBe(true);
        if (profile === 'kaizen')
          expect(snippet.verifyKaizenSignature(secret, headers, body, receivedMs(request))).toBe(true);
      }
    });

    it('agrees with the standardwebhooks library', () => {
      for (const request of result.requests)
        expect(() => new Webhook(secretOf(request)).verify(request.body, request.headers)).not.toThrow();
    });

    it('refuses a changed body, another secret and a stale timestamp', () => {
      const otherSecret = result.subscriptions.find((s) => s.name === 'maxun')!.secret;
      for (const request of result.requests) {
        const { headers, body, profile } = request;
        const secret = secretOf(request);
        const at = receivedMs(request);
        expect(snippet.verifyDelivery(profile, secret, headers, body.replace('{', '{ '), at)).toBe(false);
        if (secret !== otherSecret)
          expect(snippet.verifyDelivery(profile, otherSecret, headers, body, at)).toBe(false);
        expect(snippet.verifyDelivery(profile, secret, headers, body, at + 10 * 60_000)).toBe(false);
      }
    });
  });

  describe('generated reference docs', () => {
    it('docs/openapi.json is the document the stack serves at /docs-json', async () => {
      const served = await fetch(`${stack.apiUrl}/docs-json`);
      const checkedIn = readFileSync(join(REPO_ROOT, 'docs', 'openapi.json'), 'utf8');
      expect(await served.json()).toEqual(JSON.parse(checkedIn));
    });

    const doc = (name: string): string => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');

    it('docs/grpc.md describes every rpc of the protos', () => {
      const protoDir = join(REPO_ROOT, 'libs', 'contracts', 'proto');
      const rpcs = readdirSync(protoDir).flatMap((file) =>
        [...readFileSync(join(protoDir, file), 'utf8').matchAll(/^\s*rpc (\w+)\(/gm)].map((m) => m[1]!),
      );
      expect(rpcs.length).toBeGreaterThan(10);
      expect(rpcs.filter((rpc) => !doc('grpc.md').includes(`\`${rpc}\``))).toEqual([]);
    });

    it('docs/operations.md lists every variable the services read', () => {
      const specs: Array<Record<string, { env: string }>> = [
        subscriptionsSettings,
        dispatcherSettings,
        logProjectorSettings,
      ];
      const variables = new Set([
        ...specs.flatMap((spec) => Object.values(spec).map((setting) => setting.env)),
        ...Object.keys(tracingConfigSpec),
      ]);
      expect(variables.size).toBeGreaterThan(15);
      expect([...variables].filter((name) => !doc('operations.md').includes(`| \`${name}\``))).toEqual([]);
    });

    it('docs/events.md matches the built-in catalog', async () => {
      // Stale: regenerate with `node dist/scripts/docs/events.docs.js`.
      await expect(
        run(process.execPath, [join(REPO_ROOT, 'dist', 'scripts', 'docs', 'events.docs.js'), '--check']),
      ).resolves.toBeDefined();
    });
  });
});
