import { FIRST_AT_FANOUT, FIRST_HANDED_OFF, handedOffShare } from './metrics.scrape';

describe('handedOffShare', () => {
  it('is the share of first attempts handed off as dispatch.created', () => {
    expect(handedOffShare({ [FIRST_AT_FANOUT]: 750, [FIRST_HANDED_OFF]: 250 })).toBe(0.25);
  });

  it('is 1 without the fast path: dispatches created, no first attempt counted by path', () => {
    expect(handedOffShare({ hookstream_dispatches_created_total: 10 })).toBe(1);
  });

  it('is undefined when nothing was dispatched', () => {
    expect(handedOffShare({})).toBeUndefined();
  });
});
