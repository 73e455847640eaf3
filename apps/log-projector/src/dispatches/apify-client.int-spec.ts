import { execFile } from 'node:child_process';
import { REPO_ROOT, type RunningService } from '@hookstream/testing';
import { mixedWorkload } from '../testing/delivery-workload.factory';
import {
  createApiKey,
  getJson,
  publishFacts,
  startProjector,
  startStack,
  uniqueOrg,
  waitForProjection,
  type Stack,
} from '../testing/log-projector.int-fixture';

/**
 * apify-client loads parts of itself with import(), which Jest's module sandbox refuses, so it
 * runs in a plain node process, as in an application. It appends /v2 to the base URL itself and
 * turns `...At` fields into Dates (back to our ISO strings once printed as JSON).
 */
const CLIENT_SCRIPT = `
const { ApifyClient } = require('apify-client');
(async () => {
  const client = new ApifyClient({ baseUrl: process.env.BASE_URL, token: process.env.TOKEN, maxRetries: 0 });
  const dispatch = await client.webhookDispatch(process.env.DISPATCH_ID).get();
  const page = await client.webhookDispatches().list({ desc: true, limit: 3, offset: 2 });
  const forWebhook = await client.webhook(process.env.WEBHOOK_ID).dispatches().list();
  const missing = await client.webhookDispatch('dsp_does_not_exist').get();
  const datesParsed = dispatch.createdAt instanceof Date && dispatch.calls[0].startedAt instanceof Date;
  process.stdout.write(JSON.stringify({ dispatch, page, forWebhook, missing: missing === undefined, datesParsed }));
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

function runApifyClient(env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', CLIENT_SCRIPT],
      // No proxy variables: the client would route through them.
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${error.message}\n${stderr}`))
          : resolve(JSON.parse(stdout) as Record<string, unknown>),
    );
  });
}

describe("Apify's own client against the dispatch API", () => {
  let stack: Stack;
  let service: RunningService;
  let key: string;
  const organizationId = uniqueOrg('apify');
  const workload = mixedWorkload(organizationId, 'wh_apify1', 'wh_apify2');

  beforeAll(async () => {
    stack = await startStack();
    key = await createApiKey(stack.db, [organizationId]);
    service = await startProjector(stack);
    await publishFacts(stack.publisher, workload.facts);
    await waitForProjection(stack);
  });
  afterAll(async () => {
    await service?.stop();
    await stack?.dispose();
  });

  const ours = async (path: string) => {
    const { status, body } = await getJson<{ data: unknown }>(`${service.httpUrl}/v2${path}`, key);
    expect(status).toBe(200);
    return body.data;
  };

  it('reads a dispatch and the dispatch lists as our API serves them', async () => {
    const id = workload.dispatches.replayed.dispatchId;
    const seen = await runApifyClient({
      BASE_URL: service.httpUrl,
      TOKEN: key,
      DISPATCH_ID: id,
      WEBHOOK_ID: 'wh_apify2',
    });
    expect(seen.datesParsed).toBe(true);
    expect(seen.missing).toBe(true);
    expect(seen.dispatch).toEqual(await ours(`/webhook-dispatches/${id}`));
    expect(seen.page).toMatchObject({ total: 8, offset: 2, limit: 3, count: 3, desc: true });
    expect(seen.page).toEqual(await ours('/webhook-dispatches?desc=1&limit=3&offset=2'));
    expect(seen.forWebhook).toMatchObject({ total: 2, count: 2 });
    expect(seen.forWebhook).toEqual(await ours('/webhooks/wh_apify2/dispatches'));
  });
});
