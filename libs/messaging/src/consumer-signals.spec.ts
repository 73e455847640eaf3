import { consumerSignal } from './consumer-signals';

describe('consumerSignal', () => {
  it('reads heartbeats as signs of life and counts the missed ones', () => {
    expect(consumerSignal({ type: 'heartbeat', lastConsumerSequence: 1, lastStreamSequence: 1 })).toEqual({
      kind: 'alive',
    });
    expect(consumerSignal({ type: 'heartbeats_missed', count: 2 })).toEqual({
      kind: 'heartbeats-missed',
      count: 2,
    });
  });

  it('asks for the consumer to be recreated when it was deleted or is not found', () => {
    expect(
      consumerSignal({ type: 'consumer_deleted', code: 409, description: 'Consumer Deleted' }).kind,
    ).toBe('consumer-gone');
    expect(consumerSignal({ type: 'consumer_not_found', name: 'w', stream: 'S', count: 1 }).kind).toBe(
      'consumer-gone',
    );
  });

  it('reports a missing stream and ignores debugging notifications', () => {
    expect(consumerSignal({ type: 'stream_not_found', name: 'EVENTS' })).toEqual({
      kind: 'stream-missing',
      detail: 'stream EVENTS not found',
    });
    expect(consumerSignal({ type: 'debug', code: 100, description: 'idle' }).kind).toBe('none');
  });
});
