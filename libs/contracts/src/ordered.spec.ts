import { decodeOrderedEntry, orderedMessageId, orderingKeyOf, type OrderedEntry } from './ordered';

const encode = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));

const entry: OrderedEntry = {
  version: 1,
  factSeq: 12,
  ref: {
    dispatchId: 'dsp_1',
    round: '',
    organizationId: 'org_a',
    subscriptionId: 'wh_1',
    eventId: 'evt_1',
    eventType: 'run_completed',
    test: false,
  },
  key: 'ord_1',
  eventSeq: 40,
};

describe('ordered entries', () => {
  it('keys by the event subject, events without one together', () => {
    expect(orderingKeyOf({ subject: 'ord_1' })).toBe('ord_1');
    expect(orderingKeyOf({})).toBe('');
  });

  it('decodes an entry and refuses anything else', () => {
    expect(decodeOrderedEntry(encode(entry))).toEqual(entry);
    expect(decodeOrderedEntry(encode({ ...entry, version: 2 }))).toBeUndefined();
    expect(decodeOrderedEntry(encode({ ...entry, key: 1 }))).toBeUndefined();
    expect(decodeOrderedEntry(encode({ ...entry, ref: {} }))).toBeUndefined();
    expect(decodeOrderedEntry(Buffer.from('{'))).toBeUndefined();
  });

  it('has one message id per dispatch round', () => {
    expect(orderedMessageId('dsp_1', '')).toBe('dsp_1::ordered');
  });
});
