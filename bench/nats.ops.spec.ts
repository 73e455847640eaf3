import { modelOpsPerDelivery, natsOpsBetween, natsOpsByClient } from './nats.ops';

describe('natsOpsBetween', () => {
  it('adds the in_msgs and out_msgs deltas of two /varz snapshots', () => {
    const before = [{ in_msgs: 1_000, out_msgs: 2_500 }];
    const after = [{ in_msgs: 41_000, out_msgs: 72_500 }];
    expect(natsOpsBetween(before, after)).toEqual({ inMsgs: 40_000, outMsgs: 70_000, total: 110_000 });
  });

  it('sums the nodes of a cluster, node by node', () => {
    const before = [
      { in_msgs: 10, out_msgs: 10 },
      { in_msgs: 100, out_msgs: 100 },
    ];
    const after = [
      { in_msgs: 15, out_msgs: 12 },
      { in_msgs: 103, out_msgs: 101 },
    ];
    expect(natsOpsBetween(before, after)).toEqual({ inMsgs: 8, outMsgs: 3, total: 11 });
  });

  it('refuses snapshots of different servers', () => {
    expect(() => natsOpsBetween([{ in_msgs: 0, out_msgs: 0 }], [])).toThrow('1 nodes');
  });
});

describe('modelOpsPerDelivery', () => {
  it('counts 7 operations at fan-out 1 when the fan-out makes every first attempt', () => {
    // event publish + ack, fan-out delivery + ack, outcome publish + ack, projector delivery
    expect(modelOpsPerDelivery(1)).toBe(7);
  });

  it('shares the event among the deliveries of a fan-out', () => {
    expect(modelOpsPerDelivery(4)).toBe(4);
  });

  it('adds created: publish + ack, attempts delivery + ack, projector delivery, per hand-off', () => {
    expect(modelOpsPerDelivery(1, 1)).toBe(12);
    expect(modelOpsPerDelivery(1, 0.5)).toBe(9.5);
  });
});

describe('natsOpsByClient', () => {
  it('groups each connection delta by client name, a new connection from zero', () => {
    const before = [
      [
        { cid: 1, name: 'bench', in_msgs: 100, out_msgs: 100 },
        { cid: 2, name: 'dispatcher', in_msgs: 50, out_msgs: 60 },
      ],
    ];
    const after = [
      [
        { cid: 1, name: 'bench', in_msgs: 1_100, out_msgs: 1_100 },
        { cid: 2, name: 'dispatcher', in_msgs: 50, out_msgs: 60 },
        { cid: 3, name: 'dispatcher', in_msgs: 3_000, out_msgs: 4_000 },
        { cid: 4, in_msgs: 1, out_msgs: 1 },
      ],
    ];
    expect(natsOpsByClient(before, after)).toEqual({
      bench: { inMsgs: 1_000, outMsgs: 1_000 },
      dispatcher: { inMsgs: 3_000, outMsgs: 4_000 },
      unnamed: { inMsgs: 1, outMsgs: 1 },
    });
  });
});

describe('modelOpsPerDelivery with parking', () => {
  it('adds the PARKED publish + ack, the queue delivery + ack and the fact read per parked attempt', () => {
    expect(modelOpsPerDelivery(1, 1, 0.75)).toBe(16.5);
  });
});
