import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { REPO_ROOT, startReceiver, waitFor, type Receiver } from '@hookstream/testing';
import { startStack, type Stack } from '../support/stack';

const BIN = join(REPO_ROOT, 'bin', 'hookstream.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a script would give the CLI: nothing of the developer's own HOOKSTREAM_* settings. */
function cliEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOOKSTREAM_LOCAL_ENV: '', ...extra };
}

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: cliEnv(env), cwd: REPO_ROOT });
}

function collect(child: ChildProcess, input?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin!.end(input);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the hookstream CLI, end to end', () => {
  let stack: Stack;
  let receiver: Receiver;
  let env: Record<string, string>;
  const organizationId = `org_cli_${process.pid}_${Date.now()}`;
  const cli = (args: string[], input?: string, extra: Record<string, string> = {}): Promise<Run> =>
    collect(spawnCli(args, { ...env, ...extra }), input);
  const json = async <T>(args: string[], input?: string): Promise<T> => {
    const result = await cli(['--json', ...args], input);
    if (result.code !== 0)
      throw new Error(`hookstream ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };
  const event = (type: string, data: Record<string, unknown>) => ({
    id: `evt_cli_${Date.now()}_${Math.random().toString(36).slice(2)}`,
    type,
    data,
  });

  beforeAll(async () => {
    [stack, receiver] = await Promise.all([startStack(), startReceiver()]);
    env = {
      HOOKSTREAM_URL: stack.apiUrl,
      HOOKSTREAM_ADMIN_TOKEN: stack.adminToken,
      HOOKSTREAM_GRPC: stack.services['log-projector'].grpcAddress,
    };
    await json(['orgs', 'create', 'CLI organization', '--id', organizationId]);
    env.HOOKSTREAM_API_KEY = (await json<{ key: string }>(['keys', 'create', organizationId])).key;
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.dispose();
  });

  let subscription: { id: string; secret: string };
  /** Events the subscription matches, published by the tests below. */
  const published: string[] = [];
  let replay: { replayId: string; count: number };

  it('creates, lists, shows and updates a subscription', async () => {
    subscription = await json(
      ['subscriptions', 'create', '--name', 'cli hook', '--url', `${receiver.url}/cli`].concat([
        '--events',
        'workflow.*',
        '--events',
        'run_failed',
        '--header',
        'X-Team=platform',
      ]),
    );
    expect(subscription.secret).toMatch(/^whsec_/);

    const list = await json<{ items: Array<{ id: string; events: string[] }>; total: number }>([
      'subs',
      'list',
    ]);
    expect(list.items.map((s) => [s.id, s.events])).toEqual([
      [subscription.id, ['workflow.*', 'run_failed']],
    ]);
    const table = await cli(['subscriptions', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+PROFILE\s+ACTIVE\s+EVENTS\s+URL/);
    expect(table.stdout).toContain(subscription.id);
    expect(table.stdout).toContain('1 of 1');

    const updated = await json<{ name: string; headers: Record<string, string> }>([
      'subscriptions',
      'update',
      subscription.id,
      '--name',
      'renamed',
      '--clear-headers',
    ]);
    expect(updated).toMatchObject({ name: 'renamed', headers: {} });
    const shown = await cli(['subscriptions', 'show', subscription.id]);
    expect(shown.stdout).toMatch(/name\s+renamed/);
    expect(shown.stdout).not.toContain('whsec_');
  });

  it('publishes from stdin and a file, and tails the live delivery over gRPC', async () => {
    const tail = spawnCli(
      [
        '--json',
        'deliveries',
        'tail',
        '--subscription',
        subscription.id,
        '--kinds',
        'succeeded',
        '--count',
        '1',
      ],
      env,
    );
    const tailed = collect(tail);
    let watching = '';
    tail.stderr!.on('data', (chunk: Buffer) => (watching += chunk.toString()));
    try {
      await waitFor(
        'tail watching',
        async () => watching.includes('watching deliveries') || tail.exitCode !== null,
      );
      // Watch starts at the moment of the call: publish until the tail has seen a delivery.
      await waitFor('a tailed delivery', async () => {
        if (tail.exitCode !== null) return true;
        const next = event('workflow.completed', { workflow_id: 'wf_cli' });
        const result = await cli(['events', 'publish', '-'], JSON.stringify(next));
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`${next.id}\\s+yes`));
        published.push(next.id);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return tail.exitCode !== null;
      });
    } finally {
      if (tail.exitCode === null) tail.kill();
    }
    const { code, stdout, stderr } = await tailed;
    expect({ code, stderr }).toMatchObject({ code: 0 });
    const outcome = JSON.parse(stdout.trim()) as {
      kind: string;
      dispatch_id: string;
      event_id: string;
      subscription_id: string;
    };
    expect(outcome).toMatchObject({ kind: 'succeeded', subscription_id: subscription.id });
    expect(published).toContain(outcome.event_id);
    const request = receiver.requestsTo('/cli').find((r) => r.headers['webhook-id'] === outcome.dispatch_id);
    expect(() => new Webhook(subscription.secret).verify(request!.body, request!.headers)).not.toThrow();

    const file = join(tmpdir(), `hookstream-cli-${process.pid}.json`);
    const batch = [
      event('run_failed', { robotId: 'r1', runId: 'run1', status: 'failed' }),
      event('workflow.failed', { workflow_id: 'wf' }),
    ];
    writeFileSync(file, JSON.stringify(batch));
    published.push(...batch.map((e) => e.id));
    const result = await json<{ events: Array<{ id: string; duplicate: boolean }> }>([
      'events',
      'publish',
      file,
    ]);
    expect(result.events).toEqual(batch.map((e) => ({ id: e.id, duplicate: false })));
    const again = await json<{ events: Array<{ duplicate: boolean }> }>(['events', 'publish', file]);
    expect(again.events.map((e) => e.duplicate)).toEqual([true, true]);
  });

  it('shows logs and dispatches, retries a dispatch, and tests, rotates and replays', async () => {
    let logs: { items: Array<{ dispatchId: string; status: string; eventType: string }> } = { items: [] };
    await waitFor('three deliveries in the log', async () => {
      logs = await json(['logs', '--subscription', subscription.id, '--status', 'succeeded']);
      return new Set(logs.items.map((l) => l.eventType)).size === 3;
    });
    const dispatchId = logs.items[0]!.dispatchId;
    const byType = await json<{ items: Array<{ eventType: string }> }>([
      'logs',
      '--event-type',
      'run_failed',
    ]);
    expect(byType.items.map((l) => l.eventType)).toEqual(['run_failed']);
    const table = await cli(['logs']);
    expect(table.stdout).toMatch(/^STARTED\s+SUBSCRIPTION\s+EVENT TYPE/);

    const dispatch = await json<{ data: { id: string; status: string; calls: unknown[] } }>([
      'dispatches',
      'show',
      dispatchId,
    ]);
    expect(dispatch.data).toMatchObject({ id: dispatchId, status: 'SUCCEEDED' });
    const list = await json<{ data: { items: Array<{ id: string }> } }>([
      'dispatches',
      'list',
      '--subscription',
      subscription.id,
    ]);
    expect(list.data.items.map((d) => d.id)).toContain(dispatchId);
    // Newest first, as the logs; --oldest-first gives the /v2 API's own order.
    const listed = list.data as unknown as { desc: boolean; items: Array<{ id: string; createdAt: string }> };
    expect(listed.desc).toBe(true);
    const created = listed.items.map((d) => d.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    const oldest = await json<{ data: { desc: boolean } }>([
      'dispatches',
      'list',
      '--subscription',
      subscription.id,
      '--oldest-first',
    ]);
    expect(oldest.data.desc).toBe(false);
    const retried = await json<{ data: { dispatchId: string } }>(['dispatches', 'retry', dispatchId]);
    expect(retried.data.dispatchId).toBe(dispatchId);
    await waitFor('the retried call', async () => {
      const again = await json<{ data: { calls: unknown[] } }>(['dispatches', 'show', dispatchId]);
      return again.data.calls.length === dispatch.data.calls.length + 1;
    });

    const test = await json<{ dispatchId: string }>(['subscriptions', 'test', subscription.id]);
    await waitFor('the test delivery', async () =>
      receiver.requestsTo('/cli').some((r) => r.headers['webhook-id'] === test.dispatchId),
    );
    const rotated = await json<{ secret: string }>(['subscriptions', 'rotate-secret', subscription.id]);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(subscription.secret);
    replay = await json<{ replayId: string; count: number }>([
      'subscriptions',
      'replay',
      subscription.id,
      '--since',
      '1h',
    ]);
    // Every event the subscription matched since it exists; the test delivery is not an event.
    expect(replay.count).toBe(published.length);
  });

  it('rebuilds and verifies the projection, keeping the logs as they were', async () => {
    const projectorEnv = { DATABASE_URL: stack.databaseUrl, NATS_URL: stack.nats.url };
    // The replay's deliveries first, so that nothing changes the logs while they are rebuilt.
    await waitFor('the replayed deliveries in the log', async () => {
      const logs = await json<{ items: Array<{ round: string }> }>([
        'logs',
        '--status',
        'succeeded',
        '--limit',
        '200',
      ]);
      return logs.items.filter((l) => l.round === replay.replayId).length === replay.count;
    });
    type Logs = { items: Array<{ id: string }>; total: number };
    const byId = (logs: Logs) => [...logs.items].sort((a, b) => a.id.localeCompare(b.id));
    const before = await json<Logs>(['logs', '--limit', '200']);
    const rebuilt = await cli(['projector', 'rebuild'], undefined, projectorEnv);
    expect(rebuilt).toMatchObject({ code: 0 });
    expect(rebuilt.stdout).toContain('rebuilt');
    const verified = await cli(['projector', 'verify'], undefined, projectorEnv);
    expect(verified.code).toBe(0);
    const after = await json<Logs>(['logs', '--limit', '200']);
    expect(after.total).toBe(before.total);
    expect(byId(after)).toEqual(byId(before));
  });

  it('reports errors on stderr with exit codes scripts can rely on', async () => {
    const missing = await cli(['subscriptions', 'show', 'wh_missing']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain('404 not_found: webhook wh_missing not found');
    const asJson = await cli(['--json', 'subscriptions', 'show', 'wh_missing']);
    expect(JSON.parse(asJson.stderr)).toEqual({
      error: { type: 'not_found', message: 'webhook wh_missing not found' },
    });
    const invalid = await cli([
      'subscriptions',
      'create',
      '--name',
      'x',
      '--url',
      'http://example.com/',
      '--events',
      '*',
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('400 validation_failed: url must use https');

    expect((await cli(['subscriptions', 'frobnicate'])).code).toBe(2);
    expect((await cli(['subscriptions', 'create', '--name', 'no url'])).code).toBe(2);
    expect((await cli(['subscriptions', 'list'], undefined, { HOOKSTREAM_API_KEY: '' })).code).toBe(2);
    const unreachable = await cli(['subscriptions', 'list'], undefined, {
      HOOKSTREAM_URL: 'http://127.0.0.1:9',
    });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('cannot reach Hookstream at http://127.0.0.1:9');
    const noGrpc = await cli(['deliveries', 'tail'], undefined, { HOOKSTREAM_GRPC: '127.0.0.1:9' });
    expect(noGrpc.code).toBe(3);
  });

  it('revokes a key and deletes a subscription', async () => {
    const key = await json<{ id: string; key: string }>(['keys', 'create', organizationId]);
    expect((await cli(['subs', 'list'], undefined, { HOOKSTREAM_API_KEY: key.key })).code).toBe(0);
    expect((await cli(['keys', 'revoke', key.id])).code).toBe(0);
    // Services cache a key's lookup for a few seconds: revocation applies within that time.
    let refused: Run = { code: null, stdout: '', stderr: '' };
    await waitFor('the revoked key refused', async () => {
      refused = await cli(['subs', 'list'], undefined, { HOOKSTREAM_API_KEY: key.key });
      return refused.code !== 0;
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('401 unauthorized: invalid or revoked API key');

    expect((await cli(['subscriptions', 'delete', subscription.id])).code).toBe(0);
    expect((await cli(['subscriptions', 'show', subscription.id])).code).toBe(1);
  });
});
