import { Outcome, supportsTermReason } from './outcome';

describe('Outcome', () => {
  it('builds the three outcomes', () => {
    expect(Outcome.ack()).toEqual({ kind: 'ack' });
    expect(Outcome.nak()).toEqual({ kind: 'nak' });
    expect(Outcome.nak(5_000)).toEqual({ kind: 'nak', delayMs: 5_000 });
    expect(Outcome.term('bad json')).toEqual({ kind: 'term', reason: 'bad json' });
  });
});

describe('supportsTermReason', () => {
  it.each([
    ['2.9.10', false],
    ['2.10.3', false],
    ['2.10.4', true],
    ['2.10.22', true],
    ['2.11.0', true],
    ['v2.12.1', true],
    ['3.0.0', true],
    ['1.4.1', false],
    [undefined, false],
    ['garbage', false],
  ])('%s -> %s', (version, expected) => {
    expect(supportsTermReason(version)).toBe(expected);
  });
});
