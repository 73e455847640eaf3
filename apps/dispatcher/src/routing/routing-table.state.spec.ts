import { dispatchIdOf, type SubscriptionState } from '@hookstream/contracts';
import {
  checkSubscriptionUrl,
  encryptSecret,
  decryptSecret,
  parseAllowedTargets,
  parseSchedule,
} from '@hookstream/webhooks';
import { signingSecrets, toRoute, type RouteBuilder } from './route.state';
import { RoutingTable } from './routing-table.state';

const key = Buffer.alloc(32, 7);
const builder: RouteBuilder = {
  decrypt: (ciphertext) => decryptSecret(ciphertext, key),
  checkUrl: (url) => checkSubscriptionUrl(url, { allowHttp: false, allow: parseAllowedTargets('') }),
  parseSchedule: (schedule) => parseSchedule(schedule),
};

function state(overrides: Partial<SubscriptionState> = {}): SubscriptionState {
  return {
    id: 'wh_1',
    organizationId: 'org_a',
    name: 'one',
    url: 'https://hooks.example.com/in?x=1',
    events: ['workflow.*'],
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
    secrets: [{ ciphertext: encryptSecret('whsec_current', key), expiresAt: null }],
    disabledReason: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('toRoute', () => {
  it('keeps origin and path apart and decrypts the secret', () => {
    const route = toRoute(state(), builder);
    expect(route.origin).toBe('https://hooks.example.com');
    expect(route.path).toBe('/in?x=1');
    expect(route.problem).toBeNull();
    expect(signingSecrets(route, Date.now())).toEqual(['whsec_current']);
  });

  it('signs with the current secret first and drops a rotated-out secret once it expires', () => {
    const expiresAt = '2026-01-02T00:00:00.000Z';
    const route = toRoute(
      state({
        secrets: [
          { ciphertext: encryptSecret('whsec_old', key), expiresAt },
          { ciphertext: encryptSecret('whsec_new', key), expiresAt: null },
        ],
      }),
      builder,
    );
    expect(signingSecrets(route, Date.parse(expiresAt) - 1)).toEqual(['whsec_new', 'whsec_old']);
    expect(signingSecrets(route, Date.parse(expiresAt))).toEqual(['whsec_new']);
  });

  it('names what makes a subscription undeliverable', () => {
    expect(toRoute(state({ url: 'http://hooks.example.com/' }), builder).problem).toMatch(/https/);
    expect(toRoute(state({ url: 'https://127.0.0.1/' }), builder).problem).toMatch(/loopback/);
    const wrongKey = encryptSecret('whsec_x', Buffer.alloc(32, 9));
    expect(toRoute(state({ secrets: [{ ciphertext: wrongKey, expiresAt: null }] }), builder).problem).toMatch(
      /decrypted/,
    );
    expect(toRoute(state({ retryPolicy: { schedule: ['soon'] } }), builder).problem).toMatch(/retry policy/);
  });

  it('parses a subscription schedule override', () => {
    expect(toRoute(state({ retryPolicy: { schedule: ['1s', '2m'] } }), builder).retryScheduleMs).toEqual([
      1000, 120000,
    ]);
  });
});

describe('RoutingTable', () => {
  it('matches active subscriptions of the organization by pattern', () => {
    const table = new RoutingTable();
    table.upsert(toRoute(state({ id: 'wh_1', events: ['workflow.*'] }), builder));
    table.upsert(toRoute(state({ id: 'wh_2', events: ['workflow.>'] }), builder));
    table.upsert(toRoute(state({ id: 'wh_3', events: ['*'], active: false }), builder));
    table.upsert(toRoute(state({ id: 'wh_4', organizationId: 'org_b', events: ['*'] }), builder));
    expect(table.matching('org_a', 'workflow.completed').map((r) => r.id)).toEqual(['wh_1', 'wh_2']);
    expect(table.matching('org_a', 'workflow.step.failed').map((r) => r.id)).toEqual(['wh_2']);
    expect(table.matching('org_a', 'run_failed')).toEqual([]);
    expect(table.matching('org_c', 'workflow.completed')).toEqual([]);
  });

  it('applies a change to the next match (the cache is dropped)', () => {
    const table = new RoutingTable();
    table.upsert(toRoute(state({ events: ['run_failed'] }), builder));
    expect(table.matching('org_a', 'run_completed')).toHaveLength(0);
    table.upsert(
      toRoute(state({ events: ['run_completed'], updatedAt: '2026-01-02T00:00:00.000Z' }), builder),
    );
    expect(table.matching('org_a', 'run_completed')).toHaveLength(1);
    table.remove('wh_1');
    expect(table.matching('org_a', 'run_completed')).toHaveLength(0);
  });

  it('tells a deleted subscription from one never seen', () => {
    const table = new RoutingTable();
    table.upsert(toRoute(state(), builder));
    table.remove('wh_1');
    expect(table.lookup('wh_1').kind).toBe('deleted');
    expect(table.lookup('wh_2').kind).toBe('unknown');
    table.upsert(toRoute(state(), builder));
    expect(table.lookup('wh_1').kind).toBe('found');
  });

  it('keeps a subscription it disabled inactive until a newer state arrives', () => {
    const table = new RoutingTable();
    table.upsert(toRoute(state(), builder));
    expect(table.disable('wh_1', 'gone')?.active).toBe(true);
    expect(table.disable('wh_1', 'gone')).toBeUndefined();
    expect(table.matching('org_a', 'workflow.completed')).toHaveLength(0);
    // The same state again (a redelivery) does not undo it.
    table.upsert(toRoute(state(), builder));
    const found = table.lookup('wh_1');
    expect(found.kind === 'found' && found.route.active).toBe(false);
    expect(found.kind === 'found' && found.route.disabledReason).toBe('gone');
    // The owner re-enabling it later does.
    table.upsert(toRoute(state({ updatedAt: '2026-01-03T00:00:00.000Z' }), builder));
    expect(table.matching('org_a', 'workflow.completed')).toHaveLength(1);
  });

  it('moves a subscription that changed organization', () => {
    const table = new RoutingTable();
    table.upsert(toRoute(state(), builder));
    table.upsert(toRoute(state({ organizationId: 'org_b' }), builder));
    expect(table.matching('org_a', 'workflow.completed')).toHaveLength(0);
    expect(table.matching('org_b', 'workflow.completed')).toHaveLength(1);
    expect(table.size).toBe(1);
  });

  // Checked by the type check (`tsc`): the swapped calls must not compile.
  it('is keyed by subscription and organization ids, which a dispatch id or a swap cannot stand for', () => {
    const table = new RoutingTable();
    const dispatchId = dispatchIdOf('evt_1', 'wh_1');
    // @ts-expect-error a dispatch id is not a subscription id
    expect(table.lookup(dispatchId)).toEqual({ kind: 'unknown' });
    const route = toRoute(state({ id: 'wh_1', organizationId: 'org_a' }), builder);
    // @ts-expect-error the subscription id where the organization id belongs
    expect(table.matching(route.id, 'workflow.completed')).toEqual([]);
  });
});
