import fc from 'fast-check';
import { subjects } from '@hookstream/contracts';
import { matchesAny, matchesPattern, patternTypes, validatePattern } from './patterns';

/** NATS subject matching, written independently: what JetStream does with the subscription's filter. */
function natsMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

const segment = fc.constantFrom(
  'workflow',
  'step',
  'run',
  'ACTOR',
  'RUN',
  'completed',
  'failed',
  'a-b',
  'x_1',
);
const type = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
const pattern = fc.oneof(
  type,
  type.map((prefix) => `${prefix}.*`),
  type.map((prefix) => `${prefix}.>`),
  fc.constant('*'),
);

describe('validatePattern', () => {
  it.each([
    'workflow.completed',
    'workflow.*',
    'workflow.>',
    'workflow.step.*',
    '*',
    'ACTOR.RUN.>',
    'run_failed',
  ])('accepts %s', (p) => expect(validatePattern(p)).toBeNull());

  it.each([
    ['', 'empty'],
    ['workflow..completed', 'empty segment'],
    ['.workflow', 'empty segment'],
    ['workflow.', 'empty segment'],
    ['workflow.*.failed', 'last segment'],
    ['*.completed', 'last segment'],
    ['workflow.>.x', 'last segment'],
    ['work*', 'may only contain'],
    ['workflow.comp>', 'may only contain'],
    ['workflow.complété', 'may only contain'],
    ['workflow completed', 'may only contain'],
    ['workflow/completed', 'may only contain'],
    ['>', 'use "*"'],
    [`a.${'b'.repeat(127)}`, 'at most 128'],
  ])('refuses %j (%s)', (p, message) => expect(validatePattern(p)).toContain(message));

  it('accepts exactly 128 characters', () => expect(validatePattern('a'.repeat(128))).toBeNull());
});

describe('matchesPattern', () => {
  it.each([
    ['workflow.completed', 'workflow.completed', true],
    ['workflow.completed', 'workflow.completed.x', false],
    ['workflow.completed', 'Workflow.completed', false],
    ['workflow.*', 'workflow.completed', true],
    ['workflow.*', 'workflow.step.completed', false],
    ['workflow.*', 'workflow', false],
    ['workflow.*', 'workflowx.completed', false],
    ['workflow.>', 'workflow.completed', true],
    ['workflow.>', 'workflow.step.completed', true],
    ['workflow.>', 'workflow', false],
    ['workflow.>', 'workflows.completed', false],
    ['workflow.step.*', 'workflow.step.failed', true],
    ['workflow.step.*', 'workflow.failed', false],
    ['ACTOR.RUN.*', 'ACTOR.RUN.SUCCEEDED', true],
    ['ACTOR.RUN.*', 'ACTOR.BUILD.SUCCEEDED', false],
    ['*', 'execution.complete', true],
    ['*', 'run_completed', true],
  ])('%s vs %s -> %s', (p, t, expected) => expect(matchesPattern(p, t)).toBe(expected));

  it('agrees with the JetStream subject filter built from the same pattern', () => {
    fc.assert(
      fc.property(pattern, type, (p, t) => {
        expect(validatePattern(p)).toBeNull();
        const expected = natsMatches(subjects.eventFilter('org_a', p), subjects.event('org_a', t));
        expect(matchesPattern(p, t)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('an exact pattern selects only itself', () => {
    fc.assert(fc.property(type, type, (a, b) => expect(matchesPattern(a, b)).toBe(a === b)));
  });
});

describe('matchesAny', () => {
  it('is true when one pattern matches', () => {
    expect(matchesAny(['run_failed', 'workflow.*'], 'workflow.failed')).toBe(true);
    expect(matchesAny(['run_failed', 'workflow.*'], 'workflow.step.failed')).toBe(false);
    expect(matchesAny([], 'workflow.failed')).toBe(false);
  });
});

describe('patternTypes', () => {
  const registered = ['workflow.started', 'workflow.step.failed', 'ACTOR.RUN.CREATED'];

  it('is true when the pattern selects a registered type', () => {
    expect(patternTypes('workflow.*', registered)).toBe(true);
    expect(patternTypes('workflow.step.>', registered)).toBe(true);
    expect(patternTypes('ACTOR.RUN.CREATED', registered)).toBe(true);
    expect(patternTypes('*', registered)).toBe(true);
  });

  it('is false when it selects none', () => {
    expect(patternTypes('workflow.completed', registered)).toBe(false);
    expect(patternTypes('ACTOR.BUILD.*', registered)).toBe(false);
    expect(patternTypes('*', [])).toBe(false);
  });
});
