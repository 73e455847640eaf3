import type { JetStreamManager, MsgRequest, StoredMsg } from '@nats-io/jetstream';
import { STREAMS, subjects } from '@hookstream/contracts';
import { storedMessage } from '@hookstream/messaging';

/**
 * Reads a subscription's delivery history from DELIVERIES by subject, three direct lookups and
 * no scan: its last success, then the first failure recorded after it. The history is what every
 * replica and every earlier process wrote, so a decision to disable never rests on one process's
 * partial view.
 */
export class FailureHistory {
  constructor(private readonly jsm: JetStreamManager) {}

  /** Epoch ms of the first failed attempt after the last success; null when none is recorded. */
  async failingSince(organizationId: string, subscriptionId: string): Promise<number | null> {
    const lastSuccess = await this.get({
      last_by_subj: subjects.delivery(organizationId, subscriptionId, 'succeeded'),
    });
    const from = (lastSuccess?.seq ?? 0) + 1;
    const firsts = await Promise.all(
      (['attempted', 'failed'] as const).map((kind) =>
        // The server takes `next_by_subj` with `seq` on the message get API; the client's type only lists the others.
        this.get({
          seq: from,
          next_by_subj: subjects.delivery(organizationId, subscriptionId, kind),
        } as unknown as MsgRequest),
      ),
    );
    const times = firsts.flatMap((msg) => (msg ? [msg.time.getTime()] : []));
    return times.length === 0 ? null : Math.min(...times);
  }

  private get(query: MsgRequest): Promise<StoredMsg | null> {
    return storedMessage(this.jsm, STREAMS.deliveries, query);
  }
}
