import { platformCost } from './platform.cost';

describe('platformCost', () => {
  it("prices each CPU span over its own deliveries and the operations over the whole drain's", () => {
    const ingest = { cpu: { seconds: 0.5, byRole: { 'nats-server': 0.5 } }, deliveries: 10_000 };
    const drain = {
      cpu: { seconds: 9.9, byRole: { 'nats-server': 2.97, dispatcher: 6.93 } },
      deliveries: 9_900,
    };
    const cost = platformCost(
      [ingest, drain],
      { ops: { inMsgs: 35_000, outMsgs: 36_000, total: 71_000 }, deliveries: 10_000 },
      { fanout: 1, handedOffShare: 0.02, parkedPerDelivery: 0.01 },
    );
    expect(cost.cpuUsPerDelivery).toBeCloseTo(50 + 1_000, 6);
    expect(cost.cpuUsPerDeliveryByRole['nats-server']).toBeCloseTo(50 + 300, 6);
    expect(cost.cpuUsPerDeliveryByRole.dispatcher).toBeCloseTo(700, 6);
    expect(cost.cpuSeconds).toBeCloseTo(10.4, 6);
    expect(cost.natsOpsModel).toBeCloseTo(7.16, 6);
    expect(cost).toMatchObject({
      natsOpsPerDelivery: 7.1,
      natsInPerDelivery: 3.5,
      natsOutPerDelivery: 3.6,
      handedOffShare: 0.02,
      parkedPerDelivery: 0.01,
    });
  });

  it('leaves the model out when no fan-out is given', () => {
    const cost = platformCost([{ cpu: { seconds: 1, byRole: {} }, deliveries: 1_000 }], {
      ops: { inMsgs: 1, outMsgs: 1, total: 2 },
      deliveries: 1,
    });
    expect(cost.natsOpsModel).toBeUndefined();
    expect(cost.handedOffShare).toBeUndefined();
  });
});
