/** Messages between a measuring process and its receiver process (receiver-process.ts). */

export interface ReceiverStats {
  /** Every request, duplicates included. */
  requests: number;
  /** Distinct webhook-ids. */
  unique: number;
  duplicates: number;
  /** Receive times (epoch ms, sub-millisecond) of the first and the last request since the reset. */
  firstAt: number;
  lastAt: number;
  /** Distinct webhook-ids per request path. */
  byPath: Record<string, number>;
}

/** One entry per distinct webhook-id whose event key starts with the prefix asked for. */
export interface ReceiverRecords {
  keys: string[];
  paths: string[];
  receivedAt: number[];
  /** NaN when the body carried no publish time. */
  publishedAt: number[];
}

/** The first arrival of each distinct webhook-id, as columns. */
export interface ReceiverArrivals {
  webhookIds: string[];
  receivedAt: number[];
}

export type ReceiverRequest =
  | { id: number; cmd: 'reset' }
  | { id: number; cmd: 'stats' }
  | { id: number; cmd: 'records'; prefix: string }
  | { id: number; cmd: 'arrivals' };

export interface ReceiverReply {
  id: number;
  result: ReceiverStats | ReceiverRecords | ReceiverArrivals;
}
