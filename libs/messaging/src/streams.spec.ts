import { STREAMS } from '@hookstream/contracts';
import { streamConfigs } from './streams';

const ms = (n: number) => n * 1_000_000;

describe('streamConfigs', () => {
  const configs = streamConfigs({
    replicas: 3,
    eventsMaxAgeMs: 7 * 86_400_000,
    deliveriesMaxAgeMs: 30 * 86_400_000,
  });
  const byName = Object.fromEntries(configs.map((c) => [c.name, c]));

  it("declares the architecture's streams and the dispatcher's on file storage, discarding the oldest", () => {
    expect(Object.keys(byName).sort()).toEqual(
      [
        STREAMS.deliveries,
        STREAMS.events,
        STREAMS.subscriptions,
        STREAMS.parked,
        STREAMS.circuits,
        STREAMS.ordered,
      ].sort(),
    );
    for (const config of configs) {
      const workQueue = config.name === STREAMS.parked || config.name === STREAMS.ordered;
      const retention = workQueue ? 'workqueue' : 'limits';
      expect(config).toMatchObject({ retention, storage: 'file', discard: 'old', num_replicas: 3 });
      expect(config.duplicate_window).toBe(ms(120_000));
    }
  });

  it('bounds events and deliveries by age and keeps the last subscription state per subject', () => {
    expect(byName[STREAMS.events]).toMatchObject({ subjects: ['events.>'], max_age: ms(7 * 86_400_000) });
    expect(byName[STREAMS.deliveries]).toMatchObject({
      subjects: ['deliveries.>'],
      max_age: ms(30 * 86_400_000),
    });
    expect(byName[STREAMS.subscriptions]).toMatchObject({
      subjects: ['subscriptions.>'],
      max_age: 0,
      max_msgs_per_subject: 1,
    });
    // A parked entry lives no longer than the fact it points at.
    expect(byName[STREAMS.parked]).toMatchObject({ subjects: ['parked.>'], max_age: ms(30 * 86_400_000) });
    expect(byName[STREAMS.circuits]).toMatchObject({ subjects: ['circuits.>'], max_msgs_per_subject: 1 });
    expect(byName[STREAMS.ordered]).toMatchObject({ subjects: ['ordered.>'], max_age: ms(30 * 86_400_000) });
  });

  it('never asks for a duplicate window longer than the max age', () => {
    const short = streamConfigs({ replicas: 1, eventsMaxAgeMs: 30_000, deliveriesMaxAgeMs: 30_000 });
    expect(short.find((c) => c.name === STREAMS.events)?.duplicate_window).toBe(ms(30_000));
  });
});
