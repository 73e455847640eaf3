import { orderedConsumerOptions } from './ordered-stream';

describe('orderedConsumerOptions', () => {
  const filterSubject = 'subscriptions.>';

  it('maps each deliver policy onto the consumer options', () => {
    expect(orderedConsumerOptions({ filterSubject }, 0)).toEqual({
      filter_subjects: filterSubject,
      deliver_policy: 'all',
    });
    expect(orderedConsumerOptions({ filterSubject, deliverPolicy: 'last_per_subject' }, 0)).toEqual({
      filter_subjects: filterSubject,
      deliver_policy: 'last_per_subject',
    });
    expect(orderedConsumerOptions({ filterSubject, deliverPolicy: 'new' }, 0).deliver_policy).toBe('new');
  });

  it('starts from a checkpoint sequence or a time', () => {
    expect(orderedConsumerOptions({ filterSubject, startSeq: 42 }, 0)).toEqual({
      filter_subjects: filterSubject,
      deliver_policy: 'by_start_sequence',
      opt_start_seq: 42,
    });
    const startTime = new Date('2026-01-01T00:00:00.000Z');
    expect(orderedConsumerOptions({ filterSubject, startTime }, 0)).toMatchObject({
      deliver_policy: 'by_start_time',
      opt_start_time: '2026-01-01T00:00:00.000Z',
    });
    expect(() => orderedConsumerOptions({ filterSubject, deliverPolicy: 'start_time' }, 0)).toThrow(
      /startTime/,
    );
  });

  it('resumes right after the last message handled, whatever the first policy was', () => {
    expect(orderedConsumerOptions({ filterSubject, deliverPolicy: 'last_per_subject' }, 17)).toEqual({
      filter_subjects: filterSubject,
      deliver_policy: 'by_start_sequence',
      opt_start_seq: 18,
    });
  });
});
