import { EMPTY_ALLOW_LIST, parseAllowedTargets } from '@hookstream/webhooks';
import {
  checkPatterns,
  checkSubscriptionFields,
  signatureProblems,
  subscriptionFieldProblems,
  type RuleContext,
} from './subscription.rules';

const context: RuleContext = {
  registeredTypes: ['workflow.started', 'workflow.step.failed', 'run_failed'],
  allowHttp: false,
  allow: EMPTY_ALLOW_LIST,
};

describe('subscription rules', () => {
  it('accepts a complete valid subscription', () => {
    const fields = {
      url: 'https://hooks.example.com/x',
      events: ['workflow.*', 'run_failed'],
      headers: { Authorization: 'Bearer t' },
      payloadTemplate: '{"t": {{eventType}}}',
      retryPolicy: { schedule: ['5s', '1m'] },
      metadata: { a: 1 },
      filter: { 'data.status': { $in: ['failed'] } },
      secret: 'whsec_' + Buffer.alloc(32, 1).toString('base64'),
    };
    expect(checkSubscriptionFields(fields, context)).toBeNull();
  });

  it('names the filter as the field at fault, null clearing it', () => {
    expect(subscriptionFieldProblems({ filter: { 'data.x': { $where: '1' } } }, context)).toEqual([
      { path: 'filter', message: expect.stringContaining('unknown operator "$where"') },
    ]);
    expect(subscriptionFieldProblems({ filter: null }, context)).toEqual([]);
  });

  it('allows ed25519 on the standard profile only, and never with a given secret', () => {
    expect(signatureProblems({ profile: 'standard', signature: 'ed25519' }, false)).toEqual([]);
    expect(signatureProblems({ profile: 'kaizen', signature: 'hmac' }, true)).toEqual([]);
    expect(signatureProblems({ profile: 'elan', signature: 'ed25519' }, true).map((p) => p.path)).toEqual([
      'signature',
      'secret',
    ]);
  });

  it('checks only the fields present', () => {
    expect(checkSubscriptionFields({}, context)).toBeNull();
    expect(checkSubscriptionFields({ name: 'x' }, context)).toBeNull();
  });

  it.each([
    [{ url: 'http://hooks.example.com' }, 'https'],
    [{ url: 'https://127.0.0.1/x' }, 'not allowed'],
    [{ events: ['workflow.completed'] }, 'matches no registered event type'],
    [{ events: ['workflow..x'] }, 'empty segment'],
    [{ headers: { Host: 'x' } }, 'reserved'],
    [{ payloadTemplate: '{"a": {{x}}' }, 'payloadTemplate'],
    [{ retryPolicy: { schedule: ['8d'] } }, 'retryPolicy.schedule'],
    [{ metadata: { blob: 'x'.repeat(20_000) } }, 'metadata must be at most'],
    [{ secret: 'short' }, 'secret'],
  ])('refuses %j', (fields, message) => {
    expect(checkSubscriptionFields(fields, context)).toContain(message);
  });

  it('allows plain http and private addresses only towards allow-listed targets with DELIVERY_ALLOW_HTTP', () => {
    const allow = parseAllowedTargets('127.0.0.0/8');
    const url = 'http://127.0.0.1:9000/hook';
    expect(checkSubscriptionFields({ url }, { ...context, allow })).toContain('https');
    expect(checkSubscriptionFields({ url }, { ...context, allow, allowHttp: true })).toBeNull();
    expect(
      checkSubscriptionFields({ url: 'http://10.0.0.1/hook' }, { ...context, allow, allowHttp: true }),
    ).not.toBeNull();
  });

  it('refuses a pattern listed twice', () => {
    expect(checkPatterns(['run_failed', 'run_failed'], context.registeredTypes)).toContain('twice');
  });
});
