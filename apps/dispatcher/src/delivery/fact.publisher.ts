import { Injectable } from '@nestjs/common';
import { Publisher, PublishManyError, type PublishItem, type PublishResult } from '@hookstream/messaging';

interface Pending {
  item: PublishItem;
  resolve: (result: PublishResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Publishes delivery facts in batches: everything asked for during one turn of the event loop is
 * handed to the client together, so it leaves in one socket write instead of one write per fact
 * (each answer and each stored fact arrives on its own turn). Each publish still waits for its
 * own stream acknowledgement.
 */
@Injectable()
export class FactPublisher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly publisher: Publisher) {}

  publish(item: PublishItem): Promise<PublishResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** All stored, or a PublishManyError once every one has settled (the others are stored). */
  async publishMany(items: PublishItem[]): Promise<PublishResult[]> {
    const settled = await Promise.allSettled(items.map((item) => this.publish(item)));
    const failures = settled.flatMap((result, index) =>
      result.status === 'rejected'
        ? [{ index, msgId: items[index]!.msgId, error: result.reason as unknown }]
        : [],
    );
    if (failures.length > 0) throw new PublishManyError(failures, items.length);
    return settled.map((result) => (result as PromiseFulfilledResult<PublishResult>).value);
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (const { item, resolve, reject } of batch) {
      this.publisher
        .publish(item.subject, item.payload, { msgId: item.msgId, headers: item.headers })
        .then(resolve, reject);
    }
  }
}
