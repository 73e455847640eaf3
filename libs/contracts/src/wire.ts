/**
 * One message as a producer hands it to its publisher: the subject it is stored under, the JSON
 * body, the Nats-Msg-Id that makes a repeated publish a no-op, and the headers beside the body.
 * Structurally a `PublishItem` of `@hookstream/messaging`, without a NATS import.
 */
export interface WireMessage {
  subject: string;
  payload: string;
  msgId: string;
  headers: Record<string, string>;
}
