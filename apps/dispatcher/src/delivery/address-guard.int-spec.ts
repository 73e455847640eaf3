import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { dispatchIdOf, type DeliveryFact } from '@hookstream/contracts';
import { behaviours, startReceiver, type Receiver } from '@hookstream/testing';
import { isForbiddenAddress } from '@hookstream/webhooks';
import { startCanary, type Canary } from '../testing/canary.fixture';
import { DispatcherHarness, factsOf, isSettled } from '../testing/dispatcher.harness';

/** The attempts' recorded outcomes of one dispatch. */
function attemptsOf(facts: DeliveryFact[], dispatchId: string) {
  return factsOf(facts, dispatchId).flatMap((fact) =>
    fact.type === 'dispatch.attempted' || fact.type === 'dispatch.succeeded'
      ? [fact.data.attempt]
      : fact.type === 'dispatch.failed' && fact.data.attempt
        ? [fact.data.attempt]
        : [],
  );
}

describe('address guard of the running dispatcher: the canary never sees a connection', () => {
  let harness: DispatcherHarness;
  let receiver: Receiver;
  let canary: Canary;
  const org = DispatcherHarness.organization();

  beforeAll(async () => {
    harness = await DispatcherHarness.start();
    receiver = await startReceiver();
    // Listens on every local address, IPv4 and IPv6; only the receiver's port is allow-listed.
    canary = await startCanary('::');
    await harness.startDispatcher({
      DELIVERY_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}`,
      DELIVERY_RETRY_SCHEDULE: '100ms',
    });
  });

  afterAll(async () => {
    await harness?.close();
    await Promise.all([receiver?.close(), canary?.close()]);
  });

  it('refuses loopback in every spelling, IPv6, names resolving to loopback, and redirects towards it', async () => {
    // This machine's own name resolves to one of its addresses: never a public one.
    const ownName = hostname();
    const ownAddresses = await lookup(ownName, { all: true });
    expect(ownAddresses.every(({ address }) => isForbiddenAddress(address))).toBe(true);

    const port = canary.port;
    receiver.route('/redirect', behaviours.redirect(`http://127.0.0.1:${port}/`));
    // https throughout, so that the address rules (not the plain-http rule) are what refuses them.
    const targets: Array<[string, RegExp]> = [
      [`https://127.0.0.1:${port}/`, /not allowed: loopback/],
      [`https://2130706433:${port}/`, /not allowed: loopback/],
      [`https://0x7f000001:${port}/`, /not allowed: loopback/],
      [`https://0177.0.0.1:${port}/`, /not allowed: loopback/],
      [`https://127.1:${port}/`, /not allowed: loopback/],
      [`https://[::1]:${port}/`, /not allowed: loopback/],
      [`https://[::ffff:127.0.0.1]:${port}/`, /not allowed: loopback \(IPv4-mapped\)/],
      [`https://0.0.0.0:${port}/`, /not allowed: unspecified/],
      [`https://localhost:${port}/`, /not allowed: localhost/],
      [`http://127.0.0.1:${port}/`, /plain http only towards allow-listed targets/],
      // Passes every spelling rule; only the check after DNS resolution stops it.
      [`https://${ownName}:${port}/`, /address .* is not allowed/],
      [`${receiver.url}/redirect`, /HTTP 302: redirects are not followed/],
    ];
    const facts = harness.facts(org);
    const dispatches: Array<{ dispatchId: string; expected: RegExp; url: string }> = [];
    for (const [url, expected] of targets) {
      const type = `guard.case${dispatches.length}`;
      const { state } = await harness.subscribe({ organizationId: org, url, events: [type] });
      const event = harness.event(org, type, {});
      await harness.publishEvent(event);
      dispatches.push({ dispatchId: dispatchIdOf(event.id, state.id), expected, url });
    }
    await facts.waitFor('every guarded dispatch settled', (items) =>
      dispatches.every((d) => isSettled(items, d.dispatchId)),
    );

    for (const { dispatchId, expected, url } of dispatches) {
      const attempts = attemptsOf(facts.items, dispatchId);
      expect({ url, attempts: attempts.length }).toEqual({ url, attempts: 2 });
      for (const attempt of attempts)
        expect({ url, error: attempt.errorMessage }).toEqual({ url, error: expect.stringMatching(expected) });
    }
    expect(receiver.requestsTo('/redirect')).toHaveLength(2);
    expect(canary.connections()).toBe(0);
  });
});
