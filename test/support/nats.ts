import { DeliverPolicy, jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { connect as nodeConnect } from '@nats-io/transport-node';

// transport-node re-exports its types through a subpath this tsconfig does not follow; core declares them.
const connect = nodeConnect as (options: ConnectionOptions) => Promise<NatsConnection>;

/** One stored message as it sits on the stream: subject, headers and body bytes, undecoded. */
export interface RawMessage {
  seq: number;
  subject: string;
  headers: string;
  data: string;
}

/** A plain NATS client beside the services: publishes what no API would accept, reads what they stored. */
export interface RawNats {
  js: JetStreamClient;
  /** Publishes bytes straight to JetStream; resolves with the stream sequence. */
  publish(subject: string, data: string, msgId: string): Promise<number>;
  /** Every message of the stream under the filter, from the first one, as stored. */
  read(stream: string, filterSubject: string): Promise<RawMessage[]>;
  close(): Promise<void>;
}

export async function rawNats(url: string): Promise<RawNats> {
  const nc = await connect({ servers: url });
  const js = jetstream(nc);
  return {
    js,
    publish: async (subject, data, msgId) => (await js.publish(subject, data, { msgID: msgId })).seq,
    read: async (stream, filterSubject) => {
      // An ordered consumer: no state left on the server, every message in stream order.
      const consumer = await js.consumers.get(stream, {
        filter_subjects: filterSubject,
        deliver_policy: DeliverPolicy.All,
      });
      const messages: RawMessage[] = [];
      let pending = (await consumer.info(true)).num_pending;
      const deadline = Date.now() + 30_000;
      while (pending > 0) {
        if (Date.now() > deadline) throw new Error(`reading ${stream} ${filterSubject} did not finish`);
        const batch = await consumer.fetch({ max_messages: 256, expires: 2_000 });
        for await (const msg of batch) {
          pending = msg.info.pending;
          const headers = msg.headers;
          messages.push({
            seq: msg.seq,
            subject: msg.subject,
            headers: headers
              ? headers
                  .keys()
                  .map((k) => `${k}: ${headers.values(k).join(', ')}`)
                  .join('\n')
              : '',
            data: msg.string(),
          });
          if (pending === 0) break;
        }
      }
      return messages;
    },
    close: () => nc.close(),
  };
}
