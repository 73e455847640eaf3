import { behaviours, startReceiver, waitFor, type Receiver } from '@hookstream/testing';
import type { Browser, Page } from 'playwright-core';
import { sampleDataOf } from '@hookstream/contracts';
import { startStack, type Stack, type Tenant } from '../support/stack';
import { launchChromium, screenshot, seriousViolations } from './browser';
import { endpointWithDispatch, expiredToken, PORTAL_STACK_ENV, session } from './portal.support';

interface FocusedElement {
  id: string;
  textContent: string | null;
  parentElement: { textContent: string | null } | null;
}

/** The portal in a real browser, against the three services behind the local gateway. */
describe('the portal page', () => {
  let stack: Stack;
  let receiver: Receiver;
  let browser: Browser;
  let page: Page;
  let a: Tenant;
  let b: Tenant;
  let foreign: { id: string };
  let firstSecret = '';

  /** The link as minted, opened on the gateway the test started. */
  const open = async (url: string) => {
    const link = new URL(url);
    const started = Date.now();
    await page.goto(`${stack.apiUrl}${link.pathname}${link.hash}`);
    return started;
  };
  const accessible = async (screen: string) =>
    expect([screen, await seriousViolations(page)]).toEqual([screen, []]);

  beforeAll(async () => {
    receiver = await startReceiver();
    // The receiver's origin plays the platform's page that embeds the portal.
    const embedders = { PORTAL_FRAME_ANCESTORS: `'self' ${receiver.url}` };
    [stack, browser] = await Promise.all([
      startStack({ ...PORTAL_STACK_ENV, ...embedders }),
      launchChromium(),
    ]);
    [a, b] = await Promise.all([stack.tenant('A'), stack.tenant('B')]);
    receiver.route('/fail', behaviours.status(500, '{"error":"down"}'));
    foreign = await endpointWithDispatch(b, `${receiver.url}/b`);
    page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await stack?.dispose();
  });

  it('opens from a link, with the theme, listing only the organization’s endpoints', async () => {
    const link = await session(a, {
      permissions: 'manage',
      theme: { title: 'Acme webhooks', primaryColor: '#0f766e' },
    });
    const started = await open(link.url);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    const paint = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    );
    // Reported, not asserted: the closing note quotes these.
    process.stdout.write(
      `portal first render: ${Date.now() - started} ms to the endpoints list, FCP ${paint} ms\n`,
    );
    expect(await page.title()).toBe('Acme webhooks');
    expect(page.url()).not.toContain('token=');
    await page.getByText('No endpoints yet.').waitFor();
    await accessible('empty list');
  });

  it('creates an endpoint through the form, showing errors at their field and the secret once', async () => {
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Name').fill('Orders');
    await page.getByLabel('URL').fill('ftp://orders.example.com');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    // The API judges the fields' shapes first, then the address rules: each error lands at its field.
    await page.locator('#events-error').waitFor();
    expect(await page.locator('#events-error').textContent()).toMatch(/^events /);
    await page.getByRole('checkbox', { name: 'workflow.completed' }).check();
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.locator('#url-error').waitFor();
    expect(await page.locator('#url-error').textContent()).toMatch(/^url /);
    expect(await page.locator('#events-error').count()).toBe(0);
    await accessible('form with errors');
    await screenshot(page, 'endpoint-form-errors');

    await page.getByLabel('URL').fill(`${receiver.url}/ok`);
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const secret = page.getByRole('textbox', { name: 'Signing secret' });
    await secret.waitFor();
    firstSecret = await secret.inputValue();
    expect(firstSecret).toMatch(/^whsec_/);
    await accessible('secret shown once');
    await screenshot(page, 'endpoint-created-secret');
  });

  it('sends a test event and shows its attempt, with request and response', async () => {
    await page.getByRole('link', { name: 'Go to endpoint' }).click();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('status').filter({ hasText: 'Test event sent' }).waitFor();
    const row = page.locator('table.attempts tbody tr').filter({ hasText: 'succeeded' });
    await row.first().waitFor();
    expect(receiver.requestsTo('/ok')).toHaveLength(1);
    await row
      .first()
      .getByRole('button', { name: /Details/ })
      .click();
    await page.getByRole('heading', { name: /Attempt 1 of workflow.completed/ }).waitFor();
    expect(await page.locator('.detail .facts').textContent()).toContain('200');
    expect(await page.getByLabel('Request body').textContent()).toContain('workflow.completed');
    const headers = (await page.getByLabel('Request headers').textContent()) ?? '';
    const sent = receiver.requestsTo('/ok')[0]!.headers;
    expect(headers).toContain(`webhook-id: ${sent['webhook-id']}`);
    expect(headers).toContain(`webhook-signature: ${sent['webhook-signature']}`);
    await accessible('endpoint with attempts');
    await screenshot(page, 'endpoint-attempts');
  });

  it('rotates the secret, showing the new one and the grace period', async () => {
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('heading', { name: 'New signing secret' }).waitFor();
    const secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(firstSecret);
    expect(await page.locator('section.card p').first().textContent()).toMatch(
      /previous secret keeps signing .* 24 h/,
    );
    await accessible('rotated secret');
    await screenshot(page, 'secret-rotated');
    await page.getByRole('button', { name: 'Go to endpoint' }).click();
    await page.getByRole('button', { name: 'Start replay' }).waitFor();
  });

  it('replays a time range and shows the count the API answers', async () => {
    const endpointId = page.url().split('/').pop()!;
    // A stored event for the replay to find; the routing table picks the endpoint up asynchronously.
    const before = receiver.requestsTo('/ok').length;
    await waitFor('an event delivered', async () => {
      const event = {
        id: `evt_portal_${Date.now()}`,
        type: 'workflow.completed',
        occurredAt: new Date().toISOString(),
        data: sampleDataOf('workflow.completed'),
      };
      expect((await a.call('POST', '/events', event)).status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return receiver.requestsTo('/ok').length > before;
    });
    await page.getByLabel('Only failed deliveries').uncheck();
    await page.getByRole('button', { name: 'Start replay' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Replay started' });
    await status.waitFor();
    const count = Number(/(\d+) events?/.exec((await status.textContent())!)![1]);
    expect(count).toBeGreaterThanOrEqual(1);
    const logs = await a.call<{ total: number }>('GET', `/webhooks/${endpointId}/logs`);
    expect(logs.status).toBe(200);
  });

  it('retries a failing endpoint’s attempt, which then succeeds', async () => {
    const failing = await a.call<{ id: string }>('POST', '/webhooks', {
      name: 'Billing',
      url: `${receiver.url}/fail`,
      events: ['workflow.*'],
    });
    await page.goto(`${stack.apiUrl}/portal/#/endpoints/${failing.body.id}`);
    await page.getByRole('button', { name: 'Send test event' }).click();
    const failed = page.locator('table.attempts tbody tr').filter({ hasText: '500' });
    await failed.first().waitFor();
    receiver.route('/fail', behaviours.ok());
    await failed
      .first()
      .getByRole('button', { name: /Details/ })
      .click();
    await page.getByRole('button', { name: 'Retry this delivery' }).click();
    await page.locator('table.attempts tbody tr').filter({ hasText: 'succeeded' }).first().waitFor();
    expect(receiver.requestsTo('/fail')).toHaveLength(2);
    await accessible('retried attempt');
    await screenshot(page, 'attempt-retried');
  });

  it('charts the endpoint’s last 24 hours and tails its deliveries live', async () => {
    const orders = await a.call<{ items: Array<{ id: string; name: string }> }>('GET', '/webhooks');
    const id = orders.body.items.find((e) => e.name === 'Orders')!.id;
    await page.goto(`${stack.apiUrl}/portal/#/endpoints/${id}`);
    await page.reload();
    const summary = page.locator('#chart-title + p');
    await summary.waitFor();
    const succeeded = Number(/(\d+) succeeded/.exec((await summary.textContent())!)![1]);
    expect(succeeded).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: 'Start live tail' }).click();
    await page.getByText('Waiting for deliveries…').waitFor();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.locator('ol.tail li').filter({ hasText: 'succeeded' }).first().waitFor();
    expect(await page.locator('ol.tail li').first().textContent()).toContain('workflow.completed');
    await accessible('chart and live tail');
    await screenshot(page, 'endpoint-activity');
    await page.getByRole('button', { name: 'Stop live tail' }).click();
  });

  it('shows the event catalog with descriptions, examples and schemas', async () => {
    await page.getByRole('link', { name: 'Event catalog' }).click();
    const entry = page.locator('details').filter({ hasText: 'workflow.completed' }).first();
    await entry.locator('summary').click();
    expect(await entry.getByLabel('Example of workflow.completed').textContent()).toContain('workflow_id');
    expect(await entry.getByLabel('Schema of workflow.completed').textContent()).toContain('"type"');
    await accessible('catalog');
    await screenshot(page, 'event-catalog');
  });

  it('never shows another organization’s endpoint', async () => {
    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('link', { name: 'Orders' }).waitFor();
    expect(await page.locator('table').textContent()).not.toContain(foreign.id);
    await screenshot(page, 'endpoints');
    await page.goto(`${stack.apiUrl}/portal/#/endpoints/${foreign.id}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('not found');
  });

  it('is usable with the keyboard alone', async () => {
    await page.goto(`${stack.apiUrl}/portal/#/endpoints`);
    await page.reload();
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    const focused = () =>
      page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: FocusedElement | null } }).document
          .activeElement;
        return { id: el?.id ?? '', text: el?.textContent ?? '', label: el?.parentElement?.textContent ?? '' };
      });
    const tabTo = async (check: (el: { id: string; text: string; label: string }) => boolean) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if (check(await focused())) return;
      }
      throw new Error('focus never got there');
    };
    await tabTo((el) => el.text === 'Add endpoint');
    await page.keyboard.press('Enter');
    await tabTo((el) => el.id === 'name');
    await page.keyboard.type('Keyboard');
    await tabTo((el) => el.id === 'url');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(`${receiver.url}/ok`);
    await tabTo((el) => el.label === 'workflow.failed');
    await page.keyboard.press('Space');
    await tabTo((el) => el.text === 'Create endpoint');
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: 'Signing secret' }).waitFor();
    const made = await a.call<{ items: Array<{ name: string; events: string[] }> }>('GET', '/webhooks');
    expect(made.body.items.find((e) => e.name === 'Keyboard')?.events).toEqual(['workflow.failed']);
  });

  it('pauses, resumes, edits and deletes an endpoint', async () => {
    await page.getByRole('link', { name: 'Go to endpoint' }).click();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.pill', { hasText: 'Paused' }).waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('.pill', { hasText: 'Active' }).waitFor();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Name').fill('Keyboard v2');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Keyboard v2' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.getByRole('link', { name: 'Orders' }).waitFor();
    expect(await page.getByRole('link', { name: 'Keyboard v2' }).count()).toBe(0);
  });

  it('works inside an iframe of an allowed origin, and nowhere else', async () => {
    const link = await session(a, { permissions: 'read' });
    const src = `${stack.apiUrl}/portal/${new URL(link.url).hash}`;
    const html = `<!doctype html><title>Platform</title><iframe title="Webhooks" src="${src}" width="900" height="600"></iframe>`;
    receiver.route('/host', behaviours.status(200, html, { 'content-type': 'text/html' }));
    const host = await browser.newPage();
    await host.goto(`${receiver.url}/host`);
    await host.frameLocator('iframe').getByRole('heading', { name: 'Endpoints' }).waitFor();
    await screenshot(host, 'embedded');
    // The same page from another origin (localhost is not in PORTAL_FRAME_ANCESTORS): the browser refuses it.
    const blocked = await browser.newPage();
    const refused = blocked.waitForEvent('console', (m) => m.text().includes('frame-ancestors'));
    await blocked.goto(`${receiver.url.replace('127.0.0.1', 'localhost')}/host`);
    await refused;
    expect(await blocked.frameLocator('iframe').getByRole('heading', { name: 'Endpoints' }).count()).toBe(0);
    await Promise.all([host.close(), blocked.close()]);
  });

  it('refuses an expired link', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${stack.apiUrl}/portal/#token=${await expiredToken(a.organizationId)}`);
    await fresh.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
    expect(await fresh.getByRole('alert').textContent()).toBe('This link has expired.');
    expect(await seriousViolations(fresh)).toEqual([]);
    await screenshot(fresh, 'link-expired');
    await fresh.close();
  });
});
