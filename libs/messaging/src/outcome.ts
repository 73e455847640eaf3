import type { JsMsg } from '@nats-io/jetstream';

/** What a handler decided for one message; `settle` is the only place that turns it into an acknowledgement. */
export type HandlerOutcome =
  { kind: 'ack' } | { kind: 'nak'; delayMs?: number } | { kind: 'term'; reason: string };

export const Outcome = {
  ack: (): HandlerOutcome => ({ kind: 'ack' }),
  nak: (delayMs?: number): HandlerOutcome =>
    delayMs === undefined ? { kind: 'nak' } : { kind: 'nak', delayMs },
  term: (reason: string): HandlerOutcome => ({ kind: 'term', reason }),
};

export interface SettleOptions {
  /**
   * Whether the server understands `+TERM <reason>`. Older servers (before 2.10.4) do not: they
   * ignore the whole acknowledgement and redeliver, so the reason is only sent when supported.
   */
  termReason?: boolean;
}

export function settle(msg: JsMsg, outcome: HandlerOutcome, options: SettleOptions = {}): void {
  switch (outcome.kind) {
    case 'ack':
      msg.ack();
      return;
    case 'nak':
      msg.nak(outcome.delayMs === undefined ? undefined : Math.max(0, Math.round(outcome.delayMs)));
      return;
    case 'term':
      if (options.termReason) msg.term(outcome.reason);
      else msg.term();
      return;
  }
}

/** True from nats-server 2.10.4 on (the version that reads a reason after +TERM). */
export function supportsTermReason(serverVersion: string | undefined): boolean {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(serverVersion ?? '');
  if (!match) return false;
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  if (major !== 2) return major > 2;
  return minor > 10 || (minor === 10 && patch >= 4);
}
